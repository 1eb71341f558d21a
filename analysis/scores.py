"""Row-level scoring of respondents: item summaries, 0–100 dimension scores, composite index, NPS."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis._checks import as_float_array, check_alpha
from analysis.intervals import t_interval, wilson_interval

ITEM_SUMMARY_COLUMNS = ("nobs", "mean", "sd", "ci_low", "ci_high", "top2_share", "top2_low", "top2_high")


def reverse_score(values, low: float = 1, high: float = 5):
    r"""Reverse a rating on a ``low``–``high`` scale so that a high number means a good answer.

    .. math:: x' = \mathrm{low} + \mathrm{high} - x

    Parameters
    ----------
    values : array_like or pandas.Series or pandas.DataFrame
        Ratings; NaN ("does not apply", missing) stays NaN.
    low, high : float
        Ends of the scale.

    Returns
    -------
    Same type as ``values`` (a numpy array for plain sequences).

    References
    ----------
    DeVellis, R. F. (2017). *Scale Development: Theory and Applications*, 4th ed., ch. 5
    (reverse-keyed items). SAGE.

    Examples
    --------
    >>> reverse_score([1, 2, 5]).tolist()
    [5.0, 4.0, 1.0]
    """
    if not low < high:
        raise ValueError("The low end of the scale must be below the high end.")
    if isinstance(values, pd.Series | pd.DataFrame):
        numeric = values.astype(float)
        _check_range(numeric.to_numpy(), low, high)
        return low + high - numeric
    array = as_float_array(values, "values")
    _check_range(array, low, high)
    return low + high - array


def item_summary(
    frame: pd.DataFrame,
    item_col: str = "item",
    score_col: str = "score",
    by: Sequence[str] | str | None = None,
    alpha: float = 0.05,
    top_box: Sequence[float] = (4, 5),
) -> pd.DataFrame:
    r"""Mean and top-2-box share per item, each with its interval and number of answers.

    For the :math:`n` valid answers :math:`y_i` of an item (NaN, "does not apply", is left out)

    .. math::

        \bar y \pm t_{1-\alpha/2,\,n-1}\,\frac{s}{\sqrt n}, \qquad
        \hat p_{\mathrm{top2}} = \frac{\#\{y_i \in \mathrm{top\_box}\}}{n}

    with a Wilson score interval for :math:`\hat p_{\mathrm{top2}}`
    (:func:`analysis.intervals.wilson_interval`).

    Parameters
    ----------
    frame : pandas.DataFrame
        Long frame, one row per response × item.
    item_col, score_col : str
        Columns holding the item code and the score (1–5 or NaN).
    by : str or sequence of str, optional
        Grouping columns (provider, wave, ...) placed before the item.
    alpha : float
        One minus the confidence level.
    top_box : sequence of float
        Scores counted as favourable (default 4 and 5).

    Returns
    -------
    pandas.DataFrame
        Columns ``[*by, item_col, nobs, mean, sd, ci_low, ci_high, top2_share, top2_low,
        top2_high]``, one row per group × item, sorted by the keys. Limits are NaN where
        there are too few answers (fewer than 2 for the mean, none for the share).

    References
    ----------
    Wilson, E. B. (1927). *JASA* 22, 209–212. Student (1908). *Biometrika* 6, 1–25.
    Agency for Healthcare Research and Quality (2023). *CAHPS Analysis Program* (top-box
    scoring).

    Examples
    --------
    >>> long = pd.DataFrame({"item": ["q1"] * 4 + ["q2"] * 4,
    ...                      "score": [5, 4, 3, 4, 2, 1, None, 5]})
    >>> out = item_summary(long)
    >>> print(out[["item", "nobs", "mean", "top2_share"]].round(3).to_string(index=False))
    item  nobs  mean  top2_share
      q1     4 4.000       0.750
      q2     3 2.667       0.333
    """
    check_alpha(alpha)
    keys = _as_list(by) + [item_col]
    _require_columns(frame, keys + [score_col])
    if len(set(keys)) != len(keys) or score_col in keys:
        raise ValueError("The grouping, item and score columns must all be different.")
    scores = _numeric_column(frame, score_col)
    favourable = as_float_array(list(top_box), "top_box")
    if favourable.size == 0:
        raise ValueError("top_box must list at least one score counted as favourable.")
    work = frame[keys].copy()
    work["_score"] = scores
    work["_top"] = np.where(np.isnan(scores), np.nan, np.isin(scores, favourable).astype(float))
    grouped = work.groupby(keys, sort=True, observed=True, dropna=True)
    summary = grouped.agg(
        nobs=("_score", "count"),
        mean=("_score", "mean"),
        sd=("_score", "std"),
        top2_count=("_top", "sum"),
    ).reset_index()
    nobs = summary["nobs"].to_numpy(dtype=float)
    sd = summary["sd"].to_numpy(dtype=float)
    mean_ci = t_interval(summary["mean"].to_numpy(dtype=float), np.nan_to_num(sd), nobs, alpha=alpha)
    share_ci = wilson_interval(summary["top2_count"].to_numpy(dtype=float), nobs, alpha=alpha)
    summary["nobs"] = summary["nobs"].astype("int64")
    summary["ci_low"] = np.atleast_1d(mean_ci.low)
    summary["ci_high"] = np.atleast_1d(mean_ci.high)
    summary["top2_share"] = np.atleast_1d(share_ci.estimate)
    summary["top2_low"] = np.atleast_1d(share_ci.low)
    summary["top2_high"] = np.atleast_1d(share_ci.high)
    return summary[keys + list(ITEM_SUMMARY_COLUMNS)]


def respondent_dimension_scores(
    wide: pd.DataFrame,
    dimensions: Mapping[str, Sequence[str]],
    reverse: Sequence[str] = (),
    scale: tuple[float, float] = (1, 5),
    min_share: float = 0.5,
) -> pd.DataFrame:
    r"""Each respondent's 0–100 score on each dimension (group of items).

    For respondent *i* and dimension *d* with :math:`k_d` items, of which the set
    :math:`A_{id}` was answered (reverse-keyed items first reversed with
    :func:`reverse_score`),

    .. math::

        S_{id} = 100\,\frac{\bar y_{id} - \mathrm{low}}{\mathrm{high} - \mathrm{low}},\qquad
        \bar y_{id} = \frac{1}{|A_{id}|}\sum_{j \in A_{id}} y_{ij},

    defined only when :math:`|A_{id}| \ge \mathrm{min\_share}\cdot k_d`; on the 1–5 scale this
    is :math:`(\bar y - 1)/4 \cdot 100`. A respondent's dimension score needs at least half
    its items answered (the default ``min_share``); otherwise it is NaN.

    Parameters
    ----------
    wide : pandas.DataFrame
        One row per respondent, one column per item, scores on ``scale`` or NaN.
    dimensions : mapping of str to list of str
        Dimension name → its item columns.
    reverse : sequence of str
        Items worded negatively, reversed before averaging.
    scale : (float, float)
        Lowest and highest score.
    min_share : float
        Share of a dimension's items, in (0, 1], that must be answered.

    Returns
    -------
    pandas.DataFrame
        Same index as ``wide``, one float column per dimension, in ``dimensions`` order.

    References
    ----------
    Ware, J. E., Kosinski, M., & Keller, S. D. (1994). *SF-36 Physical and Mental Health
    Summary Scales: A User's Manual* (0–100 transformation, half-scale rule for missing
    items). Fayers, P. M., & Machin, D. (2016). *Quality of Life*, 3rd ed., §9. Wiley.

    Examples
    --------
    >>> wide = pd.DataFrame({"a": [5, 3, None], "b": [4, None, None], "c": [1, 2, 3]})
    >>> respondent_dimension_scores(wide, {"access": ["a", "b"], "staff": ["c"]}, reverse=["c"])
       access  staff
    0    87.5  100.0
    1    50.0   75.0
    2     NaN   50.0
    """
    low, high = _check_scale(scale)
    if not 0 < min_share <= 1:
        raise ValueError("min_share must lie in (0, 1], for example 0.5 for half the items.")
    if not dimensions:
        raise ValueError("Give at least one dimension with its items.")
    all_items = [item for items in dimensions.values() for item in items]
    _require_columns(wide, all_items + list(reverse))
    result = {}
    for name, items in dimensions.items():
        items = list(items)
        if not items:
            raise ValueError(f"The dimension {name!r} has no items.")
        values = np.column_stack([_numeric_column(wide, item) for item in items])
        _check_range(values, low, high)
        flip = np.isin(items, list(reverse))
        values[:, flip] = low + high - values[:, flip]
        answered = np.sum(np.isfinite(values), axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.nansum(values, axis=1) / answered
        enough = answered >= min_share * len(items) - 1e-12
        result[name] = np.where(enough & (answered > 0), 100 * (mean - low) / (high - low), np.nan)
    return pd.DataFrame(result, index=wide.index, columns=list(dimensions))


def composite_index(dimension_scores: pd.DataFrame, min_share: float = 0.5) -> pd.Series:
    r"""Each respondent's composite quality index: the mean of their available dimension scores.

    .. math::

        C_i = \frac{1}{|D_i|}\sum_{d \in D_i} S_{id}, \quad
        \text{defined when } |D_i| \ge \mathrm{min\_share}\cdot D

    where :math:`D_i` is the set of the respondent's non-missing dimension scores out of *D*.
    A provider's composite is then the mean of its respondents' composites
    (:math:`\bar C_j = \frac{1}{n_j}\sum_{i \in j} C_i`), not the mean of its dimension means,
    so every respondent counts once whatever they skipped.

    Parameters
    ----------
    dimension_scores : pandas.DataFrame
        Output of :func:`respondent_dimension_scores` (0–100, NaN where undefined).
    min_share : float
        Share of the dimensions, in (0, 1], that must be available; default half.

    Returns
    -------
    pandas.Series
        Named ``"composite"``, same index as ``dimension_scores``.

    References
    ----------
    OECD & JRC (2008). *Handbook on Constructing Composite Indicators*, §6 (equal-weight
    linear aggregation). Ware, Kosinski & Keller (1994), half-scale rule.

    Examples
    --------
    >>> dims = pd.DataFrame({"access": [87.5, None, None], "staff": [100.0, 75.0, None],
    ...                      "info": [50.0, 25.0, 10.0]})
    >>> composite_index(dims).round(2).tolist()
    [79.17, 50.0, nan]
    """
    if not 0 < min_share <= 1:
        raise ValueError("min_share must lie in (0, 1], for example 0.5 for half the dimensions.")
    if not isinstance(dimension_scores, pd.DataFrame) or dimension_scores.shape[1] == 0:
        raise ValueError("dimension_scores must be a frame with at least one dimension column.")
    values = np.column_stack(
        [_numeric_column(dimension_scores, column) for column in dimension_scores.columns]
    )
    available = np.sum(np.isfinite(values), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(values, axis=1) / available
    enough = (available >= min_share * values.shape[1] - 1e-12) & (available > 0)
    return pd.Series(np.where(enough, mean, np.nan), index=dimension_scores.index, name="composite")


@dataclass(frozen=True)
class NetPromoterScore:
    """Net Promoter Score on −100…100 with its standard error and two intervals.

    Every field is a float, or an array when counts were given as arrays. ``se`` and the
    Wald limits use the observed shares; the adjusted-Wald limits (Rocks 2016) add
    pseudo-observations. Limits are clipped to [−100, 100]; NaN where ``nobs`` is 0.
    """

    nobs: np.ndarray | float
    promoter_share: np.ndarray | float
    detractor_share: np.ndarray | float
    nps: np.ndarray | float
    se: np.ndarray | float
    wald_low: np.ndarray | float
    wald_high: np.ndarray | float
    adjusted_wald_low: np.ndarray | float
    adjusted_wald_high: np.ndarray | float
    alpha: float = 0.05


def nps_from_counts(promoters, passives, detractors, alpha: float = 0.05) -> NetPromoterScore:
    r"""Net Promoter Score from counts of promoters (9–10), passives (7–8) and detractors (0–6).

    With :math:`n = n_+ + n_0 + n_-`, :math:`p_\pm = n_\pm / n` and
    :math:`z = \Phi^{-1}(1-\alpha/2)`:

    .. math::

        \mathrm{NPS} = 100\,(p_+ - p_-), \qquad
        \mathrm{SE} = 100\sqrt{\frac{p_+ + p_- - (p_+ - p_-)^2}{n}},

    the Wald interval is :math:`\mathrm{NPS} \pm z\,\mathrm{SE}`, and the adjusted Wald interval
    (Rocks 2016) recomputes NPS and SE after adding pseudo-observations: 3/4 of a promoter,
    3/4 of a detractor and 3/2 of a passive (:math:`\tilde n = n + 3`),

    .. math::

        \tilde p_\pm = \frac{n_\pm + 3/4}{n + 3}, \qquad
        100\,(\tilde p_+ - \tilde p_-) \pm z \cdot 100
        \sqrt{\frac{\tilde p_+ + \tilde p_- - (\tilde p_+ - \tilde p_-)^2}{n + 3}}.

    The adjusted interval keeps close to nominal coverage for small *n* and for scores near
    ±100, where the Wald interval collapses.

    Parameters
    ----------
    promoters, passives, detractors : array_like
        Non-negative counts (broadcast together).
    alpha : float
        One minus the confidence level.

    Returns
    -------
    NetPromoterScore

    References
    ----------
    Rocks, B. (2016). Interval estimation for the "net promoter score". *The American
    Statistician* 70(4), 365–372 (adjusted Wald, and the R package ``NPS``).
    Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business Review*
    81(12), 46–54.

    Examples
    --------
    >>> res = nps_from_counts(60, 25, 15)
    >>> round(float(res.nps), 1), round(float(res.se), 2)
    (45.0, 7.4)
    >>> round(float(res.adjusted_wald_low), 2), round(float(res.adjusted_wald_high), 2)
    (29.34, 58.04)
    """
    check_alpha(alpha)
    n_plus = as_float_array(promoters, "promoters")
    n_zero = as_float_array(passives, "passives")
    n_minus = as_float_array(detractors, "detractors")
    try:
        n_plus, n_zero, n_minus = np.broadcast_arrays(n_plus, n_zero, n_minus)
    except ValueError as exc:
        raise ValueError("The counts of promoters, passives and detractors must match in shape.") from exc
    counts = np.stack([n_plus, n_zero, n_minus])
    if np.any(~np.isfinite(counts)) or np.any(counts < 0):
        raise ValueError("Counts of promoters, passives and detractors must be non-negative numbers.")
    n = n_plus + n_zero + n_minus
    z = stats.norm.isf(alpha / 2)
    score, se, share_plus, share_minus = _nps_and_se(n_plus, n_minus, n)
    adjusted, adjusted_se, _, _ = _nps_and_se(n_plus + 0.75, n_minus + 0.75, n + 3.0)
    empty = n == 0
    adjusted = np.where(empty, np.nan, adjusted)
    adjusted_se = np.where(empty, np.nan, adjusted_se)
    return NetPromoterScore(
        nobs=_scalar(n),
        promoter_share=_scalar(share_plus),
        detractor_share=_scalar(share_minus),
        nps=_scalar(score),
        se=_scalar(se),
        wald_low=_scalar(np.clip(score - z * se, -100, 100)),
        wald_high=_scalar(np.clip(score + z * se, -100, 100)),
        adjusted_wald_low=_scalar(np.clip(adjusted - z * adjusted_se, -100, 100)),
        adjusted_wald_high=_scalar(np.clip(adjusted + z * adjusted_se, -100, 100)),
        alpha=alpha,
    )


def net_promoter_score(ratings, alpha: float = 0.05) -> NetPromoterScore:
    r"""Net Promoter Score from 0–10 "would you recommend" ratings.

    Ratings 9–10 are promoters, 7–8 passives and 0–6 detractors; NaN (no answer) is left
    out. The score, its standard error

    .. math:: \mathrm{SE} = 100\sqrt{\frac{p_+ + p_- - (p_+ - p_-)^2}{n}}

    and the Wald and adjusted Wald intervals are those of :func:`nps_from_counts`.

    Parameters
    ----------
    ratings : array_like
        Whole numbers 0–10 or NaN.
    alpha : float
        One minus the confidence level.

    Returns
    -------
    NetPromoterScore

    References
    ----------
    Reichheld, F. F. (2003). *Harvard Business Review* 81(12), 46–54. Rocks, B. (2016).
    *The American Statistician* 70(4), 365–372.

    Examples
    --------
    >>> res = net_promoter_score([10, 9, 9, 8, 7, 6, 3, 10, None])
    >>> int(res.nobs), round(float(res.nps), 1)
    (8, 25.0)
    """
    values = as_float_array(ratings, "ratings").ravel()
    values = values[~np.isnan(values)]
    if np.any(~np.isfinite(values)) or np.any((values < 0) | (values > 10)) or np.any(values % 1 != 0):
        raise ValueError("Recommendation ratings must be whole numbers from 0 to 10.")
    return nps_from_counts(
        np.sum(values >= 9), np.sum((values >= 7) & (values <= 8)), np.sum(values <= 6), alpha=alpha
    )


def _nps_and_se(n_plus, n_minus, n):
    with np.errstate(invalid="ignore", divide="ignore"):
        share_plus = np.where(n > 0, n_plus / n, np.nan)
        share_minus = np.where(n > 0, n_minus / n, np.nan)
        net = np.where(n > 0, (n_plus - n_minus) / n, np.nan)
        variance = np.clip(share_plus + share_minus - net**2, 0, None)
        se = 100 * np.sqrt(variance / n)
    return 100 * net, np.where(n > 0, se, np.nan), share_plus, share_minus


def _check_scale(scale) -> tuple[float, float]:
    try:
        low, high = (float(end) for end in scale)
    except (TypeError, ValueError) as exc:
        raise ValueError("scale must be a pair of numbers (lowest, highest), for example (1, 5).") from exc
    if not low < high:
        raise ValueError("The low end of the scale must be below the high end.")
    return low, high


def _check_range(values: np.ndarray, low: float, high: float) -> None:
    finite = values[~np.isnan(values)]
    if np.any((finite < low) | (finite > high)):
        raise ValueError(f"Scores must lie between {low:g} and {high:g} (or be missing).")


def _numeric_column(frame: pd.DataFrame, column: str) -> np.ndarray:
    try:
        return pd.to_numeric(frame[column], errors="raise").to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"The column {column!r} must hold numbers or be empty.") from exc


def _require_columns(frame, columns) -> None:
    if not isinstance(frame, pd.DataFrame):
        # The package promises ValueError for every bad input, so callers catch one type.
        raise ValueError("Expected a pandas DataFrame.")
    missing = [column for column in dict.fromkeys(columns) if column not in frame.columns]
    if missing:
        raise ValueError(f"The frame lacks the column(s): {', '.join(map(str, missing))}.")


def _as_list(by) -> list:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def _scalar(values):
    values = np.asarray(values, dtype=float)
    return float(values) if values.ndim == 0 else values
