"""Case-mix adjustment checked against statsmodels OLS with provider dummies (independent fit)."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from analysis.casemix import (
    casemix_adjust,
    casemix_adjust_from_crossproducts,
    casemix_adjust_many,
    crossproducts,
    design_matrix,
)

ADJUSTERS = ["age_band", "self_rated_health", "proxy_help", "mode"]


@pytest.fixture(scope="module")
def respondents():
    rng = np.random.default_rng(7)
    n_providers, n = 25, 1500
    provider = rng.integers(0, n_providers, n)
    effect = rng.normal(0, 5, n_providers)
    age = rng.choice(["18-39", "40-64", "65-79", "80+"], n, p=[0.2, 0.3, 0.3, 0.2])
    health = rng.integers(1, 6, n).astype(float)
    proxy = (rng.random(n) < 0.15).astype(float)
    mode = rng.choice(["assisted", "kiosk", "paper", "self_web"], n)
    y = (
        60
        + effect[provider]
        + 4 * (health - 3)
        + np.select([age == "65-79", age == "80+"], [3.0, 5.0], 0.0)
        - 2 * proxy
        + np.where(mode == "assisted", 2.0, 0.0)
        + rng.normal(0, 12, n)
    )
    return pd.DataFrame(
        {
            "provider_id": [f"P{p:02d}" for p in provider],
            "age_band": age,
            "self_rated_health": health,
            "proxy_help": proxy,
            "mode": mode,
            "score": y,
        }
    )


def _ols(frame):
    formula = "score ~ C(provider_id) + C(age_band) + self_rated_health + proxy_help + C(mode)"
    return smf.ols(formula, data=frame).fit()


def _ols_terms(result):
    # statsmodels names: C(age_band)[T.40-64]; ours: age_band=40-64.
    mapping = {}
    for name in result.params.index:
        if name.startswith("C(age_band)[T."):
            mapping["age_band=" + name[len("C(age_band)[T.") : -1]] = name
        elif name.startswith("C(mode)[T."):
            mapping["mode=" + name[len("C(mode)[T.") : -1]] = name
        elif name in ("self_rated_health", "proxy_help"):
            mapping[name] = name
    return mapping


def _ols_adjusted_means(result, frame):
    # Prediction of the dummy model for each provider at the overall mean of the adjuster
    # terms (mean over respondents of the dummy-coded design).
    exog = result.model.exog
    names = result.model.exog_names
    adjuster_columns = [i for i, name in enumerate(names) if not name.startswith("C(provider_id)")]
    overall = exog[:, adjuster_columns].mean(axis=0)
    providers = sorted(frame["provider_id"].unique())
    rows = []
    for p in providers:
        row = np.zeros(len(names))
        row[0] = 1.0
        dummy = f"C(provider_id)[T.{p}]"
        if dummy in names:
            row[names.index(dummy)] = 1.0
        row[adjuster_columns] = overall
        rows.append(row)
    # A plain (non-formula) OLS on the same design accepts arbitrary prediction rows.
    plain = sm.OLS(result.model.endog, exog).fit()
    prediction = plain.get_prediction(np.array(rows))
    return providers, prediction.predicted_mean, prediction.se_mean


def test_beta_equals_ols_with_provider_dummies(respondents):
    # Source: statsmodels OLS, y ~ C(provider) + adjusters; tolerance 1e-8.
    ours = casemix_adjust(respondents, "score", adjusters=ADJUSTERS)
    ols = _ols(respondents)
    mapping = _ols_terms(ols)
    for row in ours.coefficients.itertuples():
        name = mapping[row.term]
        assert row.estimate == pytest.approx(ols.params[name], abs=1e-8)
        assert row.se == pytest.approx(ols.bse[name], abs=1e-8)
        assert row.p_value == pytest.approx(ols.pvalues[name], abs=1e-8)
    assert ours.sigma2 == pytest.approx(ols.scale, rel=1e-10)
    assert ours.df_resid == ols.df_resid


def test_adjusted_means_equal_ols_prediction_at_overall_mean(respondents):
    # Source: statsmodels get_prediction at the overall mean covariates; tolerance 1e-8.
    ours = casemix_adjust(respondents, "score", adjusters=ADJUSTERS)
    providers, predicted, se_mean = _ols_adjusted_means(_ols(respondents), respondents)
    assert ours.providers["provider_id"].tolist() == providers
    np.testing.assert_allclose(ours.providers["adjusted_mean"], predicted, atol=1e-8)
    np.testing.assert_allclose(ours.providers["se"], se_mean, atol=1e-8)


def test_crossproduct_path_equals_row_path(respondents):
    rows = casemix_adjust(respondents, "score", adjusters=ADJUSTERS)
    cross = crossproducts(respondents, "score", adjusters=ADJUSTERS)
    from_cross = casemix_adjust_from_crossproducts(cross)
    np.testing.assert_allclose(from_cross.coefficients["estimate"], rows.coefficients["estimate"], atol=1e-8)
    for column in ["nobs", "mean", "adjusted_mean", "se", "ci_low", "ci_high"]:
        np.testing.assert_allclose(from_cross.providers[column], rows.providers[column], atol=1e-8)
    assert from_cross.sigma2 == pytest.approx(rows.sigma2, rel=1e-8)


def test_missing_adjuster_imputed_with_provider_mean(respondents):
    # Independent path: impute by hand with pandas groupby-transform, then statsmodels OLS.
    frame = respondents.copy()
    rng = np.random.default_rng(3)
    frame.loc[rng.random(len(frame)) < 0.1, "self_rated_health"] = np.nan
    ours = casemix_adjust(frame, "score", adjusters=["self_rated_health", "proxy_help"])
    imputed = frame.copy()
    imputed["self_rated_health"] = imputed.groupby("provider_id")["self_rated_health"].transform(
        lambda s: s.fillna(s.mean())
    )
    ols = smf.ols("score ~ C(provider_id) + self_rated_health + proxy_help", data=imputed).fit()
    assert ours.coefficients.set_index("term")["estimate"]["self_rated_health"] == pytest.approx(
        ols.params["self_rated_health"], abs=1e-8
    )


def test_missing_categorical_adjuster_imputed_with_provider_shares(respondents):
    frame = respondents.copy()
    frame.loc[frame.index[::9], "mode"] = None
    design = design_matrix(frame, ["mode"])
    shares = design.groupby(frame["provider_id"]).transform("mean")
    expected = design.fillna(shares)
    cross = crossproducts(frame, "score", adjusters=["mode"])
    by_provider = expected.groupby(frame["provider_id"]).sum()
    np.testing.assert_allclose(cross["sum_x__mode=kiosk"], by_provider["mode=kiosk"], atol=1e-10)


def test_missing_outcome_drops_respondent_only_for_that_outcome(respondents):
    frame = respondents.copy()
    frame.loc[frame.index[:40], "score"] = np.nan
    ours = casemix_adjust(frame, "score", adjusters=ADJUSTERS)
    kept = casemix_adjust(frame.dropna(subset=["score"]), "score", adjusters=ADJUSTERS)
    assert ours.nobs == len(frame) - 40
    np.testing.assert_allclose(ours.providers["adjusted_mean"], kept.providers["adjusted_mean"], atol=1e-12)


def test_many_outcomes_equal_one_at_a_time(respondents):
    frame = respondents.assign(other=respondents["score"] * 0.5 + respondents["self_rated_health"])
    frame.loc[frame["provider_id"] == "P03", "other"] = np.nan  # a provider without this outcome
    frame.loc[frame.index[::7], "score"] = np.nan
    many = casemix_adjust_many(frame, ["score", "other"], adjusters=ADJUSTERS)
    assert list(many) == ["score", "other"]
    for outcome, result in many.items():
        single = casemix_adjust(frame, outcome, adjusters=ADJUSTERS)
        pd.testing.assert_frame_equal(result.providers, single.providers)
        pd.testing.assert_frame_equal(result.coefficients, single.coefficients)
    assert "P03" not in many["other"].providers["provider_id"].tolist()


def test_provider_without_any_value_of_adjuster_gets_overall_mean():
    frame = pd.DataFrame(
        {
            "provider_id": [1, 1, 1, 2, 2, 2],
            "h": [1.0, 2.0, 4.0, np.nan, np.nan, np.nan],
            "y": [1.0, 2.0, 4.5, 3.0, 4.0, 5.0],
        }
    )
    cross = crossproducts(frame, "y", adjusters=["h"])
    assert cross["sum_x__h"].tolist() == pytest.approx([7.0, 7.0])


def test_fixed_levels_keep_terms_and_reference():
    frame = pd.DataFrame({"mode": ["paper", "kiosk", "paper"]})
    design = design_matrix(frame, ["mode"], levels={"mode": ["paper", "kiosk", "self_web"]})
    assert list(design.columns) == ["mode=kiosk", "mode=self_web"]
    assert design["mode=kiosk"].tolist() == [0.0, 1.0, 0.0]


def test_numeric_adjuster_can_be_categorical():
    frame = pd.DataFrame({"h": [1, 2, 3, 2]})
    design = design_matrix(frame, ["h"], categorical=["h"])
    assert list(design.columns) == ["h=2", "h=3"]


BASE = pd.DataFrame(
    {"provider_id": [1, 1, 1, 2, 2, 2], "h": [1.0, 2, 3, 2, 3, 5], "y": [1.0, 2, 4, 3, 4, 6]}
)


@pytest.mark.parametrize(
    "call",
    [
        lambda: casemix_adjust(BASE, "y", adjusters=["h"], alpha=1),
        lambda: casemix_adjust(BASE, "missing", adjusters=["h"]),
        lambda: casemix_adjust(BASE, "y", adjusters=["y"]),
        lambda: casemix_adjust(BASE, "y", adjusters=[]),
        lambda: casemix_adjust(BASE, "y", adjusters=["h", "h"]),
        lambda: casemix_adjust(BASE.assign(y=np.nan), "y", adjusters=["h"]),
        lambda: casemix_adjust(BASE.assign(y=np.inf), "y", adjusters=["h"]),
        lambda: casemix_adjust(BASE.assign(h=np.inf), "y", adjusters=["h"]),
        lambda: casemix_adjust(BASE.assign(h=np.nan), "y", adjusters=["h"]),
        lambda: casemix_adjust(BASE.assign(provider_id=[1, 1, 1, 2, 2, None]), "y", adjusters=["h"]),
        lambda: casemix_adjust(BASE.head(2), "y", adjusters=["h"]),
        lambda: casemix_adjust(BASE.assign(h=[1.0, 1, 1, 2, 2, 2]), "y", adjusters=["h"]),
        lambda: casemix_adjust(BASE.assign(g=BASE["h"] * 2), "y", adjusters=["h", "g"]),
        lambda: casemix_adjust(BASE, ["y"], adjusters=["h"]),
        lambda: casemix_adjust(BASE.assign(h=1.0, g="a"), "y", adjusters=["g"]),
        lambda: casemix_adjust_many(BASE, [], adjusters=["h"]),
        lambda: casemix_adjust_many(BASE, ["y", "y"], adjusters=["h"]),
        lambda: casemix_adjust_many(BASE, ["y"], adjusters=["h"], alpha=0),
        lambda: design_matrix(BASE, ["h"], levels={"x": [1, 2]}),
        lambda: design_matrix(BASE, ["h"], categorical=["x"]),
        lambda: design_matrix(BASE, ["h"], levels={"h": [1, 2]}),
        lambda: design_matrix(BASE, ["h"], levels={"h": [1]}),
        lambda: design_matrix(BASE.assign(h=["a"] * 6), ["h"], categorical=[]),
        lambda: casemix_adjust_from_crossproducts("cross"),
        lambda: casemix_adjust_from_crossproducts(pd.DataFrame({"provider_id": [1]})),
        lambda: casemix_adjust_from_crossproducts(crossproducts(BASE, "y", adjusters=["h"]), terms=[]),
        lambda: casemix_adjust_from_crossproducts(crossproducts(BASE, "y", adjusters=["h"]), terms=["z"]),
        lambda: casemix_adjust_from_crossproducts(crossproducts(BASE, "y", adjusters=["h"]).assign(nobs=0)),
        lambda: casemix_adjust_from_crossproducts(
            crossproducts(BASE, "y", adjusters=["h"]).assign(sum_y=np.nan), terms=["h"]
        ),
    ],
)
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()
