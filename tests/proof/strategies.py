"""Hypothesis strategies for hostile input: texts, numbers, dates, languages, form bodies, small files.

The factories are cached: a strategy is checked by Hypothesis the first time it draws, and one made afresh for
every draw was checked every time (a fifth of a proof test's time). The same strategy draws the same values."""

from __future__ import annotations

import io
import zipfile
from functools import cache
from urllib.parse import quote, quote_from_bytes

from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

LANGUAGES = ("kk", "ru", "uk", "en")
# Texts that have broken web applications: numbers a parser half-accepts, markup, templates, formulas,
# SQL, format strings, right-to-left and combining marks, the replacement character, NUL.
SPECIAL_TEXTS = (
    "", " ", "\t", "\r\n", "\x00", "a\x00b", "\x1b[31m", "\x7f", "\ufffd", "\u202e", "\u0301", "\ufeff", "\u200b",
    "na", "0", "-0", "-1", "1", "5", "6", "4.0", " 4", "4 ", "1_000", "²", "0x10", "1e309", "-1e309", "1e-320",
    "nan", "NaN", "inf", "-Infinity", "٣", "½", "١٢٣", "99999999999999999999", "9" * 400,
    "12,5", "1 000,5", "3.14.15", ".", ",", "+", "--", "e", "2026-02-30", "2026-13-01", "0000-00-00",
    "9999-12-31", "0001-01-01", "2026-1-1", "31.12.2026", "<script>alert(1)</script>", "\"><img src=x>",
    "' OR 1=1 --", "%", "%%", "%s", "%(min)s", "{0}", "{{7*7}}", "${age_years}", "=SUM(A1)", "@cmd",
    "a@b.c", "admin@matrix.test", "ADMIN@MATRIX.TEST ", "x@y", "@", "/", "//evil.example", "\\",
    "../../etc/passwd", "Ⅻ", "ǅ", "ß", "İ", "ﬁ", "😀", "𝔘𝔫𝔦", "ә ғ қ ң ө ұ ү һ і", "Жауап", "Ответ", "Відповідь",
)
LONG_LENGTHS = (199, 200, 201, 254, 255, 1999, 2000, 2001, 4000, 4001, 20_001, 120_000)


@cache
def long_texts() -> st.SearchStrategy[str]:
    """Texts around the length limits the forms set, and far beyond them."""
    return st.builds(lambda letter, length: letter * length,
                     st.sampled_from(("x", "я", "ә", "😀", "1", " ", "\x00", "\u0301")), st.sampled_from(LONG_LENGTHS))


@cache
def texts(max_size: int = 40) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(SPECIAL_TEXTS),
        st.text(max_size=max_size),
        st.text(alphabet=st.characters(codec="utf-8", categories=("Cc", "Cf", "Zs", "Mn")), max_size=8),
        st.integers(-(10**30), 10**30).map(str),
        st.floats().map(repr),
        long_texts(),
    )


@cache
def spread(count: int) -> st.SearchStrategy[int]:
    """0 to count - 1, each about as often: Hypothesis draws small integers (and the first of ``sampled_from``) far
    more often than the rest, and a test that asserts each of a form's answers needs each branch tried."""
    return st.integers(0, 10**6).map(lambda number: number % count)


@cache
def numbers_as_text() -> st.SearchStrategy[str]:
    return st.one_of(st.integers(-5, 600).map(str), st.integers(-(10**25), 10**25).map(str),
                     st.decimals(allow_nan=True, allow_infinity=True).map(str), st.floats().map(str), texts())


@cache
def dates_as_text() -> st.SearchStrategy[str]:
    return st.one_of(st.dates().map(lambda day: day.isoformat()), st.dates().map(lambda day: f"{day:%d.%m.%Y}"),
                     texts(12))


@cache
def language_values() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(LANGUAGES), st.sampled_from(("", "KK", "kz", "en-US", "ru_RU", "de", "x" * 300)),
                     st.text(max_size=6))


@cache
def page_languages() -> st.SearchStrategy[str]:
    """The language a request asks for; Kazakh twice as often, so its refusals are well sampled."""
    return st.sampled_from(("kk", "kk", "ru", "uk", "en"))


@cache
def accept_languages() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(("kk", "ru-RU,ru;q=0.9", "uk;q=0.5, en;q=0.9", "*", "", "q=1", "kk;q=abc",
                                      ";;;", "en;q=1e309", "x" * 500)), st.text(max_size=20))


@cache
def field_names(known: tuple[str, ...]) -> st.SearchStrategy[str]:
    """Names a form may receive: its own, and anything else."""
    strategies = [st.sampled_from(("csrf_token", "action", "switch_lang", "", "submit", "next", "x" * 300)),
                  st.text(max_size=12)]
    if known:
        strategies.insert(0, st.sampled_from(known))
    return st.one_of(*strategies)


# ------------------------------------------------------------------ request bodies

BAD_BYTES = (b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xe2\x82", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x00", b"\xc0\xaf",
             b"%", b"%zz", b"%ff", b"%C3%28", b"+", b"&", b"=", b";")


def _encoded(value: bytes, raw: bool) -> bytes:
    return value if raw else quote_from_bytes(value, safe="").encode()


@st.composite
def raw_urlencoded(draw, pairs: list[tuple[str, str]]) -> bytes:
    """An url-encoded body written by hand: bytes that are not UTF-8, raw or percent-encoded, here and there."""
    parts = []
    for name, value in pairs:
        name_bytes, value_bytes = name.encode(), value.encode()
        if draw(st.booleans()):
            value_bytes += draw(st.sampled_from(BAD_BYTES))
        if draw(st.integers(0, 5)) == 0:
            name_bytes = draw(st.sampled_from(BAD_BYTES)) + name_bytes
        raw = draw(st.booleans())
        parts.append(_encoded(name_bytes, raw) + b"=" + _encoded(value_bytes, raw))
    separator = draw(st.sampled_from((b"&", b"&", b";", b"&&")))
    return separator.join(parts)


@st.composite
def raw_multipart(draw, pairs: list[tuple]) -> tuple[bytes, str]:
    """A multipart body written by hand (bytes that are not UTF-8, odd headers, sometimes cut short). A pair may
    carry bytes and a third item, a file name: it is then sent as a file."""
    boundary = draw(st.sampled_from(("proof", "x" * 70, "--", "a b")))
    chunks = []
    for name, value, *filename in pairs:
        headers = ('form-data; name="{}"', "form-data; name={}", 'form-data; name="{}"; filename="a"',
                   "form-data; name*=UTF-8''{}", "attachment")
        if filename:
            shown = filename[0].replace("{", "{{").replace("}", "}}")
            headers = (f'form-data; name="{{}}"; filename="{shown}"', 'form-data; name="{}"; filename=""',
                       "form-data; name={}; filename=a.xlsx", 'form-data; name="{}"')
        header = draw(st.sampled_from(headers))
        body = value if isinstance(value, bytes) else value.encode()
        body += draw(st.sampled_from(BAD_BYTES)) if draw(st.integers(0, 3)) == 0 else b""
        chunks.append(f"--{boundary}\r\nContent-Disposition: {header.format(name)}\r\n\r\n".encode() + body + b"\r\n")
    ending = draw(st.sampled_from((f"--{boundary}--\r\n".encode(), b"", f"--{boundary}".encode())))
    return b"".join(chunks) + ending, f"multipart/form-data; boundary={boundary}"


@st.composite
def upload_bodies(draw, pairs: list[tuple[str, str]], files: list[tuple[str, bytes, str]]) -> dict:
    """Keyword arguments for ``open`` that send form fields and files (field name, content, file name): as a
    browser does, mostly, else written by hand."""
    if draw(st.integers(0, 4)):
        data = MultiDict(pairs)
        for name, content, filename in files:
            data.add(name, (io.BytesIO(content), filename))
        return {"data": data, "content_type": "multipart/form-data"}
    body, content_type = draw(raw_multipart(pairs + list(files)))
    return {"data": body, "content_type": content_type}


@cache
def json_values() -> st.SearchStrategy[object]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), texts(12))
    return st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                         st.dictionaries(texts(8), inner, max_size=3)), max_leaves=6)


@st.composite
def json_bodies(draw, pairs: list[tuple[str, str]]):
    """The fields as a JSON object (their values now and then a number, a list, an object or null), or any JSON."""
    if draw(st.integers(0, 3)) == 0:
        return draw(json_values())
    return {name: draw(st.one_of(st.just(value), json_values())) for name, value in pairs}


@st.composite
def request_bodies(draw, pairs: list[tuple[str, str]]) -> dict:
    """Keyword arguments for the test client's ``open`` that send ``pairs`` one way or another."""
    how = draw(st.sampled_from(("form", "form", "form", "multipart", "raw", "raw", "raw_multipart", "json", "other")))
    if how == "json":
        return {"json": draw(json_bodies(pairs))}
    if how == "form":
        return {"data": MultiDict(pairs)}
    if how == "multipart":
        return {"data": MultiDict(pairs), "content_type": "multipart/form-data"}
    if how == "raw":
        charset = draw(st.sampled_from(("", "", "; charset=utf-8", "; charset=latin-1", "; charset=nonsense")))
        return {"data": draw(raw_urlencoded(pairs)), "content_type": "application/x-www-form-urlencoded" + charset}
    if how == "raw_multipart":
        body, content_type = draw(raw_multipart(pairs))
        return {"data": body, "content_type": content_type}
    content_type = draw(st.sampled_from(("application/json", "text/plain", "application/octet-stream", "",
                                         "multipart/form-data", "application/x-www-form-urlencoded; charset")))
    return {"data": draw(st.binary(max_size=200)), "content_type": content_type}


def plain_form(body: dict) -> bool:
    """Whether ``request_bodies`` or ``upload_bodies`` sent the fields as a browser does (url-encoded or multipart,
    nothing added or cut off)."""
    return isinstance(body.get("data"), MultiDict)


@cache
def file_names() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(("form.xlsx", "responses.csv", "CONTRACTS.XLSX", "a.xls", "table", ".xlsx",
                                      "жауаптар.xlsx", "../../etc/passwd.xlsx", "x" * 300 + ".csv", "a\x00.xlsx")),
                     texts(20))


@cache
def path_segments() -> st.SearchStrategy[str]:
    """Text for a place in a path, quoted as a browser would send it."""
    return st.one_of(texts(30), st.text(alphabet="23456789ABCDEFGHJKMNPQRSTUVWXYZabc- ", max_size=20)).map(
        lambda text: quote(text, safe="") or "x")


# ------------------------------------------------------------------ small files

@st.composite
def small_files(draw, header: tuple[str, ...] = ()) -> bytes:
    """A small upload: random bytes, a text table (perhaps with the expected header), an empty file, a zip that is
    not a workbook, or a workbook with random sheets and cells."""
    kind = draw(st.sampled_from(("bytes", "table", "table", "empty", "zip", "workbook", "workbook")))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "empty":
        return b""
    if kind == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(draw(st.sampled_from(("[Content_Types].xml", "xl/workbook.xml", "a.txt"))),
                             draw(st.binary(max_size=100)))
        return buffer.getvalue()
    columns = list(header) if header and draw(st.booleans()) else draw(st.lists(texts(12), max_size=6))
    rows = draw(st.lists(st.lists(texts(12), min_size=len(columns), max_size=len(columns) + 1), max_size=4))
    if kind == "table":
        separator = draw(st.sampled_from((",", ";", "\t")))
        lines = [separator.join(columns)] + [separator.join(row) for row in rows]
        encoding = draw(st.sampled_from(("utf-8", "utf-8-sig", "utf-16", "cp1251")))
        return "\r\n".join(lines).encode(encoding, "replace")
    return workbook(draw(st.lists(st.text(min_size=1, max_size=12), max_size=3)), columns, rows)


def workbook(extra_sheets: list[str], columns: list[str], rows: list[list[str]],
             sheets: tuple[str, ...] = ()) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    first.title = sheets[0] if sheets else "data"
    for sheet_name in list(sheets[1:]) + extra_sheets:
        title = "".join(letter for letter in printable(sheet_name) if letter not in "[]:*?/\\")[:31].strip() or "sheet"
        if title not in book.sheetnames:
            book.create_sheet(title)
    for sheet in book.worksheets:
        for row in [columns, *rows]:
            sheet.append([_cell(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def printable(value):
    """A text as a workbook can hold it: openpyxl refuses control characters and what XML cannot hold."""
    if not isinstance(value, str):
        return value
    return "".join(letter for letter in value if (letter >= " " or letter in "\t\n") and letter not in "\ufffe\uffff")


def _cell(value: str) -> str:
    return printable(value)[:1000]
