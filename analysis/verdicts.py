"""Verdicts on state social order indicators: achieved, not achieved or not yet known, from an interval."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis._checks import as_float_array

STATUSES = ("achieved", "not_achieved", "not_yet_known")
REASONS = (
    "interval_above_target",
    "interval_below_target",
    "interval_straddles_target",
    "too_few_responses",
    "no_data",
)
DIRECTIONS = ("higher", "lower")


@dataclass(frozen=True)
class Verdict:
    """The verdict on one indicator; ``reason`` is a machine code the web app words per language."""

    status: str
    reason: str
    value: float
    low: float
    high: float
    target: float
    nobs: float | None


def indicator_verdict(
    value,
    low,
    high,
    target,
    direction: str = "higher",
    nobs=None,
    min_nobs: int = 30,
) -> Verdict:
    r"""Decide whether an indicator met its target, only when its interval says so.

    Let :math:`[L, U]` be the confidence interval of the indicator and *T* its target.
    When higher is better:

    .. math::

        \text{achieved} \iff L \ge T, \qquad
        \text{not achieved} \iff U < T, \qquad
        \text{not yet known otherwise } (L < T \le U).

    When lower is better the rule is mirrored: achieved iff :math:`U \le T`, not achieved iff
    :math:`L > T`. An interval that touches the target from the good side counts as achieved
    (the target is a threshold to reach); one that touches it from the bad side is not yet
    known. Before the interval is looked at:

    * no value, no interval or ``nobs == 0`` → not yet known, reason ``no_data``;
    * ``nobs < min_nobs`` → not yet known, reason ``too_few_responses``.

    Reasons: ``interval_above_target`` (whole interval above *T*), ``interval_below_target``
    (whole interval below *T*) and ``interval_straddles_target``; "above" and "below" are
    numeric, so with ``direction="lower"`` an interval below the target is achieved.

    Parameters
    ----------
    value, low, high : float
        Point estimate and interval limits (``low <= value <= high``); NaN means no data.
    target : float
        The contracted target, on the same scale.
    direction : {"higher", "lower"}
        Whether a higher or a lower value is better.
    nobs : int, optional
        Number of responses behind the estimate. ``None`` for an indicator that does not
        come from responses (an administrative count): then the ``min_nobs`` rule is skipped.
    min_nobs : int
        Fewest responses on which a verdict is given (default 30).

    Returns
    -------
    Verdict

    References
    ----------
    Cumming, G., & Finch, S. (2005). Inference by eye: confidence intervals and how to read
    pictures of data. *American Psychologist* 60(2), 170–180. Spiegelhalter, D. J. (2005).
    Funnel plots for comparing institutional performance. *Statistics in Medicine* 24,
    1185–1202 (judging against a target only when the uncertainty allows it).

    Examples
    --------
    >>> indicator_verdict(0.82, 0.76, 0.87, target=0.75, nobs=120).status
    'achieved'
    >>> indicator_verdict(0.82, 0.72, 0.90, target=0.75, nobs=120).reason
    'interval_straddles_target'
    >>> indicator_verdict(3.1, 2.0, 4.0, target=5.0, direction="lower", nobs=12).reason
    'too_few_responses'
    """
    values = {name: as_float_array(x, name) for name, x in
              {"value": value, "low": low, "high": high, "target": target}.items()}
    for name, array in values.items():
        if array.ndim != 0:
            raise ValueError(f"{name} must be a single number; use indicator_verdicts for a table.")
    n = None if nobs is None else as_float_array(nobs, "nobs")
    if n is not None and n.ndim != 0:
        raise ValueError("nobs must be a single number; use indicator_verdicts for a table.")
    status, reason = _decide(
        values["value"], values["low"], values["high"], values["target"],
        _lower_is_better(direction), n, min_nobs,
    )
    return Verdict(
        status=str(status[()]),
        reason=str(reason[()]),
        value=float(values["value"]),
        low=float(values["low"]),
        high=float(values["high"]),
        target=float(values["target"]),
        nobs=None if n is None else float(n),
    )


def indicator_verdicts(
    frame: pd.DataFrame,
    value_col: str = "value",
    low_col: str = "low",
    high_col: str = "high",
    target_col: str = "target",
    nobs_col: str | None = "nobs",
    direction: str = "higher",
    direction_col: str | None = None,
    min_nobs: int = 30,
) -> pd.DataFrame:
    r"""Verdicts for a table of indicators, by the rule of :func:`indicator_verdict`.

    .. math::

        \text{higher: achieved} \iff L \ge T,\ \text{not achieved} \iff U < T; \quad
        \text{lower: achieved} \iff U \le T,\ \text{not achieved} \iff L > T.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per indicator (× provider × wave ...).
    value_col, low_col, high_col, target_col : str
        Columns with the estimate, its interval and the target.
    nobs_col : str or None
        Column with the number of responses; ``None`` skips the ``min_nobs`` rule (see
        :func:`indicator_verdict`). A NaN count in a row also skips it for that row.
    direction : {"higher", "lower"}
        Direction for every row, unless ``direction_col`` is given.
    direction_col : str, optional
        Column with "higher" or "lower" per row.
    min_nobs : int
        Fewest responses on which a verdict is given.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with two more columns, ``status`` and ``reason``.

    References
    ----------
    Cumming, G., & Finch, S. (2005). *American Psychologist* 60(2), 170–180.

    Examples
    --------
    >>> table = pd.DataFrame({"value": [0.8, 0.7], "low": [0.76, 0.6], "high": [0.84, 0.8],
    ...                       "target": [0.75, 0.9], "nobs": [200, 40]})
    >>> indicator_verdicts(table)["status"].tolist()
    ['achieved', 'not_achieved']
    """
    if not isinstance(frame, pd.DataFrame):
        # The package promises ValueError for every bad input, so callers catch one type.
        raise ValueError("Expected a pandas DataFrame of indicators.")
    columns = [value_col, low_col, high_col, target_col]
    columns += [nobs_col] if nobs_col is not None else []
    columns += [direction_col] if direction_col is not None else []
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"The frame lacks the column(s): {', '.join(map(str, missing))}.")
    if direction_col is None:
        lower = np.full(len(frame), _lower_is_better(direction))
    else:
        directions = frame[direction_col].astype(object).to_numpy()
        bad = ~np.isin(directions, DIRECTIONS)
        if np.any(bad):
            raise ValueError('Every direction must be "higher" or "lower".')
        lower = directions == "lower"
    n = None
    if nobs_col is not None:
        n = _column(frame, nobs_col)
    status, reason = _decide(
        _column(frame, value_col), _column(frame, low_col), _column(frame, high_col),
        _column(frame, target_col), lower, n, min_nobs,
    )
    out = frame.copy()
    out["status"] = status.astype(object)
    out["reason"] = reason.astype(object)
    return out


def _decide(value, low, high, target, lower, nobs, min_nobs):
    if not (np.ndim(min_nobs) == 0 and np.isfinite(min_nobs) and min_nobs >= 1):
        raise ValueError("min_nobs must be a whole number of at least 1.")
    if np.any(np.isinf(target)) or np.any(np.isnan(target)):
        raise ValueError("Every indicator needs a finite target.")
    finite = np.isfinite(value) & np.isfinite(low) & np.isfinite(high)
    if np.any(finite & ((low > value) | (value > high))):
        raise ValueError("Each interval must satisfy low <= value <= high.")
    if nobs is not None and np.any(nobs < 0):
        raise ValueError("nobs cannot be negative.")
    shape = np.broadcast(value, low, high, target, lower).shape
    status = np.full(shape, "not_yet_known", dtype=object)
    reason = np.full(shape, "interval_straddles_target", dtype=object)
    higher = ~np.asarray(lower, dtype=bool)
    above = low >= target  # touching from above counts as above (the target is reached)
    below = high < target
    above_lower = low > target
    below_lower = high <= target  # touching from below counts as below for "lower is better"
    achieved = np.where(higher, above, below_lower)
    not_achieved = np.where(higher, below, above_lower)
    status = np.where(achieved, "achieved", np.where(not_achieved, "not_achieved", status))
    reason = np.where(higher & above, "interval_above_target", reason)
    reason = np.where(higher & below, "interval_below_target", reason)
    reason = np.where(~higher & below_lower, "interval_below_target", reason)
    reason = np.where(~higher & above_lower, "interval_above_target", reason)
    no_data = ~finite
    if nobs is not None:
        counted = np.isfinite(nobs)
        no_data = no_data | (counted & (nobs == 0))
        too_few = counted & (nobs < min_nobs) & ~no_data
        status = np.where(too_few, "not_yet_known", status)
        reason = np.where(too_few, "too_few_responses", reason)
    status = np.where(no_data, "not_yet_known", status)
    reason = np.where(no_data, "no_data", reason)
    return np.asarray(status, dtype=object), np.asarray(reason, dtype=object)


def _lower_is_better(direction: str) -> bool:
    if direction not in DIRECTIONS:
        raise ValueError('direction must be "higher" (higher is better) or "lower" (lower is better).')
    return direction == "lower"


def _column(frame: pd.DataFrame, column: str) -> np.ndarray:
    try:
        return pd.to_numeric(frame[column], errors="raise").to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"The column {column!r} must hold numbers or be empty.") from exc
