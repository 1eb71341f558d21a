r"""Comparison of each provider with the overall mean, and star grades where the data allow them.

Comparison
----------
Each provider's score :math:`\hat y_j` (case-mix adjusted or shrunken) with standard error
:math:`s_j` is compared with the reference :math:`\bar y`. When the reference is the
response-weighted mean of the same providers, :math:`\bar y = \sum_k w_k\hat y_k` with
:math:`w_k = n_k/\sum n`, the provider is part of its own reference, and for independent
providers

.. math::

    d_j = \hat y_j - \bar y,\qquad
    \mathrm{var}(d_j) = (1 - w_j)^2 s_j^2 + \sum_{k \ne j} w_k^2 s_k^2

(a fixed reference has :math:`\mathrm{var}(d_j) = s_j^2`). The test statistic
:math:`d_j/\sqrt{\mathrm{var}(d_j)}` is referred to the normal distribution (or Student's t
when ``df`` is given, such as the residual degrees of freedom of the case-mix model), the
p-values are optionally adjusted for the number of providers (Holm or Benjamini–Hochberg),
and the provider is ``"above"`` or ``"below"`` when the adjusted p-value is below ``alpha``,
otherwise ``"as_expected"`` (``"no_data"`` without an estimate). This is the CAHPS Analysis
Program's rating against the overall mean.

Grades (stars)
--------------
A grade from 1 to ``n_grades`` is given only where the score is trustworthy enough to rank:

* at least ``min_nobs`` responses (default 30), and
* provider-level reliability :math:`R_j \ge` ``min_reliability`` (default 0.70), where
  :math:`R_j = \hat\tau^2/(\hat\tau^2 + s_j^2)` with the between-provider variance
  :math:`\hat\tau^2` estimated by Paule–Mandel from the scores themselves (or pass
  ``reliability``, for example from :func:`analysis.reliability.provider_reliability`).

Otherwise the grade is missing, ``rating`` is ``"not_rated"`` and ``not_rated_reason`` holds a
code: ``"no_estimate"``, ``"too_few_responses"``, ``"low_reliability"`` or
``"too_few_rated_providers"`` (fewer distinct rated scores than grades). HCAHPS Star Ratings
use the same two ideas: a minimum number of completed surveys (100 there, over a year of
discharges) and cut points found by clustering the adjusted scores; 0.70 is the usual floor
for a reliable provider-level score in CAHPS work (Hays et al. 1999), and 30 responses keep
a single provider's interval of a 0–100 score within about ±7 points. Grades come from cut
points on the score: ``cut_points="kmeans"`` (default) takes the globally optimal 1-D
*k*-means partition of the rated providers' scores (the HCAHPS approach, computed exactly by
dynamic programming), a grade's cut point being the lowest score in its cluster; or pass
``n_grades - 1`` increasing cut points. A score equal to a cut point gets the higher grade.

References
----------
Agency for Healthcare Research and Quality (2020). *Instructions for Analyzing Data from
CAHPS Surveys in SAS: Using the CAHPS Analysis Program Version 5.0*, AHRQ Pub. 20-M019
(hypothesis tests against the overall mean and assignment of ratings).
Centers for Medicare & Medicaid Services (2015, updated quarterly). *Technical Notes for
HCAHPS Star Ratings* (100-survey minimum; clustering of patient-mix adjusted linear mean
scores into star categories).
Hays, R. D., Shaul, J. A., Williams, V. S. L., et al. (1999). Psychometric properties of the
CAHPS 1.0 survey measures. *Medical Care* 37(3 Suppl), MS22–MS31.
Wang, H., & Song, M. (2011). Ckmeans.1d.dp: optimal k-means clustering in one dimension by
dynamic programming. *The R Journal* 3(2), 29–33.
Holm, S. (1979). *Scandinavian Journal of Statistics* 6, 65–70. Benjamini, Y., & Hochberg,
Y. (1995). *JRSS B* 57, 289–300.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis._checks import as_float_array, check_alpha
from analysis.shrinkage import shrink_estimates
from analysis.subgroups import adjust_pvalues

NOT_RATED_REASONS = ("no_estimate", "too_few_responses", "low_reliability", "too_few_rated_providers")


@dataclass(frozen=True)
class ComparisonResult:
    """Per-provider comparison with the reference and grades.

    ``providers`` columns: ``provider``, ``nobs``, ``estimate``, ``se``, ``difference``,
    ``se_difference``, ``statistic``, ``p_value``, ``p_adjusted``, ``comparison``
    (above / as_expected / below / no_data), ``reliability``, ``rating`` (rated / not_rated),
    ``grade`` (nullable integer) and ``not_rated_reason``.
    """

    providers: pd.DataFrame
    reference: float
    cut_points: tuple[float, ...]
    alpha: float
    multitest: str | None
    min_nobs: int
    min_reliability: float


def compare_with_mean(
    estimate,
    se,
    nobs,
    provider=None,
    reference: float | None = None,
    alpha: float = 0.05,
    multitest: str | None = None,
    df: float | None = None,
    reliability=None,
    min_nobs: int = 30,
    min_reliability: float = 0.70,
    cut_points: str | Sequence[float] = "kmeans",
    n_grades: int = 5,
) -> ComparisonResult:
    r"""Flag each provider above / as expected / below the overall mean, and grade the reliable ones.

    .. math::

        t_j = \frac{\hat y_j - \bar y}{\sqrt{(1 - w_j)^2 s_j^2 + \sum_{k\ne j} w_k^2 s_k^2}},
        \qquad w_k = \frac{n_k}{\sum_i n_i},

    with two-sided p-values, optional Holm / Benjamini–Hochberg adjustment, and grades as in
    the module notes.

    Parameters
    ----------
    estimate, se, nobs : array_like
        Per provider: score (adjusted or shrunken), its standard error and responses. NaN
        estimates are reported as ``"no_data"`` and left out of the reference.
    provider : array_like, optional
        Labels; by default 0, 1, 2, ...
    reference : float, optional
        A fixed reference (for example last year's national mean); by default the
        response-weighted mean of the providers.
    alpha : float
        Significance level of the comparison.
    multitest : {None, "holm", "fdr_bh"}
        Adjustment of the p-values for the number of providers compared.
    df : float, optional
        Degrees of freedom for Student's t; normal when ``None``.
    reliability : array_like, optional
        Provider reliabilities; by default :math:`\hat\tau^2/(\hat\tau^2 + s_j^2)`.
    min_nobs : int
        Fewest responses for a grade.
    min_reliability : float
        Lowest reliability for a grade.
    cut_points : "kmeans" or sequence of float
        How grades are cut (module notes).
    n_grades : int
        Number of grades (stars), at least 2.

    Returns
    -------
    ComparisonResult

    References
    ----------
    AHRQ (2020), *CAHPS Analysis Program Version 5.0*; CMS, *Technical Notes for HCAHPS Star
    Ratings*; Hays et al. (1999); Wang & Song (2011); Holm (1979); Benjamini & Hochberg (1995).

    Examples
    --------
    >>> res = compare_with_mean([80.0, 70.0, 62.0], [2.0, 2.0, 2.0], [100, 100, 100],
    ...                         cut_points=[65.0, 75.0], n_grades=3)
    >>> res.providers["comparison"].tolist(), res.providers["grade"].tolist()
    (['above', 'as_expected', 'below'], [3, 2, 1])
    """
    check_alpha(alpha)
    y = as_float_array(estimate, "estimate").ravel()
    s = as_float_array(se, "se").ravel()
    n = as_float_array(nobs, "nobs").ravel()
    if not y.shape == s.shape == n.shape or y.size == 0:
        raise ValueError("Give one estimate, standard error and number of responses per provider.")
    if np.any(np.isinf(y)):
        raise ValueError("Estimates must be finite numbers or NaN.")
    has_data = np.isfinite(y)
    if np.any(~np.isfinite(s[has_data])) or np.any(s[has_data] <= 0):
        raise ValueError("Every estimate needs a finite, positive standard error.")
    if np.any(~np.isfinite(n)) or np.any(n < 0):
        raise ValueError("nobs must be numbers of at least 0.")
    if not has_data.any():
        raise ValueError("At least one provider needs an estimate.")
    if multitest not in (None, "holm", "fdr_bh"):
        raise ValueError('multitest must be None, "holm" or "fdr_bh".')
    if df is not None and not (np.isfinite(df) and df > 0):
        raise ValueError("df must be a positive number of degrees of freedom.")
    if not isinstance(min_nobs, int | np.integer) or min_nobs < 1:
        raise ValueError("min_nobs must be a whole number of at least 1.")
    if not 0 <= min_reliability < 1:
        raise ValueError("min_reliability must lie in [0, 1), for example 0.70.")
    if not isinstance(n_grades, int | np.integer) or n_grades < 2:
        raise ValueError("n_grades must be a whole number of at least 2.")
    labels = np.arange(y.size) if provider is None else np.asarray(provider)
    if labels.shape != y.shape:
        raise ValueError("provider must give one label per provider.")

    s_data = np.where(has_data, s, np.nan)
    if reference is None:
        weight_total = n[has_data].sum()
        if weight_total <= 0:
            raise ValueError("The providers with estimates need responses to weight the overall mean.")
        w = np.where(has_data, n / weight_total, 0.0)
        ref = float(np.nansum(w * np.where(has_data, y, 0.0)))
        others = np.nansum(w**2 * np.where(has_data, s_data**2, 0.0))
        var_d = (1 - w) ** 2 * s_data**2 + others - w**2 * s_data**2
    else:
        ref = float(reference)
        if not np.isfinite(ref):
            raise ValueError("reference must be a finite number.")
        var_d = s_data**2
    difference = y - ref
    se_d = np.sqrt(var_d)
    with np.errstate(invalid="ignore", divide="ignore"):
        # A lone provider is its own reference: 0/0, reported as NaN and "as_expected".
        statistic = np.where(se_d > 0, difference / np.where(se_d > 0, se_d, 1.0), np.nan)
    if df is None:
        p_value = 2 * stats.norm.sf(np.abs(statistic))
    else:
        p_value = 2 * stats.t.sf(np.abs(statistic), df)
    p_adjusted = adjust_pvalues(p_value, method=multitest)
    significant = p_adjusted < alpha
    comparison = np.where(
        ~has_data,
        "no_data",
        np.where(significant & (difference > 0), "above", np.where(significant & (difference < 0), "below",
                                                                      "as_expected")),
    )

    if reliability is None:
        tau2 = shrink_estimates(y[has_data], s[has_data]).attrs["tau2"] if has_data.sum() >= 2 else 0.0
        rel = np.where(has_data, tau2 / (tau2 + s_data**2), np.nan)
    else:
        rel = as_float_array(reliability, "reliability").ravel()
        if rel.shape != y.shape:
            raise ValueError("Give one reliability per provider.")
        if np.any((rel[np.isfinite(rel)] < 0) | (rel[np.isfinite(rel)] > 1)):
            raise ValueError("Reliabilities must lie between 0 and 1.")

    reason = np.full(y.size, None, dtype=object)
    reason[~has_data] = "no_estimate"
    reason[has_data & (n < min_nobs)] = "too_few_responses"
    low_rel = has_data & (n >= min_nobs) & ~(rel >= min_reliability)
    reason[low_rel] = "low_reliability"
    eligible = np.array([r is None for r in reason])

    grade = np.full(y.size, np.nan)
    cuts: tuple[float, ...] = ()
    if isinstance(cut_points, str):
        if cut_points != "kmeans":
            raise ValueError('cut_points must be "kmeans" or a list of increasing numbers.')
        if np.unique(y[eligible]).size >= n_grades:
            cuts = tuple(kmeans_cut_points(y[eligible], n_grades))
        else:
            reason[eligible] = "too_few_rated_providers"
            eligible[:] = False
    else:
        cuts = tuple(float(c) for c in as_float_array(list(cut_points), "cut_points").ravel())
        if len(cuts) != n_grades - 1 or np.any(~np.isfinite(cuts)) or np.any(np.diff(cuts) <= 0):
            raise ValueError(f"Give {n_grades - 1} increasing cut points for {n_grades} grades.")
    if cuts:
        grade[eligible] = 1 + np.searchsorted(np.asarray(cuts), y[eligible], side="right")

    out = pd.DataFrame(
        {
            "provider": labels,
            "nobs": n,
            "estimate": y,
            "se": s_data,
            "difference": difference,
            "se_difference": se_d,
            "statistic": statistic,
            "p_value": p_value,
            "p_adjusted": p_adjusted,
            "comparison": comparison,
            "reliability": rel,
            "rating": np.where(eligible, "rated", "not_rated"),
            "grade": pd.array(np.where(np.isnan(grade), None, grade), dtype="Int64"),
            "not_rated_reason": reason,
        }
    )
    return ComparisonResult(out, ref, cuts, alpha, multitest, int(min_nobs), float(min_reliability))


def kmeans_cut_points(values, n_clusters: int) -> np.ndarray:
    r"""Cut points of the globally optimal 1-D *k*-means partition (exact dynamic programming).

    Sorting the values :math:`x_{(1)} \le \dots \le x_{(m)}`, the partition into *k*
    contiguous clusters minimising the within-cluster sum of squares is found by

    .. math::

        D_c(j) = \min_{c \le i \le j}\ \bigl\{ D_{c-1}(i-1) + \mathrm{SSE}(x_{(i)},\dots,x_{(j)}) \bigr\},

    and the cut points are the lowest values of clusters 2 … *k*.

    Parameters
    ----------
    values : array_like
        Finite scores, with at least ``n_clusters`` distinct values.
    n_clusters : int
        Number of clusters (grades).

    Returns
    -------
    numpy.ndarray
        ``n_clusters - 1`` increasing cut points.

    References
    ----------
    Wang, H., & Song, M. (2011). Ckmeans.1d.dp: optimal k-means clustering in one dimension by
    dynamic programming. *The R Journal* 3(2), 29–33.

    Examples
    --------
    >>> kmeans_cut_points([1.0, 1.2, 5.0, 5.1, 9.0, 9.3], 3).tolist()
    [5.0, 9.0]
    """
    x = np.sort(as_float_array(values, "values").ravel())
    if not isinstance(n_clusters, int | np.integer) or n_clusters < 2:
        raise ValueError("n_clusters must be a whole number of at least 2.")
    if np.any(~np.isfinite(x)):
        raise ValueError("values must be finite numbers.")
    if np.unique(x).size < n_clusters:
        raise ValueError("There are fewer distinct values than clusters.")
    m = x.size
    s1 = np.concatenate([[0.0], np.cumsum(x - x.mean())])
    s2 = np.concatenate([[0.0], np.cumsum((x - x.mean()) ** 2)])

    def sse(i, j):
        # Cost of x[i..j] inclusive (0-based), vectorised over i.
        count = j - i + 1
        total = s1[j + 1] - s1[i]
        return np.maximum(s2[j + 1] - s2[i] - total**2 / count, 0.0)

    cost = np.full((n_clusters, m), np.inf)
    start = np.zeros((n_clusters, m), dtype=np.int64)
    cost[0] = sse(np.zeros(m, dtype=np.int64), np.arange(m))
    for c in range(1, n_clusters):
        for j in range(c, m):
            i = np.arange(c, j + 1)
            candidate = cost[c - 1, i - 1] + sse(i, j)
            best = int(np.argmin(candidate))
            cost[c, j] = candidate[best]
            start[c, j] = i[best]
    cuts = []
    j = m - 1
    for c in range(n_clusters - 1, 0, -1):
        i = start[c, j]
        cuts.append(x[i])
        j = i - 1
    return np.array(cuts[::-1])
