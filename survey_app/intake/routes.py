"""Intake pages (thin views: parse, check access, call a service, render)."""

from __future__ import annotations

import base64
import binascii

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from survey_app.campaigns.services import visible_campaign, visible_participant
from survey_app.database import database_integer
from survey_app.i18n import select_locale
from survey_app.intake import INTAKE_ROLES, bp
from survey_app.intake.answers import legend
from survey_app.intake.forms import QUESTION_PREFIX, BatchForm, ImportForm, keying_form
from survey_app.intake.services import (
    IntakeError,
    batch_for,
    batches_for,
    campaigns_for,
    create_batch,
    import_responses,
    key_paper_form,
    keying_sheet,
    mismatch_for,
    mismatches,
    next_serial,
    paper_forms,
    participants_for,
    read_keyed_answers,
    resolve_mismatch,
)
from survey_app.intake.tables import FileProblem, read_table
from survey_app.models.base import today

# An upload travels back to the server once more (base64) with the commit button; keep it in bounds.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


@bp.before_request
def require_intake_role():
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if current_user.role not in INTAKE_ROLES:
        abort(403)
    return None


def _chosen_campaign():
    """The campaign in the query string, else the most recent one the user may work on."""
    campaigns = campaigns_for(current_user)
    campaign_id = request.args.get("campaign", type=database_integer)
    chosen = visible_campaign(current_user, campaign_id) if campaign_id else None
    return campaigns, chosen or (campaigns[0] if campaigns else None)


# ------------------------------------------------------------------ paper batches

@bp.get("/")
def index():
    campaigns, campaign = _chosen_campaign()
    participants = participants_for(current_user, campaign) if campaign else []
    form = BatchForm(participants, formdata=None, data={"collected_on": today()})
    return _index(campaigns, campaign, form)


def _index(campaigns, campaign, form, status: int = 200):
    return render_template("intake/index.html", campaigns=campaigns, campaign=campaign, form=form,
                           batches=batches_for(current_user)), status


@bp.get("/batches")
def batches():
    """Where a language switch on a refused new batch leads: the intake page, same campaign."""
    return redirect(url_for("intake.index", **request.args))


@bp.post("/batches")
def new_batch():
    campaigns, campaign = _chosen_campaign()
    if campaign is None:
        abort(404)
    form = BatchForm(participants_for(current_user, campaign))
    if form.validate():
        participant = visible_participant(current_user, campaign.id, form.provider.data)
        if participant is None:
            abort(403)
        try:
            batch = create_batch(current_user, participant, form.number.data, form.double_keying.data,
                                 form.collected_on.data)
        except IntakeError as error:
            for problem in error.problems:
                form[problem.question].errors = list(form[problem.question].errors) + [problem.message]
        else:
            return redirect(url_for("intake.key", batch_id=batch.id))
    return _index(campaigns, campaign, form, 422)


def _batch_or_404(batch_id: int):
    batch = batch_for(current_user, batch_id)
    if batch is None:
        abort(404)
    return batch


@bp.get("/batches/<int:batch_id>")
def batch(batch_id: int):
    batch = _batch_or_404(batch_id)
    return render_template("intake/batch.html", batch=batch, forms=paper_forms(batch), mismatches=mismatches(batch))


@bp.route("/batches/<int:batch_id>/key", methods=["GET", "POST"])
def key(batch_id: int):
    batch = _batch_or_404(batch_id)
    sheet = keying_sheet(batch)
    message_language = select_locale()
    if request.method == "GET":
        language = request.args.get("language")
        if language not in current_app.config["LANGUAGES"]:
            language = batch.participant.campaign.default_language
        form = keying_form(sheet.questions, serial=next_serial(batch, current_user), language=language)
        return _keying_page(sheet, form)
    form = keying_form(sheet.questions, request.form)
    typed = form.typed_answers(sheet.questions)
    if form.validate():
        try:
            keyed = key_paper_form(sheet, current_user, form.serial.data, form.language.data, typed, message_language)
        except IntakeError as error:
            _show_problems(form, error.problems)
        else:
            flash(_keyed_message(keyed), "success" if keyed.status != "mismatch" else "error")
            return redirect(url_for("intake.key", batch_id=batch.id, language=form.language.data))
    else:
        _show_problems(form, read_keyed_answers(sheet, typed, message_language)[1])
    return _keying_page(sheet, form, 422)


def _show_problems(form, problems) -> None:
    for problem in problems:
        name = problem.question if problem.question in ("serial", "language") else QUESTION_PREFIX + problem.question
        form[name].errors = list(form[name].errors) + [problem.message]


def _keyed_message(keyed) -> str:
    if keyed.repeated:
        return _("Form %(serial)s was already saved; nothing has changed.", serial=keyed.serial)
    if keyed.status == "counted":
        return _("Form %(serial)s is saved and counted.", serial=keyed.serial)
    if keyed.status == "waiting":
        return _("Form %(serial)s is saved. It counts once another person has keyed it too.", serial=keyed.serial)
    return _("Form %(serial)s is saved, but the two keyings differ. It counts once the differences are resolved.",
             serial=keyed.serial)


def _keying_page(sheet, form, status: int = 200):
    language = select_locale()
    fields = [(number, question, form[QUESTION_PREFIX + question.name], legend(sheet.instrument, question, language))
              for number, question in enumerate(sheet.questions, start=1)]
    return render_template("intake/key.html", sheet=sheet, batch=sheet.batch, form=form, fields=fields,
                           label_language=language), status


@bp.route("/batches/<int:batch_id>/forms/<int:serial>/resolve", methods=["GET", "POST"])
def resolve(batch_id: int, serial: int):
    batch = _batch_or_404(batch_id)
    mismatch = mismatch_for(batch, serial)
    if mismatch is None:
        flash(_("Form %(serial)s has no differences waiting to be resolved.", serial=serial), "success")
        return redirect(url_for("intake.batch", batch_id=batch.id))
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        choices = {
            question.name: (request.form.get(f"choice_{question.name}"), request.form.get(f"other_{question.name}", ""))
            for question in mismatch.questions
        }
        try:
            resolve_mismatch(mismatch, current_user, request.form.get("choice_language"), choices, select_locale())
        except IntakeError as error:
            errors = {problem.question: problem.message for problem in error.problems}
            status = 422
        else:
            flash(_("Form %(serial)s is resolved and counted.", serial=serial), "success")
            return redirect(url_for("intake.batch", batch_id=batch.id))
    language = select_locale()
    legends = {question.name: legend(mismatch.sheet.instrument, question, language) for question in mismatch.questions}
    return render_template("intake/resolve.html", batch=batch, mismatch=mismatch, errors=errors,
                           label_language=language, legends=legends), status


# ------------------------------------------------------------------ importing files

@bp.route("/import", methods=["GET", "POST"])
def import_file():
    campaigns, campaign = _chosen_campaign()
    participants = participants_for(current_user, campaign) if campaign else []
    if request.method == "GET" or campaign is None:
        form = ImportForm(participants, formdata=None,
                          data={"language": campaign.default_language if campaign else None})
        return render_template("intake/import.html", campaigns=campaigns, campaign=campaign, form=form)
    form = ImportForm(participants)
    report = None
    status = 422
    if form.validate():
        data, filename = _uploaded(form)
        if data is not None:
            provider = None
            if form.provider.data:
                participant = visible_participant(current_user, campaign.id, form.provider.data)
                if participant is None:
                    abort(403)
                provider = participant.provider
            try:
                table = read_table(data)
            except FileProblem as problem:
                form.file.errors = list(form.file.errors) + [str(problem)]
            else:
                commit = request.form.get("action") == "commit"
                report = import_responses(table, campaign, user=current_user, provider=provider,
                                          language=form.language.data, commit=commit,
                                          message_language=select_locale())
                if report.committed:
                    message = ngettext("%(num)s response from %(file)s is stored.",
                                       "%(num)s responses from %(file)s are stored.", report.stored, file=filename)
                    if report.already:
                        message += " " + ngettext("%(num)s row was stored before and is skipped.",
                                                  "%(num)s rows were stored before and are skipped.", report.already)
                    flash(message, "success")
                    return redirect(url_for("intake.import_file", campaign=campaign.id))
                status = 200 if report.ok else 422
                form.content.data = base64.b64encode(data).decode("ascii")
                form.filename.data = filename
    return render_template("intake/import.html", campaigns=campaigns, campaign=campaign, form=form,
                           report=report), status


def _uploaded(form) -> tuple[bytes | None, str]:
    """The uploaded file, or the one sent back with the commit button after a dry run."""
    upload = form.file.data
    if upload is not None and getattr(upload, "filename", ""):
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        filename = upload.filename
    elif form.content.data:
        try:
            data = base64.b64decode(form.content.data, validate=True)
        except (binascii.Error, ValueError):
            data = b""
        filename = form.filename.data or ""
    else:
        form.file.errors = list(form.file.errors) + [_("Choose the file to import.")]
        return None, ""
    if len(data) > MAX_UPLOAD_BYTES:
        form.file.errors = list(form.file.errors) + [_(
            "The file is larger than 10 MB. Import it from the command line (flask import-responses), "
            "or split it into smaller files.")]
        return None, ""
    return data, filename[:200]
