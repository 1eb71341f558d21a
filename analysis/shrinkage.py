r"""Empirical-Bayes shrinkage of provider means, so small providers are not over-read.

Model
-----
A random-intercept model for respondent *i* of provider *j*:

.. math::

    y_{ij} = \mu + u_j + e_{ij},\qquad u_j \sim N(0, \tau^2),\quad e_{ij} \sim N(0, \sigma^2).

Everything needed is in the providers' sufficient statistics :math:`n_j`, :math:`\bar y_j`
and the within-provider sums of squares :math:`W_j = \sum_i (y_{ij} - \bar y_j)^2` (the
moments frame of :mod:`analysis.aggregates` gives all three).

The shrunken (empirical-Bayes, BLUP) mean of provider *j* is

.. math::

    \hat\theta_j = \hat\mu + \lambda_j(\bar y_j - \hat\mu),\qquad
    \lambda_j = \frac{\hat\tau^2}{\hat\tau^2 + \hat\sigma^2/n_j},

where :math:`\hat\mu = \sum_j w_j\bar y_j / \sum_j w_j` with
:math:`w_j = 1/(\hat\tau^2 + \hat\sigma^2/n_j)` is the generalised least squares mean. The
weight :math:`\lambda_j` is also the reliability of the provider's mean (the share of its
variance that is true between-provider variance). The posterior standard deviation is
:math:`\sqrt{\lambda_j\hat\sigma^2/n_j}`: the conditional variance of :math:`u_j` given the data
with the variance components and :math:`\mu` treated as known (what statsmodels reports as
``random_effects_cov``). With ``include_mean_uncertainty=True`` the first-order term for
estimating :math:`\mu`, :math:`(1-\lambda_j)^2/\sum_k w_k`, is added (Morris 1983);
uncertainty in :math:`\hat\tau^2` and :math:`\hat\sigma^2` is never included, so intervals
are somewhat narrow when there are few providers.

References
----------
Searle, S. R., Casella, G., & McCulloch, C. E. (1992). *Variance Components*, §3.6 (ANOVA
estimators, unbalanced one-way data) and §6.6 (REML). Wiley.
Morris, C. N. (1983). Parametric empirical Bayes inference: theory and applications. *JASA*
78(381), 47–55.
Spiegelhalter, D. J., Abrams, K. R., & Myles, J. P. (2004). *Bayesian Approaches to Clinical
Trials and Health-Care Evaluation*, §10.5 (institutional comparisons). Wiley.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from analysis._checks import as_float_array, check_alpha
from analysis.aggregates import _check_moments, _keys_frame, within_sum_of_squares

METHODS = ("reml", "anova")
META_METHODS = ("pm", "dl")


@dataclass(frozen=True)
class VarianceComponents:
    """Between-provider variance ``tau2``, within variance ``sigma2`` and the GLS mean ``mu``."""

    tau2: float
    sigma2: float
    mu: float
    mu_se: float
    method: str
    n_providers: int
    nobs: int


@dataclass(frozen=True)
class ShrinkageResult:
    """Shrunken provider means and the variance components they came from.

    ``providers`` columns: any key columns, ``nobs``, ``mean``, ``se`` (of the raw mean),
    ``reliability`` (:math:`\\lambda_j`), ``shrunken_mean``, ``posterior_sd``, ``ci_low``,
    ``ci_high``. Providers without responses (``nobs`` 0) get NaN.
    """

    providers: pd.DataFrame
    components: VarianceComponents
    include_mean_uncertainty: bool
    alpha: float = 0.05


def variance_components(nobs, mean, within_ss, method: str = "reml") -> VarianceComponents:
    r"""Between- and within-provider variances of a random-intercept model, from group summaries.

    **REML.** With :math:`\gamma = \tau^2/\sigma^2`, :math:`N = \sum_j n_j` and
    :math:`W = \sum_j W_j`, the restricted log-likelihood profiled over :math:`\sigma^2` is,
    up to a constant,

    .. math::

        -2\ell_R(\gamma) = (N-1)\log\hat\sigma^2(\gamma) + \sum_j \log(1 + n_j\gamma)
            + \log\sum_j \frac{n_j}{1 + n_j\gamma},

    .. math::

        \hat\sigma^2(\gamma) = \frac{1}{N-1}\Bigl[W + \sum_j
            \frac{n_j(\bar y_j - \hat\mu_\gamma)^2}{1 + n_j\gamma}\Bigr],\qquad
        \hat\mu_\gamma = \frac{\sum_j n_j\bar y_j/(1+n_j\gamma)}{\sum_j n_j/(1+n_j\gamma)},

    minimised over :math:`\gamma \ge 0` (Brent's method on :math:`\log\gamma`, and the boundary
    :math:`\gamma = 0`).

    **ANOVA (method of moments).** With *J* providers, :math:`\bar y = \sum_j n_j\bar y_j/N`,

    .. math::

        \hat\sigma^2 = \frac{W}{N-J},\qquad
        \hat\tau^2 = \max\Bigl(0,\ \frac{\mathrm{MSB} - \hat\sigma^2}{n_0}\Bigr),\qquad
        \mathrm{MSB} = \frac{\sum_j n_j(\bar y_j - \bar y)^2}{J-1},\qquad
        n_0 = \frac{N - \sum_j n_j^2/N}{J-1}.

    Parameters
    ----------
    nobs, mean, within_ss : array_like
        Per provider: number of responses, mean, and sum of squares about the mean.
        Providers with ``nobs`` 0 are ignored.
    method : {"reml", "anova"}
        Estimator of the variance components.

    Returns
    -------
    VarianceComponents

    References
    ----------
    Searle, Casella & McCulloch (1992), *Variance Components*, §3.6 and §6.6. Patterson,
    H. D., & Thompson, R. (1971). Recovery of inter-block information when block sizes are
    unequal. *Biometrika* 58(3), 545–554.

    Examples
    --------
    >>> vc = variance_components([3, 3, 3], [4.0, 5.0, 6.0], [2.0, 2.0, 2.0], method="anova")
    >>> round(vc.tau2, 4), round(vc.sigma2, 4)
    (0.6667, 1.0)
    """
    n, y_bar, ss = _check_groups(nobs, mean, within_ss)
    keep = n > 0
    n, y_bar, ss = n[keep], y_bar[keep], ss[keep]
    n_providers = n.size
    n_total = float(n.sum())
    if n_providers < 2:
        raise ValueError("Variance components need at least two providers with responses.")
    if n_total <= n_providers:
        raise ValueError("At least one provider needs two or more responses to estimate the within variance.")
    within = float(ss.sum())
    if method == "anova":
        sigma2 = within / (n_total - n_providers)
        grand = float(n @ y_bar) / n_total
        msb = float(n @ (y_bar - grand) ** 2) / (n_providers - 1)
        n0 = (n_total - float(n @ n) / n_total) / (n_providers - 1)
        tau2 = max(0.0, (msb - sigma2) / n0)
    elif method == "reml":
        tau2, sigma2 = _reml(n, y_bar, within)
    else:
        raise ValueError(f"method must be one of {', '.join(METHODS)}.")
    weights = 1.0 / (tau2 + sigma2 / n)
    mu = float(weights @ y_bar / weights.sum())
    return VarianceComponents(
        tau2=float(tau2),
        sigma2=float(sigma2),
        mu=mu,
        mu_se=float(1.0 / np.sqrt(weights.sum())),
        method=method,
        n_providers=int(n_providers),
        nobs=round(n_total),
    )


def shrink_means(
    nobs,
    mean,
    within_ss,
    method: str = "reml",
    alpha: float = 0.05,
    include_mean_uncertainty: bool = False,
) -> ShrinkageResult:
    r"""Empirical-Bayes (shrunken) provider means with posterior standard deviations.

    .. math::

        \hat\theta_j = \hat\mu + \lambda_j(\bar y_j - \hat\mu),\qquad
        \lambda_j = \frac{\hat\tau^2}{\hat\tau^2 + \hat\sigma^2/n_j},\qquad
        \mathrm{sd}_j = \sqrt{\lambda_j\hat\sigma^2/n_j\;
            \bigl[+\,(1-\lambda_j)^2/\textstyle\sum_k w_k\bigr]}

    (the bracket only with ``include_mean_uncertainty``), and the normal interval
    :math:`\hat\theta_j \pm z_{1-\alpha/2}\,\mathrm{sd}_j`. The components come from
    :func:`variance_components`.

    Parameters
    ----------
    nobs, mean, within_ss : array_like
        Per provider: responses, mean, and within sum of squares.
    method : {"reml", "anova"}
        Estimator of :math:`\tau^2` and :math:`\sigma^2`.
    alpha : float
        One minus the level of the posterior intervals.
    include_mean_uncertainty : bool
        Add the variance from estimating :math:`\mu` (Morris 1983); off by default, which
        matches statsmodels ``MixedLM.random_effects_cov``.

    Returns
    -------
    ShrinkageResult

    References
    ----------
    Morris (1983), *JASA* 78, 47–55. Searle, Casella & McCulloch (1992), §7.4 (BLUP).

    Examples
    --------
    >>> res = shrink_means([3, 3, 30], [4.0, 6.0, 5.0], [2.0, 2.0, 29.0], method="anova")
    >>> res.providers["shrunken_mean"].round(3).tolist()
    [4.467, 5.533, 5.0]
    """
    check_alpha(alpha)
    n, y_bar, ss = _check_groups(nobs, mean, within_ss)
    components = variance_components(n, y_bar, ss, method=method)
    return _shrink(pd.DataFrame(index=range(n.size)), n, y_bar, components, alpha, include_mean_uncertainty)


def shrink_moments(
    moment_frame: pd.DataFrame,
    method: str = "reml",
    alpha: float = 0.05,
    include_mean_uncertainty: bool = False,
) -> ShrinkageResult:
    r"""Shrunken provider means straight from a moments frame (``nobs``, ``total``, ``total_sq``).

    .. math::

        \bar y_j = T_j / n_j,\qquad W_j = Q_j - T_j^2/n_j,\qquad
        \hat\theta_j = \hat\mu + \lambda_j(\bar y_j - \hat\mu)

    then as :func:`shrink_means`; the key columns are kept.

    Parameters
    ----------
    moment_frame : pandas.DataFrame
        One row per provider (see :mod:`analysis.aggregates`).
    method, alpha, include_mean_uncertainty
        As in :func:`shrink_means`.

    Returns
    -------
    ShrinkageResult

    References
    ----------
    Searle, Casella & McCulloch (1992), §3.6, §6.6, §7.4.

    Examples
    --------
    >>> m = pd.DataFrame({"provider_id": [1, 2, 3], "nobs": [3, 3, 30],
    ...                   "total": [12.0, 18.0, 150.0], "total_sq": [50.0, 110.0, 779.0]})
    >>> shrink_moments(m, method="anova").providers["shrunken_mean"].round(3).tolist()
    [4.467, 5.533, 5.0]
    """
    check_alpha(alpha)
    _check_moments(moment_frame)
    n = moment_frame["nobs"].to_numpy(dtype=float)
    total = moment_frame["total"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        y_bar = np.where(n > 0, total / np.where(n > 0, n, 1), np.nan)
    ss = within_sum_of_squares(moment_frame)
    components = variance_components(n, np.nan_to_num(y_bar), ss, method=method)
    return _shrink(_keys_frame(moment_frame), n, y_bar, components, alpha, include_mean_uncertainty)


def shrink_estimates(
    estimate,
    se,
    method: str = "pm",
    alpha: float = 0.05,
    include_mean_uncertainty: bool = False,
) -> pd.DataFrame:
    r"""Shrink estimates that come with their own standard errors (for example adjusted means).

    The normal–normal model :math:`\hat y_j \sim N(\theta_j, s_j^2)`,
    :math:`\theta_j \sim N(\mu, \tau^2)` with known :math:`s_j` (the Fay–Herriot / random-effects
    meta-analysis model). :math:`\tau^2` is estimated by Paule–Mandel (``"pm"``: the root of
    :math:`\sum_j w_j(\hat y_j - \hat\mu)^2 = J - 1`, :math:`w_j = 1/(s_j^2 + \tau^2)`) or by
    DerSimonian–Laird (``"dl"``):

    .. math::

        \hat\tau^2_{DL} = \max\Bigl(0,\ \frac{Q - (J-1)}{\sum v_j - \sum v_j^2/\sum v_j}\Bigr),
        \qquad v_j = s_j^{-2},\quad Q = \sum_j v_j(\hat y_j - \bar y_v)^2;

    then :math:`\lambda_j = \hat\tau^2/(\hat\tau^2 + s_j^2)`,
    :math:`\hat\theta_j = \hat\mu + \lambda_j(\hat y_j - \hat\mu)` and
    :math:`\mathrm{sd}_j^2 = \lambda_j s_j^2\,[+\,(1-\lambda_j)^2/\sum_k w_k]`.

    Parameters
    ----------
    estimate, se : array_like
        Provider estimates and their standard errors (positive).
    method : {"pm", "dl"}
        Estimator of :math:`\tau^2`.
    alpha : float
        One minus the level of the intervals.
    include_mean_uncertainty : bool
        Add the variance from estimating :math:`\mu`.

    Returns
    -------
    pandas.DataFrame
        ``estimate``, ``se``, ``reliability``, ``shrunken_mean``, ``posterior_sd``, ``ci_low``,
        ``ci_high``; ``frame.attrs`` holds ``tau2`` and ``mu``.

    References
    ----------
    Paule, R. C., & Mandel, J. (1982). Consensus values and weighting factors. *Journal of
    Research of the National Bureau of Standards* 87(5), 377–385. DerSimonian, R., & Laird,
    N. (1986). Meta-analysis in clinical trials. *Controlled Clinical Trials* 7, 177–188.
    Veroniki, A. A., et al. (2016). Methods to estimate the between-study variance and its
    uncertainty in meta-analysis. *Research Synthesis Methods* 7(1), 55–79.

    Examples
    --------
    >>> out = shrink_estimates([60.0, 70.0, 80.0], [5.0, 5.0, 5.0], method="dl")
    >>> round(out.attrs["tau2"], 2), out["shrunken_mean"].round(2).tolist()
    (75.0, [62.5, 70.0, 77.5])
    """
    check_alpha(alpha)
    y = as_float_array(estimate, "estimate").ravel()
    s = as_float_array(se, "se").ravel()
    if y.shape != s.shape:
        raise ValueError("estimate and se must have the same length.")
    if y.size < 2:
        raise ValueError("Shrinkage needs at least two estimates.")
    if np.any(~np.isfinite(y)) or np.any(~np.isfinite(s)) or np.any(s <= 0):
        raise ValueError("Estimates must be finite and standard errors finite and positive.")
    variance = s**2
    if method == "dl":
        v = 1.0 / variance
        pooled = float(v @ y / v.sum())
        q = float(v @ (y - pooled) ** 2)
        tau2 = max(0.0, (q - (y.size - 1)) / (v.sum() - float(v @ v) / v.sum()))
    elif method == "pm":
        tau2 = _paule_mandel(y, variance)
    else:
        raise ValueError(f"method must be one of {', '.join(META_METHODS)}.")
    weights = 1.0 / (variance + tau2)
    mu = float(weights @ y / weights.sum())
    reliability = tau2 / (tau2 + variance)
    shrunken = mu + reliability * (y - mu)
    posterior_var = reliability * variance
    if include_mean_uncertainty:
        posterior_var = posterior_var + (1 - reliability) ** 2 / weights.sum()
    sd = np.sqrt(posterior_var)
    z = stats.norm.isf(alpha / 2)
    out = pd.DataFrame(
        {
            "estimate": y,
            "se": s,
            "reliability": reliability,
            "shrunken_mean": shrunken,
            "posterior_sd": sd,
            "ci_low": shrunken - z * sd,
            "ci_high": shrunken + z * sd,
        }
    )
    out.attrs["tau2"] = float(tau2)
    out.attrs["mu"] = mu
    out.attrs["method"] = method
    return out


# ---------------------------------------------------------------- helpers


def _shrink(keys, n, y_bar, components, alpha, include_mean_uncertainty) -> ShrinkageResult:
    tau2, sigma2 = components.tau2, components.sigma2
    has_data = n > 0
    safe_n = np.where(has_data, n, 1.0)
    reliability = np.where(has_data, tau2 / (tau2 + sigma2 / safe_n), np.nan)
    shrunken = components.mu + reliability * (y_bar - components.mu)
    posterior_var = reliability * sigma2 / safe_n
    if include_mean_uncertainty:
        posterior_var = posterior_var + (1 - reliability) ** 2 * components.mu_se**2
    sd = np.sqrt(posterior_var)
    z = stats.norm.isf(alpha / 2)
    out = keys.reset_index(drop=True).copy()
    out["nobs"] = n.astype("int64")
    out["mean"] = np.where(has_data, y_bar, np.nan)
    out["se"] = np.where(has_data, np.sqrt(sigma2 / safe_n), np.nan)
    out["reliability"] = reliability
    out["shrunken_mean"] = np.where(has_data, shrunken, np.nan)
    out["posterior_sd"] = np.where(has_data, sd, np.nan)
    out["ci_low"] = out["shrunken_mean"] - z * out["posterior_sd"]
    out["ci_high"] = out["shrunken_mean"] + z * out["posterior_sd"]
    return ShrinkageResult(out, components, include_mean_uncertainty, alpha)


def _reml(n, y_bar, within):
    n_total = n.sum()

    def criterion(gamma):
        shrink = 1.0 + n * gamma
        w = n / shrink
        mu = w @ y_bar / w.sum()
        quad = within + w @ (y_bar - mu) ** 2
        sigma2 = quad / (n_total - 1)
        return (n_total - 1) * np.log(sigma2) + np.log(shrink).sum() + np.log(w.sum()), sigma2

    fit = optimize.minimize_scalar(
        lambda log_gamma: criterion(np.exp(log_gamma))[0],
        bounds=(-30.0, 15.0),
        method="bounded",
        options={"xatol": 1e-10, "maxiter": 500},
    )
    gamma = float(np.exp(fit.x))
    if criterion(0.0)[0] <= criterion(gamma)[0]:
        gamma = 0.0
    sigma2 = float(criterion(gamma)[1])
    return gamma * sigma2, sigma2


def _paule_mandel(y, variance) -> float:
    k = y.size

    def excess(tau2):
        w = 1.0 / (variance + tau2)
        mu = w @ y / w.sum()
        return float(w @ (y - mu) ** 2) - (k - 1)

    if excess(0.0) <= 0:
        return 0.0
    upper = max(float(np.var(y, ddof=1)), 1e-12)
    while excess(upper) > 0:
        upper *= 2.0
    return float(optimize.brentq(excess, 0.0, upper, xtol=1e-14, rtol=1e-12))


def _check_groups(nobs, mean, within_ss):
    n = as_float_array(nobs, "nobs").ravel()
    y_bar = as_float_array(mean, "mean").ravel()
    ss = as_float_array(within_ss, "within_ss").ravel()
    if not (n.shape == y_bar.shape == ss.shape):
        raise ValueError("nobs, mean and within_ss must have the same length.")
    if np.any(~np.isfinite(n)) or np.any(n < 0) or np.any(n % 1 != 0):
        raise ValueError("nobs must be whole numbers of at least 0.")
    with_data = n > 0
    if np.any(~np.isfinite(y_bar[with_data])) or np.any(~np.isfinite(ss)) or np.any(ss < 0):
        raise ValueError("Means must be finite and within sums of squares finite and not negative.")
    return n, np.where(with_data, y_bar, np.nan), ss
