"""Reliability checked against pingouin, statsmodels (Factor, MixedLM, anova_lm) and a hand example."""

import warnings

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.formula.api as smf
from statsmodels.multivariate.factor import Factor
from statsmodels.stats.anova import anova_lm

from analysis.reliability import (
    CronbachAlpha,
    ICC1Result,
    OmegaResult,
    cronbach_alpha,
    icc1,
    icc1_from_summaries,
    item_analysis,
    mcdonald_omega,
    provider_reliability,
    responses_for_reliability,
)


def _quiet(function, *args, **kwargs):
    # Reference libraries may raise their own warnings; ours must not (the suite runs with -W error).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


@pytest.fixture
def likert():
    rng = np.random.default_rng(21)
    trait = rng.normal(size=200)
    items = {}
    for i, weight in enumerate([1.0, 0.8, 0.9, 0.6, 0.7]):
        latent = weight * trait + rng.normal(scale=0.9, size=200)
        items[f"q{i + 1}"] = np.clip(np.round(3 + latent), 1, 5)
    return pd.DataFrame(items)


def test_cronbach_alpha_matches_pingouin_on_complete_data(likert):
    # Source: pingouin.cronbach_alpha (Feldt interval, tested by pingouin against R psych::alpha).
    # Estimate to 1e-12; pingouin rounds its interval to 3 decimals, so the limits to 5e-4.
    res = cronbach_alpha(likert)
    assert isinstance(res, CronbachAlpha)
    estimate, (low, high) = pg.cronbach_alpha(likert)
    assert res.estimate == pytest.approx(estimate, abs=1e-12)
    assert res.low == pytest.approx(low, abs=5e-4)
    assert res.high == pytest.approx(high, abs=5e-4)
    assert (res.nobs, res.n_items) == (200, 5)


def test_cronbach_alpha_listwise_published_value():
    # Published in pingouin's docstring (checked there against R psych::alpha(use="complete.obs")):
    # listwise alpha of the bundled "cronbach_wide_missing" data = 0.8016949152542373.
    # Our interval uses the 9 complete rows; pingouin's uses all 12 rows, so only the estimate is compared.
    data = pg.read_dataset("cronbach_wide_missing")
    res = cronbach_alpha(data)
    assert res.estimate == pytest.approx(0.8016949152542373, abs=1e-12)
    assert res.nobs == 9


def test_item_analysis_against_direct_computation(likert):
    # Item-rest r computed here with pandas .corr on the rest score; alpha if dropped from
    # pingouin.cronbach_alpha on the remaining columns. Tolerance 1e-12.
    out = item_analysis(likert)
    assert list(out.columns) == ["item", "nobs", "mean", "sd", "item_rest_r", "alpha_if_dropped"]
    for row in out.itertuples():
        rest = likert.drop(columns=row.item).sum(axis=1)
        assert row.item_rest_r == pytest.approx(likert[row.item].corr(rest), abs=1e-12)
        assert row.alpha_if_dropped == pytest.approx(pg.cronbach_alpha(likert.drop(columns=row.item))[0],
                                                     abs=1e-12)


def test_item_analysis_two_items_has_no_alpha_if_dropped(likert):
    out = item_analysis(likert[["q1", "q2"]])
    assert out["alpha_if_dropped"].isna().all()


def test_omega_loadings_match_statsmodels_factor_ml(likert):
    # Source: statsmodels.multivariate.factor.Factor(method="ml") — an independent ML fit (EM start then
    # BFGS on the likelihood). Loadings and uniquenesses to 1e-4 (different optimisers); omega then
    # recomputed from statsmodels' loadings on the raw-score scale, to 1e-4.
    res = mcdonald_omega(likert)
    assert isinstance(res, OmegaResult) and res.converged and not res.heywood
    fit = _quiet(Factor(likert.to_numpy(), n_factor=1, method="ml").fit, rng=0)
    load = fit.loadings.ravel()
    load = load if load.sum() > 0 else -load
    np.testing.assert_allclose(res.loadings.to_numpy(), load, atol=1e-4)
    np.testing.assert_allclose(res.uniquenesses.to_numpy(), fit.uniqueness, atol=1e-4)
    sd = likert.std(ddof=1).to_numpy()
    common = np.sum(load * sd) ** 2
    assert res.omega == pytest.approx(common / (common + np.sum(fit.uniqueness * sd**2)), abs=1e-4)


def test_omega_equals_alpha_for_parallel_items():
    # McDonald (1999): with equal loadings and equal uniquenesses (parallel items) omega equals alpha.
    # Population check with a large simulated sample; tolerance 0.01.
    rng = np.random.default_rng(4)
    trait = rng.normal(size=20000)
    wide = pd.DataFrame({f"q{i}": 0.7 * trait + rng.normal(scale=0.7, size=20000) for i in range(4)})
    assert mcdonald_omega(wide).omega == pytest.approx(cronbach_alpha(wide).estimate, abs=0.01)


def test_icc1_hand_example_unbalanced():
    # Hand-worked (Snijders & Bosker 2012 §3.3.1 formulas): groups (1,2,3), (4,6), (5,7,9,7).
    # MSB = 3474/81/2 = 21.4444, MSW = 12/6 = 2, n0 = (9 - 29/9)/2 = 26/9,
    # tau2 = 1575/234 = 6.7308, ICC(1) = 1575/2043 = 0.770925. Exact fractions, tolerance 1e-12.
    values = [1, 2, 3, 4, 6, 5, 7, 9, 7]
    groups = ["a", "a", "a", "b", "b", "c", "c", "c", "c"]
    res = icc1(values, groups)
    assert isinstance(res, ICC1Result)
    assert res.msb == pytest.approx(3474 / 81 / 2, abs=1e-12)
    assert res.msw == pytest.approx(2.0, abs=1e-12)
    assert res.n0 == pytest.approx(26 / 9, abs=1e-12)
    assert res.tau2 == pytest.approx(1575 / 234, abs=1e-12)
    assert res.icc == pytest.approx(1575 / 2043, abs=1e-12)


def test_icc1_mean_squares_match_statsmodels_anova_unbalanced():
    # Source: statsmodels OLS + anova_lm (one-way ANOVA mean squares and F test) on unbalanced groups.
    rng = np.random.default_rng(8)
    sizes = [3, 12, 7, 25, 9, 15]
    frame = pd.concat([pd.DataFrame({"provider": f"p{j}", "y": rng.normal(0.4 * j, 1.0, size=n)})
                       for j, n in enumerate(sizes)], ignore_index=True)
    res = icc1(frame["y"], frame["provider"])
    table = anova_lm(smf.ols("y ~ C(provider)", data=frame).fit())
    assert res.msb == pytest.approx(table["mean_sq"].iloc[0], rel=1e-10)
    assert res.msw == pytest.approx(table["mean_sq"].iloc[1], rel=1e-10)
    assert res.statistic == pytest.approx(table["F"].iloc[0], rel=1e-10)
    assert res.pvalue == pytest.approx(table["PR(>F)"].iloc[0], rel=1e-8)


def test_icc1_balanced_matches_pingouin_and_mixedlm():
    # Sources: pingouin.intraclass_corr ICC1 (Shrout & Fleiss 1979), tolerance 1e-10; statsmodels MixedLM
    # REML variance components (equal to the ANOVA estimates for balanced data with positive tau2),
    # tolerance 1e-4 (optimiser).
    rng = np.random.default_rng(2)
    providers, per = 12, 8
    effects = rng.normal(0, 0.6, size=providers)
    frame = pd.DataFrame({
        "provider": np.repeat(np.arange(providers), per),
        "rater": np.tile(np.arange(per), providers),
    })
    frame["y"] = effects[frame["provider"]] + rng.normal(0, 1.0, size=len(frame))
    res = icc1(frame["y"], frame["provider"])
    ref = _quiet(pg.intraclass_corr, data=frame, targets="provider", raters="rater", ratings="y")
    assert res.icc == pytest.approx(ref.loc[ref["Type"] == "ICC(1,1)", "ICC"].iloc[0], abs=1e-10)
    fit = _quiet(smf.mixedlm("y ~ 1", frame, groups=frame["provider"]).fit, reml=True)
    assert res.tau2 == pytest.approx(float(fit.cov_re.iloc[0, 0]), abs=1e-4)
    assert res.sigma2 == pytest.approx(float(fit.scale), abs=1e-4)


def test_icc1_from_summaries_allows_single_answer_providers():
    res = icc1_from_summaries([1, 4, 5], [3.0, 4.0, 2.0], [np.nan, 1.0, 1.0])
    assert res.df_denom == 7 and np.isfinite(res.icc)


def test_provider_reliability_and_responses_needed():
    # Spearman–Brown, hand-worked: rho = 0.05, n = 45 -> 2.25 / 3.2 = 0.703125; R = 0.7 -> n = 0.7*0.95 /
    # (0.05*0.3) = 44.33 -> 45 responses.
    assert provider_reliability(0.05, 45) == pytest.approx(0.703125, abs=1e-12)
    assert provider_reliability((0.2, 3.8), 45) == pytest.approx(0.703125, abs=1e-12)
    assert responses_for_reliability(0.05, 0.7) == 45
    np.testing.assert_array_equal(responses_for_reliability(np.array([0.05, 0.1, 0.5]), 0.8), [76, 36, 4])
    # At exactly the computed n the reliability reaches the target, one fewer does not.
    for rho in (0.03, 0.07, 0.2):
        n = responses_for_reliability(rho, 0.75)
        assert provider_reliability(rho, n) >= 0.75 - 1e-12
        assert n == 1 or provider_reliability(rho, n - 1) < 0.75
    # Negative ICC estimate -> reliability 0; no responses -> 0.
    np.testing.assert_array_equal(provider_reliability(-0.02, [10, 0]), [0.0, 0.0])
    res = icc1([1, 2, 3, 4, 6, 5, 7, 9, 7], list("aaabbcccc"))
    assert provider_reliability(res, 3) == pytest.approx(3 * res.icc / (1 + 2 * res.icc))


@pytest.mark.parametrize(
    "call",
    [
        lambda: cronbach_alpha(pd.DataFrame({"q1": [1, 2, 3]})),
        lambda: cronbach_alpha(pd.DataFrame({"q1": [1, np.nan], "q2": [2, 3]})),
        lambda: cronbach_alpha(pd.DataFrame({"q1": [1, 2], "q2": [3, 3]})),
        lambda: cronbach_alpha(pd.DataFrame({"q1": ["a", "b"], "q2": [3, 4]})),
        lambda: cronbach_alpha(np.ones((3, 3))),
        lambda: cronbach_alpha(pd.DataFrame({"q1": [1, 2], "q2": [2, 4]}), alpha=0),
        lambda: item_analysis(pd.DataFrame({"q1": [1, 2, 3]})),
        lambda: mcdonald_omega(pd.DataFrame({"q1": [1, 2, 3], "q2": [2, 3, 1]})),
        lambda: mcdonald_omega(pd.DataFrame({"q1": [1, 2, 3], "q2": [2, 3, 1], "q3": [1, 3, 2]})),
        lambda: icc1([1, 2, 3], ["a", "a"]),
        lambda: icc1([1, 2, 3], ["a", "a", "a"]),
        lambda: icc1([1, 1, 2, 2], ["a", "a", "b", "b"]),
        lambda: icc1_from_summaries([1, 1], [2.0, 3.0], [np.nan, np.nan]),
        lambda: icc1_from_summaries([0, 3], [2.0, 3.0], [1.0, 1.0]),
        lambda: icc1_from_summaries([3, 3], [2.0, 3.0], [1.0]),
        lambda: icc1_from_summaries([3, 3], [2.0, 3.0], [1.0, -1.0]),
        lambda: icc1_from_summaries([3, 3], [2.0, np.nan], [1.0, 1.0]),
        lambda: provider_reliability(0.1, -1),
        lambda: provider_reliability((0.1, 0.0), 5),
        lambda: responses_for_reliability(0.0),
        lambda: responses_for_reliability(0.1, target=1.0),
        lambda: responses_for_reliability("high"),
    ],
)
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()
