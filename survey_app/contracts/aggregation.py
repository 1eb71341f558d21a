"""The few numbers per provider that contract indicators need, summed in SQL over one period's responses.

Nothing per response reaches Python. The per-respondent steps of DESIGN §6 are subqueries grouped by response:
a dimension score (0–100, at least half the dimension's items answered), the composite (the mean of the core
dimension scores, at least half of them) and the mean of a custom indicator's items (at least half answered).
Each measure is then summed per provider: n, the count meeting a condition, the mean and the sum of squared
deviations from it. The deviations are taken from the provider's mean (a window function), not as
Σy² − (Σy)²/n, which loses the digits of a spread near 0 (Chan, Golub & LeVeque 1983, *The American
Statistician* 37, 242–247): the standard deviation is the respondents' to rounding, as ``np.std`` gives it,
also when every respondent gave the same answers.

What the instrument says (its dimensions, which of them are core, their scales, the reverse-worded items) comes
from ``scores.frames``, as for the score snapshot, so a contract's quality index is computed as the snapshot's.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Float, and_, case, cast, func, select

from survey_app.extensions import db
from survey_app.models import Answer, Dimension, Item, Response
from survey_app.scores.frames import (
    RECOMMEND_ITEM,
    SATISFACTION_ITEM,
    TOP_BOX,
    _reversed_scale_sums,
    dimension_infos,
)

COMPOSITE = "composite"


@dataclass(frozen=True)
class Counts:
    """Answers to a yes-or-no measure at one provider: how many, and how many said yes."""

    nobs: int = 0
    successes: int = 0


@dataclass(frozen=True)
class Recommendations:
    """Likelihood-to-recommend answers at one provider: 9–10, 7–8 and 0–6."""

    promoters: int = 0
    passives: int = 0
    detractors: int = 0


@dataclass(frozen=True)
class Moments:
    """A measure's respondent values at one provider: how many, their mean and standard deviation (divisor
    n − 1; 0 for one value), and how many reach the top box (for an item mean, 4 or more)."""

    nobs: int = 0
    mean: float = math.nan
    sd: float = math.nan
    top: int = 0


@dataclass
class ProviderFigures:
    """What one provider's responses in the period give the indicators."""

    responses: int = 0
    satisfaction: Counts = field(default_factory=Counts)  # top two boxes of overall satisfaction
    recommend: Recommendations = field(default_factory=Recommendations)
    scores: dict[str, Moments] = field(default_factory=dict)  # "composite", "dimension:<code>"
    item_means: dict[tuple[str, ...], Moments] = field(default_factory=dict)  # by a custom indicator's items

    def score(self, measure: str) -> Moments:
        return self.scores.get(measure, Moments())

    def item_mean(self, names: tuple[str, ...]) -> Moments:
        return self.item_means.get(names, Moments())


def provider_figures(provider_ids: set[int], start: date, end: date,
                     item_sets: set[tuple[str, ...]] = frozenset()) -> dict[int, ProviderFigures]:
    """Per provider with responses submitted from ``start`` to ``end``: the counts and moments of every survey
    indicator, and the item means of each set of item names in ``item_sets``."""
    if not provider_ids:
        return {}
    limit = [Response.provider_id.in_(sorted(provider_ids)), Response.submitted_on >= start,
             Response.submitted_on <= end]
    figures: dict[int, ProviderFigures] = defaultdict(ProviderFigures)
    for provider_id, responses in db.session.execute(
            select(Response.provider_id, func.count()).where(*limit).group_by(Response.provider_id)):
        figures[provider_id].responses = int(responses)
    if not figures:
        return {}
    version_ids = sorted(db.session.scalars(select(Response.instrument_version_id).where(*limit).distinct()))
    score = _reversed_score(version_ids)
    _add_single_items(figures, limit)
    _add_dimension_scores(figures, limit, version_ids, score)
    for names in item_sets:
        _add_item_means(figures, limit, names, score)
    return dict(figures)


def _reversed_score(version_ids: list[int]):
    """An answer's score with the reverse-worded items reversed (lowest + highest of the scale − score)."""
    reversed_sums = _reversed_scale_sums(version_ids)
    if not reversed_sums:
        return Answer.score
    return case(*[(Answer.item_id == item_id, total - Answer.score) for item_id, total in reversed_sums.items()],
                else_=Answer.score)


def _answers_of(limit: list, *columns):
    """``columns`` over the scored answers, with their items, of the responses within ``limit``.

    The responses are named by ``IN (SELECT id …)``, not by a join on which ``limit`` filters: SQLite then reads
    only their answers (by the answers' key), where with the join it may read every answer to the items."""
    return (select(*columns).select_from(Answer).join(Item, Answer.item_id == Item.id)
            .where(Answer.score.is_not(None), Answer.response_id.in_(select(Response.id).where(*limit))))


def _add_single_items(figures: dict[int, ProviderFigures], limit: list) -> None:
    answer = Answer.score
    rows = db.session.execute(
        _answers_of(limit, Response.provider_id, Item.name, func.count(answer),
                    func.sum(case((answer.in_(TOP_BOX), 1), else_=0)),
                    func.sum(case((answer >= 9, 1), else_=0)), func.sum(case((answer <= 6, 1), else_=0)))
        .join(Response, Answer.response_id == Response.id)
        .where(Item.name.in_((SATISFACTION_ITEM, RECOMMEND_ITEM)))
        .group_by(Response.provider_id, Item.name))
    for provider_id, item, nobs, top, promoters, detractors in rows:
        if item == SATISFACTION_ITEM:
            figures[provider_id].satisfaction = Counts(int(nobs), int(top))
        else:
            figures[provider_id].recommend = Recommendations(
                int(promoters), int(nobs) - int(promoters) - int(detractors), int(detractors))


def _add_dimension_scores(figures: dict[int, ProviderFigures], limit: list, version_ids: list[int], score) -> None:
    infos = dimension_infos(version_ids)
    if not infos:
        return
    sizes = (select(Item.dimension_id, func.count(Item.id).label("item_count"))
             .where(Item.version_id.in_(version_ids), Item.dimension_id.is_not(None))
             .group_by(Item.dimension_id).subquery("dimension_items"))
    # Per response and dimension: the mean answer and how many items were answered. Joined to the dimensions
    # only afterwards, so SQLite reads the answers by response rather than every answer to the items.
    answered = (
        _answers_of(limit, Answer.response_id, Item.dimension_id, cast(func.avg(score), Float).label("mean"),
                    func.count(Answer.score).label("answered"))
        .where(Item.dimension_id.is_not(None))
        .group_by(Answer.response_id, Item.dimension_id)
    ).subquery("answered")
    # Per response, a column per dimension: its 0–100 score when at least half its items are answered.
    enough = answered.c.answered * 2 >= sizes.c.item_count
    scores = (
        select(answered.c.response_id, *[
            func.max(case((and_(Dimension.code == code, enough),
                           (answered.c.mean - info.low) / (info.high - info.low) * 100))).label(f"score_{number}")
            for number, (code, info) in enumerate(infos.items())])
        .join(Dimension, Dimension.id == answered.c.dimension_id)
        .join(sizes, sizes.c.dimension_id == answered.c.dimension_id)
        .group_by(answered.c.response_id)
    ).subquery("dimension_scores")
    columns = {f"dimension:{code}": scores.c[f"score_{number}"] for number, code in enumerate(infos)}
    core = [columns[f"dimension:{code}"] for code, info in infos.items() if info.core]
    if core:
        # The composite: the mean of the core dimension scores the response has, when it has half of them or more.
        present = sum(case((column.is_(None), 0), else_=1) for column in core)
        total = sum(func.coalesce(column, 0.0) for column in core)
        columns[COMPOSITE] = case((present * 2 >= len(core), total / present))
    for provider_id, moments in _provider_moments(scores, columns).items():
        figures[provider_id].scores.update(moments)


def _add_item_means(figures: dict[int, ProviderFigures], limit: list, names: tuple[str, ...], score) -> None:
    # Per response: the mean of its answers to the items, when at least half of them are answered.
    means = (
        _answers_of(limit, Answer.response_id, cast(func.avg(score), Float).label("mean"))
        .where(Item.name.in_(names))
        .group_by(Answer.response_id)
        .having(func.count(Answer.score) * 2 >= len(names))
    ).subquery("item_means")
    for provider_id, moments in _provider_moments(means, {"mean": means.c.mean}, top=min(TOP_BOX)).items():
        figures[provider_id].item_means[names] = moments["mean"]


def _provider_moments(per_response, measures: dict, top: float | None = None) -> dict[int, dict[str, Moments]]:
    """Per provider, the moments of each of ``measures`` (expressions over ``per_response``, a subquery with one
    row per response and its ``response_id``), and how many values reach ``top`` when given.

    Two passes in one statement: each measure's provider mean in a window, then the sum of squared deviations
    from it. The provider is joined only now, after the answers are grouped by response."""
    names = list(measures)
    respondents = (
        select(Response.provider_id, *[measure.label(f"value_{number}")
                                       for number, measure in enumerate(measures.values())])
        .join(per_response, per_response.c.response_id == Response.id)
    ).subquery("respondents")
    values = [respondents.c[f"value_{number}"] for number in range(len(names))]
    centred = select(respondents.c.provider_id, *values, *[
        func.avg(value).over(partition_by=respondents.c.provider_id).label(f"centre_{number}")
        for number, value in enumerate(values)]).subquery("centred")
    sums = []
    for number in range(len(names)):
        value, centre = centred.c[f"value_{number}"], centred.c[f"centre_{number}"]
        sums += [func.count(value), func.max(centre), func.sum((value - centre) * (value - centre))]
        if top is not None:
            sums.append(func.sum(case((value >= top, 1), else_=0)))
    width = 3 if top is None else 4
    result: dict[int, dict[str, Moments]] = {}
    for provider_id, *row in db.session.execute(
            select(centred.c.provider_id, *sums).group_by(centred.c.provider_id)):
        result[provider_id] = {
            name: _moments_of(*row[number * width:(number + 1) * width])
            for number, name in enumerate(names) if row[number * width]}
    return result


def _moments_of(nobs, mean, squares, top=0) -> Moments:
    nobs = int(nobs)
    sd = math.sqrt(max(float(squares), 0.0) / (nobs - 1)) if nobs >= 2 else 0.0
    return Moments(nobs, float(mean), sd, int(top or 0))
