"""Shrinkage checked against statsmodels MixedLM (REML), anova_lm and combine_effects."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from statsmodels.stats.anova import anova_lm
from statsmodels.stats.meta_analysis import combine_effects

from analysis.aggregates import moments, within_sum_of_squares
from analysis.shrinkage import (
    shrink_estimates,
    shrink_means,
    shrink_moments,
    variance_components,
)


def _respondents(seed, sizes, tau=4.0, sigma=12.0):
    rng = np.random.default_rng(seed)
    provider = np.repeat(np.arange(len(sizes)), sizes)
    effect = rng.normal(0, tau, len(sizes))
    y = 70 + effect[provider] + rng.normal(0, sigma, provider.size)
    return pd.DataFrame({"provider_id": provider, "y": y})


@pytest.fixture(scope="module")
def unbalanced():
    rng = np.random.default_rng(11)
    return _respondents(11, rng.integers(2, 60, 30))


@pytest.fixture(scope="module")
def mixedlm(unbalanced):
    model = smf.mixedlm("y ~ 1", unbalanced, groups=unbalanced["provider_id"])
    return model.fit(reml=True)


def test_reml_components_match_mixedlm(unbalanced, mixedlm):
    # Source: statsmodels MixedLM(reml=True); relative tolerance 1e-4.
    m = moments(unbalanced, "provider_id", "y")
    vc = variance_components(m["nobs"], m["total"] / m["nobs"], within_sum_of_squares(m))
    assert vc.tau2 == pytest.approx(float(mixedlm.cov_re.iloc[0, 0]), rel=1e-4)
    assert vc.sigma2 == pytest.approx(mixedlm.scale, rel=1e-4)
    assert vc.mu == pytest.approx(mixedlm.fe_params.iloc[0], abs=1e-4)
    assert vc.mu_se == pytest.approx(mixedlm.bse_fe.iloc[0], rel=1e-3)


def test_shrunken_means_match_mixedlm_blups(unbalanced, mixedlm):
    # Source: MixedLM fe_params + random_effects (BLUP) and random_effects_cov; tolerance 1e-4.
    res = shrink_moments(moments(unbalanced, "provider_id", "y"))
    mu = mixedlm.fe_params.iloc[0]
    blups = mixedlm.random_effects
    conditional = mixedlm.random_effects_cov
    for row in res.providers.itertuples():
        assert row.shrunken_mean == pytest.approx(mu + blups[row.provider_id].iloc[0], abs=1e-4)
        assert row.posterior_sd**2 == pytest.approx(conditional[row.provider_id].iloc[0, 0], rel=1e-4)


def test_anova_equals_searle_formula_with_statsmodels_mean_squares(unbalanced):
    # Mean squares from statsmodels anova_lm; τ² = (MSB − MSW)/n0 (Searle, Casella & McCulloch
    # 1992, §3.6); tolerance 1e-10.
    table = anova_lm(smf.ols("y ~ C(provider_id)", unbalanced).fit())
    msb, msw = table["mean_sq"].iloc[0], table["mean_sq"].iloc[1]
    sizes = unbalanced.groupby("provider_id").size().to_numpy()
    n0 = (sizes.sum() - (sizes**2).sum() / sizes.sum()) / (len(sizes) - 1)
    m = moments(unbalanced, "provider_id", "y")
    vc = variance_components(m["nobs"], m["total"] / m["nobs"], within_sum_of_squares(m), method="anova")
    assert vc.sigma2 == pytest.approx(msw, rel=1e-10)
    assert vc.tau2 == pytest.approx(max(0.0, (msb - msw) / n0), rel=1e-10)


def test_balanced_anova_equals_reml():
    # For balanced one-way data the ANOVA and REML estimators coincide when τ̂² > 0
    # (Searle, Casella & McCulloch 1992, §4.7 and §6.6); tolerance 1e-6.
    data = _respondents(5, [20] * 15)
    m = moments(data, "provider_id", "y")
    args = (m["nobs"], m["total"] / m["nobs"], within_sum_of_squares(m))
    anova, reml = variance_components(*args, method="anova"), variance_components(*args, method="reml")
    assert anova.tau2 > 0
    assert reml.tau2 == pytest.approx(anova.tau2, rel=1e-6)
    assert reml.sigma2 == pytest.approx(anova.sigma2, rel=1e-6)


def test_no_between_variance_gives_zero_tau2_and_grand_mean():
    # Regression values: identical provider means → τ̂² = 0 and every mean shrinks fully.
    res = shrink_means([4, 6, 5], [3.0, 3.0, 3.0], [5.0, 8.0, 2.0])
    assert res.components.tau2 == 0.0
    assert res.providers["shrunken_mean"].tolist() == pytest.approx([3.0, 3.0, 3.0])
    assert res.providers["reliability"].tolist() == [0.0, 0.0, 0.0]


def test_mean_uncertainty_adds_morris_term(unbalanced):
    m = moments(unbalanced, "provider_id", "y")
    plain = shrink_moments(m)
    wider = shrink_moments(m, include_mean_uncertainty=True)
    lam = plain.providers["reliability"]
    expected = plain.providers["posterior_sd"] ** 2 + (1 - lam) ** 2 * plain.components.mu_se**2
    np.testing.assert_allclose(wider.providers["posterior_sd"] ** 2, expected, rtol=1e-12)


def test_provider_without_responses_gets_nan():
    m = pd.DataFrame(
        {"p": [1, 2, 3, 4], "nobs": [5, 0, 6, 4], "total": [20.0, 0.0, 30.0, 12.0],
         "total_sq": [84.0, 0.0, 156.0, 38.0]}
    )
    out = shrink_moments(m).providers
    assert np.isnan(out.loc[1, "shrunken_mean"]) and np.isfinite(out.loc[0, "shrunken_mean"])
    assert out["p"].tolist() == [1, 2, 3, 4]


@pytest.mark.parametrize("method, statsmodels_method", [("dl", "chi2"), ("pm", "iterated")])
def test_shrink_estimates_tau2_matches_statsmodels(method, statsmodels_method):
    # Source: statsmodels combine_effects (chi2 = DerSimonian–Laird, iterated = Paule–Mandel);
    # relative tolerance 1e-4 (statsmodels iterates to its own tolerance).
    rng = np.random.default_rng(2)
    se = rng.uniform(1, 4, 40)
    estimate = 70 + rng.normal(0, 3, 40) + rng.normal(0, se)
    ours = shrink_estimates(estimate, se, method=method)
    theirs = combine_effects(estimate, se**2, method_re=statsmodels_method)
    assert ours.attrs["tau2"] == pytest.approx(max(theirs.tau2, 0.0), rel=1e-4)
    assert ours.attrs["mu"] == pytest.approx(theirs.mean_effect_re, rel=1e-6)


@pytest.mark.parametrize(
    "call",
    [
        lambda: variance_components([3], [1.0], [1.0]),
        lambda: variance_components([1, 1], [1.0, 2.0], [0.0, 0.0]),
        lambda: variance_components([3, 3], [1.0, 2.0], [1.0, 1.0], method="ml"),
        lambda: variance_components([3, 3], [1.0, 2.0], [1.0]),
        lambda: variance_components([3, -3], [1.0, 2.0], [1.0, 1.0]),
        lambda: variance_components([3, 2.5], [1.0, 2.0], [1.0, 1.0]),
        lambda: variance_components([3, 3], [1.0, np.inf], [1.0, 1.0]),
        lambda: variance_components([3, 3], [1.0, 2.0], [1.0, -1.0]),
        lambda: variance_components([3, 3], ["a", 2.0], [1.0, 1.0]),
        lambda: shrink_means([3, 3], [1.0, 2.0], [1.0, 1.0], alpha=0),
        lambda: shrink_moments(pd.DataFrame({"nobs": [1]})),
        lambda: shrink_moments(pd.DataFrame({"nobs": [3, 3], "total": [3.0, 6.0], "total_sq": [5.0, 14.0]}),
                               alpha=1),
        lambda: shrink_estimates([1.0], [1.0]),
        lambda: shrink_estimates([1.0, 2.0], [1.0]),
        lambda: shrink_estimates([1.0, 2.0], [1.0, 0.0]),
        lambda: shrink_estimates([1.0, np.nan], [1.0, 1.0]),
        lambda: shrink_estimates([1.0, 2.0], [1.0, 1.0], method="reml"),
        lambda: shrink_estimates([1.0, 2.0], [1.0, 1.0], alpha=-1),
    ],
)
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()
