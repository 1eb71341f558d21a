"""Personal data in recipients' comments, found and masked before anyone reads them (pure functions).

Recipients are asked not to give names or phone numbers, yet some do: "call me back on +7 701 …",
an IIN, an e-mail address. Every page, export and API answer that shows a comment shows
:func:`mask` of it, for every role, administrators too. The stored text is never changed: a
safeguarding investigation may need what was actually written, and only the database holds it.

What is masked (each found as a whole, with spaces, dashes and brackets as people write them):

- ``phone``: Kazakhstan and Russia (+7 or 8, then 10 digits: ``+7 701 234 56 78``,
  ``8 (727) 250-12-34``, ``87771234567``; a 10-digit mobile without its prefix, ``701 234 56 78``),
  Ukraine (+380 / +38 0 / 0, then 9 digits: ``+380 67 123 45 67``, ``(067) 123-45-67``,
  ``044 234 56 78``), any other ``+`` followed by 10–15 digits, and local numbers written
  ``250-12-34`` or ``55-55-55``. Free hotlines (``8 800 …``, ``0 800 …``) identify no one and stay.
- ``email``: ``name@host.tld``.
- ``handle``: a messenger or social-network account (``@aigul_k``, ``t.me/…``, ``instagram.com/…``).
- ``iin``: Kazakhstan's 12-digit individual identification number (also written 6 + 6).
- ``tax_number``: Ukraine's 10-digit taxpayer number (РНОКПП / ІПН).
- ``document``: a passport number (Ukrainian ``КВ 123456``, Kazakh ``N12345678``) and a payment card
  number (``4400 4301 2345 6789``).
- ``number``: any other run of nine or more digits (ID cards, accounts, policies).

Ordinary numbers stay: counts ("3 times a week"), years, dates, times, rooms and houses, sums of
money written with group separators, postcodes, helpline numbers of three to six digits. Names
and addresses are not detected: no pattern finds them reliably, and a wrong guess would hide
ordinary words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("phone", "email", "handle", "iin", "tax_number", "document", "number")

# What a reader sees instead; pages pass the same words translated (``survey_app.comments.services``).
DEFAULT_LABELS = {
    "phone": "[phone]",
    "email": "[e-mail]",
    "handle": "[account]",
    "iin": "[IIN]",
    "tax_number": "[taxpayer number]",
    "document": "[document number]",
    "number": "[number]",
}

# Between the digits of a phone number: nothing, or up to two of space, dash, brackets (not dots,
# which would join a date to the numbers after it).
_GAP = r"[\s\u00a0\-\u2010-\u2013()]{0,2}"


def _digits(count: int) -> str:
    return rf"(?:{_GAP}\d){{{count}}}"


# Each pattern with its kind, tried in this order; a span found once is not looked at again.
_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("email", re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}(?!\w)")),
    ("handle", re.compile(
        r"(?:(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me|instagram\.com|facebook\.com|fb\.com|vk\.com|ok\.ru|"
        r"tiktok\.com/@?|wa\.me)/[\w.\-]+)"
        r"|(?<![\w@.])@[A-Za-z][\w.]{3,30}(?<!\.)(?!\w)",
        re.IGNORECASE,
    )),
    # Kazakhstan and Russia: +7 or 8, then ten digits (not the free 8 800 lines).
    ("phone", re.compile(rf"(?<![\w+])(?:\+\s?7|8(?!{_GAP}8{_GAP}0{_GAP}0)(?={_GAP}[3-9])){_digits(10)}(?!\d)")),
    # Ukraine: +380, +38 0, 380 or 0, then nine digits (not the free 0 800 lines).
    ("phone", re.compile(
        rf"(?<![\w+(])(?:(?:\+\s?)?3\s?8{_GAP}|\(\s?)?0(?!{_GAP}8{_GAP}0{_GAP}0){_digits(9)}(?!\d)")),
    # Any other international number.
    ("phone", re.compile(rf"(?<![\w+])\+\s?\d{_digits(9)}(?:{_GAP}\d){{0,5}}(?!\d)")),
    # A Kazakh mobile without its prefix: 7xx xxx xx xx.
    ("phone", re.compile(r"(?<![\w+])7[0-7]\d[\s\-]?\d{3}[\s\-]?\d{2}[\s\-]?\d{2}(?!\d)")),
    # A local number as it is usually written: 250-12-34, 55-55-55.
    ("phone", re.compile(r"(?<![\w.\-/])\d{2,3}-\d{2}-\d{2}(?![\w\-./])")),
    ("document", re.compile(r"(?<!\d)\d{4}(?:[\s\-]?\d{4}){3}(?!\d)")),  # a payment card
    ("iin", re.compile(r"(?<!\d)\d{6}[\s\-]?\d{6}(?!\d)")),
    ("tax_number", re.compile(r"(?<![\d\-])[1-69]\d{9}(?![\d\-])")),
    # Passports: Ukrainian booklet (two capital letters, six digits), Kazakh (N and eight digits).
    ("document", re.compile(r"(?<!\w)(?:[А-ЯІЇЄҐ]{2}\s?№?\s?\d{6}|N\s?\d{8})(?!\d)")),
    ("number", re.compile(r"(?<!\d)\d{9,}(?!\d)")),
]


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    kind: str


def _plausible_iin(digits: str) -> bool:
    """An IIN begins with the date of birth (YYMMDD) and a century-and-sex digit (0–6)."""
    month, day, century = int(digits[2:4]), int(digits[4:6]), int(digits[6])
    return 1 <= month <= 12 and 1 <= day <= 31 and century <= 6


def find_personal_data(text: str) -> list[Found]:
    """Spans of ``text`` that look like personal data, in order, not overlapping."""
    if not text:
        return []
    found: list[Found] = []
    taken = [False] * len(text)
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(taken[start:end]):
                continue
            label = kind
            if kind == "iin":
                digits = re.sub(r"\D", "", match.group())
                separated = len(match.group()) > 12
                if not _plausible_iin(digits):
                    if separated:
                        continue  # two six-digit numbers, not an IIN
                    label = "number"
            found.append(Found(start, end, label))
            taken[start:end] = [True] * (end - start)
    return sorted(found, key=lambda item: item.start)


def masked_segments(text: str) -> list[tuple[str, str | None]]:
    """``text`` cut into pieces: ``(text, None)`` kept as written, ``(text, kind)`` to be masked."""
    pieces: list[tuple[str, str | None]] = []
    position = 0
    for item in find_personal_data(text or ""):
        if item.start > position:
            pieces.append((text[position:item.start], None))
        pieces.append((text[item.start:item.end], item.kind))
        position = item.end
    if position < len(text or ""):
        pieces.append((text[position:], None))
    return pieces


def mask(text: str | None, labels: dict[str, str] | None = None) -> str:
    """``text`` with every piece of personal data replaced by its label (``[phone]`` …)."""
    if not text:
        return text or ""
    labels = labels or DEFAULT_LABELS
    return "".join(piece if kind is None else labels.get(kind, DEFAULT_LABELS[kind])
                   for piece, kind in masked_segments(text))
