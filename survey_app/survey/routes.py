"""The recipient survey: ways in, one page per question group, submission, thanks, quick exit.

Paths and page titles are deliberately neutral ("/s/…", "/q/2", "Sapa · 2 / 12"): someone reading
the browser history should not learn what was answered.
"""

from __future__ import annotations

import time

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy.exc import OperationalError

from survey_app.access import can_see_provider
from survey_app.extensions import db
from survey_app.i18n import leave_no_trace, offer_language, select_locale
from survey_app.models import OneTimeCode
from survey_app.survey import bp
from survey_app.survey.forms import answers_from, check_page, page_form, unknown_fields
from survey_app.survey.hotlines import support_for
from survey_app.survey.services import (
    CodeAlreadyUsed,
    SurveyUnavailable,
    check_one_time_code,
    discard_draft,
    find_draft,
    participant_by_link,
    save_answers,
    start_draft,
    submit,
    survey_state,
)

KIOSK_IDLE_SECONDS = 15 * 60
KIOSK_THANKS_SECONDS = 60  # time to read the helplines before the kiosk starts over
UNAVAILABLE_STATUS = {"unknown_link": 404, "closed": 410, "unknown_code": 404, "used_code": 410,
                      "expired_code": 410, "draft_missing": 410}


@bp.errorhandler(SurveyUnavailable)
def unavailable(error: SurveyUnavailable):
    if error.participant is not None:
        offer_language(error.participant.campaign.default_language)
    return render_template("survey/unavailable.html", reason=error.reason), UNAVAILABLE_STATUS[error.reason]


# ------------------------------------------------------------------ ways in

@bp.route("/s/<link_code>", methods=["GET", "POST"], endpoint="start")
def start_web(link_code: str):
    return _start(link_code, "web")


@bp.route("/k/<link_code>", methods=["GET", "POST"], endpoint="kiosk")
def start_kiosk(link_code: str):
    return _start(link_code, "kiosk")


@bp.route("/a/<link_code>", methods=["GET", "POST"], endpoint="assisted")
def start_assisted(link_code: str):
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    participant = participant_by_link(link_code)
    if current_user.role not in ("social_worker", "provider_manager", "monitor", "admin") or not can_see_provider(
        current_user, participant.provider_id
    ):
        abort(403)
    return _start(link_code, "assisted")


def _start(link_code: str, mode: str):
    participant = participant_by_link(link_code)
    offer_language(participant.campaign.default_language)
    code = _pending_code(participant)
    draft = find_draft(session.get("draft"))
    resumable = draft if draft is not None and draft.campaign_provider_id == participant.id and \
        draft.submitted_at is None and draft.answers else None
    if request.method == "POST":
        if request.form.get("action") == "continue" and resumable is not None:
            return redirect(url_for("survey.page", number=1))
        discard_draft(session.get("draft"))
        draft = start_draft(participant, mode, select_locale(), one_time_code=code)
        session["draft"] = draft.id
        session.pop("code", None)
        session.permanent = True  # the cookie lives 24 hours, like the answers it points to
        return redirect(url_for("survey.page", number=1))
    return render_template(
        "survey/start.html", participant=participant, mode=mode, resumable=resumable, code=code,
        languages=_language_order(participant.campaign.default_language),
    )


def _pending_code(participant) -> OneTimeCode | None:
    code_id = session.get("code")
    if not code_id:
        return None
    code = db.session.get(OneTimeCode, code_id)
    if code is None or code.campaign_provider_id != participant.id or code.used_on is not None:
        session.pop("code", None)
        return None
    return code


def _language_order(first: str) -> list[str]:
    """The campaign's language first (Kazakh in Kazakhstan, Ukrainian in Ukraine), then the others."""
    return [first] + [language for language in current_app.config["LANGUAGES"] if language != first]


@bp.route("/c", methods=["GET", "POST"])
def code():
    """A one-time code from a printed slip."""
    error = None
    typed = ""
    if request.method == "POST":
        typed = (request.form.get("code") or "")[:40]
        try:
            one_time_code = check_one_time_code(typed)
        except SurveyUnavailable as problem:
            error = problem.reason
            if problem.participant is not None:
                offer_language(problem.participant.campaign.default_language)
        else:
            session["code"] = one_time_code.id
            return redirect(url_for("survey.start", link_code=one_time_code.participant.link_code))
    status = 200 if error is None else 422
    # ``reason`` is what survey/_reason.html reads to say what is wrong with the code.
    return render_template("survey/code.html", error=error, reason=error, typed=typed), status


# ------------------------------------------------------------------ the questionnaire

def _current_draft():
    draft = find_draft(session.get("draft"))
    if draft is None:
        raise SurveyUnavailable("draft_missing")
    return draft


@bp.route("/q/<int:number>", methods=["GET", "POST"])
def page(number: int):
    draft = _current_draft()
    if draft.submitted_at is not None:  # a retried or doubled final submission
        return redirect(_thanks_url(draft))
    participant = draft.participant
    offer_language(draft.language)
    state = survey_state(draft)
    total = len(state.pages)
    if not 1 <= number <= total:
        return redirect(url_for("survey.page", number=min(max(number, 1), total)))
    language = select_locale()
    current = state.page(number)
    questions = state.instrument.relevant_questions(current, state.values)
    if request.method == "POST":
        if unknown_fields(request.form, questions):
            abort(400)
        form = page_form(state.instrument, questions, language, state.proxy, draft.answers, request.form)
        action = request.form.get("action", "next")
        switch_to = request.form.get("switch_lang")
        form.validate()
        if switch_to in current_app.config["LANGUAGES"] or action == "back":
            # Keep what is valid and move: nothing typed is lost by changing language or going back.
            save_answers(draft, answers_from(form, questions))
            if switch_to in current_app.config["LANGUAGES"]:
                session["lang"] = draft.language = switch_to
                return redirect(url_for("survey.page", number=number, lang=switch_to))
            return redirect(url_for("survey.page", number=number - 1) if number > 1
                            else _start_url(draft))
        valid = not form.errors and check_page(form, state.instrument, questions, language, state.values)
        save_answers(draft, answers_from(form, questions))
        draft.language = language
        if valid:
            state = survey_state(draft)  # answers can change which pages follow
            if number < len(state.pages):
                return redirect(url_for("survey.page", number=number + 1))
            return _submit(draft)
        # The request is answered 422, which database.commit_once rolls back: keep the page's valid
        # answers now, so that someone who leaves after a message loses only what was refused.
        db.session.commit()
        status = 422
    else:
        form = page_form(state.instrument, questions, language, state.proxy, draft.answers)
        status = 200
    return render_template(
        "survey/page.html", form=form, state=state, page=current, questions=questions, number=number,
        total=total, language=language, draft=draft, participant=participant,
        kiosk_idle=KIOSK_IDLE_SECONDS if draft.mode == "kiosk" else None,
    ), status


def _submit(draft):
    for attempt in range(3):
        try:
            submit(draft)
            break
        except CodeAlreadyUsed:
            db.session.rollback()
            raise SurveyUnavailable("used_code", draft.participant) from None
        except OperationalError:
            # SQLite under load: another writer held the database; the submission is idempotent.
            db.session.rollback()
            if attempt == 2:
                raise
            time.sleep(0.2 * (attempt + 1))
            draft = _current_draft()
    target = _thanks_url(draft)
    if draft.mode == "assisted":
        # The social worker's device: forget the questionnaire, keep their sign-in for the next interview.
        for key in ("draft", "code"):
            session.pop(key, None)
    else:
        session.clear()  # nothing left on the recipient's device
    return redirect(target)


def _thanks_url(draft) -> str:
    kiosk = draft.participant.link_code if draft.mode == "kiosk" else None
    assisted = draft.participant.link_code if draft.mode == "assisted" else None
    return url_for("survey.thanks", c=draft.participant.campaign.country, k=kiosk, a=assisted, lang=draft.language)


def _start_url(draft) -> str:
    endpoint = {"web": "survey.start", "kiosk": "survey.kiosk", "assisted": "survey.assisted"}[draft.mode]
    return url_for(endpoint, link_code=draft.participant.link_code)


@bp.get("/q/done")
def thanks():
    country = request.args.get("c") if request.args.get("c") in ("KZ", "UA") else None
    kiosk = request.args.get("k")
    assisted = request.args.get("a") if current_user.is_authenticated else None
    if current_user.is_authenticated:  # a social worker's device: keep the sign-in, drop the questionnaire
        for key in ("draft", "code"):
            session.pop(key, None)
    else:
        session.clear()
    leave_no_trace()
    return render_template("survey/thanks.html", support=support_for(country), kiosk=kiosk,
                           kiosk_seconds=KIOSK_THANKS_SECONDS, assisted=assisted)


# ------------------------------------------------------------------ leaving

@bp.get("/exit")
def quick_exit():
    """Leave at once for a neutral site, deleting the answers in progress and the cookie."""
    discard_draft(session.get("draft"))
    db.session.commit()
    session.clear()
    response = redirect(current_app.config["SAPA_QUICK_EXIT_URL"])
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@bp.get("/k/<link_code>/reset")
def kiosk_reset(link_code: str):
    """A kiosk left idle: forget the unfinished answers and start over for the next person."""
    discard_draft(session.get("draft"))
    session.clear()
    return redirect(url_for("survey.kiosk", link_code=link_code))
