"""Paper questionnaires and imported files become responses: batches, keyings, resolution, imports.

Every response is checked and stored by ``survey_app.responses``, so a paper or imported
questionnaire is stored exactly like one answered on the web. Services flush; the request
(or the command) commits once. Nothing here stores who a respondent is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import case, distinct, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from survey_app.access import provider_filter
from survey_app.extensions import db
from survey_app.instruments.runtime import CompiledInstrument, Question, compiled_instrument
from survey_app.intake.answers import differing_questions
from survey_app.intake.columns import (
    ColumnPlan,
    content_key,
    plan_columns,
    raw_answers,
    read_date,
    submission_key,
)
from survey_app.intake.tables import Table
from survey_app.models import (
    Campaign,
    CampaignProvider,
    PaperBatch,
    PaperEntry,
    Provider,
    Response,
    User,
)
from survey_app.models.base import LANGUAGES, today, utcnow
from survey_app.responses.store import PreparedResponse, context_values, store_responses
from survey_app.responses.validation import (
    AnswerProblem,
    FieldProblem,
    answered_questions,
    check_answers,
    read_answers,
    read_value,
)


class IntakeError(Exception):
    """What was typed or chosen cannot be stored; ``problems`` name the field and say why."""

    def __init__(self, problems: list[FieldProblem]):
        super().__init__(problems)
        self.problems = problems


# ------------------------------------------------------------------ where staff may key or import

def campaigns_for(user: User) -> list[Campaign]:
    """Campaigns in which the user may see at least one provider, the most recent first."""
    visible = select(CampaignProvider.campaign_id).where(provider_filter(user, CampaignProvider.provider_id))
    return list(db.session.scalars(
        select(Campaign).where(Campaign.id.in_(visible)).order_by(Campaign.starts_on.desc(), Campaign.code)
    ))


def campaign_by_code(code: str) -> Campaign | None:
    return db.session.scalar(select(Campaign).where(Campaign.code == code))


def participants_for(user: User, campaign: Campaign) -> list[CampaignProvider]:
    """The campaign's providers the user may see, by name."""
    return list(db.session.scalars(
        select(CampaignProvider)
        .join(Provider, CampaignProvider.provider_id == Provider.id)
        .where(CampaignProvider.campaign_id == campaign.id, provider_filter(user, CampaignProvider.provider_id))
        .options(joinedload(CampaignProvider.provider))
        .order_by(Provider.name, Provider.code)
    ))


# ------------------------------------------------------------------ storing responses

def _day(value: date) -> str:
    return format_date(value, "medium")


# ------------------------------------------------------------------ paper batches

@dataclass(frozen=True)
class BatchSummary:
    batch: PaperBatch
    counted: int
    waiting: int
    mismatched: int


def create_batch(user: User, participant: CampaignProvider, number: str, double_keying: bool,
                 collected_on: date) -> PaperBatch:
    number = " ".join(number.split())
    campaign = participant.campaign
    problems = []
    if collected_on > today():
        problems.append(FieldProblem("collected_on", _("This date is in the future.")))
    elif not campaign.starts_on <= collected_on <= campaign.ends_on:
        problems.append(FieldProblem("collected_on", _(
            "The campaign ran from %(start)s to %(end)s; the questionnaires must have been collected then.",
            start=_day(campaign.starts_on), end=_day(campaign.ends_on))))
    taken = db.session.scalar(select(PaperBatch.id).where(
        PaperBatch.campaign_provider_id == participant.id, PaperBatch.number == number))
    if taken is not None:
        problems.append(FieldProblem("number", _(
            "There is already a batch %(number)s for this provider in this campaign. Open it from the list, "
            "or give the new batch another number.", number=number)))
    if problems:
        raise IntakeError(problems)
    batch = PaperBatch(participant=participant, number=number, double_keying=double_keying,
                       collected_on=collected_on, created_by_id=user.id, created_at=utcnow())
    db.session.add(batch)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise IntakeError([FieldProblem("number", _(
            "There is already a batch %(number)s for this provider in this campaign. Open it from the list, "
            "or give the new batch another number.", number=number))]) from None
    return batch


def batches_for(user: User, limit: int = 100) -> list[BatchSummary]:
    """The most recent batches of the providers the user may see, with how far their keying has come."""
    def forms(status: str):
        return func.count(distinct(case((PaperEntry.status == status, PaperEntry.serial))))

    query = (
        select(PaperBatch, forms("counted"), forms("waiting"), forms("mismatch"))
        .join(CampaignProvider, PaperBatch.campaign_provider_id == CampaignProvider.id)
        .outerjoin(PaperEntry, PaperEntry.batch_id == PaperBatch.id)
        .where(provider_filter(user, CampaignProvider.provider_id))
        .group_by(PaperBatch.id)
        .order_by(PaperBatch.created_at.desc(), PaperBatch.id.desc())
        .limit(limit)
        .options(joinedload(PaperBatch.participant).joinedload(CampaignProvider.provider),
                 joinedload(PaperBatch.participant).joinedload(CampaignProvider.campaign))
    )
    return [BatchSummary(batch, counted, waiting, mismatched)
            for batch, counted, waiting, mismatched in db.session.execute(query).unique()]


def batch_for(user: User, batch_id: int) -> PaperBatch | None:
    """The batch, if it belongs to a provider the user may see."""
    return db.session.scalar(
        select(PaperBatch)
        .join(CampaignProvider, PaperBatch.campaign_provider_id == CampaignProvider.id)
        .where(PaperBatch.id == batch_id, provider_filter(user, CampaignProvider.provider_id))
    )


@dataclass(frozen=True)
class PaperForm:
    serial: int
    status: str  # counted, waiting or mismatch
    operators: list[str]


def paper_forms(batch: PaperBatch) -> list[PaperForm]:
    """Each paper form keyed in the batch: its state and who keyed it, never its answers."""
    entries = db.session.scalars(
        select(PaperEntry).where(PaperEntry.batch_id == batch.id)
        .options(joinedload(PaperEntry.operator)).order_by(PaperEntry.serial, PaperEntry.keying)
    )
    by_serial: dict[int, list[PaperEntry]] = {}
    for entry in entries:
        by_serial.setdefault(entry.serial, []).append(entry)
    return [
        PaperForm(serial, keyed[-1].status,
                  [entry.operator.full_name if entry.operator else "—" for entry in keyed])
        for serial, keyed in by_serial.items()
    ]


def next_serial(batch: PaperBatch, user: User) -> int:
    """The number an operator most likely keys next: after their own last form in the batch."""
    own = db.session.scalar(select(func.max(PaperEntry.serial)).where(
        PaperEntry.batch_id == batch.id, PaperEntry.operator_id == user.id))
    if own is not None:
        return own + 1
    if batch.double_keying:
        waiting = db.session.scalar(select(func.min(PaperEntry.serial)).where(
            PaperEntry.batch_id == batch.id, PaperEntry.status == "waiting"))
        return waiting or 1
    return (db.session.scalar(select(func.max(PaperEntry.serial)).where(PaperEntry.batch_id == batch.id)) or 0) + 1


@dataclass(frozen=True)
class KeyingSheet:
    """What the keying screen shows: every question this provider's questionnaire can ask."""

    batch: PaperBatch
    instrument: CompiledInstrument
    context: dict
    questions: list[Question]


def keying_sheet(batch: PaperBatch) -> KeyingSheet:
    participant = batch.participant
    instrument = compiled_instrument(participant.campaign.instrument_version)
    context = context_values(participant)
    pages = {page.name: page for page in instrument.pages}

    def could_apply(question: Question) -> bool:
        # Conditions on the provider alone are decided now; conditions on answers are checked on saving.
        for condition in pages[question.page].conditions + question.conditions:
            if condition.references() <= set(context) and not condition.is_true(context):
                return False
        return True

    return KeyingSheet(batch, instrument, context, [q for q in answered_questions(instrument) if could_apply(q)])


def read_keyed_answers(sheet: KeyingSheet, typed: dict[str, str], message_language: str
                       ) -> tuple[dict, list[FieldProblem]]:
    """The answers typed on the keying screen, read and checked by the instrument's rules."""
    answers, problems = read_answers(
        sheet.instrument, {question.name: typed.get(question.name) for question in sheet.questions}, codes=True
    )
    problems += check_answers(sheet.instrument, sheet.context, answers, message_language,
                              ignore={problem.question for problem in problems})
    return answers, problems


@dataclass(frozen=True)
class Keyed:
    serial: int
    status: str  # counted, waiting or mismatch
    repeated: bool = False  # the same keying arrived twice (a double click): nothing new stored


def key_paper_form(sheet: KeyingSheet, user: User, serial: int, language: str, typed: dict[str, str],
                   message_language: str) -> Keyed:
    """Store one keying of a paper form; a response when the form counts. Raises :class:`IntakeError`."""
    batch = sheet.batch
    answers, problems = read_keyed_answers(sheet, typed, message_language)
    earlier = list(db.session.scalars(
        select(PaperEntry).where(PaperEntry.batch_id == batch.id, PaperEntry.serial == serial)
        .order_by(PaperEntry.keying)
    ))
    mine = next((entry for entry in earlier if entry.operator_id == user.id), None)
    if mine is not None and not problems and mine.language == language and not differing_questions(
            mine.answers, answers):
        return Keyed(serial, mine.status, repeated=True)
    if not batch.double_keying and earlier:
        problems.insert(0, FieldProblem("serial", _(
            "Form %(serial)s is already keyed in this batch. Check the number written on the paper form.",
            serial=serial)))
    elif mine is not None:
        problems.insert(0, FieldProblem("serial", _(
            "You keyed form %(serial)s already. In a double-keyed batch the second keying must be done by "
            "another person.", serial=serial)))
    elif len(earlier) >= 2:
        problems.insert(0, FieldProblem("serial", _(
            "Form %(serial)s has already been keyed twice. Check the number written on the paper form.",
            serial=serial)))
    if problems:
        raise IntakeError(problems)

    entry = PaperEntry(batch_id=batch.id, serial=serial, keying=len(earlier) + 1, operator_id=user.id,
                       language=language, answers=answers, status="waiting", created_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(entry)
            if not batch.double_keying:
                _count(batch, serial, language, answers, [entry])
            elif earlier:
                first = earlier[0]
                if first.language == language and not differing_questions(first.answers, answers):
                    _count(batch, serial, language, answers, [first, entry])
                else:
                    first.status = entry.status = "mismatch"
            db.session.flush()
    except IntegrityError:
        raise IntakeError([FieldProblem("serial", _(
            "Someone saved form %(serial)s at the same moment. Open the batch to see its state, then key it "
            "again if needed.", serial=serial))]) from None
    return Keyed(serial, entry.status)


def _count(batch: PaperBatch, serial: int, language: str, answers: dict, entries: list[PaperEntry]) -> int:
    """The paper form counts: store its response and mark its keyings."""
    [response_id] = store_responses([PreparedResponse(
        participant=batch.participant, answers=answers, language=language, mode="paper",
        submitted_on=batch.collected_on, submission_key=f"paper-{batch.id}-{serial}", paper_batch=batch.number,
    )])
    for entry in entries:
        entry.status = "counted"
        entry.response_id = response_id
    db.session.flush()
    return response_id


@dataclass(frozen=True)
class Mismatch:
    """A paper form whose two keyings differ: the questions where they do, in questionnaire order."""

    sheet: KeyingSheet
    serial: int
    first: PaperEntry
    second: PaperEntry
    questions: list[Question]
    language_differs: bool

    @property
    def agreeing(self) -> int:
        return len(self.sheet.questions) - len(self.questions)


def mismatches(batch: PaperBatch) -> list[int]:
    return list(db.session.scalars(
        select(PaperEntry.serial).where(PaperEntry.batch_id == batch.id, PaperEntry.status == "mismatch")
        .distinct().order_by(PaperEntry.serial)
    ))


def mismatch_for(batch: PaperBatch, serial: int) -> Mismatch | None:
    entries = list(db.session.scalars(
        select(PaperEntry).where(PaperEntry.batch_id == batch.id, PaperEntry.serial == serial,
                                 PaperEntry.status == "mismatch").order_by(PaperEntry.keying)
        .options(selectinload(PaperEntry.operator))
    ))
    if len(entries) != 2:
        return None
    first, second = entries
    sheet = keying_sheet(batch)
    differing = set(differing_questions(first.answers, second.answers))
    order = answered_questions(sheet.instrument)
    return Mismatch(sheet, serial, first, second, [q for q in order if q.name in differing],
                    first.language != second.language)


def resolve_mismatch(mismatch: Mismatch, user: User, language_choice: str | None,
                     choices: dict[str, tuple[str | None, str]], message_language: str) -> int:
    """Store the paper form with, for each differing question, the first, the second or another value.

    ``choices``: question name → (``"first"``, ``"second"`` or ``"other"``, the other value as typed).
    Returns the response's id; raises :class:`IntakeError` naming each question still to decide.
    """
    problems = []
    answers = dict(mismatch.first.answers)
    for question in mismatch.questions:
        choice, other = choices.get(question.name, (None, ""))
        if choice is None and (other or "").strip():
            choice = "other"  # typed another value without ticking "another value" (no script needed)
        answers.pop(question.name, None)
        if choice == "first":
            value = mismatch.first.answers.get(question.name)
        elif choice == "second":
            value = mismatch.second.answers.get(question.name)
        elif choice == "other":
            try:
                value = read_value(question, other, codes=True)
            except AnswerProblem as problem:
                problems.append(FieldProblem(question.name, str(problem)))
                continue
        else:
            problems.append(FieldProblem(question.name, _("Choose the first value, the second, or type another.")))
            continue
        if value not in (None, "", []):
            answers[question.name] = value
    language = mismatch.first.language
    if mismatch.language_differs:
        if language_choice == "first":
            language = mismatch.first.language
        elif language_choice == "second":
            language = mismatch.second.language
        else:
            problems.append(FieldProblem("language", _("Choose the language of the paper form.")))
    if not problems:
        problems = check_answers(mismatch.sheet.instrument, mismatch.sheet.context, answers, message_language)
    if problems:
        raise IntakeError(problems)
    now = utcnow()
    for entry in (mismatch.first, mismatch.second):
        entry.resolved_by_id = user.id
        entry.resolved_at = now
    try:
        with db.session.begin_nested():
            return _count(mismatch.sheet.batch, mismatch.serial, language, answers, [mismatch.first, mismatch.second])
    except IntegrityError:
        raise IntakeError([FieldProblem("serial", _(
            "Someone resolved this form at the same moment. Open the batch to see its state."))]) from None


# ------------------------------------------------------------------ importing files

@dataclass(frozen=True)
class ImportProblem:
    row: int | None  # None: the file as a whole
    column: str | None
    value: str
    message: str


@dataclass
class ImportReport:
    rows: int = 0  # data rows read
    new: int = 0  # valid rows not stored before
    already: int = 0  # rows stored by an earlier import of the same submissions
    stored: int = 0  # rows stored by this import (0 in a dry run, or when anything is wrong)
    committed: bool = False
    dated_today: bool = False  # the file has no date column: responses dated the day of the import
    ignored_columns: list[str] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def bad_rows(self) -> int:
        return len({problem.row for problem in self.problems if problem.row is not None})

    @property
    def ok(self) -> bool:
        return not self.problems


def import_responses(table: Table, campaign: Campaign, *, user: User | None, provider: Provider | None,
                     language: str, commit: bool, message_language: str,
                     progress: Callable[[int], None] | None = None) -> ImportReport:
    """Check every row of an exported file; with ``commit``, store them all or, if anything is wrong, none.

    ``user``: whose access rules apply (``None`` from the command line: every provider).
    ``provider``: the provider of rows without a ``provider_code``. ``language``: of rows without a
    ``language`` column. ``progress`` is called with 1 after each row.
    """
    report = ImportReport(rows=len(table.rows))
    instrument = compiled_instrument(campaign.instrument_version)
    plan = plan_columns(instrument, table.columns)
    report.ignored_columns = plan.ignored
    report.problems += [ImportProblem(None, None, "", message) for message in plan.problems]
    if plan.provider is None and provider is None:
        report.problems.append(ImportProblem(None, None, "", _(
            "Choose the provider of these responses, or add a column “provider_code” with each row's provider.")))
    if report.problems:
        return report
    report.dated_today = plan.date is None
    checker = _RowChecker(table, plan, campaign, instrument, user, provider, language, message_language)
    stored_keys = _stored_keys(list(checker.keys.values()))
    prepared: list[PreparedResponse] = []
    for number, cells in table.rows:
        row = checker.check(number, cells)
        if not row.problems:
            stored = stored_keys.get(row.key)
            if stored is None:
                report.new += 1
                prepared.append(row.prepared)
            elif stored == (campaign.id, row.prepared.participant.provider_id):
                report.already += 1
            else:
                row.problems.append(ImportProblem(number, checker.key_column, checker.key_cell(cells), _(
                    "This submission was already imported for another campaign or provider.")))
        report.problems += row.problems
        if progress is not None:
            progress(1)
    if commit and report.ok and prepared:
        try:
            with db.session.begin_nested():
                report.stored = len(store_responses(prepared))
                db.session.flush()
        except IntegrityError:
            report.stored = 0
            report.problems.append(ImportProblem(None, None, "", _(
                "Some of these responses were stored by someone else at the same moment, so nothing was "
                "imported. Please import the file again: what is stored already will be skipped.")))
    report.committed = commit and report.ok
    return report


@dataclass
class _CheckedRow:
    key: str
    problems: list[ImportProblem]
    prepared: PreparedResponse | None = None


class _RowChecker:
    """Checks one row at a time against the instrument, the campaign and the user's access."""

    def __init__(self, table: Table, plan: ColumnPlan, campaign: Campaign, instrument: CompiledInstrument,
                 user: User | None, provider: Provider | None, language: str, message_language: str):
        self.table, self.plan, self.campaign, self.instrument = table, plan, campaign, instrument
        self.provider, self.language, self.message_language = provider, language, message_language
        self.participants = {
            participant.provider.code: participant
            for participant in db.session.scalars(
                select(CampaignProvider).where(CampaignProvider.campaign_id == campaign.id)
                .options(joinedload(CampaignProvider.provider).selectinload(Provider.standards))
            )
        }
        self.allowed = None if user is None else set(db.session.scalars(
            select(CampaignProvider.provider_id).where(CampaignProvider.campaign_id == campaign.id,
                                                       provider_filter(user, CampaignProvider.provider_id))))
        self.contexts: dict[int, dict] = {}
        self.key_column = table.columns[plan.key] if plan.key is not None else None
        self.keys = self._keys()
        self.first_row_of_key: dict[str, int] = {}

    def key_cell(self, cells: list[str]) -> str:
        return cells[self.plan.key] if self.plan.key is not None else ""

    def _provider_code(self, cells: list[str]) -> str:
        code = cells[self.plan.provider].strip() if self.plan.provider is not None else ""
        return code or (self.provider.code if self.provider is not None else "")

    def _keys(self) -> dict[int, str]:
        """Each row's submission key: the tool's identifier, or one made from the row's content."""
        keys = {}
        occurrences: Counter = Counter()
        for number, cells in self.table.rows:
            key = submission_key(self.key_cell(cells))
            if not key:
                occurrences[tuple(cells)] += 1
                key = content_key(self.campaign.code, self._provider_code(cells), cells, occurrences[tuple(cells)])
            keys[number] = key
        return keys

    def check(self, number: int, cells: list[str]) -> _CheckedRow:
        plan, columns = self.plan, self.table.columns
        row = _CheckedRow(self.keys[number], [])

        def problem(column: int | str | None, value: str, message: str) -> None:
            row.problems.append(ImportProblem(number, columns[column] if isinstance(column, int) else column,
                                              value, message))

        participant = self._participant(cells, problem)
        language = self.language
        if plan.language is not None and cells[plan.language].strip():
            language = cells[plan.language].strip().lower()
            if language not in LANGUAGES:
                problem(plan.language, cells[plan.language], _("Write one of: %(allowed)s.",
                                                               allowed=", ".join(LANGUAGES)))
        submitted_on = self._date(cells, problem)

        raw, cell_problems = raw_answers(plan, cells)
        for cell_problem in cell_problems:
            problem(cell_problem.column, cell_problem.value, cell_problem.message)
        answers, answer_problems = read_answers(self.instrument, raw, codes=False)
        if participant is not None:
            if participant.id not in self.contexts:
                self.contexts[participant.id] = context_values(participant)
            answer_problems += check_answers(self.instrument, self.contexts[participant.id], answers,
                                             self.message_language, ignore={p.question for p in answer_problems})
        for answer_problem in answer_problems:
            problem(plan.column_of(answer_problem.question), _shown(raw.get(answer_problem.question)),
                    answer_problem.message)

        if row.key in self.first_row_of_key:
            problem(plan.key, self.key_cell(cells), _("This is the same submission as row %(row)s.",
                                                      row=self.first_row_of_key[row.key]))
        self.first_row_of_key.setdefault(row.key, number)
        if not row.problems and participant is not None and submitted_on is not None:
            row.prepared = PreparedResponse(participant, answers, language, "import", submitted_on, row.key)
        return row

    def _participant(self, cells: list[str], problem) -> CampaignProvider | None:
        plan = self.plan
        typed = cells[plan.provider].strip() if plan.provider is not None else ""
        code = self._provider_code(cells)
        if not code:
            problem(plan.provider, "", _("Write the provider's code."))
            return None
        participant = self.participants.get(code)
        if participant is None:
            known = db.session.scalar(select(Provider.id).where(Provider.code == code)) is not None
            problem(plan.provider if typed else None, code,
                    _("This provider does not take part in this campaign.") if known
                    else _("There is no provider with this code."))
            return None
        if self.allowed is not None and participant.provider_id not in self.allowed:
            problem(plan.provider if typed else None, code, _("You may not import responses for this provider."))
            return None
        return participant

    def _date(self, cells: list[str], problem) -> date | None:
        plan, campaign = self.plan, self.campaign
        if plan.date is None:
            return today()
        cell = cells[plan.date].strip()
        if not cell:
            problem(plan.date, "", _("The date is missing."))
            return None
        try:
            submitted_on = read_date(cell)
        except AnswerProblem as error:
            problem(plan.date, cell, str(error))
            return None
        if submitted_on > today():
            problem(plan.date, cell, _("This date is in the future."))
            return None
        if not campaign.starts_on <= submitted_on <= campaign.ends_on:
            problem(plan.date, cell, _("This date is outside the campaign (%(start)s – %(end)s).",
                                       start=_day(campaign.starts_on), end=_day(campaign.ends_on)))
            return None
        return submitted_on


def _shown(value) -> str:
    if isinstance(value, list):
        return " ".join(value)
    return "" if value is None else str(value)


def _stored_keys(keys: list[str]) -> dict[str, tuple[int, int]]:
    """Those of ``keys`` already stored, with their response's campaign and provider."""
    found: dict[str, tuple[int, int]] = {}
    unique_keys = sorted(set(keys))
    for start in range(0, len(unique_keys), 500):
        query = select(Response.submission_key, Response.campaign_id, Response.provider_id).where(
            Response.submission_key.in_(unique_keys[start:start + 500]))
        found.update({key: (campaign_id, provider_id) for key, campaign_id, provider_id in db.session.execute(query)})
    return found
