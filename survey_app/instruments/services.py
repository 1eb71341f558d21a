"""Store parsed XLSForms as instrument versions, publish them, and read them back."""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from survey_app.access import provider_filter
from survey_app.extensions import db
from survey_app.instruments.runtime import NOT_APPLICABLE, compiled_instrument
from survey_app.instruments.xlsform import (
    ChoiceDef,
    FormDefinition,
    ItemDef,
    apply_translations,
    completeness,
    missing_texts,
    parse_xlsform,
)
from survey_app.models import (
    LANGUAGES,
    Campaign,
    Choice,
    ChoiceList,
    Dimension,
    Instrument,
    InstrumentText,
    InstrumentVersion,
    Item,
    Response,
    User,
)
from survey_app.models.base import utcnow


class InstrumentError(ValueError):
    """An instrument version cannot be stored or published as asked; the message says why.

    ``message`` is translated when shown (a lazy string); ``missing`` is what
    :func:`missing_translations` found when publishing was refused for missing texts.
    """

    def __init__(self, message, missing: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.missing = missing or {}

    def __str__(self) -> str:
        return str(self.message)


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
            raise InstrumentError(_l(
                "Version %(version)s of “%(form_id)s” is already published and cannot change; "
                "give the changed form a higher version number in the settings sheet.",
                version=str(form.version), form_id=form.form_id,
            ))
        if _in_use(existing):
            raise InstrumentError(_l(
                "The draft version %(version)s of “%(form_id)s” is already used by a campaign and cannot be "
                "replaced; give the changed form a higher version number in the settings sheet.",
                version=str(form.version), form_id=form.form_id,
            ))
        db.session.delete(existing)
        db.session.flush()
    newest = db.session.scalar(
        select(func.max(InstrumentVersion.version)).where(
            InstrumentVersion.instrument_id == instrument.id, InstrumentVersion.status == "published"
        )
    )
    if newest is not None and form.version < newest:
        raise InstrumentError(_l(
            "Version %(version)s is lower than the published version %(newest)s of “%(form_id)s”; "
            "give the form a higher version number in the settings sheet.",
            version=str(form.version), newest=str(newest), form_id=form.form_id,
        ))
    version = InstrumentVersion(
        instrument=instrument, version=form.version, default_language=form.default_language, source=source
    )
    db.session.add(version)
    _add_content(version, form)
    db.session.flush()
    if publish:
        publish_version(version)
    return version


def _in_use(version: InstrumentVersion) -> bool:
    """Whether a campaign fields the version or a response answered it (then it cannot be deleted)."""
    return any(
        db.session.scalar(select(func.count()).select_from(model).where(column == version.id))
        for model, column in ((Campaign, Campaign.instrument_version_id), (Response, Response.instrument_version_id))
    )


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
        summary = ", ".join(f"{lang} ({len(keys)}, e.g. {keys[0]})" for lang, keys in missing.items())
        raise InstrumentError(
            _l("Cannot publish: texts are missing in %(languages)s.", languages=summary), missing=missing
        )
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
    stat = STANDARD_INSTRUMENT.stat()
    source, form = _parsed_standard(stat.st_mtime_ns, stat.st_size)
    return save_form(form, source=source, publish=True)


@lru_cache(maxsize=2)
def _parsed_standard(mtime_ns: int, size: int) -> tuple[bytes, FormDefinition]:
    """Parsing the workbook is the slow part; a published form file changes only with a deploy."""
    source = STANDARD_INSTRUMENT.read_bytes()
    return source, parse_xlsform(source)


# --------------------------------------------------------------------------- staff pages

#: Item types a recipient answers (notes, context values and groups are not questions).
ANSWERED_TYPES = ("select_one", "select_multiple", "integer", "decimal", "range", "text")


@dataclass(frozen=True)
class VersionListing:
    number: int
    status: str
    published_at: datetime | None
    languages: tuple[str, ...]
    questions: int
    responses: int


@dataclass(frozen=True)
class InstrumentListing:
    code: str
    title: str
    versions: tuple[VersionListing, ...]  # newest first


def _per_version(query) -> dict[int, int]:
    return {version_id: count for version_id, count in db.session.execute(query)}


def list_instruments(user: User, language: str) -> list[InstrumentListing]:
    """Every instrument with its versions, in a handful of queries whatever their number.

    Responses are counted within what ``user`` may see (survey_app.access).
    """
    versions = db.session.scalars(
        select(InstrumentVersion).join(InstrumentVersion.instrument)
        .order_by(Instrument.code, InstrumentVersion.version.desc())
    ).all()
    questions = _per_version(
        select(Item.version_id, func.count()).where(Item.type.in_(ANSWERED_TYPES)).group_by(Item.version_id)
    )
    responses = _per_version(
        select(Response.instrument_version_id, func.count())
        .where(provider_filter(user, Response.provider_id))
        .group_by(Response.instrument_version_id)
    )
    languages: dict[int, set[str]] = {}
    for version_id, lang in db.session.execute(select(InstrumentText.version_id, InstrumentText.lang).distinct()):
        languages.setdefault(version_id, set()).add(lang)
    titles = {
        (version_id, lang): text
        for version_id, lang, text in db.session.execute(
            select(InstrumentText.version_id, InstrumentText.lang, InstrumentText.text)
            .where(InstrumentText.key == "title")
        )
    }
    listings: dict[str, list[InstrumentVersion]] = {}
    for version in versions:
        listings.setdefault(version.instrument.code, []).append(version)
    result = []
    for code, rows in listings.items():
        newest = rows[0]
        title = titles.get((newest.id, language)) or titles.get((newest.id, newest.default_language)) or code
        result.append(InstrumentListing(
            code=code,
            title=title,
            versions=tuple(
                VersionListing(
                    number=row.version,
                    status=row.status,
                    published_at=row.published_at,
                    languages=tuple(lang for lang in LANGUAGES if lang in languages.get(row.id, ())),
                    questions=questions.get(row.id, 0),
                    responses=responses.get(row.id, 0),
                )
                for row in rows
            ),
        ))
    return result


def find_version(code: str, number: int) -> InstrumentVersion | None:
    """The version ``number`` of the instrument whose form_id is ``code``."""
    return db.session.scalar(
        select(InstrumentVersion).join(InstrumentVersion.instrument)
        .where(Instrument.code == code, InstrumentVersion.version == number)
    )


def count_responses(version: InstrumentVersion, user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Response).where(
            Response.instrument_version_id == version.id, provider_filter(user, Response.provider_id)
        )
    ) or 0


@dataclass(frozen=True)
class LanguageCompleteness:
    language: str
    translated: int
    total: int
    missing: tuple[str, ...]  # text keys, in form order

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class DimensionCount:
    code: str | None  # None: questions outside every dimension
    label: str
    questions: int


@dataclass(frozen=True)
class VersionSummary:
    pages: int
    questions: int
    by_dimension: tuple[DimensionCount, ...]
    languages: tuple[str, ...]
    completeness: tuple[LanguageCompleteness, ...]

    @property
    def complete(self) -> bool:
        return all(entry.complete for entry in self.completeness)


def translation_completeness(form: FormDefinition) -> tuple[LanguageCompleteness, ...]:
    """Per language: texts present out of the texts a complete form needs, with the missing keys."""
    counts = completeness(form)
    missing = missing_texts(form)
    return tuple(
        LanguageCompleteness(language, counts[language][0], counts[language][1], tuple(missing[language]))
        for language in LANGUAGES
    )


def version_summary(version: InstrumentVersion, language: str) -> VersionSummary:
    """What an author checks after an import: pages, questions per dimension, languages, completeness."""
    compiled = compiled_instrument(version)
    form = form_definition(version)
    answered = [question for question in compiled.questions.values() if question.type in ANSWERED_TYPES]
    per_dimension = Counter(question.dimension for question in answered)
    by_dimension = [
        DimensionCount(code, compiled.text(f"dimension:{code}", language) or code, per_dimension[code])
        for code in compiled.dimensions
    ]
    if per_dimension[None]:
        by_dimension.append(DimensionCount(None, "", per_dimension[None]))
    return VersionSummary(
        pages=len(compiled.pages),
        questions=len(answered),
        by_dimension=tuple(by_dimension),
        languages=form.languages,
        completeness=translation_completeness(form),
    )


# --------------------------------------------------------------------------- importing


@dataclass(frozen=True)
class ImportResult:
    """``outcome``: "created" (a new version), "replaced" (a draft with the same number) or "unchanged"."""

    version: InstrumentVersion
    outcome: str


def import_form(form: FormDefinition, source: bytes | None = None, publish: bool = False) -> ImportResult:
    """Store a parsed form, all or nothing.

    The same content again changes nothing (a draft keeps its place, a published version stays as it
    is); changed content under a published version number raises :class:`InstrumentError`.
    """
    existing = find_version(form.form_id, form.version)
    if existing is not None and form_definition(existing) == form:
        if publish:
            publish_version(existing)
        return ImportResult(existing, "unchanged")
    with db.session.begin_nested():
        version = save_form(form, source=source, publish=publish)
    return ImportResult(version, "created" if existing is None else "replaced")


def import_xlsform(source: bytes, publish: bool = False) -> ImportResult:
    """Parse an uploaded workbook (:class:`XLSFormError` lists its problems) and store it."""
    return import_form(parse_xlsform(source), source=source, publish=publish)


def publish_draft(version: InstrumentVersion) -> InstrumentVersion:
    """Publish a draft, all or nothing (refused with the missing texts listed)."""
    with db.session.begin_nested():
        return publish_version(version)


# --------------------------------------------------------------------------- translations


@dataclass(frozen=True)
class TranslationResult:
    """``outcome``: "unchanged", "updated" (the draft itself) or "new_draft" (the version was published)."""

    version: InstrumentVersion
    outcome: str


def upload_translations(version: InstrumentVersion, workbook: bytes) -> TranslationResult:
    """Apply a translators' workbook to ``version``.

    A draft takes the texts itself; a published version never changes, so its texts go into a new
    draft numbered one above the instrument's highest version. :class:`XLSFormError` lists the
    workbook's problems.
    """
    form = form_definition(version)
    translated = apply_translations(form, workbook)
    if translated == form:
        return TranslationResult(version, "unchanged")
    outcome = "updated"
    if version.is_published:
        highest = db.session.scalar(
            select(func.max(InstrumentVersion.version)).where(InstrumentVersion.instrument_id == version.instrument_id)
        )
        translated = dataclasses.replace(translated, version=highest + 1)
        outcome = "new_draft"
    with db.session.begin_nested():
        saved = save_form(translated, source=None, publish=False)
    return TranslationResult(saved, outcome)


# --------------------------------------------------------------------------- preview


@dataclass(frozen=True)
class PreviewOption:
    name: str
    label: str
    not_applicable: bool


@dataclass(frozen=True)
class PreviewQuestion:
    name: str
    type: str
    label: str
    hint: str | None
    options: tuple[PreviewOption, ...]
    proxy_label: str | None  # the wording when someone answers on the recipient's behalf
    conditions: tuple[str, ...]  # skip logic: shown only when all of these hold
    constraint: str | None
    required: bool
    dimension: str | None
    reverse: bool
    parameters: dict[str, str]
    untranslated: bool  # no label in this language: recipients would see the default language's


@dataclass(frozen=True)
class PreviewPage:
    name: str
    title: str
    conditions: tuple[str, ...]
    questions: tuple[PreviewQuestion, ...]


@dataclass(frozen=True)
class Preview:
    title: str
    language: str
    default_language: str
    pages: tuple[PreviewPage, ...]
    context_names: tuple[str, ...]  # values a campaign sets (e.g. the provider's setting)


def preview(version: InstrumentVersion, language: str) -> Preview:
    """Every page of ``version`` as a recipient reading ``language`` sees it, with notes for staff."""
    compiled = compiled_instrument(version)
    pages = []
    for page in compiled.pages:
        questions = []
        for name in page.question_names:
            question = compiled.questions[name]
            questions.append(PreviewQuestion(
                name=name,
                type=question.type,
                label=compiled.label(question, language),
                hint=compiled.text(f"hint:{name}", language),
                options=tuple(
                    PreviewOption(option.name, compiled.option_label(question, option, language),
                                  option.name == NOT_APPLICABLE)
                    for option in question.options
                ),
                proxy_label=compiled.text(f"proxy_label:{name}", language),
                conditions=tuple(condition.source for condition in question.conditions),
                constraint=question.constraint.source if question.constraint else None,
                required=question.required,
                dimension=question.dimension,
                reverse=question.reverse,
                parameters=question.parameters,
                untranslated=(f"label:{name}", language) not in compiled.texts,
            ))
        pages.append(PreviewPage(
            name=page.name,
            title=compiled.label(page.name, language),
            conditions=tuple(condition.source for condition in page.conditions),
            questions=tuple(questions),
        ))
    return Preview(
        title=compiled.text("title", language) or version.instrument.code,
        language=language,
        default_language=compiled.default_language,
        pages=tuple(pages),
        context_names=compiled.context_names,
    )
