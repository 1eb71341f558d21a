r"""Contract indicator estimates: a value on the indicator's own scale, its interval and its n.

State social order indicators (satisfaction rate, quality index, NPS, response rate, coverage …)
are judged against targets by :func:`analysis.verdicts.indicator_verdict`, which needs a point
estimate and an interval on the same scale as the target. These functions turn respondent-level
values into that triple, with the interval each kind of indicator calls for:

* a share (top-2-box) as a percentage, Wilson score interval, with the finite population
  correction when the population (the contract's recipients) is known and larger than *n*;
* a mean (0–100 scores, 1–5 item means), Student-t interval with the same correction;
* the Net Promoter Score, adjusted Wald interval (Rocks 2016);
* a rate of two counts (responses / invitations), Wilson without correction;
* a ratio that is a count, not a sample (coverage: responses / contracted recipients), and a
  figure entered by hand: no sampling interval (``low == high == value``).

The share, the mean and the NPS also come from the statistics SQL sums instead of one value per
respondent (:func:`share_estimate_from_counts`, :func:`mean_estimate_from_stats`,
:func:`nps_estimate_from_counts`); the array forms count or average and call those, so both give the
same figures.

The correction :math:`\sqrt{(N-n)/(N-1)}` assumes *n* distinct members of a population of *N*.
When a period's responses reach or pass *N* (recipients answering in two waves, or more people
served than contracted) that assumption fails and the correction is left out, which gives the
wider, conservative interval.

References
----------
Wilson, E. B. (1927). *JASA* 22, 209–212. Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed.,
eq. 2.12 and §3.6. Rocks, B. (2016). *The American Statistician* 70(4), 365–372.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis._checks import as_float_array, check_alpha
from analysis.intervals import t_interval, wilson_interval
from analysis.scores import nps_from_counts

METHODS = ("wilson", "wilson_fpc", "t", "t_fpc", "adjusted_wald", "count", "entered")


@dataclass(frozen=True)
class IndicatorEstimate:
    """One indicator's value with its interval; NaN value and limits when there is no data.

    ``nobs`` is the number of units behind the estimate (responses, or invitations for a response
    rate); ``method`` names the interval (one of :data:`METHODS`); ``sampled`` is False for counts
    and figures entered by hand, which carry no sampling error.
    """

    value: float
    low: float
    high: float
    nobs: int
    method: str
    sampled: bool = True
    successes: int | None = None  # for shares and rates: the count behind the percentage

    @property
    def empty(self) -> bool:
        return not np.isfinite(self.value)


def _population(nobs: int, population) -> float | None:
    """The population for the correction, or None when it is unknown or not larger than n."""
    if population is None:
        return None
    size = float(population)
    if not np.isfinite(size) or size <= nobs:
        return None
    return size


def _count(value, name: str) -> int:
    number = float(value)
    if not np.isfinite(number) or number < 0 or number != int(number):
        raise ValueError(f"{name} must be a whole number, 0 or more.")
    return int(number)


def _ordered(value: float, low: float, high: float) -> tuple[float, float, float]:
    """Keep ``low <= value <= high`` where rounding put a limit a hair past the value (an interval that
    collapses when the whole population answered)."""
    if np.isfinite(low) and np.isfinite(high):
        return value, min(low, value), max(high, value)
    return value, low, high


def share_estimate(flags, population=None, alpha: float = 0.05) -> IndicatorEstimate:
    r"""A share of respondents, as a percentage, with a Wilson interval (and the correction).

    .. math::

        \hat p = \frac{x}{n},\qquad n' = \frac{n}{\mathrm{fpc}^2},\qquad
        \mathrm{fpc} = \sqrt{\frac{N-n}{N-1}} \ (\text{1 when } N \le n \text{ or unknown}),

    and the Wilson limits of :func:`analysis.intervals.wilson_interval` computed with
    :math:`n'`, all multiplied by 100.

    Parameters
    ----------
    flags : array_like
        One value per respondent: 1 (or True, or 100) for "yes", 0 for "no", NaN for no answer.
    population : float, optional
        *N*, the number of recipients the share is about (a contract's contracted recipients).
    alpha : float
        One minus the confidence level.

    Returns
    -------
    IndicatorEstimate
        ``method`` is ``"wilson_fpc"`` when the correction was applied, else ``"wilson"``.

    References
    ----------
    Wilson (1927); Cochran (1977) §3.6.

    Examples
    --------
    >>> est = share_estimate([1] * 40 + [0] * 10, population=200)
    >>> round(est.value, 1), round(est.low, 1), round(est.high, 1), est.nobs
    (80.0, 68.9, 87.9, 50)
    """
    check_alpha(alpha)
    values = as_float_array(flags, "flags").ravel()
    values = values[np.isfinite(values)]
    if np.any((values != 0) & (values != 1) & (values != 100)):
        raise ValueError("A share is made of 0 (no) and 1 or 100 (yes) per respondent.")
    return share_estimate_from_counts(int(np.count_nonzero(values)), int(values.size), population=population,
                                      alpha=alpha)


def share_estimate_from_counts(successes, nobs, population=None, alpha: float = 0.05) -> IndicatorEstimate:
    r""":func:`share_estimate` from the count of "yes" answers *x* and of answers *n* (what SQL sums).

    .. math:: \hat p = \frac{x}{n},\qquad n' = \frac{n}{\mathrm{fpc}^2}

    and the Wilson limits computed with :math:`n'`, all multiplied by 100.

    Parameters
    ----------
    successes, nobs : int
        *x* and *n*, with :math:`0 \le x \le n`.
    population : float, optional
        *N* for the correction (applied only when :math:`N > n`).
    alpha : float
        One minus the confidence level.

    Returns
    -------
    IndicatorEstimate
        NaN value and limits when *n* is 0.

    References
    ----------
    Wilson (1927); Cochran (1977) §3.6.

    Examples
    --------
    >>> est = share_estimate_from_counts(40, 50, population=200)
    >>> round(est.value, 1), round(est.low, 1), round(est.high, 1), est.nobs
    (80.0, 68.9, 87.9, 50)
    """
    check_alpha(alpha)
    x, n = _count(successes, "successes"), _count(nobs, "nobs")
    if x > n:
        raise ValueError("There cannot be more 'yes' answers than answers.")
    size = _population(n, population)
    method = "wilson_fpc" if size is not None else "wilson"
    if n == 0:
        return IndicatorEstimate(np.nan, np.nan, np.nan, 0, method, successes=0)
    ci = wilson_interval(x, n, alpha=alpha, population=size)
    value, low, high = _ordered(100 * float(ci.estimate), 100 * float(ci.low), 100 * float(ci.high))
    return IndicatorEstimate(value, low, high, n, method, successes=x)


def mean_estimate(values, population=None, alpha: float = 0.05) -> IndicatorEstimate:
    r"""A mean of respondents' values with a Student-t interval (and the correction).

    .. math:: \bar y \pm t_{1-\alpha/2,\,n-1}\,\frac{s}{\sqrt n}\,\mathrm{fpc}

    Parameters
    ----------
    values : array_like
        One value per respondent (a 0–100 score, a 1–5 mean); NaN is left out.
    population : float, optional
        *N* for the correction (applied only when :math:`N > n`).
    alpha : float
        One minus the confidence level.

    Returns
    -------
    IndicatorEstimate
        NaN limits with fewer than 2 values; ``method`` ``"t_fpc"`` or ``"t"``.

    References
    ----------
    Student (1908). *Biometrika* 6, 1–25. Cochran (1977), eq. 2.12.

    Examples
    --------
    >>> est = mean_estimate([60.0, 70.0, 80.0, 90.0])
    >>> round(est.value, 1), round(est.low, 2), round(est.high, 2)
    (75.0, 54.46, 95.54)
    """
    check_alpha(alpha)
    array = as_float_array(values, "values").ravel()
    array = array[np.isfinite(array)]
    n = int(array.size)
    if n == 0:
        return mean_estimate_from_stats(np.nan, np.nan, 0, population=population, alpha=alpha)
    sd = float(np.std(array, ddof=1)) if n >= 2 else 0.0
    return mean_estimate_from_stats(float(array.mean()), sd, n, population=population, alpha=alpha)


def mean_estimate_from_stats(mean, sd, nobs, population=None, alpha: float = 0.05) -> IndicatorEstimate:
    r""":func:`mean_estimate` from the respondents' mean, standard deviation and number (what SQL sums).

    .. math:: \bar y \pm t_{1-\alpha/2,\,n-1}\,\frac{s}{\sqrt n}\,\mathrm{fpc}

    Parameters
    ----------
    mean : float
        :math:`\bar y` (not used when *n* is 0).
    sd : float
        *s*, with divisor :math:`n - 1` (not used when *n* is below 2).
    nobs : int
        *n*.
    population : float, optional
        *N* for the correction (applied only when :math:`N > n`).
    alpha : float
        One minus the confidence level.

    Returns
    -------
    IndicatorEstimate
        NaN value when *n* is 0, NaN limits when it is 1.

    References
    ----------
    Student (1908). *Biometrika* 6, 1–25. Cochran (1977), eq. 2.12.

    Examples
    --------
    >>> est = mean_estimate_from_stats(75.0, 12.909944487358056, 4)
    >>> round(est.value, 1), round(est.low, 2), round(est.high, 2)
    (75.0, 54.46, 95.54)
    """
    check_alpha(alpha)
    n = _count(nobs, "nobs")
    size = _population(n, population)
    method = "t_fpc" if size is not None else "t"
    if n == 0:
        return IndicatorEstimate(np.nan, np.nan, np.nan, 0, method)
    sd = float(sd) if n >= 2 else 0.0
    if not np.isfinite(float(mean)) or not np.isfinite(sd) or sd < 0:
        raise ValueError("The mean must be a number and the standard deviation a number of 0 or more.")
    ci = t_interval(float(mean), sd, n, alpha=alpha, population=size)
    value, low, high = _ordered(float(ci.estimate), float(ci.low), float(ci.high))
    return IndicatorEstimate(value, low, high, n, method)


def nps_estimate(ratings, alpha: float = 0.05) -> IndicatorEstimate:
    r"""Net Promoter Score (−100…100) from 0–10 ratings, with the adjusted Wald interval.

    Promoters rate 9–10, detractors 0–6. The value is the observed
    :math:`100(p_+ - p_-)`; the limits are those of Rocks (2016) (see
    :func:`analysis.scores.nps_from_counts`), widened if needed to contain the value (the
    adjusted interval is centred on a slightly shrunken score).

    Parameters
    ----------
    ratings : array_like
        0–10 ratings; NaN is left out.
    alpha : float
        One minus the confidence level.

    Returns
    -------
    IndicatorEstimate

    References
    ----------
    Rocks, B. (2016). *The American Statistician* 70(4), 365–372.

    Examples
    --------
    >>> est = nps_estimate([10] * 60 + [8] * 25 + [3] * 15)
    >>> round(est.value, 1), round(est.low, 2), round(est.high, 2)
    (45.0, 29.34, 58.04)
    """
    array = as_float_array(ratings, "ratings").ravel()
    array = array[np.isfinite(array)]
    if np.any((array < 0) | (array > 10)):
        raise ValueError("Likelihood-to-recommend ratings run from 0 to 10.")
    promoters = int(np.sum(array >= 9))
    detractors = int(np.sum(array <= 6))
    return nps_estimate_from_counts(promoters, int(array.size) - promoters - detractors, detractors, alpha=alpha)


def nps_estimate_from_counts(promoters, passives, detractors, alpha: float = 0.05) -> IndicatorEstimate:
    r""":func:`nps_estimate` from the counts of promoters (9–10), passives (7–8) and detractors (0–6).

    .. math:: \mathrm{NPS} = 100\,\frac{n_+ - n_-}{n_+ + n_0 + n_-}

    with the adjusted Wald limits of :func:`analysis.scores.nps_from_counts`, widened if needed to
    contain the value.

    References
    ----------
    Rocks, B. (2016). *The American Statistician* 70(4), 365–372.

    Examples
    --------
    >>> est = nps_estimate_from_counts(60, 25, 15)
    >>> round(est.value, 1), round(est.low, 2), round(est.high, 2)
    (45.0, 29.34, 58.04)
    """
    counts = [_count(promoters, "promoters"), _count(passives, "passives"), _count(detractors, "detractors")]
    n = sum(counts)
    if n == 0:
        return IndicatorEstimate(np.nan, np.nan, np.nan, 0, "adjusted_wald")
    result = nps_from_counts(*counts, alpha=alpha)
    value = float(result.nps)
    low = min(float(result.adjusted_wald_low), value)
    high = max(float(result.adjusted_wald_high), value)
    return IndicatorEstimate(value, low, high, n, "adjusted_wald")


def rate_estimate(successes, trials, alpha: float = 0.05) -> IndicatorEstimate:
    r"""A rate of two counts (responses / invitations) as a percentage, with a Wilson interval.

    .. math:: \hat r = 100\,\frac{\min(x, m)}{m}

    Responses beyond the invitations counted (people who answered from a poster, say) cannot
    raise the rate above 100%: ``successes`` is capped at ``trials``.

    Parameters
    ----------
    successes, trials : int
        Responses and invitations.
    alpha : float
        One minus the confidence level.

    Returns
    -------
    IndicatorEstimate
        ``nobs`` is the number of invitations.

    Examples
    --------
    >>> est = rate_estimate(45, 60)
    >>> round(est.value, 1), round(est.low, 1), round(est.high, 1)
    (75.0, 62.8, 84.2)
    """
    x, m = float(successes), float(trials)
    if not (np.isfinite(x) and np.isfinite(m)) or x < 0 or m < 0:
        raise ValueError("Counts of responses and invitations must be non-negative numbers.")
    if m == 0:
        return IndicatorEstimate(np.nan, np.nan, np.nan, 0, "wilson", successes=int(x))
    x = min(x, m)
    ci = wilson_interval(x, m, alpha=alpha)
    value, low, high = _ordered(100 * float(ci.estimate), 100 * float(ci.low), 100 * float(ci.high))
    return IndicatorEstimate(value, low, high, int(m), "wilson", successes=int(x))


def count_ratio(count, base, scale: float = 100.0) -> IndicatorEstimate:
    r"""A ratio of two counts that is not a sample (coverage): no sampling interval.

    .. math:: v = \mathrm{scale}\cdot\frac{\mathrm{count}}{\mathrm{base}}, \qquad L = U = v

    Examples
    --------
    >>> est = count_ratio(45, 150)
    >>> est.value, est.low, est.high, est.sampled
    (30.0, 30.0, 30.0, False)
    """
    c, b = float(count), float(base)
    if not (np.isfinite(c) and np.isfinite(b)) or c < 0 or b <= 0:
        raise ValueError("The count must be non-negative and the base positive.")
    value = scale * c / b
    return IndicatorEstimate(value, value, value, int(c), "count", sampled=False, successes=int(c))


def entered_figure(value) -> IndicatorEstimate:
    """A figure entered by hand (complaints per 100 recipients …): the value, no interval, no n."""
    number = np.nan if value is None else float(value)
    return IndicatorEstimate(number, number, number, 0, "entered", sampled=False)


__all__ = ["IndicatorEstimate", "count_ratio", "entered_figure", "mean_estimate", "mean_estimate_from_stats",
           "nps_estimate", "nps_estimate_from_counts", "rate_estimate", "share_estimate", "share_estimate_from_counts"]
