"""Staff accounts: creation, sign-in with lockout, password change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from survey_app.auth.passwords import MIN_PASSWORD_LENGTH, hash_password, needs_rehash, verify_password
from survey_app.extensions import db
from survey_app.models import Provider, Region, User
from survey_app.models.base import utcnow
from survey_app.models.users import ROLES

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
# Verified when the e-mail is unknown, so a wrong address takes as long as a wrong password.
_DUMMY_HASH = hash_password("not-a-real-password-for-timing")


class AccountError(ValueError):
    """A staff account cannot be created as asked; the message says why."""


@dataclass(frozen=True)
class SignIn:
    user: User | None
    locked: bool = False


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


def authenticate(email: str, password: str) -> SignIn:
    """Check a sign-in. Five wrong passwords lock the account for 15 minutes."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, password)
        return SignIn(None)
    now = utcnow()
    if user.locked_until and user.locked_until > now:
        return SignIn(None, locked=True)
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
        db.session.flush()
        return SignIn(None, locked=user.locked_until is not None and user.locked_until > now)
    user.failed_logins = 0
    user.locked_until = None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.session.flush()
    return SignIn(user)


def change_password(user: User, current: str, new: str) -> bool:
    if not verify_password(user.password_hash, current):
        return False
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    db.session.flush()
    return True
