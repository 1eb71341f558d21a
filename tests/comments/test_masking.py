"""Personal data in comments, masked; ordinary numbers, kept (survey_app.comments.masking, pure)."""

from __future__ import annotations

import pytest

from survey_app.comments.masking import DEFAULT_LABELS, find_personal_data, mask, masked_segments

MASKED = [
    # Kazakhstan (and Russia): +7 or 8, then ten digits, written every usual way
    ("Перезвоните мне, пожалуйста: +7 701 234 56 78, ИИН 850101300123.",
     "Перезвоните мне, пожалуйста: [phone], ИИН [IIN]."),
    ("Маған хабарласыңызшы: 8 777 123 45 67.", "Маған хабарласыңызшы: [phone]."),
    ("Мой номер 8 (727) 250-12-34", "Мой номер [phone]"),
    ("тел.+7(7172)55-55-55", "тел.[phone]"),
    ("звоните 87771234567 вечером", "звоните [phone] вечером"),
    ("+77012345678", "[phone]"),
    ("8-701-234-56-78 или +7-701-234-56-78", "[phone] или [phone]"),
    ("ватсап 701 234 56 78", "ватсап [phone]"),
    ("Менің нөмірім 8 701 2345678", "Менің нөмірім [phone]"),
    # Ukraine: +380, +38 0, 0, then nine digits
    ("Зателефонуйте мені: +380 67 123 45 67, ІПН 3012345678.", "Зателефонуйте мені: [phone], ІПН [taxpayer number]."),
    ("мій телефон +38 (067) 123-45-67", "мій телефон [phone]"),
    ("(067) 123-45-67", "[phone]"),
    ("0671234567 — це мій", "[phone] — це мій"),
    ("Київ 044 234 56 78", "Київ [phone]"),
    ("380501234567", "[phone]"),
    # Another country's number, and local numbers as people write them
    ("my daughter in Germany +49 151 23456789", "my daughter in Germany [phone]"),
    ("звоните 250-12-34", "звоните [phone]"),
    ("тел 55-55-55", "тел [phone]"),
    # E-mail addresses and accounts
    ("Please call me back on +7 701 234 56 78 or write to aigul.demo@example.com.",
     "Please call me back on [phone] or write to [e-mail]."),
    ("пишите: Olga_K-1975@mail.ru", "пишите: [e-mail]"),
    ("пошта оксана.коваль@укр.нет", "пошта [e-mail]"),
    ("telegram @aigul_k", "telegram [account]"),
    ("пишіть у t.me/oksana_kyiv", "пишіть у [account]"),
    ("instagram.com/aigul.k", "[account]"),
    # Identification numbers
    ("ИИН 850101 300123", "ИИН [IIN]"),
    ("ЖСН: 900515400321", "ЖСН: [IIN]"),
    ("РНОКПП 2987654321", "РНОКПП [taxpayer number]"),
    ("паспорт КВ 123456", "паспорт [document number]"),
    ("паспорт N12345678", "паспорт [document number]"),
    ("карта 4400 4301 2345 6789", "карта [document number]"),
    ("удостоверение 043123456", "удостоверение [number]"),
    ("счёт 123456789012345", "счёт [number]"),
]

KEPT = [
    "3 раза в неделю", "Приходит 2-3 раза в месяц", "в 2023 году", "в 2022-2023 годах", "2024 2025",
    "Room 12", "комната 215", "палата № 3", "дом 15, кв. 42", "№5",
    "12.05.2024", "18.03.2024 в 10:00", "01.09.2023 10 человек", "10:30", "с 9 до 18", "с 8 до 17 часов",
    "8 лет", "8 марта", "8 наурыз", "85 000 тенге", "42 500 ₸", "1 000 000 тенге", "150 тысяч", "100 000",
    "50%", "10-15 минут", "3 раза за 2 недели, 10 минут", "Рейтинг 10 из 10", "050000",
    # Helplines identify no one
    "тел. 112", "Call 116 123", "гаряча лінія 0 800 500 335", "8 800 080 7777", "1414", "15-15",
    "Жылына 4 рет, 12 ай бойы", "Тиждень 7 днів, 24 години", "email me", "@ the office", "me@",
]


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_personal_data_is_masked(text, expected):
    assert mask(text) == expected


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_numbers_and_words_are_kept(text):
    assert mask(text) == text
    assert find_personal_data(text) == []


def test_two_six_digit_numbers_are_not_an_iin():
    assert mask("с 100000 до 200000 тенге") == "с 100000 до 200000 тенге"
    # twelve digits in one run are masked all the same, as a number when they cannot be an IIN
    assert mask("номер 999999999999") == "номер [number]"


def test_labels_come_from_the_reader_and_segments_keep_the_text():
    labels = {**DEFAULT_LABELS, "phone": "[телефон]", "email": "[эл. почта]"}
    text = "Звоните +7 701 234 56 78 или a.b@example.kz, спасибо"
    assert mask(text, labels) == "Звоните [телефон] или [эл. почта], спасибо"
    pieces = masked_segments(text)
    assert "".join(piece for piece, _kind in pieces) == text
    assert [kind for _piece, kind in pieces] == [None, "phone", None, "email", None]


@pytest.mark.parametrize("text", [None, "", "   "])
def test_empty_comments(text):
    assert mask(text) == (text or "")
