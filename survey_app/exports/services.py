"""Response exports: which rows a user may take, in which columns, read in chunks so memory stays flat.

An export is planned first (:func:`plan_export`): the filters and the user's scope give a set of
responses; the small-number rule (DESIGN §6) leaves out, below administrator level, every provider
with fewer than ``SAPA_MIN_RESPONSES`` responses in the export (counted per campaign and provider,
after every filter) and every open answer; one instrument version gives the columns. The rows are
then read in chunks ordered by response id (:func:`iter_row_chunks`): one streamed query over the
responses and, per chunk, one query for their answers, pivoted to one row per response. Nothing
holds more than a chunk in memory, so the formats in :mod:`survey_app.exports.formats` can stream.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import force_locale, format_number, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, true

from survey_app.access import provider_filter
from survey_app.extensions import db
from survey_app.i18n import LANGUAGE_NAMES
from survey_app.instruments.runtime import CompiledInstrument, Question, compiled_instrument
from survey_app.models import (
    Answer,
    Campaign,
    CampaignProvider,
    InstrumentVersion,
    Provider,
    RecipientCategory,
    Region,
    Response,
    User,
)

FORMATS = ("csv", "xlsx", "sav")
EXPORT_ROLES = ("admin", "evaluator", "monitor", "provider_manager")
# Responses read per query; their answers (about 25 each) come in one query per chunk.
CHUNK_SIZE = 2000
# The last row an Excel sheet can hold, less the header.
XLSX_MAX_ROWS = 1_048_575
# pyreadstat writes a .sav only from a whole data frame (it cannot append), so a .sav export holds
# every row in memory, column by column: about 1 MB per 1,000 responses with the standard instrument
# (benchmarks/bench_export.py). Larger exports are refused with a message pointing to CSV or XLSX
# (both stream) or to a filter.
SAV_MAX_ROWS = 250_000
# A scored question's options without a score ("does not apply", "don't know") in SPSS: user-missing
# codes -1, -2, … in option order, declared as the missing range below.
SAV_MISSING_RANGE = {"lo": -99, "hi": -1}
RESERVED_SPSS_NAMES = {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}

SETTING_LABELS = {
    "residential": _l("Residential care"),
    "day_care": _l("Day care (semi-residential)"),
    "home_care": _l("Home-based care"),
    "temporary_stay": _l("Temporary stay"),
    "specialised_centre": _l("Specialised centre"),
}
MODE_LABELS = {
    "web": _l("Own device (web)"),
    "kiosk": _l("Kiosk"),
    "assisted": _l("Assisted interview"),
    "paper": _l("Paper questionnaire"),
    "import": _l("Imported"),
}


class ExportRefused(Exception):
    """An export that cannot be made as asked; the message (translated) says what to change."""


@dataclass(frozen=True)
class ExportFilters:
    campaign_id: int | None = None
    provider_id: int | None = None
    region_id: int | None = None
    submitted_from: date | None = None
    submitted_to: date | None = None


@dataclass(frozen=True)
class Variable:
    """One column: its name (valid in SPSS, the same in every format), label and value labels.

    ``kind`` is one of ``integer``, ``number``, ``date``, ``code`` (a short code such as "60_74"),
    ``text`` (free text), ``score`` (a scored question), ``flag`` (0/1 for one option of a
    question with several answers). ``unscored`` lists a scored question's options without a score
    as (option name, SPSS missing code, label).
    """

    name: str
    label: str
    kind: str
    value_labels: dict = field(default_factory=dict)
    unscored: tuple[tuple[str, int, str], ...] = ()
    measure: str = "nominal"


@dataclass(frozen=True)
class _Pivot:
    """Where each item's answer goes in a row: (kind, column index, detail) by item id."""

    by_item: dict[int, tuple[str, int, object]]
    fixed_width: int  # columns filled from the response row, before the questions
    width: int
    selects_text: bool


@dataclass(frozen=True)
class ExportPlan:
    filters: ExportFilters
    language: str
    file_format: str
    administrator: bool
    version_id: int
    campaign_codes: tuple[str, ...]
    variables: tuple[Variable, ...]
    responses: int
    providers: int
    left_out_responses: int
    left_out_providers: int
    open_answers_left_out: bool
    min_responses: int
    # Internals of the row query, fixed when the export is planned.
    where: tuple = ()
    left_out_pairs: frozenset[tuple[int, int]] = frozenset()
    last_response_id: int = 0
    pivot: _Pivot | None = None

    @property
    def names(self) -> list[str]:
        return [variable.name for variable in self.variables]


def is_administrator(user: User | None) -> bool:
    """The command line (no user) and administrators export everything; everyone else within §6."""
    return user is None or user.role == "admin"


def response_filters(user: User | None, filters: ExportFilters) -> list:
    """WHERE clauses on Response: the user's scope (survey_app.access) and the chosen filters."""
    clauses = [true() if user is None else provider_filter(user, Response.provider_id)]
    if filters.campaign_id is not None:
        clauses.append(Response.campaign_id == filters.campaign_id)
    if filters.provider_id is not None:
        clauses.append(Response.provider_id == filters.provider_id)
    if filters.region_id is not None:
        # A region includes its hromadas.
        in_region = (
            select(Provider.id)
            .join(Region, Provider.region_id == Region.id)
            .where(or_(Region.id == filters.region_id, Region.parent_id == filters.region_id))
        )
        clauses.append(Response.provider_id.in_(in_region))
    if filters.submitted_from is not None:
        clauses.append(Response.submitted_on >= filters.submitted_from)
    if filters.submitted_to is not None:
        clauses.append(Response.submitted_on <= filters.submitted_to)
    return clauses


def plan_export(user: User | None, filters: ExportFilters, language: str, file_format: str) -> ExportPlan:
    """Decide what an export holds, or raise :class:`ExportRefused` saying why it cannot be made.

    ``user`` None is the command line, with an administrator's rights.
    """
    if file_format not in FORMATS:
        raise ValueError(f"Unknown export format {file_format!r}; use one of {', '.join(FORMATS)}.")
    administrator = is_administrator(user)
    where = tuple(response_filters(user, filters))
    counts = db.session.execute(
        select(Response.campaign_id, Response.provider_id, Response.instrument_version_id,
               func.count(), func.max(Response.id))
        .where(*where)
        .group_by(Response.campaign_id, Response.provider_id, Response.instrument_version_id)
    ).all()
    if not counts:
        raise ExportRefused(_("No responses match these filters."))
    min_responses = current_app.config["SAPA_MIN_RESPONSES"]
    per_pair: dict[tuple[int, int], int] = {}
    for campaign_id, provider_id, _version, count, _last in counts:
        per_pair[campaign_id, provider_id] = per_pair.get((campaign_id, provider_id), 0) + count
    left_out_pairs = frozenset(
        pair for pair, count in per_pair.items() if not administrator and count < min_responses
    )
    kept = [row for row in counts if (row[0], row[1]) not in left_out_pairs]
    left_out_responses = sum(per_pair[pair] for pair in left_out_pairs)
    if not kept:
        raise ExportRefused(_(
            "All %(count)s matching responses come from providers with fewer than %(min)s responses "
            "in this export, so none can be shown (rule on small numbers). Widen the filters.",
            count=format_number(left_out_responses), min=min_responses,
        ))
    versions = {row[2] for row in kept}
    if len(versions) > 1:
        raise ExportRefused(_(
            "These responses answer %(count)s different versions of the questionnaire, which have different "
            "questions. Choose a campaign, so that the file has one set of columns.",
            count=len(versions),
        ))
    responses = sum(row[3] for row in kept)
    if file_format == "xlsx" and responses > XLSX_MAX_ROWS:
        raise ExportRefused(_(
            "%(count)s responses do not fit in one Excel sheet (at most %(max)s rows). Choose CSV, or narrow "
            "the export by provider, region or period.", count=format_number(responses),
            max=format_number(XLSX_MAX_ROWS),
        ))
    if file_format == "sav" and responses > SAV_MAX_ROWS:
        raise ExportRefused(_(
            "An SPSS file is made in memory and can hold at most %(max)s responses; this export has "
            "%(count)s. Choose CSV (any size) or Excel, or narrow the export by provider, region or period.",
            count=format_number(responses), max=format_number(SAV_MAX_ROWS),
        ))
    version = db.session.get(InstrumentVersion, versions.pop())
    instrument = compiled_instrument(version)
    campaign_ids = sorted({row[0] for row in kept})
    campaign_codes = tuple(db.session.scalars(
        select(Campaign.code).where(Campaign.id.in_(campaign_ids)).order_by(Campaign.starts_on, Campaign.code)
    ))
    with force_locale(language):
        variables, pivot = _layout(instrument, language, with_open_answers=administrator)
    return ExportPlan(
        filters=filters,
        language=language,
        file_format=file_format,
        administrator=administrator,
        version_id=version.id,
        campaign_codes=campaign_codes,
        variables=tuple(variables),
        responses=responses,
        providers=len({row[1] for row in kept}),
        left_out_responses=left_out_responses,
        left_out_providers=len({provider_id for _campaign, provider_id in left_out_pairs}),
        open_answers_left_out=not administrator and any(q.type == "text" for q in instrument.questions.values()),
        min_responses=min_responses,
        where=where,
        left_out_pairs=left_out_pairs,
        last_response_id=max(row[4] for row in kept),
        pivot=pivot,
    )


def export_notes(plan: ExportPlan) -> list[str]:
    """What the reader of the file must know, in the current locale (the page, the XLSX "notes" sheet)."""
    notes = [
        _("Campaigns: %(codes)s.", codes=", ".join(plan.campaign_codes)),
        _("Responses in the file: %(count)s.", count=format_number(plan.responses)),
        _("Providers in the file: %(count)s.", count=format_number(plan.providers)),
    ]
    if plan.filters.submitted_from or plan.filters.submitted_to:
        notes.append(_("Submitted from %(start)s to %(end)s.", start=plan.filters.submitted_from or "…",
                       end=plan.filters.submitted_to or "…"))
    if plan.left_out_responses:
        notes.append(ngettext(
            "Rule on small numbers: %(count)s provider with fewer than %(min)s responses in this export is left "
            "out, with its responses.",
            "Rule on small numbers: %(count)s providers with fewer than %(min)s responses in this export are left "
            "out, with their responses.",
            plan.left_out_providers, count=format_number(plan.left_out_providers), min=plan.min_responses,
        ))
        notes.append(_("Responses left out: %(count)s.", count=format_number(plan.left_out_responses)))
    if plan.open_answers_left_out:
        notes.append(_("Open answers (comments) are left out: only administrators export them."))
    notes.append(_(
        "Scored questions hold the score. An answer such as “does not apply” is written as its code "
        "(for example na) in CSV and Excel, and as a user-missing value (%(codes)s) with its label in SPSS.",
        codes="-1, -2, …",
    ))
    notes.append(_("An empty cell: the question was not asked (skip logic) or not answered."))
    notes.append(_("A question with several answers has one column per option: 1 chosen, 0 not chosen."))
    return notes


# --- Columns ---------------------------------------------------------------------------------------

def _variable_name(raw: str, taken: set[str]) -> str:
    """A name valid in SPSS (letters, digits, _ and .; a letter first; at most 64 bytes; not reserved),
    unique without regard to case, and the same in every format."""
    name = re.sub(r"[^A-Za-z0-9_.]", "_", raw).rstrip(".")
    if not name or not name[0].isalpha():
        name = f"q_{name}"
    if name.upper() in RESERVED_SPSS_NAMES:
        name = f"q_{name}"
    name = name[:64]
    candidate, number = name, 2
    while candidate.lower() in taken:
        candidate = f"{name[:60]}_{number}"
        number += 1
    taken.add(candidate.lower())
    return candidate


def _profile_question(instrument: CompiledInstrument, profile_field: str) -> Question | None:
    return next((q for q in instrument.questions.values() if q.profile_field == profile_field), None)


def _layout(instrument: CompiledInstrument, language: str, with_open_answers: bool
            ) -> tuple[list[Variable], _Pivot]:
    """The columns in the chosen language, and where each answer goes."""
    taken: set[str] = set()

    def fixed(name: str, label, kind: str, value_labels=None, measure="nominal") -> Variable:
        return Variable(_variable_name(name, taken), str(label), kind, dict(value_labels or {}), measure=measure)

    def profile(name: str, fallback, kind: str, extra_labels=None) -> Variable:
        question = _profile_question(instrument, name)
        label = instrument.label(question, language) if question else str(fallback)
        values = {}
        if question is not None:
            for option in question.options:
                if option.name == "na":
                    continue
                key = option.score if kind == "integer" else option.name
                if key is not None:
                    values[key] = instrument.option_label(question, option, language)
        for key, text in (extra_labels or {}).items():
            values.setdefault(key, text)
        return fixed(name, label, kind, values, "ordinal" if name in ("age_band", "self_rated_health") else "nominal")

    categories = {row.code: row.name(language) for row in db.session.scalars(select(RecipientCategory))}
    variables = [
        fixed("response_id", _("Response number"), "integer", measure="scale"),
        fixed("campaign", _("Campaign code"), "code"),
        fixed("wave", _("Wave"), "integer", measure="ordinal"),
        fixed("provider_code", _("Provider code"), "code"),
        fixed("provider_name", _("Provider name"), "text"),
        fixed("region_code", _("Region code"), "code"),
        fixed("setting", _("Setting"), "code", {key: str(text) for key, text in SETTING_LABELS.items()}),
        fixed("submitted_on", _("Date submitted"), "date", measure="scale"),
        fixed("language", _("Language of the answers"), "code", LANGUAGE_NAMES),
        fixed("mode", _("Mode of answering"), "code", {key: str(text) for key, text in MODE_LABELS.items()}),
        profile("age_band", _("Age band"), "code"),
        profile("sex", _("Sex"), "code"),
        profile("recipient_category", _("Recipient category"), "code", categories),
        profile("self_rated_health", _("Self-rated health"), "integer"),
        profile("assistance", _("Who answered"), "code"),
    ]
    fixed_width = len(variables)
    by_item: dict[int, tuple[str, int, object]] = {}
    selects_text = False
    for question in instrument.questions.values():
        if question.profile_field or question.type == "note":
            continue
        label = instrument.label(question, language)
        index = len(variables)
        if question.type == "select_one" and question.scored:
            scored = {o.score: instrument.option_label(question, o, language)
                      for o in question.options if o.score is not None}
            unscored = tuple(
                (o.name, -number, instrument.option_label(question, o, language))
                for number, o in enumerate((o for o in question.options if o.score is None), start=1)
            )
            variables.append(Variable(_variable_name(question.name, taken), label, "score", scored, unscored,
                                      measure="ordinal"))
            by_item[question.id] = ("score", index, {name: (name, code) for name, code, _label in unscored})
        elif question.type == "select_one":
            values = {o.name: instrument.option_label(question, o, language) for o in question.options}
            variables.append(Variable(_variable_name(question.name, taken), label, "code", values))
            by_item[question.id] = ("choice", index, None)
        elif question.type == "select_multiple":
            offsets = {}
            for offset, option in enumerate(question.options):
                option_label = instrument.option_label(question, option, language)
                variables.append(Variable(
                    _variable_name(f"{question.name}_{option.name}", taken), f"{label}: {option_label}", "flag",
                    {0: _("not chosen"), 1: _("chosen")},
                ))
                offsets[option.name] = offset
            by_item[question.id] = ("multiple", index, offsets)
        elif question.type in ("integer", "decimal", "range"):
            kind = "integer" if question.type == "integer" else "number"
            variables.append(Variable(_variable_name(question.name, taken), label, kind, measure="scale"))
            by_item[question.id] = ("number", index, kind == "integer")
        elif question.type == "text":
            if not with_open_answers:
                continue
            variables.append(Variable(_variable_name(question.name, taken), label, "text"))
            by_item[question.id] = ("text", index, None)
            selects_text = True
    return variables, _Pivot(by_item, fixed_width, len(variables), selects_text)


# --- Rows ------------------------------------------------------------------------------------------

def iter_row_chunks(plan: ExportPlan, unscored_as: str = "name") -> Iterator[list[list]]:
    """The export's rows, one list of values per response, in chunks of at most ``CHUNK_SIZE``.

    ``unscored_as`` says how a scored question's unscored option ("na") is written: ``"name"``
    (the option name, for CSV and Excel) or ``"code"`` (its negative SPSS missing code).
    Responses are read in id order by one streamed query (``yield_per``); the answers of each
    chunk come from one query on the answer table's primary key and are pivoted here.
    """
    pivot = plan.pivot
    providers, campaigns, categories = _lookups(plan)
    unscored_index = 0 if unscored_as == "name" else 1
    answer_columns = [Answer.response_id, Answer.item_id, Answer.choice, Answer.score, Answer.number]
    if pivot.selects_text:
        answer_columns.append(Answer.text)
    # Core, not the ORM: these are plain rows, and the ORM's per-row work would double the time.
    connection = db.session.connection()
    responses = connection.execute(
        select(Response.id, Response.campaign_id, Response.provider_id, Response.submitted_on, Response.language,
               Response.mode, Response.age_band, Response.sex, Response.recipient_category_id,
               Response.self_rated_health, Response.assistance)
        .where(*plan.where, Response.id <= plan.last_response_id)
        .order_by(Response.id)
        .execution_options(yield_per=CHUNK_SIZE)
    )
    blank = [None] * (pivot.width - pivot.fixed_width)
    by_item = pivot.by_item
    left_out = plan.left_out_pairs
    try:
        for partition in responses.partitions():
            rows: dict[int, list] = {}
            for (response_id, campaign_id, provider_id, submitted_on, language, mode, age_band, sex, category_id,
                 health, assistance) in partition:
                if left_out and (campaign_id, provider_id) in left_out:
                    continue
                campaign_code, wave = campaigns[campaign_id]
                provider_code, provider_name, region_code, setting = providers[provider_id]
                rows[response_id] = [
                    response_id, campaign_code, wave, provider_code, provider_name, region_code, setting, submitted_on,
                    language, mode, age_band, sex, categories.get(category_id), health, assistance, *blank,
                ]
            if not rows:
                continue
            answers = _driver_rows(connection, select(*answer_columns).where(Answer.response_id.in_(list(rows))))
            _place_answers(rows, answers, by_item, unscored_index)
            yield list(rows.values())
    finally:
        # Also when the reader stops early (a download cut off): a server-side cursor must not linger.
        responses.close()


def _place_answers(rows: dict[int, list], answers: list[tuple], by_item: dict, unscored_index: int) -> None:
    """Pivot: each answer (response id, item id, choice, score, number[, text]) into its column(s)."""
    for answer in answers:
        placement = by_item.get(answer[1])
        if placement is None:
            continue
        kind, index, detail = placement
        row = rows[answer[0]]
        if kind == "score":
            score = answer[3]
            if score is not None:
                row[index] = score
            elif answer[2] in detail:
                row[index] = detail[answer[2]][unscored_index]
        elif kind == "number":
            number = answer[4]
            row[index] = int(number) if detail and number is not None else number
        elif kind == "choice":
            row[index] = answer[2]
        elif kind == "multiple":
            row[index:index + len(detail)] = [0] * len(detail)
            for chosen in (answer[2] or "").split():
                if chosen in detail:
                    row[index + detail[chosen]] = 1
        else:
            row[index] = answer[5]


def _driver_rows(connection, statement) -> list[tuple]:
    """All rows of ``statement`` as the driver gives them: plain tuples.

    The answers are most of an export's work (about 25 rows per response) and SQLAlchemy's Row
    objects cost several times the fetch itself; the statement's only parameters are response ids
    (integers from the database), written into the SQL.
    """
    sql = str(statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def _lookups(plan: ExportPlan) -> tuple[dict, dict, dict]:
    """Provider, campaign and category details by id, for the few hundred rows each table has in play."""
    provider_ids = select(CampaignProvider.provider_id).join(
        Campaign, CampaignProvider.campaign_id == Campaign.id
    ).where(Campaign.code.in_(plan.campaign_codes))
    providers = {
        row[0]: tuple(row[1:])
        for row in db.session.execute(
            select(Provider.id, Provider.code, Provider.name, Region.code, Provider.setting)
            .join(Region, Provider.region_id == Region.id)
            .where(Provider.id.in_(provider_ids))
        )
    }
    campaigns = {
        row[0]: (row[1], row[2])
        for row in db.session.execute(
            select(Campaign.id, Campaign.code, Campaign.wave).where(Campaign.code.in_(plan.campaign_codes))
        )
    }
    categories = dict(db.session.execute(select(RecipientCategory.id, RecipientCategory.code)).all())
    return providers, campaigns, categories


# --- What the form offers --------------------------------------------------------------------------

def campaign_choices(user: User) -> list[Campaign]:
    """Campaigns with at least one provider the user may see, newest first."""
    return list(db.session.scalars(
        select(Campaign)
        .where(Campaign.id.in_(select(CampaignProvider.campaign_id)
                               .where(provider_filter(user, CampaignProvider.provider_id))))
        .order_by(Campaign.starts_on.desc(), Campaign.code)
    ))


def provider_choices(user: User) -> list[Provider]:
    return list(db.session.scalars(select(Provider).where(provider_filter(user)).order_by(Provider.name,
                                                                                         Provider.code)))


def region_choices(user: User, language: str) -> list[Region]:
    """Regions holding a provider the user may see, and the oblasts around such hromadas, by name."""
    in_scope = select(Provider.region_id).where(provider_filter(user))
    parents = select(Region.parent_id).where(Region.id.in_(in_scope), Region.parent_id.is_not(None))
    regions = db.session.scalars(select(Region).where(or_(Region.id.in_(in_scope), Region.id.in_(parents))))
    return sorted(regions, key=lambda region: (region.country, region.name(language)))


def find_campaign(code: str) -> Campaign | None:
    return db.session.scalar(select(Campaign).where(Campaign.code == code))


def find_provider(code: str) -> Provider | None:
    return db.session.scalar(select(Provider).where(Provider.code == code))


def find_region(code: str) -> Region | None:
    return db.session.scalar(select(Region).where(Region.code == code))
