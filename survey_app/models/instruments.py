"""Instruments (questionnaires) as data: versions, items, answer scales, dimensions and their texts.

A published version never changes: the ``before_flush`` guard below refuses any change to it or
its parts, so every response keeps meaning what it meant when it was given.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from survey_app.models.base import LANGUAGES, Base, one_of, utcnow

VERSION_STATUSES = ("draft", "published")
ITEM_TYPES = (
    "select_one",
    "select_multiple",
    "integer",
    "decimal",
    "range",
    "text",
    "note",
    "calculate",
    "begin_group",
)
PROFILE_FIELDS = ("age_band", "sex", "recipient_category", "self_rated_health", "assistance")


class PublishedVersionError(RuntimeError):
    """Raised when something tries to change a published instrument version."""


class Instrument(Base):
    """A questionnaire, identified by its XLSForm ``form_id``; its content lives in versions."""

    __tablename__ = "instrument"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    versions: Mapped[list[InstrumentVersion]] = relationship(
        back_populates="instrument", order_by="InstrumentVersion.version"
    )


class InstrumentVersion(Base):
    """One version of an instrument; frozen once published."""

    __tablename__ = "instrument_version"
    __table_args__ = (
        UniqueConstraint("instrument_id", "version"),
        one_of("status", VERSION_STATUSES),
        one_of("default_language", LANGUAGES),
        CheckConstraint("version > 0", name="version_positive"),
        CheckConstraint("(status = 'published') = (published_at IS NOT NULL)", name="published_has_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instrument.id"), index=True)
    version: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    default_language: Mapped[str] = mapped_column(String(2))
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The XLSForm file this version was imported from, kept as it came.
    source: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    instrument: Mapped[Instrument] = relationship(back_populates="versions")
    items: Mapped[list[Item]] = relationship(
        back_populates="version", order_by="Item.position", cascade="all, delete-orphan",
        foreign_keys="Item.version_id",
    )
    choice_lists: Mapped[list[ChoiceList]] = relationship(back_populates="version", cascade="all, delete-orphan")
    dimensions: Mapped[list[Dimension]] = relationship(
        back_populates="version", order_by="Dimension.position", cascade="all, delete-orphan"
    )
    texts: Mapped[list[InstrumentText]] = relationship(back_populates="version", cascade="all, delete-orphan")

    @property
    def is_published(self) -> bool:
        return self.status == "published"


class ChoiceList(Base):
    """An answer scale or list of options (XLSForm ``list_name``)."""

    __tablename__ = "choice_list"
    __table_args__ = (UniqueConstraint("version_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("instrument_version.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))

    version: Mapped[InstrumentVersion] = relationship(back_populates="choice_lists")
    choices: Mapped[list[Choice]] = relationship(
        back_populates="choice_list", order_by="Choice.position", cascade="all, delete-orphan"
    )


class Choice(Base):
    """One option; ``score`` is its numeric value (NULL for "does not apply" and other non-scores)."""

    __tablename__ = "choice"
    __table_args__ = (
        UniqueConstraint("choice_list_id", "name"),
        CheckConstraint("score BETWEEN 0 AND 10", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    choice_list_id: Mapped[int] = mapped_column(ForeignKey("choice_list.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    score: Mapped[int | None] = mapped_column(SmallInteger)

    choice_list: Mapped[ChoiceList] = relationship(back_populates="choices")


class Dimension(Base):
    """A scored dimension (access, respect …) grouping 2–4 items."""

    __tablename__ = "dimension"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("instrument_version.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)

    version: Mapped[InstrumentVersion] = relationship(back_populates="dimensions")


class Item(Base):
    """One row of the XLSForm ``survey`` sheet: a question, a note, a context value or a group."""

    __tablename__ = "item"
    __table_args__ = (
        UniqueConstraint("version_id", "name"),
        UniqueConstraint("version_id", "position"),
        one_of("type", ITEM_TYPES),
        one_of("profile_field", PROFILE_FIELDS),
        CheckConstraint("type NOT IN ('select_one', 'select_multiple') OR choice_list_id IS NOT NULL",
                        name="select_has_choices"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("instrument_version.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(80))
    type: Mapped[str] = mapped_column(String(20))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"))
    choice_list_id: Mapped[int | None] = mapped_column(ForeignKey("choice_list.id"))
    dimension_id: Mapped[int | None] = mapped_column(ForeignKey("dimension.id"), index=True)
    reverse: Mapped[bool] = mapped_column(Boolean, default=False)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    relevant: Mapped[str | None] = mapped_column(Text)
    constraint: Mapped[str | None] = mapped_column(Text)
    calculation: Mapped[str | None] = mapped_column(Text)
    appearance: Mapped[str | None] = mapped_column(String(200))
    # Range parameters as "start=0 end=10 step=1", as written in XLSForm.
    parameters: Mapped[str | None] = mapped_column(String(200))
    profile_field: Mapped[str | None] = mapped_column(String(24))

    version: Mapped[InstrumentVersion] = relationship(back_populates="items", foreign_keys=[version_id])
    group: Mapped[Item | None] = relationship(remote_side=[id])
    choice_list: Mapped[ChoiceList | None] = relationship()
    dimension: Mapped[Dimension | None] = relationship()


class InstrumentText(Base):
    """Every text of a version in every language, keyed like ``label:<item>`` or ``choice:<list>:<name>``."""

    __tablename__ = "instrument_text"
    __table_args__ = (
        UniqueConstraint("version_id", "key", "lang"),
        one_of("lang", LANGUAGES),
        CheckConstraint("length(text) > 0", name="text_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("instrument_version.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    lang: Mapped[str] = mapped_column(String(2))
    text: Mapped[str] = mapped_column(Text)

    version: Mapped[InstrumentVersion] = relationship(back_populates="texts")


def _owning_version(session: Session, obj) -> InstrumentVersion | None:
    if isinstance(obj, InstrumentVersion):
        return obj
    if isinstance(obj, Choice):
        choice_list = obj.choice_list or session.get(ChoiceList, obj.choice_list_id)
        return _owning_version(session, choice_list) if choice_list is not None else None
    version = getattr(obj, "version", None)
    if version is None and getattr(obj, "version_id", None) is not None:
        version = session.get(InstrumentVersion, obj.version_id)
    return version


def _was_published(version: InstrumentVersion) -> bool:
    state = inspect(version)
    if state.pending or state.transient:
        return False
    history = state.attrs.status.history
    previous = history.deleted[0] if history.deleted else version.status
    return previous == "published"


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_published_versions(session: Session, flush_context, instances) -> None:
    guarded = (InstrumentVersion, Item, ChoiceList, Choice, Dimension, InstrumentText)
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if not isinstance(obj, guarded):
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        version = _owning_version(session, obj)
        if version is not None and _was_published(version):
            raise PublishedVersionError(
                f"Version {version.version} of this instrument is published and cannot change; "
                "import it again with a higher version number."
            )
