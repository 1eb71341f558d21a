"""Wave-to-wave change checked against scipy, statsmodels and published examples."""

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats import proportion as sm_proportion

from analysis.change import (
    MeanChange,
    ProportionChange,
    mean_change,
    newcombe_interval,
    p_chart,
    proportion_change,
    xbar_chart,
)

# Montgomery, Introduction to Statistical Quality Control (orange juice cans, 30 samples of 50,
# Example 7.1 / Table 7.1 in the 6th-8th editions): p-bar = 0.2313, UCL = 0.4102, LCL = 0.0524,
# samples 15 and 23 above the UCL.
ORANGE_JUICE = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5, 13, 11, 20, 18, 24, 15, 9,
                12, 7, 13, 9, 6]


@pytest.mark.parametrize("alternative", ["two-sided", "larger", "smaller"])
def test_mean_change_matches_scipy(alternative):
    # Source: scipy.stats.ttest_ind_from_stats(equal_var=False) with the waves swapped so that the
    # difference is later minus earlier; CI from scipy's TtestResult on raw-equivalent df.
    # Tolerance 1e-12.
    scipy_alt = {"two-sided": "two-sided", "larger": "greater", "smaller": "less"}[alternative]
    ref = stats.ttest_ind_from_stats(4.1, 0.9, 150, 3.8, 1.0, 120, equal_var=False, alternative=scipy_alt)
    res = mean_change(120, 3.8, 1.0, 150, 4.1, 0.9, alternative=alternative)
    assert isinstance(res, MeanChange)
    assert res.statistic == pytest.approx(ref.statistic, abs=1e-12)
    assert res.pvalue == pytest.approx(ref.pvalue, abs=1e-12)
    assert res.diff == pytest.approx(0.3, abs=1e-12)


def test_mean_change_interval_matches_scipy_raw():
    # Source: scipy.stats.ttest_ind(equal_var=False).confidence_interval on raw data; tolerance 1e-10.
    rng = np.random.default_rng(5)
    first = rng.normal(3.6, 1.1, size=45)
    second = rng.normal(4.0, 0.8, size=60)
    ci = stats.ttest_ind(second, first, equal_var=False).confidence_interval(0.9)
    res = mean_change(45, first.mean(), first.std(ddof=1), 60, second.mean(), second.std(ddof=1), alpha=0.1)
    assert (res.low, res.high) == pytest.approx((ci.low, ci.high), abs=1e-10)


def test_mean_change_without_spread_has_no_test():
    res = mean_change(10, 5.0, 0.0, 10, 5.0, 0.0)
    assert np.isnan(res.pvalue) and res.se == 0


def test_newcombe_published_example():
    # Newcombe (1998), Statistics in Medicine 17, Table II example (56/70 vs 48/80):
    # method 10 (hybrid score, no continuity correction) 0.0524 to 0.3339. Published to 4 decimals.
    ci = newcombe_interval(56, 70, 48, 80)
    assert ci.low == pytest.approx(0.0524, abs=5e-5)
    assert ci.high == pytest.approx(0.3339, abs=5e-5)


def test_newcombe_matches_statsmodels_vectorised():
    # Source: statsmodels confint_proportions_2indep(method="newcomb"); tolerance 1e-12.
    x1, n1 = np.array([0, 5, 30, 9]), np.array([10, 20, 45, 9])
    x2, n2 = np.array([3, 5, 12, 0]), np.array([12, 25, 40, 15])
    ci = newcombe_interval(x1, n1, x2, n2)
    for i in range(4):
        low, high = sm_proportion.confint_proportions_2indep(x1[i], n1[i], x2[i], n2[i], method="newcomb")
        assert (ci.low[i], ci.high[i]) == pytest.approx((low, high), abs=1e-12)


@pytest.mark.parametrize("alternative", ["two-sided", "larger", "smaller"])
def test_proportion_change_matches_statsmodels(alternative):
    # Source: statsmodels test_proportions_2indep(method="score", correction=False), which at value 0 is
    # the pooled z test; confint_proportions_2indep(method="newcomb") for the interval. Tolerance 1e-10.
    res = proportion_change(48, 80, 56, 70, alternative=alternative)
    assert isinstance(res, ProportionChange)
    ref = sm_proportion.test_proportions_2indep(
        56, 70, 48, 80, method="score", correction=False, alternative=alternative
    )
    low, high = sm_proportion.confint_proportions_2indep(56, 70, 48, 80, method="newcomb")
    assert res.statistic == pytest.approx(ref.statistic, abs=1e-10)
    assert res.pvalue == pytest.approx(ref.pvalue, abs=1e-10)
    assert (res.low, res.high) == pytest.approx((low, high), abs=1e-12)
    assert res.diff == pytest.approx(0.2) and res.share1 == pytest.approx(0.6)


def test_proportion_change_degenerate_has_no_test():
    res = proportion_change(10, 10, 20, 20)
    assert np.isnan(res.statistic) and res.diff == 0


def test_p_chart_montgomery_orange_juice():
    # Published: Montgomery example above; p-bar exact, limits to 4 decimals (tolerance 5e-5).
    chart = p_chart(ORANGE_JUICE, [50] * 30, labels=range(1, 31))
    assert chart["centre"].iloc[0] == pytest.approx(347 / 1500, abs=1e-12)
    assert chart["ucl"].iloc[0] == pytest.approx(0.4102, abs=5e-5)
    assert chart["lcl"].iloc[0] == pytest.approx(0.0524, abs=5e-5)
    assert chart.loc[~chart["in_control"], "wave"].tolist() == [15, 23]


def test_p_chart_variable_n_limits_clip():
    # Hand-worked: p-bar = 5/110; for n = 10 the lower limit is negative and clipped to 0.
    chart = p_chart([1, 4], [10, 100])
    pbar = 5 / 110
    assert chart["lcl"].iloc[0] == 0
    assert chart["ucl"].iloc[0] == pytest.approx(pbar + 3 * np.sqrt(pbar * (1 - pbar) / 10), abs=1e-12)


def test_xbar_chart_hand_computation():
    # Independent hand formula (Montgomery §6.3 with pooled s, no c4): written out separately here.
    n = np.array([100, 120, 90, 1])
    m = np.array([3.9, 4.0, 4.4, 2.0])
    s = np.array([1.0, 0.9, 1.1, np.nan])  # one answer: no sd, left out of the pooled sd
    grand = (100 * 3.9 + 120 * 4.0 + 90 * 4.4 + 2.0) / 311
    pooled = np.sqrt((99 * 1.0 + 119 * 0.81 + 89 * 1.21) / (99 + 119 + 89))
    chart = xbar_chart(n, m, s, labels=["w1", "w2", "w3", "w4"])
    np.testing.assert_allclose(chart["centre"], grand, atol=1e-12)
    np.testing.assert_allclose(chart["ucl"], grand + 3 * pooled / np.sqrt(n), atol=1e-12)
    np.testing.assert_allclose(chart["lcl"], grand - 3 * pooled / np.sqrt(n), atol=1e-12)
    assert chart["in_control"].tolist() == [True, True, False, True]


@pytest.mark.parametrize(
    "call",
    [
        lambda: mean_change(1, 3.0, 1.0, 10, 3.0, 1.0),
        lambda: mean_change(10, 3.0, -1.0, 10, 3.0, 1.0),
        lambda: mean_change(10, np.nan, 1.0, 10, 3.0, 1.0),
        lambda: mean_change([10, 11], 3.0, 1.0, 10, 3.0, 1.0),
        lambda: mean_change(10, 3.0, 1.0, 10, 3.0, 1.0, alternative="bigger"),
        lambda: mean_change(10, 3.0, 1.0, 10, 3.0, 1.0, alpha=1),
        lambda: proportion_change(5, 0, 3, 10),
        lambda: proportion_change(11, 10, 3, 10),
        lambda: proportion_change("a", 10, 3, 10),
        lambda: newcombe_interval(11, 10, 3, 10),
        lambda: p_chart([1, 2], [10]),
        lambda: p_chart([1, 2], [10, 0]),
        lambda: p_chart([1], [10], sigma=0),
        lambda: p_chart([1, 2], [10, 10], labels=["a"]),
        lambda: xbar_chart([10, 10], [3.0, 3.0], [1.0]),
        lambda: xbar_chart([1, 1], [3.0, 3.0], [0.0, 0.0]),
        lambda: xbar_chart([10, 0], [3.0, 3.0], [1.0, 1.0]),
        lambda: xbar_chart([10, 10], [3.0, np.nan], [1.0, 1.0]),
        lambda: xbar_chart([10, 10], [3.0, 3.0], [1.0, -1.0]),
    ],
)
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()
