"""Declarative base, constraint naming and the small column helpers every model uses."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import CheckConstraint, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

LANGUAGES = ("kk", "ru", "uk", "en")
COUNTRIES = ("KZ", "UA")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def one_of(column: str, values, name: str | None = None) -> CheckConstraint:
    """A CHECK that ``column`` holds one of ``values`` (NULL passes unless the column is NOT NULL)."""
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name or f"{column}_allowed")


def utcnow() -> datetime:
    """Naive UTC timestamp (stored the same way on SQLite and PostgreSQL)."""
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    return utcnow().date()


class MultilingualName:
    """A name in each interface language (reference data: regions, categories, service types…)."""

    name_kk: Mapped[str] = mapped_column(String(300))
    name_ru: Mapped[str] = mapped_column(String(300))
    name_uk: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))

    def name(self, language: str) -> str:
        return getattr(self, f"name_{language}", None) or self.name_en

    def set_names(self, names: dict[str, str]) -> None:
        for language in LANGUAGES:
            setattr(self, f"name_{language}", names[language])
