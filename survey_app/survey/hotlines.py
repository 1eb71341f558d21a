"""Where to turn after the questionnaire: how to complain, and free helplines per country.

The defaults can be replaced with ``SAPA_HOTLINES`` in the configuration, e.g.
``{"KZ": [["Телефон доверия", "150"]]}`` (labels shown as written).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Hotline:
    label: str
    number: str

    @property
    def tel(self) -> str:
        return "".join(ch for ch in self.number if ch.isdigit() or ch == "+")


HOTLINES = {
    "KZ": [
        Hotline(_l("Contact centre for family, women and children's rights (free, 24 hours)"), "111"),
        Hotline(_l("Helpline for children and young people (free, 24 hours)"), "150"),
        Hotline(_l("Police"), "102"),
    ],
    "UA": [
        Hotline(_l("National hotline against domestic violence, human trafficking and gender "
                   "discrimination (free)"), "116 123"),
        Hotline(_l("Government hotline on domestic violence (free, 24 hours)"), "1547"),
        Hotline(_l("National children's hotline (free)"), "116 111"),
        Hotline(_l("Police"), "102"),
    ],
}


@dataclass(frozen=True)
class Support:
    country: str | None
    hotlines: list[Hotline]


def support_for(country: str | None) -> Support:
    configured = current_app.config.get("SAPA_HOTLINES") or {}
    if country in configured:
        return Support(country, [Hotline(label, number) for label, number in configured[country]])
    return Support(country, HOTLINES.get(country, []))
