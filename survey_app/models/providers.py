"""Providers of social services and the reference lists that describe them."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models.base import COUNTRIES, Base, MultilingualName, one_of
from survey_app.models.geography import Region

ORGANISATION_FORMS = ("state", "ngo", "private")
SETTINGS = ("residential", "day_care", "home_care", "temporary_stay", "specialised_centre")


class ServiceType(MultilingualName, Base):
    """Social-domestic, socio-medical, socio-psychological … (the eight types of special social services)."""

    __tablename__ = "service_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ServiceStandard(MultilingualName, Base):
    """Kazakhstan's six standards of special social services."""

    __tablename__ = "service_standard"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class RecipientCategory(MultilingualName, Base):
    """The main lens for "different categories of recipients" (older people, persons with disabilities …)."""

    __tablename__ = "recipient_category"
    __table_args__ = (one_of("country", COUNTRIES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # NULL: used in both countries; otherwise the only country where the category exists.
    country: Mapped[str | None] = mapped_column(String(2))


provider_service = Table(
    "provider_service",
    Base.metadata,
    Column("provider_id", ForeignKey("provider.id", ondelete="CASCADE"), primary_key=True),
    Column("service_type_id", ForeignKey("service_type.id"), primary_key=True),
)
provider_standard = Table(
    "provider_standard",
    Base.metadata,
    Column("provider_id", ForeignKey("provider.id", ondelete="CASCADE"), primary_key=True),
    Column("service_standard_id", ForeignKey("service_standard.id"), primary_key=True),
)
provider_category = Table(
    "provider_category",
    Base.metadata,
    Column("provider_id", ForeignKey("provider.id", ondelete="CASCADE"), primary_key=True),
    Column("recipient_category_id", ForeignKey("recipient_category.id"), primary_key=True),
)


class Provider(Base):
    """An organisation that serves recipients: state institution, NGO or private."""

    __tablename__ = "provider"
    __table_args__ = (
        one_of("org_form", ORGANISATION_FORMS),
        one_of("setting", SETTINGS),
        CheckConstraint("recipients_served >= 0", name="recipients_served_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(400))
    org_form: Mapped[str] = mapped_column(String(16))
    setting: Mapped[str] = mapped_column(String(24))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    recipients_served: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    region: Mapped[Region] = relationship()
    services: Mapped[list[ServiceType]] = relationship(secondary=provider_service)
    standards: Mapped[list[ServiceStandard]] = relationship(secondary=provider_standard)
    categories: Mapped[list[RecipientCategory]] = relationship(secondary=provider_category)

    @property
    def country(self) -> str:
        return self.region.country

    def __repr__(self) -> str:
        return f"<Provider {self.code}>"
