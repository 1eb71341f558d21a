"""Change between survey waves: differences of means and proportions, and control charts over waves."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis._checks import as_float_array, check_alpha
from analysis.intervals import Interval, wilson_interval

ALTERNATIVES = ("two-sided", "larger", "smaller")


@dataclass(frozen=True)
class MeanChange:
    """Change in a mean from wave 1 to wave 2 (``diff = mean2 - mean1``), Welch test and interval."""

    diff: float
    se: float
    df: float
    statistic: float
    pvalue: float
    low: float
    high: float
    nobs1: float
    nobs2: float
    alpha: float
    alternative: str


@dataclass(frozen=True)
class ProportionChange:
    """Change in a share from wave 1 to wave 2 (``diff = p2 - p1``), z test and Newcombe interval."""

    diff: float
    share1: float
    share2: float
    se: float
    statistic: float
    pvalue: float
    low: float
    high: float
    nobs1: float
    nobs2: float
    alpha: float
    alternative: str


def mean_change(nobs1, mean1, sd1, nobs2, mean2, sd2, alpha: float = 0.05,
                alternative: str = "two-sided") -> MeanChange:
    r"""Difference of two wave means with Welch's t-test and interval, from summary statistics.

    The waves are independent samples (different respondents).

    .. math::

        d = \bar y_2 - \bar y_1, \quad
        \mathrm{SE} = \sqrt{\frac{s_1^2}{n_1} + \frac{s_2^2}{n_2}}, \quad
        \nu = \frac{\mathrm{SE}^4}{\frac{(s_1^2/n_1)^2}{n_1-1} + \frac{(s_2^2/n_2)^2}{n_2-1}},

    :math:`t = d/\mathrm{SE}` on :math:`\nu` degrees of freedom and the two-sided interval
    :math:`d \pm t_{1-\alpha/2,\nu}\,\mathrm{SE}` (always two-sided, whatever ``alternative``).

    Parameters
    ----------
    nobs1, mean1, sd1 : float
        Earlier wave: answers, mean, sd (ddof=1). ``nobs >= 2`` in each wave.
    nobs2, mean2, sd2 : float
        Later wave.
    alpha : float
        One minus the confidence level.
    alternative : {"two-sided", "larger", "smaller"}
        "larger": the later mean is higher (H1: d > 0); "smaller": lower.

    Returns
    -------
    MeanChange
        ``statistic`` and ``pvalue`` are NaN when both sds are 0.

    References
    ----------
    Welch, B. L. (1947). *Biometrika* 34, 28–35. Satterthwaite, F. E. (1946). *Biometrics
    Bulletin* 2, 110–114.

    Examples
    --------
    >>> res = mean_change(120, 3.8, 1.0, 150, 4.1, 0.9)
    >>> round(res.diff, 2), round(res.pvalue, 4), round(res.low, 3), round(res.high, 3)
    (0.3, 0.0111, 0.069, 0.531)
    """
    check_alpha(alpha)
    _check_alternative(alternative)
    n1, m1, s1, n2, m2, s2 = (
        _single(v, name) for v, name in
        ((nobs1, "nobs1"), (mean1, "mean1"), (sd1, "sd1"), (nobs2, "nobs2"), (mean2, "mean2"), (sd2, "sd2"))
    )
    if n1 < 2 or n2 < 2:
        raise ValueError("Each wave needs at least 2 answers to compare means.")
    if s1 < 0 or s2 < 0:
        raise ValueError("A standard deviation cannot be negative.")
    if not (np.isfinite(m1) and np.isfinite(m2) and np.isfinite(s1) and np.isfinite(s2)):
        raise ValueError("Means and standard deviations must be finite numbers.")
    v1, v2 = s1**2 / n1, s2**2 / n2
    diff = m2 - m1
    se = float(np.sqrt(v1 + v2))
    if se == 0:
        df = statistic = pvalue = low = high = float("nan")
    else:
        df = float((v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1)))
        statistic = diff / se
        pvalue = _pvalue(stats.t(df), statistic, alternative)
        half = stats.t.isf(alpha / 2, df) * se
        low, high = diff - half, diff + half
    return MeanChange(float(diff), se, df, float(statistic), float(pvalue), float(low), float(high),
                      n1, n2, alpha, alternative)


def newcombe_interval(successes1, nobs1, successes2, nobs2, alpha: float = 0.05) -> Interval:
    r"""Newcombe's hybrid score interval for a difference of independent proportions :math:`p_1 - p_2`.

    With Wilson limits :math:`(l_i, u_i)` for each share (:func:`analysis.intervals.wilson_interval`),

    .. math::

        L = \hat p_1 - \hat p_2 - \sqrt{(\hat p_1 - l_1)^2 + (u_2 - \hat p_2)^2}, \qquad
        U = \hat p_1 - \hat p_2 + \sqrt{(u_1 - \hat p_1)^2 + (\hat p_2 - l_2)^2}.

    Parameters
    ----------
    successes1, nobs1, successes2, nobs2 : array_like
        Counts per sample (broadcast together).
    alpha : float
        One minus the confidence level.

    Returns
    -------
    Interval
        ``estimate`` is :math:`\hat p_1 - \hat p_2`; ``nobs`` is :math:`n_1 + n_2`; NaN where a
        sample is empty.

    References
    ----------
    Newcombe, R. G. (1998). Interval estimation for the difference between independent
    proportions: comparison of eleven methods. *Statistics in Medicine* 17, 873–890
    (method 10).

    Examples
    --------
    >>> ci = newcombe_interval(56, 70, 48, 80)
    >>> round(float(ci.low), 4), round(float(ci.high), 4)
    (0.0524, 0.3339)
    """
    first = wilson_interval(successes1, nobs1, alpha=alpha)
    second = wilson_interval(successes2, nobs2, alpha=alpha)
    p1, l1, u1 = (np.asarray(v, dtype=float) for v in (first.estimate, first.low, first.high))
    p2, l2, u2 = (np.asarray(v, dtype=float) for v in (second.estimate, second.low, second.high))
    diff = p1 - p2
    low = diff - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = diff + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    nobs = np.asarray(first.nobs, dtype=float) + np.asarray(second.nobs, dtype=float)
    return Interval(_scalar(diff), _scalar(low), _scalar(high), _scalar(nobs), alpha)


def proportion_change(successes1, nobs1, successes2, nobs2, alpha: float = 0.05,
                      alternative: str = "two-sided") -> ProportionChange:
    r"""Change in a share between two waves: pooled two-proportion z test and Newcombe interval.

    .. math::

        d = \hat p_2 - \hat p_1, \quad
        \bar p = \frac{x_1 + x_2}{n_1 + n_2}, \quad
        z = \frac{d}{\sqrt{\bar p(1 - \bar p)\left(\frac{1}{n_1} + \frac{1}{n_2}\right)}},

    and the two-sided Newcombe hybrid score interval for *d*
    (:func:`newcombe_interval` with the waves swapped).

    Parameters
    ----------
    successes1, nobs1 : float
        Earlier wave: count of "yes" and of answers.
    successes2, nobs2 : float
        Later wave.
    alpha : float
        One minus the confidence level.
    alternative : {"two-sided", "larger", "smaller"}
        "larger": the later share is higher.

    Returns
    -------
    ProportionChange
        ``statistic`` and ``pvalue`` are NaN when both shares are 0 or both are 1.

    References
    ----------
    Agresti, A. (2013). *Categorical Data Analysis*, 3rd ed., §3.1. Newcombe, R. G. (1998).
    *Statistics in Medicine* 17, 873–890.

    Examples
    --------
    >>> res = proportion_change(48, 80, 56, 70)
    >>> round(res.diff, 3), round(res.pvalue, 4), round(res.low, 4), round(res.high, 4)
    (0.2, 0.008, 0.0524, 0.3339)
    """
    check_alpha(alpha)
    _check_alternative(alternative)
    x1, n1, x2, n2 = (
        _single(v, name) for v, name in
        ((successes1, "successes1"), (nobs1, "nobs1"), (successes2, "successes2"), (nobs2, "nobs2"))
    )
    if n1 < 1 or n2 < 1:
        raise ValueError("Each wave needs at least one answer to compare shares.")
    if not (0 <= x1 <= n1 and 0 <= x2 <= n2):
        raise ValueError("Counts must satisfy 0 <= successes <= nobs in each wave.")
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    se = float(np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2)))
    diff = p2 - p1
    if se == 0:
        statistic = pvalue = float("nan")
    else:
        statistic = diff / se
        pvalue = _pvalue(stats.norm, statistic, alternative)
    ci = newcombe_interval(x2, n2, x1, n1, alpha=alpha)
    return ProportionChange(float(diff), p1, p2, se, float(statistic), float(pvalue), float(ci.low),
                            float(ci.high), n1, n2, alpha, alternative)


def p_chart(successes, nobs, labels=None, sigma: float = 3.0) -> pd.DataFrame:
    r"""p-chart over waves: each wave's share against limits around the pooled share.

    .. math::

        \bar p = \frac{\sum_i x_i}{\sum_i n_i}, \qquad
        \bar p \pm k\sqrt{\frac{\bar p(1 - \bar p)}{n_i}}

    with *k* = ``sigma`` (3), limits clipped to [0, 1] and varying with each wave's :math:`n_i`.
    A wave is in control when its share lies within its limits (inclusive).

    Parameters
    ----------
    successes, nobs : array_like
        Per wave, in time order; every wave needs at least one answer.
    labels : sequence, optional
        Wave names (default 0, 1, ...).
    sigma : float
        Width of the limits in standard errors.

    Returns
    -------
    pandas.DataFrame
        Columns ``wave, nobs, share, centre, lcl, ucl, in_control``.

    References
    ----------
    Montgomery, D. C. (2019). *Introduction to Statistical Quality Control*, 8th ed., §7.2
    (control chart for fraction nonconforming, variable sample size). Wiley.

    Examples
    --------
    >>> chart = p_chart([40, 45, 60], [100, 110, 100], labels=["2024", "2025", "2026"])
    >>> print(chart[["wave", "centre", "ucl", "in_control"]].round(3).to_string(index=False))
    wave  centre   ucl  in_control
    2024   0.468 0.617        True
    2025   0.468 0.610        True
    2026   0.468 0.617        True
    """
    _check_sigma(sigma)
    x = as_float_array(successes, "successes").ravel()
    n = as_float_array(nobs, "nobs").ravel()
    if x.size != n.size or x.size == 0:
        raise ValueError("Give one count of successes and one of answers per wave.")
    if np.any(~np.isfinite(n)) or np.any(~np.isfinite(x)) or np.any(n < 1) or np.any(x < 0) or np.any(x > n):
        raise ValueError("Every wave needs answers, with 0 <= successes <= nobs.")
    centre = x.sum() / n.sum()
    share = x / n
    half = sigma * np.sqrt(centre * (1 - centre) / n)
    lcl = np.clip(centre - half, 0, 1)
    ucl = np.clip(centre + half, 0, 1)
    return pd.DataFrame({
        "wave": _labels(labels, n.size),
        "nobs": n.astype("int64"),
        "share": share,
        "centre": centre,
        "lcl": lcl,
        "ucl": ucl,
        "in_control": (share >= lcl) & (share <= ucl),
    })


def xbar_chart(nobs, mean, sd, labels=None, sigma: float = 3.0) -> pd.DataFrame:
    r"""x̄-chart over waves: each wave's mean against limits around the grand mean.

    .. math::

        \bar{\bar y} = \frac{\sum_i n_i \bar y_i}{\sum_i n_i}, \quad
        \hat\sigma = \sqrt{\frac{\sum_i (n_i - 1)s_i^2}{\sum_i (n_i - 1)}}, \quad
        \bar{\bar y} \pm k\,\frac{\hat\sigma}{\sqrt{n_i}}

    with *k* = ``sigma`` (3). :math:`\hat\sigma` is the pooled within-wave standard deviation;
    the small-sample :math:`c_4` bias correction is omitted, as it is negligible at survey
    sample sizes (:math:`c_4 > 0.99` once :math:`\sum(n_i - 1) > 25`).

    Parameters
    ----------
    nobs, mean, sd : array_like
        Per wave, in time order: answers, mean and sd (ddof=1); every wave needs at least one
        answer and at least one wave at least two.
    labels : sequence, optional
        Wave names (default 0, 1, ...).
    sigma : float
        Width of the limits in standard errors.

    Returns
    -------
    pandas.DataFrame
        Columns ``wave, nobs, mean, centre, lcl, ucl, in_control``.

    References
    ----------
    Montgomery, D. C. (2019). *Introduction to Statistical Quality Control*, 8th ed., §6.3
    (x̄ and s charts with variable sample size). Wiley.

    Examples
    --------
    >>> chart = xbar_chart([100, 120, 90], [3.9, 4.0, 4.4], [1.0, 0.9, 1.1])
    >>> print(chart[["centre", "lcl", "ucl", "in_control"]].round(3).to_string(index=False))
     centre   lcl   ucl  in_control
      4.084 3.786 4.382        True
      4.084 3.812 4.356        True
      4.084 3.770 4.398       False
    """
    _check_sigma(sigma)
    n = as_float_array(nobs, "nobs").ravel()
    m = as_float_array(mean, "mean").ravel()
    s = as_float_array(sd, "sd").ravel()
    if not n.size == m.size == s.size or n.size == 0:
        raise ValueError("Give one count, mean and sd per wave.")
    if np.any(~np.isfinite(n)) or np.any(n < 1):
        raise ValueError("Every wave needs at least one answer.")
    if np.any(~np.isfinite(m)):
        raise ValueError("Every wave needs a finite mean.")
    within = n >= 2
    if not np.any(within):
        raise ValueError("At least one wave needs two or more answers to estimate the spread.")
    if np.any(~np.isfinite(s[within])) or np.any(s[within] < 0):
        raise ValueError("Standard deviations must be finite and non-negative.")
    centre = np.sum(n * m) / n.sum()
    pooled_sd = np.sqrt(np.sum((n[within] - 1) * s[within] ** 2) / np.sum(n[within] - 1))
    half = sigma * pooled_sd / np.sqrt(n)
    lcl, ucl = centre - half, centre + half
    return pd.DataFrame({
        "wave": _labels(labels, n.size),
        "nobs": n.astype("int64"),
        "mean": m,
        "centre": centre,
        "lcl": lcl,
        "ucl": ucl,
        "in_control": (m >= lcl) & (m <= ucl),
    })


def _pvalue(distribution, statistic: float, alternative: str) -> float:
    if alternative == "two-sided":
        return float(2 * distribution.sf(abs(statistic)))
    if alternative == "larger":
        return float(distribution.sf(statistic))
    return float(distribution.cdf(statistic))


def _check_alternative(alternative: str) -> None:
    if alternative not in ALTERNATIVES:
        raise ValueError('alternative must be "two-sided", "larger" or "smaller".')


def _check_sigma(sigma: float) -> None:
    if not (np.isfinite(sigma) and sigma > 0):
        raise ValueError("sigma (the width of the control limits) must be a positive number, usually 3.")


def _single(value, name: str) -> float:
    array = as_float_array(value, name)
    if array.ndim != 0:
        raise ValueError(f"{name} must be a single number.")
    if np.isnan(array):
        raise ValueError(f"{name} is missing.")
    return float(array)


def _labels(labels, k: int) -> list:
    if labels is None:
        return list(range(k))
    names = list(labels)
    if len(names) != k:
        raise ValueError("Give one label per wave.")
    return names


def _scalar(values):
    values = np.asarray(values, dtype=float)
    return float(values) if values.ndim == 0 else values
