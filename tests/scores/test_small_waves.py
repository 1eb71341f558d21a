"""A wave too small to fit the case-mix model for some measure (a few providers, a module asked at one or two
of them) still gets its raw scores: the refresh must not stop, and nothing adjusted is made up."""

from __future__ import annotations

import math

import pytest

from survey_app.scores.compute import provider_rows
from survey_app.scores.frames import respondent_frame
from survey_app.scores.refresh import provider_frame

SQLITE_ONLY = pytest.mark.parametrize("any_db", ["sqlite"], indirect=True)


@SQLITE_ONLY
def test_measures_that_cannot_be_adjusted_keep_their_raw_scores(scored_world):
    frame, _dimensions = respondent_frame(10**9)
    # Three respondents at each of two providers: fewer than the case-mix model's parameters.
    two = sorted(frame["provider_id"].unique())[:2]
    small = frame[frame["provider_id"].isin(two)].groupby(["campaign_id", "provider_id"]).head(3)
    rows = provider_rows(small, provider_frame())
    assert rows, "raw scores are still computed"
    composite = [row for row in rows if row["measure"] == "composite"]
    assert {row["provider_id"] for row in composite} == set(two)
    for row in composite:
        assert row["nobs"] > 0 and row["mean"] is not None and math.isfinite(row["mean"])
        assert row["adjusted"] is None and row["shrunken"] is None and row["grade"] is None
