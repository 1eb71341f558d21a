"""Answers that arrive as values (typed from paper, read from a file, sent as JSON), checked by the
instrument's rules.

Pure: no database. Values come out as the survey keeps them in a draft (option names, a list of
names for multiple choice, numbers as text), so ``survey_app.responses.store`` stores them like a
web response. Every message is translated and says what to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _

from survey_app.instruments.runtime import NOT_APPLICABLE, CompiledInstrument, Option, Question

ANSWERED_TYPES = ("select_one", "select_multiple", "integer", "decimal", "range", "text")
MAX_TEXT_ANSWER = 2000
# Control characters (other than tab and new lines) and the replacement character that stands for
# bytes that were not valid UTF-8: text with them was garbled on its way and is refused.
UNREADABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
LARGEST_NUMBER = 1e9
_SEPARATORS = re.compile(r"[\s,;]+")


class AnswerProblem(ValueError):
    """A value that cannot be an answer to its question; the message is translated."""


@dataclass(frozen=True)
class FieldProblem:
    question: str  # the question's name
    message: str


def answered_questions(instrument: CompiledInstrument) -> list[Question]:
    """Every question that takes an answer, in the questionnaire's order (notes left out)."""
    return [question for question in instrument.ordered_questions if question.type in ANSWERED_TYPES]


def key_codes(question: Question) -> list[tuple[str, Option]]:
    """What an operator types for each option: numeric option names as they are ("1"…"5", "0"…"10",
    "na"), otherwise the option's place in the list ("1", "2" …), with "na" kept as "na"."""
    numeric = all(option.name == NOT_APPLICABLE or _is_integer(option.name) for option in question.options)
    codes = []
    place = 0
    for option in question.options:
        if numeric or option.name == NOT_APPLICABLE:
            codes.append((option.name, option))
        else:
            place += 1
            codes.append((str(place), option))
    return codes


def _is_integer(text: str) -> bool:
    return re.fullmatch(r"-?[0-9]+", text) is not None


def read_value(question: Question, raw, *, codes: bool):
    """One answer from text; ``None`` when empty. ``codes``: options typed by their key codes
    (paper keying) as well as by name; otherwise by name only (files exported from XLSForm tools)."""
    if isinstance(raw, (list, tuple)):
        if question.type != "select_multiple":
            raise AnswerProblem(_("Only one answer is possible here."))
        tokens = [str(token).strip() for token in raw if str(token).strip()]
        text = " ".join(tokens)
    else:
        text = "" if raw is None else str(raw).strip()
        tokens = [token for token in _SEPARATORS.split(text) if token]
    if not text:
        return None
    if question.type == "select_one":
        if len(tokens) != 1:
            raise AnswerProblem(_("Only one answer is possible here. Allowed: %(allowed)s.",
                                  allowed=allowed_values(question, codes=codes)))
        return _option(question, tokens[0], codes).name
    if question.type == "select_multiple":
        chosen = {_option(question, token, codes).name for token in tokens}
        if NOT_APPLICABLE in chosen and len(chosen) > 1:
            raise AnswerProblem(_("“%(na)s” cannot be chosen together with other answers.", na=NOT_APPLICABLE))
        return [option.name for option in question.options if option.name in chosen]
    if question.type in ("integer", "decimal", "range"):
        return _number(question, text)
    return _text(text)


def allowed_values(question: Question, *, codes: bool) -> str:
    if codes:
        return ", ".join(code for code, _option in key_codes(question))
    return ", ".join(option.name for option in question.options)


def _option(question: Question, token: str, codes: bool) -> Option:
    exact = None if codes else question.option(token)
    if exact is not None:  # as sent by an app: no need to compare every option
        return exact
    folded = token.casefold()
    if codes:
        for code, option in key_codes(question):
            if code.casefold() == folded:
                return option
    for option in question.options:
        if option.name.casefold() == folded:
            return option
    # Spreadsheets turn the option "1" into the number 1.0.
    if re.fullmatch(r"-?[0-9]+\.0+", token):
        return _option(question, token.split(".")[0], codes)
    raise AnswerProblem(_("“%(value)s” is not one of the answers to this question. Allowed: %(allowed)s.",
                          value=token, allowed=allowed_values(question, codes=codes)))


def _number(question: Question, text: str) -> str:
    text = text.replace(",", ".").replace(" ", "")
    if question.type == "range":
        bounds = (question.parameters.get(key, default) for key, default in (("start", "0"), ("end", "10"),
                                                                               ("step", "1")))
        integer = all(_is_integer(bound) for bound in bounds)
    else:
        integer = question.type == "integer"
    try:
        value = float(text)
    except ValueError:
        raise AnswerProblem(_("Please enter a whole number.") if integer else _("Please enter a number.")) from None
    if value != value or abs(value) > LARGEST_NUMBER:  # NaN or too large
        raise AnswerProblem(_("This number is too large."))
    if integer:
        if not value.is_integer():
            raise AnswerProblem(_("Please enter a whole number."))
        value = int(value)
    if question.type == "range":
        start = float(question.parameters.get("start", 0))
        end = float(question.parameters.get("end", 10))
        if not min(start, end) <= value <= max(start, end):
            raise AnswerProblem(_("Please enter a number from %(start)s to %(end)s.",
                                  start=_plain(start), end=_plain(end)))
    return str(value) if integer else str(float(value))


def _plain(number: float) -> str:
    return str(int(number)) if number.is_integer() else str(number)


def _text(text: str) -> str:
    if len(text) > MAX_TEXT_ANSWER:
        raise AnswerProblem(_("The text is too long: %(length)s characters, at most %(limit)s.",
                              length=len(text), limit=MAX_TEXT_ANSWER))
    if UNREADABLE.search(text):
        raise AnswerProblem(unreadable_answer())
    return text


def unreadable_answer() -> str:
    """What an answer with characters that cannot be read (control characters, bytes that were not UTF-8) gets."""
    return _("Some characters of this answer could not be read. Please type it again.")


def read_answers(instrument: CompiledInstrument, raw: dict[str, object], *, codes: bool
                 ) -> tuple[dict[str, object], list[FieldProblem]]:
    """Every raw value read (by question name); the values that could be read and the problems."""
    answers: dict[str, object] = {}
    problems: list[FieldProblem] = []
    for name, value in raw.items():
        question = instrument.questions[name]
        try:
            read = read_value(question, value, codes=codes)
        except AnswerProblem as problem:
            problems.append(FieldProblem(name, str(problem)))
            continue
        if read is not None:
            answers[name] = read
    return answers, problems


def relevant_names(instrument: CompiledInstrument, values: dict) -> set[str]:
    """The questions a respondent with these answers (and this context) is asked."""
    return {question.name for question in instrument.shown_questions(values)}


def check_answers(instrument: CompiledInstrument, context: dict, answers: dict, language: str,
                  ignore: set[str] = frozenset(), shown: list[Question] | None = None) -> list[FieldProblem]:
    """The instrument's rules on a whole questionnaire: skip logic, required questions, constraints.

    ``ignore``: questions whose value could not be read (already reported, so a required question
    is not reported twice). ``shown``: the questions these answers are asked, if known.
    """
    values = {**context, **answers}
    relevant = ({question.name for question in shown} if shown is not None
                else relevant_names(instrument, values))
    problems = []
    for question in answered_questions(instrument):
        name = question.name
        value = answers.get(name)
        if name in ignore:
            continue
        if name not in relevant:
            if value not in (None, "", []):
                problems.append(FieldProblem(name, _(
                    "This question does not apply to this questionnaire (skip logic), so it must stay empty."
                )))
            continue
        if value in (None, "", []):
            if question.required:
                problems.append(FieldProblem(
                    name, instrument.text(f"required_message:{name}", language) or _("Please answer this question.")
                ))
            continue
        if question.constraint is not None:
            current = float(value) if question.type in ("integer", "decimal", "range") else value
            if not question.constraint.is_true({**values, name: current}, current):
                problems.append(FieldProblem(
                    name, instrument.text(f"constraint_message:{name}", language)
                    or _("This answer is not possible. Please check it.")
                ))
    return problems
