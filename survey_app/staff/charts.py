"""Staff charts: the analysis figure builders in the reader's language, serialised for charts.js.

A page embeds each figure as JSON in ``<script type="application/json" class="chart-data">`` (data,
not code, so the CSP's ``script-src 'self'`` holds) and ``static/charts.js`` draws it with plotly.js.
Every chart is followed on the page by a table with the same numbers.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

import numpy as np
import pandas as pd
from markupsafe import Markup
from plotly.utils import PlotlyJSONEncoder

from analysis.figures import (
    build_dimension_profile_figure,
    build_funnel_figure,
    build_subgroup_figure,
    build_trend_figure,
)
from analysis.funnel import FunnelResult

# Heights in pixels: plotly fills the width of its box; the height is the figure's.
ROW_HEIGHT = 34
MIN_HEIGHT = 260
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Noto Sans, DejaVu Sans, Arial, sans-serif"
GRID = "#e3e7ed"
LABEL_WIDTH = 20  # characters per line of a category name on an axis
HOVER_WIDTH = 36  # characters per line of a name in a hover label (a phone is about 40 wide)


@dataclass(frozen=True)
class Chart:
    key: str  # the element id the figure is drawn into
    data: Markup  # the figure as JSON, safe inside a <script type="application/json"> block

    @property
    def figure(self) -> str:
        return str(self.data)


def serialise(key: str, figure, height: int, score_axis: str | None = None, untitled: str | None = None) -> Chart:
    """The figure as compact JSON that cannot close its <script> element or start markup.

    The builders' figure is kept as it is, except for what a web page needs: a height, room for
    long Kazakh and Russian labels, a legend that wraps below the plot, the page's font, numbers
    rounded to what a reader can see, and no plotly.py template (7 KB per chart; the few settings
    that matter are set here).
    """
    data = figure.to_plotly_json()
    layout = data["layout"]
    layout.pop("template", None)
    layout.update(
        height=height, margin={"l": 10, "r": 10, "t": 10, "b": 10}, paper_bgcolor="white", plot_bgcolor="white",
        font={"family": FONT, "size": 13, "color": "#1b1f24"},
        # One readable style for every hover label (plotly would fill it with the marker's colour).
        hoverlabel={"align": "left", "bgcolor": "white", "bordercolor": "#4a5260",
                    "font": {"family": FONT, "size": 13, "color": "#1b1f24"}},
    )
    # The legend above the plot: read first, and in the same place whatever the chart's height.
    layout["legend"] = {**layout.get("legend", {}), "orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0,
                        "xanchor": "left"}
    for name in ("xaxis", "yaxis"):
        layout[name] = {"gridcolor": GRID, "linecolor": GRID, "zerolinecolor": GRID, "automargin": True,
                        **layout.get(name, {})}
        title = layout[name].get("title")
        if isinstance(title, dict) and title.get("text"):
            layout[name]["title"] = {"standoff": 12, **title}
    if untitled:
        layout[untitled].pop("title", None)  # the names along it say what they are (and phones are narrow)
    if score_axis:
        # Scores run from 0 to 100: the limits of a small provider's funnel may not stretch the axis beyond.
        layout[score_axis]["autorangeoptions"] = {"clipmin": -2, "clipmax": 102}
    return _json_chart(key, data["data"], layout)


def _json_chart(key: str, traces, layout) -> Chart:
    text = json.dumps({"data": _rounded(traces), "layout": layout}, cls=PlotlyJSONEncoder,
                      separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Chart(key, Markup(text))  # noqa: S704 - escaped above; JSON, never HTML


def _rounded(value):
    """Numbers to 3 decimals (scores are 0–100, shares 0–1): a third of the bytes, nothing visible lost."""
    if isinstance(value, np.ndarray):
        # Plain lists: plotly.py would write arrays as base64 float64, longer than 3-decimal numbers.
        return _rounded(value.tolist())
    if isinstance(value, float):
        return None if np.isnan(value) else round(value, 3)
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:  # plotly.py's base64 typed array
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
            if "shape" in value:
                array = array.reshape([int(size) for size in str(value["shape"]).split(",")])
            return _rounded(array)
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(item) for item in value]
    return value


# Built charts by their inputs: the dashboard's figures change only with a new snapshot, and
# building a plotly figure costs far more than the page's queries.
_CACHE: OrderedDict[tuple, Chart] = OrderedDict()
_CACHE_SIZE = 128
_CACHE_LOCK = Lock()


def _cached(kind: str, key: str, lang: str, frames: tuple[pd.DataFrame, ...], extra: tuple, build) -> Chart:
    digest = hashlib.sha1(repr(extra).encode())
    for frame in frames:
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
        digest.update(repr(list(frame.columns)).encode())
    cache_key = (kind, key, lang, digest.hexdigest())
    with _CACHE_LOCK:
        chart = _CACHE.get(cache_key)
        if chart is not None:
            _CACHE.move_to_end(cache_key)
            return chart
    chart = build()
    with _CACHE_LOCK:
        _CACHE[cache_key] = chart
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return chart


def funnel_chart(key: str, result: FunnelResult, lang: str) -> Chart:
    """Adjusted quality index against responses, limits from every provider, points as given.

    The x-axis ends a little after the largest provider drawn: a monitor's few providers are not
    squeezed into the corner of a funnel drawn out to the country's largest provider.
    """
    def build() -> Chart:
        chart = serialise(key, build_funnel_figure(result, lang=lang), 420, score_axis="yaxis")
        if result.providers.empty:
            return chart
        data = json.loads(chart.figure)
        data["layout"]["xaxis"]["range"] = [0, float(result.providers["nobs"].max()) * 1.1 + 2]
        return _json_chart(key, data["data"], data["layout"])

    return _cached("funnel", key, lang, (result.providers, result.limits), (result.target, result.measure), build)


def wrapped(name: str, width: int = LABEL_WIDTH) -> str:
    """A long category name over several lines (plotly breaks lines only at <br>)."""
    lines: list[str] = []
    for word in str(name).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def groups_chart(key: str, groups: pd.DataFrame, lang: str, reference: float | None = None,
                 reference_label: str | None = None) -> Chart:
    """A dot plot of groups (regions, recipient categories) with their intervals.

    ``reference_label`` names the dashed line when it is not the overall mean (a provider's own index).
    """
    labels = {"overall": reference_label} if reference_label else None
    groups = groups.assign(group=[wrapped(name) for name in groups["group"]])
    lines = sum(name.count("<br>") + 1 for name in groups["group"])
    height = max(MIN_HEIGHT, 120 + ROW_HEIGHT * len(groups) + 14 * (lines - len(groups)))
    return _cached("groups", key, lang, (groups,), (reference, reference_label), lambda: serialise(
        key, build_subgroup_figure(groups, lang=lang, labels=labels, reference=reference), height, score_axis="xaxis",
        untitled="yaxis"))


def profile_chart(key: str, profile: pd.DataFrame, lang: str) -> Chart:
    """Dimension scores: raw, adjusted and shrunken side by side, with intervals.

    The builder draws dimensions along the x-axis; here they are turned to run down the y-axis,
    because Kazakh and Russian dimension names are long and a phone is narrow.
    """
    profile = profile.assign(dimension=[wrapped(name) for name in profile["dimension"]])

    def build() -> Chart:
        figure = build_dimension_profile_figure(profile, lang=lang)
        dimensions = len(dict.fromkeys(profile["dimension"]))
        height = max(MIN_HEIGHT, 130 + 3 * 16 * dimensions)
        data = json.loads(serialise(key, figure, height).figure)
        layout = _swap_axes(data["layout"])
        # The points grouped side by side make plotly include zero; the scores' own span reads better.
        low, high = float(profile["ci_low"].min()), float(profile["ci_high"].max())
        layout["xaxis"]["range"] = [max(-2.0, np.floor(low / 10) * 10 - 2), min(102.0, np.ceil(high / 10) * 10 + 2)]
        return _json_chart(key, [_horizontal(trace) for trace in data["data"]], layout)

    return _cached("profile", key, lang, (profile,), (), build)


def _horizontal(trace: dict) -> dict:
    turned = dict(trace, x=trace.get("y"), y=trace.get("x"), orientation="h")
    turned.pop("error_y", None)
    if "error_y" in trace:
        turned["error_x"] = trace["error_y"]
    template = trace.get("hovertemplate")
    if template:
        turned["hovertemplate"] = template.replace("%{x}", "\0").replace("%{y", "%{x").replace("\0", "%{y}")
    return turned


def _swap_axes(layout: dict) -> dict:
    turned = dict(layout, xaxis=layout.get("yaxis", {}), yaxis=dict(layout.get("xaxis", {}), autorange="reversed"))
    turned["yaxis"].pop("title", None)  # the dimension names say what they are
    return turned


def trend_chart(key: str, trend: pd.DataFrame, limits: pd.DataFrame, lang: str) -> Chart:
    """The quality index per wave with the x̄-chart's centre line and control limits."""
    return _cached("trend", key, lang, (trend, limits), (), lambda: serialise(
        key, build_trend_figure(trend, limits, lang=lang), 340, score_axis="yaxis"))


def level_text(level: float = 0.95) -> str:
    """'95%' written the reader's way, for "%(level)s interval" sentences."""
    from flask_babel import format_percent

    return format_percent(level, "#,##0.#%")


__all__ = ["Chart", "funnel_chart", "groups_chart", "level_text", "profile_chart", "serialise", "trend_chart"]
