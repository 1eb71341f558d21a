"""The contract registry: the list in the user's scope, creating and editing a contract (each change in
the audit trail), and importing contracts from an XLSX or CSV file.

Import layout (the template, ``import_template``, has these columns and a sheet describing them):

====================== ======== ==========================================================================
column                 required what it holds
====================== ======== ==========================================================================
number                 yes      the contract number, unique (a number already in Sapa is refused)
title                  yes      the contract's title
funder_code            yes      code of a funder known to Sapa
provider_code          yes      code of a provider known to Sapa
region_code            no       code of the region (default: the provider's region)
standard_code          no       residential, semi_residential, home_based, temporary_stay, trafficking,
                                domestic_violence
starts_on, ends_on     yes      dates, YYYY-MM-DD (or date cells)
budget                 yes      a number ≥ 0 (a decimal point or comma, spaces between thousands allowed)
currency               yes      KZT, UAH, USD or EUR
contracted_recipients  yes      a whole number ≥ 1
services               no       service type codes separated by commas or spaces
documents              no       documents separated by ";", each "kind|number|YYYY-MM-DD" with kind one of
                                contract, amendment, act, report
target:<indicator>     no       the target of that indicator for the contract's period (e.g.
                                ``target:satisfaction_rate``)
baseline:<indicator>   no       its baseline (needs the target column too)
====================== ======== ==========================================================================

A file is checked as a whole first (dry run): every row and field with a problem is reported in the
user's language with the spreadsheet's row number; only a file without any problem is imported, all
rows in one transaction.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased, selectinload

from survey_app.access import contract_filter
from survey_app.contracts.audit import differences, record
from survey_app.contracts.services import ChangeRefused
from survey_app.extensions import db
from survey_app.intake.tables import Table
from survey_app.models import (
    Contract,
    ContractDocument,
    ContractTarget,
    Funder,
    IndicatorDefinition,
    Provider,
    Region,
    ServiceStandard,
    ServiceType,
    User,
)
from survey_app.models.contracts import CURRENCIES, DOCUMENT_KINDS

PER_PAGE = 50
DOCUMENT_LABELS = {"contract": _l("Contract"), "amendment": _l("Amendment"), "act": _l("Act of acceptance"),
                   "report": _l("Report")}


# ------------------------------------------------------------------ the list

@dataclass(frozen=True)
class ContractFilters:
    funder_code: str | None = None
    region_code: str | None = None  # an oblast or city includes its hromadas
    provider_id: int | None = None
    year: int | None = None  # contracts whose period overlaps the year


@dataclass(frozen=True)
class ContractPage:
    contracts: list[Contract]
    total: int
    page: int
    pages: int


def _filtered(query, filters: ContractFilters):
    if filters.funder_code:
        query = query.where(Contract.funder_id.in_(select(Funder.id).where(Funder.code == filters.funder_code)))
    if filters.region_code:
        parent = aliased(Region)
        query = query.where(Contract.region_id.in_(
            select(Region.id).outerjoin(parent, Region.parent_id == parent.id)
            .where(or_(Region.code == filters.region_code, parent.code == filters.region_code))))
    if filters.provider_id:
        query = query.where(Contract.provider_id == filters.provider_id)
    if filters.year:
        query = query.where(Contract.starts_on <= date(filters.year, 12, 31),
                            Contract.ends_on >= date(filters.year, 1, 1))
    return query


def visible_contracts(user: User, filters: ContractFilters) -> list[Contract]:
    """Every contract in scope matching the filters, with what the pages show, by number."""
    query = _filtered(select(Contract).where(contract_filter(user)), filters).order_by(Contract.number)
    return list(db.session.scalars(query.options(
        selectinload(Contract.funder), selectinload(Contract.provider), selectinload(Contract.region),
        selectinload(Contract.targets).selectinload(ContractTarget.indicator))))


def contracts_page(user: User, filters: ContractFilters, page: int = 1, per_page: int = PER_PAGE) -> ContractPage:
    base = _filtered(select(Contract.id).where(contract_filter(user)), filters)
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    contracts = db.session.scalars(
        _filtered(select(Contract).where(contract_filter(user)), filters)
        .options(selectinload(Contract.funder), selectinload(Contract.provider), selectinload(Contract.region))
        .order_by(Contract.starts_on.desc(), Contract.number).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return ContractPage(list(contracts), total, page, pages)


def visible_contract(user: User, contract_id: int) -> Contract | None:
    """The contract if ``user`` may see it; None for one outside the scope, exactly as for a missing one."""
    return db.session.scalar(select(Contract).where(Contract.id == contract_id, contract_filter(user)))


@dataclass(frozen=True)
class FilterChoices:
    funders: list[Funder]
    regions: list[Region]  # oblasts and cities of the contracts in scope
    providers: list[Provider]
    years: list[int]


def filter_choices(user: User) -> FilterChoices:
    """What the filters offer: only funders, regions, providers and years of contracts in scope."""
    in_scope = select(Contract.id).where(contract_filter(user))
    funders = db.session.scalars(select(Funder).where(Funder.id.in_(
        select(Contract.funder_id).where(Contract.id.in_(in_scope)))).order_by(Funder.code)).all()
    region_ids = select(Contract.region_id).where(Contract.id.in_(in_scope))
    parent = aliased(Region)
    top_ids = db.session.execute(
        select(Region.id, parent.id).outerjoin(parent, Region.parent_id == parent.id).where(Region.id.in_(region_ids))
    ).all()
    regions = db.session.scalars(select(Region).where(Region.id.in_(
        {parent_id or region_id for region_id, parent_id in top_ids})).order_by(Region.country, Region.code)).all()
    providers = db.session.scalars(select(Provider).where(Provider.id.in_(
        select(Contract.provider_id).where(Contract.id.in_(in_scope)))).order_by(Provider.name)).all()
    starts = db.session.execute(select(func.min(Contract.starts_on), func.max(Contract.ends_on))
                                .where(Contract.id.in_(in_scope))).one()
    years = list(range(starts[1].year, starts[0].year - 1, -1)) if starts[0] else []
    return FilterChoices(list(funders), list(regions), list(providers), years)


# ------------------------------------------------------------------ creating and editing

@dataclass
class ContractData:
    """A contract's fields as a form or an import row gives them."""

    number: str
    title: str
    funder: Funder
    provider: Provider
    region: Region
    standard: ServiceStandard | None
    starts_on: date
    ends_on: date
    budget: Decimal
    currency: str
    contracted_recipients: int
    services: list[ServiceType] = field(default_factory=list)
    documents: list[tuple[str, str, date]] = field(default_factory=list)  # (kind, number, dated)
    targets: list[tuple[IndicatorDefinition, float | None, float]] = field(default_factory=list)


def _documents_text(documents) -> str:
    return "; ".join(f"{kind} {number} {dated.isoformat()}" for kind, number, dated in documents)


def contract_values(contract: Contract) -> dict:
    """The contract's fields as the audit trail records them."""
    return {
        "number": contract.number, "title": contract.title,
        "funder": contract.funder.code if contract.funder else None,
        "provider": contract.provider.code if contract.provider else None,
        "region": contract.region.code if contract.region else None,
        "standard": contract.standard.code if contract.standard else None,
        "starts_on": contract.starts_on, "ends_on": contract.ends_on, "budget": contract.budget,
        "currency": contract.currency, "contracted_recipients": contract.contracted_recipients,
        "services": " ".join(sorted(service.code for service in contract.services)),
        "documents": _documents_text((d.kind, d.number, d.dated) for d in contract.documents),
    }


def number_taken(number: str, except_id: int | None = None) -> bool:
    query = select(Contract.id).where(Contract.number == number.strip())
    if except_id is not None:
        query = query.where(Contract.id != except_id)
    return db.session.scalar(query) is not None


def _apply(contract: Contract, data: ContractData) -> None:
    contract.number, contract.title = data.number.strip(), data.title.strip()
    contract.funder, contract.provider, contract.region = data.funder, data.provider, data.region
    contract.standard = data.standard
    contract.starts_on, contract.ends_on = data.starts_on, data.ends_on
    contract.budget, contract.currency = data.budget, data.currency
    contract.contracted_recipients = data.contracted_recipients
    contract.services = list(data.services)
    wanted = [(kind, number.strip(), dated) for kind, number, dated in data.documents]
    kept = {(d.kind, d.number, d.dated): d for d in contract.documents}
    contract.documents = [kept.get(key) or ContractDocument(kind=key[0], number=key[1], dated=key[2])
                          for key in dict.fromkeys(wanted)]


def create_contract(actor: User, data: ContractData) -> Contract:
    contract = Contract()
    _apply(contract, data)
    db.session.add(contract)
    for indicator, baseline, target in data.targets:
        contract.targets.append(ContractTarget(indicator=indicator, period_start=data.starts_on,
                                               period_end=data.ends_on, baseline=baseline, target=target))
    db.session.flush()
    record(actor, "create", "contract", contract=contract, subject_id=contract.id,
           changes=differences({}, contract_values(contract)))
    for row in contract.targets:
        record(actor, "create", "target", contract=contract, subject_id=row.id, indicator=row.indicator,
               period=(row.period_start, row.period_end),
               changes=differences({}, {"baseline": row.baseline, "target": row.target}))
    return contract


def update_contract(actor: User, contract: Contract, data: ContractData, reason: str) -> bool:
    """Change a contract; False when nothing differs. A change needs a reason (else ``ChangeRefused``, and
    the caller's transaction, which holds the applied values, must roll back)."""
    before = contract_values(contract)
    _apply(contract, data)
    db.session.flush()
    changes = differences(before, contract_values(contract))
    if not changes:
        return False
    if not (reason or "").strip():
        raise ChangeRefused("reason_needed")
    record(actor, "change", "contract", contract=contract, subject_id=contract.id, changes=changes,
           reason=reason)
    return True


# ------------------------------------------------------------------ reference lists for forms

def all_funders() -> list[Funder]:
    return list(db.session.scalars(select(Funder).order_by(Funder.country, Funder.code)))


def all_providers() -> list[Provider]:
    return list(db.session.scalars(select(Provider).order_by(Provider.name, Provider.code)))


def all_regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.country, Region.code)))


def all_standards() -> list[ServiceStandard]:
    return list(db.session.scalars(select(ServiceStandard).order_by(ServiceStandard.position)))


def all_service_types() -> list[ServiceType]:
    return list(db.session.scalars(select(ServiceType).order_by(ServiceType.position)))


def all_indicators() -> list[IndicatorDefinition]:
    return list(db.session.scalars(select(IndicatorDefinition).order_by(IndicatorDefinition.code)))


# ------------------------------------------------------------------ import

# The most recipients a contract holds: what its integer column stores on PostgreSQL (32 bits).
MAX_RECIPIENTS = 2**31 - 1
REQUIRED_COLUMNS = ("number", "title", "funder_code", "provider_code", "starts_on", "ends_on", "budget", "currency",
                    "contracted_recipients")
OPTIONAL_COLUMNS = ("region_code", "standard_code", "services", "documents")
COLUMN_HELP = {
    "number": _l("The contract number, unique in Sapa."),
    "title": _l("The contract's title."),
    "funder_code": _l("Code of a funder known to Sapa."),
    "provider_code": _l("Code of a provider known to Sapa."),
    "region_code": _l("Code of the region; empty: the provider's region."),
    "standard_code": _l("Service standard: residential, semi_residential, home_based, temporary_stay, "
                        "trafficking or domestic_violence; may be empty."),
    "starts_on": _l("First day of the contract, YYYY-MM-DD."),
    "ends_on": _l("Last day of the contract, YYYY-MM-DD."),
    "budget": _l("Budget, a number of at least 0."),
    "currency": _l("KZT, UAH, USD or EUR."),
    "contracted_recipients": _l("Number of recipients contracted, a whole number of at least 1."),
    "services": _l("Service type codes separated by commas, for example social_domestic, social_medical; may be "
                   "empty."),
    "documents": _l("Documents separated by semicolons, each as kind|number|YYYY-MM-DD (kind: contract, "
                    "amendment, act or report); may be empty."),
    "target:": _l("target:<indicator code> — the target of that indicator for the contract's period; "
                  "baseline:<indicator code> — its baseline. Optional columns."),
}
EXAMPLE_ROW = {
    "number": "ГСЗ-2026/101", "title": "Оказание специальных социальных услуг",
    "funder_code": "kz-abai-employment-dept",
    "provider_code": "kz-ngo-crisis-001", "region_code": "", "standard_code": "domestic_violence",
    "starts_on": "2026-01-01", "ends_on": "2026-12-31", "budget": "24500000", "currency": "KZT",
    "contracted_recipients": "60", "services": "social_psychological, social_legal",
    "documents": "contract|ГСЗ-2026/101|2026-01-15", "target:satisfaction_rate": "80",
    "baseline:satisfaction_rate": "74",
}


@dataclass(frozen=True)
class ImportProblem:
    row: int | None  # the spreadsheet's row number; None for the file as a whole
    column: str | None
    value: str
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    contracts: list[ContractData] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.contracts)

    @property
    def bad_rows(self) -> int:
        return len({problem.row for problem in self.problems if problem.row is not None})


def _parse_date(text: str) -> date | None:
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00:00", text):
        text = text[:10]  # a date cell read from a workbook
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _parse_number(text: str) -> Decimal | None:
    cleaned = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def check_import(table: Table) -> ImportReport:
    """Check every row and field of an import file; the contracts, when nothing is wrong."""
    report = ImportReport(rows=len(table.rows))
    problems = report.problems
    columns = table.columns
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    for name in missing:
        problems.append(ImportProblem(None, name, "", _("The column “%(column)s” is missing.", column=name)))
    indicators = {row.code: row for row in all_indicators()}
    target_columns = {}
    for name in columns:
        if name in REQUIRED_COLUMNS or name in OPTIONAL_COLUMNS or not name:
            continue
        prefix, _sep, code = name.partition(":")
        if prefix in ("target", "baseline") and code in indicators:
            target_columns[name] = (prefix, indicators[code])
        else:
            problems.append(ImportProblem(None, name, "", _(
                "The column “%(column)s” is not one Sapa knows. See the template for the columns.", column=name)))
    for name, (prefix, indicator) in target_columns.items():
        if prefix == "baseline" and f"target:{indicator.code}" not in target_columns:
            problems.append(ImportProblem(None, name, "", _(
                "A baseline column needs the target column of the same indicator (target:%(code)s).",
                code=indicator.code)))
    if missing:
        return report
    if not table.rows:
        problems.append(ImportProblem(None, None, "", _("The file has no contract rows under its header.")))
        return report
    funders = {row.code: row for row in all_funders()}
    providers = {row.code: row for row in all_providers()}
    regions = {row.code: row for row in all_regions()}
    standards = {row.code: row for row in all_standards()}
    services = {row.code: row for row in all_service_types()}
    seen_numbers: dict[str, int] = {}
    for row_number, cells in table.rows:
        values = dict(zip(columns, (cell.strip() for cell in cells), strict=False))
        before = len(problems)

        def problem(column, message, value=None, *, _row=row_number, _values=values):
            problems.append(ImportProblem(_row, column, _values.get(column, "") if value is None else value,
                                          message))

        for name in REQUIRED_COLUMNS:
            if not values.get(name):
                problem(name, _("This value is required."))
        number = values.get("number", "")
        if number:
            if len(number) > 60:
                problem("number", _("At most %(max)s characters.", max=60))
            elif number in seen_numbers:
                problem("number", _("The same number is on row %(row)s of the file.", row=seen_numbers[number]))
            elif number_taken(number):
                problem("number", _("A contract with this number is already in Sapa; change it on its page."))
            seen_numbers.setdefault(number, row_number)
        if len(values.get("title", "")) > 500:
            problem("title", _("At most %(max)s characters.", max=500))
        funder = funders.get(values.get("funder_code", ""))
        if values.get("funder_code") and funder is None:
            problem("funder_code", _("No funder has this code."))
        provider = providers.get(values.get("provider_code", ""))
        if values.get("provider_code") and provider is None:
            problem("provider_code", _("No provider has this code."))
        region = regions.get(values["region_code"]) if values.get("region_code") else (
            provider.region if provider else None)
        if values.get("region_code") and region is None:
            problem("region_code", _("No region has this code."))
        standard = standards.get(values["standard_code"]) if values.get("standard_code") else None
        if values.get("standard_code") and standard is None:
            problem("standard_code", _("No service standard has this code."))
        starts_on = _parse_date(values["starts_on"]) if values.get("starts_on") else None
        if values.get("starts_on") and starts_on is None:
            problem("starts_on", _("Write a date as year-month-day, for example 2026-01-01."))
        ends_on = _parse_date(values["ends_on"]) if values.get("ends_on") else None
        if values.get("ends_on") and ends_on is None:
            problem("ends_on", _("Write a date as year-month-day, for example 2026-12-31."))
        if starts_on and ends_on and ends_on < starts_on:
            problem("ends_on", _("The contract ends before it starts."))
        budget = _parse_number(values["budget"]) if values.get("budget") else None
        if values.get("budget") and (budget is None or budget < 0 or budget >= Decimal("1e14")):
            problem("budget", _("Write the budget as a number of at least 0."))
        currency = values.get("currency", "").upper()
        if values.get("currency") and currency not in CURRENCIES:
            problem("currency", _("The currency is one of %(list)s.", list=", ".join(CURRENCIES)))
        recipients_text = values.get("contracted_recipients", "")
        # ASCII digits only: str.isdigit() also takes "²", which int() refuses (a server error), and int() refuses
        # more than 4,300 digits.
        recipients = int(recipients_text) if re.fullmatch(r"[0-9]{1,12}", recipients_text) else None
        if recipients_text and (recipients is None or recipients < 1):
            problem("contracted_recipients", _("Write the number of recipients as a whole number of at least 1."))
        elif recipients is not None and recipients > MAX_RECIPIENTS:
            problem("contracted_recipients", _("The number must be at most %(max)s.", max=MAX_RECIPIENTS))
        chosen_services = []
        for code in re.split(r"[\s,;]+", values.get("services", "")):
            if not code:
                continue
            if code not in services:
                problem("services", _("No service type has the code %(code)s.", code=code))
            else:
                chosen_services.append(services[code])
        documents = []
        for entry in filter(None, (part.strip() for part in values.get("documents", "").split(";"))):
            parts = [part.strip() for part in entry.split("|")]
            dated = _parse_date(parts[2]) if len(parts) == 3 else None
            if len(parts) != 3 or parts[0] not in DOCUMENT_KINDS or not parts[1] or dated is None:
                problem("documents", _("Write each document as kind|number|YYYY-MM-DD, the kind one of %(list)s.",
                                       list=", ".join(DOCUMENT_KINDS)), value=entry)
            elif len(parts[1]) > 60:
                problem("documents", _("At most %(max)s characters.", max=60), value=entry)
            else:
                documents.append((parts[0], parts[1], dated))
        targets = []
        for name, (prefix, indicator) in target_columns.items():
            if prefix != "target":
                continue
            target_text, baseline_text = values.get(name, ""), values.get(f"baseline:{indicator.code}", "")
            target = _parse_number(target_text) if target_text else None
            baseline = _parse_number(baseline_text) if baseline_text else None
            if target_text and target is None:
                problem(name, _("Write the target as a number."))
            if baseline_text and baseline is None:
                problem(f"baseline:{indicator.code}", _("Write the baseline as a number."))
            if baseline_text and not target_text:
                problem(name, _("A baseline needs a target."))
            if target is not None:
                targets.append((indicator, float(baseline) if baseline is not None else None, float(target)))
        if len(problems) == before:
            report.contracts.append(ContractData(
                number=number, title=values["title"], funder=funder, provider=provider, region=region,
                standard=standard, starts_on=starts_on, ends_on=ends_on, budget=budget.quantize(Decimal("0.01")),
                currency=currency, contracted_recipients=recipients, services=chosen_services, documents=documents,
                targets=targets))
    if problems:
        report.contracts = []
    return report


def commit_import(actor: User, report: ImportReport) -> list[Contract]:
    """Store every contract of a checked file (all in the request's one transaction), or none."""
    if not report.ok:
        raise ValueError("Only a file checked without problems is imported.")
    created = [create_contract(actor, data) for data in report.contracts]
    report.committed = True
    return created


def import_template(language: str) -> bytes:
    """The import workbook: the header row on the first sheet, what each column holds on the second."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "contracts"
    header = [*REQUIRED_COLUMNS[:4], "region_code", "standard_code", *REQUIRED_COLUMNS[4:], "services", "documents",
              "target:satisfaction_rate", "baseline:satisfaction_rate"]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, name in enumerate(header):
        sheet.column_dimensions[sheet.cell(row=1, column=index + 1).column_letter].width = max(14, len(name) + 2)
    with force_locale(language):
        notes = workbook.create_sheet(_("Columns")[:31])
        notes.append([_("Column"), _("Required"), _("What it holds"), _("Example")])
        for cell in notes[1]:
            cell.font = Font(bold=True)
        for name in header:
            help_key = "target:" if name.startswith(("target:", "baseline:")) else name
            notes.append([name, _("yes") if name in REQUIRED_COLUMNS else _("no"), str(COLUMN_HELP[help_key]),
                          EXAMPLE_ROW.get(name, "")])
        notes.append([])
        notes.append([_("Put one contract per row on the first sheet, under its header. Sapa checks the whole "
                        "file first and reports every problem; it imports the file only when nothing is wrong, "
                        "all rows at once.")])
        notes.column_dimensions["A"].width = 28
        notes.column_dimensions["C"].width = 90
        notes.column_dimensions["D"].width = 36
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


__all__ = ["ContractData", "ContractFilters", "ImportReport", "check_import", "commit_import", "contracts_page",
           "create_contract", "filter_choices", "import_template", "update_contract", "visible_contract",
           "visible_contracts"]
