"""Codes people type or scan: short, unambiguous (no 0/O, 1/I/L), and unguessable."""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LINK_CODE_LENGTH = 6
ONE_TIME_CODE_LENGTH = 8


def random_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


# Cyrillic capitals drawn like a code's Latin letters and digit: typed from a printed slip on a Kazakh, Russian or
# Ukrainian keyboard (without switching it to Latin), they stand for the letter the person saw.
LOOK_ALIKES = str.maketrans("АВСЕНКМРТХУЗ", "ABCEHKMPTXY3")


def normalise_code(typed: str) -> str:
    """What a person typed, as stored: upper case, without spaces or dashes, Cyrillic look-alikes as the Latin
    letters they look like; "" (which no code is) when it still holds anything but ASCII letters and digits — a
    code never does, and PostgreSQL refuses some characters (NUL) outright instead of finding nothing."""
    code = "".join(typed.split()).replace("-", "").replace("–", "").upper().translate(LOOK_ALIKES)
    return code if code.isascii() and code.isalnum() else ""


def format_one_time_code(code: str) -> str:
    """Printed in two groups of four, easier to read aloud and to type: ``ABCD-2345``."""
    return f"{code[:4]}-{code[4:]}"
