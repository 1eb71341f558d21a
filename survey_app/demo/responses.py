"""Synthetic answers drawn from a model in which providers truly differ in quality and in case mix.

For respondent *i* of provider *j* in wave *w*, a latent satisfaction

    η_i = q_j + w·t_j + β′x_i + e_i,        e_i ~ N(0, 0.45²)

where q_j is the provider's true quality, t_j its true change between waves, and x_i the
respondent's case mix (age band, self-rated health, who answers, mode, category) with effects of
the signs found in the CAHPS literature (older and healthier respondents rate higher, proxies lower,
interviewer-assisted answers higher). An agreement item of dimension *k* is

    z = 0.95 + η_i + d_jk + δ_item + ε,     ε ~ N(0, 0.65²)

cut into 1–5 at (−1.3, −0.5, 0.35, 1.25). The statistics module should recover q_j after case-mix
adjustment, and shrink small providers towards the mean.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from survey_app.demo.comments import comment_for
from survey_app.demo.providers import DemoProvider
from survey_app.instruments.runtime import NOT_APPLICABLE, CompiledInstrument, Question

AGE_BANDS = ("under_18", "18_34", "35_59", "60_74", "75_plus")
AGE_BY_CATEGORY = {
    "older_people": (0, 0, 0.05, 0.45, 0.50),
    "adults_disabilities": (0, 0.25, 0.45, 0.22, 0.08),
    "children_disabilities": (0.9, 0.1, 0, 0, 0),
    "children_without_care": (1.0, 0, 0, 0, 0),
    "domestic_violence": (0.02, 0.45, 0.45, 0.08, 0),
    "trafficking": (0.05, 0.6, 0.33, 0.02, 0),
    "homeless": (0, 0.15, 0.55, 0.25, 0.05),
    "families_difficult": (0, 0.4, 0.5, 0.1, 0),
    "idp": (0.1, 0.25, 0.35, 0.2, 0.1),
}
FEMALE_SHARE = {"older_people": 0.68, "domestic_violence": 0.92, "trafficking": 0.7, "homeless": 0.25}
HEALTH_MEAN = {"older_people": 2.4, "adults_disabilities": 2.6, "homeless": 2.5, "idp": 2.9}
# (self, helped, proxy)
ASSISTANCE_BY_CATEGORY = {
    "children_disabilities": (0.1, 0.05, 0.85),
    "children_without_care": (0.5, 0.3, 0.2),
    "adults_disabilities": (0.45, 0.35, 0.2),
    "older_people": (0.55, 0.3, 0.15),
}
MODES = ("web", "kiosk", "assisted", "paper")
MODE_BY_SETTING = {
    "residential": (0.1, 0.15, 0.45, 0.3),
    "home_care": (0.2, 0.0, 0.4, 0.4),
    "day_care": (0.45, 0.25, 0.1, 0.2),
    "specialised_centre": (0.5, 0.2, 0.2, 0.1),
    "temporary_stay": (0.1, 0.35, 0.35, 0.2),
}
LANGUAGES_BY_COUNTRY = {"KZ": (("kk", "ru", "en"), (0.45, 0.54, 0.01)),
                        "UA": (("uk", "ru", "en"), (0.93, 0.05, 0.02))}

BETA_AGE = {"under_18": 0.0, "18_34": -0.10, "35_59": 0.0, "60_74": 0.12, "75_plus": 0.22}
BETA_HEALTH = 0.12  # per point of self-rated health above 3
BETA_ASSISTANCE = {"self": 0.0, "helped": -0.05, "proxy": -0.18}
BETA_MODE = {"web": -0.05, "kiosk": 0.0, "assisted": 0.15, "paper": 0.05}
BETA_CATEGORY = {"homeless": -0.10, "domestic_violence": 0.05}
CUTS = np.array([-1.3, -0.5, 0.35, 1.25])
NOT_APPLICABLE_RATE = 0.04
PROFILE_SKIP_RATE = 0.04


@dataclass
class GeneratedResponse:
    submission_key: str
    provider_code: str
    language: str
    mode: str
    submitted_on: date
    age_band: str | None
    sex: str | None
    category: str | None
    self_rated_health: int | None
    assistance: str | None
    answers: list[tuple[str, str | None, int | None, str | None]]  # (item, choice, score, text)


def _item_offset(name: str) -> float:
    """A stable difficulty per item (some statements are harder to agree with)."""
    digest = hashlib.sha256(name.encode()).digest()
    offset = (digest[0] / 255 - 0.5) * 0.6
    if "choice" in name or "choose" in name or "repeat" in name:
        offset -= 0.45
    return offset


def _ordinal(z: np.ndarray) -> np.ndarray:
    return 1 + np.searchsorted(CUTS, z)


def generate_wave(
    rng: np.random.Generator,
    instrument: CompiledInstrument,
    providers: list[DemoProvider],
    wave: int,
    starts_on: date,
    ends_on: date,
    response_counts: dict[str, int],
) -> list[GeneratedResponse]:
    """Responses of one wave for the given providers (``response_counts`` per provider code)."""
    dimension_index = {code: i for i, code in enumerate(instrument.dimensions)}
    days = (ends_on - starts_on).days + 1
    generated: list[GeneratedResponse] = []
    for provider in providers:
        count = response_counts.get(provider.code, 0)
        if count == 0:
            continue
        kind = provider.kind
        country = provider.region_code[:2].upper()
        weights = np.linspace(2.0, 1.0, num=len(kind.categories))
        categories = rng.choice(kind.categories, size=count, p=weights / weights.sum())
        modes = rng.choice(MODES, size=count, p=MODE_BY_SETTING[kind.setting])
        languages, language_p = LANGUAGES_BY_COUNTRY[country]
        response_languages = rng.choice(languages, size=count, p=language_p)
        context = {
            "provider_setting": kind.setting,
            "provider_standards": " ".join(kind.standards),
            "country": country,
        }
        shown: dict[str, list[Question]] = {}
        for i in range(count):
            category = str(categories[i])
            age_band = str(rng.choice(AGE_BANDS, p=AGE_BY_CATEGORY[category]))
            sex = "female" if rng.random() < FEMALE_SHARE.get(category, 0.55) else "male"
            health = int(np.clip(np.rint(rng.normal(HEALTH_MEAN.get(category, 3.1), 0.9)), 1, 5))
            assistance = str(rng.choice(("self", "helped", "proxy"),
                                        p=ASSISTANCE_BY_CATEGORY.get(category, (0.85, 0.1, 0.05))))
            mode = str(modes[i])
            latent = (
                provider.quality
                + (wave - 1) * provider.trend
                + BETA_AGE[age_band]
                + BETA_HEALTH * (health - 3)
                + BETA_ASSISTANCE[assistance]
                + BETA_MODE[mode]
                + BETA_CATEGORY.get(category, 0.0)
                + rng.normal(0.0, 0.45)
            )
            language = str(response_languages[i])
            if assistance not in shown:
                shown[assistance] = _questions_shown(instrument, {**context, "assistance": assistance})
            answers = _answers(rng, shown[assistance], provider, latent, dimension_index, language)
            generated.append(
                GeneratedResponse(
                    submission_key=str(uuid.UUID(int=int(rng.integers(0, 2**63)) << 64 | i)),
                    provider_code=provider.code,
                    language=language,
                    mode=mode,
                    submitted_on=starts_on + timedelta(days=int(rng.integers(0, days))),
                    age_band=None if rng.random() < PROFILE_SKIP_RATE else age_band,
                    sex=None if rng.random() < PROFILE_SKIP_RATE else sex,
                    category=None if rng.random() < PROFILE_SKIP_RATE else category,
                    self_rated_health=None if rng.random() < PROFILE_SKIP_RATE else health,
                    assistance=assistance,
                    answers=answers,
                )
            )
    return generated


def _answers(rng, questions: list[Question], provider: DemoProvider, latent: float,
             dimension_index: dict[str, int], language: str):
    answers = []
    for question in questions:
        answer = _answer(rng, question, provider, latent, dimension_index, language)
        if answer is not None:
            answers.append(answer)
    return answers


def _questions_shown(instrument: CompiledInstrument, values: dict) -> list[Question]:
    """The questions this respondent sees (skip logic from the instrument), profile excluded."""
    return [
        question
        for page in instrument.visible_pages(values)
        for question in instrument.relevant_questions(page, values)
        if not question.profile_field
    ]


def _answer(rng, question: Question, provider: DemoProvider, latent: float, dimension_index, language):
    if question.type == "text":
        text = comment_for(rng, question.name, latent, language)
        return (question.name, None, None, text) if text else None
    if question.type != "select_one" or not question.scored:
        return None
    scores = sorted(option.score for option in question.options if option.score is not None)
    if rng.random() < NOT_APPLICABLE_RATE and question.option(NOT_APPLICABLE) is not None:
        return (question.name, NOT_APPLICABLE, None, None)
    if scores[-1] == 10:  # likelihood to recommend, 0–10
        score = int(np.clip(np.rint(8.2 + 2.4 * latent + rng.normal(0.0, 1.3)), 0, 10))
    else:
        dimension_effect = 0.0
        if question.dimension in dimension_index and dimension_index[question.dimension] < len(
            provider.dimension_effects
        ):
            dimension_effect = provider.dimension_effects[dimension_index[question.dimension]]
        noise = 0.5 if question.dimension is None else 0.65
        z = 0.95 + latent + dimension_effect + _item_offset(question.name) + rng.normal(0.0, noise)
        score = int(_ordinal(np.array([z]))[0])
        if question.reverse:  # the statement is worded negatively: agreement means worse service
            score = scores[0] + scores[-1] - score
    return (question.name, str(score), score, None)
