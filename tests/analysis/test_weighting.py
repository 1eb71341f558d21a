"""Weighting checked against independent formulas, a Newton calibration solver and statsmodels."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analysis.intervals import kish_effective_n, wilson_interval
from analysis.weighting import (
    WeightedEstimate,
    poststratification_weights,
    rake,
    weighted_mean,
    weighted_proportion,
)


@pytest.fixture
def sample():
    rng = np.random.default_rng(13)
    n = 240
    frame = pd.DataFrame({
        "region": rng.choice(["almaty", "astana", "shymkent"], size=n, p=[0.5, 0.3, 0.2]),
        "category": rng.choice(["disability", "elderly"], size=n, p=[0.35, 0.65]),
        "mode": rng.choice(["web", "phone", "paper"], size=n, p=[0.6, 0.25, 0.15]),
    })
    frame["score"] = rng.normal(70, 12, size=n) + np.where(frame["category"] == "elderly", 5, 0)
    return frame


def test_poststratification_hand_example():
    # Hand-worked: cell (north, elderly) has 2 respondents and 300 recipients -> 150 each, etc.
    sample = pd.DataFrame({"region": ["n", "n", "s", "s", "s"], "cat": ["e", "e", "e", "d", "d"]})
    population = pd.DataFrame({"region": ["n", "s", "s"], "cat": ["e", "e", "d"], "count": [300, 90, 400]})
    w = poststratification_weights(sample, population, by=["region", "cat"])
    assert w.tolist() == [150.0, 150.0, 90.0, 200.0, 200.0]
    assert w.name == "weight"


def test_poststratified_mean_equals_stratified_mean(sample):
    # Independent formula: the post-stratified mean equals sum_h N_h * ybar_h / N (Cochran 1977 eq. 5A.1
    # / Holt & Smith 1979). Tolerance 1e-12.
    population = pd.Series({("almaty", "disability"): 4000, ("almaty", "elderly"): 9000,
                            ("astana", "disability"): 2500, ("astana", "elderly"): 5200,
                            ("shymkent", "disability"): 1800, ("shymkent", "elderly"): 3100})
    w = poststratification_weights(sample, population, by=["region", "category"])
    cell_means = sample.groupby(["region", "category"])["score"].mean()
    stratified = sum(population[key] * cell_means[key] for key in population.index) / population.sum()
    assert weighted_mean(sample["score"], w).estimate == pytest.approx(stratified, abs=1e-12)
    assert w.sum() == pytest.approx(population.sum(), rel=1e-12)


def test_poststratification_with_base_weights():
    # Hand-worked: base weights 1 and 3 in one cell of 100 -> 25 and 75.
    sample = pd.DataFrame({"g": ["a", "a"]})
    w = poststratification_weights(sample, {"a": 100}, "g", base_weights=[1, 3])
    assert w.tolist() == [25.0, 75.0]


def test_rake_hits_margins(sample):
    margins = {
        "region": pd.Series({"almaty": 13000, "astana": 7700, "shymkent": 4900}),
        "category": pd.Series({"disability": 8300, "elderly": 17300}),
        "mode": pd.Series({"web": 12000, "phone": 9000, "paper": 4600}),
    }
    w = rake(sample, margins, tol=1e-10, max_iter=500)
    for variable, target in margins.items():
        achieved = w.groupby(sample[variable]).sum().reindex(target.index)
        np.testing.assert_allclose(achieved, target, rtol=1e-9)


def test_rake_matches_newton_raking_ratio_calibration(sample):
    # Independent solver: raking equals calibration with the raking-ratio distance (Deville & Särndal 1992),
    # w_i = d_i exp(x_i' lambda), solved here by Newton's method on the calibration equations
    # X'w = totals (not IPF). Tolerance 1e-9 relative on every weight.
    margins = {
        "region": pd.Series({"almaty": 13000.0, "astana": 7700.0, "shymkent": 4900.0}),
        "category": pd.Series({"disability": 8300.0, "elderly": 17300.0}),
    }
    base = np.linspace(0.5, 1.5, len(sample))
    w = rake(sample, margins, base_weights=base, tol=1e-12, max_iter=1000).to_numpy()
    # Design matrix: all region dummies, then category dummies without the first (identifiability).
    x = np.column_stack([
        *(sample["region"] == r for r in margins["region"].index),
        *(sample["category"] == c for c in margins["category"].index[1:]),
    ]).astype(float)
    totals = np.concatenate([margins["region"].to_numpy(), margins["category"].to_numpy()[1:]])

    # Start from post-stratification on region alone, so the full Newton steps stay in range.
    lam = np.zeros(x.shape[1])
    lam[:3] = np.log(margins["region"].to_numpy() / (x[:, :3].T @ base))
    for _ in range(100):
        current = base * np.exp(x @ lam)
        step = np.linalg.solve(x.T @ (current[:, None] * x), totals - x.T @ current)
        lam += step
        if np.max(np.abs(step)) < 1e-13:
            break
    np.testing.assert_allclose(x.T @ (base * np.exp(x @ lam)), totals, rtol=1e-12)
    np.testing.assert_allclose(w, base * np.exp(x @ lam), rtol=1e-9)


def test_rake_two_by_two_preserves_odds_ratio():
    # Bishop, Fienberg & Holland (1975) §3.5: IPF keeps the sample cross-product ratio. Sample table
    # (a, b; c, d) = (10, 20; 30, 40) has odds ratio 2/3; the raked table must keep it and hit the margins.
    sample = pd.DataFrame({
        "row": ["r1"] * 30 + ["r2"] * 70,
        "col": ["c1"] * 10 + ["c2"] * 20 + ["c1"] * 30 + ["c2"] * 40,
    })
    w = rake(sample, {"row": pd.Series({"r1": 50, "r2": 50}), "col": pd.Series({"c1": 60, "c2": 40})},
             tol=1e-12, max_iter=1000)
    table = w.groupby([sample["row"], sample["col"]]).sum().unstack()
    a, b, c, d = table.loc["r1", "c1"], table.loc["r1", "c2"], table.loc["r2", "c1"], table.loc["r2", "c2"]
    assert a * d / (b * c) == pytest.approx(10 * 40 / (20 * 30), rel=1e-9)
    assert (a + b, c + d, a + c, b + d) == pytest.approx((50, 50, 60, 40), rel=1e-9)


def test_weighted_mean_se_matches_statsmodels_wls_hc1(sample):
    # Source: statsmodels WLS of y on a constant with HC1 robust covariance — its intercept is the ratio
    # mean and its HC1 variance is n/(n-1) * sum w^2 e^2 / (sum w)^2, the linearisation variance
    # (Lumley 2010 §2.3; R survey::svymean with ids = ~1). Tolerance 1e-12.
    rng = np.random.default_rng(1)
    w = rng.uniform(0.5, 3.0, size=len(sample))
    fit = sm.WLS(sample["score"].to_numpy(), np.ones(len(sample)), weights=w).fit(cov_type="HC1")
    res = weighted_mean(sample["score"], w)
    assert isinstance(res, WeightedEstimate)
    assert res.estimate == pytest.approx(fit.params[0], abs=1e-12)
    assert res.se == pytest.approx(fit.bse[0], rel=1e-12)
    assert res.effective_nobs == pytest.approx(kish_effective_n(w), rel=1e-12)
    assert (res.high - res.low) / 2 == pytest.approx(1.959963984540054 * res.se, rel=1e-12)


def test_weighted_proportion_se_and_interval():
    # SE: same statsmodels WLS HC1 check on 0/1 values. Interval: Wilson with Kish's effective n
    # (analysis.intervals.wilson_interval, itself tested against statsmodels). Tolerance 1e-12.
    rng = np.random.default_rng(2)
    y = (rng.random(150) < 0.3).astype(float)
    w = rng.uniform(0.2, 4.0, size=150)
    y[3] = np.nan  # left out with its weight
    keep = ~np.isnan(y)
    res = weighted_proportion(y, w)
    fit = sm.WLS(y[keep], np.ones(keep.sum()), weights=w[keep]).fit(cov_type="HC1")
    assert res.se == pytest.approx(fit.bse[0], rel=1e-12)
    n_eff = kish_effective_n(w[keep])
    ci = wilson_interval(res.estimate * n_eff, n_eff)
    assert (res.low, res.high) == pytest.approx((ci.low, ci.high), abs=1e-12)
    assert res.nobs == 149


def test_equal_weights_give_the_usual_mean_and_se():
    # With equal weights the linearisation SE is the ordinary s/sqrt(n) (numpy), tolerance 1e-12.
    y = np.array([3.0, 4.0, 5.0, 4.0, 2.0, 5.0])
    res = weighted_mean(y, np.full(6, 7.0))
    assert res.estimate == pytest.approx(y.mean())
    assert res.se == pytest.approx(y.std(ddof=1) / np.sqrt(6), rel=1e-12)
    assert res.effective_nobs == pytest.approx(6)


@pytest.mark.parametrize(
    "call",
    [
        # post-stratification
        lambda: poststratification_weights(pd.DataFrame({"g": ["a"]}), {"a": 10, "b": 5}, "g"),
        lambda: poststratification_weights(pd.DataFrame({"g": ["a", "c"]}), {"a": 10}, "g"),
        lambda: poststratification_weights(pd.DataFrame({"g": ["a", None]}), {"a": 10}, "g"),
        lambda: poststratification_weights(pd.DataFrame({"g": ["a"]}), {"a": 0}, "g"),
        lambda: poststratification_weights(pd.DataFrame({"g": ["a"]}), {"a": -1}, "g"),
        lambda: poststratification_weights(pd.DataFrame({"g": ["a"]}), {"a": 10}, "h"),
        lambda: poststratification_weights(pd.DataFrame({"g": ["a"]}), [10], "g"),
        lambda: poststratification_weights(pd.DataFrame({"g": ["a"]}), pd.DataFrame({"g": ["a"]}), "g"),
        lambda: poststratification_weights(pd.DataFrame({"g": ["a"]}), {"a": 10}, "g", base_weights=[0]),
        lambda: poststratification_weights(pd.DataFrame({"g": ["a"]}), {"a": 10}, "g", base_weights=[1, 1]),
        lambda: poststratification_weights(pd.DataFrame({"g": []}), {"a": 10}, "g"),
        lambda: poststratification_weights([1, 2], {"a": 10}, "g"),
        # raking
        lambda: rake(pd.DataFrame({"g": ["a"]}), {"g": pd.Series({"a": 10, "b": 5})}),
        lambda: rake(pd.DataFrame({"g": ["a", "c"]}), {"g": pd.Series({"a": 10})}),
        lambda: rake(pd.DataFrame({"g": ["a"], "h": ["x"]}),
                     {"g": pd.Series({"a": 10}), "h": pd.Series({"x": 12})}),
        lambda: rake(pd.DataFrame({"g": ["a"]}), {}),
        lambda: rake(pd.DataFrame({"g": ["a"]}), {"g": pd.Series({"a": 10})}, tol=0),
        lambda: rake(pd.DataFrame({"g": ["a"]}), {"g": pd.Series({"a": 10})}, max_iter=0),
        lambda: rake(pd.DataFrame({"g": ["a", "b"]}), {"g": pd.Series({"a": 10, "b": 0})}),
        # non-convergence: the only respondents are (a, x) and (b, y), but the margins need a != x.
        lambda: rake(pd.DataFrame({"g": ["a", "b"], "h": ["x", "y"]}),
                     {"g": pd.Series({"a": 10, "b": 10}), "h": pd.Series({"x": 5, "y": 15})}, max_iter=50),
        # weighted estimates
        lambda: weighted_mean([1, 2], [1]),
        lambda: weighted_mean([1, 2], [1, -1]),
        lambda: weighted_mean([np.nan], [1]),
        lambda: weighted_mean([1, 2], [0, 0]),
        lambda: weighted_mean([1, 2], [1, 1], alpha=2),
        lambda: weighted_mean([1, np.inf], [1, 1]),
        lambda: weighted_proportion([1, 2], [1, 1]),
    ],
)
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()


def test_rake_reports_non_convergence_and_empty_category():
    conflicting = pd.DataFrame({"g": ["a", "b"], "h": ["x", "y"]})
    with pytest.raises(ValueError, match="did not reach the margins"):
        rake(conflicting, {"g": pd.Series({"a": 10, "b": 10}), "h": pd.Series({"x": 5, "y": 15})},
             max_iter=50)
    with pytest.raises(ValueError, match="recipients but no respondents"):
        rake(conflicting, {"g": pd.Series({"a": 10, "b": 5, "c": 5})})
