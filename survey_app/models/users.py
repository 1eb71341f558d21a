"""Staff users, their roles and the regions and providers they may see."""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, Column, DateTime, ForeignKey, Index, Integer, String, Table, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models.base import LANGUAGES, Base, one_of, utcnow
from survey_app.models.geography import Region
from survey_app.models.providers import Provider

ROLES = ("admin", "evaluator", "monitor", "provider_manager", "social_worker")

user_region = Table(
    "user_region",
    Base.metadata,
    Column("user_id", ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
    Column("region_id", ForeignKey("region.id"), primary_key=True),
)
user_provider = Table(
    "user_provider",
    Base.metadata,
    Column("user_id", ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
    Column("provider_id", ForeignKey("provider.id"), primary_key=True),
)


class User(UserMixin, Base):
    """A member of staff. Roles: administrator, evaluator (reads all), monitor (assigned regions and
    providers), provider manager and social worker (their own organisation)."""

    __tablename__ = "staff_user"
    __table_args__ = (
        one_of("role", ROLES),
        one_of("language", LANGUAGES),
        CheckConstraint(
            "role NOT IN ('provider_manager', 'social_worker') OR provider_id IS NOT NULL",
            name="own_organisation_set",
        ),
        CheckConstraint("failed_logins >= 0", name="failed_logins_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id"), index=True)
    language: Mapped[str | None] = mapped_column(String(2))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Set when an administrator chose the password: the user must choose their own at the next sign-in.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    provider: Mapped[Provider | None] = relationship()
    regions: Mapped[list[Region]] = relationship(secondary=user_region)
    providers: Mapped[list[Provider]] = relationship(secondary=user_provider)

    @property
    def is_active(self) -> bool:  # Flask-Login: a deactivated account cannot sign in
        return self.active

    @property
    def session_stamp(self) -> str:
        """Changes whenever the password does, so a new or reset password ends every other session."""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]

    def get_id(self) -> str:  # Flask-Login keeps this in the session; ``load_user`` checks the stamp
        return f"{self.id}:{self.session_stamp}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class LoginAttempt(Base):
    """A failed staff sign-in, counted per client for the rate limit and deleted once older than its window.

    The client's address is never stored: only a keyed hash of it (see ``survey_app.auth.throttle``).
    """

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_client_time", "client", "attempted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
