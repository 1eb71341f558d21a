"""How the columns of a file exported from an XLSForm tool (KoboToolbox, ODK Central, a spreadsheet)
map onto an instrument's questions and Sapa's few extra fields.

Pure: no database. A question's column is its name, possibly behind group names
(``page_access/access_easy`` from KoboToolbox, ``page_access-access_easy`` from ODK Central); a
multiple-choice question is one column of space-separated option names, or one 0/1 column per
option (``q/option``). Metadata columns are ignored, except the submission's identifier (so the same
file imported twice stores nothing new) and its date (kept to the day, like every survey date).
Columns nobody asked for — an enumerator's name, a device id, a location — are never stored.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from survey_app.instruments.runtime import CompiledInstrument
from survey_app.responses.validation import ANSWERED_TYPES, AnswerProblem

# The submission's identifier, first found wins; "uuid:" prefixes are dropped so the same
# submission has the same key in a KoboToolbox and an ODK Central export.
KEY_COLUMNS = ("_uuid", "meta/instanceID", "meta-instanceID", "instanceID", "KEY")
# The submission's date: our own column, the server's receipt, then the device's end time.
DATE_COLUMNS = ("submitted_on", "_submission_time", "SubmissionDate", "end")
PROVIDER_COLUMN = "provider_code"
LANGUAGE_COLUMN = "language"
# Metadata of KoboToolbox and ODK exports, ignored without a word (besides any "_…" column).
METADATA_COLUMNS = {
    "start", "end", "today", "deviceid", "device_id", "username", "simserial", "subscriberid", "phonenumber",
    "audit", "__version__", "KEY", "PARENT_KEY", "SubmissionDate", "SubmitterID", "SubmitterName",
    "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits", "FormVersion",
    "instanceID", "instanceName",
}
METADATA_PREFIXES = ("_", "meta/", "meta-", "formhub/", "formhub-")
TRUE_CELLS = {"1", "true", "yes", "True", "TRUE"}
FALSE_CELLS = {"", "0", "false", "no", "False", "FALSE"}
_DATE_ISO = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")
_DATE_DOTTED = re.compile(r"\s*(\d{1,2})\.(\d{1,2})\.(\d{4})")
MAX_KEY_LENGTH = 40


@dataclass(frozen=True)
class CellProblem:
    column: str
    value: str
    message: str


@dataclass
class ColumnPlan:
    columns: list[str]
    questions: dict[str, int] = field(default_factory=dict)  # question name → column index
    option_columns: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # per select_multiple
    key: int | None = None
    date: int | None = None
    provider: int | None = None
    language: int | None = None
    ignored: list[str] = field(default_factory=list)  # columns that are neither questions nor metadata
    problems: list[str] = field(default_factory=list)  # the file cannot be imported as it is

    def column_of(self, question: str) -> str:
        """The column a question's answer came from, for a report."""
        if question in self.questions:
            return self.columns[self.questions[question]]
        split = self.option_columns.get(question)
        if split:
            return self.columns[split[0][1]].rsplit("/", 1)[0] + "/…"
        return question


def _last_name(header: str) -> str:
    """``page/sub/q`` and ``page-sub-q`` → ``q`` (question names never hold "/" or "-")."""
    return header.rsplit("/", 1)[-1].rsplit("-", 1)[-1]


def plan_columns(instrument: CompiledInstrument, columns: list[str]) -> ColumnPlan:
    plan = ColumnPlan(columns=list(columns))
    answered = {name for name, question in instrument.questions.items() if question.type in ANSWERED_TYPES}
    silent = set(instrument.questions) - answered | set(instrument.context_names)  # notes, context values
    for index, header in enumerate(columns):
        if not header:
            continue
        if header == PROVIDER_COLUMN:
            plan.provider = index
            continue
        if header == LANGUAGE_COLUMN and LANGUAGE_COLUMN not in answered:
            plan.language = index
            continue
        if header in KEY_COLUMNS:
            if plan.key is None or KEY_COLUMNS.index(header) < KEY_COLUMNS.index(columns[plan.key]):
                plan.key = index
            continue
        if header in DATE_COLUMNS:
            if plan.date is None or DATE_COLUMNS.index(header) < DATE_COLUMNS.index(columns[plan.date]):
                plan.date = index
            continue
        if header in METADATA_COLUMNS or header.startswith(METADATA_PREFIXES):
            continue
        if "/" in header:
            group_path, option = header.rsplit("/", 1)
            question = instrument.questions.get(_last_name(group_path))
            if question is not None and question.type == "select_multiple" and question.option(option):
                plan.option_columns.setdefault(question.name, []).append((option, index))
                continue
        name = _last_name(header)
        if name in answered:
            if name in plan.questions:
                plan.problems.append(_(
                    "The columns “%(first)s” and “%(second)s” both hold the answer to “%(question)s”. "
                    "Please delete one of them.", first=columns[plan.questions[name]], second=header, question=name))
            plan.questions[name] = index
        elif name not in silent:
            plan.ignored.append(header)
    if not plan.questions and not plan.option_columns:
        plan.problems.append(_(
            "None of the columns is a question of this campaign's questionnaire. Check that the file is an "
            "export of the same form and that its first row holds the question names (not their labels)."
        ))
    return plan


def raw_answers(plan: ColumnPlan, cells: list[str]) -> tuple[dict[str, object], list[CellProblem]]:
    """The row's answers as text by question name (a list for one-column-per-option choices)."""
    raw: dict[str, object] = {name: cells[index] for name, index in plan.questions.items()}
    problems = []
    for name, split in plan.option_columns.items():
        if str(raw.get(name) or "").strip():
            continue  # the space-separated column says it already
        chosen = []
        for option, index in split:
            cell = cells[index].strip()
            if cell in TRUE_CELLS:
                chosen.append(option)
            elif cell not in FALSE_CELLS:
                problems.append(CellProblem(plan.columns[index], cell, _("Write 1 (chosen) or 0 (not chosen).")))
        raw[name] = chosen
    return raw, problems


def submission_key(cell: str) -> str:
    """The identifier a tool gave the submission, as stored (``uuid:`` dropped; long ones hashed)."""
    key = cell.strip()
    if key.lower().startswith("uuid:"):
        key = key[5:]
    if len(key) > MAX_KEY_LENGTH:
        key = hashlib.sha1(key.encode()).hexdigest()
    return key


def content_key(campaign_code: str, provider_code: str, cells: list[str], occurrence: int) -> str:
    """A key for a row without an identifier: the same row of the same file gives the same key, so
    importing a file twice stores nothing new (identical rows are told apart by their occurrence)."""
    digest = hashlib.sha1("\x1f".join([campaign_code, provider_code, str(occurrence), *cells]).encode())
    return "row-" + digest.hexdigest()[:36]


def read_date(cell: str) -> date:
    """A submission date or time as exported (2026-03-15T10:22:33.123+06:00, 15.03.2026 …), to the day."""
    try:
        match = _DATE_ISO.match(cell)
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
        match = _DATE_DOTTED.match(cell)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        pass
    raise AnswerProblem(_("This is not a date. Write it like 2026-03-15."))
