"""Subgroup comparison (recipient category, setting, service type, region, language, mode) from summaries.

The estimators take per-group summary statistics (n, mean, sd, or counts) so that the web app
can feed SQL aggregates; :func:`compare_subgroups` computes those summaries from rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats

from analysis._checks import as_float_array, check_alpha
from analysis.change import newcombe_interval
from analysis.intervals import standard_error_of_mean, t_interval, wilson_interval

ADJUST_METHODS = ("holm", "fdr_bh", None)


@dataclass(frozen=True)
class WelchAnovaResult:
    """Welch's heteroscedastic one-way ANOVA: F statistic, its degrees of freedom and p-value."""

    statistic: float
    df_num: float
    df_denom: float
    pvalue: float
    nobs: float
    k_groups: int


@dataclass(frozen=True)
class ChiSquareResult:
    """Pearson chi-square test that k proportions are equal, with the smallest expected count."""

    statistic: float
    df: int
    pvalue: float
    nobs: float
    min_expected: float


@dataclass(frozen=True)
class SubgroupComparison:
    """Estimates per subgroup, the overall test (or None) and the adjusted pairwise tests."""

    estimates: pd.DataFrame
    overall: WelchAnovaResult | ChiSquareResult | None
    pairwise: pd.DataFrame
    tested_groups: tuple


def subgroup_estimates(nobs, mean, sd, labels=None, alpha: float = 0.05, population=None) -> pd.DataFrame:
    r"""Mean per subgroup with its standard error and t interval, from summary statistics.

    .. math:: \bar y_g \pm t_{1-\alpha/2,\,n_g-1}\,\frac{s_g}{\sqrt{n_g}}\,\mathrm{fpc}_g

    Parameters
    ----------
    nobs, mean, sd : array_like
        Per group: number of answers, mean and standard deviation (ddof=1).
    labels : sequence, optional
        Group names (default 0, 1, ...); must be unique.
    alpha : float
        One minus the confidence level.
    population : array_like, optional
        Group population sizes for the finite population correction
        (:func:`analysis.intervals.fpc`).

    Returns
    -------
    pandas.DataFrame
        Columns ``group, nobs, mean, sd, se, ci_low, ci_high``; limits NaN where n < 2.

    References
    ----------
    Student (1908). *Biometrika* 6, 1–25. Cochran, W. G. (1977). *Sampling Techniques*,
    3rd ed., §2.15 (domains) and eq. 2.12. Wiley.

    Examples
    --------
    >>> subgroup_estimates([25, 40], [4.0, 3.5], [1.0, 1.2], labels=["urban", "rural"]).round(3)
       group  nobs  mean   sd    se  ci_low  ci_high
    0  urban    25   4.0  1.0  0.20   3.587    4.413
    1  rural    40   3.5  1.2  0.19   3.116    3.884
    """
    check_alpha(alpha)
    n, m, s = _summaries(nobs, mean, sd)
    names = _labels(labels, n.size)
    ci = t_interval(m, s, n, alpha=alpha, population=population)
    return pd.DataFrame({
        "group": names,
        "nobs": n.astype("int64"),
        "mean": m,
        "sd": s,
        "se": np.atleast_1d(standard_error_of_mean(s, n, population)),
        "ci_low": np.atleast_1d(ci.low),
        "ci_high": np.atleast_1d(ci.high),
    })


def subgroup_proportions(successes, nobs, labels=None, alpha: float = 0.05, population=None) -> pd.DataFrame:
    r"""Share per subgroup with its Wilson interval, from counts.

    .. math::

        \frac{\hat p + \frac{z^2}{2n}}{1 + \frac{z^2}{n}}
        \pm \frac{z}{1 + \frac{z^2}{n}}\sqrt{\frac{\hat p(1-\hat p)}{n} + \frac{z^2}{4n^2}}

    Parameters
    ----------
    successes, nobs : array_like
        Per group: count of "yes" (e.g. top-2 box) and of valid answers.
    labels : sequence, optional
        Group names (default 0, 1, ...).
    alpha : float
        One minus the confidence level.
    population : array_like, optional
        Group population sizes for the finite population correction.

    Returns
    -------
    pandas.DataFrame
        Columns ``group, nobs, successes, share, ci_low, ci_high``.

    References
    ----------
    Wilson, E. B. (1927). *JASA* 22, 209–212.

    Examples
    --------
    >>> subgroup_proportions([81, 30], [263, 40], labels=["a", "b"]).round(4)
      group  nobs  successes  share  ci_low  ci_high
    0     a   263         81  0.308  0.2553   0.3662
    1     b    40         30  0.750  0.5981   0.8581
    """
    x, n = _counts(successes, nobs)
    names = _labels(labels, n.size)
    ci = wilson_interval(x, n, alpha=alpha, population=population)
    return pd.DataFrame({
        "group": names,
        "nobs": n.astype("int64"),
        "successes": x.astype("int64"),
        "share": np.atleast_1d(ci.estimate),
        "ci_low": np.atleast_1d(ci.low),
        "ci_high": np.atleast_1d(ci.high),
    })


def welch_anova(nobs, mean, sd) -> WelchAnovaResult:
    r"""Welch's one-way ANOVA for equal means without assuming equal variances, from summaries.

    With weights :math:`w_g = n_g/s_g^2`, :math:`W = \sum w_g`,
    :math:`\tilde y = \sum w_g \bar y_g / W` and *k* groups,

    .. math::

        F = \frac{\frac{1}{k-1}\sum_g w_g(\bar y_g - \tilde y)^2}
                 {1 + \frac{2(k-2)}{k^2-1}\Lambda}, \qquad
        \Lambda = \sum_g \frac{(1 - w_g/W)^2}{n_g - 1},

    referred to :math:`F(k-1,\ (k^2-1)/(3\Lambda))`.

    Parameters
    ----------
    nobs, mean, sd : array_like
        Per group; every group needs ``nobs >= 2`` and ``sd > 0``.

    Returns
    -------
    WelchAnovaResult

    References
    ----------
    Welch, B. L. (1951). On the comparison of several mean values: an alternative approach.
    *Biometrika* 38, 330–336.

    Examples
    --------
    >>> res = welch_anova([20, 25, 30], [3.9, 3.5, 4.2], [0.8, 1.1, 0.7])
    >>> round(res.statistic, 3), round(res.df_denom, 2), round(res.pvalue, 4)
    (3.896, 42.55, 0.0279)
    """
    n, m, s = _summaries(nobs, mean, sd)
    if n.size < 2:
        raise ValueError("Welch's ANOVA needs at least two groups.")
    if np.any(n < 2) or np.any(s <= 0) or np.any(~np.isfinite(m)):
        raise ValueError("Welch's ANOVA needs at least 2 answers, a mean and some spread (sd > 0) per group.")
    k = n.size
    w = n / s**2
    total = w.sum()
    weighted_mean = np.sum(w * m) / total
    between = np.sum(w * (m - weighted_mean) ** 2) / (k - 1)
    lam = np.sum((1 - w / total) ** 2 / (n - 1))
    statistic = between / (1 + 2 * (k - 2) / (k**2 - 1) * lam)
    df_denom = (k**2 - 1) / (3 * lam)
    return WelchAnovaResult(
        statistic=float(statistic),
        df_num=float(k - 1),
        df_denom=float(df_denom),
        pvalue=float(stats.f.sf(statistic, k - 1, df_denom)),
        nobs=float(n.sum()),
        k_groups=int(k),
    )


def chi2_proportions(successes, nobs) -> ChiSquareResult:
    r"""Pearson chi-square test that k groups share one proportion, from counts (no Yates correction).

    For the 2 × k table of successes :math:`x_g` and failures :math:`n_g - x_g`, with the pooled
    share :math:`\bar p = \sum x_g / \sum n_g` and expected counts :math:`E`,

    .. math::

        X^2 = \sum_{\text{cells}} \frac{(O - E)^2}{E}
            = \sum_g \frac{(x_g - n_g\bar p)^2}{n_g\bar p(1-\bar p)}
            \sim \chi^2_{k-1}.

    ``min_expected`` is returned so the caller can apply Cochran's rule (expected counts of at
    least 5).

    Parameters
    ----------
    successes, nobs : array_like
        Per group; every group needs at least one answer, and both outcomes must occur overall.

    Returns
    -------
    ChiSquareResult

    References
    ----------
    Pearson, K. (1900). *Philosophical Magazine* 50, 157–175. Agresti, A. (2013).
    *Categorical Data Analysis*, 3rd ed., §3.2. Wiley. Cochran, W. G. (1954). *Biometrics* 10,
    417–451.

    Examples
    --------
    >>> res = chi2_proportions([30, 45, 20], [50, 60, 45])
    >>> round(res.statistic, 3), res.df, round(res.pvalue, 5)
    (10.171, 2, 0.00619)
    """
    x, n = _counts(successes, nobs)
    if n.size < 2:
        raise ValueError("The chi-square test needs at least two groups.")
    if np.any(n == 0):
        raise ValueError("Every group in the chi-square test needs at least one answer.")
    pooled = x.sum() / n.sum()
    if pooled in (0.0, 1.0):
        raise ValueError("The chi-square test needs both outcomes to occur at least once overall.")
    expected_yes = n * pooled
    expected_no = n * (1 - pooled)
    statistic = np.sum((x - expected_yes) ** 2 / expected_yes + ((n - x) - expected_no) ** 2 / expected_no)
    df = n.size - 1
    return ChiSquareResult(
        statistic=float(statistic),
        df=int(df),
        pvalue=float(stats.chi2.sf(statistic, df)),
        nobs=float(n.sum()),
        min_expected=float(min(expected_yes.min(), expected_no.min())),
    )


def adjust_pvalues(pvalues, method: str | None = "holm") -> np.ndarray:
    r"""Adjust p-values for multiple comparisons (Holm or Benjamini–Hochberg); NaN stays NaN.

    With the *m* defined p-values sorted, :math:`p_{(1)} \le \dots \le p_{(m)}`:

    .. math::

        \text{Holm: } \tilde p_{(i)} = \max_{j \le i} \min\{1, (m - j + 1)\,p_{(j)}\}, \qquad
        \text{BH: } \tilde p_{(i)} = \min_{j \ge i} \min\{1, \tfrac{m}{j}\,p_{(j)}\}.

    Holm controls the family-wise error rate; Benjamini–Hochberg (``"fdr_bh"``) the false
    discovery rate. ``None`` returns the p-values unchanged.

    Parameters
    ----------
    pvalues : array_like
        p-values in [0, 1] or NaN (a test that could not be done; not counted in *m*).
    method : {"holm", "fdr_bh", None}

    Returns
    -------
    numpy.ndarray

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scandinavian
    Journal of Statistics* 6, 65–70. Benjamini, Y., & Hochberg, Y. (1995). Controlling the
    false discovery rate. *JRSS B* 57, 289–300.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03], method="holm").round(3).tolist()
    [0.03, 0.06, 0.06]
    >>> adjust_pvalues([0.01, 0.04, 0.03], method="fdr_bh").round(3).tolist()
    [0.03, 0.04, 0.04]
    """
    if method not in ADJUST_METHODS:
        raise ValueError('method must be "holm", "fdr_bh" or None.')
    p = as_float_array(pvalues, "pvalues").ravel().copy()
    defined = ~np.isnan(p)
    if np.any((p[defined] < 0) | (p[defined] > 1)):
        raise ValueError("p-values must lie between 0 and 1.")
    if method is None or not np.any(defined):
        return p
    values = p[defined]
    m = values.size
    order = np.argsort(values, kind="mergesort")
    ranked = values[order]
    rank = np.arange(1, m + 1)
    if method == "holm":
        adjusted = np.maximum.accumulate(np.minimum(1.0, (m - rank + 1) * ranked))
    else:
        adjusted = np.minimum.accumulate(np.minimum(1.0, m / rank * ranked)[::-1])[::-1]
    result = np.empty(m)
    result[order] = adjusted
    p[defined] = result
    return p


def pairwise_welch(
    nobs, mean, sd, labels=None, alpha: float = 0.05, method: str | None = "holm"
) -> pd.DataFrame:
    r"""Welch t-test and interval for every pair of subgroups, with adjusted p-values.

    For groups *a* and *b*:

    .. math::

        d = \bar y_a - \bar y_b, \quad
        \mathrm{SE} = \sqrt{\frac{s_a^2}{n_a} + \frac{s_b^2}{n_b}}, \quad
        \nu = \frac{\mathrm{SE}^4}{\frac{(s_a^2/n_a)^2}{n_a-1} + \frac{(s_b^2/n_b)^2}{n_b-1}},

    :math:`t = d/\mathrm{SE}` two-sided on :math:`\nu` degrees of freedom, interval
    :math:`d \pm t_{1-\alpha/2,\nu}\mathrm{SE}` (not adjusted). The p-values are adjusted over
    all pairs with :func:`adjust_pvalues`. A pair with a group of fewer than 2 answers, or
    with no spread in either group (SE = 0), gets NaN and is left out of the adjustment.

    Parameters
    ----------
    nobs, mean, sd : array_like
        Per group.
    labels : sequence, optional
        Group names (default 0, 1, ...).
    alpha : float
        One minus the confidence level; also the level for ``reject``.
    method : {"holm", "fdr_bh", None}
        p-value adjustment.

    Returns
    -------
    pandas.DataFrame
        Columns ``group_a, group_b, diff, se, df, ci_low, ci_high, statistic, pvalue,
        pvalue_adjusted, reject``, one row per pair in label order.

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when several different
    population variances are involved. *Biometrika* 34, 28–35. Satterthwaite, F. E. (1946).
    *Biometrics Bulletin* 2, 110–114. Holm (1979); Benjamini & Hochberg (1995).

    Examples
    --------
    >>> out = pairwise_welch([20, 25, 30], [3.9, 3.5, 4.2], [0.8, 1.1, 0.7], labels=list("abc"))
    >>> print(out[["group_a", "group_b", "pvalue_adjusted"]].round(4).to_string(index=False))
    group_a group_b  pvalue_adjusted
          a       b           0.3312
          a       c           0.3312
          b       c           0.0268
    """
    check_alpha(alpha)
    n, m, s = _summaries(nobs, mean, sd)
    names = _labels(labels, n.size)
    ia, ib = _pairs(n.size)
    va = s[ia] ** 2 / n[ia]
    vb = s[ib] ** 2 / n[ib]
    diff = m[ia] - m[ib]
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(va + vb)
        df = (va + vb) ** 2 / (va**2 / (n[ia] - 1) + vb**2 / (n[ib] - 1))
        usable = (n[ia] >= 2) & (n[ib] >= 2) & (se > 0)
        statistic = np.where(usable, diff / se, np.nan)
        df = np.where(usable, df, np.nan)
        pvalue = np.where(usable, 2 * stats.t.sf(np.abs(statistic), df), np.nan)
        t_crit = stats.t.isf(alpha / 2, df)
    return _pairwise_frame(names, ia, ib, diff, np.where(usable, se, np.nan), df,
                           diff - t_crit * se, diff + t_crit * se, statistic, pvalue, alpha, method)


def pairwise_proportions(
    successes, nobs, labels=None, alpha: float = 0.05, method: str | None = "holm"
) -> pd.DataFrame:
    r"""Two-proportion z test and Newcombe interval for every pair of subgroups, adjusted p-values.

    For groups *a* and *b* with pooled share :math:`\bar p = (x_a + x_b)/(n_a + n_b)`:

    .. math::

        z = \frac{\hat p_a - \hat p_b}{\sqrt{\bar p(1-\bar p)\left(\frac{1}{n_a}+\frac{1}{n_b}\right)}},

    two-sided; the interval for :math:`\hat p_a - \hat p_b` is Newcombe's hybrid score
    interval (:func:`analysis.change.newcombe_interval`). A pair where a group has no answers,
    or where both shares are 0 or both 1 (no spread), gets a NaN test left out of the
    adjustment.

    Parameters
    ----------
    successes, nobs : array_like
        Per group.
    labels : sequence, optional
        Group names (default 0, 1, ...).
    alpha : float
        One minus the confidence level; also the level for ``reject``.
    method : {"holm", "fdr_bh", None}
        p-value adjustment.

    Returns
    -------
    pandas.DataFrame
        Columns ``group_a, group_b, diff, se, df, ci_low, ci_high, statistic, pvalue,
        pvalue_adjusted, reject``; ``se`` is the pooled standard error of the test and
        ``df`` is NaN (a normal test).

    References
    ----------
    Agresti, A. (2013). *Categorical Data Analysis*, 3rd ed., §3.1. Newcombe, R. G. (1998).
    Interval estimation for the difference between independent proportions. *Statistics in
    Medicine* 17, 873–890. Holm (1979); Benjamini & Hochberg (1995).

    Examples
    --------
    >>> out = pairwise_proportions([30, 45, 20], [50, 60, 45], labels=list("abc"))
    >>> out["pvalue_adjusted"].round(4).tolist()
    [0.1852, 0.1852, 0.0043]
    """
    check_alpha(alpha)
    x, n = _counts(successes, nobs)
    names = _labels(labels, n.size)
    ia, ib = _pairs(n.size)
    with np.errstate(divide="ignore", invalid="ignore"):
        pa = x[ia] / n[ia]
        pb = x[ib] / n[ib]
        pooled = (x[ia] + x[ib]) / (n[ia] + n[ib])
        se = np.sqrt(pooled * (1 - pooled) * (1 / n[ia] + 1 / n[ib]))
        usable = (n[ia] > 0) & (n[ib] > 0) & (se > 0)
        diff = np.where((n[ia] > 0) & (n[ib] > 0), pa - pb, np.nan)
        statistic = np.where(usable, diff / se, np.nan)
    pvalue = np.where(usable, 2 * stats.norm.sf(np.abs(statistic)), np.nan)
    ci = newcombe_interval(x[ia], n[ia], x[ib], n[ib], alpha=alpha)
    return _pairwise_frame(names, ia, ib, diff, np.where(usable, se, np.nan), np.full(ia.size, np.nan),
                           np.atleast_1d(ci.low), np.atleast_1d(ci.high), statistic, pvalue, alpha, method)


def compare_subgroups(
    frame: pd.DataFrame,
    value_col: str,
    group_col: str,
    kind: str = "mean",
    alpha: float = 0.05,
    method: str | None = "holm",
    min_nobs: int = 2,
) -> SubgroupComparison:
    r"""Row-level convenience: summarise ``value_col`` by ``group_col`` and compare the subgroups.

    For ``kind="mean"`` the summaries are n, mean and sd (ddof=1), the estimates come from
    :func:`subgroup_estimates`, the overall test is :func:`welch_anova` and the pairs
    :func:`pairwise_welch`. For ``kind="proportion"`` the values must be 0/1 (or booleans):
    :func:`subgroup_proportions`, :func:`chi2_proportions` and :func:`pairwise_proportions`.

    .. math:: \bar y_g = \frac{1}{n_g}\sum_{i \in g} y_i, \qquad
              s_g^2 = \frac{1}{n_g - 1}\sum_{i \in g}(y_i - \bar y_g)^2

    Missing values and rows without a group are left out. Every group is estimated; the
    overall test uses the groups with at least ``min_nobs`` answers (and, for means, sd > 0,
    which Welch's test needs) and is ``None`` when fewer than two such groups remain.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per respondent.
    value_col, group_col : str
        The score (or 0/1 indicator) and the subgroup column.
    kind : {"mean", "proportion"}
    alpha : float
        One minus the confidence level.
    method : {"holm", "fdr_bh", None}
        p-value adjustment for the pairs.
    min_nobs : int
        Fewest answers for a group to enter the overall test (at least 2 for means).

    Returns
    -------
    SubgroupComparison

    References
    ----------
    Welch (1951); Pearson (1900); Holm (1979); Benjamini & Hochberg (1995).

    Examples
    --------
    >>> rows = pd.DataFrame({"region": list("aaabbbccc"), "score": [4, 5, 4, 2, 3, 3, 5, 4, 5]})
    >>> res = compare_subgroups(rows, "score", "region")
    >>> res.estimates["mean"].round(3).tolist(), round(res.overall.pvalue, 4)
    ([4.333, 2.667, 4.667], 0.0339)
    """
    if kind not in ("mean", "proportion"):
        raise ValueError('kind must be "mean" or "proportion".')
    if not isinstance(frame, pd.DataFrame):
        # The package promises ValueError for every bad input, so callers catch one type.
        raise ValueError("Expected a pandas DataFrame.")
    missing = [column for column in (value_col, group_col) if column not in frame.columns]
    if missing:
        raise ValueError(f"The frame lacks the column(s): {', '.join(map(str, missing))}.")
    if min_nobs < 1:
        raise ValueError("min_nobs must be at least 1.")
    try:
        values = pd.to_numeric(frame[value_col], errors="raise").astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"The column {value_col!r} must hold numbers or be empty.") from exc
    work = pd.DataFrame({"group": frame[group_col], "value": values}).dropna()
    if kind == "proportion" and not work["value"].isin([0.0, 1.0]).all():
        raise ValueError("For proportions the values must be 0 or 1 (or True/False).")
    summary = (
        work.groupby("group", sort=True, observed=True)["value"]
        .agg(["count", "mean", "std", "sum"])
        .reset_index()
    )
    if len(summary) == 0:
        raise ValueError("There are no answers to compare.")
    labels = summary["group"].tolist()
    n = summary["count"].to_numpy(dtype=float)
    if kind == "mean":
        sd = summary["std"].fillna(0.0).to_numpy(dtype=float)
        means = summary["mean"].to_numpy(dtype=float)
        estimates = subgroup_estimates(n, means, sd, labels, alpha=alpha)
        testable = (n >= max(min_nobs, 2)) & (sd > 0)
        overall = welch_anova(n[testable], means[testable], sd[testable]) if testable.sum() >= 2 else None
        pairwise = pairwise_welch(n, means, sd, labels, alpha=alpha, method=method)
    else:
        successes = summary["sum"].to_numpy(dtype=float)
        estimates = subgroup_proportions(successes, n, labels, alpha=alpha)
        testable = n >= min_nobs
        pooled = successes[testable].sum() / max(n[testable].sum(), 1)
        overall = (
            chi2_proportions(successes[testable], n[testable])
            if testable.sum() >= 2 and 0 < pooled < 1
            else None
        )
        pairwise = pairwise_proportions(successes, n, labels, alpha=alpha, method=method)
    tested = tuple(label for label, keep in zip(labels, testable, strict=True) if keep) if overall else ()
    return SubgroupComparison(estimates=estimates, overall=overall, pairwise=pairwise, tested_groups=tested)


def _pairwise_frame(names, ia, ib, diff, se, df, low, high, statistic, pvalue, alpha, method):
    adjusted = adjust_pvalues(pvalue, method)
    return pd.DataFrame({
        "group_a": [names[i] for i in ia],
        "group_b": [names[i] for i in ib],
        "diff": diff,
        "se": se,
        "df": df,
        "ci_low": np.where(np.isfinite(se), low, np.nan),
        "ci_high": np.where(np.isfinite(se), high, np.nan),
        "statistic": statistic,
        "pvalue": pvalue,
        "pvalue_adjusted": adjusted,
        "reject": np.where(np.isnan(adjusted), False, adjusted < alpha),
    })


def _pairs(k: int):
    if k < 2:
        raise ValueError("Pairwise comparison needs at least two groups.")
    pairs = np.array(list(combinations(range(k), 2)))
    return pairs[:, 0], pairs[:, 1]


def _summaries(nobs, mean, sd):
    n = as_float_array(nobs, "nobs").ravel()
    m = as_float_array(mean, "mean").ravel()
    s = as_float_array(sd, "sd").ravel()
    if not n.size == m.size == s.size:
        raise ValueError("nobs, mean and sd must have one value per group.")
    if n.size == 0:
        raise ValueError("Give at least one group.")
    if np.any(~np.isfinite(n)) or np.any(n < 0) or np.any(n % 1 != 0):
        raise ValueError("nobs must be whole numbers of answers, zero or more.")
    if np.any(s < 0):
        raise ValueError("A standard deviation cannot be negative.")
    return n, m, s


def _counts(successes, nobs):
    x = as_float_array(successes, "successes").ravel()
    n = as_float_array(nobs, "nobs").ravel()
    if x.size != n.size:
        raise ValueError("successes and nobs must have one value per group.")
    if x.size == 0:
        raise ValueError("Give at least one group.")
    if np.any(~np.isfinite(x)) or np.any(~np.isfinite(n)) or np.any(x < 0) or np.any(x > n):
        raise ValueError("Counts must satisfy 0 <= successes <= nobs.")
    return x, n


def _labels(labels, k: int) -> list:
    if labels is None:
        return list(range(k))
    names = list(labels)
    if len(names) != k:
        raise ValueError("Give one label per group.")
    if len(set(names)) != k:
        raise ValueError("Group labels must be unique.")
    return names
