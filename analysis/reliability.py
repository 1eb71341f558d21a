"""Reliability: Cronbach's alpha, item analysis, McDonald's omega, ICC(1) and provider-level reliability."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from analysis._checks import as_float_array, check_alpha

# Lower bound for a uniqueness in the factor fit, as in R's factanal (lower = 0.005).
_MIN_UNIQUENESS = 0.005


@dataclass(frozen=True)
class CronbachAlpha:
    """Cronbach's alpha with its Feldt interval; ``alpha`` is the significance level used."""

    estimate: float
    low: float
    high: float
    nobs: int
    n_items: int
    alpha: float = 0.05


@dataclass(frozen=True)
class OmegaResult:
    """McDonald's omega from a one-factor maximum-likelihood fit."""

    omega: float
    loadings: pd.Series
    uniquenesses: pd.Series
    nobs: int
    heywood: bool
    converged: bool


@dataclass(frozen=True)
class ICC1Result:
    """ICC(1) from a one-way ANOVA with its variance components and F test of zero ICC."""

    icc: float
    tau2: float
    sigma2: float
    n0: float
    msb: float
    msw: float
    statistic: float
    df_num: float
    df_denom: float
    pvalue: float
    nobs: float
    n_groups: int


def cronbach_alpha(wide: pd.DataFrame, alpha: float = 0.05) -> CronbachAlpha:
    r"""Cronbach's coefficient alpha with Feldt's confidence interval (listwise deletion).

    For *k* items with variances :math:`s_i^2` and total-score variance :math:`s_X^2`,

    .. math::

        \hat\alpha = \frac{k}{k-1}\left(1 - \frac{\sum_i s_i^2}{s_X^2}\right),

    and the Feldt interval, with :math:`F_q` the upper-*q* quantile of
    :math:`F(n-1,\ (n-1)(k-1))`,

    .. math::

        \left[\,1 - (1-\hat\alpha)F_{\alpha/2},\ \ 1 - (1-\hat\alpha)F_{1-\alpha/2}\,\right].

    Only respondents who answered every item are used (listwise deletion), so *n* is the
    number of complete rows and the interval uses that *n*. Pairwise deletion would mix
    different respondents in one covariance matrix, which can give an alpha outside its range.

    Parameters
    ----------
    wide : pandas.DataFrame
        One row per respondent, one column per item (reverse-keyed items already reversed).
    alpha : float
        One minus the confidence level of the interval.

    Returns
    -------
    CronbachAlpha

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika* 16, 297–334. Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987).
    Statistical inference for coefficient alpha. *Applied Psychological Measurement* 11,
    93–103.

    Examples
    --------
    >>> wide = pd.DataFrame({"q1": [4, 5, 3, 2, 4, 5], "q2": [4, 4, 3, 2, 5, 5],
    ...                      "q3": [3, 5, 2, 1, 4, 4]})
    >>> res = cronbach_alpha(wide)
    >>> round(res.estimate, 4), round(res.low, 4), round(res.high, 4), res.nobs
    (0.9501, 0.7887, 0.9925, 6)
    """
    check_alpha(alpha)
    data = _complete_items(wide, min_items=2)
    n, k = data.shape
    estimate = _alpha(data)
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - estimate) * stats.f.isf(alpha / 2, df1, df2)
    high = 1 - (1 - estimate) * stats.f.isf(1 - alpha / 2, df1, df2)
    return CronbachAlpha(float(estimate), float(low), float(high), int(n), int(k), alpha)


def item_analysis(wide: pd.DataFrame) -> pd.DataFrame:
    r"""Item statistics for a scale: mean, sd, item-rest correlation and alpha if the item is dropped.

    The item-rest (corrected item-total) correlation of item *i* is the Pearson correlation of
    the item with the sum of the other items,

    .. math:: r_{i,X-i} = \mathrm{corr}\!\left(y_i,\ \sum_{j \ne i} y_j\right),

    and "alpha if dropped" is :func:`cronbach_alpha` of the other :math:`k-1` items (NaN when
    only one item would remain). Listwise deletion, as in :func:`cronbach_alpha`.

    Parameters
    ----------
    wide : pandas.DataFrame
        One row per respondent, one column per item.

    Returns
    -------
    pandas.DataFrame
        Columns ``item, nobs, mean, sd, item_rest_r, alpha_if_dropped``.

    References
    ----------
    Nunnally, J. C., & Bernstein, I. H. (1994). *Psychometric Theory*, 3rd ed., §8. McGraw-Hill.
    Cronbach (1951).

    Examples
    --------
    >>> wide = pd.DataFrame({"q1": [4, 5, 3, 2, 4, 5], "q2": [4, 4, 3, 2, 5, 5],
    ...                      "q3": [3, 5, 2, 1, 4, 4]})
    >>> item_analysis(wide)[["item", "item_rest_r", "alpha_if_dropped"]].round(3)
      item  item_rest_r  alpha_if_dropped
    0   q1        0.947             0.896
    1   q2        0.853             0.961
    2   q3        0.926             0.921
    """
    data = _complete_items(wide, min_items=2)
    n, k = data.shape
    total = data.sum(axis=1)
    rest_r, dropped = [], []
    for i in range(k):
        rest = total - data[:, i]
        rest_r.append(_pearson(data[:, i], rest))
        others = np.delete(data, i, axis=1)
        dropped.append(_alpha(others) if k > 2 else np.nan)
    return pd.DataFrame({
        "item": list(wide.columns),
        "nobs": np.full(k, n, dtype="int64"),
        "mean": data.mean(axis=0),
        "sd": data.std(axis=0, ddof=1),
        "item_rest_r": rest_r,
        "alpha_if_dropped": dropped,
    })


def mcdonald_omega(wide: pd.DataFrame) -> OmegaResult:
    r"""McDonald's omega for the sum of the items, from a one-factor maximum-likelihood model.

    The one-factor model :math:`\Sigma = \lambda\lambda^\top + \Psi` is fitted to the item
    correlation matrix *R* by maximum likelihood, minimising the concentrated discrepancy
    (Jöreskog 1967; as in R's ``factanal``)

    .. math::

        F(\Psi) = \sum_{j=2}^{k}(\theta_j - \log\theta_j - 1),

    where :math:`\theta_j` are the eigenvalues of :math:`\Psi^{-1/2} R \Psi^{-1/2}` below the
    largest, with :math:`\lambda = \Psi^{1/2} v_1 \sqrt{\theta_1 - 1}`. Loadings and
    uniquenesses are then put back on the items' own scale (:math:`a_i = \lambda_i s_i`,
    :math:`u_i = \psi_i s_i^2`) so that omega refers to the unweighted sum (or mean) of the raw
    item scores, which is what the dimension scores use:

    .. math:: \omega = \frac{(\sum_i a_i)^2}{(\sum_i a_i)^2 + \sum_i u_i}.

    Uniquenesses are bounded below by 0.005; ``heywood`` is True when one reaches that bound.
    Listwise deletion; at least three items are needed for the model to be identified.

    Parameters
    ----------
    wide : pandas.DataFrame
        One row per respondent, one column per item.

    Returns
    -------
    OmegaResult
        ``loadings`` and ``uniquenesses`` are the standardised values (on the correlation
        scale), indexed by item.

    References
    ----------
    McDonald, R. P. (1999). *Test Theory: A Unified Treatment*, ch. 6 (eq. 6.20b). Erlbaum.
    Jöreskog, K. G. (1967). Some contributions to maximum likelihood factor analysis.
    *Psychometrika* 32, 443–482. Lawley, D. N., & Maxwell, A. E. (1971). *Factor Analysis as
    a Statistical Method*, 2nd ed. Butterworths.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> factor = rng.normal(size=300)
    >>> wide = pd.DataFrame({f"q{i}": factor * w + rng.normal(size=300)
    ...                      for i, w in enumerate([0.9, 0.8, 0.7, 0.6])})
    >>> round(mcdonald_omega(wide).omega, 3)
    0.621
    """
    data = _complete_items(wide, min_items=3)
    n, k = data.shape
    sd = data.std(axis=0, ddof=1)
    if n < k + 1:
        raise ValueError("The factor model needs more complete responses than items.")
    corr = np.corrcoef(data, rowvar=False)
    try:
        inverse_diag = np.diag(np.linalg.inv(corr))
    except np.linalg.LinAlgError as exc:
        raise ValueError("The items are perfectly collinear; omega cannot be estimated.") from exc
    start = np.clip((1 - 0.5 / k) / inverse_diag, _MIN_UNIQUENESS, 1.0)
    fit = optimize.minimize(
        _ml_discrepancy, start, args=(corr,), jac=_ml_gradient, method="L-BFGS-B",
        bounds=[(_MIN_UNIQUENESS, 1.0)] * k, options={"ftol": 1e-14, "gtol": 1e-10, "maxiter": 1000},
    )
    psi = fit.x
    loadings = _loadings(psi, corr)
    if loadings.sum() < 0:
        loadings = -loadings
    raw_loadings = loadings * sd
    raw_unique = psi * sd**2
    common = raw_loadings.sum() ** 2
    omega = common / (common + raw_unique.sum())
    return OmegaResult(
        omega=float(omega),
        loadings=pd.Series(loadings, index=wide.columns, name="loading"),
        uniquenesses=pd.Series(psi, index=wide.columns, name="uniqueness"),
        nobs=int(n),
        heywood=bool(np.any(psi <= _MIN_UNIQUENESS + 1e-8)),
        converged=bool(fit.success),
    )


def icc1_from_summaries(nobs, mean, sd) -> ICC1Result:
    r"""ICC(1) of a score across providers from per-provider n, mean and sd (unbalanced groups).

    One-way ANOVA with *J* providers, :math:`N = \sum_j n_j`:

    .. math::

        \mathrm{MSB} = \frac{\sum_j n_j(\bar y_j - \bar y)^2}{J - 1}, \quad
        \mathrm{MSW} = \frac{\sum_j (n_j - 1)s_j^2}{N - J}, \quad
        n_0 = \frac{N - \sum_j n_j^2 / N}{J - 1},

    .. math::

        \hat\tau^2 = \frac{\mathrm{MSB} - \mathrm{MSW}}{n_0}, \quad
        \hat\sigma^2 = \mathrm{MSW}, \quad
        \mathrm{ICC}(1) = \frac{\hat\tau^2}{\hat\tau^2 + \hat\sigma^2},

    with the F test :math:`\mathrm{MSB}/\mathrm{MSW} \sim F(J-1, N-J)` of a zero ICC. The
    ANOVA estimator is unbiased for :math:`\tau^2` and is left unconstrained, so it is negative
    when providers differ less than chance would make them; :func:`provider_reliability` treats
    a negative ICC as 0.

    Parameters
    ----------
    nobs, mean, sd : array_like
        Per provider; providers with one answer may have a NaN sd (they add nothing within).

    Returns
    -------
    ICC1Result

    References
    ----------
    Snijders, T. A. B., & Bosker, R. J. (2012). *Multilevel Analysis*, 2nd ed., §3.3.1
    (eq. 3.11–3.12). SAGE. Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations:
    uses in assessing rater reliability. *Psychological Bulletin* 86, 420–428.
    Searle, S. R., Casella, G., & McCulloch, C. E. (1992). *Variance Components*, §3.5. Wiley.

    Examples
    --------
    >>> res = icc1_from_summaries([3, 2, 4], [2.0, 5.0, 7.0], [1.0, 1.4142135623730951, 1.632993161855452])
    >>> round(res.n0, 4), round(res.tau2, 4), round(res.icc, 4)
    (2.8889, 6.7308, 0.7709)
    """
    n = as_float_array(nobs, "nobs").ravel()
    m = as_float_array(mean, "mean").ravel()
    s = as_float_array(sd, "sd").ravel()
    if not n.size == m.size == s.size:
        raise ValueError("nobs, mean and sd must have one value per provider.")
    if np.any(~np.isfinite(n)) or np.any(n < 1):
        raise ValueError("Every provider needs at least one answer.")
    if np.any(~np.isfinite(m)):
        raise ValueError("Every provider needs a finite mean.")
    several = n >= 2
    if np.any(~np.isfinite(s[several])) or np.any(s[several] < 0):
        raise ValueError("Standard deviations must be finite and non-negative.")
    groups = n.size
    total = n.sum()
    if groups < 2:
        raise ValueError("ICC(1) needs at least two providers.")
    if total - groups < 1:
        raise ValueError("ICC(1) needs at least one provider with two or more answers.")
    grand = np.sum(n * m) / total
    msb = np.sum(n * (m - grand) ** 2) / (groups - 1)
    msw = np.sum(np.where(several, (n - 1) * np.nan_to_num(s) ** 2, 0.0)) / (total - groups)
    if msw == 0:
        raise ValueError("There is no variation within providers; ICC(1) is not defined.")
    n0 = (total - np.sum(n**2) / total) / (groups - 1)
    tau2 = (msb - msw) / n0
    statistic = msb / msw
    return ICC1Result(
        icc=float(tau2 / (tau2 + msw)),
        tau2=float(tau2),
        sigma2=float(msw),
        n0=float(n0),
        msb=float(msb),
        msw=float(msw),
        statistic=float(statistic),
        df_num=float(groups - 1),
        df_denom=float(total - groups),
        pvalue=float(stats.f.sf(statistic, groups - 1, total - groups)),
        nobs=float(total),
        n_groups=int(groups),
    )


def icc1(values, groups) -> ICC1Result:
    r"""ICC(1) from respondent-level scores and their provider, by :func:`icc1_from_summaries`.

    .. math::

        \mathrm{ICC}(1) = \frac{(\mathrm{MSB} - \mathrm{MSW})/n_0}
                               {(\mathrm{MSB} - \mathrm{MSW})/n_0 + \mathrm{MSW}}

    Parameters
    ----------
    values : array_like
        Scores; NaN is left out.
    groups : array_like
        Provider of each score (same length).

    Returns
    -------
    ICC1Result

    References
    ----------
    Snijders & Bosker (2012), §3.3.1. Shrout & Fleiss (1979).

    Examples
    --------
    >>> res = icc1([1, 2, 3, 4, 6, 5, 7, 9, 7], list("aaabbcccc"))
    >>> round(res.icc, 4)
    0.7709
    """
    y = as_float_array(values, "values").ravel()
    labels = pd.Series(np.asarray(groups, dtype=object).ravel())
    if labels.size != y.size:
        raise ValueError("values and groups must have the same length.")
    frame = pd.DataFrame({"group": labels, "value": y}).dropna()
    summary = frame.groupby("group", sort=True)["value"].agg(["count", "mean", "std"])
    return icc1_from_summaries(summary["count"], summary["mean"], summary["std"])


def provider_reliability(icc, nobs):
    r"""Reliability of a provider's mean score from its number of responses.

    .. math::

        R_j = \frac{\tau^2}{\tau^2 + \sigma^2/n_j} = \frac{n_j\rho}{1 + (n_j - 1)\rho}

    (the Spearman–Brown form with :math:`\rho = \tau^2/(\tau^2+\sigma^2)`). A negative ICC
    estimate is treated as 0 (reliability 0); :math:`n_j = 0` gives 0.

    Parameters
    ----------
    icc : float, array_like, (tau2, sigma2) tuple or ICC1Result
        The intraclass correlation, or the between- and within-provider variances.
    nobs : array_like
        Responses per provider.

    Returns
    -------
    float or numpy.ndarray

    References
    ----------
    Snijders & Bosker (2012), eq. 3.21. Spearman, C. (1910); Brown, W. (1910). *British
    Journal of Psychology* 3, 271–295 and 296–322. Hays, R. D., et al. (1999). Psychometric
    properties of the CAHPS 1.0 survey measures. *Medical Care* 37(3), MS22–MS31.

    Examples
    --------
    >>> provider_reliability(0.05, [10, 45, 100]).round(3).tolist()
    [0.345, 0.703, 0.84]
    >>> round(float(provider_reliability((0.2, 3.8), 45)), 3)
    0.703
    """
    rho = _rho(icc)
    n = as_float_array(nobs, "nobs")
    if np.any(~np.isfinite(n)) or np.any(n < 0):
        raise ValueError("nobs must be non-negative numbers of responses.")
    rho = np.clip(rho, 0.0, 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        reliability = n * rho / (1 + (n - 1) * rho)
    reliability = np.where(n == 0, 0.0, reliability)
    return float(reliability) if np.ndim(reliability) == 0 else reliability


def responses_for_reliability(icc, target: float = 0.7):
    r"""Responses a provider needs for its mean score to reach a target reliability.

    Solving :math:`R = n\rho/(1 + (n-1)\rho)` for *n* (Spearman–Brown) and rounding up:

    .. math:: n = \left\lceil \frac{R(1 - \rho)}{\rho(1 - R)} \right\rceil

    Parameters
    ----------
    icc : float, array_like, (tau2, sigma2) tuple or ICC1Result
        Intraclass correlation :math:`\rho`, in (0, 1].
    target : float
        Target reliability *R*, in (0, 1).

    Returns
    -------
    int or numpy.ndarray of int

    References
    ----------
    Spearman (1910); Brown (1910). Snijders & Bosker (2012), §3.5. Hays et al. (1999).

    Examples
    --------
    >>> responses_for_reliability(0.05, target=0.7)
    45
    """
    rho = _rho(icc)
    if not 0 < target < 1:
        raise ValueError("The target reliability must lie strictly between 0 and 1, for example 0.7.")
    if np.any(~np.isfinite(rho)) or np.any(rho <= 0) or np.any(rho > 1):
        raise ValueError("The ICC must be above 0 (and at most 1); with no difference between "
                         "providers no number of responses reaches the target.")
    needed = np.ceil(target * (1 - rho) / (rho * (1 - target)) - 1e-9)
    needed = np.maximum(needed, 1).astype(int)
    return int(needed) if np.ndim(needed) == 0 else needed


def _rho(icc):
    if isinstance(icc, ICC1Result):
        return np.asarray(icc.icc, dtype=float)
    if isinstance(icc, tuple) and len(icc) == 2:
        tau2 = as_float_array(icc[0], "tau2")
        sigma2 = as_float_array(icc[1], "sigma2")
        if np.any(sigma2 <= 0):
            raise ValueError("The within-provider variance must be positive.")
        return tau2 / (tau2 + sigma2)
    return as_float_array(icc, "icc")


def _complete_items(wide, min_items: int) -> np.ndarray:
    if not isinstance(wide, pd.DataFrame):
        # The package promises ValueError for every bad input, so callers catch one type.
        raise ValueError("Expected a pandas DataFrame with one column per item.")
    if wide.shape[1] < min_items:
        raise ValueError(f"At least {min_items} items are needed.")
    try:
        data = wide.apply(pd.to_numeric, errors="raise").to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise ValueError("Item columns must hold numbers or be empty.") from exc
    data = data[~np.isnan(data).any(axis=1)]
    if data.shape[0] < 2:
        raise ValueError("At least two respondents must have answered every item.")
    if np.any(data.var(axis=0, ddof=1) == 0):
        raise ValueError("Every item needs some variation among the complete responses.")
    return data


def _alpha(data: np.ndarray) -> float:
    k = data.shape[1]
    item_var = data.var(axis=0, ddof=1).sum()
    total_var = data.sum(axis=1).var(ddof=1)
    return float(k / (k - 1) * (1 - item_var / total_var))


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    if np.std(y) == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def _scaled_eigen(psi: np.ndarray, corr: np.ndarray):
    scale = 1 / np.sqrt(psi)
    return np.linalg.eigh(scale[:, None] * corr * scale[None, :])


def _ml_discrepancy(psi: np.ndarray, corr: np.ndarray) -> float:
    values = _scaled_eigen(psi, corr)[0][:-1]
    return float(np.sum(values - np.log(values) - 1))


def _loadings(psi: np.ndarray, corr: np.ndarray) -> np.ndarray:
    values, vectors = _scaled_eigen(psi, corr)
    return np.sqrt(psi) * vectors[:, -1] * np.sqrt(max(values[-1] - 1, 0.0))


def _ml_gradient(psi: np.ndarray, corr: np.ndarray) -> np.ndarray:
    # Derivative of the concentrated discrepancy (Lawley & Maxwell 1971; R factanal FAgr).
    load = _loadings(psi, corr)
    residual = np.outer(load, load) + np.diag(psi) - corr
    return np.diag(residual) / psi**2
