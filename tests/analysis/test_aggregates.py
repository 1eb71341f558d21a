"""Estimates from SQL-style aggregates must equal the row-level path (tolerance 1e-10)."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from analysis.aggregates import (
    answer_counts,
    combine_moments,
    count_mean_estimates,
    counts_to_moments,
    mean_estimates,
    moments,
    nps_estimates,
    top_box_estimates,
    within_sum_of_squares,
)
from analysis.scores import item_summary, net_promoter_score

TOL = 1e-10


@pytest.fixture(scope="module")
def rows():
    rng = np.random.default_rng(20240501)
    n = 3000
    frame = pd.DataFrame(
        {
            "provider_id": rng.integers(1, 41, n),
            "wave": rng.integers(1, 4, n),
            "q1": rng.integers(1, 6, n).astype(float),
            "q2": rng.integers(1, 6, n).astype(float),
            "recommend": rng.integers(0, 11, n).astype(float),
            "score": rng.normal(70, 15, n),
        }
    )
    frame.loc[rng.random(n) < 0.1, "q1"] = np.nan
    frame.loc[rng.random(n) < 0.2, "q2"] = np.nan
    frame.loc[rng.random(n) < 0.05, "score"] = np.nan
    return frame


def test_moment_means_equal_row_level_pandas_and_scipy(rows):
    # Independent path: pandas groupby mean/std and scipy.stats.t.interval on the rows.
    est = mean_estimates(moments(rows, "provider_id", "score"))
    grouped = rows.groupby("provider_id")["score"]
    np.testing.assert_array_equal(est["nobs"], grouped.count().to_numpy())
    np.testing.assert_allclose(est["mean"], grouped.mean().to_numpy(), rtol=0, atol=TOL)
    np.testing.assert_allclose(est["sd"], grouped.std().to_numpy(), rtol=0, atol=TOL)
    np.testing.assert_allclose(est["se"], grouped.sem().to_numpy(), rtol=0, atol=TOL)
    for row in est.itertuples():
        values = rows.loc[rows["provider_id"] == row.provider_id, "score"].dropna()
        low, high = stats.t.interval(0.95, len(values) - 1, loc=values.mean(), scale=stats.sem(values))
        assert row.ci_low == pytest.approx(low, abs=TOL)
        assert row.ci_high == pytest.approx(high, abs=TOL)


def test_item_estimates_from_counts_equal_row_level_item_summary(rows):
    # Row-level path: analysis.scores.item_summary (mean, t interval, top-2-box with Wilson).
    wide = rows[["provider_id", "q1", "q2"]]
    long = wide.melt(id_vars=["provider_id"], var_name="item", value_name="score")
    expected = item_summary(long, by="provider_id")
    counts = answer_counts(rows, "provider_id", ["q1", "q2"])
    means = count_mean_estimates(counts)
    shares = top_box_estimates(counts)
    assert list(means[["provider_id", "item"]].itertuples(index=False)) == list(
        expected[["provider_id", "item"]].itertuples(index=False)
    )
    for column in ["nobs", "mean", "sd", "ci_low", "ci_high"]:
        np.testing.assert_allclose(means[column], expected[column], rtol=0, atol=TOL)
    for column in ["nobs", "top2_share", "top2_low", "top2_high"]:
        np.testing.assert_allclose(shares[column], expected[column], rtol=0, atol=TOL)


def test_top_box_matches_statsmodels_wilson(rows):
    # Source: statsmodels proportion_confint(method="wilson"); tolerance 1e-10.
    counts = answer_counts(rows, "provider_id", "q1")
    shares = top_box_estimates(counts)
    low, high = proportion_confint(shares["top2_count"], shares["nobs"], alpha=0.05, method="wilson")
    np.testing.assert_allclose(shares["top2_low"], low, atol=TOL)
    np.testing.assert_allclose(shares["top2_high"], high, atol=TOL)


def test_counts_and_moments_paths_agree(rows):
    counts = answer_counts(rows, ["provider_id", "wave"], "q2")
    from_counts = mean_estimates(counts_to_moments(counts))
    from_rows = mean_estimates(moments(rows, ["provider_id", "wave"], "q2"))
    for column in ["nobs", "mean", "sd", "se", "ci_low", "ci_high"]:
        np.testing.assert_allclose(from_counts[column], from_rows[column], rtol=0, atol=TOL, equal_nan=True)


def test_not_applicable_counted_apart(rows):
    counts = answer_counts(rows, "provider_id", "q1")
    missing = rows.groupby("provider_id")["q1"].apply(lambda s: s.isna().sum()).to_numpy()
    np.testing.assert_array_equal(counts["count_not_applicable"], missing)
    coded = rows.assign(q1=rows["q1"].fillna(9))
    coded_counts = answer_counts(coded, "provider_id", "q1", not_applicable=9)
    pd.testing.assert_frame_equal(coded_counts, counts)


def test_finite_population_correction_matches_row_level(rows):
    # Row path: scipy t quantile × s/√n × √((N−n)/(N−1)) computed here by hand.
    m = moments(rows, "provider_id", "score")
    m["population"] = m["nobs"] * 2 + 3
    m.loc[0, "population"] = np.nan
    est = mean_estimates(m, population="population")
    grouped = rows.groupby("provider_id")["score"]
    n = grouped.count().to_numpy()
    big_n = m["population"].to_numpy()
    factor = np.where(np.isnan(big_n), 1.0, np.sqrt((big_n - n) / (big_n - 1)))
    half = stats.t.isf(0.025, n - 1) * grouped.sem().to_numpy() * factor
    np.testing.assert_allclose(est["ci_high"], grouped.mean().to_numpy() + half, rtol=0, atol=TOL)
    np.testing.assert_allclose(est["se"], grouped.sem().to_numpy() * factor, rtol=0, atol=TOL)


def test_top_box_with_population_matches_wilson_with_fpc(rows):
    from analysis.intervals import wilson_interval

    counts = answer_counts(rows, "provider_id", "q1")
    counts["population"] = 500
    shares = top_box_estimates(counts, population="population")
    ci = wilson_interval(shares["top2_count"], shares["nobs"], population=500)
    np.testing.assert_allclose(shares["top2_low"], ci.low, atol=TOL)


def test_nps_from_counts_equals_row_level(rows):
    # Row-level path: analysis.scores.net_promoter_score on each provider's ratings.
    counts = answer_counts(rows, "provider_id", "recommend", values=range(11))
    est = nps_estimates(counts)
    for row in est.itertuples():
        ratings = rows.loc[rows["provider_id"] == row.provider_id, "recommend"]
        direct = net_promoter_score(ratings)
        assert row.nobs == direct.nobs
        assert row.nps == pytest.approx(direct.nps, abs=TOL)
        assert row.se == pytest.approx(direct.se, abs=TOL)
        assert row.ci_low == pytest.approx(direct.adjusted_wald_low, abs=TOL)
        assert row.ci_high == pytest.approx(direct.adjusted_wald_high, abs=TOL)


def test_combine_moments_equals_coarser_grouping(rows):
    fine = moments(rows, ["provider_id", "wave"], "score")
    coarse = combine_moments(fine, "provider_id")
    direct = moments(rows, "provider_id", "score")
    pd.testing.assert_frame_equal(coarse, direct, check_exact=False, atol=1e-8, rtol=0)
    overall = combine_moments(fine, [])
    assert int(overall["nobs"].iloc[0]) == rows["score"].notna().sum()


def test_combine_moments_population_unknown_when_any_part_unknown():
    parts = pd.DataFrame(
        {"p": [1, 1, 2, 2], "nobs": [1, 1, 1, 1], "total": [1.0] * 4, "total_sq": [1.0] * 4,
         "population": [10, np.nan, 5, 6]}
    )
    out = combine_moments(parts, "p")
    assert np.isnan(out["population"].iloc[0]) and out["population"].iloc[1] == 11


def test_several_value_columns_give_long_frame(rows):
    both = moments(rows, "provider_id", ["score", "q1"])
    assert list(both.columns) == ["provider_id", "measure", "nobs", "total", "total_sq"]
    one = moments(rows, "provider_id", "q1")
    pd.testing.assert_frame_equal(
        both[both["measure"] == "q1"].drop(columns="measure").reset_index(drop=True), one
    )


def test_groups_without_values_are_kept_with_zero_nobs():
    frame = pd.DataFrame({"p": [1, 2, 2], "y": [np.nan, 3.0, 5.0]})
    est = mean_estimates(moments(frame, "p", "y"))
    assert est["nobs"].tolist() == [0, 2]
    assert np.isnan(est["mean"].iloc[0]) and est["mean"].iloc[1] == 4.0


def test_within_sum_of_squares_matches_numpy(rows):
    ss = within_sum_of_squares(moments(rows, "provider_id", "score"))
    direct = rows.groupby("provider_id")["score"].apply(lambda s: ((s.dropna() - s.mean()) ** 2).sum())
    np.testing.assert_allclose(ss, direct.to_numpy(), rtol=1e-10)


GOOD_MOMENTS = pd.DataFrame({"p": [1], "nobs": [3], "total": [9.0], "total_sq": [29.0]})
GOOD_COUNTS = pd.DataFrame({"p": [1], **{f"count_{v}": [1] for v in range(1, 6)}})


@pytest.mark.parametrize(
    "call",
    [
        lambda: moments([1, 2], "p", "y"),
        lambda: moments(pd.DataFrame({"p": [1]}), "p", "y"),
        lambda: moments(pd.DataFrame({"p": [1], "y": [1.0]}), "p", []),
        lambda: moments(pd.DataFrame({"p": [1], "y": [1.0]}), [], "y"),
        lambda: moments(pd.DataFrame({"p": [1], "y": [1.0]}), ["p", "p"], "y"),
        lambda: moments(pd.DataFrame({"p": [1], "y": [1.0]}), "p", "p"),
        lambda: moments(pd.DataFrame({"p": [1], "y": ["x"]}), "p", "y"),
        lambda: mean_estimates(GOOD_MOMENTS, alpha=0),
        lambda: mean_estimates(GOOD_MOMENTS.assign(nobs=-1)),
        lambda: mean_estimates(GOOD_MOMENTS.assign(nobs=1.5)),
        lambda: mean_estimates(GOOD_MOMENTS.assign(total_sq=-1.0)),
        lambda: mean_estimates(GOOD_MOMENTS.assign(total=np.inf)),
        lambda: mean_estimates(GOOD_MOMENTS.assign(total_sq=1.0)),
        lambda: mean_estimates(GOOD_MOMENTS, population="population"),
        lambda: mean_estimates(GOOD_MOMENTS.assign(population=2), population="population"),
        lambda: combine_moments(GOOD_MOMENTS, "wave"),
        lambda: answer_counts(pd.DataFrame({"p": [1], "q": [7]}), "p", "q"),
        lambda: answer_counts(pd.DataFrame({"p": [1], "q": [1]}), "p", "q", not_applicable=1),
        lambda: answer_counts(pd.DataFrame({"p": [1], "q": [1]}), "p", "q", values=[1.5, 2]),
        lambda: answer_counts(pd.DataFrame({"p": [1], "q": [1]}), "p", "q", values=[1, 1]),
        lambda: answer_counts(pd.DataFrame({"p": [1], "q": [1]}), "p", "q", values=["a"]),
        lambda: answer_counts(pd.DataFrame({"p": [1], "q": [1]}), "p", []),
        lambda: answer_counts(pd.DataFrame({"p": [1], "q": [1]}), "p", "p"),
        lambda: counts_to_moments(pd.DataFrame({"p": [1]})),
        lambda: counts_to_moments("counts"),
        lambda: counts_to_moments(GOOD_COUNTS.assign(count_1=-1)),
        lambda: count_mean_estimates(GOOD_COUNTS, population="population"),
        lambda: top_box_estimates(GOOD_COUNTS, top=(6,)),
        lambda: top_box_estimates(GOOD_COUNTS, top=()),
        lambda: top_box_estimates(GOOD_COUNTS, alpha=2),
        lambda: top_box_estimates(GOOD_COUNTS, population="population"),
        lambda: nps_estimates(GOOD_COUNTS),
    ],
)
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()
