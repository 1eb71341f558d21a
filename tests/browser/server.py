"""A live Sapa server with survey data, for the browser tests and the README screenshots.

The server is a real WSGI server in a thread (threaded, like production), on a free port of the
loopback address, over its own SQLite file that was migrated with ``flask db upgrade``'s function.
Nothing leaves the machine: the quick exit's "neutral site" is the same server under the name
``localhost``, which Chromium resolves to the loopback address itself (no DNS).
"""

from __future__ import annotations

import io
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select
from werkzeug.serving import make_server

from survey_app import create_app
from survey_app.config import PROJECT_ROOT, TestConfig
from survey_app.extensions import db

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
LANGUAGES = ("kk", "ru", "uk", "en")
__all__ = ["AXE", "CHROMIUM_ARGS", "LANGUAGES", "PROJECT_ROOT", "LiveServer", "chromium_path", "launch",
           "running_server"]
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


@dataclass
class LiveServer:
    """The running app and what was put in its database."""

    app: object
    url: str
    host: str
    neutral_site: str  # where "Quick exit" leads in the test app
    links: dict[str, str] = field(default_factory=dict)  # provider key -> link code (open campaigns)
    closed_link: str = ""
    codes: dict[str, str] = field(default_factory=dict)  # fresh, used, expired -> one-time code
    checks_link: str = ""  # the campaign with the required/constraint test instrument
    worker_email: str = ""
    worker_password: str = "browser-test-password-2026"

    def response_count(self) -> int:
        from survey_app.models import Response

        with self.app.app_context():
            try:
                return db.session.scalar(select(func.count()).select_from(Response))
            finally:
                db.session.remove()


# ------------------------------------------------------------------ a small instrument with checks

def _texts(prefix: str, en: str, ru: str, kk: str, uk: str) -> dict[str, str]:
    return {f"{prefix}::English (en)": en, f"{prefix}::Русский (ru)": ru, f"{prefix}::Қазақша (kk)": kk,
            f"{prefix}::Українська (uk)": uk}


def checks_workbook() -> bytes:
    """An XLSForm in sapa_core.xlsx's layout with a required question and a numeric constraint.

    Sapa Core has neither (every answer may be skipped), so validation errors can only be shown
    with a form like this one.
    """
    survey = [
        {"type": "begin group", "name": "page_checks", "appearance": "field-list",
         **_texts("label", "A few questions", "Несколько вопросов", "Бірнеше сұрақ", "Кілька запитань")},
        {"type": "select_one yesno", "name": "visited", "required": "yes",
         **_texts("label", "Did you visit the centre this month?", "Вы были в центре в этом месяце?",
                  "Осы айда орталықта болдыңыз ба?", "Ви були в центрі цього місяця?"),
         **_texts("required_message", "Please say whether you visited.", "Пожалуйста, ответьте, были ли вы.",
                  "Болғаныңызды не болмағаныңызды айтыңыз.", "Будь ласка, скажіть, чи були ви.")},
        {"type": "integer", "name": "visits", "constraint": ". >= 0 and . <= 31",
         **_texts("label", "How many times did you come?", "Сколько раз вы приходили?",
                  "Неше рет келдіңіз?", "Скільки разів ви приходили?"),
         **_texts("hint", "A number from 0 to 31.", "Число от 0 до 31.", "0-ден 31-ге дейінгі сан.",
                  "Число від 0 до 31."),
         **_texts("constraint_message", "Please enter a number from 0 to 31.",
                  "Введите число от 0 до 31.", "0-ден 31-ге дейінгі сан енгізіңіз.",
                  "Введіть число від 0 до 31.")},
        {"type": "end group"},
        {"type": "begin group", "name": "page_more", "appearance": "field-list",
         **_texts("label", "One more", "Ещё один", "Тағы бір", "Ще одне")},
        {"type": "text", "name": "remark", "appearance": "multiline",
         **_texts("label", "Anything else?", "Что-нибудь ещё?", "Тағы не айтасыз?", "Щось іще?")},
        {"type": "end group"},
    ]
    choices = [
        {"list_name": "yesno", "name": "yes", **_texts("label", "Yes", "Да", "Иә", "Так")},
        {"list_name": "yesno", "name": "no", **_texts("label", "No", "Нет", "Жоқ", "Ні")},
    ]
    settings = [{"form_id": "browser_checks", "version": 1, "default_language": "ru",
                 **_texts("form_title", "Checks", "Проверки", "Тексерулер", "Перевірки")}]
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in (("survey", survey), ("choices", choices), ("settings", settings)):
        sheet = workbook.create_sheet(name)
        columns = list(dict.fromkeys(key for row in rows for key in row))
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(column) for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------ the data

def _seed(server: LiveServer) -> None:
    from survey_app.auth.services import create_user
    from survey_app.campaigns.services import enrol_provider, issue_codes
    from survey_app.instruments.services import load_standard_instrument, save_form
    from survey_app.instruments.xlsform import parse_xlsform
    from survey_app.models import Campaign, Provider, Region, ServiceStandard
    from survey_app.models.base import today, utcnow
    from survey_app.reference.loader import load_reference

    load_reference()
    core = load_standard_instrument()
    source = checks_workbook()
    checks = save_form(parse_xlsform(source), source=source, publish=True)
    regions = {row.code: row for row in db.session.scalars(select(Region))}
    standards = {row.code: row for row in db.session.scalars(select(ServiceStandard))}

    def provider(code, name, setting, region, standard):
        row = Provider(code=code, name=name, org_form="ngo", setting=setting, region=regions[region],
                       recipients_served=80)
        row.standards = [standards[standard]]
        db.session.add(row)
        return row

    providers = {
        "residential": provider("browser-residential", "«Шаңырақ» қарттар үйі", "residential", "kz-almaty",
                                "residential"),
        "home_care": provider("browser-home-care", "Үйде күтім орталығы", "home_care", "kz-astana", "home_based"),
        "victims": provider("browser-crisis", "«Қамқор» дағдарыс орталығы", "specialised_centre", "kz-shymkent",
                            "domestic_violence"),
        "ukraine": provider("browser-ua-day", "Центр денного догляду «Надія»", "day_care", "ua-bucha",
                            "semi_residential"),
    }
    on = today()

    def campaign(code, country, version, starts_on, ends_on, closed=False):
        row = Campaign(code=code, name=code, instrument_version_id=version.id, country=country,
                       default_language="kk" if country == "KZ" else "uk", wave=1, starts_on=starts_on,
                       ends_on=ends_on, closed_at=utcnow() if closed else None)
        db.session.add(row)
        db.session.flush()
        return row

    open_kz = campaign("browser-kz", "KZ", core, on - timedelta(days=10), on + timedelta(days=30))
    open_ua = campaign("browser-ua", "UA", core, on - timedelta(days=10), on + timedelta(days=30))
    closed = campaign("browser-closed", "KZ", core, on - timedelta(days=40), on + timedelta(days=30), closed=True)
    with_checks = campaign("browser-checks", "KZ", checks, on - timedelta(days=10), on + timedelta(days=30))
    for key, row in providers.items():
        participant = enrol_provider(open_ua if key == "ukraine" else open_kz, row, target_responses=40)
        server.links[key] = participant.link_code
    server.closed_link = enrol_provider(closed, providers["residential"]).link_code
    server.checks_link = enrol_provider(with_checks, providers["victims"]).link_code

    participant = db.session.scalar(select(Campaign).where(Campaign.id == open_kz.id)).participants[0]
    fresh, used, expired = issue_codes(participant, 3, issued_on=on - timedelta(days=5))
    used.used_on = on - timedelta(days=1)
    expired.expires_on = on - timedelta(days=1)
    server.codes = {"fresh": fresh.code, "used": used.code, "expired": expired.code}

    server.worker_email = "worker@browser.test"
    create_user(server.worker_email, "Мадина Ахметова", server.worker_password, "social_worker",
                provider=providers["victims"], language="kk")
    db.session.commit()


@contextmanager
def running_server(folder: Path) -> Iterator[LiveServer]:
    """Migrate and fill a database in ``folder`` and serve the app until the block ends."""
    from flask_migrate import upgrade

    app = create_app(TestConfig(f"sqlite:///{folder}/browser.sqlite3"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    host = f"127.0.0.1:{server.server_port}"
    app.config["SAPA_QUICK_EXIT_URL"] = neutral_site = f"http://localhost:{server.server_port}/healthz"
    live = LiveServer(app=app, url=f"http://{host}", host=host, neutral_site=neutral_site)
    with app.app_context():
        upgrade()
        _seed(live)
        db.session.remove()
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


def chromium_path() -> str | None:
    """``CHROMIUM_PATH`` or the system Chromium, if it is there."""
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else shutil.which(path)


def launch(playwright, path: str):
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
