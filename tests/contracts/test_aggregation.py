"""Every indicator of every contract equals a reference computed here from the raw answer rows, to 1e-9, on
SQLite and on PostgreSQL: through the contract page's path (one contract) and the portfolio's (all contracts
aggregated together), and so do the portfolio's funnel plot and spending chart.

The reference does in pandas, from one row per answer, what DESIGN §6 describes (reverse-worded items reversed,
a dimension score needs half its items, the composite half the core dimensions, an item mean half its items)
and feeds the respondent-level values to the array estimators of ``analysis.indicators`` (``share_estimate``,
``mean_estimate``, ``nps_estimate``; tested against statsmodels and SciPy in tests/analysis) and of
``analysis.funnel``. It is how the service computed the indicators before issue #7.4 moved the aggregation into
SQL, so these tests hold the SQL to the figures it replaced.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select, update

from analysis.funnel import funnel_means, funnel_proportions
from analysis.indicators import (
    IndicatorEstimate,
    count_ratio,
    entered_figure,
    mean_estimate,
    nps_estimate,
    rate_estimate,
    share_estimate,
)
from survey_app.contracts import services
from survey_app.contracts.indicators import Period, evaluate, evaluate_one
from survey_app.contracts.portfolio import portfolio
from survey_app.contracts.registry import ContractFilters
from survey_app.extensions import db as _db
from survey_app.models import Answer, Dimension, IndicatorDefinition, Item, Response
from tests.contracts.conftest import COUNTS, INVITATIONS, PERIOD, world_in

YEAR = Period(*PERIOD)
TOLERANCE = 1e-9
KEYS = tuple(COUNTS)  # big, few, tiny, other
# The standard questionnaire: agreement items score 1–5 (a reverse-worded one counts 6 − score), and these seven
# dimensions are asked of everyone (the composite's); "living" is a module behind skip logic.
AGREEMENT = (1, 5)
CORE = ("access", "respect", "competence", "information", "coordination", "outcomes", "safety")
CHOICE_ITEMS = ("information_choice", "coordination_repeat")  # one of them reverse-worded
ACCESS_ITEMS = ("access_easy", "access_waiting", "access_place_hours", "coordination_repeat")
COMPLAINTS = 1.7


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request):
    """The contracts' world (conftest) on the embedded SQLite and on PostgreSQL, where the SQL differs."""
    yield from world_in(request.getfixturevalue("app" if request.param == "sqlite" else "pg_app"))


@pytest.fixture
def targeted(world):
    """Besides the world's targets: every dimension of the library, a module's dimension (not in the composite),
    a share and a mean of chosen items (one reverse-worded, one item set shared by two indicators), and
    complaints entered for ``big``. Rolled back after the test."""
    admin = world.user("admin")
    living = IndicatorDefinition(code="dimension_living", kind="dimension_score", direction="higher", unit="score",
                                 dimension_code="living")
    living.set_names({language: "Living" for language in ("kk", "ru", "uk", "en")})
    _db.session.add(living)
    methods = {language: "Method" for language in ("kk", "ru", "uk", "en")}
    custom = [
        services.create_indicator(admin, "choice_top2", "item_top2", list(CHOICE_ITEMS), "higher",
                                  {language: "Choice" for language in methods}, methods),
        services.create_indicator(admin, "choice_mean", "item_mean", list(CHOICE_ITEMS), "higher",
                                  {language: "Choice mean" for language in methods}, methods),
        services.create_indicator(admin, "access_mean", "item_mean", list(ACCESS_ITEMS), "higher",
                                  {language: "Access" for language in methods}, methods),
    ]
    dimensions = [world.indicator(f"dimension_{code}") for code in CORE if code != "coordination"]
    for key in KEYS:
        contract = world.contract(key)
        for indicator in [living, *custom, *dimensions]:
            services.add_target(admin, contract, indicator, YEAR, None, 3.0 if indicator.unit == "mean" else 70.0)
    services.enter_figure(admin, world.contract("big"), world.indicator("complaints_per_100"), YEAR, COMPLAINTS)
    _db.session.flush()
    return world


# ------------------------------------------------------------------ the reference, from raw answer rows

def _responses(world, key: str) -> pd.Index:
    return pd.Index(_db.session.scalars(
        select(Response.id).where(Response.provider_id == world.providers[key],
                                  Response.submitted_on >= PERIOD[0], Response.submitted_on <= PERIOD[1])))


def _answers(responses: pd.Index) -> pd.DataFrame:
    """One row per scored answer: response, item, dimension, score (reverse-worded items reversed)."""
    rows = _db.session.execute(
        select(Answer.response_id, Item.name, Dimension.code, Answer.score, Item.reverse)
        .join(Item, Answer.item_id == Item.id).outerjoin(Dimension, Item.dimension_id == Dimension.id)
        .where(Answer.response_id.in_(responses.tolist()), Answer.score.is_not(None))
    ).all()
    frame = pd.DataFrame(rows, columns=["response", "item", "dimension", "score", "reverse"]).astype({"score": float})
    frame.loc[frame["reverse"], "score"] = sum(AGREEMENT) - frame.loc[frame["reverse"], "score"]
    return frame


def _respondent_scores(answers: pd.DataFrame) -> pd.DataFrame:
    """Per response: each dimension's 0–100 score (half its items answered) and the composite (half of CORE)."""
    items = dict(_db.session.execute(  # the world has one version of the standard questionnaire
        select(Dimension.code, func.count(Item.id)).join(Item, Item.dimension_id == Dimension.id)
        .group_by(Dimension.code)).all())
    per = (answers.dropna(subset=["dimension"]).groupby(["response", "dimension"])["score"]
           .agg(["mean", "count"]).reset_index())
    per = per[per["count"] * 2 >= per["dimension"].map(items)]
    low, high = AGREEMENT
    per = per.assign(score=(per["mean"] - low) / (high - low) * 100)
    wide = per.pivot(index="response", columns="dimension", values="score")
    core = wide.reindex(columns=list(CORE))
    wide["composite"] = core.mean(axis=1).where(core.notna().sum(axis=1) * 2 >= len(CORE))
    return wide


def _item_means(answers: pd.DataFrame, names: tuple[str, ...]) -> np.ndarray:
    chosen = answers[answers["item"].isin(names)].groupby("response")["score"].agg(["mean", "count"])
    return chosen.loc[chosen["count"] * 2 >= len(names), "mean"].to_numpy()


def _single(answers: pd.DataFrame, item: str) -> np.ndarray:
    return answers.loc[answers["item"] == item, "score"].to_numpy()


def reference(world, key: str) -> tuple[int, dict[str, IndicatorEstimate]]:
    """The contract's responses in the period and every targeted indicator's estimate, by code."""
    contract = world.contract(key)
    population = contract.contracted_recipients
    responses = _responses(world, key)
    answers = _answers(responses)
    scores = _respondent_scores(answers)

    def score(column: str) -> np.ndarray:
        return scores[column].to_numpy() if column in scores else np.array([])

    satisfied = np.isin(_single(answers, "overall_satisfaction"), (4, 5)).astype(float)
    estimates = {
        "satisfaction_rate": share_estimate(satisfied, population=population),
        "quality_index": mean_estimate(score("composite"), population=population),
        "nps": nps_estimate(_single(answers, "recommend")),
        # Responses count towards a rate only in a wave that counted its invitations (the world has one wave).
        "response_rate": rate_estimate(responses.size if key in INVITATIONS else 0, INVITATIONS.get(key, 0)),
        "coverage": count_ratio(responses.size, population),
        "complaints_per_100": entered_figure(COMPLAINTS if key == "big" else None),
        "choice_top2": share_estimate((_item_means(answers, CHOICE_ITEMS) >= 4).astype(float),
                                      population=population),
        "choice_mean": mean_estimate(_item_means(answers, CHOICE_ITEMS), population=population),
        "access_mean": mean_estimate(_item_means(answers, ACCESS_ITEMS), population=population),
    }
    for code in (*CORE, "living"):
        estimates[f"dimension_{code}"] = mean_estimate(score(code), population=population)
    return responses.size, estimates


def assert_same(actual: IndicatorEstimate, expected: IndicatorEstimate, label: str) -> None:
    assert (actual.nobs, actual.method, actual.sampled, actual.successes) == (
        expected.nobs, expected.method, expected.sampled, expected.successes), label
    for name in ("value", "low", "high"):
        got, wanted = getattr(actual, name), getattr(expected, name)
        assert (np.isnan(got) and np.isnan(wanted)) or abs(got - wanted) <= TOLERANCE, (label, name, got, wanted)


# ------------------------------------------------------------------ the tests

def test_every_indicator_of_every_contract_equals_the_reference(targeted):
    """The contract page's path (``evaluate_one``) and the portfolio's (``evaluate`` over every contract with
    one aggregation) give the reference's value, interval, n, method and count for each indicator."""
    world = targeted
    admin = world.user("admin")  # sees small numbers: every figure is there to compare
    pairs = [(world.contract(key), YEAR) for key in KEYS]
    together = {evaluation.contract.id: evaluation for evaluation in evaluate(admin, pairs)}
    checked = 0
    for key in KEYS:
        responses, expected = reference(world, key)
        assert responses == COUNTS[key]
        contract = world.contract(key)
        for evaluation in (evaluate_one(admin, contract, YEAR), together[contract.id]):
            assert evaluation.responses == responses, key
            assert {result.indicator.code for result in evaluation.results} == set(expected), key
            for result in evaluation.results:
                code = result.indicator.code
                assert_same(result.estimate, expected[code], f"{key} {code}")
                counted = {"response_rate": min(responses, INVITATIONS.get(key, 0)), "complaints_per_100": 0}
                assert result.responses == counted.get(code, expected[code].nobs), (key, code)
                checked += 1
    assert checked == 2 * len(KEYS) * 17
    # Nothing to compare would prove nothing: the world gives figures with intervals for most of them.
    assert sum(np.isfinite(estimate.low) for estimate in reference(world, "big")[1].values()) >= 15


def test_the_portfolio_funnel_and_spending_equal_the_reference(world):
    admin = world.user("admin")
    references = {world.contracts[key]: reference(world, key)[1] for key in KEYS}
    shares = {contract_id: estimates["satisfaction_rate"] for contract_id, estimates in references.items()}

    result = portfolio(admin, ContractFilters(year=PERIOD[0].year), "satisfaction")
    ids = sorted(shares)
    expected = funnel_proportions([shares[i].successes for i in ids], [shares[i].nobs for i in ids], provider=ids)
    _same_funnel(result, expected)
    points = {point.contract.id: point for points in result.spending.values() for point in points}
    assert set(points) == set(ids)
    for contract_id, point in points.items():
        assert_same(point.estimate, shares[contract_id], f"spending {contract_id}")

    result = portfolio(admin, ContractFilters(year=PERIOD[0].year), "quality_index")
    composites = {}
    for key in KEYS:
        answers = _answers(_responses(world, key))
        composites[world.contracts[key]] = _respondent_scores(answers)["composite"].dropna().to_numpy()
    nobs = np.array([composites[i].size for i in ids], dtype=float)
    sds = np.array([composites[i].std(ddof=1) for i in ids])
    pooled = float(np.sqrt(np.sum((nobs - 1) * sds**2) / np.sum(nobs - 1)))
    expected = funnel_means([composites[i].mean() for i in ids], nobs.astype(int), sd=pooled, provider=ids)
    _same_funnel(result, expected)


def _same_funnel(result, expected) -> None:
    assert result.funnel is not None
    rows = {row.contract.id: row for row in result.funnel_rows}
    assert set(rows) == set(expected.providers["provider"])
    scale = 100.0 if result.measure == "satisfaction" else 1.0
    for row in expected.providers.itertuples():
        got = rows[row.provider]
        assert got.nobs == row.nobs and got.flag == row.flag, row.provider
        assert abs(got.value - row.estimate * scale) <= TOLERANCE, row.provider
    numeric = [column for column in expected.providers if column != "provider" and not column.startswith("flag")]
    got = result.funnel.providers[numeric].to_numpy(dtype=float)
    assert np.allclose(got, expected.providers[numeric].to_numpy(dtype=float), rtol=0, atol=TOLERANCE, equal_nan=True)
    assert np.allclose(result.funnel.limits[["nobs", "lower", "upper"]].to_numpy(dtype=float),
                       expected.limits[["nobs", "lower", "upper"]].to_numpy(dtype=float), rtol=0, atol=TOLERANCE,
                       equal_nan=True)


def test_a_removed_response_leaves_the_figures_at_once(targeted):
    """No kept figures: what the responses table holds now is what the pages show."""
    world = targeted
    admin = world.user("admin")
    contract = world.contract("big")
    before = evaluate_one(admin, contract, YEAR)
    gone = _db.session.get(Response, int(_responses(world, "big")[0]))
    _db.session.delete(gone)
    _db.session.flush()
    after = evaluate_one(admin, contract, YEAR)
    assert after.responses == before.responses - 1
    assert after.result("coverage").estimate.nobs == before.result("coverage").estimate.nobs - 1
    _, expected = reference(world, "big")
    for result in after.results:
        assert_same(result.estimate, expected[result.indicator.code], result.indicator.code)


def test_respondents_without_spread_give_an_interval_without_width(targeted):
    """Every respondent of ``few`` with the same access score, 66.66… (answers 4, 4, 3: not a binary fraction). The
    sum of squares about the mean is 0 to rounding, where Σy² − (Σy)²/n leaves 5e-11 for these 12 values and so an
    interval some 3e-6 wide."""
    world = targeted
    responses = _responses(world, "few").tolist()
    for name, score in (("access_easy", 4), ("access_waiting", 4), ("access_place_hours", 3)):
        item_ids = select(Item.id).where(Item.name == name).scalar_subquery()
        _db.session.execute(update(Answer).where(Answer.response_id.in_(responses), Answer.item_id == item_ids)
                            .values(score=score, choice=str(score)))
    _db.session.flush()
    result = evaluate_one(world.user("admin"), world.contract("few"), YEAR).result("dimension_access")
    expected = reference(world, "few")[1]["dimension_access"]
    assert expected.nobs == COUNTS["few"] and abs(expected.value - 200 / 3) < 1e-12
    assert_same(result.estimate, expected, "dimension_access")
    assert result.high - result.low <= TOLERANCE
