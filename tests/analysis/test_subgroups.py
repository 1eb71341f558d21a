"""Subgroup comparisons checked against pingouin, scipy and statsmodels."""

import warnings

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.oneway import anova_oneway
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from analysis.subgroups import (
    ChiSquareResult,
    SubgroupComparison,
    WelchAnovaResult,
    adjust_pvalues,
    chi2_proportions,
    compare_subgroups,
    pairwise_proportions,
    pairwise_welch,
    subgroup_estimates,
    subgroup_proportions,
    welch_anova,
)


@pytest.fixture
def rows():
    rng = np.random.default_rng(11)
    groups = {"home care": (40, 3.9, 0.9), "day centre": (28, 3.4, 1.2), "residential": (55, 4.1, 0.7),
              "rehab": (17, 3.8, 1.0)}
    frames = [
        pd.DataFrame({"setting": name, "score": rng.normal(mu, sd, size=n).round(1)})
        for name, (n, mu, sd) in groups.items()
    ]
    return pd.concat(frames, ignore_index=True)


def _summaries(rows):
    summary = rows.groupby("setting", sort=True)["score"].agg(["count", "mean", "std"])
    return (summary.index.tolist(), summary["count"].to_numpy(), summary["mean"].to_numpy(),
            summary["std"].to_numpy())


def _quiet(function, *args, **kwargs):
    # Reference libraries may raise their own deprecation warnings; ours must not (checked elsewhere).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


def test_welch_anova_matches_pingouin_and_statsmodels(rows):
    # Sources: pingouin.welch_anova and statsmodels anova_oneway(use_var="unequal") on the raw rows;
    # tolerance 1e-10 (same formula, Welch 1951).
    _labels, n, mean, sd = _summaries(rows)
    res = welch_anova(n, mean, sd)
    assert isinstance(res, WelchAnovaResult)
    reference = _quiet(pg.welch_anova, data=rows, dv="score", between="setting")
    assert res.statistic == pytest.approx(reference["F"].iloc[0], abs=1e-10)
    assert res.df_denom == pytest.approx(reference["ddof2"].iloc[0], abs=1e-10)
    assert res.pvalue == pytest.approx(reference["p_unc"].iloc[0], abs=1e-10)
    sm = anova_oneway(rows["score"], rows["setting"], use_var="unequal", welch_correction=True)
    assert res.statistic == pytest.approx(sm.statistic, abs=1e-10)
    assert res.pvalue == pytest.approx(sm.pvalue, abs=1e-10)
    assert (res.df_num, res.k_groups, res.nobs) == (3, 4, len(rows))


def test_subgroup_estimates_match_scipy(rows):
    # Source: scipy.stats.t.interval per group; tolerance 1e-12.
    labels, n, mean, sd = _summaries(rows)
    out = subgroup_estimates(n, mean, sd, labels)
    assert list(out.columns) == ["group", "nobs", "mean", "sd", "se", "ci_low", "ci_high"]
    for row in out.itertuples():
        values = rows.loc[rows.setting == row.group, "score"]
        low, high = stats.t.interval(0.95, len(values) - 1, loc=values.mean(), scale=stats.sem(values))
        assert (row.ci_low, row.ci_high) == pytest.approx((low, high), abs=1e-12)


def test_chi2_matches_scipy_contingency():
    # Source: scipy.stats.chi2_contingency(correction=False) on the 2 x k table; tolerance 1e-12.
    x = np.array([30, 45, 20, 12])
    n = np.array([50, 60, 45, 30])
    res = chi2_proportions(x, n)
    assert isinstance(res, ChiSquareResult)
    chi2, p, dof, expected = stats.chi2_contingency(np.vstack([x, n - x]), correction=False)
    assert res.statistic == pytest.approx(chi2, abs=1e-12)
    assert res.pvalue == pytest.approx(p, abs=1e-12)
    assert res.df == dof
    assert res.min_expected == pytest.approx(expected.min(), abs=1e-12)


@pytest.mark.parametrize("method", ["holm", "fdr_bh"])
def test_adjust_pvalues_matches_statsmodels(method):
    # Source: statsmodels.stats.multitest.multipletests; tolerance 1e-12.
    p = np.array([0.001, 0.04, 0.03, 0.2, 0.04, 0.9, 0.011])
    np.testing.assert_allclose(adjust_pvalues(p, method), multipletests(p, method=method)[1], atol=1e-12)


def test_adjust_pvalues_skips_nan():
    # NaN (an undefined test) is not counted: adjusting [p1, NaN, p2] equals adjusting [p1, p2].
    out = adjust_pvalues([0.01, np.nan, 0.04], "holm")
    assert np.isnan(out[1])
    np.testing.assert_allclose(out[[0, 2]], multipletests([0.01, 0.04], method="holm")[1])
    np.testing.assert_array_equal(adjust_pvalues([0.2, 0.5], None), [0.2, 0.5])


def test_pairwise_welch_matches_scipy_and_pingouin(rows):
    # Sources: scipy.stats.ttest_ind(equal_var=False) per pair (statistic, p, df, CI);
    # pingouin.pairwise_tests(correction=True, padjust="holm") for the Holm-adjusted p-values;
    # tolerance 1e-10.
    labels, n, mean, sd = _summaries(rows)
    out = pairwise_welch(n, mean, sd, labels, method="holm")
    assert len(out) == 6
    for row in out.itertuples():
        a = rows.loc[rows.setting == row.group_a, "score"]
        b = rows.loc[rows.setting == row.group_b, "score"]
        ref = stats.ttest_ind(a, b, equal_var=False)
        ci = ref.confidence_interval(0.95)
        assert row.statistic == pytest.approx(ref.statistic, abs=1e-10)
        assert row.pvalue == pytest.approx(ref.pvalue, abs=1e-10)
        assert row.df == pytest.approx(ref.df, abs=1e-8)
        assert (row.ci_low, row.ci_high) == pytest.approx((ci.low, ci.high), abs=1e-10)
    ref = _quiet(pg.pairwise_tests, data=rows, dv="score", between="setting", padjust="holm", correction=True)
    ours = {frozenset((r.group_a, r.group_b)): r.pvalue_adjusted for r in out.itertuples()}
    for a, b, p_corr in zip(ref["A"], ref["B"], ref["p_corr"], strict=True):
        assert ours[frozenset((a, b))] == pytest.approx(p_corr, abs=1e-10)


def test_pairwise_welch_undefined_pair_is_nan_and_not_counted():
    out = pairwise_welch([10, 10, 1], [4.0, 4.0, 3.0], [0.0, 0.0, 0.0], list("abc"), method="holm")
    assert out[["statistic", "pvalue", "pvalue_adjusted"]].isna().all().all()
    assert not out["reject"].any()


def test_pairwise_proportions_match_statsmodels():
    # Sources: statsmodels proportions_ztest (pooled z) and confint_proportions_2indep(method="newcomb");
    # Holm via multipletests; tolerance 1e-10.
    x = np.array([30, 45, 20])
    n = np.array([50, 60, 45])
    out = pairwise_proportions(x, n, list("abc"), method="holm")
    pvalues = []
    for row, (i, j) in zip(out.itertuples(), [(0, 1), (0, 2), (1, 2)], strict=True):
        z, p = proportions_ztest([x[i], x[j]], [n[i], n[j]])
        low, high = confint_proportions_2indep(x[i], n[i], x[j], n[j], method="newcomb")
        assert row.statistic == pytest.approx(z, abs=1e-10)
        assert row.pvalue == pytest.approx(p, abs=1e-10)
        assert (row.ci_low, row.ci_high) == pytest.approx((low, high), abs=1e-10)
        pvalues.append(p)
    np.testing.assert_allclose(out["pvalue_adjusted"], multipletests(pvalues, method="holm")[1], atol=1e-10)


def test_subgroup_proportions_wilson():
    # Newcombe (1998) Table I example 81/263: Wilson 0.2553 to 0.3662 (published, 4 decimals).
    out = subgroup_proportions([81], [263])
    assert out.loc[0, "ci_low"] == pytest.approx(0.2553, abs=5e-5)
    assert out.loc[0, "ci_high"] == pytest.approx(0.3662, abs=5e-5)


def test_compare_subgroups_means_from_rows(rows):
    # The wrapper must equal the summary-statistic functions fed by a pandas groupby (regression of
    # plumbing; the estimators themselves are checked above).
    res = compare_subgroups(rows, "score", "setting", method="fdr_bh")
    assert isinstance(res, SubgroupComparison)
    labels, n, mean, sd = _summaries(rows)
    assert res.estimates["group"].tolist() == labels
    assert res.overall.statistic == pytest.approx(welch_anova(n, mean, sd).statistic, abs=1e-12)
    expected = pairwise_welch(n, mean, sd, labels, method="fdr_bh")
    pd.testing.assert_frame_equal(res.pairwise, expected)
    assert res.tested_groups == tuple(labels)


def test_compare_subgroups_proportions_and_small_groups():
    frame = pd.DataFrame({
        "lang": ["kk"] * 30 + ["ru"] * 40 + ["uk"],
        "top2": [1] * 20 + [0] * 10 + [1] * 18 + [0] * 22 + [1],
    })
    res = compare_subgroups(frame, "top2", "lang", kind="proportion", min_nobs=5)
    assert res.tested_groups == ("kk", "ru")
    ref = stats.chi2_contingency(np.array([[20, 18], [10, 22]]), correction=False)
    assert res.overall.statistic == pytest.approx(ref[0], abs=1e-12)
    assert res.estimates["nobs"].tolist() == [30, 40, 1]


def test_compare_subgroups_without_testable_groups_has_no_overall():
    frame = pd.DataFrame({"g": ["a", "b"], "score": [4.0, 5.0]})
    res = compare_subgroups(frame, "score", "g")
    assert res.overall is None and res.tested_groups == ()


@pytest.mark.parametrize(
    "call",
    [
        lambda: subgroup_estimates([10, 10], [3.0], [1.0, 1.0]),
        lambda: subgroup_estimates([10, -1], [3.0, 3.0], [1.0, 1.0]),
        lambda: subgroup_estimates([10, 10], [3.0, 3.0], [1.0, -1.0]),
        lambda: subgroup_estimates([10, 10], [3.0, 3.0], [1.0, 1.0], labels=["a", "a"]),
        lambda: subgroup_estimates([10, 10], [3.0, 3.0], [1.0, 1.0], labels=["a"]),
        lambda: subgroup_estimates([], [], []),
        lambda: subgroup_estimates([10.5], [3.0], [1.0]),
        lambda: subgroup_proportions([5, 12], [10, 10]),
        lambda: welch_anova([10], [3.0], [1.0]),
        lambda: welch_anova([10, 1], [3.0, 2.0], [1.0, 1.0]),
        lambda: welch_anova([10, 10], [3.0, 2.0], [1.0, 0.0]),
        lambda: chi2_proportions([3], [10]),
        lambda: chi2_proportions([3, 0], [10, 0]),
        lambda: chi2_proportions([0, 0], [10, 10]),
        lambda: chi2_proportions([3, 4], [10]),
        lambda: adjust_pvalues([0.1], method="bonferroni"),
        lambda: adjust_pvalues([1.2], method="holm"),
        lambda: pairwise_welch([10], [3.0], [1.0]),
        lambda: pairwise_welch([10, 10], [3.0, 3.0], [1.0, 1.0], alpha=0),
        lambda: pairwise_proportions([1, 2], [3, 4], method="sidak"),
        lambda: compare_subgroups(pd.DataFrame({"g": ["a"], "v": [1.0]}), "v", "g", kind="median"),
        lambda: compare_subgroups(pd.DataFrame({"g": ["a"]}), "v", "g"),
        lambda: compare_subgroups(pd.DataFrame({"g": ["a"], "v": ["x"]}), "v", "g"),
        lambda: compare_subgroups(pd.DataFrame({"g": ["a"], "v": [2.0]}), "v", "g", kind="proportion"),
        lambda: compare_subgroups(pd.DataFrame({"g": ["a"], "v": [np.nan]}), "v", "g"),
        lambda: compare_subgroups(pd.DataFrame({"g": ["a"], "v": [1.0]}), "v", "g", min_nobs=0),
        lambda: compare_subgroups([1, 2], "v", "g"),
    ],
)
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()
