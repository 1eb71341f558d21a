"""Store parsed XLSForms as instrument versions, publish them, and read them back."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.instruments.xlsform import ChoiceDef, FormDefinition, ItemDef, parse_xlsform
from survey_app.models import (
    LANGUAGES,
    Choice,
    ChoiceList,
    Dimension,
    Instrument,
    InstrumentText,
    InstrumentVersion,
    Item,
)
from survey_app.models.base import utcnow


class InstrumentError(ValueError):
    """An instrument version cannot be stored or published as asked; the message says why."""


def save_form(form: FormDefinition, source: bytes | None = None, publish: bool = False) -> InstrumentVersion:
    """Store ``form`` as a version of its instrument (found by ``form_id``).

    The same version number again replaces a draft, returns a published version unchanged when its
    content is identical, and is refused otherwise: a published version never changes, so a changed
    form needs a higher ``version``. A version lower than the newest published one is refused.
    """
    instrument = db.session.scalar(select(Instrument).where(Instrument.code == form.form_id))
    if instrument is None:
        instrument = Instrument(code=form.form_id)
        db.session.add(instrument)
        db.session.flush()
    existing = db.session.scalar(
        select(InstrumentVersion).where(
            InstrumentVersion.instrument_id == instrument.id, InstrumentVersion.version == form.version
        )
    )
    if existing is not None:
        if existing.is_published:
            if form_definition(existing) == form:
                return existing
            raise InstrumentError(
                f"Version {form.version} of {form.form_id} is published and cannot change; "
                "give the changed form a higher version number."
            )
        db.session.delete(existing)
        db.session.flush()
    newest = db.session.scalar(
        select(func.max(InstrumentVersion.version)).where(
            InstrumentVersion.instrument_id == instrument.id, InstrumentVersion.status == "published"
        )
    )
    if newest is not None and form.version < newest:
        raise InstrumentError(
            f"Version {form.version} is lower than the published version {newest} of {form.form_id}."
        )
    version = InstrumentVersion(
        instrument=instrument, version=form.version, default_language=form.default_language, source=source
    )
    db.session.add(version)
    _add_content(version, form)
    db.session.flush()
    if publish:
        publish_version(version)
    return version


def _add_content(version: InstrumentVersion, form: FormDefinition) -> None:
    # Children are attached through the parent's collections: SQLAlchemy 2 does not cascade a
    # child into the session when only its many-to-one side is set.
    dimensions = {code: Dimension(code=code, position=i) for i, code in enumerate(form.dimensions)}
    version.dimensions = list(dimensions.values())
    choice_lists = {
        list_name: ChoiceList(
            name=list_name,
            choices=[Choice(name=choice.name, position=i, score=choice.score) for i, choice in enumerate(choices)],
        )
        for list_name, choices in form.choice_lists.items()
    }
    version.choice_lists = list(choice_lists.values())
    groups: dict[str, Item] = {}
    items = []
    for position, item_def in enumerate(form.items):
        item = Item(
            position=position,
            name=item_def.name,
            type=item_def.type,
            group=groups.get(item_def.group) if item_def.group else None,
            choice_list=choice_lists.get(item_def.list_name) if item_def.list_name else None,
            dimension=dimensions.get(item_def.dimension) if item_def.dimension else None,
            reverse=item_def.reverse,
            required=item_def.required,
            relevant=item_def.relevant,
            constraint=item_def.constraint,
            calculation=item_def.calculation,
            appearance=item_def.appearance,
            parameters=" ".join(f"{key}={value}" for key, value in item_def.parameters.items()) or None,
            profile_field=item_def.profile,
        )
        items.append(item)
        if item_def.type == "begin_group":
            groups[item_def.name] = item
    version.items = items
    version.texts = [
        InstrumentText(key=key, lang=lang, text=text) for (key, lang), text in sorted(form.texts.items())
    ]


def missing_translations(version: InstrumentVersion) -> dict[str, list[str]]:
    """Text keys that exist in some language but not in another, per missing language."""
    by_key: dict[str, set[str]] = {}
    for text in version.texts:
        by_key.setdefault(text.key, set()).add(text.lang)
    missing = {lang: sorted(key for key, langs in by_key.items() if lang not in langs) for lang in LANGUAGES}
    return {lang: keys for lang, keys in missing.items() if keys}


def publish_version(version: InstrumentVersion) -> InstrumentVersion:
    """Freeze a version. Refused while any text is missing in any of the four languages."""
    if version.is_published:
        return version
    missing = missing_translations(version)
    if missing:
        summary = "; ".join(f"{lang}: {len(keys)} (e.g. {keys[0]})" for lang, keys in missing.items())
        raise InstrumentError(f"Cannot publish: texts are missing in {summary}.")
    version.status = "published"
    version.published_at = utcnow()
    db.session.flush()
    return version


def form_definition(version: InstrumentVersion) -> FormDefinition:
    """Rebuild the parsed form of a stored version (for export and comparison)."""
    parameters = {}
    items = []
    for item in version.items:
        if item.parameters:
            parameters = dict(pair.split("=", 1) for pair in item.parameters.split())
        else:
            parameters = {}
        items.append(
            ItemDef(
                name=item.name,
                type=item.type,
                list_name=item.choice_list.name if item.choice_list else None,
                group=item.group.name if item.group else None,
                dimension=item.dimension.code if item.dimension else None,
                reverse=item.reverse,
                required=item.required,
                relevant=item.relevant,
                constraint=item.constraint,
                calculation=item.calculation,
                appearance=item.appearance,
                parameters=parameters,
                profile=item.profile_field,
                row=0,
            )
        )
    choice_lists = {
        choice_list.name: tuple(ChoiceDef(name=c.name, score=c.score, row=0) for c in choice_list.choices)
        for choice_list in sorted(version.choice_lists, key=lambda cl: cl.name)
    }
    texts = {(text.key, text.lang): text.text for text in version.texts}
    languages = tuple(lang for lang in LANGUAGES if any(text.lang == lang for text in version.texts))
    return FormDefinition(
        form_id=version.instrument.code,
        version=version.version,
        default_language=version.default_language,
        languages=languages,
        items=tuple(items),
        choice_lists=choice_lists,
        dimensions=tuple(d.code for d in version.dimensions),
        texts=texts,
    )


STANDARD_INSTRUMENT = Path(__file__).resolve().parent / "forms" / "sapa_core.xlsx"


def load_xlsform(path: Path | str, publish: bool = True) -> InstrumentVersion:
    """Parse and store an XLSForm file (publishing it unless asked not to)."""
    source = Path(path).read_bytes()
    return save_form(parse_xlsform(source), source=source, publish=publish)


def load_standard_instrument() -> InstrumentVersion:
    """Sapa Core, as kept in the repository."""
    return load_xlsform(STANDARD_INSTRUMENT)
