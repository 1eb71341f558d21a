"""Indicator values against an independent computation, and the verdict rule at its edges, both through
the contract service (``contracts.indicators.evaluate_one``) on the module's world."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from flask_babel import force_locale
from scipy import stats
from sqlalchemy import func, select
from statsmodels.stats.proportion import proportion_confint

from survey_app.contracts import services
from survey_app.contracts.indicators import MIN_VERDICT_RESPONSES, Period, evaluate_one
from survey_app.models import Answer, Dimension, Item, Response
from tests.contracts.conftest import COUNTS, INVITATIONS, PERIOD

YEAR = Period(*PERIOD)
Z = stats.norm.ppf(0.975)


def _evaluate(world, key: str, role: str = "admin"):
    contract = world.contract(key)
    return contract, evaluate_one(world.user(role), contract, YEAR)


# ------------------------------------------------------------------ an independent computation

def _answers(world, db, key: str) -> pd.DataFrame:
    """Every scored answer of the provider's responses in the period: response, item, dimension, score
    (a reverse-worded agreement item reversed, 6 − score, as the instrument says)."""
    rows = db.session.execute(
        select(Answer.response_id, Item.name, Dimension.code, Answer.score, Item.reverse)
        .join(Item, Answer.item_id == Item.id).outerjoin(Dimension, Item.dimension_id == Dimension.id)
        .join(Response, Answer.response_id == Response.id)
        .where(Response.provider_id == world.providers[key], Answer.score.is_not(None),
               Response.submitted_on >= PERIOD[0], Response.submitted_on <= PERIOD[1])
    ).all()
    frame = pd.DataFrame(rows, columns=["response", "item", "dimension", "score", "reverse"]).astype({"score": float})
    frame.loc[frame["reverse"], "score"] = 6 - frame.loc[frame["reverse"], "score"]
    return frame


def _fpc(n: int, population: int) -> float:
    return np.sqrt((population - n) / (population - 1)) if population > n else 1.0


def _wilson_fpc(successes: int, n: int, population: int) -> tuple[float, float]:
    """statsmodels' Wilson interval on the effective sample size n / fpc² (Cochran 1977, §3.6)."""
    factor = _fpc(n, population)
    n_eff = n / factor**2
    low, high = proportion_confint(successes / n * n_eff, n_eff, alpha=0.05, method="wilson")
    return 100 * low, 100 * high


def _t_fpc(values: np.ndarray, population: int) -> tuple[float, float, float]:
    n = values.size
    scale = values.std(ddof=1) / np.sqrt(n) * _fpc(n, population)
    low, high = stats.t.interval(0.95, n - 1, loc=values.mean(), scale=scale)
    return values.mean(), low, high


def _respondent_scores(answers: pd.DataFrame, db) -> pd.DataFrame:
    """Per response: 0–100 score of each dimension (at least half its items answered) and the composite
    of the seven core dimensions (at least half of them), following DESIGN §6."""
    items = dict(db.session.execute(  # the world has one version of the standard questionnaire
        select(Dimension.code, func.count(Item.id)).join(Item, Item.dimension_id == Dimension.id)
        .group_by(Dimension.code)).all())
    per = (answers.dropna(subset=["dimension"]).groupby(["response", "dimension"])["score"]
           .agg(["mean", "count"]).reset_index())
    per = per[per["count"] * 2 >= per["dimension"].map(items)]
    wide = per.assign(score=(per["mean"] - 1) / 4 * 100).pivot(index="response", columns="dimension", values="score")
    core = wide.reindex(columns=["access", "respect", "competence", "information", "coordination", "outcomes",
                                 "safety"])
    wide["composite"] = core.mean(axis=1).where(core.notna().sum(axis=1) * 2 >= core.shape[1])
    return wide


def test_indicator_values_equal_an_independent_computation(world, db):
    contract, evaluation = _evaluate(world, "big")
    population = contract.contracted_recipients
    answers = _answers(world, db, "big")
    results = {result.indicator.code: result for result in evaluation.results}

    # Satisfaction rate: top-2-box of overall satisfaction, Wilson with the finite population correction.
    satisfaction = answers.loc[answers["item"] == "overall_satisfaction", "score"]
    successes, n = int(satisfaction.isin([4, 5]).sum()), int(satisfaction.size)
    low, high = _wilson_fpc(successes, n, population)
    result = results["satisfaction_rate"]
    assert result.estimate.nobs == n and result.estimate.method == "wilson_fpc"
    assert result.value == pytest.approx(100 * successes / n, abs=1e-9)
    assert (result.low, result.high) == pytest.approx((low, high), abs=1e-6)

    # Quality index and a dimension score: t interval with the correction.
    scores = _respondent_scores(answers, db)
    for code, column in (("quality_index", "composite"), ("dimension_coordination", "coordination")):
        values = scores[column].dropna().to_numpy()
        mean, low, high = _t_fpc(values, population)
        result = results[code]
        assert result.estimate.nobs == values.size, code
        assert (result.value, result.low, result.high) == pytest.approx((mean, low, high), abs=1e-6), code

    # NPS: promoters 9–10, detractors 0–6; the adjusted Wald interval of Rocks (2016), by hand.
    ratings = answers.loc[answers["item"] == "recommend", "score"].to_numpy()
    plus, minus, n = np.sum(ratings >= 9), np.sum(ratings <= 6), ratings.size
    p_plus, p_minus = (plus + 0.75) / (n + 3), (minus + 0.75) / (n + 3)
    centre = 100 * (p_plus - p_minus)
    half = Z * 100 * np.sqrt((p_plus + p_minus - (p_plus - p_minus) ** 2) / (n + 3))
    result = results["nps"]
    assert result.value == pytest.approx(100 * (plus - minus) / n, abs=1e-9)
    assert result.low == pytest.approx(min(centre - half, result.value), abs=1e-6)
    assert result.high == pytest.approx(max(centre + half, result.value), abs=1e-6)

    # Response rate: responses / invitations, Wilson without correction.
    responses = answers["response"].nunique()
    low, high = proportion_confint(responses, INVITATIONS["big"], method="wilson")
    result = results["response_rate"]
    assert result.nobs == INVITATIONS["big"]
    assert (result.value, result.low, result.high) == pytest.approx(
        (100 * responses / INVITATIONS["big"], 100 * low, 100 * high), abs=1e-6)

    # Coverage: a count, no interval.
    result = results["coverage"]
    assert result.value == pytest.approx(100 * responses / population)
    assert result.low is None and result.high is None and not result.estimate.sampled


def test_custom_item_indicator_equals_the_share_agreeing(world, db):
    indicator = services.create_indicator(
        world.user("admin"), "could_choose", "item_top2", ["information_choice"], "higher",
        {"kk": "Таңдау", "ru": "Выбор", "uk": "Вибір", "en": "Choice"},
        {"kk": "Әдіс", "ru": "Метод", "uk": "Метод", "en": "Method"})
    contract = world.contract("big")
    services.add_target(world.user("admin"), contract, indicator, YEAR, None, 60.0)
    result = evaluate_one(world.user("admin"), contract, YEAR).result("could_choose")
    answers = _answers(world, db, "big")
    chosen = answers.loc[answers["item"] == "information_choice", "score"]
    low, high = _wilson_fpc(int((chosen >= 4).sum()), int(chosen.size), contract.contracted_recipients)
    assert result.value == pytest.approx(100 * (chosen >= 4).mean())
    assert (result.low, result.high) == pytest.approx((low, high), abs=1e-6)


def test_the_librarys_choice_of_provider_is_the_share_agreeing_they_could_choose(world, db, client, sign_in):
    """Issue #7.2 names "share who could choose their provider" among the standard indicators."""
    indicator = world.indicator("could_choose_provider")
    assert (indicator.kind, indicator.item_names, indicator.direction) == ("item_top2", "information_choice",
                                                                           "higher")
    assert all(indicator.name(language) and indicator.method(language) for language in ("kk", "ru", "uk", "en"))
    contract = world.contract("big")
    services.add_target(world.user("admin"), contract, indicator, YEAR, None, 60.0)
    result = evaluate_one(world.user("admin"), contract, YEAR).result("could_choose_provider")
    chosen = _answers(world, db, "big").query("item == 'information_choice'")["score"]
    assert result.value == pytest.approx(100 * (chosen >= 4).mean())
    sign_in("evaluator")
    library = client.get("/staff/contracts/indicators/?lang=uk").get_data(as_text=True)
    standard_part = library.split('id="indicator-complaints_per_100"', 1)[0]
    assert 'id="indicator-could_choose_provider"' in standard_part  # listed with the standard ones


# ------------------------------------------------------------------ the verdict rule at its edges

def _set_target(world, key: str, code: str, target: float) -> None:
    contract = world.contract(key)
    row = next(t for t in contract.targets if t.indicator.code == code)
    services.change_target(world.user("admin"), row, row.baseline, target, "test of the verdict edges")


def test_interval_touching_the_target_from_above_is_achieved_and_from_below_not_yet_known(world):
    _, evaluation = _evaluate(world, "big")
    satisfaction = evaluation.result("satisfaction_rate")
    assert satisfaction.estimate.nobs >= MIN_VERDICT_RESPONSES
    low, high = satisfaction.low, satisfaction.high

    _set_target(world, "big", "satisfaction_rate", low)  # higher is better: the interval does not go below
    result = _evaluate(world, "big")[1].result("satisfaction_rate")
    assert (result.status, result.reason) == ("achieved", "interval_above_target")
    with force_locale("en"):
        assert result.sentence().startswith("The 95% interval") and "does not go below the target" in result.sentence()

    _set_target(world, "big", "satisfaction_rate", high)  # touching from below: straddles, not yet known
    result = _evaluate(world, "big")[1].result("satisfaction_rate")
    assert (result.status, result.reason) == ("not_yet_known", "interval_straddles_target")

    _set_target(world, "big", "satisfaction_rate", np.nextafter(high, np.inf))  # just above the interval
    result = _evaluate(world, "big")[1].result("satisfaction_rate")
    assert (result.status, result.reason) == ("not_achieved", "interval_below_target")
    with force_locale("en"):
        assert "lies below the target" in result.sentence()


def test_lower_is_better_mirrors_the_rule(world):
    indicator = services.create_indicator(
        world.user("admin"), "repeat_story_mean", "item_mean", ["coordination_repeat"], "lower",
        {"kk": "Қайталау", "ru": "Повтор", "uk": "Повтор", "en": "Repeating"},
        {"kk": "Әдіс", "ru": "Метод", "uk": "Метод", "en": "Method"})
    contract = world.contract("big")
    row = services.add_target(world.user("admin"), contract, indicator, YEAR, None, 1.0)
    result = evaluate_one(world.user("admin"), contract, YEAR).result("repeat_story_mean")
    low, high = result.low, result.high

    services.change_target(world.user("admin"), row, None, high, "edge")  # touches from the good side
    result = evaluate_one(world.user("admin"), contract, YEAR).result("repeat_story_mean")
    assert (result.status, result.reason) == ("achieved", "interval_below_target")
    services.change_target(world.user("admin"), row, None, low, "edge")  # touches from the bad side
    result = evaluate_one(world.user("admin"), contract, YEAR).result("repeat_story_mean")
    assert (result.status, result.reason) == ("not_yet_known", "interval_straddles_target")
    services.change_target(world.user("admin"), row, None, np.nextafter(low, -np.inf), "edge")
    result = evaluate_one(world.user("admin"), contract, YEAR).result("repeat_story_mean")
    assert (result.status, result.reason) == ("not_achieved", "interval_above_target")


@pytest.mark.parametrize(("value", "status"), [(2.0, "achieved"), (1.9, "achieved"), (2.1, "not_achieved")])
def test_complaints_per_100_lower_is_better_against_the_target(world, value, status):
    contract = world.contract("big")
    services.enter_figure(world.user("admin"), contract, world.indicator("complaints_per_100"), YEAR, value)
    result = evaluate_one(world.user("evaluator"), contract, YEAR).result("complaints_per_100")
    assert result.status == status
    assert result.nobs is None and not result.suppressed  # a hand figure: no n, no rule on small numbers
    with force_locale("en"):
        assert ("lower is better" in result.sentence()) and ("2.00" in result.sentence())


def test_no_figure_entered_is_not_yet_known(world):
    result = _evaluate(world, "big", "evaluator")[1].result("complaints_per_100")
    assert (result.status, result.reason) == ("not_yet_known", "no_data")


def test_too_few_responses_for_a_verdict(world):
    _, evaluation = _evaluate(world, "few", "evaluator")
    result = evaluation.result("satisfaction_rate")
    n = result.estimate.nobs
    assert 5 <= n < MIN_VERDICT_RESPONSES and result.value is not None
    assert (result.status, result.reason) == ("not_yet_known", "too_few_responses")
    with force_locale("en"):
        assert result.sentence() == f"Too few responses ({n} of the 30 needed) to judge."


def test_small_numbers_are_hidden_below_administrator(world):
    assert COUNTS["tiny"] < 5
    for role in ("evaluator", "monitor"):
        result = _evaluate(world, "tiny", role)[1].result("satisfaction_rate")
        assert result.suppressed and result.value is None and result.low is None
        assert (result.status, result.reason) == ("not_yet_known", "small_numbers")
    result = _evaluate(world, "tiny", "admin")[1].result("satisfaction_rate")
    assert not result.suppressed and result.value is not None
    assert result.reason == "too_few_responses"


def test_a_period_without_responses_has_no_data(world):
    contract = world.contract("big")
    services.add_target(world.user("admin"), contract, world.indicator("satisfaction_rate"),
                        Period(date(2026, 7, 1), date(2026, 12, 31)), None, 80.0)
    result = evaluate_one(world.user("admin"), contract, Period(date(2026, 7, 1), date(2026, 12, 31))).results[0]
    assert (result.status, result.reason) == ("not_yet_known", "no_data")
