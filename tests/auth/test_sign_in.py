"""Staff sign-in: wrong passwords, the account lockout, the per-client rate limit, a fresh session at
sign-in, CSRF, sign-out, password changes, deactivated accounts, and no redirect to another site."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from flask import session
from sqlalchemy import func, select

from survey_app import create_app
from survey_app.auth import throttle
from survey_app.auth.services import MAX_FAILED_LOGINS
from survey_app.config import ProductionConfig, TestConfig
from survey_app.extensions import db as _db
from survey_app.models.base import utcnow
from survey_app.models.users import LoginAttempt
from tests.auth.conftest import PASSWORD, csrf_token, sign_in
from tests.conftest import app_in_transaction
from tests.support.clients import RequestContextClient


def signed_in(client) -> bool:
    return client.get("/staff/").status_code == 200


def text(answer) -> str:
    return answer.get_data(as_text=True)


def test_right_password_signs_in(client, account):
    user = account()
    answer = sign_in(client, user.email.upper())  # the address is not case-sensitive
    assert answer.status_code == 302 and answer.headers["Location"] == "/staff/"
    assert signed_in(client)


def test_wrong_password_is_refused_and_counted(client, db, account):
    user = account()
    answer = sign_in(client, user.email, "not-the-password", lang="en")
    assert answer.status_code == 200
    assert "The e-mail address or the password is wrong." in text(answer)
    assert not signed_in(client)
    db.session.refresh(user)
    assert user.failed_logins == 1


def test_unknown_address_gets_the_same_answer(client, account):
    answer = sign_in(client, "nobody@auth.test", lang="en")
    assert "The e-mail address or the password is wrong." in text(answer)


@pytest.mark.parametrize("body", [
    {"json": {"email": 5, "password": ["a", "b"]}},
    {"json": [1, 2]},
    {"data": {"email": (io.BytesIO(b"a@b.c"), "email.txt"), "password": (io.BytesIO(b"x"), "password.txt")}},
], ids=["JSON object", "JSON list", "files"])
def test_a_form_reads_only_form_fields(client, account, body):
    """Flask-WTF handed JSON bodies and uploaded files to every field: a number, a list or a file where the
    sign-in form expects text was a server error (found by tests/proof). They are no form fields: nothing sent."""
    answer = client.post("/staff/login?lang=en", **body)
    assert answer.status_code == 200
    assert "Enter your e-mail address." in text(answer) and "Enter your password." in text(answer)
    assert not signed_in(client)


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client, db, account):
    user = account()
    for _ in range(MAX_FAILED_LOGINS):
        answer = sign_in(client, user.email, "not-the-password", lang="en")
    assert "The account is locked for 15 minutes." in text(answer)
    db.session.refresh(user)
    assert user.locked_until > utcnow() + timedelta(minutes=14)
    answer = sign_in(client, user.email, lang="en")
    assert "The account is locked for 15 minutes." in text(answer)
    assert not signed_in(client)


def test_an_administrator_unlocks_the_account(client, make_client, db, account):
    user = account()
    for _ in range(MAX_FAILED_LOGINS):
        sign_in(client, user.email, "not-the-password")
    administrator = make_client()
    sign_in(administrator, account("admin").email)
    answer = administrator.post(f"/staff/admin/users/{user.id}/unlock")
    assert answer.status_code == 302
    db.session.refresh(user)
    assert user.locked_until is None and user.failed_logins == 0
    assert sign_in(client, user.email).status_code == 302
    assert signed_in(client)


def test_the_lock_ends_by_itself_after_15_minutes(client, db, account):
    user = account()
    user.locked_until = utcnow() - timedelta(seconds=1)
    assert sign_in(client, user.email).status_code == 302


# ------------------------------------------------------------------ rate limit per client address

def _earlier_failures(address: str, count: int, minutes_ago: float = 1) -> None:
    """Failed sign-ins from ``address`` as another worker would have stored them."""
    for _ in range(count):
        _db.session.add(LoginAttempt(client=throttle.client_key(address),
                                     attempted_at=utcnow() - timedelta(minutes=minutes_ago)))
    _db.session.flush()


def test_ten_failures_from_one_address_answer_429_in_the_users_language(app, client, db, account):
    user = account()
    assert app.config["SAPA_LOGIN_ATTEMPTS"] == 10 and app.config["SAPA_LOGIN_WINDOW_SECONDS"] == 300
    _earlier_failures("127.0.0.1", 9)
    assert sign_in(client, "someone@auth.test", "guess").status_code == 200  # the tenth failure
    answer = sign_in(client, user.email, lang="ru")  # even the right password is not checked now
    assert answer.status_code == 429
    assert "Слишком много попыток" in text(answer)
    assert answer.headers["Retry-After"] == "300"
    assert answer.headers["Cache-Control"] == "no-store"
    assert not signed_in(client)
    db.session.refresh(user)
    assert user.failed_logins == 0  # the account itself is not punished for what this address did


def test_the_limit_is_per_address(client, make_client, db, account):
    user = account()
    _earlier_failures("127.0.0.1", 10)
    assert sign_in(client, user.email).status_code == 429
    elsewhere = make_client(REMOTE_ADDR="198.51.100.7")
    assert sign_in(elsewhere, user.email).status_code == 302


def test_failures_older_than_the_window_no_longer_count_and_are_deleted(client, db, account):
    user = account()
    _earlier_failures("127.0.0.1", 10, minutes_ago=6)
    assert sign_in(client, user.email).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 0


def test_successful_sign_ins_do_not_count(client, db, account):
    user = account()
    for _ in range(3):
        assert sign_in(client, user.email).status_code == 302
        client.post("/staff/logout")
    assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 0


def test_only_a_keyed_hash_of_the_address_is_stored(app, client, db):
    sign_in(client, "nobody@auth.test", "guess")
    stored = db.session.scalars(select(LoginAttempt.client)).all()
    assert stored == [throttle.client_key("127.0.0.1")]
    assert "127.0.0.1" not in stored[0] and len(stored[0]) == 64


def test_client_keys(app):
    with app.app_context():
        key = throttle.client_key
        assert key("2001:db8:1:2:aaaa::1") == key("2001:db8:1:2:ffff::9")  # one /64: one subscriber
        assert key("2001:db8:1:2::1") != key("2001:db8:1:3::1")
        assert key("::ffff:192.0.2.1") == key("192.0.2.1")
        assert key("192.0.2.1") != key("192.0.2.2")
        assert key(None) == key("")


def test_behind_a_proxy_the_forwarded_address_counts():
    """With SAPA_PROXY_COUNT=1 the client is the address the proxy forwards, not the proxy's own."""
    config = TestConfig()
    config.SAPA_PROXY_COUNT = 1
    proxied = create_app(config)  # its own in-memory database
    proxied.test_client_class = RequestContextClient
    with proxied.app_context():
        _db.create_all()
        _db.session.add_all([LoginAttempt(client=throttle.client_key("203.0.113.9"), attempted_at=utcnow())
                             for _ in range(10)])
        _db.session.commit()
    client = proxied.test_client()
    attempt = {"email": "nobody@auth.test", "password": "guess"}
    assert client.post("/staff/login", data=attempt, headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 429
    assert client.post("/staff/login", data=attempt, headers={"X-Forwarded-For": "203.0.113.10"}).status_code == 200
    with proxied.app_context():
        _db.engine.dispose()


# ------------------------------------------------------------------ the session

def test_sign_in_starts_a_fresh_session_keeping_only_the_language(client, account):
    user = account()
    with client.session_transaction() as before:
        before["planted"] = "by someone else"
        before["lang"] = "kk"
    sign_in(client, user.email)
    with client.session_transaction() as after:
        assert "planted" not in after
        assert after["lang"] == "kk"
        assert after["_user_id"].startswith(f"{user.id}:")


def test_sign_out_clears_the_session(client, account):
    user = account()
    sign_in(client, user.email)
    answer = client.post("/staff/logout")
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    with client.session_transaction() as after:
        assert "_user_id" not in after
    assert not signed_in(client)


def test_the_session_cookie_is_http_only_and_same_site(client):
    cookie = client.get("/?lang=kk").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'production.sqlite3'}")
    monkeypatch.setenv("SAPA_INSTANCE_PATH", str(tmp_path))
    production = create_app(ProductionConfig)
    for name in ("SESSION", "REMEMBER"):
        assert production.config[f"{name}_COOKIE_SECURE"] is True
        assert production.config[f"{name}_COOKIE_HTTPONLY"] is True
        assert production.config[f"{name}_COOKIE_SAMESITE"] == "Lax"
    cookie = production.test_client().get("/staff/login", base_url="https://sapa.example").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    with production.app_context():
        _db.engine.dispose()


def test_a_login_post_without_csrf_token_is_refused(app, client, monkeypatch, account):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    user = account()
    assert sign_in(client, user.email).status_code == 400
    assert not signed_in(client)
    token = csrf_token(client.get("/staff/login"))
    answer = client.post("/staff/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 302
    assert signed_in(client)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/staff/", "http:/evil.example",
                                    "javascript:alert(1)", "staff/"])
def test_no_redirect_to_another_site_after_sign_in(client, account, target):
    answer = sign_in(client, account().email, next=target)
    assert answer.status_code == 302 and answer.headers["Location"] == "/staff/"


def test_a_path_on_this_site_is_followed_after_sign_in(client, account):
    answer = sign_in(client, account().email, next="/staff/campaigns/")
    assert answer.headers["Location"] == "/staff/campaigns/"


def test_a_deactivated_account_cannot_sign_in_and_its_sessions_end(client, make_client, db, account):
    user = account()
    other_browser = make_client()
    sign_in(other_browser, user.email)
    assert signed_in(other_browser)
    user.active = False
    db.session.flush()
    assert not signed_in(other_browser)
    answer = sign_in(client, user.email, lang="en")
    assert answer.status_code == 200 and "The e-mail address or the password is wrong." in text(answer)
    assert not signed_in(client)


# ------------------------------------------------------------------ passwords

def test_password_change(client, make_client, db, account):
    user = account()
    other_browser = make_client()
    sign_in(other_browser, user.email)
    sign_in(client, user.email)
    wrong = client.post("/staff/password?lang=en", data={"current": "nope", "new": "a-new-password-1",
                                                          "repeat": "a-new-password-1"})
    assert "The current password is wrong." in text(wrong)
    same = client.post("/staff/password?lang=en", data={"current": PASSWORD, "new": PASSWORD, "repeat": PASSWORD})
    assert "Choose a new password that differs from the current one." in text(same)
    short = client.post("/staff/password", data={"current": PASSWORD, "new": "short", "repeat": "short"})
    assert short.status_code == 200 and signed_in(client)
    changed = client.post("/staff/password", data={"current": PASSWORD, "new": "a-new-password-1",
                                                    "repeat": "a-new-password-1"})
    assert changed.status_code == 302
    assert signed_in(client)  # this session carries on with the new password's stamp
    assert not signed_in(other_browser)  # every other session ends
    client.post("/staff/logout")
    assert sign_in(client, user.email).status_code == 200  # the old password no longer works
    assert sign_in(client, user.email, "a-new-password-1").status_code == 302


def test_a_password_set_by_an_administrator_must_be_changed_first(client, db, account):
    user = account()
    user.must_change_password = True
    db.session.flush()
    answer = sign_in(client, user.email, next="/staff/campaigns/")
    assert answer.headers["Location"] == "/staff/password"
    assert client.get("/staff/").headers["Location"] == "/staff/password"
    assert client.get("/staff/campaigns/").headers["Location"] == "/staff/password"
    assert client.get("/api/v1/campaigns").status_code == 403
    assert client.get("/").status_code == 200  # public pages stay open
    page = client.get("/staff/password?lang=en")
    assert "Your password was set by an administrator." in text(page)
    client.post("/staff/password", data={"current": PASSWORD, "new": "my-own-password", "repeat": "my-own-password"})
    db.session.refresh(user)
    assert not user.must_change_password
    assert signed_in(client)


def test_the_sign_in_page_is_not_cached(client):
    assert client.get("/staff/login").headers["Cache-Control"] == "no-store"


def test_session_identifier_names_the_password(app, db, account):
    user = account()
    with app.test_request_context():
        from flask_login import login_user

        login_user(user)
        assert session["_user_id"] == f"{user.id}:{user.session_stamp}"


UNREADABLE = {"en": "Some characters here could not be read. Please type this again.",
              "ru": "Некоторые символы здесь не удалось прочитать. Пожалуйста, введите ещё раз.",
              "kk": "Мұндағы кейбір таңбалар оқылмады. Қайта теріп жазыңыз.",
              "uk": "Деякі символи тут не вдалося прочитати. Будь ласка, введіть ще раз."}


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
@pytest.mark.parametrize("language", sorted(UNREADABLE))
def test_a_nul_character_in_a_form_gets_a_message_in_the_language(request, database, language):
    """PostgreSQL can neither store nor look up a NUL: the sign-in lookup answered 500 (found by tests/proof on
    PostgreSQL). Every form now refuses the field first, on both databases alike."""
    if database == "postgresql":
        request.applymarker(pytest.mark.postgres)
    client = app_in_transaction(request, database).test_client()
    answer = sign_in(client, "someone\x00@example.org", "whatever-it-is", lang=language)
    assert answer.status_code in (200, 422) and not signed_in(client)
    assert UNREADABLE[language] in text(answer)
