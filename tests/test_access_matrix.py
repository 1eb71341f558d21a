"""Who may open what: every route of the app, every role, an object in scope, out of scope and missing.

``MATRIX`` below is the access policy written down, one row per route and method. Each row gives, for
the anonymous visitor and each staff role, the status expected, either one for every object or one per
object (in the user's scope, out of it, missing). ``test_every_route_has_a_row`` fails when a route
exists without a row and when a row names a route that no longer exists: whoever adds a route adds its
row here, and so decides who may open it.

The world is small and built once: two Kazakh oblasts A and B, provider IN in A and OUT in B; the
monitor is assigned A, the provider manager and the social worker work at IN; campaign BOTH has the two
providers and campaign OUT_ONLY has OUT alone; each provider has six responses (above the rule on small
numbers), one-time codes issued today and a paper batch. Each case runs in its own rolled-back
transaction with a fresh client carrying the role's session cookie.

Statuses: a number is that status; ``LOGIN`` is a redirect to the sign-in page; ``To(path)`` is a
redirect elsewhere, to a location starting with ``path``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from unittest.mock import patch
from urllib.parse import urlsplit

import pytest
from argon2 import PasswordHasher
from flask import session, url_for
from flask_login import login_user
from sqlalchemy import select

from survey_app import create_app
from survey_app.auth.services import create_user
from survey_app.campaigns.services import enrol_provider, issue_codes
from survey_app.comments.alerts import raise_safeguarding_alerts
from survey_app.config import TestConfig
from survey_app.extensions import db as _db
from survey_app.models import (
    Answer,
    Campaign,
    Contract,
    ContractTarget,
    Funder,
    IndicatorDefinition,
    InstrumentText,
    InstrumentVersion,
    Item,
    PaperBatch,
    Response,
    User,
)
from survey_app.models.base import LANGUAGES, today, utcnow
from survey_app.models.monitoring import AdministrativeFigure
from survey_app.models.safeguarding import SafeguardingAlert
from tests.support import factories
from tests.support.clients import RequestContextClient

PASSWORD = "matrix-password-2026"
CHEAP_HASH = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
ROLES = ("anonymous", "admin", "evaluator", "monitor", "provider_manager", "social_worker")
IN, OUT, NONE = "in", "out", "none"
SCOPED = (IN, OUT, NONE)  # the route names an object that may be in or out of the user's scope
EXISTS = (IN, NONE)  # the route names an object that is not scoped (an instrument, a file)
PLAIN = (IN,)  # the route names no object
MISSING_ID = 987_654
# Names that no staff page may show to a user whose scope does not include them.
OUT_OF_SCOPE_NAME = "Zeta Outside Residential Home"
OUT_OF_SCOPE_CAMPAIGN = "Zeta-only wave"
OUT_OF_SCOPE_COMMENT = "Zeta comment"
OUT_OF_SCOPE_CONTRACT = "ZETA-CONTRACT-9"
SCOPED_ROLES = ("monitor", "provider_manager", "social_worker")


@dataclass(frozen=True)
class To:
    """A redirect (302) to a location whose path starts with ``path`` (is ``path``, when ``exact``)."""

    path: str
    exact: bool = False


LOGIN = To("/staff/login")
STAFF_HOME = To("/staff/")
ACCOUNT = To("/staff/admin/users/")
CAMPAIGN_PAGE = To("/staff/campaigns/")
INSTRUMENT_PAGE = To("/staff/instruments/")
BATCH_PAGE = To("/staff/intake/batches/")
EXPORT_FORM = To("/staff/exports/")
FIRST_QUESTION = To("/q/1")
COMMENTS = To("/staff/comments/")
ALERT = To("/staff/comments/alerts/")
# The forms of one contract (and its targets and figures) for administrators and evaluators; an
# empty POST comes back with its errors (422).
CONTRACT_FORMS = ("contracts.edit_contract", "contracts.new_target", "contracts.edit_target", "contracts.delete_target",
                  "contracts.new_figure", "contracts.edit_figure", "contracts.delete_figure", "contracts.assessment")
EDITED = (422, 422, 404)
# Per-object statuses for a page that shows one object:
ALL = (200, 200, 404)  # sees every object; a missing one is not found
OWN = (200, 404, 404)  # sees objects in scope; one out of scope is answered exactly like a missing one


@dataclass(frozen=True)
class Row:
    anonymous: object
    admin: object
    evaluator: object
    monitor: object
    provider_manager: object
    social_worker: object
    objects: tuple[str, ...] = PLAIN
    # Form fields of a POST and query arguments: a dict, or a function (world, object) -> dict.
    data: object = field(default_factory=dict)
    query: object = field(default_factory=dict)

    def expected(self, role: str, obj: str):
        value = getattr(self, role)
        if isinstance(value, tuple):
            assert len(value) == len(self.objects), f"{role}: {value} does not match objects {self.objects}"
            return value[self.objects.index(obj)]
        return value


def everyone(status, objects=PLAIN, **options) -> Row:
    return Row(status, status, status, status, status, status, objects=objects, **options)


def staff(status, objects=PLAIN, **options) -> Row:
    """Any signed-in member of staff; the anonymous visitor is sent to sign in."""
    return Row(LOGIN, status, status, status, status, status, objects=objects, **options)


# ----------------------------------------------------------------------------------------------- the matrix
# Column order: anonymous, admin, evaluator, monitor, provider_manager, social_worker.
MATRIX: dict[tuple[str, str], Row] = {
    # Public pages and files
    ("main.home", "GET"): everyone(200),
    ("main.health", "GET"): everyone(200),
    ("static", "GET"): everyone((200, 404), objects=EXISTS),

    # Sign-in: a signed-in user is sent on to the staff home
    ("auth.login", "GET"): Row(200, STAFF_HOME, STAFF_HOME, STAFF_HOME, STAFF_HOME, STAFF_HOME),
    ("auth.login", "POST"): Row(200, STAFF_HOME, STAFF_HOME, STAFF_HOME, STAFF_HOME, STAFF_HOME,
                                data={"email": "nobody@matrix.test", "password": "wrong-password"}),
    ("auth.logout", "POST"): staff(To("/", exact=True)),
    ("auth.password", "GET"): staff(200),
    ("auth.password", "POST"): staff(200),  # empty form: shown again with its errors

    # Dashboards: every member of staff, each within their scope
    ("staff.home", "GET"): staff(200),
    ("staff.provider", "GET"): Row(LOGIN, ALL, ALL, OWN, OWN, OWN, objects=SCOPED),
    ("staff.plotly_script", "GET"): staff(200),

    # Comparing providers and recipient categories: not social workers; each within their scope (the
    # pages take the wave as a query argument; a wave outside the scope is not found)
    ("compare.providers", "GET"): Row(LOGIN, 200, 200, 200, 200, 403),
    ("compare.providers_file", "GET"): Row(LOGIN, 200, 200, 200, 200, 403),
    ("compare.categories", "GET"): Row(LOGIN, 200, 200, 200, 200, 403),
    ("compare.static", "GET"): Row(LOGIN, (200, 404), (200, 404), (200, 404), (200, 404), 403, objects=EXISTS),
    # The JSON API: the comparison pages' roles and scope; an anonymous caller gets 401, not a redirect
    ("api.campaigns", "GET"): Row(401, 200, 200, 200, 200, 403),
    ("api.providers", "GET"): Row(401, 200, 200, 200, 200, 403),
    ("api.provider", "GET"): Row(401, ALL, ALL, OWN, OWN, 403, objects=SCOPED),
    ("api.groups", "GET"): Row(401, 200, 200, 200, 200, 403),

    # User administration: administrators only, refused before any account is looked up
    ("admin.users", "GET"): Row(LOGIN, 200, 403, 403, 403, 403),
    ("admin.new_user", "GET"): Row(LOGIN, 200, 403, 403, 403, 403),
    ("admin.new_user", "POST"): Row(LOGIN, 422, 403, 403, 403, 403),
    ("admin.edit_user", "GET"): Row(LOGIN, ALL, 403, 403, 403, 403, objects=SCOPED),
    ("admin.edit_user", "POST"): Row(LOGIN, (422, 422, 404), 403, 403, 403, 403, objects=SCOPED),
    ("admin.unlock_user", "POST"): Row(LOGIN, (ACCOUNT, ACCOUNT, 404), 403, 403, 403, 403, objects=SCOPED),
    ("admin.reset_password", "GET"): Row(LOGIN, ALL, 403, 403, 403, 403, objects=SCOPED),
    ("admin.reset_password", "POST"): Row(LOGIN, ALL, 403, 403, 403, 403, objects=SCOPED),
    ("admin.static", "GET"): Row(LOGIN, (200, 404), 403, 403, 403, 403, objects=EXISTS),

    # Campaigns: every member of staff, each within their scope; codes and slips for CODE_ROLES only
    ("campaigns.index", "GET"): staff(200),
    ("campaigns.campaign", "GET"): Row(LOGIN, ALL, ALL, OWN, OWN, OWN, objects=SCOPED),
    ("campaigns.participant", "GET"): Row(LOGIN, ALL, ALL, OWN, OWN, OWN, objects=SCOPED),
    ("campaigns.qr", "GET"): Row(LOGIN, ALL, ALL, OWN, OWN, OWN, objects=SCOPED),
    ("campaigns.poster_as_svg", "GET"): Row(LOGIN, ALL, ALL, OWN, OWN, OWN, objects=SCOPED),
    ("campaigns.poster_as_pdf", "GET"): Row(LOGIN, ALL, ALL, OWN, OWN, OWN, objects=SCOPED),
    ("campaigns.issue", "POST"): Row(LOGIN, (CAMPAIGN_PAGE, CAMPAIGN_PAGE, 404), 403,
                                     (CAMPAIGN_PAGE, 404, 404), (CAMPAIGN_PAGE, 404, 404), 403,
                                     objects=SCOPED, data={"count": "1"}),
    ("campaigns.slips", "GET"): Row(LOGIN, ALL, 403, OWN, OWN, 403, objects=SCOPED,
                                    query=lambda world, obj: {"issued": today().isoformat()}),

    # Questionnaires: administrators and evaluators look, administrators change
    ("instruments_admin.index", "GET"): Row(LOGIN, 200, 200, 403, 403, 403),
    ("instruments_admin.import_form", "GET"): Row(LOGIN, 200, 403, 403, 403, 403),
    ("instruments_admin.import_form", "POST"): Row(LOGIN, 422, 403, 403, 403, 403),
    ("instruments_admin.version", "GET"): Row(LOGIN, (200, 404), (200, 404), 403, 403, 403, objects=EXISTS),
    ("instruments_admin.preview", "GET"): Row(LOGIN, (200, 404), (200, 404), 403, 403, 403, objects=EXISTS),
    ("instruments_admin.export", "GET"): Row(LOGIN, (200, 404), (200, 404), 403, 403, 403, objects=EXISTS),
    ("instruments_admin.translations", "GET"): Row(LOGIN, (200, 404), (200, 404), 403, 403, 403, objects=EXISTS),
    ("instruments_admin.upload_translations", "POST"): Row(LOGIN, (422, 404), 403, 403, 403, 403, objects=EXISTS),
    ("instruments_admin.publish", "POST"): Row(LOGIN, (INSTRUMENT_PAGE, 404), 403, 403, 403, 403,
                                               objects=EXISTS),
    # A style sheet, public like the site's own (it holds no data)
    ("instruments_admin.static", "GET"): everyone((200, 404), objects=EXISTS),

    # Paper and imports: everyone but evaluators, each within their scope
    ("intake.index", "GET"): Row(LOGIN, 200, 403, 200, 200, 200),
    ("intake.import_file", "GET"): Row(LOGIN, 200, 403, 200, 200, 200),
    ("intake.import_file", "POST"): Row(LOGIN, 422, 403, 422, 422, 422),  # no file sent
    # A batch for a provider outside the scope is refused as a choice that is not offered (422).
    ("intake.new_batch", "POST"): Row(LOGIN, (BATCH_PAGE, BATCH_PAGE, 422), 403, (BATCH_PAGE, 422, 422),
                                      (BATCH_PAGE, 422, 422), (BATCH_PAGE, 422, 422), objects=SCOPED,
                                      query=lambda world, obj: {"campaign": world.ids["campaign_both"][IN]},
                                      data=lambda world, obj: {"provider": world.ids["provider_id"][obj],
                                                               "number": "N-7", "collected_on": today().isoformat()}),
    ("intake.batches", "GET"): Row(LOGIN, To("/staff/intake/"), 403, To("/staff/intake/"), To("/staff/intake/"),
                                   To("/staff/intake/")),
    ("intake.batch", "GET"): Row(LOGIN, ALL, 403, OWN, OWN, OWN, objects=SCOPED),
    ("intake.key", "GET"): Row(LOGIN, ALL, 403, OWN, OWN, OWN, objects=SCOPED),
    ("intake.key", "POST"): Row(LOGIN, (422, 422, 404), 403, (422, 404, 404), (422, 404, 404), (422, 404, 404),
                                objects=SCOPED),  # nothing keyed: the form comes back
    # No differences to resolve: back to the batch.
    ("intake.resolve", "GET"): Row(LOGIN, (BATCH_PAGE, BATCH_PAGE, 404), 403, (BATCH_PAGE, 404, 404),
                                   (BATCH_PAGE, 404, 404), (BATCH_PAGE, 404, 404), objects=SCOPED),
    ("intake.resolve", "POST"): Row(LOGIN, (BATCH_PAGE, BATCH_PAGE, 404), 403, (BATCH_PAGE, 404, 404),
                                    (BATCH_PAGE, 404, 404), (BATCH_PAGE, 404, 404), objects=SCOPED),
    ("intake.static", "GET"): Row(LOGIN, (200, 404), 403, (200, 404), (200, 404), (200, 404), objects=EXISTS),

    # Data exports: not social workers; a provider outside the scope is not offered, so the download
    # goes back to the form (which says why), exactly as for a provider that does not exist
    ("exports.index", "GET"): Row(LOGIN, 200, 200, 200, 200, 403),
    ("exports.download", "GET"): Row(LOGIN, (200, 200, EXPORT_FORM), (200, 200, EXPORT_FORM),
                                     (200, EXPORT_FORM, EXPORT_FORM), (200, EXPORT_FORM, EXPORT_FORM), 403,
                                     objects=SCOPED,
                                     query=lambda world, obj: {"provider": world.ids["provider_id"][obj],
                                                               "file_format": "csv"}),

    # Comments: not social workers; safeguarding alerts for administrators, evaluators and the
    # provider's monitors only, never for the provider's own staff
    ("comments.index", "GET"): Row(LOGIN, 200, 200, 200, 200, 403),
    ("comments.export", "GET"): Row(LOGIN, 200, 200, 200, 200, 403),
    ("comments.provider", "GET"): Row(LOGIN, (COMMENTS, COMMENTS, 404), (COMMENTS, COMMENTS, 404),
                                      (COMMENTS, 404, 404), (COMMENTS, 404, 404), 403, objects=SCOPED),
    ("comments.alerts", "GET"): Row(LOGIN, 200, 200, 200, 403, 403),
    ("comments.alert", "GET"): Row(LOGIN, ALL, ALL, OWN, 403, 403, objects=SCOPED),
    ("comments.acknowledge_alert", "POST"): Row(LOGIN, (ALERT, ALERT, 404), (ALERT, ALERT, 404), (ALERT, 404, 404),
                                                403, 403, objects=SCOPED, data={"note": "Called the provider."}),
    ("comments.static", "GET"): staff((200, 404), objects=EXISTS),

    # Contracts: read by administrators, evaluators, monitors and provider managers within their
    # scope; targets, figures and assessments changed by administrators and evaluators; the import
    # and the indicator library's additions by administrators; nothing for social workers
    ("contracts.index", "GET"): Row(LOGIN, 200, 200, 200, 200, 403),
    ("contracts.portfolio_view", "GET"): Row(LOGIN, 200, 200, 200, 200, 403),
    ("contracts.indicators", "GET"): Row(LOGIN, 200, 200, 200, 200, 403),
    ("contracts.contract", "GET"): Row(LOGIN, ALL, ALL, OWN, OWN, 403, objects=SCOPED),
    ("contracts.report", "GET"): Row(LOGIN, ALL, ALL, OWN, OWN, 403, objects=SCOPED),
    ("contracts.static", "GET"): Row(LOGIN, (200, 404), (200, 404), (200, 404), (200, 404), 403, objects=EXISTS),
    ("contracts.new_contract", "GET"): Row(LOGIN, 200, 200, 403, 403, 403),
    ("contracts.new_contract", "POST"): Row(LOGIN, 422, 422, 403, 403, 403),
    **{(endpoint, "GET"): Row(LOGIN, ALL, ALL, 403, 403, 403, objects=SCOPED) for endpoint in CONTRACT_FORMS},
    **{(endpoint, "POST"): Row(LOGIN, EDITED, EDITED, 403, 403, 403, objects=SCOPED) for endpoint in CONTRACT_FORMS},
    ("contracts.new_indicator", "GET"): Row(LOGIN, 200, 403, 403, 403, 403),
    ("contracts.new_indicator", "POST"): Row(LOGIN, 422, 403, 403, 403, 403),
    ("contracts.import_contracts", "GET"): Row(LOGIN, 200, 403, 403, 403, 403),
    ("contracts.import_contracts", "POST"): Row(LOGIN, 422, 403, 403, 403, 403),  # no file sent
    ("contracts.import_template", "GET"): Row(LOGIN, 200, 403, 403, 403, 403),

    # The recipient survey: public, whoever asks (a link that does not exist is not found)
    ("survey.start", "GET"): everyone(ALL, objects=SCOPED),
    ("survey.start", "POST"): everyone((FIRST_QUESTION, FIRST_QUESTION, 404), objects=SCOPED),
    ("survey.kiosk", "GET"): everyone(ALL, objects=SCOPED),
    ("survey.kiosk", "POST"): everyone((FIRST_QUESTION, FIRST_QUESTION, 404), objects=SCOPED),
    ("survey.kiosk_reset", "GET"): everyone(To("/k/"), objects=SCOPED),
    ("survey.code", "GET"): everyone(200),
    ("survey.code", "POST"): everyone(422, data={"code": "WRONG-CODE"}),
    ("survey.page", "GET"): everyone(410),  # no questionnaire started in this session
    ("survey.page", "POST"): everyone(410),
    ("survey.thanks", "GET"): everyone(200),
    # Whole questionnaires as JSON: a form post is no JSON object, for a known link or not (no CSRF: a kiosk app).
    ("survey.submit_json", "POST"): everyone(400, objects=SCOPED),
    ("survey.quick_exit", "GET"): everyone(To("https://www.google.com/search")),
    # Assisted interviews: a social worker, manager, monitor or administrator, for a provider in scope
    ("survey.assisted", "GET"): Row(LOGIN, ALL, (403, 403, 404), (200, 403, 404), (200, 403, 404), (200, 403, 404),
                                    objects=SCOPED),
    ("survey.assisted", "POST"): Row(LOGIN, (FIRST_QUESTION, FIRST_QUESTION, 404), (403, 403, 404),
                                     (FIRST_QUESTION, 403, 404), (FIRST_QUESTION, 403, 404), (FIRST_QUESTION, 403, 404),
                                     objects=SCOPED),
}


# ----------------------------------------------------------------------------------------------- the world

@dataclass
class World:
    ids: dict[str, dict[str, object]]  # url_for argument -> object kind -> value
    users: dict[str, int]
    cookies: dict[str, str] = field(default_factory=dict)


def _instrument() -> InstrumentVersion:
    """Two agreement items and an open question (what to improve), published."""
    version = factories.small_instrument(publish=False)
    version.items.append(Item(version=version, position=3, name="improve", type="text"))
    version.texts.extend(InstrumentText(key="label:improve", lang=lang, text=f"What to improve? [{lang}]")
                         for lang in LANGUAGES)
    version.status, version.published_at = "published", utcnow()
    _db.session.flush()
    return version


def _responses(campaign: Campaign, provider, version: InstrumentVersion, count: int, comment: str) -> list[int]:
    """``count`` responses; the first one's comment names a danger, so it raises a safeguarding alert."""
    easy, improve = (next(item for item in version.items if item.name == name) for name in ("easy", "improve"))
    made = []
    for number in range(count):
        response = Response(
            submission_key=factories.unique(f"matrix-{provider.code}-{number}"), campaign=campaign,
            provider=provider, instrument_version_id=version.id, language="ru", mode="web",
            submitted_on=today() - timedelta(days=1), age_band="35_59", sex="female", assistance="self",
        )
        response.answers = [Answer(item=easy, choice="4", score=4),
                            Answer(item=improve, text=f"{comment} {number}" + (" They threaten us." if not number
                                                                               else ""))]
        _db.session.add(response)
        made.append(response)
    _db.session.flush()
    return [response.id for response in made]


def _contracts(provider_in, provider_out) -> tuple[list[int], list[int], list[int]]:
    """A state social order contract for each provider, with a target and a figure entered by hand."""
    funder = Funder(code="matrix-akimat", kind="akimat", country="KZ")
    funder.set_names(factories.names("Akimat"))
    satisfaction = IndicatorDefinition(code="matrix-satisfaction", kind="satisfaction_rate", direction="higher",
                                       unit="percent")
    complaints = IndicatorDefinition(code="matrix-complaints", kind="administrative", direction="lower",
                                     unit="per_100")
    for indicator in (satisfaction, complaints):
        indicator.set_names(factories.names(indicator.code))
    contracts, targets, figures = [], [], []
    for provider, number in ((provider_in, "MATRIX-IN-1"), (provider_out, OUT_OF_SCOPE_CONTRACT)):
        contract = Contract(number=number, title=f"Contract {number}", funder=funder, provider=provider,
                            region=provider.region, starts_on=today() - timedelta(days=60),
                            ends_on=today() + timedelta(days=300), budget=Decimal("1000000.00"), currency="KZT",
                            contracted_recipients=50)
        contract.targets = [ContractTarget(indicator=satisfaction, period_start=contract.starts_on,
                                           period_end=contract.ends_on, baseline=70.0, target=80.0)]
        figure = AdministrativeFigure(contract=contract, indicator=complaints, period_start=contract.starts_on,
                                      period_end=contract.ends_on, value=2.0)
        _db.session.add_all([contract, figure])
        _db.session.flush()
        contracts.append(contract.id)
        targets.append(contract.targets[0].id)
        figures.append(figure.id)
    return contracts, targets, figures


def build_world() -> World:
    version = _instrument()
    region_a, region_b = factories.region(), factories.region()
    provider_in, provider_out = factories.provider(region_a), factories.provider(region_b)
    provider_in.name, provider_in.code = "Inside Day Centre", "matrix-inside"
    provider_out.name, provider_out.code = OUT_OF_SCOPE_NAME, "matrix-zeta-outside"
    both = Campaign(code=factories.unique("both"), name="Both", instrument_version=version, country="KZ",
                    default_language="kk", wave=1, starts_on=today() - timedelta(days=30),
                    ends_on=today() + timedelta(days=30))
    out_only = Campaign(code=factories.unique("out-only"), name=OUT_OF_SCOPE_CAMPAIGN, instrument_version=version,
                        country="KZ", default_language="kk", wave=1, starts_on=today() - timedelta(days=30),
                        ends_on=today() + timedelta(days=30))
    _db.session.add_all([both, out_only])
    _db.session.flush()
    participant_in, participant_out = enrol_provider(both, provider_in), enrol_provider(both, provider_out)
    enrol_provider(out_only, provider_out)
    for participant, comment in ((participant_in, "Inside comment"), (participant_out, OUT_OF_SCOPE_COMMENT)):
        issue_codes(participant, 2)
        raise_safeguarding_alerts(_responses(both, participant.provider, version, 6, comment))
    alert_in, alert_out = (_db.session.scalar(select(SafeguardingAlert.id).where(SafeguardingAlert.provider_id == p.id))
                           for p in (provider_in, provider_out))
    assert alert_in and alert_out, "the world's comments should raise safeguarding alerts"
    contracts, targets, figures = _contracts(provider_in, provider_out)
    batch_in = PaperBatch(participant=participant_in, number="A-1", double_keying=True, collected_on=today())
    batch_out = PaperBatch(participant=participant_out, number="B-1", double_keying=True, collected_on=today())
    _db.session.add_all([batch_in, batch_out])

    accounts = {
        "admin": {},
        "evaluator": {},
        "monitor": {"regions": [region_a]},
        "provider_manager": {"provider": provider_in},
        "social_worker": {"provider": provider_in},
    }
    users = {role: create_user(f"{role}@matrix.test", f"Matrix {role}", PASSWORD, role, **scope).id
             for role, scope in accounts.items()}
    # Accounts the administrator's pages are tried on: one at IN, one at OUT.
    account_in = create_user("colleague.in@matrix.test", "Colleague in", PASSWORD, "social_worker",
                             provider=provider_in)
    account_out = create_user("colleague.out@matrix.test", "Colleague out", PASSWORD, "provider_manager",
                              provider=provider_out)
    _db.session.flush()
    ids = {
        "campaign_id": {IN: both.id, OUT: out_only.id, NONE: MISSING_ID},
        "provider_id": {IN: provider_in.id, OUT: provider_out.id, NONE: MISSING_ID},
        "provider_code": {IN: provider_in.code, OUT: provider_out.code},
        "link_code": {IN: participant_in.link_code, OUT: participant_out.link_code, NONE: "nosuchlink"},
        "user_id": {IN: account_in.id, OUT: account_out.id, NONE: MISSING_ID},
        "batch_id": {IN: batch_in.id, OUT: batch_out.id, NONE: MISSING_ID},
        "alert_id": {IN: alert_in, OUT: alert_out, NONE: MISSING_ID},
        "contract_id": {IN: contracts[0], OUT: contracts[1], NONE: MISSING_ID},
        "target_id": {IN: targets[0], OUT: targets[1], NONE: MISSING_ID},
        "figure_id": {IN: figures[0], OUT: figures[1], NONE: MISSING_ID},
        "file_format": {IN: "pdf", OUT: "pdf", NONE: "pdf"},
        "code": {IN: version.instrument.code, NONE: "no-such-form"},
        "serial": {IN: 1, OUT: 1, NONE: 1},
        "number": {IN: version.version, NONE: version.version},  # with "code": an instrument's version
        "campaign_both": {IN: both.id},
    }
    return World(ids, users)


# Routes whose URL cannot be built from ``World.ids`` alone: (world, object) -> url_for values.
STATIC_FILES = {
    "static": "sapa.css",
    "admin.static": "admin.css",
    "instruments_admin.static": "instruments.css",
    "intake.static": "intake.css",
    "compare.static": "compare.css",
    "comments.static": "comments.css",
    "contracts.static": "contracts.css",
}


def _url_values(world: World, endpoint: str, arguments: set[str], obj: str) -> dict:
    if endpoint == "survey.page":
        return {"number": 1}  # the first page of a questionnaire
    if endpoint == "compare.providers_file":
        return {"file_format": "csv"}
    if "filename" in arguments:
        return {"filename": STATIC_FILES[endpoint] if obj == IN else "no-such-file.css"}
    values = {}
    for name in arguments:
        values[name] = world.ids[name][obj]
    if {"campaign_id", "provider_id"} <= arguments:
        # A provider's page in a campaign: always campaign BOTH, where IN and OUT both take part.
        values["campaign_id"] = world.ids["campaign_both"][IN]
    return values


# ----------------------------------------------------------------------------------------------- fixtures

class MatrixClient(RequestContextClient):
    """Reads and closes every answer while its application context is open: a streamed export or a
    static file is then complete and its file closed before the case's transaction rolls back."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            answer = super().open(*args, **kwargs)
            answer.get_data()
            answer.close()
            return answer


def _session_cookie(application, user_id: int) -> str:
    """The session cookie Flask-Login's ``login_user`` makes for this user, as the test client's browser
    (the matrix is about what each role may open; signing in is tested in tests/auth)."""
    client = application.test_client()
    with application.test_request_context(environ_base=client.environ_base):
        login_user(_db.session.get(User, user_id))
        return application.session_interface.get_signing_serializer(application).dumps(dict(session))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def app(request):
    """One app and one world for the module on each database (overrides the root ``app``; ``db`` rolls back each
    case): the scope rules are queries, and PostgreSQL is what production runs."""
    database_url = (request.getfixturevalue("postgres").create_database("sapa_matrix")
                    if request.param == "postgresql" else None)
    application = create_app(TestConfig(database_url))
    application.test_client_class = MatrixClient
    # Argon2 at full strength would take most of the module's time here; passwords play no part in it.
    with patch("survey_app.auth.services.hash_password", return_value=CHEAP_HASH), application.app_context():
        _db.create_all()
        world = build_world()
        _db.session.commit()
        world.cookies = {role: _session_cookie(application, user_id) for role, user_id in world.users.items()}
    application.extensions["matrix_world"] = world
    yield application
    with application.app_context():
        _db.engine.dispose()


@pytest.fixture(scope="module")
def world(app) -> World:
    return app.extensions["matrix_world"]


def _routes(application) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in application.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


# ----------------------------------------------------------------------------------------------- the tests

def test_every_route_has_a_row_and_every_row_a_route(app):
    routes = _routes(app)
    without_row = sorted(routes - MATRIX.keys())
    without_route = sorted(MATRIX.keys() - routes)
    assert not without_row, f"routes without a row in MATRIX (add one, deciding who may open them): {without_row}"
    assert not without_route, f"rows in MATRIX for routes that no longer exist (remove them): {without_route}"


CASES = [
    pytest.param(endpoint, method, role, obj, id=f"{endpoint}-{method}-{role}-{obj}")
    for (endpoint, method), row in MATRIX.items()
    for role in ROLES
    for obj in row.objects
]


@pytest.mark.parametrize(("endpoint", "method", "role", "obj"), CASES)
def test_access(app, db, world, endpoint, method, role, obj):
    row = MATRIX[endpoint, method]
    expected = row.expected(role, obj)
    rule = next(rule for rule in app.url_map.iter_rules(endpoint) if method in rule.methods)
    query = row.query(world, obj) if callable(row.query) else row.query
    data = row.data(world, obj) if callable(row.data) else row.data
    with app.test_request_context():
        url = url_for(endpoint, **_url_values(world, endpoint, set(rule.arguments), obj), **query)
    client = app.test_client()
    if role != "anonymous":
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], world.cookies[role])
    answer = client.open(url, method=method, data=data if method == "POST" else None)
    where = f"{method} {url} as {role} ({obj})"
    if isinstance(expected, To):
        location = answer.headers.get("Location", "")
        if not expected.path.startswith("http"):
            location = urlsplit(location).path
        matches = location == expected.path if expected.exact else location.startswith(expected.path)
        assert answer.status_code == 302 and matches, (
            f"{where}: expected a redirect to {expected.path}, got {answer.status_code} {location!r}")
        if expected != LOGIN:
            assert not location.startswith(LOGIN.path), f"{where}: sent to sign in"
    else:
        assert answer.status_code == expected, f"{where}: expected {expected}, got {answer.status_code}"
    if role in SCOPED_ROLES and obj != OUT and url.startswith(("/staff/", "/api/")) and answer.status_code == 200:
        # What a page lets through matters as much as whether it opens (DESIGN §7).
        body = answer.get_data()
        for name in (OUT_OF_SCOPE_NAME, OUT_OF_SCOPE_CAMPAIGN, OUT_OF_SCOPE_COMMENT, OUT_OF_SCOPE_CONTRACT,
                     world.ids["provider_code"][OUT]):
            assert name.encode() not in body, f"{where}: shows {name!r}, which is outside the {role}'s scope"


POSTS = [pytest.param(endpoint, id=endpoint) for endpoint, method in MATRIX if method == "POST"]


@pytest.mark.parametrize("role", ["admin", "anonymous"])
@pytest.mark.parametrize("endpoint", POSTS)
def test_every_post_needs_a_csrf_token(app, db, world, monkeypatch, endpoint, role):
    """With CSRF protection on (as in production), a POST without a token is refused before anything
    else, whoever sends it. (The refusal to an anonymous visitor was a server error on the contract and
    campaign pages, whose template helpers read the visitor's role; found by tests/proof.)"""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    row = MATRIX[endpoint, "POST"]
    rule = next(rule for rule in app.url_map.iter_rules(endpoint) if "POST" in rule.methods)
    data = row.data(world, IN) if callable(row.data) else row.data
    with app.test_request_context():
        url = url_for(endpoint, **_url_values(world, endpoint, set(rule.arguments), IN))
    client = app.test_client()
    if role != "anonymous":
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], world.cookies[role])
    assert client.post(url, data=data).status_code == 400
