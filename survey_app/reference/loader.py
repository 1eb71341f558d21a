"""Load the reference lists idempotently: rows are found by code and updated, never duplicated."""

from __future__ import annotations

from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import IndicatorDefinition, RecipientCategory, Region, ServiceStandard, ServiceType
from survey_app.reference import data


def upsert(model, code: str, **values):
    """Return the row with ``code``, created or updated with ``values``."""
    row = db.session.scalar(select(model).where(model.code == code))
    if row is None:
        row = model(code=code)
        db.session.add(row)
    for key, value in values.items():
        if key == "names":
            row.set_names(value)
        else:
            setattr(row, key, value)
    return row


def load_regions() -> None:
    for code, region_names in data.KAZAKHSTAN_OBLASTS:
        upsert(Region, code, country="KZ", kind="oblast", names=region_names)
    for code, region_names in data.KAZAKHSTAN_CITIES:
        upsert(Region, code, country="KZ", kind="city", names=region_names)
    for code, region_names, hromadas in data.UKRAINE_OBLASTS:
        oblast = upsert(Region, code, country="UA", kind="oblast", names=region_names)
        db.session.flush()
        for hromada_code, hromada_names in hromadas:
            upsert(Region, hromada_code, country="UA", kind="hromada", parent_id=oblast.id, names=hromada_names)


def load_reference() -> None:
    """Regions, service types, standards, recipient categories and the indicator library."""
    load_regions()
    for position, (code, type_names) in enumerate(data.SERVICE_TYPES):
        upsert(ServiceType, code, position=position, names=type_names)
    for position, (code, standard_names) in enumerate(data.SERVICE_STANDARDS):
        upsert(ServiceStandard, code, position=position, names=standard_names)
    for position, (code, category_names, country) in enumerate(data.RECIPIENT_CATEGORIES):
        upsert(RecipientCategory, code, position=position, country=country, names=category_names)
    for code, kind, direction, unit, dimension, items, indicator_names, methods in [
        *data.INDICATORS, *data.dimension_indicators()
    ]:
        upsert(
            IndicatorDefinition, code, kind=kind, direction=direction, unit=unit, dimension_code=dimension,
            item_names=items, names=indicator_names,
            **{f"method_{language}": text for language, text in methods.items()},
        )
    db.session.flush()
