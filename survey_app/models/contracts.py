"""Funders, state social order contracts, indicator definitions and contract targets."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models.base import COUNTRIES, Base, MultilingualName, one_of
from survey_app.models.geography import Region
from survey_app.models.providers import Provider, ServiceStandard, ServiceType

FUNDER_KINDS = ("ministry", "akimat", "hromada", "oblast_administration", "donor")
CURRENCIES = ("KZT", "UAH", "USD", "EUR")
DOCUMENT_KINDS = ("contract", "amendment", "act", "report")
INDICATOR_KINDS = (
    "satisfaction_rate",  # top-2-box share of overall satisfaction
    "quality_index",  # composite quality index 0–100
    "dimension_score",  # one dimension's score 0–100
    "nps",  # Net Promoter Score −100…100
    "item_top2",  # share agreeing with the given items (custom, e.g. "could choose the provider")
    "item_mean",  # mean of the given items 1–5 (custom)
    "response_rate",  # responses / invitations
    "coverage",  # recipients surveyed / contracted
    "administrative",  # a figure entered by hand (complaints per 100 recipients …)
)
DIRECTIONS = ("higher", "lower")
UNITS = ("percent", "score", "nps", "mean", "per_100", "count")


class Funder(MultilingualName, Base):
    """A body that funds services through the state social order: ministry, akimat, hromada, donor."""

    __tablename__ = "funder"
    __table_args__ = (one_of("kind", FUNDER_KINDS), one_of("country", COUNTRIES))

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(24))
    country: Mapped[str] = mapped_column(String(2))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)

    region: Mapped[Region | None] = relationship()


contract_service = Table(
    "contract_service",
    Base.metadata,
    Column("contract_id", ForeignKey("contract.id", ondelete="CASCADE"), primary_key=True),
    Column("service_type_id", ForeignKey("service_type.id"), primary_key=True),
)


class Contract(Base):
    """A state social order contract: a funder pays a provider to serve recipients over a period."""

    __tablename__ = "contract"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="period_ordered"),
        CheckConstraint("budget >= 0", name="budget_not_negative"),
        CheckConstraint("contracted_recipients > 0", name="contracted_recipients_positive"),
        one_of("currency", CURRENCIES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    funder_id: Mapped[int] = mapped_column(ForeignKey("funder.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    standard_id: Mapped[int | None] = mapped_column(ForeignKey("service_standard.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    budget: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    currency: Mapped[str] = mapped_column(String(3))
    contracted_recipients: Mapped[int] = mapped_column(Integer)

    funder: Mapped[Funder] = relationship()
    provider: Mapped[Provider] = relationship()
    region: Mapped[Region] = relationship()
    standard: Mapped[ServiceStandard | None] = relationship()
    services: Mapped[list[ServiceType]] = relationship(secondary=contract_service)
    documents: Mapped[list[ContractDocument]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", order_by="ContractDocument.dated"
    )
    targets: Mapped[list[ContractTarget]] = relationship(back_populates="contract", cascade="all, delete-orphan")


class ContractDocument(Base):
    """A document referenced by number and date (the contract itself, amendments, acts, reports)."""

    __tablename__ = "contract_document"
    __table_args__ = (one_of("kind", DOCUMENT_KINDS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    number: Mapped[str] = mapped_column(String(60))
    dated: Mapped[date] = mapped_column(Date)

    contract: Mapped[Contract] = relationship(back_populates="documents")


class IndicatorDefinition(MultilingualName, Base):
    """What an M&E indicator measures, from which items, and which direction is better."""

    __tablename__ = "indicator_definition"
    __table_args__ = (one_of("kind", INDICATOR_KINDS), one_of("direction", DIRECTIONS), one_of("unit", UNITS))

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(24))
    direction: Mapped[str] = mapped_column(String(8))
    unit: Mapped[str] = mapped_column(String(12))
    dimension_code: Mapped[str | None] = mapped_column(String(60))
    # Space-separated item names for custom indicators (item_top2, item_mean).
    item_names: Mapped[str | None] = mapped_column(String(500))
    method_kk: Mapped[str] = mapped_column(Text, default="")
    method_ru: Mapped[str] = mapped_column(Text, default="")
    method_uk: Mapped[str] = mapped_column(Text, default="")
    method_en: Mapped[str] = mapped_column(Text, default="")

    def method(self, language: str) -> str:
        return getattr(self, f"method_{language}", "") or self.method_en


class ContractTarget(Base):
    """Baseline and target of one indicator for one contract and period."""

    __tablename__ = "contract_target"
    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period_ordered"),
        # One target per contract, indicator and period.
        UniqueConstraint("contract_id", "indicator_id", "period_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator_definition.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    baseline: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float] = mapped_column(Float)

    contract: Mapped[Contract] = relationship(back_populates="targets")
    indicator: Mapped[IndicatorDefinition] = relationship()
