r"""Sufficient statistics: the aggregate frames SQL produces, and the estimates made from them.

Dashboards never load every response into Python; the database aggregates and this module
turns the aggregates into estimates. The helpers that build the same aggregates from row
data (:func:`moments`, :func:`answer_counts`) serve tests, notebooks and the benchmark, and
state exactly what the SQL must compute.

Aggregate formats
-----------------
Every aggregate frame has one row per group. Its *key columns* are any columns that are not
statistics (for example ``provider_id``, ``category``, ``wave``, ``measure``, ``item``);
their names are free.

**Moments frame** (means of scores, 0–100 dimension scores, the composite index)

=============  ================================================================
``nobs``       number of non-missing values, ``COUNT(y)``
``total``      :math:`\sum y`, ``SUM(y)``
``total_sq``   :math:`\sum y^2`, ``SUM(y * y)``
``population`` optional: the group's number of recipients, for the finite
               population correction (NULL or NaN when unknown)
=============  ================================================================

**Answer-count frame** (one row per group × item)

========================  =====================================================
``count_<v>``             number of answers equal to *v*, one column per value
                          on the scale: ``count_1`` … ``count_5`` for the
                          agreement items, ``count_0`` … ``count_10`` for the
                          likelihood to recommend
``count_not_applicable``  number of "does not apply / don't know" answers
                          (optional; never part of ``nobs``)
========================  =====================================================

In SQL: ``SUM(CASE WHEN answer = 1 THEN 1 ELSE 0 END) AS count_1``, and so on.

**Case-mix cross-products frame** (one row per provider; see
:func:`analysis.casemix.crossproducts`). For the design terms :math:`t, u` (numeric
adjusters by name, treatment dummies named ``<adjuster>=<level>``), after the missing
adjusters have been imputed:

======================  =======================================================
``nobs``                :math:`n_j`, respondents with the outcome
``sum_y``, ``sum_yy``   :math:`\sum y`, :math:`\sum y^2`
``sum_x__<t>``          :math:`\sum x_t`
``sum_xy__<t>``         :math:`\sum x_t\,y`
``sum_xx__<t>__<u>``    :math:`\sum x_t\,x_u` for every pair with *t* not after
                        *u* in the order of the terms (diagonal included)
======================  =======================================================

Only respondents with the outcome enter. A dummy is ``1.0``/``0.0`` (NULL when the adjuster
is missing); a missing term is imputed with its provider mean among those respondents, in
SQL ``COALESCE(x, AVG(x) OVER (PARTITION BY provider_id))`` (and the overall mean where the
whole provider lacks it). The column names contain ``=`` and so must be quoted in SQL.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis._checks import as_float_array, check_alpha
from analysis.intervals import standard_error_of_mean, t_interval, wilson_interval
from analysis.scores import nps_from_counts

MOMENT_COLUMNS = ("nobs", "total", "total_sq")
NOT_APPLICABLE = "count_not_applicable"
_COUNT_COLUMN = re.compile(r"^count_(-?\d+)$")


def moments(frame: pd.DataFrame, by, value) -> pd.DataFrame:
    r"""Moments frame (``nobs``, ``total``, ``total_sq``) of one or more value columns per group.

    For group *g* and value column *y*, over the rows where *y* is not missing:

    .. math::

        n_g = \#\{i \in g\},\qquad T_g = \sum_{i \in g} y_i,\qquad Q_g = \sum_{i \in g} y_i^2

    Parameters
    ----------
    frame : pandas.DataFrame
        Row data, one row per respondent (or response × item).
    by : str or sequence of str
        Key columns; every key combination present in ``frame`` gets a row, with
        ``nobs`` 0 when all its values are missing.
    value : str or sequence of str
        Column(s) holding the numbers. With several columns the result is long, with a
        ``measure`` column naming the value column after the keys.

    Returns
    -------
    pandas.DataFrame
        ``[*by, (measure,) nobs, total, total_sq]``, sorted by the keys.

    References
    ----------
    Chan, T. F., Golub, G. H., & LeVeque, R. J. (1983). Algorithms for computing the sample
    variance: analysis and recommendations. *The American Statistician* 37(3), 242–247
    (sums and sums of squares as sufficient statistics, and when they are accurate).

    Examples
    --------
    >>> rows = pd.DataFrame({"provider_id": [1, 1, 2], "score": [4.0, 5.0, 3.0]})
    >>> moments(rows, "provider_id", "score")
       provider_id  nobs  total  total_sq
    0            1     2    9.0      41.0
    1            2     1    3.0       9.0
    """
    keys = _key_list(by)
    values = [value] if isinstance(value, str) else list(value)
    if not values:
        raise ValueError("Give at least one value column.")
    _require_columns(frame, keys + values)
    if set(keys) & set(values):
        raise ValueError("A column cannot be both a key and a value.")
    numbers = pd.DataFrame({column: _numeric(frame[column], column) for column in values}, index=frame.index)
    squares = numbers.pow(2).add_suffix("__sq")
    work = pd.concat([frame[keys], numbers, squares], axis=1)
    grouped = work.groupby(keys, sort=True, observed=True, dropna=False)
    counts = grouped[values].count()
    totals = grouped[values].sum()
    totals_sq = grouped[list(squares.columns)].sum()
    parts = []
    for column in values:
        part = pd.DataFrame(
            {
                "nobs": counts[column].astype("int64"),
                "total": totals[column].astype(float),
                "total_sq": totals_sq[f"{column}__sq"].astype(float),
            }
        ).reset_index()
        if len(values) > 1:
            part.insert(len(keys), "measure", column)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    if len(values) > 1:
        out = out.sort_values(keys + ["measure"], kind="stable", ignore_index=True)
    return out


def combine_moments(moment_frame: pd.DataFrame, by) -> pd.DataFrame:
    r"""Roll a moments frame up to coarser groups (for example provider × wave → provider).

    .. math:: n = \sum_g n_g,\qquad T = \sum_g T_g,\qquad Q = \sum_g Q_g

    Parameters
    ----------
    moment_frame : pandas.DataFrame
        A moments frame (see the module notes).
    by : str or sequence of str
        The key columns to keep; ``[]`` gives one overall row.

    Returns
    -------
    pandas.DataFrame
        ``[*by, nobs, total, total_sq]``. A ``population`` column is summed too when
        present (NaN when any part is unknown).

    References
    ----------
    Chan, Golub & LeVeque (1983), *The American Statistician* 37(3), 242–247.

    Examples
    --------
    >>> parts = pd.DataFrame({"provider_id": [1, 1], "wave": [1, 2], "nobs": [2, 1],
    ...                       "total": [9.0, 3.0], "total_sq": [41.0, 9.0]})
    >>> combine_moments(parts, "provider_id")
       provider_id  nobs  total  total_sq
    0            1     3   12.0      50.0
    """
    keys = _key_list(by, allow_empty=True)
    _check_moments(moment_frame)
    _require_columns(moment_frame, keys)
    work = moment_frame if keys else moment_frame.assign(_all=0)
    group_keys = keys or ["_all"]
    grouped = work.groupby(group_keys, sort=True, observed=True, dropna=False)
    out = grouped[list(MOMENT_COLUMNS)].sum().reset_index()
    if "population" in work.columns:
        population = _numeric(work["population"], "population")
        group_columns = [work[k] for k in group_keys]
        known_total = population.groupby(group_columns, sort=True, dropna=False).sum(min_count=1)
        any_unknown = population.isna().groupby(group_columns, sort=True, dropna=False).any()
        out["population"] = np.where(any_unknown.to_numpy(), np.nan, known_total.to_numpy())
    if not keys:
        out = out.drop(columns="_all")
    out["nobs"] = out["nobs"].astype("int64")
    return out


def mean_estimates(moment_frame: pd.DataFrame, alpha: float = 0.05, population: str | None = None):
    r"""Mean, standard deviation, standard error and t interval of each group from its moments.

    .. math::

        \bar y = \frac{T}{n},\qquad
        s = \sqrt{\frac{Q - T^2/n}{n - 1}},\qquad
        \mathrm{se} = \frac{s}{\sqrt n}\,\mathrm{fpc},\qquad
        \bar y \pm t_{1-\alpha/2,\,n-1}\,\mathrm{se}

    with :math:`\mathrm{fpc} = \sqrt{(N-n)/(N-1)}` where the group's population *N* is known
    (:func:`analysis.intervals.fpc`), and 1 otherwise. The sum of squares about the mean is
    clipped at 0 against rounding.

    Parameters
    ----------
    moment_frame : pandas.DataFrame
        A moments frame (see the module notes).
    alpha : float
        One minus the confidence level.
    population : str, optional
        Name of a column with each group's number of recipients (NaN when unknown); use it
        only when the question is about that finite population.

    Returns
    -------
    pandas.DataFrame
        The key columns, ``nobs``, then ``mean``, ``sd``, ``se``, ``ci_low``, ``ci_high``.
        The mean is NaN where ``nobs`` is 0; ``sd``, ``se`` and the limits where it is below 2.

    References
    ----------
    Student (1908). *Biometrika* 6, 1–25. Cochran, W. G. (1977). *Sampling Techniques*,
    3rd ed., eq. 2.12. Wiley.

    Examples
    --------
    >>> m = pd.DataFrame({"provider_id": [1], "nobs": [4], "total": [16.0], "total_sq": [66.0]})
    >>> mean_estimates(m).drop(columns="provider_id").round(4)
       nobs  mean      sd      se  ci_low  ci_high
    0     4   4.0  0.8165  0.4082  2.7008   5.2992
    """
    check_alpha(alpha)
    _check_moments(moment_frame)
    n, mean, sd = _mean_and_sd(moment_frame)
    big_n = None
    if population is not None:
        _require_columns(moment_frame, [population])
        big_n = _numeric(moment_frame[population], population).to_numpy(dtype=float)
    se = standard_error_of_mean(np.nan_to_num(sd), n, big_n)
    ci = t_interval(mean, np.nan_to_num(sd), n, alpha=alpha, population=big_n)
    out = _keys_frame(moment_frame)
    out["nobs"] = moment_frame["nobs"].to_numpy().astype("int64")
    out["mean"] = mean
    out["sd"] = sd
    out["se"] = np.where(n >= 2, se, np.nan)
    out["ci_low"] = np.atleast_1d(ci.low)
    out["ci_high"] = np.atleast_1d(ci.high)
    return out


def answer_counts(
    frame: pd.DataFrame,
    by,
    value,
    values: Sequence[int] = (1, 2, 3, 4, 5),
    not_applicable=None,
) -> pd.DataFrame:
    r"""Answer-count frame: per group, the number of answers equal to each scale value.

    .. math:: c_{g,v} = \#\{i \in g : y_i = v\}

    and ``count_not_applicable`` counts the "does not apply" answers, which never enter
    ``nobs``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Row data.
    by : str or sequence of str
        Key columns.
    value : str or sequence of str
        Answer column(s). With several columns (items of a wide frame) the result is long,
        with an ``item`` column after the keys.
    values : sequence of int
        The values on the scale, in order (default 1–5; ``range(11)`` for the 0–10
        recommendation).
    not_applicable : int, optional
        Code of "does not apply". When ``None`` a missing answer (NaN) counts as "does not
        apply"; when a code is given, missing answers are skipped questions and not counted.

    Returns
    -------
    pandas.DataFrame
        ``[*by, (item,) count_<v>..., count_not_applicable]`` with integer counts.

    References
    ----------
    Agency for Healthcare Research and Quality (2020). *Instructions for Analyzing Data
    from CAHPS Surveys in SAS: Using the CAHPS Analysis Program Version 5.0*, AHRQ Pub.
    20-M019 (response frequencies per plan and item).

    Examples
    --------
    >>> rows = pd.DataFrame({"provider_id": [1, 1, 1, 2], "q1": [5, 4, None, 2]})
    >>> counts = answer_counts(rows, "provider_id", "q1")
    >>> counts[["provider_id", "count_2", "count_4", "count_5", "count_not_applicable"]]
       provider_id  count_2  count_4  count_5  count_not_applicable
    0            1        0        1        1                     1
    1            2        1        0        0                     0
    """
    keys = _key_list(by)
    items = [value] if isinstance(value, str) else list(value)
    if not items:
        raise ValueError("Give at least one answer column.")
    scale = _check_scale_values(values)
    _require_columns(frame, keys + items)
    if set(keys) & set(items):
        raise ValueError("A column cannot be both a key and an answer column.")
    if not_applicable is not None and float(not_applicable) in {float(v) for v in scale}:
        raise ValueError("The code of 'does not apply' cannot also be a value on the scale.")
    codes, key_frame = _group_codes(frame, keys)
    n_groups = len(key_frame)
    width = len(scale) + 1
    lookup = {v: slot for slot, v in enumerate(scale)}
    columns = [f"count_{v}" for v in scale] + [NOT_APPLICABLE]
    parts = []
    for item in items:
        answers = _numeric(frame[item], item).to_numpy(dtype=float)
        slot = np.full(answers.shape, -1, dtype=np.int64)
        missing = np.isnan(answers)
        if not_applicable is None:
            slot[missing] = len(scale)
        else:
            slot[answers == float(not_applicable)] = len(scale)
        for v, position in lookup.items():
            slot[answers == v] = position
        stray = (slot < 0) & ~missing
        if np.any(stray):
            bad = answers[stray][0]
            raise ValueError(f"The answer {bad:g} in {item!r} is not on the scale {list(scale)}.")
        keep = slot >= 0
        flat = np.bincount(codes[keep] * width + slot[keep], minlength=n_groups * width)
        part = pd.concat(
            [key_frame, pd.DataFrame(flat.reshape(n_groups, width), columns=columns)], axis=1
        )
        if len(items) > 1:
            part.insert(len(keys), "item", item)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    if len(items) > 1:
        out = out.sort_values(keys + ["item"], kind="stable", ignore_index=True)
    return out


def counts_to_moments(count_frame: pd.DataFrame) -> pd.DataFrame:
    r"""Moments frame from an answer-count frame (valid answers only).

    .. math:: n = \sum_v c_v,\qquad T = \sum_v v\,c_v,\qquad Q = \sum_v v^2 c_v

    Parameters
    ----------
    count_frame : pandas.DataFrame
        An answer-count frame (see the module notes).

    Returns
    -------
    pandas.DataFrame
        The key columns, then ``nobs``, ``total``, ``total_sq``; ready for
        :func:`mean_estimates`.

    References
    ----------
    Chan, Golub & LeVeque (1983), *The American Statistician* 37(3), 242–247.

    Examples
    --------
    >>> c = pd.DataFrame({"item": ["q1"], "count_1": [1], "count_2": [0], "count_3": [0],
    ...                   "count_4": [2], "count_5": [1]})
    >>> counts_to_moments(c)
      item  nobs  total  total_sq
    0   q1     4   14.0      58.0
    """
    scale, matrix = _count_matrix(count_frame)
    values = np.asarray(scale, dtype=float)
    out = _keys_frame(count_frame)
    out["nobs"] = matrix.sum(axis=1).astype("int64")
    out["total"] = matrix @ values
    out["total_sq"] = matrix @ values**2
    return out


def count_mean_estimates(count_frame: pd.DataFrame, alpha: float = 0.05, population: str | None = None):
    r"""Mean answer with its t interval per group × item, from an answer-count frame.

    Equivalent to :func:`mean_estimates` applied to :func:`counts_to_moments`:

    .. math::

        \bar y = \frac{\sum_v v\,c_v}{n},\qquad
        s^2 = \frac{\sum_v v^2 c_v - n\bar y^2}{n-1},\qquad
        \bar y \pm t_{1-\alpha/2,\,n-1}\,\frac{s}{\sqrt n}\,\mathrm{fpc}

    Parameters
    ----------
    count_frame : pandas.DataFrame
        An answer-count frame.
    alpha : float
        One minus the confidence level.
    population : str, optional
        Column with each group's number of recipients, for the finite population correction.

    Returns
    -------
    pandas.DataFrame
        Keys, ``nobs``, ``mean``, ``sd``, ``se``, ``ci_low``, ``ci_high``.

    References
    ----------
    Student (1908). *Biometrika* 6, 1–25. Cochran (1977), eq. 2.12.

    Examples
    --------
    >>> c = pd.DataFrame({"item": ["q1"], "count_1": [1], "count_2": [0], "count_3": [0],
    ...                   "count_4": [2], "count_5": [1]})
    >>> float(count_mean_estimates(c)["mean"].iloc[0])
    3.5
    """
    moment_frame = counts_to_moments(count_frame)
    if population is not None:
        _require_columns(count_frame, [population])
        moment_frame["population"] = count_frame[population].to_numpy()
    return mean_estimates(moment_frame, alpha=alpha, population="population" if population else None)


def top_box_estimates(
    count_frame: pd.DataFrame,
    top: Sequence[int] = (4, 5),
    alpha: float = 0.05,
    population: str | None = None,
) -> pd.DataFrame:
    r"""Top-box share (default top-2-box: "agree" or "strongly agree") with its Wilson interval.

    .. math::

        \hat p = \frac{\sum_{v \in \mathrm{top}} c_v}{\sum_v c_v}

    with the Wilson score interval of :func:`analysis.intervals.wilson_interval` (and its
    finite population correction when ``population`` is given). "Does not apply" answers
    are in neither count.

    Parameters
    ----------
    count_frame : pandas.DataFrame
        An answer-count frame.
    top : sequence of int
        The favourable values.
    alpha : float
        One minus the confidence level.
    population : str, optional
        Column with each group's number of recipients.

    Returns
    -------
    pandas.DataFrame
        Keys, ``nobs``, ``top2_count``, ``top2_share``, ``top2_low``, ``top2_high`` (the
        names say "top2" whatever ``top`` is, so every frame reads alike).

    References
    ----------
    Wilson, E. B. (1927). *JASA* 22, 209–212. AHRQ (2020), *CAHPS Analysis Program
    Version 5.0* (top-box scoring).

    Examples
    --------
    >>> c = pd.DataFrame({"item": ["q1"], "count_1": [1], "count_2": [0], "count_3": [0],
    ...                   "count_4": [2], "count_5": [1]})
    >>> top_box_estimates(c).round(4)
      item  nobs  top2_count  top2_share  top2_low  top2_high
    0   q1     4           3        0.75    0.3006     0.9544
    """
    check_alpha(alpha)
    scale, matrix = _count_matrix(count_frame)
    favourable = [int(v) for v in top]
    if not favourable or any(v not in scale for v in favourable):
        raise ValueError(f"The top-box values must be on the scale {scale}.")
    chosen = np.isin(scale, favourable)
    nobs = matrix.sum(axis=1)
    successes = matrix[:, chosen].sum(axis=1)
    big_n = None
    if population is not None:
        _require_columns(count_frame, [population])
        big_n = _numeric(count_frame[population], population).to_numpy(dtype=float)
    ci = wilson_interval(successes, nobs, alpha=alpha, population=big_n)
    out = _keys_frame(count_frame)
    out["nobs"] = nobs.astype("int64")
    out["top2_count"] = successes.astype("int64")
    out["top2_share"] = np.atleast_1d(ci.estimate)
    out["top2_low"] = np.atleast_1d(ci.low)
    out["top2_high"] = np.atleast_1d(ci.high)
    return out


def nps_estimates(count_frame: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    r"""Net Promoter Score per group from counts of the 0–10 recommendation answers.

    Promoters answer 9–10, passives 7–8 and detractors 0–6; then, with
    :func:`analysis.scores.nps_from_counts`,

    .. math::

        \mathrm{NPS} = 100\,(p_+ - p_-),\qquad
        \mathrm{SE} = 100\sqrt{\frac{p_+ + p_- - (p_+ - p_-)^2}{n}}

    and the adjusted Wald interval of Rocks (2016).

    Parameters
    ----------
    count_frame : pandas.DataFrame
        An answer-count frame with ``count_0`` … ``count_10``.
    alpha : float
        One minus the confidence level.

    Returns
    -------
    pandas.DataFrame
        Keys, ``nobs``, ``promoter_share``, ``detractor_share``, ``nps``, ``se``, ``ci_low``,
        ``ci_high`` (the adjusted Wald limits).

    References
    ----------
    Reichheld, F. F. (2003). *Harvard Business Review* 81(12), 46–54. Rocks, B. (2016).
    Interval estimation for the "net promoter score". *The American Statistician* 70(4),
    365–372.

    Examples
    --------
    >>> c = pd.DataFrame({"provider_id": [7], **{f"count_{v}": [0] for v in range(11)}})
    >>> c.loc[0, ["count_10", "count_8", "count_3"]] = [60, 25, 15]
    >>> nps_estimates(c)[["nobs", "nps"]].to_string(index=False)
    ' nobs  nps\n  100 45.0'
    """
    scale, matrix = _count_matrix(count_frame)
    if scale != list(range(11)):
        raise ValueError("NPS needs the counts count_0 to count_10 of the 0–10 recommendation.")
    detractors = matrix[:, :7].sum(axis=1)
    passives = matrix[:, 7:9].sum(axis=1)
    promoters = matrix[:, 9:].sum(axis=1)
    result = nps_from_counts(promoters, passives, detractors, alpha=alpha)
    out = _keys_frame(count_frame)
    out["nobs"] = (detractors + passives + promoters).astype("int64")
    out["promoter_share"] = np.atleast_1d(result.promoter_share)
    out["detractor_share"] = np.atleast_1d(result.detractor_share)
    out["nps"] = np.atleast_1d(result.nps)
    out["se"] = np.atleast_1d(result.se)
    out["ci_low"] = np.atleast_1d(result.adjusted_wald_low)
    out["ci_high"] = np.atleast_1d(result.adjusted_wald_high)
    return out


def within_sum_of_squares(moment_frame: pd.DataFrame) -> np.ndarray:
    r"""Each group's sum of squares about its own mean, :math:`Q - T^2/n` (0 where n is 0).

    This is the within-provider sum of squares that :mod:`analysis.shrinkage` needs.

    .. math:: W_g = \sum_{i \in g} (y_i - \bar y_g)^2 = Q_g - T_g^2 / n_g

    Parameters
    ----------
    moment_frame : pandas.DataFrame
        A moments frame.

    Returns
    -------
    numpy.ndarray

    References
    ----------
    Chan, Golub & LeVeque (1983), *The American Statistician* 37(3), 242–247.

    Examples
    --------
    >>> m = pd.DataFrame({"nobs": [4], "total": [16.0], "total_sq": [66.0]})
    >>> within_sum_of_squares(m).tolist()
    [2.0]
    """
    _check_moments(moment_frame)
    n = moment_frame["nobs"].to_numpy(dtype=float)
    total = moment_frame["total"].to_numpy(dtype=float)
    total_sq = moment_frame["total_sq"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        ss = np.where(n > 0, total_sq - total**2 / np.where(n > 0, n, 1), 0.0)
    return np.clip(ss, 0.0, None)


# ---------------------------------------------------------------- helpers


def _mean_and_sd(moment_frame: pd.DataFrame):
    n = moment_frame["nobs"].to_numpy(dtype=float)
    total = moment_frame["total"].to_numpy(dtype=float)
    ss = within_sum_of_squares(moment_frame)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, total / np.where(n > 0, n, 1), np.nan)
        sd = np.where(n >= 2, np.sqrt(ss / np.where(n >= 2, n - 1, 1)), np.nan)
    return n, mean, sd


def _check_moments(moment_frame) -> None:
    _require_columns(moment_frame, MOMENT_COLUMNS)
    n = as_float_array(moment_frame["nobs"].to_numpy(), "nobs")
    total = as_float_array(moment_frame["total"].to_numpy(), "total")
    total_sq = as_float_array(moment_frame["total_sq"].to_numpy(), "total_sq")
    if np.any(~np.isfinite(n)) or np.any(n < 0) or np.any(n % 1 != 0):
        raise ValueError("nobs must be whole numbers of at least 0.")
    if np.any(~np.isfinite(total)) or np.any(~np.isfinite(total_sq)) or np.any(total_sq < 0):
        raise ValueError("total and total_sq must be finite, and total_sq cannot be negative.")
    # Cauchy–Schwarz: T^2 <= n Q; a clear violation means the columns are mixed up.
    if np.any(total**2 > n * total_sq * (1 + 1e-9) + 1e-9):
        raise ValueError("total and total_sq are inconsistent: total² cannot exceed nobs × total_sq.")


def _count_matrix(count_frame) -> tuple[list[int], np.ndarray]:
    if not isinstance(count_frame, pd.DataFrame):
        raise ValueError("Expected a pandas DataFrame of answer counts.")
    found = {}
    for column in count_frame.columns:
        match = _COUNT_COLUMN.match(str(column))
        if match:
            found[int(match.group(1))] = column
    if not found:
        raise ValueError("The frame has no count_<value> columns, for example count_1 … count_5.")
    scale = sorted(found)
    matrix = np.column_stack(
        [_numeric(count_frame[found[v]], found[v]).to_numpy(dtype=float) for v in scale]
    )
    if np.any(~np.isfinite(matrix)) or np.any(matrix < 0) or np.any(matrix % 1 != 0):
        raise ValueError("Answer counts must be whole numbers of at least 0.")
    return scale, matrix


def _keys_frame(frame: pd.DataFrame) -> pd.DataFrame:
    stats_columns = set(MOMENT_COLUMNS) | {"population", NOT_APPLICABLE}
    keys = [
        column
        for column in frame.columns
        if column not in stats_columns and not _COUNT_COLUMN.match(str(column))
    ]
    return frame[keys].reset_index(drop=True).copy()


def _group_codes(frame: pd.DataFrame, keys: list) -> tuple[np.ndarray, pd.DataFrame]:
    grouper = frame.groupby(keys, sort=True, observed=True, dropna=False)
    codes = grouper.ngroup().to_numpy(dtype=np.int64)
    key_frame = grouper.size().reset_index()[keys]
    return codes, key_frame


def _check_scale_values(values) -> list[int]:
    try:
        given = list(values)
        scale = [int(v) for v in given]
    except (TypeError, ValueError) as exc:
        raise ValueError("values must be whole numbers, for example (1, 2, 3, 4, 5).") from exc
    whole = all(float(v) == float(w) for v, w in zip(scale, given, strict=True))
    if not scale or len(set(scale)) != len(scale) or not whole:
        raise ValueError("values must be distinct whole numbers, for example (1, 2, 3, 4, 5).")
    return scale


def _numeric(series: pd.Series, name: str) -> pd.Series:
    try:
        return pd.to_numeric(series, errors="raise").astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"The column {name!r} must hold numbers or be empty.") from exc


def _require_columns(frame, columns) -> None:
    if not isinstance(frame, pd.DataFrame):
        # The package promises ValueError for every bad input, so callers catch one type.
        raise ValueError("Expected a pandas DataFrame.")
    missing = [column for column in dict.fromkeys(columns) if column not in frame.columns]
    if missing:
        raise ValueError(f"The frame lacks the column(s): {', '.join(map(str, missing))}.")


def _key_list(by, allow_empty: bool = False) -> list:
    keys = [by] if isinstance(by, str) else list(by or [])
    if not keys and not allow_empty:
        raise ValueError("Give at least one key column, for example 'provider_id'.")
    if len(set(keys)) != len(keys):
        raise ValueError("The key columns must be different.")
    return keys
