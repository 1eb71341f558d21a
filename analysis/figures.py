r"""Figure builders: pure functions from estimator results to Plotly figures, in kk, ru, uk or en.

Each builder takes a result (or a tidy frame) and returns a :class:`plotly.graph_objects.Figure`
holding data only: no JavaScript, no link to a CDN. The web app decides how to serve
plotly.js (from its own static files). Axis titles, legend names and hover text come from a
small built-in dictionary per language (terms from the project glossary); any entry can be
replaced with ``labels={"key": "text"}`` (see :data:`LABELS` for the keys). Numbers use the
decimal comma in Kazakh, Russian and Ukrainian.

Text that belongs to the instrument (dimension names, subgroup names) is content, not
interface: pass it already in the reader's language.

Marker colours follow the Okabe–Ito palette, and the flags also differ by marker shape, so
the figures do not rely on colour alone (WCAG 2.1, 1.4.1).

References
----------
Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
*Statistics in Medicine* 24, 1185–1202. Montgomery, D. C. (2019). *Introduction to
Statistical Quality Control*, 8th ed. Wiley. Okabe, M., & Ito, K. (2008). *Color Universal
Design*.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

LANGUAGES = ("kk", "ru", "uk", "en")

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "responses": "Number of responses",
        "score": "Score",
        "share": "Share of positive answers",
        "provider": "Service provider",
        "overall": "Overall average",
        "limits": "{level} control limits",
        "interval": "{level} confidence interval",
        "above": "Above the expected range",
        "within": "Within the expected range",
        "below": "Below the expected range",
        "dimension": "Quality dimension",
        "raw": "Unadjusted",
        "adjusted": "Adjusted for recipient mix",
        "shrunken": "Stabilised for small samples",
        "wave": "Survey wave",
        "value": "Value",
        "centre": "Centre line",
        "lcl": "Lower control limit",
        "ucl": "Upper control limit",
        "out_of_control": "Outside the control limits",
        "group": "Group of recipients",
    },
    "ru": {
        "responses": "Число ответов",
        "score": "Балл",
        "share": "Доля положительных ответов",
        "provider": "Поставщик услуг",
        "overall": "Общее среднее",
        "limits": "Контрольные границы {level}",
        "interval": "Доверительный интервал {level}",
        "above": "Выше ожидаемого диапазона",
        "within": "В пределах ожидаемого диапазона",
        "below": "Ниже ожидаемого диапазона",
        "dimension": "Аспект качества",
        "raw": "Без поправки",
        "adjusted": "С поправкой на состав получателей",
        "shrunken": "Со стабилизацией для малых выборок",
        "wave": "Волна опроса",
        "value": "Значение",
        "centre": "Центральная линия",
        "lcl": "Нижняя контрольная граница",
        "ucl": "Верхняя контрольная граница",
        "out_of_control": "За контрольными границами",
        "group": "Группа получателей",
    },
    "uk": {
        "responses": "Кількість відповідей",
        "score": "Бал",
        "share": "Частка позитивних відповідей",
        "provider": "Надавач соціальних послуг",
        "overall": "Загальне середнє",
        "limits": "Контрольні межі {level}",
        "interval": "Довірчий інтервал {level}",
        "above": "Вище за очікуваний діапазон",
        "within": "У межах очікуваного діапазону",
        "below": "Нижче за очікуваний діапазон",
        "dimension": "Аспект якості",
        "raw": "Без коригування",
        "adjusted": "З поправкою на склад отримувачів",
        "shrunken": "Зі стабілізацією для малих вибірок",
        "wave": "Хвиля опитування",
        "value": "Значення",
        "centre": "Центральна лінія",
        "lcl": "Нижня контрольна межа",
        "ucl": "Верхня контрольна межа",
        "out_of_control": "За контрольними межами",
        "group": "Група отримувачів",
    },
    "kk": {
        "responses": "Жауаптар саны",
        "score": "Балл",
        "share": "Оң жауаптардың үлесі",
        "provider": "Қызмет көрсетуші",
        "overall": "Жалпы орташа мән",
        "limits": "{level} бақылау шектері",
        "interval": "{level} сенімділік аралығы",
        "above": "Күтілген аралықтан жоғары",
        "within": "Күтілген аралықта",
        "below": "Күтілген аралықтан төмен",
        "dimension": "Сапа аспектісі",
        "raw": "Түзетусіз",
        "adjusted": "Алушылар құрамына түзетілген",
        "shrunken": "Шағын іріктеме үшін тұрақтандырылған",
        "wave": "Сауалнама толқыны",
        "value": "Мән",
        "centre": "Орталық сызық",
        "lcl": "Төменгі бақылау шегі",
        "ucl": "Жоғарғы бақылау шегі",
        "out_of_control": "Бақылау шектерінен тыс",
        "group": "Алушылар тобы",
    },
}

# Okabe–Ito colours and distinct marker shapes, so the flag is never carried by colour alone.
_FLAG_STYLE = {
    "above": ("#0072B2", "triangle-up"),
    "within": ("#999999", "circle"),
    "below": ("#D55E00", "triangle-down"),
}
_KIND_COLOURS = {"raw": "#999999", "adjusted": "#0072B2", "shrunken": "#009E73"}
_LIMIT_DASH = ("dash", "dot", "dashdot", "longdash")
_VALUE_COLUMNS = ("estimate", "mean", "share", "adjusted_mean", "shrunken_mean")


def figure_labels(lang: str = "en", labels: Mapping[str, str] | None = None) -> dict[str, str]:
    r"""The interface texts of the figures in one language, with optional overrides.

    .. math:: \mathrm{text}(k) = \mathrm{labels}[k] \text{ if given, else } \mathrm{LABELS}[\mathrm{lang}][k]

    Parameters
    ----------
    lang : {"kk", "ru", "uk", "en"}
        Language.
    labels : mapping, optional
        Replacements for some keys of :data:`LABELS`.

    Returns
    -------
    dict

    References
    ----------
    Sapa glossary (``context/glossary.md``): one term for one thing in every language.

    Examples
    --------
    >>> figure_labels("kk")["responses"]
    'Жауаптар саны'
    >>> figure_labels("en", {"score": "Index"})["score"]
    'Index'
    """
    if lang not in LABELS:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}.")
    merged = dict(LABELS[lang])
    if labels:
        unknown = [key for key in labels if key not in merged]
        if unknown:
            raise ValueError(f"Unknown label key(s): {', '.join(map(str, unknown))}.")
        merged.update({key: str(text) for key, text in labels.items()})
    return merged


def build_funnel_figure(
    funnel_result, lang: str = "en", labels: Mapping[str, str] | None = None
) -> go.Figure:
    r"""Funnel plot: providers' scores against responses, with the control limits and the target.

    Draws :math:`(n_i, y_i)` for every provider (one trace per flag: above, within, below),
    the limit curves :math:`\theta_0 \pm z\,s(n)` of each level and the target
    :math:`\theta_0`.

    Parameters
    ----------
    funnel_result : analysis.funnel.FunnelResult
        From :func:`analysis.funnel.funnel_means` or :func:`analysis.funnel.funnel_proportions`.
    lang : {"kk", "ru", "uk", "en"}
    labels : mapping, optional
        Text overrides (:func:`figure_labels`).

    Returns
    -------
    plotly.graph_objects.Figure

    References
    ----------
    Spiegelhalter (2005), *Statistics in Medicine* 24, 1185–1202.

    Examples
    --------
    >>> from analysis.funnel import funnel_means
    >>> res = funnel_means([72.0, 70.0, 50.0], [100, 80, 90], sd=20.0)
    >>> fig = build_funnel_figure(res, lang="ru")
    >>> fig.layout.xaxis.title.text
    'Число ответов'
    """
    text = figure_labels(lang, labels)
    for attribute in ("providers", "limits", "levels", "target", "measure"):
        if not hasattr(funnel_result, attribute):
            raise ValueError("funnel_result must be a FunnelResult from analysis.funnel.")
    share = funnel_result.measure == "proportion"
    value_format = ".1%" if share else ".1f"
    y_title = text["share"] if share else text["score"]
    fig = go.Figure()
    limits = funnel_result.limits
    for index, level in enumerate(funnel_result.levels):
        curve = limits[limits["level"] == level]
        name = text["limits"].format(level=_percent(level, lang))
        dash = _LIMIT_DASH[index % len(_LIMIT_DASH)]
        for bound in ("lower", "upper"):
            fig.add_trace(
                go.Scatter(
                    x=curve["nobs"].to_numpy(),
                    y=curve[bound].to_numpy(),
                    mode="lines",
                    name=name,
                    legendgroup=f"limits_{index}",
                    showlegend=bound == "lower",
                    line={"color": "#555555", "dash": dash, "width": 1},
                    hoverinfo="skip",
                )
            )
    grid = limits["nobs"].to_numpy()
    fig.add_trace(
        go.Scatter(
            x=[grid.min(), grid.max()],
            y=[funnel_result.target, funnel_result.target],
            mode="lines",
            name=text["overall"],
            line={"color": "#000000", "width": 1},
            hovertemplate=f"{text['overall']}: %{{y:{value_format}}}<extra></extra>",
        )
    )
    providers = funnel_result.providers
    for flag in ("above", "within", "below"):
        part = providers[providers["flag"] == flag]
        colour, symbol = _FLAG_STYLE[flag]
        fig.add_trace(
            go.Scatter(
                x=part["nobs"].to_numpy(),
                y=part["estimate"].to_numpy(),
                mode="markers",
                name=text[flag],
                marker={"color": colour, "symbol": symbol, "size": 8},
                customdata=part["provider"].astype(str).to_numpy().reshape(-1, 1),
                hovertemplate=(
                    f"{text['provider']}: %{{customdata[0]}}<br>"
                    f"{text['responses']}: %{{x}}<br>"
                    f"{y_title}: %{{y:{value_format}}}<br>{text[flag]}<extra></extra>"
                ),
            )
        )
    fig.update_layout(
        xaxis={"title": {"text": text["responses"]}},
        yaxis={"title": {"text": y_title}, "tickformat": ".0%" if share else None},
        legend={"orientation": "h", "y": -0.2},
    )
    return _finish(fig, lang)


def build_dimension_profile_figure(
    profile: pd.DataFrame, lang: str = "en", labels: Mapping[str, str] | None = None
) -> go.Figure:
    r"""Dimension scores with intervals, unadjusted, adjusted and shrunken side by side.

    One trace per kind of score (``raw``, ``adjusted``, ``shrunken``), points at the score with
    error bars from ``ci_low`` to ``ci_high``, grouped by dimension.

    Parameters
    ----------
    profile : pandas.DataFrame
        Tidy: ``dimension`` (names in the reader's language), ``kind`` (``raw`` /
        ``adjusted`` / ``shrunken``), ``estimate``, ``ci_low``, ``ci_high``; optional
        ``nobs``. Dimensions appear in the order of the frame.
    lang : {"kk", "ru", "uk", "en"}
    labels : mapping, optional
        Text overrides.

    Returns
    -------
    plotly.graph_objects.Figure

    References
    ----------
    Zaslavsky et al. (2001), *Health Care Financing Review* 22(3) (adjusted scores); Morris
    (1983), *JASA* 78, 47–55 (shrunken scores).

    Examples
    --------
    >>> profile = pd.DataFrame({"dimension": ["Access", "Access"], "kind": ["raw", "adjusted"],
    ...                         "estimate": [70.0, 72.0], "ci_low": [65.0, 67.5], "ci_high": [75.0, 76.5]})
    >>> [trace.name for trace in build_dimension_profile_figure(profile, "uk").data]
    ['Без коригування', 'З поправкою на склад отримувачів']
    """
    text = figure_labels(lang, labels)
    _require(profile, ["dimension", "kind", "estimate", "ci_low", "ci_high"], "profile")
    unknown = sorted(set(profile["kind"]) - set(_KIND_COLOURS))
    if unknown:
        raise ValueError(f"kind must be raw, adjusted or shrunken, not {', '.join(map(str, unknown))}.")
    order = list(dict.fromkeys(profile["dimension"]))
    fig = go.Figure()
    for kind in ("raw", "adjusted", "shrunken"):
        part = profile[profile["kind"] == kind]
        if part.empty:
            continue
        estimate = part["estimate"].to_numpy(dtype=float)
        n = part["nobs"].to_numpy() if "nobs" in part else np.full(len(part), np.nan)
        fig.add_trace(
            go.Scatter(
                x=part["dimension"].to_numpy(),
                y=estimate,
                mode="markers",
                name=text[kind],
                marker={"color": _KIND_COLOURS[kind], "size": 9},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": part["ci_high"].to_numpy(dtype=float) - estimate,
                    "arrayminus": estimate - part["ci_low"].to_numpy(dtype=float),
                },
                customdata=np.column_stack(
                    [part["ci_low"].to_numpy(dtype=float), part["ci_high"].to_numpy(dtype=float), n]
                ),
                hovertemplate=(
                    f"%{{x}}<br>{text[kind]}: %{{y:.1f}}<br>"
                    f"{text['interval'].format(level=_percent(0.95, lang))}: "
                    "%{customdata[0]:.1f}–%{customdata[1]:.1f}"
                    + (f"<br>{text['responses']}: %{{customdata[2]:.0f}}" if "nobs" in part else "")
                    + "<extra></extra>"
                ),
            )
        )
    fig.update_layout(
        scattermode="group",
        xaxis={"title": {"text": text["dimension"]}, "categoryorder": "array", "categoryarray": order},
        yaxis={"title": {"text": text["score"]}},
        legend={"orientation": "h", "y": -0.2},
    )
    return _finish(fig, lang)


def build_trend_figure(
    trend: pd.DataFrame,
    limits: pd.DataFrame | None = None,
    lang: str = "en",
    labels: Mapping[str, str] | None = None,
) -> go.Figure:
    r"""Values over survey waves with control-chart limits.

    Draws the value of each wave (with its interval when ``ci_low`` and ``ci_high`` are
    given), the centre line and the lower and upper control limits
    :math:`\bar{\bar y} \pm k\,\hat\sigma/\sqrt{n_i}`; waves outside the limits are marked.

    Parameters
    ----------
    trend : pandas.DataFrame
        ``wave`` and the value, in the first of the columns ``estimate``, ``mean``, ``share``,
        ``adjusted_mean``, ``shrunken_mean`` that is present; optional ``ci_low``, ``ci_high``.
        Waves are drawn in the order of the frame.
    limits : pandas.DataFrame, optional
        ``wave``, ``centre``, ``lcl``, ``ucl`` (optional ``in_control``), as returned by
        :func:`analysis.change.xbar_chart` and :func:`analysis.change.p_chart`. When omitted,
        these columns are taken from ``trend`` if present.
    lang : {"kk", "ru", "uk", "en"}
    labels : mapping, optional
        Text overrides.

    Returns
    -------
    plotly.graph_objects.Figure

    References
    ----------
    Montgomery (2019), *Introduction to Statistical Quality Control*, §6.3 and §7.2.

    Examples
    --------
    >>> trend = pd.DataFrame({"wave": ["2024", "2025"], "mean": [3.9, 4.1],
    ...                       "centre": [4.0, 4.0], "lcl": [3.7, 3.7], "ucl": [4.3, 4.3]})
    >>> [trace.name for trace in build_trend_figure(trend, lang="kk").data][:2]
    ['Мән', 'Орталық сызық']
    """
    text = figure_labels(lang, labels)
    _require(trend, ["wave"], "trend")
    value_column = next((column for column in _VALUE_COLUMNS if column in trend.columns), None)
    if value_column is None:
        raise ValueError("trend needs a value column: estimate, mean, share, adjusted_mean or shrunken_mean.")
    if limits is None and {"centre", "lcl", "ucl"} <= set(trend.columns):
        limits = trend
    share = value_column == "share"
    value_format = ".1%" if share else ".2f"
    waves = trend["wave"].astype(str).to_numpy()
    values = trend[value_column].to_numpy(dtype=float)
    error = None
    if {"ci_low", "ci_high"} <= set(trend.columns):
        error = {
            "type": "data",
            "symmetric": False,
            "array": trend["ci_high"].to_numpy(dtype=float) - values,
            "arrayminus": values - trend["ci_low"].to_numpy(dtype=float),
        }
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=waves,
            y=values,
            mode="lines+markers",
            name=text["value"],
            line={"color": "#0072B2"},
            error_y=error,
            hovertemplate=f"{text['wave']}: %{{x}}<br>{text['value']}: %{{y:{value_format}}}<extra></extra>",
        )
    )
    if limits is not None:
        _require(limits, ["wave", "centre", "lcl", "ucl"], "limits")
        limit_waves = limits["wave"].astype(str).to_numpy()
        for key, dash in (("centre", "solid"), ("lcl", "dash"), ("ucl", "dash")):
            fig.add_trace(
                go.Scatter(
                    x=limit_waves,
                    y=limits[key].to_numpy(dtype=float),
                    mode="lines",
                    name=text[key],
                    line={"color": "#555555", "dash": dash, "width": 1, "shape": "hvh"},
                    hovertemplate=f"{text[key]}: %{{y:{value_format}}}<extra></extra>",
                )
            )
        if "in_control" in limits.columns:
            outside = ~limits["in_control"].astype(bool).to_numpy()
            lookup = dict(zip(waves, values, strict=True))
            marked = [wave for wave in limit_waves[outside] if wave in lookup]
            fig.add_trace(
                go.Scatter(
                    x=marked,
                    y=[lookup[wave] for wave in marked],
                    mode="markers",
                    name=text["out_of_control"],
                    marker={"color": "#D55E00", "symbol": "diamond", "size": 12},
                    hovertemplate=(
                        f"{text['wave']}: %{{x}}<br>{text['out_of_control']}: %{{y:{value_format}}}"
                        "<extra></extra>"
                    ),
                )
            )
    fig.update_layout(
        xaxis={"title": {"text": text["wave"]}, "type": "category", "categoryorder": "array",
               "categoryarray": list(waves)},
        yaxis={"title": {"text": text["share"] if share else text["score"]},
               "tickformat": ".0%" if share else None},
        legend={"orientation": "h", "y": -0.2},
    )
    return _finish(fig, lang)


def build_subgroup_figure(
    subgroups: pd.DataFrame,
    lang: str = "en",
    labels: Mapping[str, str] | None = None,
    reference: float | None = None,
) -> go.Figure:
    r"""Scores by subgroup (recipient category, setting, region ...) with their intervals.

    A horizontal dot plot: each group's estimate with error bars from ``ci_low`` to
    ``ci_high``, and optionally a vertical line at the overall value.

    Parameters
    ----------
    subgroups : pandas.DataFrame
        ``group``, the value in ``mean``, ``share`` or ``estimate``, ``ci_low``, ``ci_high``;
        optional ``nobs`` — as returned by :func:`analysis.subgroups.subgroup_estimates` and
        :func:`analysis.subgroups.subgroup_proportions`.
    lang : {"kk", "ru", "uk", "en"}
    labels : mapping, optional
        Text overrides.
    reference : float, optional
        The overall value, drawn as a vertical line.

    Returns
    -------
    plotly.graph_objects.Figure

    References
    ----------
    Cleveland, W. S. (1985). *The Elements of Graphing Data* (dot plots). Wadsworth.

    Examples
    --------
    >>> groups = pd.DataFrame({"group": ["urban", "rural"], "mean": [4.0, 3.5],
    ...                        "ci_low": [3.6, 3.1], "ci_high": [4.4, 3.9], "nobs": [25, 40]})
    >>> build_subgroup_figure(groups, "en").layout.yaxis.title.text
    'Group of recipients'
    """
    text = figure_labels(lang, labels)
    _require(subgroups, ["group", "ci_low", "ci_high"], "subgroups")
    value_column = next((c for c in ("mean", "share", "estimate") if c in subgroups.columns), None)
    if value_column is None:
        raise ValueError("subgroups needs a value column: mean, share or estimate.")
    share = value_column == "share"
    value_format = ".1%" if share else ".2f"
    values = subgroups[value_column].to_numpy(dtype=float)
    names = subgroups["group"].astype(str).to_numpy()
    n = subgroups["nobs"].to_numpy() if "nobs" in subgroups else np.full(len(subgroups), np.nan)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=values,
            y=names,
            mode="markers",
            name=text["share"] if share else text["score"],
            marker={"color": "#0072B2", "size": 9},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": subgroups["ci_high"].to_numpy(dtype=float) - values,
                "arrayminus": values - subgroups["ci_low"].to_numpy(dtype=float),
            },
            customdata=np.column_stack(
                [subgroups["ci_low"].to_numpy(dtype=float), subgroups["ci_high"].to_numpy(dtype=float), n]
            ),
            hovertemplate=(
                f"%{{y}}<br>{text['share'] if share else text['score']}: %{{x:{value_format}}}<br>"
                f"{text['interval'].format(level=_percent(0.95, lang))}: "
                f"%{{customdata[0]:{value_format}}}–%{{customdata[1]:{value_format}}}"
                + (f"<br>{text['responses']}: %{{customdata[2]:.0f}}" if "nobs" in subgroups else "")
                + "<extra></extra>"
            ),
        )
    )
    if reference is not None:
        if not np.isfinite(reference):
            raise ValueError("reference must be a finite number.")
        fig.add_trace(
            go.Scatter(
                x=[reference, reference],
                y=[names[0], names[-1]],
                mode="lines",
                name=text["overall"],
                line={"color": "#000000", "dash": "dash", "width": 1},
                hovertemplate=f"{text['overall']}: %{{x:{value_format}}}<extra></extra>",
            )
        )
    fig.update_layout(
        xaxis={"title": {"text": text["share"] if share else text["score"]},
               "tickformat": ".0%" if share else None},
        yaxis={"title": {"text": text["group"]}, "type": "category", "autorange": "reversed"},
        showlegend=reference is not None,
    )
    return _finish(fig, lang)


# ---------------------------------------------------------------- helpers


def _finish(fig: go.Figure, lang: str) -> go.Figure:
    # Decimal comma and a space between thousands outside English.
    fig.update_layout(
        template="plotly_white",
        separators=".," if lang == "en" else ", ",
        meta={"lang": lang},
        margin={"l": 60, "r": 20, "t": 30, "b": 60},
    )
    return fig


def _percent(level: float, lang: str) -> str:
    number = f"{level * 100:g}"
    if lang != "en":
        number = number.replace(".", ",")
    return f"{number}%"


def _require(frame, columns, name: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame.")
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks the column(s): {', '.join(missing)}.")
    if frame.empty:
        raise ValueError(f"{name} has no rows to draw.")
