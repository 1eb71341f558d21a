"""Rate limit on staff sign-in per client address, kept in the database so every worker shares it.

Only a keyed hash of the address is stored (HMAC with a key derived from ``SECRET_KEY``: without the
key the 2³² IPv4 addresses cannot be tried one by one), and rows older than the window are deleted
whenever the sign-in page is used. IPv6 clients are counted per /64 network, the block one
subscriber usually holds, so changing the last 64 bits does not reset the count.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from survey_app.extensions import db
from survey_app.models.base import utcnow
from survey_app.models.users import LoginAttempt


def client_key(address: str | None) -> str:
    """The keyed hash that stands for a client address (its /64 network for IPv6)."""
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        network = address or "unknown"
    else:
        if parsed.version == 6 and parsed.ipv4_mapped is not None:
            parsed = parsed.ipv4_mapped
        if parsed.version == 6:
            network = str(ipaddress.ip_network(f"{parsed}/64", strict=False))
        else:
            network = str(parsed)
    key = hmac.new(current_app.config["SECRET_KEY"].encode(), b"sapa sign-in rate limit", hashlib.sha256).digest()
    return hmac.new(key, network.encode(), hashlib.sha256).hexdigest()


def _window() -> timedelta:
    return timedelta(seconds=current_app.config["SAPA_LOGIN_WINDOW_SECONDS"])


def purge_old_attempts() -> None:
    """Forget every attempt older than the window: they no longer count, so they are not kept."""
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at < utcnow() - _window()))


def is_limited(address: str | None) -> bool:
    """True when this client has used up its failed sign-ins for the window."""
    recent = db.session.scalar(
        select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.client == client_key(address), LoginAttempt.attempted_at >= utcnow() - _window()
        )
    )
    return (recent or 0) >= current_app.config["SAPA_LOGIN_ATTEMPTS"]


def record_failure(address: str | None) -> None:
    db.session.add(LoginAttempt(client=client_key(address), attempted_at=utcnow()))
    db.session.flush()


def retry_after_seconds() -> int:
    return int(_window().total_seconds())
