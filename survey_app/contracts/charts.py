"""Charts of the contract pages, in the reader's language, as JSON for ``static/charts.js`` (as on the
staff pages: each chart is followed by a table with the same numbers, and verdicts differ by marker
shape and legend text as well as colour)."""

from __future__ import annotations

import json

import plotly.graph_objects as go
from flask_babel import gettext as _

from analysis.funnel import FunnelResult
from survey_app.contracts.indicators import STATUS_LABELS, STATUS_SYMBOLS, ContractEvaluation
from survey_app.staff.charts import HOVER_WIDTH, MIN_HEIGHT, ROW_HEIGHT, Chart, _json_chart, funnel_chart, serialise
from survey_app.staff.charts import wrapped as wrapped_label

STATUS_ORDER = ("achieved", "not_yet_known", "not_achieved")
STATUS_COLOURS = {"achieved": "#1e6b34", "not_achieved": "#a4161a", "not_yet_known": "#4a5260"}
STATUS_MARKERS = {"achieved": "circle", "not_achieved": "x", "not_yet_known": "diamond"}
ZERO_TO_HUNDRED = ("percent", "score")


def indicator_chart(key: str, evaluation: ContractEvaluation, lang: str) -> Chart | None:
    """Indicators on a 0–100 scale: each value with its interval, the target (a bar) and the baseline.

    NPS, 1–5 means and figures per 100 recipients have scales of their own: they are in the table.
    """
    rows = [result for result in evaluation.results if result.unit in ZERO_TO_HUNDRED and result.shown]
    if not rows:
        return None
    names = {id(result): wrapped_label(result.indicator.name(lang)) for result in rows}
    value_label, target_label, baseline_label = _("Value"), _("Target"), _("Baseline")
    figure = go.Figure()
    for status in STATUS_ORDER:
        part = [result for result in rows if result.status == status]
        if not part:
            continue
        sampled = [result.estimate.sampled for result in part]
        figure.add_trace(go.Scatter(
            x=[result.value for result in part], y=[names[id(result)] for result in part], mode="markers",
            name=f"{STATUS_SYMBOLS[status]} {STATUS_LABELS[status]}",
            marker={"color": STATUS_COLOURS[status], "symbol": STATUS_MARKERS[status], "size": 11,
                    "line": {"width": 2, "color": STATUS_COLOURS[status]}},
            error_x={"type": "data", "symmetric": False,
                     "array": [result.high - result.value if ok else 0 for result, ok in zip(part, sampled,
                                                                                              strict=True)],
                     "arrayminus": [result.value - result.low if ok else 0 for result, ok in zip(part, sampled,
                                                                                                  strict=True)],
                     "color": STATUS_COLOURS[status], "thickness": 2, "width": 5},
            hovertemplate=f"%{{y}}<br>{value_label}: %{{x:.1f}}<extra>{STATUS_LABELS[status]}</extra>",
        ))
    figure.add_trace(go.Scatter(
        x=[result.target for result in rows], y=[names[id(result)] for result in rows], mode="markers",
        name=target_label, marker={"symbol": "line-ns-open", "size": 24, "color": "#1b1f24", "line": {"width": 3}},
        hovertemplate=f"%{{y}}<br>{target_label}: %{{x:.1f}}<extra></extra>",
    ))
    with_baseline = [result for result in rows if result.baseline is not None]
    if with_baseline:
        figure.add_trace(go.Scatter(
            x=[result.baseline for result in with_baseline], y=[names[id(result)] for result in with_baseline],
            mode="markers", name=baseline_label,
            marker={"symbol": "triangle-up-open", "size": 10, "color": "#0b5cad", "line": {"width": 2}},
            hovertemplate=f"%{{y}}<br>{baseline_label}: %{{x:.1f}}<extra></extra>",
        ))
    # Coverage can pass 100% (recipients answering in two waves): the axis then goes on beyond 100.
    largest = max(max(result.high if result.estimate.sampled else result.value, result.target,
                      result.baseline if result.baseline is not None else 0) for result in rows)
    figure.update_layout(
        xaxis={"title": {"text": _("Value (0–100; shares in per cent)")}, "range": [-2, max(102, largest * 1.04)]},
        yaxis={"categoryorder": "array", "categoryarray": [names[id(result)] for result in rows]},
        showlegend=True)
    lines = sum(name.count("<br>") + 1 for name in names.values())
    height = max(MIN_HEIGHT, 130 + ROW_HEIGHT * len(rows) + 14 * (lines - len(rows)))
    chart = serialise(key, figure, height, untitled="yaxis")
    data = json.loads(chart.figure)
    data["layout"]["yaxis"]["autorange"] = "reversed"  # the first indicator on top, as in the table
    return _json_chart(key, data["data"], data["layout"])


def portfolio_funnel_chart(key: str, result: FunnelResult, lang: str) -> Chart:
    return funnel_chart(key, result, lang)


def spending_chart(key: str, points: list, currency: str, lang: str) -> Chart:
    """Budget per contracted recipient (x) beside the satisfaction rate with its interval (y)."""
    budget_label, satisfaction_label = _("Budget per contracted recipient"), _("Satisfaction rate")
    figure = go.Figure(go.Scatter(
        x=[point.budget_per_recipient for point in points], y=[point.estimate.value for point in points],
        mode="markers", name=_("Contract"),
        marker={"color": "#0b5cad", "symbol": "circle", "size": 9},
        error_y={"type": "data", "symmetric": False,
                 "array": [point.estimate.high - point.estimate.value for point in points],
                 "arrayminus": [point.estimate.value - point.estimate.low for point in points],
                 "color": "#6b7685", "thickness": 1.5, "width": 4},
        customdata=[[wrapped_label(f"{point.contract.number} · {point.contract.provider.name}", HOVER_WIDTH)]
                    for point in points],
        hovertemplate=(f"%{{customdata[0]}}<br>{budget_label}: %{{x:,.0f}} {currency}<br>"
                       f"{satisfaction_label}: %{{y:.1f}}%<extra></extra>"),
    ))
    figure.update_layout(
        xaxis={"title": {"text": _("Budget per contracted recipient, %(currency)s", currency=currency)},
               "tickformat": ",.0f"},
        yaxis={"title": {"text": _("Satisfaction rate, %")}, "range": [-2, 102]},
        showlegend=False,
    )
    return serialise(key, figure, 380)
