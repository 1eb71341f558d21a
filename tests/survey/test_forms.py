"""The page forms on their own (``form.validate()``), built from the real Sapa Core."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from survey_app.instruments.runtime import compiled_instrument
from survey_app.survey.forms import answers_from, check_page, page_form, unknown_fields


@pytest.fixture
def instrument(core):
    return compiled_instrument(core)


def _form(app, instrument, page_name: str, posted: dict, language: str = "en", proxy: bool = False,
          answers: dict | None = None):
    page = next(page for page in instrument.pages if page.name == page_name)
    questions = instrument.relevant_questions(page, {"provider_setting": "day_care", "provider_standards": ""})
    form = page_form(instrument, questions, language, proxy, answers or {}, MultiDict(posted))
    return form, questions


def test_valid_answers_validate(app, instrument):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        form, questions = _form(app, instrument, "page_access", {"access_easy": "4", "access_waiting": "na"})
        assert form.validate()
        assert check_page(form, instrument, questions, "en", {})
        assert answers_from(form, questions) == {"access_easy": "4", "access_waiting": "na",
                                                 "access_place_hours": None}


@pytest.mark.parametrize("value", ["0", "6", "maybe", ""])
def test_values_off_the_scale_do_not_validate(app, instrument, value):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        form, questions = _form(app, instrument, "page_access", {"access_easy": value})
        assert not form.validate()
        assert form.errors == {"access_easy": ["Please choose one of the answers shown."]}
        assert answers_from(form, questions)["access_easy"] is None


def test_text_limits(app, instrument):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        form, _questions = _form(app, instrument, "page_comments",
                                 {"comment_good": "a" * 2001, "comment_improve": "bad \ufffd byte"})
        assert not form.validate()
        assert form.errors == {
            "comment_good": ["Please shorten your answer to 2000 characters (it has 2001)."],
            "comment_improve": ["Some characters of this answer could not be read. Please type it again."],
        }
        form, _questions = _form(app, instrument, "page_comments", {"comment_good": "  " + "a" * 2000 + "\n"})
        assert form.validate()
        assert form.comment_good.data == "a" * 2000


def test_unknown_fields(app, instrument):
    page = next(page for page in instrument.pages if page.name == "page_access")
    questions = instrument.relevant_questions(page, {})
    posted = MultiDict({"access_easy": "4", "csrf_token": "t", "action": "next", "switch_lang": "kk", "x": "1"})
    assert unknown_fields(posted, questions) == {"x"}


def test_kept_answers_fill_the_form(app, instrument):
    with app.test_request_context():
        page = next(page for page in instrument.pages if page.name == "page_access")
        questions = instrument.relevant_questions(page, {})
        form = page_form(instrument, questions, "uk", False, {"access_easy": "2"})
        assert form.access_easy.data == "2"
        assert form.access_easy.label.text == "Мені легко отримувати потрібні послуги."


def test_proxy_labels(app, instrument):
    with app.test_request_context():
        page = next(page for page in instrument.pages if page.name == "page_access")
        questions = instrument.relevant_questions(page, {})
        form = page_form(instrument, questions, "en", True, {})
        assert form.access_easy.label.text == \
            "It is easy for the person I answer for to get the services they need."
