"""A published instrument version compiled for use: pages, questions, skip logic and texts.

Published versions never change, so a compiled instrument is cached per version for the life of
the process; the survey and the demo generator read instruments only through this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from survey_app.extensions import db
from survey_app.instruments.expressions import Expression, parse
from survey_app.models import InstrumentText, InstrumentVersion, Item

QUESTION_TYPES = ("select_one", "select_multiple", "integer", "decimal", "range", "text", "note")
NOT_APPLICABLE = "na"


@dataclass(frozen=True)
class Option:
    name: str
    score: int | None


@dataclass(frozen=True)
class Question:
    id: int
    name: str
    type: str
    page: str
    options: tuple[Option, ...]
    list_name: str | None
    dimension: str | None
    reverse: bool
    required: bool
    conditions: tuple[Expression, ...]  # its own relevant and those of the groups around it
    constraint: Expression | None
    profile_field: str | None
    parameters: dict[str, str] = field(default_factory=dict)

    def option(self, name: str) -> Option | None:
        return self._options_by_name.get(name) if isinstance(name, str) else None

    @cached_property
    def _options_by_name(self) -> dict[str, Option]:
        return {option.name: option for option in reversed(self.options)}  # the first of a name, as a scan finds

    @property
    def scored(self) -> bool:
        return any(option.score is not None for option in self.options)


@dataclass(frozen=True)
class Page:
    name: str
    question_names: tuple[str, ...]
    conditions: tuple[Expression, ...]


@dataclass(frozen=True)
class CompiledInstrument:
    version_id: int
    default_language: str
    pages: tuple[Page, ...]
    questions: dict[str, Question]
    context_names: tuple[str, ...]
    dimensions: tuple[str, ...]
    texts: dict[tuple[str, str], str]

    def text(self, key: str, language: str) -> str | None:
        return self.texts.get((key, language)) or self.texts.get((key, self.default_language))

    def label(self, question: Question | Page | str, language: str, proxy: bool = False) -> str:
        name = question if isinstance(question, str) else question.name
        if proxy:
            proxied = self.texts.get((f"proxy_label:{name}", language))
            if proxied:
                return proxied
        return self.text(f"label:{name}", language) or name

    def option_label(self, question: Question, option: Option, language: str) -> str:
        return self.text(f"choice:{question.list_name}:{option.name}", language) or option.name

    def is_relevant(self, conditions: tuple[Expression, ...], values: dict) -> bool:
        return all(condition.is_true(values) for condition in conditions)

    def visible_pages(self, values: dict) -> list[Page]:
        """Pages shown for these answers and context: relevant and with at least one relevant question."""
        visible = []
        for page in self.pages:
            if not self.is_relevant(page.conditions, values):
                continue
            if any(self.is_relevant(self.questions[name].conditions, values) for name in page.question_names):
                visible.append(page)
        return visible

    def relevant_questions(self, page: Page, values: dict) -> list[Question]:
        return [
            self.questions[name]
            for name in page.question_names
            if self.is_relevant(self.questions[name].conditions, values)
        ]

    def shown_questions(self, values: dict) -> list[Question]:
        """The questions of ``visible_pages`` that ``relevant_questions`` keeps, in order, in one pass: each
        condition evaluated once (a page is visible when it is relevant and one of its questions is)."""
        shown: list[Question] = []
        for conditions, questions in self._page_questions:
            if conditions and not all(condition.is_true(values) for condition in conditions):
                continue
            shown += [question for question in questions
                      if not question.conditions or all(condition.is_true(values) for condition in question.conditions)]
        return shown

    @cached_property
    def ordered_questions(self) -> tuple[Question, ...]:
        """Every question (notes too) in the questionnaire's order; computed once per compiled instrument."""
        return tuple(question for _conditions, questions in self._page_questions for question in questions)

    @cached_property
    def _page_questions(self) -> tuple[tuple[tuple[Expression, ...], tuple[Question, ...]], ...]:
        return tuple((page.conditions, tuple(self.questions[name] for name in page.question_names))
                     for page in self.pages)


def compile_version(version: InstrumentVersion, texts: list[InstrumentText]) -> CompiledInstrument:
    """Build the compiled form of a version from its rows."""
    items: list[Item] = list(version.items)
    by_id = {item.id: item for item in items}

    def conditions_of(item: Item) -> tuple[Expression, ...]:
        chain = []
        current: Item | None = item
        while current is not None:
            if current.relevant:
                chain.append(parse(current.relevant))
            current = by_id.get(current.group_id) if current.group_id else None
        return tuple(reversed(chain))

    def top_group(item: Item) -> Item | None:
        current = by_id.get(item.group_id) if item.group_id else None
        while current is not None and current.group_id:
            current = by_id[current.group_id]
        return current

    questions: dict[str, Question] = {}
    page_members: dict[str, list[str]] = {}
    page_order: list[str] = []
    page_conditions: dict[str, tuple[Expression, ...]] = {}
    for item in items:
        if item.type not in QUESTION_TYPES:
            continue
        group = top_group(item)
        page_name = group.name if group is not None else item.name
        if page_name not in page_members:
            page_members[page_name] = []
            page_order.append(page_name)
            page_conditions[page_name] = conditions_of(group) if group is not None else ()
        options = tuple(
            Option(choice.name, choice.score) for choice in (item.choice_list.choices if item.choice_list else [])
        )
        questions[item.name] = Question(
            id=item.id,
            name=item.name,
            type=item.type,
            page=page_name,
            options=options,
            list_name=item.choice_list.name if item.choice_list else None,
            dimension=item.dimension.code if item.dimension else None,
            reverse=item.reverse,
            required=item.required,
            conditions=conditions_of(item)[len(page_conditions[page_name]):],
            constraint=parse(item.constraint) if item.constraint else None,
            profile_field=item.profile_field,
            parameters=dict(pair.split("=", 1) for pair in (item.parameters or "").split()),
        )
        page_members[page_name].append(item.name)
    pages = tuple(Page(name, tuple(page_members[name]), page_conditions[name]) for name in page_order)
    return CompiledInstrument(
        version_id=version.id,
        default_language=version.default_language,
        pages=pages,
        questions=questions,
        context_names=tuple(item.name for item in items if item.type == "calculate"),
        dimensions=tuple(dimension.code for dimension in version.dimensions),
        texts={(text.key, text.lang): text.text for text in texts},
    )


@lru_cache(maxsize=32)
def _compiled_published(engine_key: int, version_id: int, published_at) -> CompiledInstrument:
    return _load(version_id)


def _load(version_id: int) -> CompiledInstrument:
    version = db.session.scalar(
        select(InstrumentVersion)
        .where(InstrumentVersion.id == version_id)
        .options(selectinload(InstrumentVersion.items).selectinload(Item.choice_list),
                 selectinload(InstrumentVersion.dimensions))
    )
    if version is None:
        raise LookupError(f"No instrument version {version_id}.")
    texts = list(db.session.scalars(select(InstrumentText).where(InstrumentText.version_id == version_id)))
    return compile_version(version, texts)


def compiled_instrument(version: InstrumentVersion) -> CompiledInstrument:
    """The compiled instrument; cached when the version is published (it can no longer change)."""
    return compiled_version(version.id, version.status, version.published_at)


def compiled_version(version_id: int, status: str, published_at) -> CompiledInstrument:
    """``compiled_instrument`` for a version read as columns (its id, status and publication time)."""
    if status == "published":
        return _compiled_published(id(db.engine), version_id, published_at)
    return _load(version_id)


def clear_cache() -> None:
    """Forget compiled instruments (tests that recreate databases reuse version ids)."""
    _compiled_published.cache_clear()
