"""Contract pages (thin views: parse the request, check access, call a service, render).

A contract outside the user's scope is answered exactly like a missing one (404). Changing a contract
or its evidence is for ``CONTRACT_EDITORS``; importing contracts and defining indicators for
``CONTRACT_ADMINISTRATORS`` (``survey_app.access``).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import replace

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from survey_app.access import CONTRACT_ADMINISTRATORS, CONTRACT_EDITORS, can_edit_contracts, roles_required
from survey_app.contracts import bp, registry, services
from survey_app.contracts.audit import contract_trail
from survey_app.contracts.charts import indicator_chart, portfolio_funnel_chart, spending_chart
from survey_app.contracts.forms import (
    CRITERION_HINTS,
    CRITERION_LABELS,
    AssessmentForm,
    ContractForm,
    DeleteForm,
    FigureForm,
    FigureValueForm,
    FilterForm,
    ImportForm,
    IndicatorForm,
    TargetForm,
    TargetValuesForm,
)
from survey_app.contracts.indicators import (
    DIRECTION_LABELS,
    KIND_LABELS,
    MIN_VERDICT_RESPONSES,
    STATUS_LABELS,
    STATUS_SYMBOLS,
    UNIT_LABELS,
    Period,
    chosen_period,
    contract_periods,
    evaluate_one,
    figure,
    interval_text,
)
from survey_app.contracts.portfolio import default_year, portfolio
from survey_app.contracts.report import REPORT_FORMATS, contract_details, method_paragraphs, report_pdf, report_xlsx
from survey_app.extensions import db
from survey_app.i18n import LANGUAGE_NAMES, select_locale
from survey_app.intake.tables import FileProblem, read_table
from survey_app.models import AdministrativeFigure, Contract, ContractTarget, IndicatorDefinition
from survey_app.models.base import LANGUAGES
from survey_app.models.monitoring import CRITERIA, SCORE_MAX
from survey_app.scores.read import minimum_responses, sees_small_numbers
from survey_app.staff.assets import plotly_style_markers, plotly_version
from survey_app.staff.charts import level_text
from survey_app.staff.services import number

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.context_processor
def contract_helpers():
    return {
        "may_edit": can_edit_contracts(current_user),
        "may_administer": getattr(current_user, "role", None) in CONTRACT_ADMINISTRATORS,
        "figure": figure, "interval_text": interval_text, "number": number, "status_labels": STATUS_LABELS,
        "status_symbols": STATUS_SYMBOLS, "direction_labels": DIRECTION_LABELS, "unit_labels": UNIT_LABELS,
        "kind_labels": KIND_LABELS, "criteria": CRITERIA, "criterion_labels": CRITERION_LABELS,
        "criterion_hints": CRITERION_HINTS, "score_max": SCORE_MAX, "minimum_responses": minimum_responses,
        "min_verdict": MIN_VERDICT_RESPONSES, "language": select_locale(), "language_names": LANGUAGE_NAMES,
        "plotly_version": plotly_version, "plotly_style_markers": plotly_style_markers, "level": level_text,
    }


def _contract_or_404(contract_id: int) -> Contract:
    contract = registry.visible_contract(current_user, contract_id)
    if contract is None:
        abort(404)
    return contract


def _period_from(form) -> Period:
    return Period(form.period_start.date, form.period_end.date)


def _to_contract(contract: Contract, period: Period | None = None, anchor: str | None = None):
    values = {"contract_id": contract.id}
    if period is not None:
        values["period"] = period.key
    return redirect(url_for("contracts.contract", **values) + (f"#{anchor}" if anchor else ""))


# ------------------------------------------------------------------ the registry

def _filters(form: FilterForm) -> registry.ContractFilters:
    return registry.ContractFilters(
        funder_code=form.funder.data or None, region_code=form.region.data or None,
        provider_id=int(form.provider.data) if (form.provider.data or "").isdigit() else None,
        year=int(form.year.data) if (form.year.data or "").isdigit() else None)


@bp.get("/")
def index():
    form = FilterForm(formdata=request.args).offer(registry.filter_choices(current_user), select_locale())
    filters = _filters(form) if form.validate() else registry.ContractFilters()
    page = registry.contracts_page(current_user, filters, request.args.get("page", 1, type=int))
    arguments = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template("contracts/index.html", form=form, page=page, arguments=arguments)


def _contract_form(form: ContractForm) -> ContractForm:
    language = select_locale()
    form.funder.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(funder.id), funder.name(language)) for funder in registry.all_funders()]
    form.provider.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(provider.id), f"{provider.name} ({provider.code})") for provider in registry.all_providers()]
    form.region.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(region.id), region.name(language)) for region in registry.all_regions()]
    form.standard.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(str(standard.id), standard.name(language)) for standard in registry.all_standards()]
    form.services.choices = [SelectChoice(str(service.id), service.name(language))
                             for service in registry.all_service_types()]
    return form


def _contract_data(form: ContractForm) -> registry.ContractData:
    lookup = {
        "funder": {str(row.id): row for row in registry.all_funders()},
        "provider": {str(row.id): row for row in registry.all_providers()},
        "region": {str(row.id): row for row in registry.all_regions()},
        "standard": {str(row.id): row for row in registry.all_standards()},
        "services": {str(row.id): row for row in registry.all_service_types()},
    }
    return registry.ContractData(
        number=form.number.data, title=form.title.data, funder=lookup["funder"][form.funder.data],
        provider=lookup["provider"][form.provider.data], region=lookup["region"][form.region.data],
        standard=lookup["standard"].get(form.standard.data or ""), starts_on=form.starts_on.date,
        ends_on=form.ends_on.date, budget=form.budget.number.quantize(registry.Decimal("0.01")),
        currency=form.currency.data, contracted_recipients=int(form.contracted_recipients.number),
        services=[lookup["services"][value] for value in form.services.data or []],
        documents=[(entry.kind.data, entry.number.data, entry.dated.date) for entry in form.documents
                   if not entry.empty])


def _rows_changed(form: ContractForm) -> bool:
    """Add or remove a document row (no script needed): the form comes back, nothing is saved."""
    if "add_document" in request.form and len(form.documents) < form.documents.max_entries:
        form.documents.append_entry()
        return True
    removed = request.form.get("remove_document", "")
    if re.fullmatch(r"[0-9]{1,4}", removed):  # a row's index (str.isdigit() also took "²", which int() refuses)
        kept = [entry.data for index, entry in enumerate(form.documents) if index != int(removed)]
        while len(form.documents):
            form.documents.pop_entry()
        for data in kept or [{}]:
            form.documents.append_entry(data)
        return True
    return False


def _number_free(form: ContractForm, contract_id: int | None) -> bool:
    if registry.number_taken(form.number.data or "", except_id=contract_id):
        form.number.errors = [*form.number.errors, _("A contract with this number is already in Sapa.")]
        return False
    return True


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*CONTRACT_EDITORS)
def new_contract():
    form = _contract_form(ContractForm())
    if request.method == "POST" and _rows_changed(form):
        return render_template("contracts/contract_form.html", form=form, contract=None)
    if not (form.validate_on_submit() and _number_free(form, None)):
        status = 422 if form.is_submitted() else 200
        return render_template("contracts/contract_form.html", form=form, contract=None), status
    contract = registry.create_contract(current_user, _contract_data(form))
    flash(_("Contract %(number)s is saved.", number=contract.number), "success")
    return _to_contract(contract)


@bp.route("/<int:contract_id>/edit", methods=["GET", "POST"])
@roles_required(*CONTRACT_EDITORS)
def edit_contract(contract_id: int):
    contract = _contract_or_404(contract_id)
    if request.method == "GET":
        form = _contract_form(ContractForm(data={
            "number": contract.number, "title": contract.title, "funder": str(contract.funder_id),
            "provider": str(contract.provider_id), "region": str(contract.region_id),
            "standard": str(contract.standard_id or ""), "starts_on": contract.starts_on,
            "ends_on": contract.ends_on, "budget": format(contract.budget, "f"), "currency": contract.currency,
            "contracted_recipients": str(contract.contracted_recipients),
            "services": [str(service.id) for service in contract.services],
            "documents": [{"kind": d.kind, "number": d.number, "dated": d.dated} for d in contract.documents] or [{}],
        }))
        return render_template("contracts/contract_form.html", form=form, contract=contract)
    form = _contract_form(ContractForm())
    if _rows_changed(form):
        return render_template("contracts/contract_form.html", form=form, contract=contract)
    if not (form.validate_on_submit() and _number_free(form, contract.id)):
        return render_template("contracts/contract_form.html", form=form, contract=contract), 422
    try:
        changed = registry.update_contract(current_user, contract, _contract_data(form), form.reason.data)
    except services.ChangeRefused as refusal:  # the request rolls back what was applied
        _refused(form, refusal, "reason")
        return render_template("contracts/contract_form.html", form=form, contract=contract), 422
    flash(_("Contract %(number)s is saved.", number=contract.number) if changed else _("Nothing was changed."),
          "success")
    return _to_contract(contract)


# ------------------------------------------------------------------ one contract

@bp.get("/<int:contract_id>")
def contract(contract_id: int):
    contract = _contract_or_404(contract_id)
    period = chosen_period(contract, request.args.get("period"))
    evaluation = evaluate_one(current_user, contract, period)
    language = select_locale()
    return render_template(
        "contracts/contract.html", contract=contract, period=period, periods=contract_periods(contract),
        evaluation=evaluation, values_chart=indicator_chart("indicators-chart", evaluation, language),
        assessment=services.assessment_of(contract, period), figures=services.figures_of(contract),
        trail=contract_trail(contract), details=contract_details(contract, language),
        method=method_paragraphs(contract, period, evaluation, language), report_languages=LANGUAGES,
    )


@bp.get("/<int:contract_id>/report.<any(pdf, xlsx):file_format>")
def report(contract_id: int, file_format: str):
    contract = _contract_or_404(contract_id)
    period = chosen_period(contract, request.args.get("period"))
    language = request.args.get("lang") if request.args.get("lang") in LANGUAGES else select_locale()
    build = report_pdf if file_format == "pdf" else report_xlsx
    data = build(current_user, contract, period, language)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", f"sapa-contract-{contract.id}-{period.key}-{language}")
    response = Response(data, mimetype=REPORT_FORMATS[file_format])
    disposition = "inline" if file_format == "pdf" else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{stem}.{file_format}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# ------------------------------------------------------------------ baselines and targets

def _indicator_choices(form, indicators) -> None:
    language = select_locale()
    form.indicator.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(row.id), row.name(language)) for row in indicators]


def _target_or_404(contract: Contract, target_id: int) -> ContractTarget:
    row = next((target for target in contract.targets if target.id == target_id), None)
    if row is None:
        abort(404)
    return row


def _refused(form, refusal: services.ChangeRefused, field: str | None = None) -> None:
    target = getattr(form, field, None) if field else None
    if target is not None:
        target.errors = [*target.errors, refusal.message]
    else:
        form.form_errors.append(refusal.message)


@bp.route("/<int:contract_id>/targets/new", methods=["GET", "POST"])
@roles_required(*CONTRACT_EDITORS)
def new_target(contract_id: int):
    contract = _contract_or_404(contract_id)
    period = chosen_period(contract, request.args.get("period"))
    form = TargetForm(data={"period_start": period.start, "period_end": period.end})
    _indicator_choices(form, registry.all_indicators())
    if form.validate_on_submit():
        indicator = db.session.get(IndicatorDefinition, int(form.indicator.data))
        try:
            row = services.add_target(current_user, contract, indicator, _period_from(form),
                                      _float(form.baseline), float(form.target.number))
        except services.ChangeRefused as refusal:
            _refused(form, refusal, "indicator" if refusal.reason == "target_exists" else "period_start")
        else:
            flash(_("The target is saved."), "success")
            return _to_contract(contract, Period(row.period_start, row.period_end), "indicators")
    status = 422 if form.is_submitted() else 200
    return render_template("contracts/target_form.html", form=form, contract=contract, row=None), status


def _float(field) -> float | None:
    return float(field.number) if field.number is not None else None


@bp.route("/<int:contract_id>/targets/<int:target_id>", methods=["GET", "POST"])
@roles_required(*CONTRACT_EDITORS)
def edit_target(contract_id: int, target_id: int):
    contract = _contract_or_404(contract_id)
    row = _target_or_404(contract, target_id)
    form = TargetValuesForm(data={"baseline": row.baseline, "target": row.target})
    if form.validate_on_submit():
        try:
            services.change_target(current_user, row, _float(form.baseline), float(form.target.number),
                                   form.reason.data)
        except services.ChangeRefused as refusal:
            _refused(form, refusal, "reason")
        else:
            flash(_("The target is saved."), "success")
            return _to_contract(contract, Period(row.period_start, row.period_end), "indicators")
    status = 422 if form.is_submitted() else 200
    return render_template("contracts/target_form.html", form=form, contract=contract, row=row), status


@bp.route("/<int:contract_id>/targets/<int:target_id>/delete", methods=["GET", "POST"])
@roles_required(*CONTRACT_EDITORS)
def delete_target(contract_id: int, target_id: int):
    contract = _contract_or_404(contract_id)
    row = _target_or_404(contract, target_id)
    form = DeleteForm()
    if form.validate_on_submit():
        period = Period(row.period_start, row.period_end)
        services.delete_target(current_user, row, form.reason.data)
        flash(_("The target is deleted; the audit trail keeps its values."), "success")
        return _to_contract(contract, period, "indicators")
    status = 422 if form.is_submitted() else 200
    what = f"{row.indicator.name(select_locale())} · {Period(row.period_start, row.period_end).label()}"
    return render_template("contracts/delete_form.html", form=form, contract=contract, what=what,
                           title=_("Delete a target")), status


# ------------------------------------------------------------------ figures entered by hand

def _figure_or_404(contract: Contract, figure_id: int) -> AdministrativeFigure:
    row = db.session.get(AdministrativeFigure, figure_id)
    if row is None or row.contract_id != contract.id:
        abort(404)
    return row


@bp.route("/<int:contract_id>/figures/new", methods=["GET", "POST"])
@roles_required(*CONTRACT_EDITORS)
def new_figure(contract_id: int):
    contract = _contract_or_404(contract_id)
    period = chosen_period(contract, request.args.get("period"))
    form = FigureForm(data={"period_start": period.start, "period_end": period.end,
                            "indicator": request.args.get("indicator", "")})
    _indicator_choices(form, services.administrative_indicators())
    if form.validate_on_submit():
        indicator = db.session.get(IndicatorDefinition, int(form.indicator.data))
        try:
            row = services.enter_figure(current_user, contract, indicator, _period_from(form),
                                        float(form.value.number))
        except services.ChangeRefused as refusal:
            _refused(form, refusal, "indicator" if refusal.reason == "figure_exists" else "period_start")
        else:
            flash(_("The figure is saved."), "success")
            return _to_contract(contract, Period(row.period_start, row.period_end), "figures")
    status = 422 if form.is_submitted() else 200
    return render_template("contracts/figure_form.html", form=form, contract=contract, row=None), status


@bp.route("/<int:contract_id>/figures/<int:figure_id>", methods=["GET", "POST"])
@roles_required(*CONTRACT_EDITORS)
def edit_figure(contract_id: int, figure_id: int):
    contract = _contract_or_404(contract_id)
    row = _figure_or_404(contract, figure_id)
    form = FigureValueForm(data={"value": row.value})
    if form.validate_on_submit():
        try:
            changed = services.change_figure(current_user, row, float(form.value.number), form.reason.data)
        except services.ChangeRefused as refusal:
            _refused(form, refusal, "reason")
        else:
            flash(_("The figure is changed; the audit trail keeps the old value.") if changed
                  else _("Nothing was changed."), "success")
            return _to_contract(contract, Period(row.period_start, row.period_end), "figures")
    status = 422 if form.is_submitted() else 200
    return render_template("contracts/figure_form.html", form=form, contract=contract, row=row), status


@bp.route("/<int:contract_id>/figures/<int:figure_id>/delete", methods=["GET", "POST"])
@roles_required(*CONTRACT_EDITORS)
def delete_figure(contract_id: int, figure_id: int):
    contract = _contract_or_404(contract_id)
    row = _figure_or_404(contract, figure_id)
    form = DeleteForm()
    if form.validate_on_submit():
        period = Period(row.period_start, row.period_end)
        services.delete_figure(current_user, row, form.reason.data)
        flash(_("The figure is deleted; the audit trail keeps its value."), "success")
        return _to_contract(contract, period, "figures")
    status = 422 if form.is_submitted() else 200
    what = (f"{row.indicator.name(select_locale())} · {Period(row.period_start, row.period_end).label()} · "
            f"{figure(row.value, row.indicator.unit)}")
    return render_template("contracts/delete_form.html", form=form, contract=contract, what=what,
                           title=_("Delete a figure")), status


# ------------------------------------------------------------------ expert assessment

@bp.route("/<int:contract_id>/assessment", methods=["GET", "POST"])
@roles_required(*CONTRACT_EDITORS)
def assessment(contract_id: int):
    contract = _contract_or_404(contract_id)
    period = chosen_period(contract, request.args.get("period"))
    row = services.assessment_of(contract, period)
    if request.method == "GET" and row is not None:
        form = AssessmentForm(data={**{f"{c}_score": row.score(c) for c in CRITERIA},
                                    **{f"{c}_reasoning": row.reasoning(c) for c in CRITERIA}})
    else:
        form = AssessmentForm()
    if form.validate_on_submit():
        try:
            services.save_assessment(current_user, contract, period,
                                     services.AssessmentInput(form.scores(), form.reasonings()), form.reason.data)
        except services.ChangeRefused as refusal:
            _refused(form, refusal, "reason" if refusal.reason == "reason_needed" else None)
        else:
            flash(_("The expert assessment is saved."), "success")
            return _to_contract(contract, period, "assessment")
    status = 422 if form.is_submitted() else 200
    evaluation = evaluate_one(current_user, contract, period)
    return render_template("contracts/assessment_form.html", form=form, contract=contract, period=period,
                           row=row, evaluation=evaluation), status


# ------------------------------------------------------------------ portfolio

@bp.get("/portfolio")
def portfolio_view():
    choices = registry.filter_choices(current_user)
    form = FilterForm(formdata=request.args).offer(choices, select_locale(), any_year=False)
    filters = _filters(form) if form.validate() else registry.ContractFilters()
    if not filters.year:
        filters = replace(filters, year=default_year(choices.years))
        form.year.data = str(filters.year)
    filters = replace(filters, provider_id=None)
    measure = request.args.get("measure", "satisfaction")
    result = portfolio(current_user, filters, measure)
    language = select_locale()
    funnel = portfolio_funnel_chart("funnel-chart", result.funnel, language) if result.funnel else None
    spending = {currency: spending_chart(f"spending-{currency.lower()}", points, currency, language)
                for currency, points in result.spending.items()}
    return render_template("contracts/portfolio.html", form=form, portfolio=result, funnel_chart=funnel,
                           spending_charts=spending, admin_view=sees_small_numbers(current_user))


# ------------------------------------------------------------------ the indicator library

@bp.get("/indicators/")
def indicators():
    return render_template("contracts/indicators.html", indicators=services.indicator_library(),
                           items={item.name: item for item in services.standard_items(select_locale())})


@bp.route("/indicators/new", methods=["GET", "POST"])
@roles_required(*CONTRACT_ADMINISTRATORS)
def new_indicator():
    form = IndicatorForm()
    items = services.standard_items(select_locale())
    form.items.choices = [SelectChoice(item.name, item.label) for item in items]
    if form.validate_on_submit():
        try:
            row = services.create_indicator(current_user, form.code.data, form.kind.data, form.items.data,
                                            form.direction.data, form.names(), form.methods(), unit=form.unit.data)
        except services.ChangeRefused as refusal:
            _refused(form, refusal, "code")
        else:
            flash(_("The indicator %(name)s is added to the library.", name=row.name(select_locale())), "success")
            return redirect(url_for("contracts.indicators") + f"#indicator-{row.code}")
    status = 422 if form.is_submitted() else 200
    return render_template("contracts/indicator_form.html", form=form), status


# ------------------------------------------------------------------ import

def _uploaded(form: ImportForm) -> tuple[bytes | None, str]:
    """The uploaded file, or the one sent back with the import button after a dry run."""
    upload = form.file.data
    if upload is not None and getattr(upload, "filename", ""):
        data, filename = upload.read(MAX_UPLOAD_BYTES + 1), upload.filename
    elif form.content.data:
        try:
            data = base64.b64decode(form.content.data, validate=True)
        except (binascii.Error, ValueError):
            data = b""
        filename = form.filename.data or ""
    else:
        form.file.errors = [*form.file.errors, _("Choose the file to import.")]
        return None, ""
    if len(data) > MAX_UPLOAD_BYTES:
        form.file.errors = [*form.file.errors, _("The file is larger than 2 MB. Split it into smaller files.")]
        return None, ""
    return data, filename[:200]


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*CONTRACT_ADMINISTRATORS)
def import_contracts():
    form = ImportForm()
    if request.method == "GET":
        return render_template("contracts/import.html", form=form, report=None)
    report, status = None, 422
    if form.validate_on_submit():
        data, filename = _uploaded(form)
        if data is not None:
            try:
                table = read_table(data)
            except FileProblem as problem:
                form.file.errors = [*form.file.errors, str(problem)]
            else:
                report = registry.check_import(table)
                if report.ok and request.form.get("action") == "commit":
                    created = registry.commit_import(current_user, report)
                    flash(ngettext("%(num)s contract from %(file)s is imported.",
                                   "%(num)s contracts from %(file)s are imported.", len(created), file=filename),
                          "success")
                    return redirect(url_for("contracts.index"))
                status = 200 if report.ok else 422
                form.content.data = base64.b64encode(data).decode("ascii")
                form.filename.data = filename
    return render_template("contracts/import.html", form=form, report=report), status


@bp.get("/import/template.xlsx")
@roles_required(*CONTRACT_ADMINISTRATORS)
def import_template():
    response = Response(registry.import_template(select_locale()), mimetype=XLSX)
    response.headers["Content-Disposition"] = 'attachment; filename="sapa-contracts-template.xlsx"'
    return response

