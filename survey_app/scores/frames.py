"""SQL aggregation into the respondent-level frame the score snapshot is computed from.

The answers table is never read row by row into Python: dimension scores are averaged per
response in SQL (``GROUP BY response, dimension``) and only those averages, the overall
satisfaction and likelihood-to-recommend scores and the profile come back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import case, func, select

from analysis.scores import composite_index
from survey_app.extensions import db
from survey_app.instruments.runtime import compiled_instrument
from survey_app.models import (
    Answer,
    Choice,
    Dimension,
    InstrumentVersion,
    Item,
    RecipientCategory,
    Response,
)

SATISFACTION_ITEM = "overall_satisfaction"
RECOMMEND_ITEM = "recommend"
TOP_BOX = (4, 5)


@dataclass(frozen=True)
class DimensionInfo:
    code: str
    core: bool  # asked of everyone (no skip logic), so it enters the composite index
    low: int  # the scale's lowest and highest scores
    high: int


def dimension_infos(version_ids: list[int]) -> dict[str, DimensionInfo]:
    """The dimensions of these instrument versions, which are core, and their scales."""
    infos: dict[str, DimensionInfo] = {}
    for version in db.session.scalars(select(InstrumentVersion).where(InstrumentVersion.id.in_(version_ids))):
        instrument = compiled_instrument(version)
        for question in instrument.questions.values():
            if not question.dimension or not question.scored:
                continue
            page = next(p for p in instrument.pages if p.name == question.page)
            scores = [option.score for option in question.options if option.score is not None]
            core = not question.conditions and not page.conditions
            known = infos.get(question.dimension)
            infos[question.dimension] = DimensionInfo(
                question.dimension, core and (known.core if known else True), min(scores), max(scores)
            )
    return infos


def _items_per_dimension(version_ids: list[int]) -> pd.DataFrame:
    rows = db.session.execute(
        select(Item.version_id, Dimension.code, func.count(Item.id))
        .join(Dimension, Item.dimension_id == Dimension.id)
        .where(Item.version_id.in_(version_ids))
        .group_by(Item.version_id, Dimension.code)
    ).all()
    return pd.DataFrame(rows, columns=["version_id", "dimension", "items"])


def _reversed_scale_sums(version_ids: list[int]) -> dict[int, int]:
    """For each reverse-worded item, lowest + highest score of its scale (reversed = that − score)."""
    rows = db.session.execute(
        select(Item.id, func.min(Choice.score) + func.max(Choice.score))
        .join(Choice, Choice.choice_list_id == Item.choice_list_id)
        .where(Item.version_id.in_(version_ids), Item.reverse.is_(True), Choice.score.is_not(None))
        .group_by(Item.id)
    ).all()
    return {item_id: int(total) for item_id, total in rows}


def respondent_frame(up_to_response_id: int | None = None, provider_ids=None, submitted_from=None,
                     submitted_to=None) -> tuple[pd.DataFrame, dict[str, DimensionInfo]]:
    """One row per response: keys, profile, 0–100 dimension scores, composite, satisfaction, recommend.

    Optional filters narrow it to some providers and a period of submission (a contract's provider
    and reporting period, for example); the aggregation stays in SQL either way.
    """
    limit = [Response.id <= up_to_response_id] if up_to_response_id is not None else []
    if provider_ids is not None:
        limit.append(Response.provider_id.in_(list(provider_ids)))
    if submitted_from is not None:
        limit.append(Response.submitted_on >= submitted_from)
    if submitted_to is not None:
        limit.append(Response.submitted_on <= submitted_to)
    profile = pd.DataFrame(
        db.session.execute(
            select(Response.id.label("response_id"), Response.campaign_id, Response.provider_id,
                   Response.instrument_version_id.label("version_id"), Response.age_band,
                   Response.self_rated_health, Response.assistance, Response.mode, Response.language,
                   RecipientCategory.code.label("category"))
            .outerjoin(RecipientCategory, Response.recipient_category_id == RecipientCategory.id)
            .where(*limit)
        ).all(),
        columns=["response_id", "campaign_id", "provider_id", "version_id", "age_band", "self_rated_health",
                 "assistance", "mode", "language", "category"],
    )
    if profile.empty:
        return profile, {}
    version_ids = [int(v) for v in profile["version_id"].unique()]
    answers_in = [Answer.response_id.in_(select(Response.id).where(*limit))] if limit else []
    infos = dimension_infos(version_ids)
    reversed_sums = _reversed_scale_sums(version_ids)
    score = Answer.score
    if reversed_sums:
        score = case(*[(Answer.item_id == item_id, total - Answer.score)
                       for item_id, total in reversed_sums.items()], else_=Answer.score)
    averaged = pd.DataFrame(
        db.session.execute(
            select(Answer.response_id, Dimension.code, func.avg(score), func.count(Answer.score))
            .join(Item, Answer.item_id == Item.id)
            .join(Dimension, Item.dimension_id == Dimension.id)
            .where(Answer.score.is_not(None), *answers_in)
            .group_by(Answer.response_id, Dimension.code)
        ).all(),
        columns=["response_id", "dimension", "mean", "answered"],
    )
    frame = profile.set_index("response_id")
    if not averaged.empty:
        averaged = averaged.merge(frame[["version_id"]], left_on="response_id", right_index=True)
        averaged = averaged.merge(_items_per_dimension(version_ids), on=["version_id", "dimension"], how="left")
        # DESIGN §6: a respondent's dimension score needs at least half its items answered.
        averaged = averaged[averaged["answered"] * 2 >= averaged["items"]]
        lows = averaged["dimension"].map({code: info.low for code, info in infos.items()})
        highs = averaged["dimension"].map({code: info.high for code, info in infos.items()})
        averaged["score"] = (averaged["mean"].astype(float) - lows) / (highs - lows) * 100
        wide = averaged.pivot(index="response_id", columns="dimension", values="score")
        wide.columns = [f"dimension:{code}" for code in wide.columns]
        frame = frame.join(wide)
    for code in infos:
        if f"dimension:{code}" not in frame:
            frame[f"dimension:{code}"] = np.nan
    core = [f"dimension:{code}" for code, info in infos.items() if info.core]
    frame["composite"] = composite_index(frame[core], min_share=0.5) if core else np.nan
    frame = frame.join(_single_items(answers_in))
    for column in (SATISFACTION_ITEM, RECOMMEND_ITEM):
        if column not in frame:
            frame[column] = np.nan
    frame["satisfaction"] = np.where(frame[SATISFACTION_ITEM].isna(), np.nan,
                                     frame[SATISFACTION_ITEM].isin(TOP_BOX) * 100.0)
    return frame.reset_index(), infos


def _single_items(answers_in: list) -> pd.DataFrame:
    rows = db.session.execute(
        select(Answer.response_id, Item.name, Answer.score)
        .join(Item, Answer.item_id == Item.id)
        .where(Item.name.in_((SATISFACTION_ITEM, RECOMMEND_ITEM)), Answer.score.is_not(None), *answers_in)
    ).all()
    long = pd.DataFrame(rows, columns=["response_id", "item", "score"])
    if long.empty:
        return pd.DataFrame(index=pd.Index([], name="response_id"))
    return long.pivot(index="response_id", columns="item", values="score").astype(float)
