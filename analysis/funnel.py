r"""Funnel plots for comparing providers (Spiegelhalter 2005), with over-dispersion corrections.

Each provider's indicator :math:`y_i` (a share or a mean) is plotted against its number of
responses :math:`n_i`, with control limits around the target :math:`\theta_0` (by default
the overall value) that narrow as *n* grows. Under the null hypothesis that a provider is
"in control", :math:`y_i` has standard error :math:`s_i = s(n_i)`:

* share: :math:`s(n) = \sqrt{\theta_0(1-\theta_0)/n}`;
* mean: :math:`s(n) = \sigma/\sqrt n`, with :math:`\sigma` the within-provider SD.

Limits at level :math:`1 - 2p` (95% and 99.8% by default; 99.8% is close to the "3 sigma"
of Shewhart charts) are :math:`\theta_0 \pm z_{1-p}\, s(n)`, or, for shares, the exact
binomial quantiles interpolated as in the appendix of Spiegelhalter (2005a)
(:func:`binomial_limit`).

**Over-dispersion.** With many providers, real between-provider differences that no case-mix
model captures put more than the nominal share outside the limits. Following Spiegelhalter
(2005a §5, 2005b), the z-scores :math:`z_i = (y_i - \theta_0)/s_i` are winsorised at 10% at
each end (:func:`winsorize`) and

.. math::

    \hat\phi = \frac{1}{I}\sum_{i=1}^{I} z_{i,W}^2,\qquad
    \hat\tau^2 = \max\Bigl(0,\ \frac{I\hat\phi - (I-1)}{\sum_i w_i - \sum_i w_i^2 / \sum_i w_i}\Bigr),
    \quad w_i = 1/s_i^2.

:math:`I\hat\phi` is compared with :math:`\chi^2_{I-1}` (the target is estimated). The
*multiplicative* correction widens the limits to :math:`\theta_0 \pm z\sqrt{\hat\phi}\,s(n)`
(when :math:`\hat\phi > 1`); the *additive* random-effects correction (the default, as
recommended for many providers) to :math:`\theta_0 \pm z\sqrt{s(n)^2 + \hat\tau^2}`. Exact
binomial limits are replaced by these normal limits when a correction is in force.

**Flags.** A provider is ``"above"`` when :math:`y_i` is strictly above the upper limit,
``"below"`` when strictly below the lower one, and ``"within"`` otherwise (on the limit is
within). ``flag`` uses the widest level (99.8% by default): Spiegelhalter's "alarm"; the 95%
flag is the "warning" and is returned as ``flag_95``. Whether "above" is good depends on the
indicator; for Sapa scores higher is better.

References
----------
Spiegelhalter, D. J. (2005a). Funnel plots for comparing institutional performance.
*Statistics in Medicine* 24(8), 1185–1202.
Spiegelhalter, D. J. (2005b). Handling over-dispersion of performance indicators. *Quality
and Safety in Health Care* 14(5), 347–351.
DerSimonian, R., & Laird, N. (1986). Meta-analysis in clinical trials. *Controlled Clinical
Trials* 7, 177–188 (the moment estimator of :math:`\tau^2`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis._checks import as_float_array

OVERDISPERSION = ("additive", "multiplicative", "none")
FLAGS = ("above", "within", "below")


@dataclass(frozen=True)
class FunnelResult:
    """Funnel-plot results: a tidy frame per provider and the limit curves for plotting.

    ``providers`` columns: ``provider``, ``nobs``, ``estimate``, ``se`` (null standard error
    :math:`s_i`), ``z``, ``z_adjusted`` (after the over-dispersion correction), for each level
    ``lower_<tag>``, ``upper_<tag>``, ``flag_<tag>`` (tags ``95`` and ``99_8`` by default), and
    ``flag`` at the widest level. ``limits`` is long: ``nobs``, ``level``, ``lower``, ``upper``.
    """

    providers: pd.DataFrame
    limits: pd.DataFrame
    measure: str
    target: float
    method: str
    overdispersion: str
    phi: float
    tau2: float
    overdispersion_p_value: float
    levels: tuple[float, ...]
    winsor: float


def binomial_limit(prob, nobs, target):
    r"""Interpolated quantile of a binomial proportion (Spiegelhalter 2005a, appendix A.1.1).

    For :math:`Y \sim \mathrm{Bin}(n, \theta_0)` let :math:`r_p` be the smallest *r* with
    :math:`P(Y \le r) \ge p`, and

    .. math::

        \alpha = \frac{P(Y \le r_p) - p}{P(Y \le r_p) - P(Y \le r_p - 1)},\qquad
        \text{limit} = \frac{r_p - \alpha}{n},

    which interpolates linearly between the steps of the distribution function, so the
    limits form smooth curves. The result is clipped to [0, 1].

    Parameters
    ----------
    prob : float
        The probability *p*, for example 0.001 and 0.999 for the 99.8% limits.
    nobs : array_like
        Whole numbers of responses (at least 1).
    target : float
        :math:`\theta_0`, strictly between 0 and 1.

    Returns
    -------
    numpy.ndarray

    References
    ----------
    Spiegelhalter (2005a), *Statistics in Medicine* 24, 1185–1202, appendix A.1.1.

    Examples
    --------
    >>> binomial_limit(0.975, [100], 0.5).round(4).tolist()
    [0.5932]
    """
    p = float(prob)
    if not 0 < p < 1:
        raise ValueError("prob must lie strictly between 0 and 1.")
    theta = _check_target(target)
    n = as_float_array(nobs, "nobs")
    if np.any(~np.isfinite(n)) or np.any(n < 1) or np.any(n % 1 != 0):
        raise ValueError("nobs must be whole numbers of at least 1.")
    r = stats.binom.ppf(p, n, theta)
    # Guard against rounding in ppf: make F(r - 1) < p <= F(r) hold exactly.
    r = np.where(stats.binom.cdf(r, n, theta) < p, r + 1, r)
    r = np.where((r > 0) & (stats.binom.cdf(r - 1, n, theta) >= p), r - 1, r)
    upper_cdf = stats.binom.cdf(r, n, theta)
    lower_cdf = stats.binom.cdf(r - 1, n, theta)
    alpha = (upper_cdf - p) / (upper_cdf - lower_cdf)
    return np.clip((r - alpha) / n, 0.0, 1.0)


def winsorize(z, share: float = 0.1):
    r"""Winsorise z-scores: the most extreme ``share`` at each end set to the nearest kept value.

    With *I* scores sorted, :math:`k = \lfloor I \cdot \mathrm{share}\rfloor + 1`; scores below
    the *k*-th smallest are set to it, and scores above the *k*-th largest to that one
    (Spiegelhalter 2005b, whose R code uses this rule).

    Parameters
    ----------
    z : array_like
        Scores (finite).
    share : float
        Share in [0, 0.5) at each end; 0 leaves the scores unchanged.

    Returns
    -------
    numpy.ndarray

    References
    ----------
    Spiegelhalter (2005b), *Quality and Safety in Health Care* 14, 347–351.

    Examples
    --------
    >>> winsorize([-5.0, -1.0, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 9.0]).tolist()
    [-1.0, -1.0, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.0]
    """
    values = as_float_array(z, "z").ravel()
    if not 0 <= share < 0.5:
        raise ValueError("The winsorising share must lie in [0, 0.5), for example 0.1.")
    if values.size == 0 or np.any(~np.isfinite(values)):
        raise ValueError("Give at least one finite z-score.")
    k = int(np.floor(values.size * share)) + 1
    ordered = np.sort(values)
    low, high = ordered[k - 1], ordered[values.size - k]
    return np.clip(values, low, high)


def overdispersion(z, se, winsor: float = 0.1) -> tuple[float, float, float]:
    r"""Over-dispersion of z-scores: multiplicative :math:`\hat\phi`, additive :math:`\hat\tau^2`, p-value.

    .. math::

        \hat\phi = \frac{1}{I}\sum_i z_{i,W}^2,\qquad
        \hat\tau^2 = \max\Bigl(0,\ \frac{I\hat\phi - (I-1)}{\sum_i w_i - \sum_i w_i^2/\sum_i w_i}\Bigr),
        \qquad w_i = s_i^{-2},

    and the p-value :math:`P(\chi^2_{I-1} \ge I\hat\phi)`.

    Parameters
    ----------
    z : array_like
        Unadjusted z-scores.
    se : array_like
        Their null standard errors :math:`s_i`.
    winsor : float
        Share winsorised at each end (:func:`winsorize`).

    Returns
    -------
    (phi, tau2, p_value) : tuple of float

    References
    ----------
    Spiegelhalter (2005a) §5 and (2005b); DerSimonian & Laird (1986).

    Examples
    --------
    >>> phi, tau2, p = overdispersion([-2.0, 2.0, -1.0, 1.0], [1.0, 1.0, 0.5, 0.5], winsor=0)
    >>> round(phi, 3), round(tau2, 3)
    (2.5, 1.061)
    """
    z_values = as_float_array(z, "z").ravel()
    s = as_float_array(se, "se").ravel()
    if z_values.shape != s.shape:
        raise ValueError("z and se must have the same length.")
    if z_values.size < 2:
        raise ValueError("Over-dispersion needs at least two providers.")
    if np.any(~np.isfinite(s)) or np.any(s <= 0):
        raise ValueError("Standard errors must be finite and positive.")
    count = z_values.size
    phi = float(np.mean(winsorize(z_values, winsor) ** 2))
    w = 1.0 / s**2
    denominator = float(w.sum() - (w**2).sum() / w.sum())
    tau2 = max(0.0, (count * phi - (count - 1)) / denominator) if denominator > 0 else 0.0
    p_value = float(stats.chi2.sf(count * phi, count - 1))
    return phi, tau2, p_value


def funnel_proportions(
    successes,
    nobs,
    provider=None,
    target: float | None = None,
    method: str = "exact",
    overdispersion_correction: str = "additive",
    levels: Sequence[float] = (0.95, 0.998),
    winsor: float = 0.1,
    n_points: int = 200,
) -> FunnelResult:
    r"""Funnel plot of shares (for example top-2-box) against the number of answers.

    .. math::

        y_i = x_i/n_i,\qquad \theta_0 = \frac{\sum_i x_i}{\sum_i n_i},\qquad
        z_i = \frac{y_i - \theta_0}{\sqrt{\theta_0(1-\theta_0)/n_i}},

    limits by the exact binomial (:func:`binomial_limit`) or the normal approximation
    :math:`\theta_0 \pm z_{1-p}\sqrt{\theta_0(1-\theta_0)/n}`, corrected for over-dispersion
    as described in the module notes.

    Parameters
    ----------
    successes, nobs : array_like
        Per provider: favourable answers and valid answers (whole numbers, ``nobs`` ≥ 1).
    provider : array_like, optional
        Provider labels; by default 0, 1, 2, ...
    target : float, optional
        :math:`\theta_0`; by default the pooled share.
    method : {"exact", "normal"}
        Limits without over-dispersion correction.
    overdispersion_correction : {"additive", "multiplicative", "none"}
        See the module notes.
    levels : sequence of float
        Coverage of the limits; the widest gives ``flag``.
    winsor : float
        Share winsorised at each end when estimating over-dispersion.
    n_points : int
        Points on each limit curve.

    Returns
    -------
    FunnelResult

    References
    ----------
    Spiegelhalter (2005a), §3 and appendix A.1.1; Spiegelhalter (2005b).

    Examples
    --------
    >>> res = funnel_proportions([45, 30, 80, 20], [60, 50, 100, 50], overdispersion_correction="none")
    >>> res.providers["flag"].tolist()
    ['within', 'within', 'within', 'below']
    """
    x = as_float_array(successes, "successes").ravel()
    n = _check_nobs(nobs, x.shape)
    if np.any(~np.isfinite(x)) or np.any(x < 0) or np.any(x > n) or np.any(x % 1 != 0):
        raise ValueError("successes must be whole numbers between 0 and nobs.")
    if method not in ("exact", "normal"):
        raise ValueError("method must be 'exact' or 'normal'.")
    theta = _check_target(float(x.sum() / n.sum()) if target is None else target)

    def null_se(size):
        return np.sqrt(theta * (1 - theta) / size)

    exact = method == "exact"
    return _funnel("proportion", x / n, n, provider, theta, null_se, exact, overdispersion_correction,
                   levels, winsor, n_points, (0.0, 1.0))


def funnel_means(
    mean,
    nobs,
    sd: float,
    provider=None,
    target: float | None = None,
    overdispersion_correction: str = "additive",
    levels: Sequence[float] = (0.95, 0.998),
    winsor: float = 0.1,
    n_points: int = 200,
) -> FunnelResult:
    r"""Funnel plot of provider means (item means, 0–100 scores, adjusted means).

    .. math::

        \theta_0 = \frac{\sum_i n_i y_i}{\sum_i n_i},\qquad
        z_i = \frac{y_i - \theta_0}{\sigma/\sqrt{n_i}},\qquad
        \theta_0 \pm z_{1-p}\,\frac{\sigma}{\sqrt n}

    with over-dispersion corrections as described in the module notes.

    Parameters
    ----------
    mean, nobs : array_like
        Per provider: mean and number of responses (``nobs`` ≥ 1).
    sd : float
        The within-provider standard deviation :math:`\sigma` (for example the pooled SD, or
        :math:`\sqrt{\hat\sigma^2}` of the case-mix model for adjusted means).
    provider : array_like, optional
        Provider labels.
    target : float, optional
        :math:`\theta_0`; by default the response-weighted overall mean.
    overdispersion_correction : {"additive", "multiplicative", "none"}
        See the module notes.
    levels, winsor, n_points
        As in :func:`funnel_proportions`.

    Returns
    -------
    FunnelResult

    References
    ----------
    Spiegelhalter (2005a), §3 (normal outcomes); Spiegelhalter (2005b).

    Examples
    --------
    >>> res = funnel_means([72.0, 70.0, 50.0], [100, 80, 90], sd=20.0, overdispersion_correction="none")
    >>> res.providers["flag"].tolist()
    ['above', 'within', 'below']
    """
    y = as_float_array(mean, "mean").ravel()
    n = _check_nobs(nobs, y.shape)
    if np.any(~np.isfinite(y)):
        raise ValueError("Means must be finite numbers.")
    sigma = float(sd)
    if not np.isfinite(sigma) or sigma <= 0:
        raise ValueError("sd must be a positive number.")
    theta = float(n @ y / n.sum()) if target is None else float(target)
    if not np.isfinite(theta):
        raise ValueError("target must be a finite number.")

    def null_se(size):
        return sigma / np.sqrt(size)

    return _funnel("mean", y, n, provider, theta, null_se, False, overdispersion_correction,
                   levels, winsor, n_points, (-np.inf, np.inf))


# ---------------------------------------------------------------- helpers


def _funnel(measure, y, n, provider, theta, null_se, exact, correction, levels, winsor, n_points, bounds):
    if correction not in OVERDISPERSION:
        raise ValueError(f"overdispersion_correction must be one of {', '.join(OVERDISPERSION)}.")
    levels = _check_levels(levels)
    if not isinstance(n_points, int | np.integer) or n_points < 2:
        raise ValueError("n_points must be a whole number of at least 2.")
    labels = np.arange(y.size) if provider is None else np.asarray(provider)
    if labels.shape != y.shape:
        raise ValueError("provider must give one label per provider.")
    se = null_se(n)
    z = (y - theta) / se
    if y.size >= 2:
        phi, tau2, p_value = overdispersion(z, se, winsor)
    else:
        phi, tau2, p_value = np.nan, 0.0, np.nan
    inflate = 1.0
    extra = 0.0
    if correction == "multiplicative" and phi > 1:
        inflate = phi
    if correction == "additive":
        extra = tau2
    adjusted = inflate != 1.0 or extra > 0
    z_adjusted = (y - theta) / np.sqrt(inflate * se**2 + extra)

    def limits(size, level):
        tail = (1 - level) / 2
        if exact and not adjusted:
            return binomial_limit(tail, size, theta), binomial_limit(1 - tail, size, theta)
        half = stats.norm.isf(tail) * np.sqrt(inflate * null_se(size) ** 2 + extra)
        return np.clip(theta - half, *bounds), np.clip(theta + half, *bounds)

    out = pd.DataFrame({"provider": labels, "nobs": n.astype("int64"), "estimate": y, "se": se,
                        "z": z, "z_adjusted": z_adjusted})
    for level in levels:
        tag = _level_tag(level)
        lower, upper = limits(n, level)
        out[f"lower_{tag}"] = lower
        out[f"upper_{tag}"] = upper
        out[f"flag_{tag}"] = np.where(y > upper, "above", np.where(y < lower, "below", "within"))
    out["flag"] = out[f"flag_{_level_tag(levels[-1])}"]

    grid = _grid(n, n_points)
    curves = []
    for level in levels:
        lower, upper = limits(grid, level)
        curve = {"nobs": grid.astype("int64"), "level": level, "lower": lower, "upper": upper}
        curves.append(pd.DataFrame(curve))
    return FunnelResult(
        providers=out,
        limits=pd.concat(curves, ignore_index=True),
        measure=measure,
        target=float(theta),
        method="exact" if exact and not adjusted else "normal",
        overdispersion=correction,
        phi=float(phi),
        tau2=float(extra) if correction == "additive" else 0.0,
        overdispersion_p_value=float(p_value),
        levels=tuple(levels),
        winsor=float(winsor),
    )


def _grid(n, n_points):
    low = max(1.0, float(n.min()) / 2)
    high = max(float(n.max()) * 1.1, low + 1)
    return np.unique(np.round(np.geomspace(low, high, n_points)))


def _check_nobs(nobs, shape):
    n = as_float_array(nobs, "nobs").ravel()
    if n.shape != shape:
        raise ValueError("Give one number of responses per provider.")
    if n.size == 0:
        raise ValueError("Give at least one provider.")
    if np.any(~np.isfinite(n)) or np.any(n < 1) or np.any(n % 1 != 0):
        raise ValueError("nobs must be whole numbers of at least 1 for every provider.")
    return n


def _check_target(target) -> float:
    try:
        theta = float(target)
    except (TypeError, ValueError) as exc:
        raise ValueError("target must be a number.") from exc
    if not 0 < theta < 1:
        raise ValueError("The target share must lie strictly between 0 and 1.")
    return theta


def _check_levels(levels) -> list[float]:
    try:
        values = sorted(float(level) for level in levels)
    except (TypeError, ValueError) as exc:
        raise ValueError("levels must be numbers such as 0.95 and 0.998.") from exc
    if not values or any(not 0 < v < 1 for v in values) or len(set(values)) != len(values):
        raise ValueError("levels must be distinct numbers strictly between 0 and 1, such as 0.95 and 0.998.")
    return values


def _level_tag(level: float) -> str:
    return f"{level * 100:g}".replace(".", "_")
