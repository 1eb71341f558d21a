"""Questionnaires for staff: list, import, publish, export, preview and translate instrument versions.

Administrators and evaluators may look; only administrators change anything.
"""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from survey_app.access import roles_required
from survey_app.i18n import LANGUAGE_NAMES
from survey_app.instruments import services
from survey_app.instruments.forms import ImportForm, PublishForm, TranslationUploadForm, workbook_bytes
from survey_app.instruments.xlsform import XLSFormError, export_translations, export_xlsform
from survey_app.navigation import register_section

bp = Blueprint(
    "instruments_admin", __name__, url_prefix="/staff/instruments", template_folder="templates",
    static_folder="static",
)
VIEWERS = ("admin", "evaluator")
EDITORS = ("admin",)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

register_section("instruments_admin.index", _l("Questionnaires"), VIEWERS, 50)


def _version_or_404(code: str, number: int):
    version = services.find_version(code, number)
    if version is None:
        abort(404)
    return version


def _language() -> str:
    """The interface language: instrument texts are shown in it where the version has them."""
    return get_locale().language


@bp.get("/")
@roles_required(*VIEWERS)
def index():
    return render_template(
        "instruments/index.html", instruments=services.list_instruments(current_user, _language()),
        can_edit=current_user.role in EDITORS,
    )


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*EDITORS)
def import_form():
    form = ImportForm()
    problems, error = (), None
    if form.validate_on_submit():
        try:
            result = services.import_xlsform(workbook_bytes(form))
        except XLSFormError as failure:
            problems = failure.problems
        except services.InstrumentError as failure:
            error = failure.message
        else:
            version = result.version
            messages = {
                "created": _("Version %(version)s of “%(code)s” is imported as a draft.",
                             version=version.version, code=version.instrument.code),
                "replaced": _("The draft version %(version)s of “%(code)s” is replaced by the imported form.",
                              version=version.version, code=version.instrument.code),
                "unchanged": _("Version %(version)s of “%(code)s” is already here with the same content; "
                               "nothing changed.", version=version.version, code=version.instrument.code),
            }
            flash(messages[result.outcome], "success")
            return redirect(url_for(".version", code=version.instrument.code, number=version.version))
    status = 422 if (problems or error or form.errors) else 200
    return render_template("instruments/import.html", form=form, problems=problems, error=error), status


def _render_version(version, translation_form=None, problems=(), status=200):
    return render_template(
        "instruments/version.html",
        version=version,
        summary=services.version_summary(version, _language()),
        responses=services.count_responses(version, current_user),
        can_edit=current_user.role in EDITORS,
        publish_form=PublishForm(),
        translation_form=translation_form or TranslationUploadForm(formdata=None),
        problems=problems,
    ), status


@bp.get("/<code>/<int:number>")
@roles_required(*VIEWERS)
def version(code: str, number: int):
    return _render_version(_version_or_404(code, number))


@bp.post("/<code>/<int:number>/publish")
@roles_required(*EDITORS)
def publish(code: str, number: int):
    version = _version_or_404(code, number)
    if PublishForm().validate_on_submit():
        try:
            services.publish_draft(version)
        except services.InstrumentError as failure:
            if failure.missing:
                languages = ", ".join(
                    ngettext("%(language)s (%(num)d missing)", "%(language)s (%(num)d missing)", len(keys),
                             language=LANGUAGE_NAMES[lang])
                    for lang, keys in failure.missing.items()
                )
                flash(_("This version cannot be published while texts are missing in %(languages)s. "
                        "The completeness report lists them.", languages=languages), "error")
            else:
                flash(str(failure), "error")
        else:
            flash(_("Version %(version)s is published. It can no longer change.", version=version.version),
                  "success")
    return redirect(url_for(".version", code=code, number=number))


@bp.get("/<code>/<int:number>/xlsform")
@roles_required(*VIEWERS)
def export(code: str, number: int):
    version = _version_or_404(code, number)
    workbook = export_xlsform(services.form_definition(version))
    return send_file(io.BytesIO(workbook), mimetype=XLSX, as_attachment=True,
                     download_name=f"{code}-{number}.xlsx")


@bp.get("/<code>/<int:number>/translations")
@roles_required(*VIEWERS)
def translations(code: str, number: int):
    version = _version_or_404(code, number)
    workbook = export_translations(services.form_definition(version))
    return send_file(io.BytesIO(workbook), mimetype=XLSX, as_attachment=True,
                     download_name=f"{code}-{number}-translations.xlsx")


@bp.post("/<code>/<int:number>/translations")
@roles_required(*EDITORS)
def upload_translations(code: str, number: int):
    version = _version_or_404(code, number)
    form = TranslationUploadForm()
    if not form.validate_on_submit():
        return _render_version(version, translation_form=form, status=422)
    try:
        result = services.upload_translations(version, workbook_bytes(form))
    except XLSFormError as failure:
        return _render_version(version, translation_form=form, problems=failure.problems, status=422)
    except services.InstrumentError as failure:
        flash(str(failure), "error")
        return redirect(url_for(".version", code=code, number=number))
    saved = result.version
    if result.outcome == "unchanged":
        flash(_("The workbook changes no text; nothing was saved."), "success")
    elif result.outcome == "new_draft":
        flash(_("Version %(published)s is published and cannot change, so the translations are saved as a "
                "new draft, version %(version)s.", published=number, version=saved.version), "success")
    else:
        flash(_("The translations are saved in this draft."), "success")
    return redirect(url_for(".version", code=code, number=saved.version))


@bp.get("/<code>/<int:number>/preview")
@roles_required(*VIEWERS)
def preview(code: str, number: int):
    version = _version_or_404(code, number)
    language = request.args.get("language")
    if language not in LANGUAGE_NAMES:
        language = _language()
    shown = services.preview(version, language)
    with force_locale(language):  # what the recipient reads above each page, in their language
        progress = [_("Page %(number)s of %(total)s", number=number, total=len(shown.pages))
                    for number in range(1, len(shown.pages) + 1)]
    return render_template("instruments/preview.html", version=version, preview=shown, page_progress=progress)
