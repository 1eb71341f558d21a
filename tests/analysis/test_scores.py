"""Scores checked against scipy, statsmodels and hand-worked examples."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

from analysis.scores import (
    NetPromoterScore,
    composite_index,
    item_summary,
    net_promoter_score,
    nps_from_counts,
    respondent_dimension_scores,
    reverse_score,
)


@pytest.fixture
def long_frame():
    rng = np.random.default_rng(7)
    rows = []
    for provider in ["p1", "p2"]:
        for item in ["q1", "q2", "q3"]:
            scores = rng.integers(1, 6, size=25).astype(float)
            scores[rng.random(25) < 0.15] = np.nan
            rows += [{"provider": provider, "item": item, "score": s} for s in scores]
    return pd.DataFrame(rows)


def test_reverse_score_on_each_type():
    # Definition low + high - x (DeVellis 2017); exact.
    assert reverse_score([1, 3, 5]).tolist() == [5, 3, 1]
    series = reverse_score(pd.Series([1.0, np.nan]), low=0, high=10)
    assert series.iloc[0] == 9 and np.isnan(series.iloc[1])


def test_item_summary_matches_scipy_and_statsmodels(long_frame):
    # Sources: scipy.stats.t.interval for the mean, statsmodels proportion_confint(method="wilson")
    # for the top-2 share, numpy for mean and sd; tolerance 1e-12.
    out = item_summary(long_frame, by="provider")
    assert list(out.columns) == [
        "provider", "item", "nobs", "mean", "sd", "ci_low", "ci_high", "top2_share", "top2_low", "top2_high",
    ]
    assert len(out) == 6
    for row in out.itertuples():
        mask = (long_frame.provider == row.provider) & (long_frame.item == row.item)
        scores = long_frame.loc[mask, "score"].dropna().to_numpy()
        n = scores.size
        assert row.nobs == n
        assert row.mean == pytest.approx(scores.mean(), abs=1e-12)
        assert row.sd == pytest.approx(scores.std(ddof=1), abs=1e-12)
        low, high = stats.t.interval(0.95, n - 1, loc=scores.mean(), scale=scores.std(ddof=1) / np.sqrt(n))
        assert row.ci_low == pytest.approx(low, abs=1e-12)
        assert row.ci_high == pytest.approx(high, abs=1e-12)
        top = int(np.sum(scores >= 4))
        wl, wh = proportion_confint(top, n, alpha=0.05, method="wilson")
        assert row.top2_share == pytest.approx(top / n, abs=1e-12)
        assert row.top2_low == pytest.approx(wl, abs=1e-12)
        assert row.top2_high == pytest.approx(wh, abs=1e-12)


def test_item_summary_all_missing_item_has_zero_nobs_and_nan_limits():
    frame = pd.DataFrame({"item": ["a", "a", "b"], "score": [np.nan, np.nan, 5.0]})
    out = item_summary(frame).set_index("item")
    assert out.loc["a", "nobs"] == 0
    assert np.isnan(out.loc["a", "ci_low"]) and np.isnan(out.loc["a", "top2_low"])
    assert np.isnan(out.loc["b", "ci_low"])  # one answer: no t interval
    assert out.loc["b", "top2_share"] == 1.0


def test_dimension_scores_hand_example():
    # Hand-worked: respondent 0 access (5, 4) -> mean 4.5 -> (4.5-1)/4*100 = 87.5;
    # respondent 1 answered 1 of 2 items (exactly half) -> kept, (3-1)/4*100 = 50;
    # respondent 2 answered none -> NaN. Item c is reversed: 1 -> 5 (100), 2 -> 4 (75), 3 -> 3 (50).
    wide = pd.DataFrame({"a": [5, 3, None], "b": [4, None, None], "c": [1, 2, 3]}, index=[10, 11, 12])
    out = respondent_dimension_scores(wide, {"access": ["a", "b"], "staff": ["c"]}, reverse=["c"])
    assert list(out.index) == [10, 11, 12]
    np.testing.assert_allclose(out["access"], [87.5, 50.0, np.nan])
    np.testing.assert_allclose(out["staff"], [100.0, 75.0, 50.0])


def test_dimension_scores_half_rule_with_three_items():
    # 1 of 3 answered is below half -> NaN; 2 of 3 is enough. Hand-worked.
    wide = pd.DataFrame({"a": [5, 5], "b": [None, 3], "c": [None, None]})
    out = respondent_dimension_scores(wide, {"d": ["a", "b", "c"]})
    assert np.isnan(out.loc[0, "d"])
    assert out.loc[1, "d"] == pytest.approx(75.0)


def test_composite_index_hand_example():
    # Hand-worked: (87.5 + 100 + 50)/3 = 79.1667; (75 + 25)/2 = 50; one of three dims -> NaN.
    dims = pd.DataFrame({"a": [87.5, None, None], "b": [100.0, 75.0, None], "c": [50.0, 25.0, 10.0]})
    out = composite_index(dims)
    assert out.name == "composite"
    np.testing.assert_allclose(out, [237.5 / 3, 50.0, np.nan])


def test_nps_wald_matches_trinomial_mean():
    # Source: Rocks (2016) §2 — NPS is 100 x the mean of scores coded +1/0/-1 and its Wald SE is
    # 100 x the population SD of those scores over sqrt(n); computed here with numpy. Tolerance 1e-10.
    rng = np.random.default_rng(3)
    ratings = rng.integers(0, 11, size=137)
    coded = np.where(ratings >= 9, 1, np.where(ratings <= 6, -1, 0))
    res = net_promoter_score(ratings)
    z = stats.norm.isf(0.025)
    se = 100 * coded.std(ddof=0) / np.sqrt(coded.size)
    assert res.nobs == 137
    assert res.nps == pytest.approx(100 * coded.mean(), abs=1e-10)
    assert res.se == pytest.approx(se, abs=1e-10)
    assert res.wald_low == pytest.approx(100 * coded.mean() - z * se, abs=1e-10)
    assert res.wald_high == pytest.approx(100 * coded.mean() + z * se, abs=1e-10)


def test_nps_adjusted_wald_matches_weighted_trinomial():
    # Source: Rocks (2016) and the R package NPS (nps_test_, test="adjusted.wald",
    # pseudo_observations = c(0.75, 1.50, 0.75)): the adjusted interval is the Wald interval of the
    # trinomial mean after adding the pseudo-observations. Computed independently with
    # statsmodels DescrStatsW frequency weights (ddof=0). Tolerance 1e-10.
    promoters, passives, detractors = 41, 22, 17
    weighted = DescrStatsW([1.0, 0.0, -1.0], weights=[promoters + 0.75, passives + 1.5, detractors + 0.75])
    z = stats.norm.isf(0.05)
    centre = 100 * weighted.mean
    half = z * 100 * weighted.std / np.sqrt(weighted.sum_weights)
    res = nps_from_counts(promoters, passives, detractors, alpha=0.1)
    assert res.adjusted_wald_low == pytest.approx(centre - half, abs=1e-10)
    assert res.adjusted_wald_high == pytest.approx(centre + half, abs=1e-10)
    assert res.alpha == 0.1


def test_nps_from_counts_vectorised_and_edges():
    res = nps_from_counts([10, 0, 3], [0, 0, 3], [0, 0, 3])
    assert isinstance(res, NetPromoterScore)
    np.testing.assert_allclose(res.nobs, [10, 0, 9])
    # All promoters: Wald collapses to 100; the adjusted interval stays open below (Rocks 2016).
    assert res.wald_low[0] == 100 and res.se[0] == 0
    assert res.adjusted_wald_low[0] < 100 and res.adjusted_wald_high[0] == 100
    assert np.isnan(res.nps[1]) and np.isnan(res.adjusted_wald_low[1])
    assert res.nps[2] == pytest.approx(0.0)


def test_nps_scalar_fields_are_floats():
    res = nps_from_counts(5, 3, 2)
    assert isinstance(res.nps, float) and isinstance(res.adjusted_wald_high, float)
    assert res.promoter_share == pytest.approx(0.5) and res.detractor_share == pytest.approx(0.2)


@pytest.mark.parametrize(
    "call",
    [
        lambda: reverse_score([0, 3]),
        lambda: reverse_score([1, 3], low=5, high=1),
        lambda: reverse_score(["a"]),
        lambda: item_summary(pd.DataFrame({"item": ["a"]})),
        lambda: item_summary(pd.DataFrame({"item": ["a"], "score": [3]}), alpha=0),
        lambda: item_summary(pd.DataFrame({"item": ["a"], "score": ["x"]})),
        lambda: item_summary(pd.DataFrame({"item": ["a"], "score": [3]}), top_box=()),
        lambda: item_summary(pd.DataFrame({"item": ["a"], "score": [3]}), by="item"),
        lambda: item_summary([1, 2]),
        lambda: respondent_dimension_scores(pd.DataFrame({"a": [1]}), {"d": ["b"]}),
        lambda: respondent_dimension_scores(pd.DataFrame({"a": [6]}), {"d": ["a"]}),
        lambda: respondent_dimension_scores(pd.DataFrame({"a": [1]}), {"d": []}),
        lambda: respondent_dimension_scores(pd.DataFrame({"a": [1]}), {}),
        lambda: respondent_dimension_scores(pd.DataFrame({"a": [1]}), {"d": ["a"]}, min_share=0),
        lambda: respondent_dimension_scores(pd.DataFrame({"a": [1]}), {"d": ["a"]}, scale=(5, 1)),
        lambda: respondent_dimension_scores(pd.DataFrame({"a": [1]}), {"d": ["a"]}, scale=3),
        lambda: respondent_dimension_scores(pd.DataFrame({"a": [1]}), {"d": ["a"]}, reverse=["z"]),
        lambda: composite_index(pd.DataFrame()),
        lambda: composite_index(pd.DataFrame({"a": [1.0]}), min_share=1.5),
        lambda: nps_from_counts(-1, 2, 3),
        lambda: nps_from_counts([1, 2], [1, 2, 3], 0),
        lambda: nps_from_counts(1, 2, 3, alpha=2),
        lambda: net_promoter_score([11, 3]),
        lambda: net_promoter_score([7.5]),
    ],
)
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()
