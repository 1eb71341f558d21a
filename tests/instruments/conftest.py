"""Fixtures for the questionnaire pages: a client with a fresh application context per request, and
signed-in staff of each role."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from flask.testing import FlaskClient

from survey_app.auth import passwords
from survey_app.auth.services import create_user
from tests.support import factories

PASSWORD = "instrument-tests-2026"


class FreshContextClient(FlaskClient):
    """Each request in its own application context, as in production: its own ``g`` (language,
    signed-in user) and database session, bound like the test's to the one rolled-back connection."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app, db):
    return FreshContextClient(app, app.response_class, use_cookies=True)


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch):
    """Sign-in is not under test here: the cheapest Argon2id settings save about two seconds a test."""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def sign_in(client):
    """``sign_in(role)`` creates a user with that role and signs the client in as them."""

    def sign_in_as(role: str):
        provider = factories.provider() if role in ("provider_manager", "social_worker") else None
        user = create_user(f"{factories.unique(role)}@instruments.test", f"Test {role}", PASSWORD, role,
                           provider=provider, language="en")  # the tests read the English wording
        response = client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return sign_in_as


@pytest.fixture
def admin(sign_in):
    return sign_in("admin")


@pytest.fixture
def evaluator(sign_in):
    return sign_in("evaluator")
