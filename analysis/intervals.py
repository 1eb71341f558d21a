"""Confidence intervals for proportions and means, the finite population correction and Kish's effective n."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from analysis._checks import as_float_array, check_alpha


@dataclass(frozen=True)
class Interval:
    """An estimate with its interval; every field is an array of the broadcast shape (or a scalar)."""

    estimate: np.ndarray | float
    low: np.ndarray | float
    high: np.ndarray | float
    nobs: np.ndarray | float
    alpha: float = 0.05


def fpc(nobs, population):
    r"""Finite population correction factor for the standard error of a mean or share.

    .. math:: \mathrm{fpc} = \sqrt{\frac{N - n}{N - 1}}

    Parameters
    ----------
    nobs : array_like
        Sample size(s) *n*.
    population : array_like or None
        Population size(s) *N* (for example the number of recipients a provider serves).
        ``None`` or NaN means "unknown" and gives a factor of 1.

    Returns
    -------
    numpy.ndarray
        Factors in [0, 1]; 0 when the whole population answered.

    References
    ----------
    Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed., eq. 2.12. Wiley.

    Examples
    --------
    >>> round(float(fpc(51, 101)), 6)
    0.707107
    """
    n = as_float_array(nobs, "nobs")
    if population is None:
        return np.ones_like(n)
    big_n = as_float_array(population, "population")
    known = np.isfinite(big_n)
    if np.any(known & (big_n < n)):
        raise ValueError("The population size cannot be smaller than the number of responses.")
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.sqrt((big_n - n) / (big_n - 1))
    factor = np.where(known & (big_n > 1), factor, 1.0)
    return np.clip(factor, 0.0, 1.0)


def wilson_interval(successes, nobs, alpha: float = 0.05, population=None) -> Interval:
    r"""Wilson score interval for a proportion, optionally with a finite population correction.

    With :math:`\hat p = x/n`, :math:`z = \Phi^{-1}(1-\alpha/2)` and the effective sample size
    :math:`n' = n / \mathrm{fpc}^2` (equal to *n* without a population),

    .. math::

        \frac{\hat p + \frac{z^2}{2n'}}{1 + \frac{z^2}{n'}}
        \pm \frac{z}{1 + \frac{z^2}{n'}}\sqrt{\frac{\hat p(1-\hat p)}{n'} + \frac{z^2}{4n'^2}}

    Parameters
    ----------
    successes, nobs : array_like
        Counts of "yes" and of valid answers; ``0 <= successes <= nobs``.
    alpha : float
        One minus the confidence level.
    population : array_like, optional
        Population size for the finite population correction; when every member answered
        the interval collapses to the observed share.

    Returns
    -------
    Interval
        ``estimate`` is :math:`\hat p` (NaN where ``nobs`` is 0).

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. *JASA* 22, 209–212. Brown, Cai & DasGupta (2001), *Statistical Science* 16,
    101–133. The correction follows Cochran (1977) §3.6 by inflating n.

    Examples
    --------
    >>> ci = wilson_interval(81, 263)
    >>> round(float(ci.low), 4), round(float(ci.high), 4)
    (0.2553, 0.3662)
    """
    check_alpha(alpha)
    x = as_float_array(successes, "successes")
    n = as_float_array(nobs, "nobs")
    if np.any(n < 0) or np.any(x < 0) or np.any(x > n):
        raise ValueError("Counts must satisfy 0 <= successes <= nobs.")
    z = stats.norm.isf(alpha / 2)
    factor = fpc(n, population)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        n_eff = np.where(factor > 0, n / factor**2, np.inf)
        denom = 1 + z**2 / n_eff
        centre = (p + z**2 / (2 * n_eff)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / n_eff + z**2 / (4 * n_eff**2))
    low = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
    high = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    return Interval(_scalar(p), _scalar(low), _scalar(high), _scalar(n), alpha)


def t_interval(mean, sd, nobs, alpha: float = 0.05, population=None) -> Interval:
    r"""Student-t interval for a mean, optionally with a finite population correction.

    .. math:: \bar y \pm t_{1-\alpha/2,\,n-1}\,\frac{s}{\sqrt n}\,\mathrm{fpc}

    Parameters
    ----------
    mean, sd, nobs : array_like
        Sample mean, sample standard deviation (ddof=1) and size. Groups with
        ``nobs < 2`` get NaN limits.
    alpha : float
        One minus the confidence level.
    population : array_like, optional
        Population size for :func:`fpc`.

    Returns
    -------
    Interval

    References
    ----------
    Student (1908). The probable error of a mean. *Biometrika* 6, 1–25. Cochran (1977) eq. 2.12
    for the correction.

    Examples
    --------
    >>> ci = t_interval(4.0, 1.0, 25)
    >>> round(float(ci.low), 4), round(float(ci.high), 4)
    (3.5872, 4.4128)
    """
    check_alpha(alpha)
    m = as_float_array(mean, "mean")
    s = as_float_array(sd, "sd")
    n = as_float_array(nobs, "nobs")
    if np.any(s < 0):
        raise ValueError("A standard deviation cannot be negative.")
    se = standard_error_of_mean(s, n, population)
    with np.errstate(invalid="ignore"):
        t = stats.t.isf(alpha / 2, np.where(n >= 2, n - 1, np.nan))
    low = np.where(n >= 2, m - t * se, np.nan)
    high = np.where(n >= 2, m + t * se, np.nan)
    return Interval(_scalar(m), _scalar(low), _scalar(high), _scalar(n), alpha)


def standard_error_of_mean(sd, nobs, population=None):
    r"""Standard error of a sample mean, :math:`s/\sqrt{n}\cdot\mathrm{fpc}` (NaN where n < 1)."""
    s = as_float_array(sd, "sd")
    n = as_float_array(nobs, "nobs")
    with np.errstate(divide="ignore", invalid="ignore"):
        se = s / np.sqrt(n) * fpc(n, population)
    return np.where(n >= 1, se, np.nan)


def kish_effective_n(weights) -> float:
    r"""Kish's effective sample size of weighted data.

    .. math:: n_{\mathrm{eff}} = \frac{(\sum_i w_i)^2}{\sum_i w_i^2}

    Parameters
    ----------
    weights : array_like
        Non-negative weights; NaN weights are ignored.

    References
    ----------
    Kish, L. (1965). *Survey Sampling*, §11.7. Wiley.

    Examples
    --------
    >>> kish_effective_n([1, 1, 2, 2])
    3.6
    """
    w = as_float_array(weights, "weights").ravel()
    w = w[np.isfinite(w)]
    if np.any(w < 0):
        raise ValueError("Weights cannot be negative.")
    total_sq = float(np.sum(w**2))
    if total_sq == 0:
        raise ValueError("At least one weight must be positive.")
    return float(np.sum(w) ** 2 / total_sq)


def _scalar(values):
    values = np.asarray(values, dtype=float)
    return float(values) if values.ndim == 0 else values
