"""Fixtures for sign-in and user administration: more clients, accounts made quickly, and a helper
that signs in through the form."""

from __future__ import annotations

import itertools
import re

import pytest
from argon2 import PasswordHasher

from survey_app.auth import services
from tests.support import factories

PASSWORD = "correct-horse-battery"
# The same algorithm with tiny costs: each test makes accounts, and full-strength Argon2 takes a second
# per hash on a busy machine. Verification reads the costs from the hash, so sign-in works as usual.
_QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
_numbers = itertools.count(1)
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch):
    monkeypatch.setattr(services, "hash_password", _QUICK_HASHER.hash)


@pytest.fixture
def make_client(app, db):
    """Further clients (another browser, another address); each request in its own app context, like
    the root ``client``."""

    def build(**environ):
        made = app.test_client()
        made.environ_base.update(environ)
        return made

    return build


@pytest.fixture
def account(db):
    """``account(role, **scope)``: a new staff account with ``PASSWORD``."""

    def build(role: str = "monitor", **scope):
        if role in ("provider_manager", "social_worker") and "provider" not in scope:
            scope["provider"] = factories.provider()
        number = next(_numbers)
        return services.create_user(f"{role}.{number}@auth.test", f"Test {role} {number}", PASSWORD, role, **scope)

    return build


def sign_in(client, email: str, password: str = PASSWORD, **query):
    return client.post("/staff/login", query_string=query, data={"email": email, "password": password})


def csrf_token(page) -> str:
    found = CSRF_FIELD.search(page.get_data(as_text=True))
    assert found, "no CSRF token in the page"
    return found.group(1) or found.group(2)
