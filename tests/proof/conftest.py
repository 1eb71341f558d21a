"""Fixtures of the property-based proof: one seeded app per worker and database, SQLite and PostgreSQL (reference
lists, Sapa Core, the access matrix's world and the proof's own, see ``world.py``), and ``proof``: fresh clients
whose every answer is checked — no server error, no exception reaching the error handler, every refusal with a
message in the page's language — and counted. Every test runs on both databases.

Each test runs in one rolled-back transaction (the root ``db`` or ``pg_db`` fixture) shared by all its examples:
the examples build on one another's state (accounts changed, codes issued, answers saved), which is
part of what is tried, and the test leaves nothing behind.
"""

from __future__ import annotations

import functools
import importlib
import logging
import pkgutil
import re
import traceback
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from flask import got_request_exception
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Flaky

from survey_app.auth import services as auth_services
from survey_app.extensions import db as _db
from tests.conftest import app_in_transaction
from tests.proof.messages import LanguageCheck, error_messages, json_messages, refusal_messages
from tests.proof.world import QUICK_HASHER, ProofWorld, build_proof_world
from tests.support.clients import RequestContextClient
from tests.survey.conftest import seeded_app

# Reproducible in CI: the same examples on every run, nothing kept between runs. No deadline: the
# machine's load decides how long a request takes, not the code. The examples of a test share its
# transaction (function-scoped ``db`` and ``proof`` on purpose, see above), and requests are slower
# to make than Hypothesis expects of a data generator. No shrinking: an example replayed on the state
# its predecessors left is not the same example, and shrinking took minutes; a failure names its request.
PROOF = settings(
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


CSRF_TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@contextmanager
def csrf_protection(app, on: bool):
    """CSRF protection on or off for the requests inside (off, the forms' own checks are reached)."""
    before = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = on
    try:
        yield
    finally:
        app.config["WTF_CSRF_ENABLED"] = before


class ServerErrors(logging.Handler):
    """Collects what reaches ``app.logger`` at ERROR: the catch-all error handler logs every exception."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(self.format(record))


@dataclass(repr=False)
class Proof:
    """Makes checked clients and counts their requests."""

    app: object
    world: ProofWorld
    errors: ServerErrors
    languages: LanguageCheck = field(default_factory=LanguageCheck)
    requests: int = 0
    refusals: int = 0
    # (what, status) -> how often: a test asserts that its generators reach the forms' success paths too.
    outcomes: Counter = field(default_factory=Counter)
    state: dict = field(default_factory=dict)  # what a test's examples hand on to later ones (ids made)
    failures: list[str] = field(default_factory=list)  # tracebacks, as the examples failed (see ``recorded``)

    def __repr__(self) -> str:  # Hypothesis prints the arguments of a failing example
        return f"<Proof {self.requests} requests>"

    def client(self, role: str | None = None, cookie: str | None = None, **environ) -> CheckedClient:
        """A fresh browser, signed in as ``role`` of the world (or with this session ``cookie``)."""
        made = self.app.test_client()
        made.proof = self
        made.environ_base.update(environ)
        cookie = self.world.cookies[role] if role is not None else cookie
        if cookie is not None:
            made.set_cookie(self.app.config["SESSION_COOKIE_NAME"], cookie)
        return made

    def sent_at_least(self, floor: int) -> None:
        """The test sent its share of the proof's promised requests. The examples are the same on every run
        (``derandomize``), but Hypothesis also draws strings and numbers from every project module loaded (tests
        excepted), so adding code — or importing a module at collection that was not imported before — moves them."""
        assert self.requests >= floor, (
            f"{self.requests} requests, fewer than this test's floor of {floor}. If the test itself did not change, "
            "Hypothesis's examples moved with the project's constants (a module added, or imported earlier): see "
            "that the forms' plain requests are still sent first, then lower the floor or raise the examples, "
            "keeping the sum of the floors at PROMISED.")

    def count(self, what: str | None, answer):
        """Counts the answer's status under ``what`` (for ``expect``; nothing when ``what`` is None); the answer."""
        if what:
            self.outcomes[what, answer.status_code] += 1
        return answer

    def inspect(self, answer, what: str, language: str | None = None) -> None:
        """``language``: the language a JSON answer must speak (a page says its own)."""
        self.requests += 1
        reported, self.errors.records[:] = list(self.errors.records), []
        assert not reported, f"{what}: an exception reached the error handler:\n{reported[0]}"
        assert answer.status_code < 500, f"{what}: {answer.status_code}"
        refused = 400 <= answer.status_code < 500
        if answer.mimetype == "text/html":
            page = answer.get_data(as_text=True)
            messages = refusal_messages(page) if refused else error_messages(page)
            assert messages or not refused, f"{what}: a {answer.status_code} page without a message:\n{page[:3000]}"
            problems = self.languages.problems(page, messages)
        elif answer.mimetype == "application/json" and refused:
            messages = json_messages(answer.get_json(silent=True))
            assert messages, f"{what}: a {answer.status_code} JSON answer without a message: {answer.get_data()[:500]}"
            problems = self.languages.problems_in(language, messages)
        else:
            assert not refused, f"{what}: a {answer.status_code} {answer.mimetype!r} answer, no page or JSON message"
            return
        self.refusals += refused
        assert not problems, f"{what}: {answer.status_code} answer: " + "; ".join(problems)


def recorded(example):
    """Keeps each failure of an example (apply under ``@given``). Hypothesis replays a failing example to confirm
    it; replayed on the state its predecessors left, it may fail otherwise or not at all, and Hypothesis then
    reports only that the test is flaky: ``run`` shows the first failure instead."""

    @functools.wraps(example)
    def kept(proof, *args, **kwargs):
        try:
            return example(proof, *args, **kwargs)
        except Exception:
            proof.failures.append(traceback.format_exc())
            raise

    return kept


def run(proof, examples, **arguments) -> None:
    """Runs the examples of a property; when Hypothesis calls them flaky, fails with the first failure."""
    try:
        examples(proof, **arguments)
    except Flaky as flaky:
        if not proof.failures:
            raise
        raise AssertionError(f"the first failing example (its replay did not fail the same way):\n"
                             f"{proof.failures[0]}") from flaky


def send_plain_first(proof, requests, **arguments) -> None:
    """``requests(proof, data, **arguments)`` — each form's plain requests, a success and a refusal — once, before a
    test's examples, so that its ``expect`` is met whatever they draw: they move with any string or number added to
    the project's source (Hypothesis draws constants from it), and some answers were reached by one example in a
    hundred. In an example of their own: steps taken by some examples and not by others with the same draws make
    Hypothesis's record of the draws inconsistent."""

    @settings(PROOF, max_examples=1)
    @given(data=st.data())
    @recorded
    def once(proof, data):
        requests(proof, data, **arguments)

    run(proof, once)


def expect(proof, *outcomes: tuple[str, int]) -> None:
    """The generators reached each of these answers (a form's success and its refusals) at least once."""
    missing = [outcome for outcome in outcomes if not proof.outcomes[outcome]]
    assert not missing, f"never answered: {missing}; answered: {sorted(proof.outcomes.items())}"


class CheckedClient(RequestContextClient):
    """Reads every answer while its application context is open (a streamed export is then complete)
    and has the proof check it. ``language=`` states the language a JSON answer must be in."""

    proof: Proof

    def open(self, *args, language: str | None = None, **kwargs):
        with self.application.app_context():
            answer = super().open(*args, **kwargs)
            answer.get_data()
            answer.close()
        # A multipart body of more than 500 kB is written to a temporary file that Werkzeug's test client never
        # closes (a ResourceWarning, an error here, when it is collected).
        answer.request.environ["wsgi.input"].close()
        method = kwargs.get("method") or (args[1] if len(args) > 1 and isinstance(args[1], str) else "GET")
        where = args[0] if args and isinstance(args[0], str) else kwargs.get("path", "?")
        self.proof.inspect(answer, f"{method} {str(where)[:200]}", language)
        return answer


def _import_the_project() -> None:
    """Hypothesis now and then draws a constant it found in the project's own modules (a string or number in
    their source). A module a request imports lazily in the middle of a test would change what the following
    examples draw (FlakyStrategyDefinition), and which examples a run tries. Every module is imported first."""
    import analysis
    import survey_app

    for package in (survey_app, analysis):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            try:
                importlib.import_module(module.name)
            except Exception:  # what cannot be imported, no request imports either
                continue


def _proof_app(database_url: str | None = None):
    _import_the_project()
    application = seeded_app(database_url)
    application.test_client_class = CheckedClient
    errors = ServerErrors()
    application.logger.addHandler(errors)

    def exception_sent(sender, exception, **extra):
        errors.records.append(f"got_request_exception: {exception!r}")

    got_request_exception.connect(exception_sent, application, weak=False)
    with application.app_context():
        world = build_proof_world(application)
    application.extensions["proof"] = (world, errors)
    return application


@pytest.fixture(scope="session")
def app():
    """Overrides the root ``app``: seeded once per worker, each test rolled back."""
    return _proof_app()


@pytest.fixture(scope="session")
def pg_app(postgres):
    """The same on the throwaway PostgreSQL (what production runs)."""
    application = _proof_app(postgres.create_database("sapa_proof"))
    yield application
    with application.app_context():
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def quick_passwords(monkeypatch):
    """Argon2 at full strength costs a second a hash on a loaded machine; the rules around it are what
    is tested. Unknown addresses are checked against a quick dummy hash too."""
    monkeypatch.setattr(auth_services, "hash_password", QUICK_HASHER.hash)
    monkeypatch.setattr(auth_services, "_DUMMY_HASH", QUICK_HASHER.hash("not-a-real-password-for-timing"))


@pytest.fixture(params=["sqlite", "postgresql"])
def proof(request) -> Proof:
    """Every test of the proof on the embedded SQLite and on PostgreSQL, which refuses some input SQLite takes
    (a NUL in text, an id beyond its 32-bit integers): both answered with server errors before. The test's
    examples share one transaction (``db`` or ``pg_db``, rolled back at its end)."""
    application = app_in_transaction(request, request.param)
    world, errors = application.extensions["proof"]
    errors.records.clear()
    return Proof(application, world, errors)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """The test's report carries its proof's counts (``pytest_terminal_summary`` lists them, also under xdist)."""
    outcome = yield
    made = getattr(item, "funcargs", {}).get("proof")
    if call.when == "call" and made is not None:
        outcome.get_result().user_properties += [("proof_requests", made.requests), ("proof_refusals", made.refusals)]


def pytest_terminal_summary(terminalreporter):
    """How many requests each test of the proof made (also under xdist: the reports carry the counts)."""
    rows = [(report.nodeid, dict(report.user_properties)) for report in terminalreporter.stats.get("passed", ())
            if report.when == "call" and any(name == "proof_requests" for name, _ in report.user_properties)]
    if not rows:
        return
    terminalreporter.section("requests of the property-based proof")
    for nodeid, counts in rows:
        terminalreporter.write_line(f"{counts['proof_requests']:6d} requests, {counts['proof_refusals']:5d} refused  "
                                    f"{nodeid}")
    terminalreporter.write_line(f"{sum(counts['proof_requests'] for _, counts in rows):6d} requests in all")
