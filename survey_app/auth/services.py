"""Creating staff accounts."""

from __future__ import annotations

from sqlalchemy import func, select

from survey_app.auth.passwords import MIN_PASSWORD_LENGTH, hash_password
from survey_app.extensions import db
from survey_app.models import Provider, Region, User
from survey_app.models.base import utcnow
from survey_app.models.users import ROLES


class AccountError(ValueError):
    """A staff account cannot be created as asked; the message says why."""


def create_user(
    email: str,
    full_name: str,
    password: str,
    role: str,
    provider: Provider | None = None,
    regions: list[Region] | None = None,
    providers: list[Provider] | None = None,
    language: str | None = None,
) -> User:
    email = email.strip().lower()
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    if role in ("provider_manager", "social_worker") and provider is None:
        raise AccountError("A provider manager or social worker needs their own organisation (--provider).")
    taken = db.session.scalar(select(func.count()).select_from(User).where(User.email == email))
    if taken:
        raise AccountError(f"There is already an account for {email}.")
    user = User(
        email=email,
        full_name=full_name,
        password_hash=hash_password(password),
        role=role,
        provider=provider,
        regions=list(regions or []),
        providers=list(providers or []),
        language=language,
        password_changed_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    return user
