"""Intervals checked against statsmodels and scipy (independent implementations)."""

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from analysis.intervals import fpc, kish_effective_n, t_interval, wilson_interval


def test_wilson_matches_statsmodels():
    # Source: statsmodels.stats.proportion.proportion_confint(method="wilson"); tolerance 1e-12.
    x = np.array([0, 1, 17, 81, 263])
    n = np.array([10, 10, 40, 263, 263])
    ci = wilson_interval(x, n, alpha=0.05)
    low, high = proportion_confint(x, n, alpha=0.05, method="wilson")
    np.testing.assert_allclose(ci.low, low, atol=1e-12)
    np.testing.assert_allclose(ci.high, high, atol=1e-12)


def test_wilson_published_example():
    # Brown, Cai & DasGupta (2001) style check; Newcombe (1998) Table I example 81/263:
    # Wilson 0.2553 to 0.3662 (published to 4 decimals).
    ci = wilson_interval(81, 263)
    assert ci.low == pytest.approx(0.2553, abs=5e-5)
    assert ci.high == pytest.approx(0.3662, abs=5e-5)


def test_wilson_with_whole_population_collapses():
    ci = wilson_interval(30, 40, population=40)
    assert ci.low == pytest.approx(0.75) and ci.high == pytest.approx(0.75)


def test_t_interval_matches_scipy():
    # Source: scipy.stats.t.interval; tolerance 1e-12.
    low, high = stats.t.interval(0.95, df=24, loc=4.0, scale=1.0 / 5)
    ci = t_interval(4.0, 1.0, 25)
    assert ci.low == pytest.approx(low, abs=1e-12)
    assert ci.high == pytest.approx(high, abs=1e-12)


def test_t_interval_with_fpc_narrows_by_factor():
    plain = t_interval(3.0, 1.2, 50)
    corrected = t_interval(3.0, 1.2, 50, population=101)
    ratio = (corrected.high - corrected.low) / (plain.high - plain.low)
    assert ratio == pytest.approx(np.sqrt(51 / 100), rel=1e-12)


def test_kish_effective_n():
    # Kish (1965): equal weights give n.
    assert kish_effective_n(np.ones(7)) == pytest.approx(7)
    assert kish_effective_n([1, 1, 2, 2]) == pytest.approx(36 / 10)


@pytest.mark.parametrize(
    "call",
    [
        lambda: wilson_interval(5, 3),
        lambda: wilson_interval(1, 3, alpha=1.5),
        lambda: t_interval(1, -1, 3),
        lambda: fpc(10, 5),
        lambda: kish_effective_n([0, 0]),
    ],
)
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()
