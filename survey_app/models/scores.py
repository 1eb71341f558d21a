"""Stored snapshots of computed scores: staff pages read these, never every response per request.

A snapshot is computed by ``flask refresh-scores`` (and automatically after new responses) from
SQL aggregates and the ``analysis`` package; the newest finished snapshot is what pages show.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Float, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.models.base import Base, one_of, utcnow

SNAPSHOT_STATUSES = ("running", "done", "failed")
FLAGS = ("above", "within", "below")
COMPARISONS = ("above", "as_expected", "below")
LENSES = ("national", "region", "setting", "category", "service_type", "standard", "org_form", "language", "mode",
          "provider_category")


class ScoreSnapshot(Base):
    __tablename__ = "score_snapshot"
    __table_args__ = (one_of("status", SNAPSHOT_STATUSES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(8), default="running")
    # Responses covered: everything up to this id (newer responses make the snapshot stale).
    last_response_id: Mapped[int] = mapped_column(Integer, default=0)
    responses: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class ProviderScore(Base):
    """One measure of one provider in one campaign (wave): raw, case-mix adjusted and shrunken."""

    __tablename__ = "provider_score"
    __table_args__ = (
        Index("ix_provider_score_lookup", "snapshot_id", "measure", "campaign_id"),
        Index("ix_provider_score_provider", "snapshot_id", "provider_id"),
        one_of("funnel_flag", FLAGS),
        one_of("comparison", COMPARISONS),
        CheckConstraint("nobs >= 0", name="nobs_not_negative"),
        CheckConstraint("reliability BETWEEN 0 AND 1", name="reliability_range"),
    )

    snapshot_id: Mapped[int] = mapped_column(ForeignKey("score_snapshot.id", ondelete="CASCADE"), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id", ondelete="CASCADE"), primary_key=True)
    # composite, dimension:<code>, satisfaction (top-2 share, %), nps, item:<name>
    measure: Mapped[str] = mapped_column(String(100), primary_key=True)
    nobs: Mapped[int] = mapped_column(Integer)
    mean: Mapped[float | None] = mapped_column(Float)
    sd: Mapped[float | None] = mapped_column(Float)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
    adjusted: Mapped[float | None] = mapped_column(Float)
    adjusted_se: Mapped[float | None] = mapped_column(Float)
    adjusted_low: Mapped[float | None] = mapped_column(Float)
    adjusted_high: Mapped[float | None] = mapped_column(Float)
    shrunken: Mapped[float | None] = mapped_column(Float)
    shrunken_low: Mapped[float | None] = mapped_column(Float)
    shrunken_high: Mapped[float | None] = mapped_column(Float)
    reliability: Mapped[float | None] = mapped_column(Float)
    funnel_flag: Mapped[str | None] = mapped_column(String(8))
    comparison: Mapped[str | None] = mapped_column(String(12))
    grade: Mapped[int | None] = mapped_column(SmallInteger)
    not_rated_reason: Mapped[str | None] = mapped_column(String(40))


class GroupScore(Base):
    """A measure for a group of respondents (a region, a recipient category, a provider × category …)."""

    __tablename__ = "group_score"
    __table_args__ = (
        Index("ix_group_score_lookup", "snapshot_id", "lens", "measure", "campaign_id"),
        one_of("lens", LENSES),
        CheckConstraint("nobs >= 0", name="nobs_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("score_snapshot.id", ondelete="CASCADE"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    lens: Mapped[str] = mapped_column(String(20))
    group_key: Mapped[str] = mapped_column(String(80))
    # Set for the provider × category lens (the category lens across providers).
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id", ondelete="CASCADE"))
    measure: Mapped[str] = mapped_column(String(100))
    nobs: Mapped[int] = mapped_column(Integer)
    mean: Mapped[float | None] = mapped_column(Float)
    sd: Mapped[float | None] = mapped_column(Float)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
