"""Planning: responses needed per provider for a margin of error or a target reliability."""

from __future__ import annotations

import numpy as np
from scipy import stats

from analysis._checks import as_float_array, check_alpha
from analysis.intervals import fpc
from analysis.reliability import responses_for_reliability

__all__ = [
    "proportion_margin_of_error",
    "responses_for_mean",
    "responses_for_proportion",
    "responses_for_reliability",
]


def responses_for_proportion(margin, alpha: float = 0.05, proportion=0.5, population=None):
    r"""Responses needed to estimate a share within ± ``margin`` at confidence 1 − ``alpha``.

    .. math::

        n_0 = \frac{z^2\,p(1-p)}{e^2}, \qquad
        n = \left\lceil \frac{n_0}{1 + (n_0 - 1)/N} \right\rceil

    with :math:`z = \Phi^{-1}(1 - \alpha/2)`, the finite population correction applied when the
    provider's number of recipients *N* is known, and *n* never above *N*. ``proportion=0.5``
    is the safe default (the largest :math:`p(1-p)`). The corrected form is the one behind
    Krejcie & Morgan's (1970) table, which uses :math:`\chi^2_{1;0.95} = 3.841` for :math:`z^2`.

    Parameters
    ----------
    margin : float or array_like
        Half-width *e* of the interval on the share scale (0.05 for ±5 percentage points).
    alpha : float
        One minus the confidence level.
    proportion : float or array_like
        Expected share *p*.
    population : array_like, optional
        Recipients per provider *N*; NaN or ``None`` means unknown (no correction).

    Returns
    -------
    int or numpy.ndarray of int

    References
    ----------
    Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed., §4.4 (eq. 4.1–4.2). Wiley.
    Krejcie, R. V., & Morgan, D. W. (1970). Determining sample size for research activities.
    *Educational and Psychological Measurement* 30, 607–610.

    Examples
    --------
    >>> responses_for_proportion(0.05)
    385
    >>> responses_for_proportion(0.05, population=[100, 500, 10000]).tolist()
    [80, 218, 370]
    """
    check_alpha(alpha)
    e = as_float_array(margin, "margin")
    p = as_float_array(proportion, "proportion")
    if np.any(~np.isfinite(e)) or np.any(e <= 0) or np.any(e >= 1):
        raise ValueError("The margin of error must lie between 0 and 1, for example 0.05.")
    if np.any(~np.isfinite(p)) or np.any(p <= 0) or np.any(p >= 1):
        raise ValueError("The expected proportion must lie strictly between 0 and 1.")
    z = stats.norm.isf(alpha / 2)
    return _with_fpc(z**2 * p * (1 - p) / e**2, population)


def responses_for_mean(margin, sd, alpha: float = 0.05, population=None):
    r"""Responses needed to estimate a mean within ± ``margin`` given the score's standard deviation.

    .. math::

        n_0 = \frac{z^2 \sigma^2}{e^2}, \qquad
        n = \left\lceil \frac{n_0}{1 + (n_0 - 1)/N} \right\rceil

    (normal approximation, as in Cochran; for small *n* the t interval is a little wider).

    Parameters
    ----------
    margin : float or array_like
        Half-width *e* on the score's scale (e.g. 5 points on the 0–100 scale).
    sd : float or array_like
        Expected standard deviation :math:`\sigma` of the score.
    alpha : float
        One minus the confidence level.
    population : array_like, optional
        Recipients per provider *N*; NaN or ``None`` means unknown.

    Returns
    -------
    int or numpy.ndarray of int

    References
    ----------
    Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed., §4.6 (eq. 4.11). Wiley.

    Examples
    --------
    >>> responses_for_mean(5, sd=20)
    62
    >>> responses_for_mean(5, sd=20, population=120)
    41
    """
    check_alpha(alpha)
    e = as_float_array(margin, "margin")
    s = as_float_array(sd, "sd")
    if np.any(~np.isfinite(e)) or np.any(e <= 0):
        raise ValueError("The margin of error must be a positive number.")
    if np.any(~np.isfinite(s)) or np.any(s <= 0):
        raise ValueError("The standard deviation must be a positive number.")
    z = stats.norm.isf(alpha / 2)
    return _with_fpc(z**2 * s**2 / e**2, population)


def proportion_margin_of_error(nobs, proportion=0.5, alpha: float = 0.05, population=None):
    r"""Margin of error (half-width of the normal interval) for a share from *n* responses.

    .. math:: e = z\sqrt{\frac{p(1-p)}{n}}\;\sqrt{\frac{N - n}{N - 1}}

    The inverse of :func:`responses_for_proportion`, for telling a provider how precise its
    current number of responses is.

    Parameters
    ----------
    nobs : array_like
        Responses (at least 1).
    proportion : float or array_like
        Share *p* (0.5 for the widest case).
    alpha : float
        One minus the confidence level.
    population : array_like, optional
        Recipients per provider *N*; NaN or ``None`` means unknown.

    Returns
    -------
    float or numpy.ndarray

    References
    ----------
    Cochran (1977), eq. 3.2 and 4.1.

    Examples
    --------
    >>> round(float(proportion_margin_of_error(385)), 4)
    0.0499
    """
    check_alpha(alpha)
    n = as_float_array(nobs, "nobs")
    p = as_float_array(proportion, "proportion")
    if np.any(~np.isfinite(n)) or np.any(n < 1):
        raise ValueError("nobs must be at least 1.")
    if np.any(~np.isfinite(p)) or np.any(p < 0) or np.any(p > 1):
        raise ValueError("The proportion must lie between 0 and 1.")
    z = stats.norm.isf(alpha / 2)
    margin = z * np.sqrt(p * (1 - p) / n) * fpc(n, population)
    return float(margin) if np.ndim(margin) == 0 else margin


def _with_fpc(n0, population):
    if population is None:
        needed = np.ceil(n0 - 1e-9)
    else:
        big_n = as_float_array(population, "population")
        known = np.isfinite(big_n)
        if np.any(known & (big_n < 1)):
            raise ValueError("A provider's number of recipients must be at least 1.")
        with np.errstate(invalid="ignore", divide="ignore"):
            corrected = n0 / (1 + (n0 - 1) / big_n)
        needed = np.where(known, np.minimum(np.ceil(corrected - 1e-9), big_n), np.ceil(n0 - 1e-9))
    needed = np.maximum(needed, 1).astype(int)
    return int(needed) if np.ndim(needed) == 0 else needed
