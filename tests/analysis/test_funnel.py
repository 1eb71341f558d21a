"""Funnel limits checked against scipy.stats and a hand-worked over-dispersion example."""

import numpy as np
import pytest
from scipy import stats

from analysis.funnel import (
    binomial_limit,
    funnel_means,
    funnel_proportions,
    overdispersion,
    winsorize,
)


def _interpolated_quantile(p, n, theta):
    # Independent route: tabulate scipy.stats.binom.cdf over 0..n and invert it by linear
    # interpolation between the steps (Spiegelhalter 2005a, appendix A.1.1).
    r = np.arange(-1, n + 1)
    cdf = np.concatenate([[0.0], stats.binom.cdf(np.arange(0, n + 1), n, theta)])
    return max(float(np.interp(p, cdf, r)) / n, 0.0)


@pytest.mark.parametrize("theta", [0.1, 0.5, 0.83])
@pytest.mark.parametrize("p", [0.001, 0.025, 0.975, 0.999])
def test_exact_binomial_limits_match_scipy_cdf_table(theta, p):
    # Source: scipy.stats.binom.cdf tabulated and inverted with numpy.interp; tolerance 1e-12.
    sizes = np.array([1, 5, 37, 100, 1000])
    ours = binomial_limit(p, sizes, theta)
    expected = [_interpolated_quantile(p, n, theta) for n in sizes]
    np.testing.assert_allclose(ours, expected, atol=1e-12)


def test_exact_limit_hits_step_when_p_equals_cdf():
    # At p = P(Y <= r) the interpolation weight is 0 and the limit is r/n exactly.
    n, theta, r = 40, 0.3, 15
    p = float(stats.binom.cdf(r, n, theta))
    assert binomial_limit(p, [n], theta)[0] == pytest.approx(r / n, abs=1e-12)


def test_normal_limits_match_scipy_normal():
    # Source: scipy.stats.norm.isf; θ0 ± z·sqrt(θ0(1−θ0)/n); tolerance 1e-12.
    x, n = np.array([30, 45, 80]), np.array([50, 60, 100])
    res = funnel_proportions(x, n, method="normal", overdispersion_correction="none")
    theta = x.sum() / n.sum()
    half = stats.norm.isf(0.001) * np.sqrt(theta * (1 - theta) / n)
    np.testing.assert_allclose(res.providers["upper_99_8"], theta + half, atol=1e-12)
    np.testing.assert_allclose(res.providers["lower_99_8"], theta - half, atol=1e-12)
    half95 = stats.norm.isf(0.025) * np.sqrt(theta * (1 - theta) / n)
    np.testing.assert_allclose(res.providers["upper_95"], theta + half95, atol=1e-12)


def test_overdispersion_hand_example():
    # Hand computation (Spiegelhalter 2005b): I = 10, winsorising 10% sets the lowest score
    # to the 2nd lowest (−1.5) and the highest to the 2nd highest (2.0):
    #   Σ z_W² = 2.25 + 2.25 + 1 + 0.25 + 0 + 0.25 + 1 + 2.25 + 4 + 4 = 17.25, φ = 1.725;
    #   w = 1 (×5), 4 (×5): Σw = 25, Σw² = 85, Σw − Σw²/Σw = 21.6;
    #   τ² = (10·1.725 − 9) / 21.6 = 8.25 / 21.6 = 0.3819444…
    z = [-4.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 6.0]
    se = [1.0] * 5 + [0.5] * 5
    phi, tau2, p_value = overdispersion(z, se)
    assert phi == pytest.approx(1.725, abs=1e-12)
    assert tau2 == pytest.approx(8.25 / 21.6, abs=1e-12)
    assert p_value == pytest.approx(stats.chi2.sf(17.25, 9), abs=1e-12)


def test_winsorize_rank_rule():
    z = np.arange(20.0)
    # k = floor(20·0.1) + 1 = 3: the two lowest become the 3rd lowest, the two highest the 3rd highest.
    out = winsorize(z, 0.1)
    assert out[:3].tolist() == [2.0, 2.0, 2.0] and out[-3:].tolist() == [17.0, 17.0, 17.0]
    assert winsorize(z, 0).tolist() == z.tolist()


def test_additive_correction_widens_limits_by_tau2():
    rng = np.random.default_rng(4)
    n = rng.integers(20, 300, 60)
    mean = 70 + rng.normal(0, 4, 60) + rng.normal(0, 15, 60) / np.sqrt(n)
    res = funnel_means(mean, n, sd=15.0)
    theta = np.average(mean, weights=n)
    se = 15.0 / np.sqrt(n)
    phi, tau2, _ = overdispersion((mean - theta) / se, se)
    assert res.tau2 == pytest.approx(tau2) and tau2 > 0 and res.phi == pytest.approx(phi)
    half = stats.norm.isf(0.001) * np.sqrt(se**2 + tau2)
    np.testing.assert_allclose(res.providers["upper_99_8"], theta + half, atol=1e-10)
    np.testing.assert_allclose(res.providers["z_adjusted"], (mean - theta) / np.sqrt(se**2 + tau2))
    curve = res.limits[res.limits["level"] == 0.998]
    np.testing.assert_allclose(
        curve["upper"], theta + stats.norm.isf(0.001) * np.sqrt(15.0**2 / curve["nobs"] + tau2), atol=1e-10
    )


def test_multiplicative_correction_scales_by_root_phi():
    rng = np.random.default_rng(8)
    n = rng.integers(20, 300, 40)
    mean = 70 + rng.normal(0, 4, 40)
    res = funnel_means(mean, n, sd=15.0, overdispersion_correction="multiplicative")
    plain = funnel_means(mean, n, sd=15.0, overdispersion_correction="none")
    assert res.phi > 1
    ratio = (res.providers["upper_95"] - res.target) / (plain.providers["upper_95"] - plain.target)
    np.testing.assert_allclose(ratio, np.sqrt(res.phi), rtol=1e-12)


def test_multiplicative_not_applied_when_underdispersed():
    n = np.array([100, 100, 100, 100])
    mean = np.array([70.0, 70.1, 69.9, 70.0])
    res = funnel_means(mean, n, sd=15.0, overdispersion_correction="multiplicative")
    plain = funnel_means(mean, n, sd=15.0, overdispersion_correction="none")
    assert res.phi < 1
    np.testing.assert_allclose(res.providers["upper_99_8"], plain.providers["upper_99_8"])


def test_flags_at_boundaries():
    # A provider exactly on a limit is "within"; a hair outside is above or below.
    n = np.array([50, 80, 120])
    first = funnel_means([70.0, 70.0, 70.0], n, sd=10.0, target=70.0, overdispersion_correction="none")
    upper, lower = first.providers["upper_99_8"].to_numpy(), first.providers["lower_99_8"].to_numpy()
    on_limits = funnel_means(
        [upper[0], lower[1], 70.0], n, sd=10.0, target=70.0, overdispersion_correction="none"
    )
    assert on_limits.providers["flag"].tolist() == ["within", "within", "within"]
    outside = funnel_means(
        [upper[0] + 1e-9, lower[1] - 1e-9, 70.0], n, sd=10.0, target=70.0, overdispersion_correction="none"
    )
    assert outside.providers["flag"].tolist() == ["above", "below", "within"]
    assert outside.providers["flag_95"].tolist() == ["above", "below", "within"]


def test_exact_proportion_flags_and_curves():
    x, n = np.array([45, 30, 80, 20, 5]), np.array([60, 50, 100, 50, 6])
    res = funnel_proportions(x, n, provider=["a", "b", "c", "d", "e"], overdispersion_correction="none")
    theta = x.sum() / n.sum()
    lower = binomial_limit(0.001, n, theta)
    upper = binomial_limit(0.999, n, theta)
    expected = np.where(x / n > upper, "above", np.where(x / n < lower, "below", "within"))
    assert res.providers["flag"].tolist() == expected.tolist()
    assert res.method == "exact" and res.providers["provider"].tolist() == ["a", "b", "c", "d", "e"]
    assert set(res.limits.columns) == {"nobs", "level", "lower", "upper"}
    assert set(res.limits["level"]) == {0.95, 0.998}
    assert (res.limits["lower"] <= theta).all() and (res.limits["upper"] >= theta).all()


def test_additive_correction_switches_exact_to_normal_limits():
    rng = np.random.default_rng(9)
    n = rng.integers(30, 400, 50)
    p = np.clip(0.7 + rng.normal(0, 0.1, 50), 0.05, 0.95)
    x = rng.binomial(n, p)
    res = funnel_proportions(x, n)
    assert res.tau2 > 0 and res.method == "normal"


@pytest.mark.parametrize(
    "call",
    [
        lambda: binomial_limit(0, [10], 0.5),
        lambda: binomial_limit(0.5, [0], 0.5),
        lambda: binomial_limit(0.5, [10], 1.0),
        lambda: binomial_limit(0.5, [10], "x"),
        lambda: winsorize([1.0, np.nan]),
        lambda: winsorize([1.0, 2.0], 0.5),
        lambda: winsorize([]),
        lambda: overdispersion([1.0], [1.0]),
        lambda: overdispersion([1.0, 2.0], [1.0]),
        lambda: overdispersion([1.0, 2.0], [1.0, 0.0]),
        lambda: funnel_proportions([5, 11], [10, 10]),
        lambda: funnel_proportions([5, 1.5], [10, 10]),
        lambda: funnel_proportions([5, 5], [10, 0]),
        lambda: funnel_proportions([5, 5], [10]),
        lambda: funnel_proportions([], []),
        lambda: funnel_proportions([0, 0], [10, 10]),
        lambda: funnel_proportions([5, 5], [10, 10], method="poisson"),
        lambda: funnel_proportions([5, 5], [10, 10], overdispersion_correction="both"),
        lambda: funnel_proportions([5, 5], [10, 10], levels=[0.95, 1.2]),
        lambda: funnel_proportions([5, 5], [10, 10], levels=[]),
        lambda: funnel_proportions([5, 5], [10, 10], levels=["high"]),
        lambda: funnel_proportions([5, 5], [10, 10], n_points=1),
        lambda: funnel_proportions([5, 5], [10, 10], provider=["a"]),
        lambda: funnel_means([1.0, 2.0], [10, 10], sd=0),
        lambda: funnel_means([1.0, np.nan], [10, 10], sd=1),
        lambda: funnel_means([1.0, 2.0], [10, 10], sd=1, target=np.inf),
    ],
)
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()
