"""The recipient-category lens /staff/categories: the figures and tests equal ``analysis.subgroups`` on
the same group rows, Holm against Benjamini–Hochberg, regions pooled exactly, each provider's score for
one category within the scope, the small-number rule, readings in plain words and charts with their
tables (one world for the whole module)."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

from analysis.subgroups import adjust_pvalues, chi2_proportions, pairwise_proportions, pairwise_welch, welch_anova
from survey_app.compare.categories import (
    COMPOSITE,
    SATISFACTION,
    CategoryScores,
    LensRequest,
    category_lens,
    compare_categories,
)
from survey_app.extensions import db
from survey_app.models import Provider, RecipientCategory, Region
from survey_app.models.scores import GroupScore
from survey_app.scores.frames import respondent_frame
from survey_app.scores.read import Estimate, groups_by_region, latest_snapshot_id
from tests.compare.world import get

CHART_BLOCK = re.compile(r'<script type="application/json" class="chart-data" data-target="([^"]+)">(.*?)</script>',
                         re.S)
PROVIDER_LINK = re.compile(r'href="/staff/providers/(\d+)\?wave=\d+"')


def lens_for(app, world, role: str, **arguments):
    with app.test_request_context("/?lang=en"):
        request = LensRequest(campaign_id=world.latest.id, **arguments)
        return category_lens(world.users[role], request, "en")


def group_rows(world, lens: str = "category") -> pd.DataFrame:
    rows = db.session.execute(
        select(GroupScore.group_key, GroupScore.provider_id, GroupScore.measure, GroupScore.nobs, GroupScore.mean,
               GroupScore.sd).where(GroupScore.snapshot_id == latest_snapshot_id(),
                                    GroupScore.campaign_id == world.latest.id, GroupScore.lens == lens)).all()
    return pd.DataFrame(rows, columns=["key", "provider_id", "measure", "nobs", "mean", "sd"])


# ------------------------------------------------------------------ numbers equal analysis.subgroups


@pytest.mark.parametrize("method", ["holm", "fdr_bh"])
def test_the_national_tests_equal_analysis_subgroups_on_the_same_group_rows(app, world, method):
    lens = lens_for(app, world, "evaluator", method=method)
    stored = group_rows(world)
    composite = stored[(stored["measure"] == COMPOSITE) & (stored["nobs"] >= 5) & (stored["sd"] > 0)]
    composite = composite.set_index("key").loc[[row.key for row in lens.rows if row.key in set(composite["key"])]]
    assert len(composite) >= 3, "the world should have a few categories to compare"
    expected = welch_anova(composite["nobs"], composite["mean"], composite["sd"])
    got = lens.composite_tests.overall.result
    assert got.statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert got.pvalue == pytest.approx(expected.pvalue, rel=1e-12)
    pairs = pairwise_welch(composite["nobs"], composite["mean"], composite["sd"], labels=list(composite.index),
                           method=method)
    assert [pair.adjusted for pair in lens.composite_tests.pairs] == pytest.approx(
        pairs["pvalue_adjusted"].tolist(), rel=1e-12)
    assert [pair.difference for pair in lens.composite_tests.pairs] == pytest.approx(pairs["diff"].tolist())

    satisfied = stored[(stored["measure"] == SATISFACTION) & (stored["nobs"] >= 5)].set_index("key")
    satisfied = satisfied.loc[[row.key for row in lens.rows if row.key in set(satisfied.index)]]
    successes = (satisfied["mean"] * satisfied["nobs"] / 100).round()
    expected = chi2_proportions(successes, satisfied["nobs"])
    got = lens.satisfaction_tests.overall.result
    assert (got.statistic, got.df) == (pytest.approx(expected.statistic, rel=1e-12), expected.df)
    pairs = pairwise_proportions(successes, satisfied["nobs"], labels=list(satisfied.index), method=method)
    assert [pair.adjusted for pair in lens.satisfaction_tests.pairs] == pytest.approx(
        pairs["pvalue_adjusted"].tolist(), rel=1e-12)


def test_the_table_shows_the_stored_national_rows(app, world):
    lens = lens_for(app, world, "admin")
    stored = group_rows(world).set_index(["key", "measure"])
    for row in lens.rows:
        assert row.composite.value == pytest.approx(stored.loc[(row.key, COMPOSITE), "mean"])
        assert row.composite.nobs == stored.loc[(row.key, COMPOSITE), "nobs"]
        assert row.satisfaction.value == pytest.approx(stored.loc[(row.key, SATISFACTION), "mean"])
    names = {category.code: category.name_en for category in db.session.scalars(select(RecipientCategory))}
    assert [row.name for row in lens.rows] == [names[row.key] for row in lens.rows]


def test_holm_and_benjamini_hochberg_give_different_adjusted_p_values(app, world):
    holm = lens_for(app, world, "evaluator", method="holm").composite_tests.pairs
    bh = lens_for(app, world, "evaluator", method="fdr_bh").composite_tests.pairs
    raw = [pair.pvalue for pair in holm]
    assert raw == [pair.pvalue for pair in bh]
    assert [pair.adjusted for pair in holm] == pytest.approx(adjust_pvalues(raw, "holm").tolist())
    assert [pair.adjusted for pair in bh] == pytest.approx(adjust_pvalues(raw, "fdr_bh").tolist())
    assert [pair.adjusted for pair in holm] != [pair.adjusted for pair in bh]
    assert all(b <= h + 1e-12 for h, b in zip([p.adjusted for p in holm], [p.adjusted for p in bh], strict=True))


def test_the_page_shows_the_chosen_adjustment(app, world):
    client = world.client(app, "evaluator")
    pages = {method: get(client, f"/staff/categories?lang=en&method={method}").get_data(as_text=True)
             for method in ("holm", "fdr_bh")}
    assert "p adjusted (Holm)" in pages["holm"] and 'value="holm" checked' in pages["holm"]
    assert "p adjusted (Benjamini–Hochberg)" in pages["fdr_bh"] and 'value="fdr_bh" checked' in pages["fdr_bh"]

    def adjusted(html: str) -> list[str]:
        body = html.split("p adjusted (", 1)[1].split("</table>", 1)[0]
        return re.findall(r'<td class="num">([0-9.]+)(?: <strong>different</strong>)?</td></tr>', body)

    assert adjusted(pages["holm"]) and adjusted(pages["holm"]) != adjusted(pages["fdr_bh"])


# ------------------------------------------------------------------ regions


def test_a_regions_figures_pool_its_providers_respondents_exactly(app, world):
    with app.test_request_context("/?lang=en"):
        pooled = groups_by_region(world.users["admin"], world.latest.id)
    frame, _dimensions = respondent_frame()
    frame = frame[frame["campaign_id"] == world.latest.id].dropna(subset=["category"])
    regions = {provider.id: (provider.region.parent or provider.region).code for provider in world.providers}
    frame = frame.assign(region=frame["provider_id"].map(regions))
    checked = 0
    for group in pooled:
        values = frame[(frame["region"] == group.region_code) & (frame["category"] == group.group_key)][group.measure]
        values = values.dropna()
        assert group.estimate.nobs == len(values)
        assert group.estimate.value == pytest.approx(values.mean(), rel=1e-9)
        if len(values) > 1:
            assert group.sd == pytest.approx(values.std(ddof=1), rel=1e-6)
        if group.measure == SATISFACTION:
            assert group.successes == int((values == 100).sum())
        checked += 1
    assert checked >= 4


def test_a_monitor_sees_only_the_assigned_region_and_falls_back_to_the_country(app, world):
    lens = lens_for(app, world, "monitor")
    assert [code for code, _name in lens.areas] == ["national", world.monitored_region.code]
    assert {row.code for row in lens.regions} == {world.monitored_region.code}
    outside = next(p for p in world.providers if not world.in_region(p))
    other = (outside.region.parent or outside.region).code
    lens = lens_for(app, world, "monitor", area=other)
    assert lens.request.area == "national"
    html = get(world.client(app, "monitor"), f"/staff/categories?lang=en&area={other}").get_data(as_text=True)
    for provider in world.providers:
        if not world.in_region(provider):
            assert provider.name not in html


def test_a_chosen_region_shows_its_categories_and_its_providers(app, world):
    region = world.monitored_region
    lens = lens_for(app, world, "evaluator", area=region.code)
    assert lens.area_name == region.name_en
    with app.test_request_context("/?lang=en"):
        pooled = [group for group in groups_by_region(world.users["evaluator"], world.latest.id)
                  if group.region_code == region.code and group.measure == COMPOSITE]
    assert {row.key for row in lens.rows} == {group.group_key for group in pooled}
    assert all(world.in_region(db.session.get(Provider, row.provider_id)) for row in lens.providers)


# ------------------------------------------------------------------ across providers


@pytest.mark.parametrize("role", ["admin", "evaluator", "monitor", "manager"])
def test_each_provider_for_one_category_in_scope_with_the_small_number_rule(app, world, role):
    stored = group_rows(world, "provider_category")
    stored = stored[stored["measure"] == COMPOSITE]
    # The category with the most providers, and a small cell in it where the world has one.
    category = stored.groupby("key").size().idxmax()
    lens = lens_for(app, world, role, category=category)
    expected = stored[(stored["key"] == category) & stored["provider_id"].isin(world.scope(role))]
    assert {row.provider_id for row in lens.providers} == set(expected["provider_id"])
    html = get(world.client(app, role), f"/staff/categories?lang=en&category={category}").get_data(as_text=True)
    section = html.split('id="providers-title"', 1)[1]
    for cell in expected.itertuples():
        row = section[section.index(f"/staff/providers/{cell.provider_id}?"):]
        row = row[:row.index("</tr>")]
        if cell.nobs < 5 and role != "admin":
            assert "fewer than 5 responses" in row and f"{cell.mean:.1f}" not in row
        else:
            assert f"{cell.mean:.1f}" in row
    shown = [row for row in lens.providers if not row.suppressed]
    values = [row.composite.value for row in shown]
    assert values == sorted(values, reverse=True)
    assert lens.providers[len(shown):] == [row for row in lens.providers if row.suppressed]


def test_small_provider_cells_are_hidden_below_admin(app, world):
    stored = group_rows(world, "provider_category")
    small = stored[(stored["measure"] == COMPOSITE) & (stored["nobs"] < 5)]
    assert not small.empty, "the world's small provider has category cells below 5"
    cell = small.iloc[0]
    evaluator = lens_for(app, world, "evaluator", category=cell["key"])
    admin = lens_for(app, world, "admin", category=cell["key"])
    hidden = next(row for row in evaluator.providers if row.provider_id == cell["provider_id"])
    shown = next(row for row in admin.providers if row.provider_id == cell["provider_id"])
    assert hidden.suppressed and hidden.composite.value is None
    assert shown.composite.value == pytest.approx(cell["mean"])


# ------------------------------------------------------------------ tests and readings


def rows(*spec):
    """CategoryScores from (key, n, mean, sd, satisfied) tuples."""
    made = []
    for key, n, mean, sd, satisfied in spec:
        hidden = n < 5
        composite = Estimate(n, None if hidden else mean, None, None, suppressed=hidden)
        share = Estimate(n, None if hidden else 100 * satisfied / n, None, None, suppressed=hidden)
        made.append(CategoryScores(key, key.replace("_", " ").capitalize(), composite, share,
                                   None if hidden else sd, None if hidden else satisfied))
    return made


def test_readings_say_in_plain_words_who_rates_lower_and_by_how_much(app):
    spec = rows(("older_people", 400, 64.0, 15.0, 260), ("people_with_disabilities", 400, 70.0, 15.0, 320),
                ("children", 30, 66.0, 16.0, 20))
    with app.test_request_context("/?lang=en"):
        composite = compare_categories(spec, COMPOSITE, "holm")
        satisfaction = compare_categories(spec, SATISFACTION, "fdr_bh")
    pair = composite.pairs[0]
    expected = pairwise_welch([400, 400, 30], [64.0, 70.0, 66.0], [15.0, 15.0, 16.0], method="holm")
    assert pair.adjusted == pytest.approx(expected["pvalue_adjusted"][0])
    assert pair.text == ("Older people rate services 6.0 points lower than people with disabilities "
                         "(p < 0.001 after Holm’s adjustment).")
    assert satisfaction.pairs[0].text == (
        "Among older people, 15 percentage points fewer are satisfied than among people with disabilities "
        "(p < 0.001 after the Benjamini–Hochberg adjustment).")
    assert composite.overall.significant and "Welch’s F" in composite.overall.text
    assert satisfaction.overall.result.df == 2


def test_a_category_hidden_by_the_small_number_rule_takes_no_part_in_any_test(app):
    spec = rows(("a", 50, 60.0, 10.0, 30), ("b", 60, 70.0, 12.0, 45), ("c", 3, 95.0, 1.0, 3))
    with app.test_request_context("/?lang=en"):
        composite = compare_categories(spec, COMPOSITE, "holm")
        satisfaction = compare_categories(spec, SATISFACTION, "holm")
    for tests in (composite, satisfaction):
        assert tests.overall.result.k_groups == 2 if hasattr(tests.overall.result, "k_groups") else True
        assert [(pair.first, pair.second) for pair in tests.pairs] == [("A", "B")]
    expected = welch_anova([50, 60], [60.0, 70.0], [10.0, 12.0])
    assert composite.overall.result.pvalue == pytest.approx(expected.pvalue)
    assert satisfaction.overall.result.df == 1


def test_fewer_than_two_categories_give_no_test(app):
    with app.test_request_context("/?lang=en"):
        result = compare_categories(rows(("a", 50, 60.0, 10.0, 30), ("b", 2, 70.0, 12.0, 1)), COMPOSITE, "holm")
    assert result.overall is None and result.pairs == []


# ------------------------------------------------------------------ the page


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_page_draws_both_charts_with_table_alternatives(app, world, lang):
    html = get(world.client(app, "evaluator"), f"/staff/categories?lang={lang}").get_data(as_text=True)
    blocks = {key: json.loads(body) for key, body in CHART_BLOCK.findall(html)}
    index = next(chart for key, chart in blocks.items() if key.startswith("categories-index-"))
    share = next(chart for key, chart in blocks.items() if key.startswith("categories-satisfied-"))
    lens = lens_for(app, world, "evaluator")
    drawn = [row for row in lens.rows if row.composite.shown]
    assert len(index["data"][0]["x"]) == len(drawn)
    assert share["data"][0]["x"] == pytest.approx([row.satisfaction.value / 100 for row in lens.rows
                                                   if row.satisfaction.shown], abs=1e-3)
    assert html.count('class="chart-table"') == 2
    assert f'<html lang="{lang}">' in html
    if lang == "ru":
        names = {c.code: c.name_ru for c in db.session.scalars(select(RecipientCategory))}
        assert names[lens.rows[0].key] in html


def test_the_region_matrix_links_each_region_to_its_view(app, world):
    html = get(world.client(app, "evaluator"), "/staff/categories?lang=en").get_data(as_text=True)
    lens = lens_for(app, world, "evaluator")
    for region in lens.regions:
        assert f"area={region.code}" in html
    names = {region.code: region.name_en for region in db.session.scalars(select(Region))}
    assert all(names[region.code] == region.name for region in lens.regions)
    assert np.all([row.cells for row in lens.regions])
