"""Regions: Kazakhstan's oblasts and cities of republican significance, Ukraine's oblasts and hromadas."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models.base import COUNTRIES, Base, MultilingualName, one_of

REGION_KINDS = ("oblast", "city", "hromada")


class Region(MultilingualName, Base):
    __tablename__ = "region"
    __table_args__ = (
        one_of("country", COUNTRIES),
        one_of("kind", REGION_KINDS),
        # A hromada always lies in an oblast; oblasts and cities stand alone.
        CheckConstraint("(kind = 'hromada') = (parent_id IS NOT NULL)", name="hromada_has_parent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    country: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)

    parent: Mapped[Region | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Region]] = relationship(back_populates="parent")

    def __repr__(self) -> str:
        return f"<Region {self.code}>"
