"""A safe parser and evaluator for XLSForm `relevant`, `constraint` and `calculation` expressions.

The grammar is a small, XPath-like subset; the text is tokenised and parsed into a tree of
nodes, never handed to ``eval``. Anything outside the grammar is refused with an
:class:`ExpressionError` that carries the 0-based character position of the problem.

Supported: ``${name}``; ``.`` (the answer being checked, in constraints); string literals in
single or double quotes; integers and decimals; ``= != < <= > >=``; ``and``, ``or``;
``+ - * div mod`` and unary minus; parentheses; the functions ``not(x)``,
``selected(x, 'v')``, ``count-selected(x)``, ``string-length(x)``, ``true()``, ``false()``.

Semantics follow XPath 1.0 for strings, numbers and booleans: an unanswered question is the
empty string; ``=`` and ``!=`` compare as booleans if either side is a boolean, else as
numbers if either side is a number, else as strings; ``< <= > >=`` always compare numbers,
so a comparison with an unanswered (or non-numeric) answer is false; arithmetic on such an
answer gives NaN. Numbers are Python floats.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import lazy_gettext as _l

__all__ = ["MAX_LENGTH", "Expression", "ExpressionError", "parse"]

#: Longest expression accepted, in characters.
MAX_LENGTH = 4000
# Parentheses and function calls nested deeper than this are refused (keeps the recursive
# descent far from Python's recursion limit).
_MAX_NESTING = 32
# Depth of the syntax tree (long chains such as 1+1+1+... nest on the left).
_MAX_TREE_DEPTH = 120

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_NUMBER_RE = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
_REF_RE = re.compile(r"\$\{(" + _NAME + r")\}")
_WORD_RE = re.compile(r"count-selected|string-length|" + _NAME)
# What XPath's number() accepts: optional whitespace, optional minus, digits with an optional point.
_NUMERIC_STRING_RE = re.compile(r"\s*-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*")

_OPERATORS = ("!=", "<=", ">=", "=", "<", ">", "+", "-", "*", "(", ")", ",")
_KEYWORD_OPERATORS = {"and", "or", "div", "mod"}
# Function name -> number of arguments.
_FUNCTIONS = {
    "not": 1,
    "selected": 2,
    "count-selected": 1,
    "string-length": 1,
    "true": 0,
    "false": 0,
}


_EXAMPLES = {
    "not": "not(${a} = 'x')",
    "selected": "selected(${a}, 'x')",
    "count-selected": "count-selected(${a})",
    "string-length": "string-length(${a})",
    "true": "true()",
    "false": "false()",
}


class ExpressionError(ValueError):
    """An expression that cannot be parsed; ``position`` is the 0-based character offset."""

    def __init__(self, message, position: int):
        super().__init__(message, position)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return f"{self.message} (character {self.position + 1})"


# --------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class _Token:
    kind: str  # number, string, ref, current, word, op, end
    text: str
    position: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char in " \t\r\n":
            i += 1
            continue
        if char in "'\"":
            end = text.find(char, i + 1)
            if end < 0:
                raise ExpressionError(_l("The text in quotes is not closed."), i)
            tokens.append(_Token("string", text[i + 1 : end], i))
            i = end + 1
            continue
        if char == "$":
            match = _REF_RE.match(text, i)
            if not match:
                raise ExpressionError(
                    _l("A reference must look like %(example)s.", example="${question_name}"), i
                )
            tokens.append(_Token("ref", match.group(1), i))
            i = match.end()
            continue
        match = _NUMBER_RE.match(text, i)
        if match:
            tokens.append(_Token("number", match.group(0), i))
            i = match.end()
            continue
        if char == ".":
            tokens.append(_Token("current", ".", i))
            i += 1
            continue
        match = _WORD_RE.match(text, i)
        if match:
            tokens.append(_Token("word", match.group(0), i))
            i = match.end()
            continue
        for operator in _OPERATORS:
            if text.startswith(operator, i):
                tokens.append(_Token("op", operator, i))
                i += len(operator)
                break
        else:
            raise ExpressionError(_l("The character “%(char)s” is not allowed here.", char=char), i)
    tokens.append(_Token("end", "", n))
    return tokens


# --------------------------------------------------------------------------- values


def _number(value) -> float:
    """XPath number(): booleans are 1/0, numeric strings convert, anything else is NaN."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    if _NUMERIC_STRING_RE.fullmatch(value):
        return float(value)
    return math.nan


def _boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return not (value == 0 or math.isnan(value))
    return value != ""


def _string(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return value


def _answer(value):
    """An answer from the caller's mapping as an expression value (str, float or bool)."""
    if value is None:
        return ""
    if isinstance(value, (bool, str, float)):
        return value
    if isinstance(value, (int, Decimal)):
        try:
            return float(value)
        except OverflowError:
            return math.inf if value > 0 else -math.inf
    if isinstance(value, (set, frozenset)):
        return " ".join(sorted(str(v) for v in value))
    if isinstance(value, (list, tuple)):
        return " ".join(str(v) for v in value)
    return str(value)


def _compare(operator: str, left, right) -> bool:
    if operator in ("=", "!="):
        if isinstance(left, bool) or isinstance(right, bool):
            equal = _boolean(left) == _boolean(right)
        elif isinstance(left, float) or isinstance(right, float):
            equal = _number(left) == _number(right)  # NaN is equal to nothing
        else:
            equal = left == right
        return equal if operator == "=" else not equal
    a, b = _number(left), _number(right)
    if operator == "<":
        return a < b
    if operator == "<=":
        return a <= b
    if operator == ">":
        return a > b
    return a >= b


def _arithmetic(operator: str, left, right) -> float:
    a, b = _number(left), _number(right)
    if operator == "+":
        return a + b
    if operator == "-":
        return a - b
    if operator == "*":
        return a * b
    if operator == "div":
        if b == 0:
            if a == 0 or math.isnan(a):
                return math.nan
            return math.copysign(math.inf, a) * math.copysign(1.0, b)
        return a / b
    # mod: the sign follows the dividend, as in XPath (math.fmod, not Python's %).
    try:
        return math.fmod(a, b)
    except ValueError:  # x mod 0, inf mod x
        return math.nan


# --------------------------------------------------------------------------- nodes


class _Context:
    __slots__ = ("current", "values")

    def __init__(self, values: Mapping[str, object], current):
        self.values = values
        self.current = current


@dataclass(frozen=True)
class Literal:
    value: object  # str or float

    def evaluate(self, context: _Context):
        return self.value

    def references(self) -> set[str]:
        return set()


@dataclass(frozen=True)
class Reference:
    name: str

    def evaluate(self, context: _Context):
        return _answer(context.values.get(self.name))

    def references(self) -> set[str]:
        return {self.name}


@dataclass(frozen=True)
class Current:
    def evaluate(self, context: _Context):
        return _answer(context.current)

    def references(self) -> set[str]:
        return set()


@dataclass(frozen=True)
class Negative:
    operand: object
    depth: int = field(default=2, compare=False, repr=False)

    def evaluate(self, context: _Context):
        return -_number(self.operand.evaluate(context))

    def references(self) -> set[str]:
        return self.operand.references()


@dataclass(frozen=True)
class Binary:
    operator: str
    left: object
    right: object
    depth: int = field(default=2, compare=False, repr=False)

    def evaluate(self, context: _Context):
        if self.operator == "and":
            return _boolean(self.left.evaluate(context)) and _boolean(self.right.evaluate(context))
        if self.operator == "or":
            return _boolean(self.left.evaluate(context)) or _boolean(self.right.evaluate(context))
        left = self.left.evaluate(context)
        right = self.right.evaluate(context)
        if self.operator in ("=", "!=", "<", "<=", ">", ">="):
            return _compare(self.operator, left, right)
        return _arithmetic(self.operator, left, right)

    def references(self) -> set[str]:
        return self.left.references() | self.right.references()


@dataclass(frozen=True)
class Call:
    function: str
    arguments: tuple
    depth: int = field(default=2, compare=False, repr=False)

    def evaluate(self, context: _Context):
        args = [argument.evaluate(context) for argument in self.arguments]
        if self.function == "true":
            return True
        if self.function == "false":
            return False
        if self.function == "not":
            return not _boolean(args[0])
        if self.function == "selected":
            return _string(args[1]).strip() in _string(args[0]).split()
        if self.function == "count-selected":
            return float(len(_string(args[0]).split()))
        return float(len(_string(args[0])))  # string-length

    def references(self) -> set[str]:
        found: set[str] = set()
        for argument in self.arguments:
            found |= argument.references()
        return found


# --------------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokenize(text)
        self.index = 0
        self.nesting = 0
        self.uses_current = False

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, kind: str, *texts: str) -> bool:
        token = self.token
        return token.kind == kind and (not texts or token.text in texts)

    def expect(self, text: str) -> None:
        if not self.at("op", text):
            raise self.unexpected(_l("“%(expected)s” was expected here.", expected=text))
        self.advance()

    def unexpected(self, message=None) -> ExpressionError:
        token = self.token
        if message is not None:
            return ExpressionError(message, token.position)
        if token.kind == "end":
            return ExpressionError(_l("The expression ends too early."), token.position)
        return ExpressionError(_l("“%(token)s” is not expected here.", token=token.text), token.position)

    def binary(self, operator: str, left, right, position: int):
        depth = 1 + max(_depth(left), _depth(right))
        if depth > _MAX_TREE_DEPTH:
            raise ExpressionError(_l("The expression is too long or too complex."), position)
        return Binary(operator, left, right, depth)

    def parse(self):
        node = self.parse_or()
        if not self.at("end"):
            raise self.unexpected()
        return node

    def parse_or(self):
        node = self.parse_and()
        while self.at("word", "or"):
            position = self.advance().position
            node = self.binary("or", node, self.parse_and(), position)
        return node

    def parse_and(self):
        node = self.parse_equality()
        while self.at("word", "and"):
            position = self.advance().position
            node = self.binary("and", node, self.parse_equality(), position)
        return node

    def parse_equality(self):
        node = self.parse_relational()
        while self.at("op", "=", "!="):
            token = self.advance()
            node = self.binary(token.text, node, self.parse_relational(), token.position)
        return node

    def parse_relational(self):
        node = self.parse_additive()
        while self.at("op", "<", "<=", ">", ">="):
            token = self.advance()
            node = self.binary(token.text, node, self.parse_additive(), token.position)
        return node

    def parse_additive(self):
        node = self.parse_multiplicative()
        while self.at("op", "+", "-"):
            token = self.advance()
            node = self.binary(token.text, node, self.parse_multiplicative(), token.position)
        return node

    def parse_multiplicative(self):
        node = self.parse_unary()
        while self.at("op", "*") or self.at("word", "div", "mod"):
            token = self.advance()
            node = self.binary(token.text, node, self.parse_unary(), token.position)
        return node

    def parse_unary(self):
        signs = 0
        while self.at("op", "-"):
            self.advance()
            signs += 1
        node = self.parse_primary()
        # XPath: -x is a number; a double minus still converts to a number.
        if signs % 2:
            return Negative(node, _depth(node) + 1)
        if signs:
            return Negative(Negative(node, _depth(node) + 1), _depth(node) + 2)
        return node

    def parse_primary(self):
        token = self.token
        if token.kind == "number":
            self.advance()
            return Literal(float(token.text))
        if token.kind == "string":
            self.advance()
            return Literal(token.text)
        if token.kind == "ref":
            self.advance()
            return Reference(token.text)
        if token.kind == "current":
            self.advance()
            self.uses_current = True
            return Current()
        if self.at("op", "("):
            self.enter(token)
            self.advance()
            node = self.parse_or()
            self.expect(")")
            self.nesting -= 1
            return node
        if token.kind == "word":
            return self.parse_call()
        raise self.unexpected()

    def parse_call(self):
        token = self.advance()
        name = token.text
        if name in _KEYWORD_OPERATORS:
            raise ExpressionError(_l("“%(token)s” is not expected here.", token=name), token.position)
        if name not in _FUNCTIONS:
            raise ExpressionError(_l("“%(name)s” is not a known function.", name=name), token.position)
        if not self.at("op", "("):
            raise self.unexpected(_l("“%(expected)s” was expected here.", expected="("))
        self.enter(token)
        self.advance()
        arguments = []
        if not self.at("op", ")"):
            arguments.append(self.parse_or())
            while self.at("op", ","):
                self.advance()
                arguments.append(self.parse_or())
        self.expect(")")
        self.nesting -= 1
        if len(arguments) != _FUNCTIONS[name]:
            raise ExpressionError(
                _l(
                    "%(name)s() has the wrong number of arguments; write it like this: %(example)s",
                    name=name,
                    example=_EXAMPLES[name],
                ),
                token.position,
            )
        depth = 1 + max((_depth(argument) for argument in arguments), default=0)
        if depth > _MAX_TREE_DEPTH:
            raise ExpressionError(_l("The expression is too long or too complex."), token.position)
        return Call(name, tuple(arguments), depth)

    def enter(self, token: _Token) -> None:
        self.nesting += 1
        if self.nesting > _MAX_NESTING:
            raise ExpressionError(_l("The expression is nested too deeply."), token.position)


def _depth(node) -> int:
    return getattr(node, "depth", 1)


# --------------------------------------------------------------------------- public API


@dataclass(frozen=True)
class Expression:
    """A parsed expression: its source text and syntax tree."""

    source: str
    root: object = field(repr=False)
    uses_current: bool = False

    def evaluate(self, values: Mapping[str, object], current=None):
        """Value of the expression: a ``str``, ``float`` or ``bool``.

        ``values`` maps question names to answers (``None`` or a missing key is unanswered;
        a list, tuple or set is a select_multiple answer); ``current`` is the answer that
        ``.`` stands for.
        """
        return self.root.evaluate(_Context(values, current))

    def is_true(self, values: Mapping[str, object], current=None) -> bool:
        """The value as an XPath boolean (for `relevant` and `constraint`)."""
        return _boolean(self.evaluate(values, current))

    def references(self) -> set[str]:
        """Names of the questions the expression refers to with ``${name}``."""
        return self.root.references()


def parse(text: str) -> Expression:
    """Parse ``text``; raise :class:`ExpressionError` (with a position) if it is not valid."""
    if not isinstance(text, str):
        raise ExpressionError(_l("An expression must be text."), 0)
    if len(text) > MAX_LENGTH:
        raise ExpressionError(_l("The expression is too long or too complex."), MAX_LENGTH)
    if not text.strip():
        raise ExpressionError(_l("The expression is empty."), 0)
    parser = _Parser(text)
    root = parser.parse()
    return Expression(text, root, parser.uses_current)
