"""Codes people type or scan: short, unambiguous (no 0/O, 1/I/L), and unguessable."""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LINK_CODE_LENGTH = 6
ONE_TIME_CODE_LENGTH = 8


def random_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise_code(typed: str) -> str:
    """What a person typed, as stored: upper case, without spaces or dashes."""
    return "".join(typed.split()).replace("-", "").replace("–", "").upper()


def format_one_time_code(code: str) -> str:
    """Printed in two groups of four, easier to read aloud and to type: ``ABCD-2345``."""
    return f"{code[:4]}-{code[4:]}"
