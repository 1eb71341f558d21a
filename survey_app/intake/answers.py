"""Paper keying: what an operator sees beside each field, and the comparison of two keyings."""

from __future__ import annotations

from survey_app.instruments.runtime import CompiledInstrument, Question
from survey_app.responses.validation import key_codes


def legend(instrument: CompiledInstrument, question: Question, language: str) -> list[tuple[str, str]]:
    """(code, label) for each option, as shown beside a keying field; a label that merely repeats its
    code ("7", "10 — extremely likely") is not repeated after it."""
    shown = []
    for code, option in key_codes(question):
        label = instrument.option_label(question, option, language)
        if label == code:
            label = ""
        elif label.startswith(code + " "):
            label = label[len(code):].strip()
        shown.append((code, label))
    return shown


def same_answers(first: dict, second: dict) -> bool:
    return not differing_questions(first, second)


def differing_questions(first: dict, second: dict) -> list[str]:
    """Question names whose answers differ between two keyings (an empty answer equals no answer)."""
    names = list(dict.fromkeys([*first, *second]))
    return [name for name in names if _comparable(first.get(name)) != _comparable(second.get(name))]


def _comparable(value):
    if value in (None, "", []):
        return None
    if isinstance(value, list):
        return tuple(sorted(value))
    return " ".join(str(value).split())
