"""Figure builders: trace data equal the results they draw, texts in the requested language."""

import re

import numpy as np
import pandas as pd
import pytest

from analysis.change import xbar_chart
from analysis.figures import (
    LABELS,
    LANGUAGES,
    build_dimension_profile_figure,
    build_funnel_figure,
    build_subgroup_figure,
    build_trend_figure,
    figure_labels,
)
from analysis.funnel import funnel_means, funnel_proportions
from analysis.subgroups import subgroup_estimates, subgroup_proportions


@pytest.fixture(scope="module")
def funnel():
    rng = np.random.default_rng(3)
    n = rng.integers(20, 300, 40)
    mean = 70 + rng.normal(0, 6, 40)
    return funnel_means(mean, n, sd=15.0, provider=[f"P{i}" for i in range(40)])


@pytest.fixture(scope="module")
def profile():
    return pd.DataFrame(
        {
            "dimension": ["Access", "Access", "Access", "Respect", "Respect", "Respect"],
            "kind": ["raw", "adjusted", "shrunken"] * 2,
            "estimate": [70.0, 72.0, 71.0, 80.0, 79.0, 79.5],
            "ci_low": [65.0, 67.0, 67.5, 76.0, 75.0, 76.0],
            "ci_high": [75.0, 77.0, 74.5, 84.0, 83.0, 83.0],
            "nobs": [40, 40, 40, 38, 38, 38],
        }
    )


def test_every_language_has_every_key():
    keys = set(LABELS["en"])
    for lang in LANGUAGES:
        assert set(LABELS[lang]) == keys
        assert all(text.strip() for text in LABELS[lang].values())
    # Kazakh, Russian and Ukrainian texts are in Cyrillic.
    for lang in ("kk", "ru", "uk"):
        assert re.search("[а-яіїєґәғқңөұүһ]", LABELS[lang]["responses"].lower())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_funnel_figure_data_and_texts(funnel, lang):
    fig = build_funnel_figure(funnel, lang=lang)
    text = LABELS[lang]
    assert fig.layout.xaxis.title.text == text["responses"]
    assert fig.layout.yaxis.title.text == text["score"]
    points = [trace for trace in fig.data if trace.mode == "markers"]
    assert [trace.name for trace in points] == [text["above"], text["within"], text["below"]]
    providers = funnel.providers
    for trace, flag in zip(points, ["above", "within", "below"], strict=True):
        part = providers[providers["flag"] == flag]
        np.testing.assert_array_equal(trace.x, part["nobs"].to_numpy())
        np.testing.assert_array_equal(trace.y, part["estimate"].to_numpy())
        assert text["provider"] in trace.hovertemplate and text["responses"] in trace.hovertemplate
    lines = [trace for trace in fig.data if trace.mode == "lines"]
    curve = funnel.limits[funnel.limits["level"] == 0.998]
    upper = [t for t in lines if t.legendgroup == "limits_1"][1]
    np.testing.assert_allclose(upper.y, curve["upper"].to_numpy())
    level = "99.8%" if lang == "en" else "99,8%"
    assert any(trace.name == text["limits"].format(level=level) for trace in lines)
    assert fig.layout.separators == (".," if lang == "en" else ", ")


def test_funnel_figure_for_shares_uses_percent_axis():
    res = funnel_proportions([45, 30, 80, 20], [60, 50, 100, 50])
    fig = build_funnel_figure(res, lang="uk")
    assert fig.layout.yaxis.title.text == LABELS["uk"]["share"]
    assert fig.layout.yaxis.tickformat == ".0%"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dimension_profile_figure(profile, lang):
    fig = build_dimension_profile_figure(profile, lang=lang)
    text = LABELS[lang]
    assert [trace.name for trace in fig.data] == [text["raw"], text["adjusted"], text["shrunken"]]
    adjusted = fig.data[1]
    rows = profile[profile["kind"] == "adjusted"]
    np.testing.assert_array_equal(adjusted.y, rows["estimate"].to_numpy())
    np.testing.assert_allclose(np.asarray(adjusted.y) + adjusted.error_y.array, rows["ci_high"])
    np.testing.assert_allclose(np.asarray(adjusted.y) - adjusted.error_y.arrayminus, rows["ci_low"])
    assert fig.layout.xaxis.title.text == text["dimension"]
    assert list(fig.layout.xaxis.categoryarray) == ["Access", "Respect"]
    assert text["responses"] in adjusted.hovertemplate


@pytest.mark.parametrize("lang", LANGUAGES)
def test_trend_figure_with_xbar_chart_limits(lang):
    chart = xbar_chart([100, 120, 90], [3.9, 4.0, 4.4], [1.0, 0.9, 1.1], labels=["2024", "2025", "2026"])
    trend = chart[["wave", "mean"]].assign(ci_low=[3.7, 3.8, 4.2], ci_high=[4.1, 4.2, 4.6])
    fig = build_trend_figure(trend, chart, lang=lang)
    text = LABELS[lang]
    names = [trace.name for trace in fig.data]
    assert names == [text["value"], text["centre"], text["lcl"], text["ucl"], text["out_of_control"]]
    np.testing.assert_allclose(fig.data[0].y, [3.9, 4.0, 4.4])
    np.testing.assert_allclose(fig.data[3].y, chart["ucl"])
    assert list(fig.data[4].x) == ["2026"]
    assert fig.layout.xaxis.title.text == text["wave"]


def test_trend_figure_takes_limits_from_the_chart_itself():
    chart = xbar_chart([100, 120], [3.9, 4.0], [1.0, 0.9], labels=["a", "b"])
    fig = build_trend_figure(chart, lang="en")
    assert [trace.name for trace in fig.data][:4] == ["Value", "Centre line", "Lower control limit",
                                                       "Upper control limit"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_subgroup_figure(lang):
    groups = subgroup_estimates([25, 40, 31], [4.0, 3.5, 3.8], [1.0, 1.2, 0.9], labels=["a", "b", "c"])
    fig = build_subgroup_figure(groups, lang=lang, reference=3.7)
    text = LABELS[lang]
    np.testing.assert_allclose(fig.data[0].x, groups["mean"])
    assert list(fig.data[0].y) == ["a", "b", "c"]
    np.testing.assert_allclose(np.asarray(fig.data[0].x) + fig.data[0].error_x.array, groups["ci_high"])
    assert fig.layout.yaxis.title.text == text["group"]
    assert fig.data[1].name == text["overall"]


def test_subgroup_figure_for_shares():
    groups = subgroup_proportions([81, 30], [263, 40], labels=["a", "b"])
    fig = build_subgroup_figure(groups, lang="kk")
    assert fig.layout.xaxis.title.text == LABELS["kk"]["share"] and fig.layout.xaxis.tickformat == ".0%"


def test_labels_override(funnel):
    fig = build_funnel_figure(funnel, lang="ru", labels={"responses": "Ответов"})
    assert fig.layout.xaxis.title.text == "Ответов"
    assert figure_labels("ru", {"responses": "Ответов"})["score"] == LABELS["ru"]["score"]


def test_figures_are_data_only(funnel, profile):
    # No CDN or any other address inside the figure: plotly.js is served by the app itself.
    for fig in (build_funnel_figure(funnel), build_dimension_profile_figure(profile)):
        payload = fig.to_json()
        assert "cdn" not in payload.lower() and not re.search(r"https?://", payload)


@pytest.mark.parametrize(
    "call",
    [
        lambda f, p: build_funnel_figure(f, lang="de"),
        lambda f, p: build_funnel_figure(f, labels={"nonsense": "x"}),
        lambda f, p: build_funnel_figure(p),
        lambda f, p: build_dimension_profile_figure(p.drop(columns="kind")),
        lambda f, p: build_dimension_profile_figure(p.assign(kind="other")),
        lambda f, p: build_dimension_profile_figure(p.iloc[0:0]),
        lambda f, p: build_dimension_profile_figure("profile"),
        lambda f, p: build_trend_figure(pd.DataFrame({"wave": [1], "other": [1.0]})),
        lambda f, p: build_trend_figure(pd.DataFrame({"mean": [1.0]})),
        lambda f, p: build_trend_figure(
            pd.DataFrame({"wave": [1], "mean": [1.0]}), pd.DataFrame({"wave": [1]})
        ),
        lambda f, p: build_subgroup_figure(pd.DataFrame({"group": ["a"], "ci_low": [1.0], "ci_high": [2.0]})),
        lambda f, p: build_subgroup_figure(
            pd.DataFrame({"group": ["a"], "mean": [1.5], "ci_low": [1.0], "ci_high": [2.0]}), reference=np.inf
        ),
    ],
)
def test_bad_input_raises_value_error(funnel, profile, call):
    with pytest.raises(ValueError):
        call(funnel, profile)
