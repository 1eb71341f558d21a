"""``flask seed-demo``: everything a visitor needs to see Sapa working, loaded idempotently.

Running it again finds every row by its code and adds nothing twice; responses are generated only
for a campaign that has none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from sqlalchemy import func, insert, select

from analysis.planning import responses_for_proportion
from survey_app.auth.services import create_user
from survey_app.campaigns.services import enrol_provider, issue_codes
from survey_app.comments.alerts import scan_comments
from survey_app.demo.contracts import seed_contract_evidence
from survey_app.demo.providers import DemoProvider, generate_providers
from survey_app.demo.responses import GeneratedResponse, generate_wave
from survey_app.extensions import db
from survey_app.instruments.runtime import compiled_instrument
from survey_app.instruments.services import load_standard_instrument
from survey_app.models import (
    AdministrativeFigure,
    Answer,
    AuditEvent,
    Campaign,
    Contract,
    ContractDocument,
    ContractTarget,
    ExpertAssessment,
    Funder,
    IndicatorDefinition,
    OneTimeCode,
    Provider,
    RecipientCategory,
    Region,
    Response,
    ServiceStandard,
    ServiceType,
    User,
)
from survey_app.models.base import today
from survey_app.reference.loader import load_reference, upsert
from survey_app.scores.refresh import latest_snapshot, new_responses_since, refresh_scores

SEED = 2026
DEMO_PASSWORD = "sapa-demo-2026"
CORE_DIMENSION_COUNT = 7


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: str
    provider_code: str | None = None
    region_codes: tuple[str, ...] = ()
    language: str | None = None


DEMO_ACCOUNTS = (
    DemoAccount("admin@demo.sapa", "Айгүл Сәрсенова", "admin", language="kk"),
    DemoAccount("evaluator@demo.sapa", "Ольга Ким", "evaluator", language="ru"),
    DemoAccount("monitor@demo.sapa", "Ерлан Жақыпов", "monitor", region_codes=("kz-east", "kz-abai"), language="ru"),
    DemoAccount("monitor.ua@demo.sapa", "Оксана Коваленко", "monitor",
                region_codes=("ua-kyiv-oblast", "ua-bucha", "ua-irpin", "ua-bila-tserkva"), language="uk"),
    DemoAccount("manager@demo.sapa", "Данияр Нұрланов", "provider_manager", provider_code="kz-ngo-crisis-001",
                language="ru"),
    DemoAccount("worker@demo.sapa", "Мадина Ахметова", "social_worker", provider_code="kz-ngo-crisis-001",
                language="kk"),
)


def campaign_periods(on: date) -> list[tuple[int, date, date]]:
    """Two waves placed around the day the demo is loaded, so the second one is open for trying."""
    second_start = on - timedelta(days=80)
    first_start = second_start - timedelta(days=182)
    return [
        (1, first_start, first_start + timedelta(days=88)),
        (2, second_start, on + timedelta(days=25)),
    ]


def seed_demo(echo=print) -> dict[str, int]:
    """Load reference lists, the standard instrument and the demo; return row counts."""
    rng = np.random.default_rng(SEED)
    load_reference()
    echo("Reference lists loaded.")
    version = load_standard_instrument()
    instrument = compiled_instrument(version)
    echo(f"Instrument sapa_core version {version.version} published.")
    providers = generate_providers(rng, CORE_DIMENSION_COUNT)
    rows = _save_providers(rng, providers)
    echo(f"{len(rows)} providers.")
    _save_contracts(rng, providers, rows)
    _save_accounts()
    seed_contract_evidence(echo)  # figures entered by hand and expert assessments, in the audit trail
    on = today()
    for country in ("KZ", "UA"):
        members = [p for p in providers if p.region_code.startswith(country.lower())]
        for wave, starts_on, ends_on in campaign_periods(on):
            campaign = _save_campaign(country, wave, starts_on, ends_on, version.id)
            counts = _response_counts(rng, members, wave)
            participants = {
                provider.code: enrol_provider(
                    campaign,
                    rows[provider.code],
                    target_responses=_target(provider.recipients_served),
                    invitations=_invitations(rng, counts[provider.code]),
                )
                for provider in members
            }
            if wave == 2:
                _issue_demo_codes(rng, list(participants.values())[:12], ends_on)
            already = db.session.scalar(
                select(func.count()).select_from(Response).where(Response.campaign_id == campaign.id)
            )
            if already:
                continue
            last_day = min(ends_on, on)
            generated = generate_wave(rng, instrument, members, wave, starts_on, last_day, counts)
            _insert_responses(campaign, version.id, generated, rows)
            echo(f"{campaign.code}: {len(generated)} responses.")
    db.session.flush()
    scan_comments(echo=echo)  # the demo's comments raise their safeguarding alerts (none twice)
    if refresh_needed():
        refresh_scores(echo=echo)
    return counts_of_everything()


def refresh_needed() -> bool:
    return new_responses_since(latest_snapshot()) > 0


def counts_of_everything() -> dict[str, int]:
    models = (Region, Provider, Funder, Contract, ContractTarget, AdministrativeFigure, ExpertAssessment, AuditEvent,
              Campaign, OneTimeCode, Response, Answer, User)
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model)) for model in models}


def _save_providers(rng, providers: list[DemoProvider]) -> dict[str, Provider]:
    regions = {region.code: region for region in db.session.scalars(select(Region))}
    services = {row.code: row for row in db.session.scalars(select(ServiceType))}
    standards = {row.code: row for row in db.session.scalars(select(ServiceStandard))}
    categories = {row.code: row for row in db.session.scalars(select(RecipientCategory))}
    rows = {}
    for provider in providers:
        row = upsert(
            Provider,
            provider.code,
            name=provider.name,
            org_form=provider.kind.org_form,
            setting=provider.kind.setting,
            region=regions[provider.region_code],
            recipients_served=provider.recipients_served,
        )
        row.services = [services[code] for code in provider.kind.services]
        row.standards = [standards[code] for code in provider.kind.standards]
        row.categories = [categories[code] for code in provider.kind.categories]
        rows[provider.code] = row
    db.session.flush()
    return rows


def _funder_for(provider: DemoProvider, region: Region) -> Funder:
    if provider.kind.key == "ngo_trafficking" and region.country == "KZ":
        return upsert(
            Funder, "kz-ministry-labour", kind="ministry", country="KZ", region=None,
            names={"kk": "Қазақстан Республикасы Еңбек және халықты әлеуметтік қорғау министрлігі",
                   "ru": "Министерство труда и социальной защиты населения Республики Казахстан",
                   "uk": "Міністерство праці та соціального захисту населення Республіки Казахстан",
                   "en": "Ministry of Labour and Social Protection of the Population of Kazakhstan"},
        )
    if region.country == "KZ":
        return upsert(
            Funder, f"{region.code}-employment-dept", kind="akimat", country="KZ", region=region,
            names={"kk": f"{region.name_kk} жұмыспен қамтуды үйлестіру және әлеуметтік бағдарламалар басқармасы",
                   "ru": f"Управление координации занятости и социальных программ ({region.name_ru})",
                   "uk": f"Управління координації зайнятості та соціальних програм ({region.name_uk})",
                   "en": f"Department of Employment and Social Programmes ({region.name_en})"},
        )
    return upsert(
        Funder, f"{region.code}-social-protection", kind="hromada", country="UA", region=region,
        names={"kk": f"Әлеуметтік қорғау басқармасы ({region.name_kk})",
               "ru": f"Управление социальной защиты населения ({region.name_ru})",
               "uk": f"Управління соціального захисту населення ({region.name_uk})",
               "en": f"Social Protection Department ({region.name_en})"},
    )


def _save_contracts(rng, providers: list[DemoProvider], rows: dict[str, Provider]) -> None:
    """A state social order contract for every NGO and private provider, with targets for the year."""
    indicators = {row.code: row for row in db.session.scalars(select(IndicatorDefinition))}
    services = {row.code: row for row in db.session.scalars(select(ServiceType))}
    standards = {row.code: row for row in db.session.scalars(select(ServiceStandard))}
    year = today().year
    starts_on, ends_on = date(year, 1, 1), date(year, 12, 31)
    contracted = [p for p in providers if p.kind.org_form in ("ngo", "private")]
    for number, provider in enumerate(contracted, start=1):
        row = rows[provider.code]
        country = row.region.country
        funder = _funder_for(provider, row.region)
        db.session.flush()
        recipients = max(10, int(provider.recipients_served * rng.uniform(0.6, 1.0)))
        tariff = rng.uniform(280_000, 520_000) if country == "KZ" else rng.uniform(18_000, 40_000)
        contract_number = f"{'ГСЗ' if country == 'KZ' else 'СЗ'}-{year}/{number:03d}"
        contract = db.session.scalar(select(Contract).where(Contract.number == contract_number))
        if contract is None:
            contract = Contract(number=contract_number)
            db.session.add(contract)
        contract.title = (
            f"Оказание специальных социальных услуг в рамках государственного социального заказа, {year} год"
            if country == "KZ"
            else f"Надання соціальних послуг за соціальним замовленням, {year} рік"
        )
        contract.funder = funder
        contract.provider = row
        contract.region = row.region
        contract.standard = standards[provider.kind.standards[0]]
        contract.starts_on, contract.ends_on = starts_on, ends_on
        contract.budget = Decimal(round(recipients * tariff, -3)).quantize(Decimal("0.01"))
        contract.currency = "KZT" if country == "KZ" else "UAH"
        contract.contracted_recipients = recipients
        contract.services = [services[code] for code in provider.kind.services]
        if not contract.documents:
            contract.documents = [
                ContractDocument(kind="contract", number=contract_number, dated=date(year, 1, 15 + number % 10))
            ]
        if not contract.targets:
            targets = {"satisfaction_rate": (74.0, 80.0), "quality_index": (68.0, 72.0), "nps": (20.0, 30.0),
                       "coverage": (None, 30.0), "dimension_coordination": (60.0, 65.0),
                       "complaints_per_100": (3.0, 2.0)}
            contract.targets = [
                ContractTarget(indicator=indicators[code], period_start=starts_on, period_end=ends_on,
                               baseline=baseline, target=target)
                for code, (baseline, target) in targets.items()
            ]
    db.session.flush()


def _save_accounts() -> None:
    for account in DEMO_ACCOUNTS:
        if db.session.scalar(select(User.id).where(User.email == account.email)) is not None:
            continue
        provider = (
            db.session.scalar(select(Provider).where(Provider.code == account.provider_code))
            if account.provider_code else None
        )
        regions = list(db.session.scalars(select(Region).where(Region.code.in_(account.region_codes))))
        create_user(account.email, account.full_name, DEMO_PASSWORD, account.role, provider=provider,
                    regions=regions, language=account.language)


def _save_campaign(country: str, wave: int, starts_on: date, ends_on: date, version_id: int) -> Campaign:
    code = f"{country.lower()}-core-wave-{wave}"
    campaign = db.session.scalar(select(Campaign).where(Campaign.code == code))
    if campaign is None:
        campaign = Campaign(code=code, starts_on=starts_on, ends_on=ends_on)
        db.session.add(campaign)
    campaign.name = f"Sapa Core · {country} · {starts_on:%Y-%m}"
    campaign.instrument_version_id = version_id
    campaign.country = country
    campaign.default_language = "kk" if country == "KZ" else "uk"
    campaign.wave = wave
    db.session.flush()
    return campaign


def _response_counts(rng, providers: list[DemoProvider], wave: int) -> dict[str, int]:
    """How many recipients of each provider answer: about a third, fewer while a wave is still open."""
    rates = rng.beta(2.8, 4.2, size=len(providers)) * (0.85 if wave == 2 else 1.0)
    return {
        provider.code: int(min(provider.recipients_served, round(provider.recipients_served * rate)))
        for provider, rate in zip(providers, rates, strict=True)
    }


def _target(recipients: int) -> int:
    """Responses needed for a ±10-point margin on a share at 95% with the finite population correction."""
    return int(responses_for_proportion(0.10, population=recipients))


def _invitations(rng, responses: int) -> int | None:
    """Half the providers hand out slips and know how many; the others use posters."""
    if rng.random() < 0.5 or responses == 0:
        return None
    return int(math.ceil(responses / rng.uniform(0.45, 0.8)))


def _issue_demo_codes(rng, participants, expires_on: date) -> None:
    for participant in participants:
        if db.session.scalar(select(func.count()).select_from(OneTimeCode)
                             .where(OneTimeCode.campaign_provider_id == participant.id)):
            continue
        codes = issue_codes(participant, 30, expires_on, issued_on=participant.campaign.starts_on)
        for code in codes[: int(rng.integers(5, 15))]:
            code.used_on = max(participant.campaign.starts_on, today() - timedelta(days=int(rng.integers(0, 60))))


def _insert_responses(campaign: Campaign, version_id: int, generated: list[GeneratedResponse],
                      providers: dict[str, Provider]) -> None:
    if not generated:
        return
    categories = {row.code: row.id for row in db.session.scalars(select(RecipientCategory))}
    instrument = compiled_instrument(campaign.instrument_version)
    item_ids = {name: question.id for name, question in instrument.questions.items()}
    response_rows = [
        {
            "submission_key": response.submission_key,
            "campaign_id": campaign.id,
            "provider_id": providers[response.provider_code].id,
            "instrument_version_id": version_id,
            "language": response.language,
            "mode": response.mode,
            "submitted_on": response.submitted_on,
            "age_band": response.age_band,
            "sex": response.sex,
            "recipient_category_id": categories.get(response.category) if response.category else None,
            "self_rated_health": response.self_rated_health,
            "assistance": response.assistance,
        }
        for response in generated
    ]
    response_ids = db.session.scalars(
        insert(Response).returning(Response.id, sort_by_parameter_order=True), response_rows
    ).all()
    answer_rows = [
        {"response_id": response_id, "item_id": item_ids[name], "choice": choice, "score": score,
         "number": None, "text": text}
        for response_id, response in zip(response_ids, generated, strict=True)
        for name, choice, score, text in response.answers
    ]
    for start in range(0, len(answer_rows), 50_000):
        db.session.execute(insert(Answer.__table__), answer_rows[start:start + 50_000])
