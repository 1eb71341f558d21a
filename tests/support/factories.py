"""Small builders for test data (explicit rows, no demo generator)."""

from __future__ import annotations

import itertools
from datetime import date

from survey_app.extensions import db
from survey_app.models import (
    Campaign,
    CampaignProvider,
    Choice,
    ChoiceList,
    Dimension,
    Instrument,
    InstrumentText,
    InstrumentVersion,
    Item,
    Provider,
    Region,
)
from survey_app.models.base import LANGUAGES, utcnow

_counter = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_counter)}"


def names(base: str) -> dict[str, str]:
    return {language: f"{base} ({language})" for language in LANGUAGES}


def region(country: str = "KZ", kind: str = "oblast", parent: Region | None = None) -> Region:
    row = Region(code=unique("region"), country=country, kind=kind, parent=parent)
    row.set_names(names("Region"))
    db.session.add(row)
    db.session.flush()
    return row


def provider(in_region: Region | None = None, setting: str = "day_care", recipients: int = 100) -> Provider:
    row = Provider(code=unique("provider"), name="Test provider", org_form="ngo", setting=setting,
                   region=in_region or region(), recipients_served=recipients)
    db.session.add(row)
    db.session.flush()
    return row


def small_instrument(publish: bool = True) -> InstrumentVersion:
    """Two agreement items in one dimension, with texts in all four languages."""
    instrument = Instrument(code=unique("form"))
    version = InstrumentVersion(instrument=instrument, version=1, default_language="ru")
    scale = ChoiceList(version=version, name="agree5")
    scale.choices = [Choice(name=str(score), position=score, score=score) for score in range(1, 6)]
    scale.choices.append(Choice(name="na", position=6, score=None))
    dimension = Dimension(version=version, code="access", position=0)
    group = Item(version=version, position=0, name="access", type="begin_group")
    version.items = [
        group,
        Item(version=version, position=1, name="easy", type="select_one", choice_list=scale, dimension=dimension,
             group=group),
        Item(version=version, position=2, name="waiting", type="select_one", choice_list=scale,
             dimension=dimension, group=group),
    ]
    keys = ["label:access", "label:easy", "label:waiting", "dimension:access"] + [
        f"choice:agree5:{choice.name}" for choice in scale.choices
    ]
    version.texts = [InstrumentText(key=key, lang=lang, text=f"{key} [{lang}]") for key in keys for lang in LANGUAGES]
    db.session.add(version)
    db.session.flush()
    if publish:
        version.status = "published"
        version.published_at = utcnow()
        db.session.flush()
    return version


def campaign(version: InstrumentVersion, providers: list[Provider], country: str = "KZ",
             starts_on: date = date(2026, 1, 1), ends_on: date = date(2026, 12, 31)) -> Campaign:
    row = Campaign(code=unique("campaign"), name="Test campaign", instrument_version=version, country=country,
                   default_language="kk" if country == "KZ" else "uk", wave=1, starts_on=starts_on,
                   ends_on=ends_on)
    db.session.add(row)
    for member in providers:
        db.session.add(CampaignProvider(campaign=row, provider=member, link_code=unique("L")[-12:]))
    db.session.flush()
    return row
