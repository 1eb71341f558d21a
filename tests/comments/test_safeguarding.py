"""The safeguarding word list: four languages, their inflections, no alarm on ordinary words (pure)."""

from __future__ import annotations

import json

import pytest

from survey_app.comments.safeguarding import build_word_list, normalise
from survey_app.demo import comments as demo

WORDS = build_word_list()

ALARMS = [
    # Russian
    ("Меня избили в коридоре", "beating"), ("Нас бьют, если не слушаемся", "beating"),
    ("Соседку ударили по лицу", "beating"), ("Сына били старшие", "beating"), ("Вас бьёт муж?", "beating"),
    ("Санитарка угрожает выгнать", "threats"), ("Сказал, что убьёт", "threats"),
    ("Тут издеваются над стариками", "abuse"), ("Нас унижают", "abuse"),
    ("Сиделка кричит на маму", "shouting"), ("Они орут на нас", "shouting"),
    ("Был случай насилия", "violence"), ("Её изнасиловали", "sexual"), ("Пристаёт охранник", "sexual"),
    ("Мне страшно жаловаться", "fear"), ("Дети боятся воспитателя", "fear"), ("Живём в страхе", "fear"),
    ("Нас запирают в комнате", "confinement"), ("Привязывают к кровати", "confinement"),
    ("Голодаем по выходным", "hunger"), ("Вечером не кормят", "hunger"),
    ("Синяки на руках у бабушки", "injury"), ("Украли пенсию", "theft"), ("Забирают деньги", "theft"),
    ("У мамы пролежни", "neglect"),
    # Ukrainian
    ("Нас б’ють", "beating"), ("Мене вдарили", "beating"), ("Сусіда побили", "beating"),
    ("Вона погрожувала", "threats"), ("Тут знущаються з людей", "abuse"), ("Мене ображають", "abuse"),
    ("Сестра кричала на мене", "shouting"), ("Насильство в родині", "violence"), ("Його зґвалтували", "sexual"),
    ("Боюся скаржитися", "fear"), ("Нас замикають на ніч", "confinement"), ("Ми голодні", "hunger"),
    ("Синці на обличчі", "injury"), ("Крадуть гроші", "theft"), ("Забирають пенсію", "theft"),
    # Kazakh
    ("Бізді ұрады", "beating"), ("Көршімді ұрды", "beating"), ("Ұрып-соғады", "beating"),
    ("Күтуші қорқытады", "threats"), ("Әжелерге айқайлайды", "shouting"), ("Зорлық-зомбылық көрдім", "violence"),
    ("Бізді қорлайды", "abuse"), ("Шағымдануға қорқамын", "fear"), ("Бөлмеге қамап қояды", "confinement"),
    ("Кешке аш қалдық", "hunger"), ("Ақшамды ұрлады", "theft"), ("Қолы көгерген", "injury"),
    # English
    ("She hit me", "beating"), ("My room-mate was beaten", "beating"), ("They threatened my son", "threats"),
    ("Staff yell at us", "shouting"), ("It is abusive", "abuse"), ("I was raped", "sexual"),
    ("I am scared of the night nurse", "fear"), ("They lock us in at night", "confinement"),
    ("We were locked in", "confinement"), ("We go hungry", "hunger"), ("Bruises on her arms", "injury"),
    ("He took my pension", "theft"), ("Someone stole my phone", "theft"), ("He was neglected", "neglect"),
    # Mixed case, mixed languages
    ("МЕНЯ БЬЮТ", "beating"), ("Жақсы, бірақ санитар кричит на нас", "shouting"),
]

ORDINARY = [
    "Страховка не покрывает лекарства", "Страхування не працює", "Купили билет на автобус",
    "Ұрпақтарымызға үлгі", "Қызмет қауіпсіз", "Қамқорлық жақсы", "Байланыс жоқ", "Ұрық", "Бойлер не працює",
    "Ворота закрыты", "Материалы для занятий", "Жёсткая кровать", "Жорсткий матрац", "Голова болит",
    "Забрали на прогулку", "History of the white hitch", "The door is locked in the evening",
    "Personal hygiene is good", "Нет горячей воды", "Спасибо за заботу", "Не можем связаться с врачом",
    "Мы вышли на связь", "Ұрыс-керіс жоқ, бәрі тату", "Дякую за турботу",
    # The questionnaire's own words about fear and safety
    "Можно жаловаться без страха", "Я не боюсь жаловаться", "I can complain without fear", "I am not afraid",
    "Мне не страшно здесь", "Можна скаржитися без страху", "Қорықпай шағымдана аламын",
]


@pytest.mark.parametrize(("text", "concept"), ALARMS)
def test_words_that_may_reveal_abuse_raise_an_alarm(text, concept):
    assert concept in WORDS.matches(text)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_words_raise_none(text):
    assert WORDS.matches(text) == []


def test_every_demo_safeguarding_comment_matches_and_no_ordinary_one_does():
    for texts in demo.SAFEGUARDING.values():
        for text in texts:
            assert WORDS.matches(text), text
    for bank in (demo.GOOD, demo.IMPROVE, {"any": list(demo.PERSONAL_DATA.values())}):
        for texts in bank.values():
            for text in texts:
                assert WORDS.matches(text) == [], text


def test_normalise_folds_case_yo_and_apostrophes():
    assert normalise("Бьёт Б’ють Бʼють") == "бьет б'ють б'ють"


def test_configuration_extends_the_list(tmp_path):
    words = build_word_list({"exploitation": ["forced\\s+to\\s+work", "заставля\\w*\\s+работать"],
                             "beating": {"en": ["whack\\w*"]}})
    assert words.matches("They make us forced to work") == ["exploitation"]
    assert words.matches("Заставляют работать бесплатно") == ["exploitation"]
    assert words.matches("He whacked me") == ["beating"]
    assert words.matches("She hit me") == ["beating"]  # the defaults stay

    text_file = tmp_path / "words.txt"
    text_file.write_text("# our own list\nexploitation: мажбүрле\\w*\n\nbeating: тепті\n", encoding="utf-8")
    words = build_word_list(files=[text_file])
    assert words.matches("Жұмысқа мажбүрлейді") == ["exploitation"]
    assert "beating" in words.matches("Ол мені тепті")

    json_file = tmp_path / "words.json"
    json_file.write_text(json.dumps({"exploitation": {"ru": ["эксплуатир\\w*"]}}), encoding="utf-8")
    only_ours = build_word_list(files=[json_file], defaults=False)
    assert only_ours.matches("Нас эксплуатируют") == ["exploitation"]
    assert only_ours.matches("She hit me") == []


def test_a_broken_pattern_is_refused_with_its_concept(tmp_path):
    with pytest.raises(ValueError, match="exploitation"):
        build_word_list({"exploitation": ["forced(to"]})
    bad_line = tmp_path / "words.txt"
    bad_line.write_text("just a word without a concept\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 1"):
        build_word_list(files=[bad_line])
