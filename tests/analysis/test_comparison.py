"""Comparison with the overall mean, multiplicity control and the grading rule."""

import itertools

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from analysis.comparison import compare_with_mean, kmeans_cut_points


@pytest.fixture(scope="module")
def providers():
    rng = np.random.default_rng(21)
    n = rng.integers(5, 400, 60)
    se = 15 / np.sqrt(n)
    estimate = 70 + rng.normal(0, 5, 60) + rng.normal(0, se)
    return estimate, se, n


def test_difference_variance_equals_matrix_computation(providers):
    # Independent route: d = (I − 1 wᵀ) y, var(d) = diag(A diag(s²) Aᵀ) with numpy; tolerance 1e-12.
    estimate, se, n = providers
    res = compare_with_mean(estimate, se, n)
    w = n / n.sum()
    a = np.eye(len(n)) - np.outer(np.ones(len(n)), w)
    np.testing.assert_allclose(res.providers["difference"], a @ estimate, atol=1e-12)
    var_d = np.diag(a @ np.diag(se**2) @ a.T)
    np.testing.assert_allclose(res.providers["se_difference"] ** 2, var_d, rtol=1e-12)
    z = (a @ estimate) / np.sqrt(var_d)
    np.testing.assert_allclose(res.providers["p_value"], 2 * stats.norm.sf(np.abs(z)), rtol=1e-10)


def test_fixed_reference_and_t_distribution(providers):
    # Source: scipy.stats.t.sf with a fixed reference; tolerance 1e-12.
    estimate, se, n = providers
    res = compare_with_mean(estimate, se, n, reference=70.0, df=500)
    expected = 2 * stats.t.sf(np.abs((estimate - 70.0) / se), 500)
    np.testing.assert_allclose(res.providers["p_value"], expected, rtol=1e-12)
    assert res.reference == 70.0


@pytest.mark.parametrize("method", ["holm", "fdr_bh"])
def test_multiplicity_matches_statsmodels(providers, method):
    # Source: statsmodels.stats.multitest.multipletests; tolerance 1e-12.
    estimate, se, n = providers
    res = compare_with_mean(estimate, se, n, multitest=method)
    expected = multipletests(res.providers["p_value"], alpha=0.05, method=method)[1]
    np.testing.assert_allclose(res.providers["p_adjusted"], expected, atol=1e-12)
    significant = expected < 0.05
    above = significant & (res.providers["difference"] > 0)
    assert (res.providers["comparison"] == "above").tolist() == above.tolist()


def test_grades_only_for_enough_responses_and_reliability():
    estimate = np.array([80.0, 60.0, 75.0, 65.0, 70.0, np.nan])
    se = np.array([2.0, 2.0, 2.0, 2.0, 2.0, 2.0])
    n = np.array([30, 29, 100, 100, 100, 100])
    reliability = np.array([0.70, 0.9, 0.69, 0.9, 0.9, 0.9])
    res = compare_with_mean(estimate, se, n, reliability=reliability, cut_points=[65.0, 75.0], n_grades=3)
    out = res.providers
    assert out["rating"].tolist() == ["rated", "not_rated", "not_rated", "rated", "rated", "not_rated"]
    assert out["not_rated_reason"].fillna("").tolist() == [
        "", "too_few_responses", "low_reliability", "", "", "no_estimate"
    ]
    # A score equal to a cut point gets the higher grade (65 → 2).
    assert out["grade"].tolist()[0] == 3 and out["grade"].tolist()[3] == 2 and out["grade"].tolist()[4] == 2
    assert out["grade"].isna().tolist() == [False, True, True, False, False, True]
    assert out["comparison"].iloc[5] == "no_data"


def test_default_reliability_uses_paule_mandel_tau2(providers):
    from statsmodels.stats.meta_analysis import combine_effects

    # Source: statsmodels combine_effects(method_re="iterated") τ²; R = τ²/(τ² + s²); rel. tol 1e-4.
    estimate, se, n = providers
    res = compare_with_mean(estimate, se, n)
    tau2 = max(combine_effects(estimate, se**2, method_re="iterated").tau2, 0.0)
    np.testing.assert_allclose(res.providers["reliability"], tau2 / (tau2 + se**2), rtol=1e-4)


def test_kmeans_grades_on_rated_providers(providers):
    estimate, se, n = providers
    res = compare_with_mean(estimate, se, n, min_reliability=0.5)
    rated = res.providers[res.providers["rating"] == "rated"]
    assert len(res.cut_points) == 4 and sorted(set(rated["grade"])) == [1, 2, 3, 4, 5]
    expected = kmeans_cut_points(rated["estimate"], 5)
    assert list(res.cut_points) == pytest.approx(expected)


def test_too_few_distinct_rated_scores():
    res = compare_with_mean([70.0, 71.0, 72.0], [1.0, 1.0, 1.0], [100, 100, 100], reliability=[0.9] * 3)
    assert set(res.providers["not_rated_reason"]) == {"too_few_rated_providers"}
    assert res.cut_points == ()


def test_lone_provider_is_its_own_reference():
    res = compare_with_mean([70.0, np.nan], [2.0, 2.0], [50, 50])
    assert res.reference == 70.0
    assert res.providers["comparison"].tolist() == ["as_expected", "no_data"]
    assert np.isnan(res.providers["statistic"]).all()


def _brute_force_partition(x, k):
    # Exhaustive search over all contiguous partitions of the sorted values.
    x = np.sort(x)
    best, best_cuts = np.inf, None
    for cuts in itertools.combinations(range(1, len(x)), k - 1):
        parts = np.split(x, cuts)
        cost = sum(((p - p.mean()) ** 2).sum() for p in parts)
        if cost < best - 1e-12:
            best, best_cuts = cost, [p[0] for p in parts[1:]]
    return best_cuts


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_kmeans_is_globally_optimal(seed):
    # Independent check: exhaustive search over all contiguous partitions (Wang & Song 2011:
    # optimal 1-D clusters are contiguous in sorted order).
    rng = np.random.default_rng(seed)
    x = np.round(rng.normal(70, 10, 11), 3)
    assert kmeans_cut_points(x, 4).tolist() == pytest.approx(_brute_force_partition(x, 4))


@pytest.mark.parametrize(
    "call",
    [
        lambda: compare_with_mean([1.0], [1.0], [10], alpha=0),
        lambda: compare_with_mean([1.0, 2.0], [1.0], [10, 10]),
        lambda: compare_with_mean([], [], []),
        lambda: compare_with_mean([np.inf, 2.0], [1.0, 1.0], [10, 10]),
        lambda: compare_with_mean([1.0, 2.0], [0.0, 1.0], [10, 10]),
        lambda: compare_with_mean([1.0, 2.0], [1.0, 1.0], [-1, 10]),
        lambda: compare_with_mean([np.nan, np.nan], [1.0, 1.0], [10, 10]),
        lambda: compare_with_mean([1.0, 2.0], [1.0, 1.0], [10, 10], multitest="bonferroni"),
        lambda: compare_with_mean([1.0, 2.0], [1.0, 1.0], [10, 10], df=0),
        lambda: compare_with_mean([1.0, 2.0], [1.0, 1.0], [10, 10], min_nobs=0),
        lambda: compare_with_mean([1.0, 2.0], [1.0, 1.0], [10, 10], min_reliability=1.0),
        lambda: compare_with_mean([1.0, 2.0], [1.0, 1.0], [10, 10], n_grades=1),
        lambda: compare_with_mean([1.0, 2.0], [1.0, 1.0], [10, 10], provider=["a"]),
        lambda: compare_with_mean([1.0, 2.0], [1.0, 1.0], [0, 0]),
        lambda: compare_with_mean([1.0, 2.0], [1.0, 1.0], [10, 10], reference=np.nan),
        lambda: compare_with_mean([1.0, 2.0], [1.0, 1.0], [10, 10], reliability=[0.5]),
        lambda: compare_with_mean([1.0, 2.0], [1.0, 1.0], [10, 10], reliability=[0.5, 1.5]),
        lambda: compare_with_mean([1.0, 2.0], [1.0, 1.0], [10, 10], cut_points="quantiles"),
        lambda: compare_with_mean([1.0, 2.0], [1.0, 1.0], [10, 10], cut_points=[2.0, 1.0, 3.0, 4.0]),
        lambda: compare_with_mean([1.0, 2.0], [1.0, 1.0], [10, 10], cut_points=[1.0]),
        lambda: kmeans_cut_points([1.0, 2.0], 1),
        lambda: kmeans_cut_points([1.0, np.nan], 2),
        lambda: kmeans_cut_points([1.0, 1.0, 1.0], 2),
    ],
)
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()
