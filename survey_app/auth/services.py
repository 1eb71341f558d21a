"""Staff accounts: creation and administration, sign-in with lockout and rate limit, passwords."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from survey_app.auth import throttle
from survey_app.auth.passwords import MIN_PASSWORD_LENGTH, hash_password, needs_rehash, verify_password
from survey_app.extensions import db
from survey_app.models import Provider, Region, User
from survey_app.models.base import utcnow
from survey_app.models.users import ROLES

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
# Verified when the e-mail is unknown, so a wrong address takes as long as a wrong password.
_DUMMY_HASH = hash_password("not-a-real-password-for-timing")


OWN_ORGANISATION_ROLES = ("provider_manager", "social_worker")
# Generated passwords: no look-alike characters (0/o, 1/l/i), four groups of four (about 78 bits).
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class AccountError(ValueError):
    """A staff account cannot be created or changed as asked.

    ``reason`` is a stable code the web pages translate (``email_taken``, ``password_short``,
    ``organisation_needed``, ``unknown_role``, ``last_admin``, ``own_account``); the message is
    English, for the command line.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class SignIn:
    user: User | None
    locked: bool = False
    limited: bool = False  # too many failed sign-ins from this client: the password was not checked


def create_user(
    email: str,
    full_name: str,
    password: str,
    role: str,
    provider: Provider | None = None,
    regions: list[Region] | None = None,
    providers: list[Provider] | None = None,
    language: str | None = None,
    must_change_password: bool = False,
    active: bool = True,
) -> User:
    """A new account. ``must_change_password``: the password was chosen for the user, who replaces it
    at the first sign-in."""
    email = _normalised_email(email)
    _check_role_and_scope(role, provider)
    _check_password(password)
    _check_email_free(email)
    user = User(
        email=email,
        full_name=full_name.strip(),
        password_hash=hash_password(password),
        role=role,
        provider=provider if role in OWN_ORGANISATION_ROLES else None,
        regions=list(regions or []) if role == "monitor" else [],
        providers=list(providers or []) if role == "monitor" else [],
        language=language or None,
        active=active,
        failed_logins=0,
        password_changed_at=utcnow(),
        must_change_password=must_change_password,
    )
    db.session.add(user)
    db.session.flush()
    return user


def update_user(
    user: User,
    acting: User,
    *,
    email: str,
    full_name: str,
    role: str,
    provider: Provider | None,
    regions: list[Region],
    providers: list[Provider],
    language: str | None,
    active: bool,
) -> User:
    """Change an account's details, role, scope or state. Scope that no longer fits the role is dropped
    (a monitor's regions when they become a provider manager, and so on)."""
    email = _normalised_email(email)
    _check_role_and_scope(role, provider)
    if email != user.email:
        _check_email_free(email)
    if user.id == acting.id and (role != user.role or not active):
        raise AccountError("own_account", "You cannot change your own role or deactivate your own account.")
    if user.role == "admin" and user.active and (role != "admin" or not active) and _active_admins() <= 1:
        raise AccountError("last_admin", "This is the last active administrator; appoint another one first.")
    user.email = email
    user.full_name = full_name.strip()
    user.role = role
    user.provider = provider if role in OWN_ORGANISATION_ROLES else None
    user.regions = list(regions) if role == "monitor" else []
    user.providers = list(providers) if role == "monitor" else []
    user.language = language or None
    user.active = active
    db.session.flush()
    return user


def set_password(user: User, password: str, must_change_password: bool = True) -> None:
    """An administrator's reset: the new password ends the user's sessions (see ``User.session_stamp``)
    and unlocks the account; by default the user must replace it at the next sign-in."""
    _check_password(password)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.must_change_password = must_change_password
    unlock(user)


def unlock(user: User) -> None:
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()


def is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > utcnow()


def generate_password() -> str:
    groups = ("".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


def _normalised_email(email: str) -> str:
    return email.strip().lower()


def _check_role_and_scope(role: str, provider: Provider | None) -> None:
    if role not in ROLES:
        raise AccountError("unknown_role", f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    if role in OWN_ORGANISATION_ROLES and provider is None:
        raise AccountError("organisation_needed",
                           "A provider manager or social worker needs their own organisation (--provider).")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password_short", f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")


def _check_email_free(email: str) -> None:
    taken = db.session.scalar(select(func.count()).select_from(User).where(User.email == email))
    if taken:
        raise AccountError("email_taken", f"There is already an account for {email}.")


def _active_admins() -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.role == "admin", User.active.is_(True))
    ) or 0


def sign_in(email: str, password: str, client_address: str | None) -> SignIn:
    """A sign-in through the web form: refused unchecked when this client has failed too often
    recently; every failure counts towards the client's limit, on top of the account's lockout."""
    throttle.purge_old_attempts()
    if throttle.is_limited(client_address):
        return SignIn(None, limited=True)
    result = authenticate(email, password)
    if result.user is None:
        throttle.record_failure(client_address)
    return result


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
    """The user's own change: False when ``current`` is wrong. Other sessions of the user end."""
    if not verify_password(user.password_hash, current):
        return False
    _check_password(new)
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    user.must_change_password = False
    db.session.flush()
    return True
