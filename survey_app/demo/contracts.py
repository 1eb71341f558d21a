"""Demo evidence for contracts: complaints per 100 recipients entered by hand for some contracts and an
expert assessment for others, each recorded through the contract services (so the audit trail shows
them). Idempotent: a contract that already has its figure or assessment is left as it is."""

from __future__ import annotations

import zlib

import numpy as np
from sqlalchemy import select

from survey_app.contracts.indicators import contract_periods
from survey_app.contracts.services import AssessmentInput, assessment_of, enter_figure, save_assessment
from survey_app.extensions import db
from survey_app.models import AdministrativeFigure, Contract, IndicatorDefinition, User
from survey_app.models.monitoring import CRITERIA

FIGURE_EVERY = 3  # every third contract has its complaints per 100 recipients
ASSESSMENT_EVERY = 5  # every fifth has an expert assessment
REASONING = {
    "KZ": {
        "relevance": "Услуги востребованы: в области сохраняется очередь на специальные социальные услуги, проект "
                     "отвечает потребностям получателей.",
        "plan": "Мероприятия плана выполнены в срок; акты оказанных услуг приняты заказчиком.",
        "result": "Результат в целом соответствует цели конкурсной документации; см. данные опроса получателей.",
        "continuation": "Организация привлекает дополнительное финансирование и сохраняет штат специалистов.",
        "impact": "Получатели отмечают рост самостоятельности; устойчивый положительный эффект вероятен.",
    },
    "UA": {
        "relevance": "Послуги затребувані: у громаді зберігається черга на соціальні послуги, проєкт відповідає "
                     "потребам отримувачів.",
        "plan": "Заходи плану виконано вчасно; акти наданих послуг прийняті замовником.",
        "result": "Результат загалом відповідає меті конкурсної документації; див. дані опитування отримувачів.",
        "continuation": "Організація залучає додаткове фінансування та зберігає штат фахівців.",
        "impact": "Отримувачі відзначають зростання самостійності; стійкий позитивний ефект імовірний.",
    },
}


def _rng(contract: Contract) -> np.random.Generator:
    """Draws that depend on the contract's number only, so a second run would draw the same."""
    return np.random.default_rng(zlib.crc32(contract.number.encode()))


def seed_contract_evidence(echo=print) -> None:
    admin = db.session.scalar(select(User).where(User.email == "admin@demo.sapa"))
    evaluator = db.session.scalar(select(User).where(User.email == "evaluator@demo.sapa"))
    complaints = db.session.scalar(select(IndicatorDefinition).where(IndicatorDefinition.code == "complaints_per_100"))
    if admin is None or evaluator is None or complaints is None:
        return
    figures = assessments = 0
    contracts = db.session.scalars(select(Contract).order_by(Contract.number)).all()
    for position, contract in enumerate(contracts):
        period = contract_periods(contract)[-1]
        rng = _rng(contract)
        complaints_per_100 = round(float(rng.gamma(2.0, 0.9)), 1)
        scores = {criterion: int(rng.integers(2, 6)) for criterion in CRITERIA}
        if position % FIGURE_EVERY == 0:
            exists = db.session.scalar(select(AdministrativeFigure.id).where(
                AdministrativeFigure.contract_id == contract.id, AdministrativeFigure.indicator_id == complaints.id,
                AdministrativeFigure.period_start == period.start))
            if exists is None:
                enter_figure(admin, contract, complaints, period, complaints_per_100)
                figures += 1
        if position % ASSESSMENT_EVERY == 1 and assessment_of(contract, period) is None:
            save_assessment(evaluator, contract, period,
                            AssessmentInput(scores, REASONING[contract.region.country]))
            assessments += 1
    db.session.flush()
    if figures or assessments:
        echo(f"Contract evidence: {figures} figures entered by hand, {assessments} expert assessments.")
