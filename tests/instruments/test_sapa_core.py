"""The standard instrument Sapa Core: structure (DESIGN §5), scales from the glossary, and text hygiene."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from survey_app.instruments.expressions import parse
from survey_app.instruments.xlsform import LANGUAGES, parse_xlsform

SAPA_CORE = Path(__file__).resolve().parents[2] / "survey_app" / "instruments" / "forms" / "sapa_core.xlsx"
CORE_DIMENSIONS = ("access", "respect", "competence", "information", "coordination", "outcomes", "safety")
MODULE_DIMENSIONS = ("living", "home_visits", "victim_support")

# context/glossary.md, five-point agreement scale (binding wording).
GLOSSARY_AGREE5 = {
    "en": ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree",
           "Does not apply / don't know"],
    "ru": ["Совершенно не согласен(-на)", "Не согласен(-на)", "Ни да, ни нет", "Согласен(-на)",
           "Полностью согласен(-на)", "Не относится ко мне / затрудняюсь ответить"],
    "kk": ["Мүлдем келіспеймін", "Келіспеймін", "Келісемін де, келіспеймін де", "Келісемін",
           "Толығымен келісемін", "Маған қатысты емес / жауап беру қиын"],
    "uk": ["Зовсім не згоден(-на)", "Не згоден(-на)", "Ні так, ні ні", "Згоден(-на)", "Повністю згоден(-на)",
           "Не стосується мене / важко відповісти"],
}


@pytest.fixture(scope="module")
def core():
    return parse_xlsform(SAPA_CORE)


def test_settings(core):
    assert core.form_id == "sapa_core"
    assert core.version == 2026112301
    assert core.default_language == "ru"
    assert core.languages == LANGUAGES


def test_dimensions(core):
    assert core.dimensions == CORE_DIMENSIONS + MODULE_DIMENSIONS
    counts = Counter(item.dimension for item in core.items if item.dimension)
    assert {code: counts[code] for code in CORE_DIMENSIONS} == {
        "access": 3, "respect": 3, "competence": 2, "information": 3, "coordination": 2, "outcomes": 3,
        "safety": 2,
    }
    assert {code: counts[code] for code in MODULE_DIMENSIONS} == {"living": 3, "home_visits": 2,
                                                                   "victim_support": 3}


def test_exactly_one_reverse_item(core):
    reversed_items = [item for item in core.items if item.reverse]
    assert [(item.name, item.dimension) for item in reversed_items] == [
        ("coordination_repeat", "coordination")
    ]


def test_dimension_items_are_agreement_statements_with_proxy_wording(core):
    for item in core.items:
        if item.dimension:
            assert (item.type, item.list_name) == ("select_one", "agree5"), item.name
            for language in LANGUAGES:
                proxy = core.text(f"proxy_label:{item.name}", language)
                assert proxy and proxy != core.text(f"label:{item.name}", language), (item.name, language)


def test_agreement_scale_uses_the_glossary_wording(core):
    assert [choice.name for choice in core.choice_lists["agree5"]] == ["1", "2", "3", "4", "5", "na"]
    assert [choice.score for choice in core.choice_lists["agree5"]] == [1, 2, 3, 4, 5, None]
    for language, labels in GLOSSARY_AGREE5.items():
        assert [core.text(f"choice:agree5:{c.name}", language) for c in core.choice_lists["agree5"]] == labels


def test_other_scales(core):
    assert [c.name for c in core.choice_lists["satisfied5"]] == ["1", "2", "3", "4", "5", "na"]
    assert core.text("choice:satisfied5:1", "en") == "Very dissatisfied"
    assert core.text("choice:satisfied5:5", "en") == "Very satisfied"
    assert [c.score for c in core.choice_lists["nps11"]] == [*range(11), None]
    assert core.text("choice:nps11:0", "en") == "0 — not at all likely"
    assert core.text("choice:nps11:10", "en") == "10 — extremely likely"
    assert [c.name for c in core.choice_lists["assistance"]] == ["self", "helped", "proxy"]
    assert [c.name for c in core.choice_lists["health5"]] == ["1", "2", "3", "4", "5", "na"]
    assert core.text("choice:health5:1", "en") == "Poor"
    assert core.text("choice:health5:5", "en") == "Excellent"


def test_page_order_and_pages(core):
    top_groups = [item.name for item in core.items if item.type == "begin_group" and item.group is None]
    assert top_groups == [
        "page_about", "page_access", "page_respect", "page_competence", "page_information",
        "page_coordination", "page_outcomes", "page_safety", "module_residential", "module_home_care",
        "module_victim_support", "page_overall", "page_comments", "page_profile",
    ]
    for item in core.items:
        if item.type == "begin_group":
            assert item.appearance == "field-list"
        elif item.type == "calculate":
            assert item.group is None
        else:
            assert item.group in top_groups, item.name  # every question sits on a page
    assert not any(item.required for item in core.items)


def test_context_variables(core):
    calculates = [(item.name, item.calculation) for item in core.items if item.type == "calculate"]
    assert calculates == [("provider_setting", "''"), ("provider_standards", "''"), ("country", "''")]
    assert core.items[0].name == "provider_setting"


@pytest.mark.parametrize(
    ("context", "shown"),
    [
        ({"provider_setting": "residential", "provider_standards": "residential"}, {"module_residential"}),
        ({"provider_setting": "home_care", "provider_standards": "home_based"}, {"module_home_care"}),
        ({"provider_setting": "specialised_centre", "provider_standards": "domestic_violence"},
         {"module_victim_support"}),
        ({"provider_setting": "temporary_stay", "provider_standards": "temporary_stay trafficking"},
         {"module_victim_support"}),
        ({"provider_setting": "day_care", "provider_standards": "semi_residential"}, set()),
        ({}, set()),
    ],
)
def test_setting_modules_follow_the_provider(core, context, shown):
    modules = [item for item in core.items if item.name.startswith("module_")]
    assert all(item.relevant for item in modules)
    assert {item.name for item in modules if parse(item.relevant).is_true(context)} == shown


def test_overall_and_open_questions(core):
    overall = core.item("overall_satisfaction")
    recommend = core.item("recommend")
    assert (overall.list_name, overall.dimension) == ("satisfied5", None)
    assert (recommend.list_name, recommend.dimension) == ("nps11", None)
    for name in ("comment_good", "comment_improve"):
        item = core.item(name)
        assert item.type == "text"
        for language in LANGUAGES:
            assert core.text(f"hint:{name}", language)
    assert "phone" in core.text("hint:comment_good", "en")


def test_profile(core):
    profile = [item for item in core.items if item.group == "page_profile" and item.type == "select_one"]
    assert [(item.name, item.profile) for item in profile] == [
        ("age_band", "age_band"), ("sex", "sex"), ("recipient_category", "recipient_category"),
        ("self_rated_health", "self_rated_health"),
    ]
    assert core.items[-1].name == "self_rated_health"
    assert core.item("assistance").profile == "assistance"
    for item in profile:
        assert core.choice_lists[item.list_name][-1].name == "na"
        assert core.text(f"choice:{item.list_name}:na", "en") == "Prefer not to say"
    assert [c.name for c in core.choice_lists["age_band"]] == [
        "under_18", "18_34", "35_59", "60_74", "75_plus", "na"
    ]
    assert [c.name for c in core.choice_lists["sex"]] == ["female", "male", "na"]
    assert [c.name for c in core.choice_lists["recipient_category"]] == [
        "older_people", "adults_disabilities", "children_disabilities", "children_without_care",
        "domestic_violence", "trafficking", "homeless", "families_difficult", "idp", "na",
    ]
    assert all(c.score is None for c in core.choice_lists["age_band"])


# --------------------------------------------------------------------------- text hygiene

_NOT_IN = {
    # letters that betray a text in the wrong language or script
    "ru": re.compile(r"[A-Za-zәғқңөұүһіїєґ]"),
    "uk": re.compile(r"[A-Za-zыэёъәғқңөұүһ]"),
    "kk": re.compile(r"[A-Za-zїєґ]"),
    "en": re.compile(r"[А-Яа-яЁёІіЇїЄєҐґӘәҒғҚқҢңӨөҰұҮүҺһ]"),
}


def test_texts_are_clean_and_in_the_right_script(core):
    for (key, language), text in core.texts.items():
        assert text == text.strip() and "  " not in text, (key, language)
        checked = text.replace("Sapa", "")
        assert not _NOT_IN[language].search(checked), (key, language, text)


def test_glossary_terms(core):
    for (key, language), text in core.texts.items():
        if language == "uk" and "надавач" in text:
            assert re.search(r"надавач\w* соціальних послуг", text), key
        if language == "uk" and "отримувач" in text:
            assert re.search(r"отримувач\w* соціальних послуг", text), key
        if language == "ru":
            assert "поставщик социальных" not in text and "получатель социальных" not in text, key
    assert "қызмет көрсетуші" in core.text("label:recommend", "kk").lower()
    assert "поставщика услуг" in core.text("label:recommend", "ru")
    assert "надавача соціальних послуг" in core.text("label:recommend", "uk")
    assert "Қызмет алушының" in core.text("choice:assistance:proxy", "kk")
    assert "получателя услуг" in core.text("choice:assistance:proxy", "ru")
    assert "отримувача соціальних послуг" in core.text("choice:assistance:proxy", "uk")


def test_kazakh_proxy_phrase_is_not_read_as_a_conjunction(core):
    # "мен" is both "I" and "and": "Қызметкерлер мен атынан …" reads as "staff and …", so the proxy
    # phrase "мен атынан жауап беріп отырған адам" must open the sentence.
    for (key, language), text in core.texts.items():
        if language == "kk" and "мен атынан" in text.lower():
            assert text.startswith("Мен атынан"), key
