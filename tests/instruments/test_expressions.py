"""The relevant/constraint expression language: values, rejected inputs and a random-input fuzz."""

from __future__ import annotations

import math
import random

import pytest

from survey_app.instruments.expressions import MAX_LENGTH, ExpressionError, parse

VALUES = {
    "five": "5",
    "five_int": 5,
    "empty": "",
    "none": None,
    "setting": "residential",
    "standards": "home_based domestic_violence",
    "multi": ["a", "b", "c"],
    "multi_set": {"b", "a"},
    "text": "héllo",
    "flag": True,
    "decimal": "2.5",
}

EVALUATED = [
    # (expression, current, expected)
    ("1", None, 1),
    ("1 + 2 * 3", None, 7),
    ("(1 + 2) * 3", None, 9),
    ("10 div 4", None, 2.5),
    ("7 mod 3", None, 1),
    ("-7 mod 3", None, -1),
    ("1 div 0", None, math.inf),
    ("-1 div 0", None, -math.inf),
    ("- - 3", None, 3),
    ("2 - -1", None, 3),
    (".5 + 0.25", None, 0.75),
    ("'abc'", None, "abc"),
    ('"it\'s"', None, "it's"),
    ("''", None, ""),
    ("'abc' = \"abc\"", None, True),
    ("'abc' != 'abd'", None, True),
    # numbers against numeric strings convert
    ("${five} = 5", None, True),
    ("${five} = 5.0", None, True),
    ("${five_int} = '5'", None, True),
    ("${five} = '5'", None, True),
    ("${five} > 4", None, True),
    ("${five} >= 5 and ${five} <= 5", None, True),
    ("${decimal} * 2", None, 5),
    # unanswered answers are empty strings; numeric comparisons with them are false
    ("${empty} = ''", None, True),
    ("${none} = ''", None, True),
    ("${missing} = ''", None, True),
    ("${missing} > 3", None, False),
    ("${missing} < 3", None, False),
    ("${missing} >= 0", None, False),
    ("${missing} = 0", None, False),
    ("${missing} != 0", None, True),
    ("string-length(${missing})", None, 0),
    ("count-selected(${missing})", None, 0),
    # strings compared with < are compared as numbers, so non-numeric strings never compare
    ("'b' > 'a'", None, False),
    # logic and precedence
    ("true() and false()", None, False),
    ("true() or false()", None, True),
    ("not(false())", None, True),
    ("not(${setting} = 'residential')", None, False),
    ("1 < 2 = true()", None, True),
    ("1 + 2 = 3 and 2 > 1", None, True),
    ("false() and 1 div 0 > 0 or true()", None, True),
    ("true() = 'x'", None, True),
    ("false() = ''", None, True),
    ("${flag} = true()", None, True),
    # select_multiple answers
    ("selected(${multi}, 'b')", None, True),
    ("selected(${multi}, 'd')", None, False),
    ("selected(${multi_set}, 'a')", None, True),
    ("selected(${standards}, 'domestic_violence')", None, True),
    ("selected(${standards}, 'trafficking')", None, False),
    ("selected(${missing}, 'a')", None, False),
    ("count-selected(${multi})", None, 3),
    ("count-selected(${standards})", None, 2),
    ("string-length(${text})", None, 5),
    ("string-length('')", None, 0),
    ("string-length(12.5)", None, 4),
    # the current answer in a constraint
    (". >= 1 and . <= 5", 3, True),
    (". >= 1 and . <= 5", "7", False),
    (". >= 1 and . <= 5", None, False),
    ("string-length(.) <= 3", "abcd", False),
    ("count-selected(.) <= 2", ["x", "y"], True),
    ("${setting} = 'residential'", None, True),
    ("selected(${standards}, 'domestic_violence') or selected(${standards}, 'trafficking')", None, True),
]


@pytest.mark.parametrize(("text", "current", "expected"), EVALUATED)
def test_evaluates(text, current, expected):
    value = parse(text).evaluate(VALUES, current=current)
    assert value == expected
    assert type(value) is type(expected) or isinstance(expected, int)


def test_nan_results():
    assert math.isnan(parse("${missing} + 1").evaluate({}))
    assert math.isnan(parse("0 div 0").evaluate({}))
    assert math.isnan(parse("5 mod 0").evaluate({}))
    assert math.isnan(parse("'abc' * 2").evaluate({}))
    assert parse("${missing} + 1").is_true({}) is False  # NaN is false


def test_is_true_uses_xpath_truth():
    assert parse("'x'").is_true({}) is True
    assert parse("''").is_true({}) is False
    assert parse("0").is_true({}) is False
    assert parse("${a}").is_true({"a": "yes"}) is True


def test_references():
    expression = parse("selected(${a}, 'x') or ${b} > ${c} + ${a} and not(.)")
    assert expression.references() == {"a", "b", "c"}
    assert expression.uses_current
    assert not parse("${a} = 1").uses_current
    assert parse("1 = 1").references() == set()


def test_huge_integer_answer_does_not_overflow():
    assert parse("${n} > 1").evaluate({"n": 10**400}) is True


REJECTED = [
    # (text, position of the problem, 0-based)
    ("__import__('os')", 0),
    ("${a} ==", 6),
    ("${a} = ", 7),
    ("foo(1)", 0),
    ("1 + foo(2)", 4),
    ("os.system('ls')", 0),
    ("lambda: 1", 6),  # the tokenizer stops at the first character outside the language
    ("${a}[0]", 4),
    ("${a} && ${b}", 5),
    ("${a} || ${b}", 5),
    ("1 ! 2", 2),
    ("not 1", 4),
    ("and", 0),
    ("div 2", 0),
    ("1 div", 5),
    ("(1", 2),
    ("1)", 1),
    ("()", 1),
    ("'abc", 0),
    ('"abc', 0),
    ("${}", 0),
    ("${a b}", 0),
    ("${1a}", 0),
    ("$a", 0),
    ("a", 0),
    ("..", 1),
    ("1..2", 2),
    ("1 2", 2),
    ("'a' 'b'", 4),
    ("selected(${a})", 0),
    ("selected(${a}, 'x', 'y')", 0),
    ("true(1)", 0),
    ("count-selected()", 0),
    ("string-length(1, 2)", 0),
    ("selected(${a}, 'x'", 18),
    ("selected ${a}", 9),
    ("1 + ", 4),
    ("", 0),
    ("   ", 0),
    ("١ = 1", 0),
    ("${a} = ‘x’", 7),
    ("{}", 0),
    ("\x00", 0),
]


@pytest.mark.parametrize(("text", "position"), REJECTED)
def test_rejects(text, position):
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert caught.value.position == position
    assert str(caught.value.message)
    assert f"character {position + 1}" in str(caught.value)


def test_rejects_deep_nesting_and_very_long_input():
    with pytest.raises(ExpressionError):
        parse("(" * 200 + "1" + ")" * 200)
    with pytest.raises(ExpressionError):
        parse("not(" * 100 + "1" + ")" * 100)
    with pytest.raises(ExpressionError):
        parse("1" + " + 1" * 500)
    with pytest.raises(ExpressionError):
        parse("'" + "x" * MAX_LENGTH + "'")
    with pytest.raises(ExpressionError):
        parse(None)
    assert parse("(" * 20 + "1" + ")" * 20).evaluate({}) == 1
    assert parse("1" + " + 1" * 100).evaluate({}) == 101


_FRAGMENTS = [
    "${a}", "${b}", "${", "}", "$", ".", "..", "'x'", "'", '"', "1", "2.5", ".5", "0", "-", "+", "*",
    "div", "mod", "and", "or", "not(", "selected(", "count-selected(", "string-length(", "true()",
    "false()", "(", ")", ",", "=", "!=", "<", "<=", ">", ">=", " ", "  ", "==", "!", "foo", "_", "é",
    "\n", "\t", "[", "]", "{", "}", "\\", "#", "@", "9" * 30, "1e5", "inf", "nan", "$" + "{a}",
]


def test_random_input_raises_only_expression_errors():
    rng = random.Random(20261123)
    values = {"a": "3", "b": ["x", "y"]}
    parsed = 0
    for _ in range(5000):
        if rng.random() < 0.8:
            text = "".join(rng.choice(_FRAGMENTS) for _ in range(rng.randint(1, 12)))
        else:
            text = "".join(chr(rng.randint(0, 0x2FF)) for _ in range(rng.randint(0, 20)))
        try:
            expression = parse(text)
        except ExpressionError as error:
            assert 0 <= error.position <= len(text)
            continue
        parsed += 1
        for current in (None, "", "2", 7, ["p", "q"]):
            expression.evaluate(values, current=current)
            expression.is_true(values, current=current)
        expression.references()
    assert parsed > 100  # the fuzz also exercises evaluation, not only rejection
