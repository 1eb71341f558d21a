"""What staff read of recipients' comments, and the safeguarding alerts raised from them.

Rules applied here, in the queries, for every page, export and API answer that shows comments:

- scope: only providers the user may see (``survey_app.access.provider_filter``);
- masking: every comment is shown through ``masking.mask`` (phone numbers, e-mail addresses, IINs …
  replaced by a token in the reader's language), for every role; the stored text never changes;
- the small-number rule (DESIGN §6): below administrator, no comment of a provider with fewer than
  ``SAPA_MIN_RESPONSES`` responses in that campaign; pages say how many providers are hidden;
- nothing that identifies a respondent: a comment comes with its day, provider, campaign, question
  and language, never its response, profile or time;
- safeguarding: alerts go to administrators, evaluators and the provider's monitors
  (``survey_app.access.safeguarding_filter``). A provider's own staff see no alert about their
  organisation and not the comments behind one: a comment about abuse by staff must not reach only
  the staff's own manager, who might work out who wrote it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, exists, func, literal, or_, select, update
from sqlalchemy.orm import aliased, joinedload

from survey_app.access import provider_filter, safeguarding_filter, sees_safeguarding
from survey_app.comments.masking import mask, masked_segments
from survey_app.extensions import db
from survey_app.i18n import LANGUAGE_NAMES
from survey_app.models import (
    Answer,
    Campaign,
    CampaignProvider,
    InstrumentText,
    InstrumentVersion,
    Item,
    Provider,
    Response,
    SafeguardingAlert,
    User,
)
from survey_app.models.base import utcnow
from survey_app.scores.read import minimum_responses, sees_small_numbers

COMMENT_ROLES = ("admin", "evaluator", "monitor", "provider_manager")
PAGE_SIZE = 25
LATEST = 5

CONCEPT_LABELS = {
    "violence": _l("violence"),
    "beating": _l("beating or hitting"),
    "threats": _l("threats"),
    "abuse": _l("abuse or humiliation"),
    "shouting": _l("shouting or swearing at someone"),
    "sexual": _l("sexual abuse"),
    "fear": _l("fear"),
    "confinement": _l("locked up or tied"),
    "hunger": _l("hunger"),
    "injury": _l("bruises or injuries"),
    "theft": _l("stealing money or belongings"),
    "neglect": _l("neglect"),
}
STATUS_LABELS = {"open": _l("Open"), "acknowledged": _l("Acknowledged")}


# ------------------------------------------------------------------ masking in the reader's language

def mask_labels() -> dict[str, str]:
    """The tokens that replace personal data, in the reader's language."""
    return {
        "phone": _("[phone]"),
        "email": _("[e-mail]"),
        "handle": _("[account]"),
        "iin": _("[IIN]"),
        "tax_number": _("[taxpayer number]"),
        "document": _("[document number]"),
        "number": _("[number]"),
    }


def masked(text: str | None) -> str:
    return mask(text, mask_labels())


@dataclass(frozen=True)
class Piece:
    text: str
    masked: bool


def pieces(text: str | None) -> list[Piece]:
    """The masked comment in pieces, so a page can show each token as what it is."""
    labels = mask_labels()
    return [Piece(labels[kind], True) if kind else Piece(part, False) for part, kind in masked_segments(text or "")]


def concept_label(concept: str) -> str:
    return str(CONCEPT_LABELS.get(concept, concept.replace("_", " ")))


# ------------------------------------------------------------------ choices for the filters

def campaign_choices(user: User) -> list[Campaign]:
    """Campaigns in which the user sees at least one provider, newest first."""
    visible = select(CampaignProvider.campaign_id).where(provider_filter(user, CampaignProvider.provider_id))
    return list(db.session.scalars(
        select(Campaign).where(Campaign.id.in_(visible)).order_by(Campaign.starts_on.desc(), Campaign.code)))


def provider_choices(user: User) -> list[Provider]:
    return list(db.session.scalars(
        select(Provider).where(provider_filter(user)).order_by(Provider.name, Provider.code)))


def question_choices(user: User, language: str) -> list[tuple[str, str]]:
    """The open questions (text items) of the campaigns the user sees: (item name, its text)."""
    visible = [campaign.instrument_version_id for campaign in campaign_choices(user)]
    items = db.session.execute(
        select(Item.name, func.max(Item.id)).where(Item.version_id.in_(visible), Item.type == "text")
        .group_by(Item.name).order_by(func.min(Item.position))
    ).all()
    labels = question_labels([item_id for _name, item_id in items], language)
    return [(name, labels.get(item_id, name)) for name, item_id in items]


def question_labels(item_ids: list[int], language: str) -> dict[int, str]:
    """Each item's question text in ``language`` (else the version's default language, else its name)."""
    if not item_ids:
        return {}
    rows = db.session.execute(
        select(Item.id, Item.name, InstrumentText.lang, InstrumentText.text, InstrumentVersion.default_language)
        .join(InstrumentVersion, InstrumentVersion.id == Item.version_id)
        .outerjoin(InstrumentText, and_(InstrumentText.version_id == Item.version_id,
                                        InstrumentText.key == literal("label:") + Item.name))
        .where(Item.id.in_(set(item_ids)))
    ).all()
    texts: dict[int, dict[str, str]] = {}
    fallback: dict[int, tuple[str, str]] = {}
    for item_id, name, lang, text, default_language in rows:
        fallback[item_id] = (name, default_language)
        if lang:
            texts.setdefault(item_id, {})[lang] = text
    return {item_id: texts.get(item_id, {}).get(language) or texts.get(item_id, {}).get(default) or name
            for item_id, (name, default) in fallback.items()}


# ------------------------------------------------------------------ comments

@dataclass
class CommentFilters:
    """What the reader chose (every one optional); ids are checked against the choices by the form."""

    campaign_id: int | None = None
    provider_id: int | None = None
    question: str | None = None  # an item name: comment_good, comment_improve …
    language: str | None = None
    safeguarding_only: bool = False
    search: str | None = None


@dataclass(frozen=True)
class Comment:
    submitted_on: date
    provider_id: int
    provider_name: str
    campaign_name: str
    question: str
    language: str  # the language's own name
    text: str  # masked
    pieces: list[Piece]
    alert_id: int | None = None  # only for those who follow up safeguarding alerts


@dataclass
class CommentPage:
    comments: list[Comment]
    total: int
    page: int
    pages: int
    hidden_providers: int = 0  # providers whose comments the small-number rule hides from this user
    minimum: int = 5


def _responses_per_provider(filters: CommentFilters):
    """Responses per campaign and provider, only of the campaign or provider chosen (a scorecard counts one
    provider's responses, not every response there is)."""
    query = select(Response.campaign_id, Response.provider_id, func.count().label("responses"))
    if filters.campaign_id is not None:
        query = query.where(Response.campaign_id == filters.campaign_id)
    if filters.provider_id is not None:
        query = query.where(Response.provider_id == filters.provider_id)
    return query.group_by(Response.campaign_id, Response.provider_id).subquery()


def _like_any(column, search: str):
    """Case-insensitive on PostgreSQL; SQLite folds ASCII only, so the usual spellings are tried too."""
    escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    variants = {escaped, escaped.lower(), escaped.capitalize(), escaped.upper()}
    return or_(*(column.ilike(f"%{variant}%", escape="\\") for variant in sorted(variants)))


def _comment_conditions(user: User, filters: CommentFilters) -> list:
    conditions = [
        Item.type == "text",
        Answer.text.is_not(None),
        func.length(func.trim(Answer.text)) > 0,
        provider_filter(user, Response.provider_id),
    ]
    # An alias: the page's own query joins the alert table too, and must not correlate with this one.
    flagged = aliased(SafeguardingAlert)
    alert_exists = exists().where(flagged.response_id == Answer.response_id, flagged.item_id == Answer.item_id)
    if not sees_safeguarding(user):
        conditions.append(~alert_exists)
    if filters.safeguarding_only:
        conditions.append(alert_exists.where(safeguarding_filter(user, flagged.provider_id)))
    if filters.campaign_id is not None:
        conditions.append(Response.campaign_id == filters.campaign_id)
    if filters.provider_id is not None:
        conditions.append(Response.provider_id == filters.provider_id)
    if filters.question:
        conditions.append(Item.name == filters.question)
    if filters.language:
        conditions.append(Response.language == filters.language)
    if filters.search and filters.search.strip():
        conditions.append(_like_any(Answer.text, filters.search.strip()))
    return conditions


def _comment_query(user: User, filters: CommentFilters, *columns, shown: bool = True) -> Select:
    """Comments matching ``filters`` in the user's scope; ``shown``: those the small-number rule lets
    through (False: those it hides)."""
    query = (
        select(*columns)
        .select_from(Answer)
        .join(Item, Item.id == Answer.item_id)
        .join(Response, Response.id == Answer.response_id)
        .where(*_comment_conditions(user, filters))
    )
    if not sees_small_numbers(user) or not shown:
        counts = _responses_per_provider(filters)
        query = query.join(counts, and_(counts.c.campaign_id == Response.campaign_id,
                                        counts.c.provider_id == Response.provider_id))
        enough = counts.c.responses >= minimum_responses()
        query = query.where(enough if shown else ~enough)
    return query


def _columns(user: User) -> tuple:
    columns = (Answer.text, Answer.item_id, Response.submitted_on, Response.language, Response.provider_id,
               Provider.name, Campaign.name)
    if sees_safeguarding(user):
        columns += (SafeguardingAlert.id,)
    return columns


def _rows_query(user: User, filters: CommentFilters) -> Select:
    query = (
        _comment_query(user, filters, *_columns(user))
        .join(Provider, Provider.id == Response.provider_id)
        .join(Campaign, Campaign.id == Response.campaign_id)
    )
    if sees_safeguarding(user):
        query = query.outerjoin(SafeguardingAlert, and_(
            SafeguardingAlert.response_id == Answer.response_id, SafeguardingAlert.item_id == Answer.item_id,
            safeguarding_filter(user, SafeguardingAlert.provider_id)))
    return query.order_by(Response.submitted_on.desc(), Answer.response_id.desc(), Item.position)


def _comments(rows, language: str) -> list[Comment]:
    rows = list(rows)
    labels = question_labels([row[1] for row in rows], language)
    comments = []
    for row in rows:
        text, item_id, submitted_on, response_language, provider_id, provider_name, campaign_name = row[:7]
        alert_id = row[7] if len(row) > 7 else None
        parts = pieces(text)
        comments.append(Comment(submitted_on, provider_id, provider_name, campaign_name, labels.get(item_id, ""),
                                LANGUAGE_NAMES.get(response_language, response_language),
                                "".join(part.text for part in parts), parts, alert_id))
    return comments


def hidden_providers(user: User, filters: CommentFilters) -> int:
    """How many providers (per campaign) have comments here that the small-number rule hides from ``user``."""
    if sees_small_numbers(user):
        return 0
    pairs = _comment_query(user, filters, Response.campaign_id, Response.provider_id, shown=False).distinct()
    return db.session.scalar(select(func.count()).select_from(pairs.subquery())) or 0


def comments_page(user: User, filters: CommentFilters, language: str, page: int = 1,
                  per_page: int = PAGE_SIZE) -> CommentPage:
    """One page of comments, newest first, masked, within scope and the small-number rule."""
    total = db.session.scalar(
        select(func.count()).select_from(_comment_query(user, filters, Answer.response_id).subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    rows = db.session.execute(_rows_query(user, filters).limit(per_page).offset((page - 1) * per_page)).all()
    return CommentPage(_comments(rows, language), total, page, pages, hidden_providers(user, filters),
                       minimum_responses())


def all_comments(user: User, filters: CommentFilters, language: str, chunk: int = 1000) -> Iterator[Comment]:
    """Every comment the page would list (for the CSV file), a chunk at a time."""
    query = _rows_query(user, filters)
    offset = 0
    while True:
        rows = db.session.execute(query.limit(chunk).offset(offset)).all()
        yield from _comments(rows, language)
        if len(rows) < chunk:
            return
        offset += chunk


def latest_comments(user: User, provider_id: int, language: str, limit: int = LATEST,
                    campaign_id: int | None = None) -> list[Comment]:
    """The newest comments about one provider (for its scorecard), of one campaign if given, masked; empty
    when out of scope or hidden by the small-number rule."""
    filters = CommentFilters(campaign_id=campaign_id, provider_id=provider_id)
    rows = db.session.execute(_rows_query(user, filters).limit(limit)).all()
    return _comments(rows, language)


# ------------------------------------------------------------------ safeguarding alerts

@dataclass(frozen=True)
class OpenAlert:
    """What the staff dashboard and scorecard list (``survey_app.staff.services.safeguarding_alerts``)."""

    id: int
    provider_id: int
    provider_name: str
    received_on: date
    url: str


def _visible_alerts(user: User) -> Select:
    return (
        select(SafeguardingAlert, Response.submitted_on)
        .join(Response, Response.id == SafeguardingAlert.response_id)
        .where(safeguarding_filter(user, SafeguardingAlert.provider_id))
    )


def open_alerts(user: User) -> list[OpenAlert]:
    """Open safeguarding alerts this user follows up, newest first; none for a provider's own staff."""
    if not sees_safeguarding(user):
        return []
    rows = db.session.execute(
        _visible_alerts(user).where(SafeguardingAlert.status == "open")
        .options(joinedload(SafeguardingAlert.provider))
        .order_by(Response.submitted_on.desc(), SafeguardingAlert.id.desc())
    ).all()
    return [OpenAlert(alert.id, alert.provider_id, alert.provider.name, submitted_on,
                      url_for("comments.alert", alert_id=alert.id)) for alert, submitted_on in rows]


def open_alert_count(user: User) -> int:
    if not sees_safeguarding(user):
        return 0
    return db.session.scalar(
        select(func.count()).select_from(SafeguardingAlert)
        .where(SafeguardingAlert.status == "open", safeguarding_filter(user, SafeguardingAlert.provider_id))
    ) or 0


@dataclass(frozen=True)
class AlertRow:
    alert: SafeguardingAlert
    received_on: date
    terms: list[str]


@dataclass
class AlertPage:
    alerts: list[AlertRow]
    total: int
    page: int
    pages: int
    open_count: int = 0


def alerts_page(user: User, status: str | None = "open", page: int = 1, per_page: int = PAGE_SIZE) -> AlertPage:
    """Alerts this user follows up (open ones unless ``status`` says otherwise), newest first."""
    query = _visible_alerts(user)
    if status in ("open", "acknowledged"):
        query = query.where(SafeguardingAlert.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        query.options(joinedload(SafeguardingAlert.provider), joinedload(SafeguardingAlert.campaign))
        .order_by(Response.submitted_on.desc(), SafeguardingAlert.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return AlertPage([AlertRow(alert, submitted_on, [concept_label(term) for term in alert.terms])
                      for alert, submitted_on in rows], total, page, pages, open_alert_count(user))


def alert_for(user: User, alert_id: int) -> SafeguardingAlert | None:
    """The alert, if this user follows it up (None also for one that does not exist)."""
    return db.session.scalar(
        select(SafeguardingAlert).where(SafeguardingAlert.id == alert_id,
                                        safeguarding_filter(user, SafeguardingAlert.provider_id)))


@dataclass
class AlertView:
    alert: SafeguardingAlert
    received_on: date
    question: str
    language: str
    terms: list[str]
    # None when the small-number rule hides the comment from this user (the alert itself still shows).
    pieces: list[Piece] | None
    minimum: int = 5
    acknowledged_by: str | None = None

    @property
    def text_hidden(self) -> bool:
        return self.pieces is None


def alert_view(user: User, alert: SafeguardingAlert, language: str) -> AlertView:
    """The alert with its comment, masked; below administrator the comment's words are shown only when
    its provider has at least the minimum number of responses in the campaign (DESIGN §6)."""
    response = db.session.get(Response, alert.response_id)
    answer = db.session.get(Answer, (alert.response_id, alert.item_id))
    responses = db.session.scalar(
        select(func.count()).select_from(Response)
        .where(Response.campaign_id == alert.campaign_id, Response.provider_id == alert.provider_id)) or 0
    shown = sees_small_numbers(user) or responses >= minimum_responses()
    return AlertView(
        alert=alert,
        received_on=response.submitted_on,
        question=question_labels([alert.item_id], language).get(alert.item_id, ""),
        language=LANGUAGE_NAMES.get(response.language, response.language),
        terms=[concept_label(term) for term in alert.terms],
        pieces=pieces(answer.text) if shown and answer is not None else None,
        minimum=minimum_responses(),
        acknowledged_by=alert.acknowledged_by.full_name if alert.acknowledged_by else None,
    )


class AlreadyAcknowledged(Exception):
    """Someone acknowledged the alert first."""


def acknowledge(user: User, alert: SafeguardingAlert, note: str) -> SafeguardingAlert:
    """Mark the alert followed up, with what was done (the note)."""
    # One statement, so two people acknowledging at the same moment cannot both succeed.
    changed = db.session.execute(
        update(SafeguardingAlert)
        .where(SafeguardingAlert.id == alert.id, SafeguardingAlert.status == "open")
        .values(status="acknowledged", acknowledged_by_id=user.id, acknowledged_at=utcnow(), note=note.strip())
    )
    if changed.rowcount != 1:
        raise AlreadyAcknowledged()
    db.session.refresh(alert)
    return alert

