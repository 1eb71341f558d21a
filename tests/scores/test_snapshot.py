"""The snapshot's SQL-aggregated scores equal the row-level path of the analysis package."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

from analysis.casemix import casemix_adjust
from analysis.scores import composite_index, nps_from_counts, respondent_dimension_scores
from survey_app.extensions import db
from survey_app.models import Answer, Dimension, Item, Response
from survey_app.models.scores import ProviderScore
from survey_app.scores.compute import ADJUSTERS, CATEGORICAL, observed_levels
from survey_app.scores.refresh import refresh_scores

# The SQL aggregation is checked on both databases; what follows from it only once.
SQLITE_ONLY = pytest.mark.parametrize("any_db", ["sqlite"], indirect=True)
CORE = ["access", "respect", "competence", "information", "coordination", "outcomes", "safety"]


def _row_level(campaign_id: int) -> pd.DataFrame:
    """Respondent scores computed from every answer row with analysis.scores (no SQL aggregation)."""
    long = pd.DataFrame(db.session.execute(
        select(Answer.response_id, Item.name, Answer.score, Dimension.code, Item.reverse)
        .join(Item, Answer.item_id == Item.id).outerjoin(Dimension, Item.dimension_id == Dimension.id)
        .join(Response, Answer.response_id == Response.id).where(Response.campaign_id == campaign_id)
    ).all(), columns=["response_id", "item", "score", "dimension", "reverse"])
    wide = long.pivot(index="response_id", columns="item", values="score").astype(float)
    items = long.dropna(subset=["dimension"]).drop_duplicates("item")
    dimensions = {code: list(group["item"]) for code, group in items.groupby("dimension")}
    reverse = list(items.loc[items["reverse"].astype(bool), "item"])
    scores = respondent_dimension_scores(wide, dimensions, reverse=reverse)
    scores["composite"] = composite_index(scores[CORE])
    profile = pd.DataFrame(db.session.execute(
        select(Response.id, Response.provider_id, Response.age_band, Response.self_rated_health,
               Response.assistance, Response.mode).where(Response.campaign_id == campaign_id)
    ).all(), columns=["response_id", "provider_id", "age_band", "self_rated_health", "assistance", "mode"])
    return profile.set_index("response_id").join(scores).join(wide[["recommend"]])


def _snapshot(snapshot_id: int, campaign_id: int, measure: str) -> pd.DataFrame:
    rows = db.session.scalars(select(ProviderScore).where(
        ProviderScore.snapshot_id == snapshot_id, ProviderScore.campaign_id == campaign_id,
        ProviderScore.measure == measure))
    return pd.DataFrame([{c: getattr(r, c) for c in ("provider_id", "nobs", "mean", "adjusted", "shrunken",
                                                       "ci_low", "ci_high", "reliability")} for r in rows]
                        ).set_index("provider_id").sort_index()


def test_raw_means_equal_the_row_level_path(scored_world):
    # Independent path: analysis.scores on the answer rows, pandas groupby for provider means (1e-9).
    snapshot = refresh_scores()
    campaign = scored_world["campaigns"][0]
    rows = _row_level(campaign.id)
    for measure in ("composite", "dimension:access", "dimension:coordination", "dimension:safety"):
        column = measure.split(":")[-1]
        expected = rows.groupby("provider_id")[column].agg(["count", "mean"])
        expected = expected[expected["count"] > 0]
        stored = _snapshot(snapshot.id, campaign.id, measure)
        np.testing.assert_array_equal(stored["nobs"].to_numpy(), expected["count"].to_numpy())
        np.testing.assert_allclose(stored["mean"].to_numpy(), expected["mean"].to_numpy(), rtol=0, atol=1e-9)


@SQLITE_ONLY
def test_case_mix_adjustment_equals_a_direct_fit(scored_world):
    snapshot = refresh_scores()
    campaign = scored_world["campaigns"][1]
    rows = _row_level(campaign.id).dropna(subset=["composite"])
    direct = casemix_adjust(rows.reset_index(), "composite", provider="provider_id", adjusters=ADJUSTERS,
                            categorical=CATEGORICAL, levels=observed_levels(rows))
    expected = direct.providers.set_index("provider_id").sort_index()["adjusted_mean"]
    stored = _snapshot(snapshot.id, campaign.id, "composite")["adjusted"]
    np.testing.assert_allclose(stored.to_numpy(), expected.to_numpy(), rtol=0, atol=1e-9)


@SQLITE_ONLY
def test_shrinkage_pulls_small_providers_towards_the_mean(scored_world):
    snapshot = refresh_scores()
    stored = _snapshot(snapshot.id, scored_world["campaigns"][0].id, "composite").dropna(subset=["shrunken"])
    # shrunken = mu + lambda (adjusted - mu): every provider implies the same centre mu, and lambda in [0, 1].
    reliability = stored["reliability"]
    assert reliability.between(0, 1).all()
    implied_centre = (stored["shrunken"] - reliability * stored["adjusted"]) / (1 - reliability)
    np.testing.assert_allclose(implied_centre, implied_centre.iloc[0], atol=1e-6)
    # The provider with 3 responses is shrunk the most.
    assert reliability.idxmin() == stored["nobs"].idxmin()


def test_nps_equals_counts_of_the_ratings(scored_world):
    snapshot = refresh_scores()
    campaign = scored_world["campaigns"][0]
    rows = _row_level(campaign.id).dropna(subset=["recommend"])
    grouped = rows.groupby("provider_id")["recommend"]
    expected = nps_from_counts(grouped.apply(lambda s: (s >= 9).sum()), grouped.apply(lambda s: s.between(7, 8).sum()),
                               grouped.apply(lambda s: (s <= 6).sum()))
    stored = _snapshot(snapshot.id, campaign.id, "nps")
    np.testing.assert_allclose(stored["mean"].to_numpy(), np.asarray(expected.nps), atol=1e-9)


@SQLITE_ONLY
def test_every_campaign_and_provider_is_scored(scored_world):
    snapshot = refresh_scores()
    assert snapshot.status == "done"
    assert snapshot.responses == db.session.query(Response).count()
    measures = set(db.session.scalars(select(ProviderScore.measure).where(
        ProviderScore.snapshot_id == snapshot.id).distinct()))
    assert {"composite", "satisfaction", "nps", "dimension:access"} <= measures
