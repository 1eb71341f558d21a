"""Planning checked against Krejcie & Morgan's published table, statsmodels and hand computation."""

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from analysis import reliability
from analysis.planning import (
    proportion_margin_of_error,
    responses_for_mean,
    responses_for_proportion,
    responses_for_reliability,
)

# Krejcie & Morgan (1970), Educational and Psychological Measurement 30, 607-610, Table 1 (e = 0.05,
# P = 0.5, chi-square 3.841): population N -> sample size s, for a selection of rows up to N = 9000.
KREJCIE_MORGAN = {10: 10, 15: 14, 20: 19, 25: 24, 30: 28, 50: 44, 100: 80, 220: 140, 230: 144, 500: 217,
                  1200: 291, 1300: 297, 1500: 306, 2800: 338, 9000: 368}


def test_against_krejcie_morgan_table():
    # Same formula; K&M round to the nearest whole response with chi-square 3.841, we round up with
    # z^2 = 3.8415, so ours is the table value or one more (tolerance: 0 or +1).
    population = np.array(list(KREJCIE_MORGAN))
    table = np.array(list(KREJCIE_MORGAN.values()))
    ours = responses_for_proportion(0.05, population=population)
    assert np.all((ours - table >= 0) & (ours - table <= 1))
    # With alpha chosen so that z^2 = 3.841 exactly, ours is the ceiling of K&M's formula.
    alpha = 2 * stats.norm.sf(np.sqrt(3.841))
    km_formula = 3.841 * population * 0.25 / (0.05**2 * (population - 1) + 3.841 * 0.25)
    np.testing.assert_array_equal(responses_for_proportion(0.05, alpha=alpha, population=population),
                                  np.ceil(km_formula))
    # Rounded to the nearest, K&M's formula reproduces their table (checks the transcription above).
    np.testing.assert_array_equal(np.round(km_formula), table)


def test_proportion_without_population_and_capping():
    # Cochran (1977) eq. 4.1: n0 = 1.96^2 * 0.25 / 0.05^2 = 384.15 -> 385.
    assert responses_for_proportion(0.05) == 385
    # p = 0.2, e = 0.03: 1.95996^2 * 0.16 / 0.0009 = 682.9 -> 683 (hand).
    assert responses_for_proportion(0.03, proportion=0.2) == 683
    # A provider with 12 recipients needs (nearly) all of them; never more than N.
    assert responses_for_proportion(0.01, population=12) == 12
    # Unknown population (NaN) falls back to no correction.
    np.testing.assert_array_equal(responses_for_proportion(0.05, population=[np.nan, 100]), [385, 80])


def test_mean_hand_computation():
    # Cochran (1977) eq. 4.11 by hand: n0 = 1.959964^2 * 20^2 / 5^2 = 61.47 -> 62; with N = 120,
    # 61.47 / (1 + 60.47/120) = 40.87 -> 41.
    assert responses_for_mean(5, sd=20) == 62
    assert responses_for_mean(5, sd=20, population=120) == 41
    # 99% confidence, sd 15, margin 3 points: 2.5758^2 * 225 / 9 = 165.87 -> 166.
    assert responses_for_mean(3, sd=15, alpha=0.01) == 166


def test_margin_of_error_matches_statsmodels_normal_interval():
    # Source: statsmodels proportion_confint(method="normal") half-width; tolerance 1e-12.
    for n, p in [(385, 0.5), (60, 0.3), (1000, 0.9)]:
        low, high = proportion_confint(round(n * p), n, method="normal")
        assert proportion_margin_of_error(n, proportion=round(n * p) / n) == pytest.approx((high - low) / 2,
                                                                                          abs=1e-12)


def test_margin_and_sample_size_are_inverse():
    # The planned n achieves the margin; one response fewer does not (with and without the correction).
    for population in (None, 150, 2000):
        n = responses_for_proportion(0.06, population=population)
        assert proportion_margin_of_error(n, population=population) <= 0.06 + 1e-12
        assert proportion_margin_of_error(n - 1, population=population) > 0.06


def test_reliability_planning_is_reused():
    assert responses_for_reliability is reliability.responses_for_reliability
    assert responses_for_reliability(0.05, target=0.7) == 45


@pytest.mark.parametrize(
    "call",
    [
        lambda: responses_for_proportion(0),
        lambda: responses_for_proportion(1.5),
        lambda: responses_for_proportion(0.05, proportion=0),
        lambda: responses_for_proportion(0.05, population=0),
        lambda: responses_for_proportion(0.05, alpha=0),
        lambda: responses_for_proportion("five"),
        lambda: responses_for_mean(0, sd=1),
        lambda: responses_for_mean(1, sd=0),
        lambda: responses_for_mean(1, sd=np.inf),
        lambda: proportion_margin_of_error(0),
        lambda: proportion_margin_of_error(10, proportion=1.2),
        lambda: proportion_margin_of_error(10, population=5),
    ],
)
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()
