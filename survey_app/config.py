"""Configuration from the environment: the embedded default needs none, production refuses to guess."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSECURE_SECRET_KEYS = {"", "dev", "change-me", "changeme", "secret"}


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    """The embedded default: SQLite in ``instance/``, no setup needed."""

    NAME = "embedded"
    TESTING = False
    SAPA_ENV = "embedded"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    BABEL_DEFAULT_LOCALE = "ru"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
    LANGUAGES = ("kk", "ru", "uk", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "sapa"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 24 * 3600
    WTF_CSRF_TIME_LIMIT = 24 * 3600
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    # DESIGN §6: no figure from fewer than this many responses below administrator level.
    SAPA_MIN_RESPONSES = 5
    SAPA_QUICK_EXIT_URL = "https://www.google.com/search?q=weather"
    # The address printed on posters and slips (e.g. https://sapa.example.kz); the request's host if unset.
    SAPA_PUBLIC_URL: str | None = None
    # Failed staff sign-ins allowed per client address within the window (the account lockout comes on top).
    SAPA_LOGIN_ATTEMPTS = 10
    SAPA_LOGIN_WINDOW_SECONDS = 5 * 60
    # Reverse proxies in front of the app that append to X-Forwarded-For (0: clients connect directly).
    SAPA_PROXY_COUNT = 0
    # Recompute scores in the background when staff open a page and new responses have arrived.
    SAPA_AUTO_REFRESH_SCORES = True
    # Safeguarding words (survey_app.comments.safeguarding): more words, a file of them, or only those.
    SAPA_SAFEGUARDING_WORDS: dict = {}
    SAPA_SAFEGUARDING_WORDS_FILE: str | None = None
    SAPA_SAFEGUARDING_DEFAULTS = True

    def __init__(self) -> None:
        self.instance_path = Path(os.environ.get("SAPA_INSTANCE_PATH", PROJECT_ROOT / "instance"))
        url = os.environ.get("DATABASE_URL")
        if url:
            self.SQLALCHEMY_DATABASE_URI = normalise_database_url(url)
        else:
            self.SQLALCHEMY_DATABASE_URI = f"sqlite:///{self.instance_path / 'sapa.sqlite3'}"
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or self._embedded_secret_key()
        self.SAPA_MIN_RESPONSES = int(os.environ.get("SAPA_MIN_RESPONSES", self.SAPA_MIN_RESPONSES))
        self.SAPA_PUBLIC_URL = os.environ.get("SAPA_PUBLIC_URL") or None
        self.SAPA_PROXY_COUNT = int(os.environ.get("SAPA_PROXY_COUNT", self.SAPA_PROXY_COUNT))
        self.SAPA_SAFEGUARDING_WORDS_FILE = os.environ.get("SAPA_SAFEGUARDING_WORDS_FILE") or None

    def _embedded_secret_key(self) -> str:
        """A random key kept in ``instance/secret_key`` so sessions survive a restart."""
        self.instance_path.mkdir(parents=True, exist_ok=True)
        key_file = self.instance_path / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        return key_file.read_text().strip()


class ProductionConfig(Config):
    """PostgreSQL from ``DATABASE_URL`` and a real ``SECRET_KEY``, or no start at all."""

    NAME = "production"
    SAPA_ENV = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    def __init__(self) -> None:
        secret = os.environ.get("SECRET_KEY", "")
        if secret.lower() in INSECURE_SECRET_KEYS or len(secret) < 32:
            raise RuntimeError(
                "Production needs a real SECRET_KEY (at least 32 random characters) in the environment; "
                "generate one with: python -c 'import secrets; print(secrets.token_hex(32))'"
            )
        if not os.environ.get("DATABASE_URL"):
            raise RuntimeError("Production needs DATABASE_URL, e.g. postgresql://sapa:…@db-host/sapa")
        super().__init__()


class TestConfig(Config):
    """In-memory or throwaway databases, CSRF off unless a test turns it on."""

    __test__ = False  # not a pytest test class
    NAME = "test"
    SAPA_ENV = "test"
    TESTING = True
    WTF_CSRF_ENABLED = False
    SECRET_KEY = "test-secret-key-not-for-production"
    SAPA_AUTO_REFRESH_SCORES = False

    def __init__(self, database_url: str | None = None) -> None:
        self.instance_path = Path(os.environ.get("SAPA_INSTANCE_PATH", PROJECT_ROOT / "instance"))
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            database_url or os.environ.get("TEST_DATABASE_URL") or "sqlite://"
        )


CONFIGS = {"embedded": Config, "production": ProductionConfig, "test": TestConfig}


def load_config(config=None):
    """Return a config object from an object, a name, or ``SAPA_ENV`` (default "embedded")."""
    if config is None:
        config = os.environ.get("SAPA_ENV", "embedded")
    if isinstance(config, str):
        try:
            config = CONFIGS[config]
        except KeyError:
            raise RuntimeError(f"Unknown SAPA_ENV {config!r}; use one of {', '.join(CONFIGS)}.") from None
    return config() if isinstance(config, type) else config
