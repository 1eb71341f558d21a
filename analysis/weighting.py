"""Survey weights: post-stratification and raking to known recipient counts; weighted estimates with SEs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis._checks import as_float_array, check_alpha
from analysis.intervals import kish_effective_n, wilson_interval


@dataclass(frozen=True)
class WeightedEstimate:
    """A weighted mean or share with its linearisation SE, interval, n and Kish effective n."""

    estimate: float
    se: float
    low: float
    high: float
    nobs: int
    effective_nobs: float
    alpha: float = 0.05


def poststratification_weights(
    sample: pd.DataFrame,
    population,
    by: Sequence[str] | str,
    count_col: str = "count",
    base_weights=None,
) -> pd.Series:
    r"""Post-stratification weights: each cell's respondents weighted up to the cell's known count.

    For respondent *i* in cell *h* with base weight :math:`d_i` (1 by default) and known
    population count :math:`N_h`,

    .. math:: w_i = d_i\,\frac{N_h}{\sum_{k \in h} d_k},

    so the weights sum to :math:`N_h` in every cell and to *N* overall.

    Parameters
    ----------
    sample : pandas.DataFrame
        One row per respondent with the cell columns ``by``.
    population : pandas.Series or pandas.DataFrame
        Known counts per cell: a Series indexed by cell (a MultiIndex for several columns),
        or a frame with the ``by`` columns and ``count_col``.
    by : str or sequence of str
        Columns that define the cells (for example region and recipient category).
    count_col : str
        Count column when ``population`` is a frame.
    base_weights : array_like, optional
        Design weights to start from (positive).

    Returns
    -------
    pandas.Series
        Named ``"weight"``, same index as ``sample``.

    Raises
    ------
    ValueError
        When a cell with population has no respondents (collapse it with a neighbour first),
        when a respondent's cell is missing from the population, or when a cell value is
        missing.

    References
    ----------
    Holt, D., & Smith, T. M. F. (1979). Post stratification. *JRSS A* 142, 33–46. Lumley, T.
    (2010). *Complex Surveys: A Guide to Analysis Using R*, §7.2. Wiley.

    Examples
    --------
    >>> sample = pd.DataFrame({"region": ["north", "north", "south"]})
    >>> poststratification_weights(sample, pd.Series({"north": 300, "south": 500}), "region").tolist()
    [150.0, 150.0, 500.0]
    """
    columns = _as_list(by)
    keys = _cell_keys(sample, columns)
    targets = _population_counts(population, columns, count_col)
    d = _base_weights(base_weights, len(sample))
    unknown = sorted(set(keys) - set(targets.index), key=str)
    if unknown:
        raise ValueError(f"Respondents fall in cells with no population count: {_show(unknown)}.")
    empty = [cell for cell in targets.index if cell not in set(keys) and targets[cell] > 0]
    if empty:
        raise ValueError(
            f"These cells have recipients but no respondents: {_show(empty)}; collapse them with a "
            "neighbouring cell before weighting."
        )
    position = {cell: i for i, cell in enumerate(targets.index)}
    code = np.array([position[key] for key in keys])
    counts = targets.to_numpy(dtype=float)
    if np.any(counts[code] == 0):
        raise ValueError("A cell with respondents has a population count of zero; check the counts.")
    sums = np.bincount(code, weights=d, minlength=counts.size)
    return pd.Series(d * counts[code] / sums[code], index=sample.index, name="weight")


def rake(
    sample: pd.DataFrame,
    margins: Mapping[str, pd.Series],
    base_weights=None,
    tol: float = 1e-6,
    max_iter: int = 100,
) -> pd.Series:
    r"""Raking (iterative proportional fitting) of weights to several known margins.

    Starting from base weights :math:`w^{(0)} = d`, each cycle adjusts the weights to every
    margin *v* in turn: for respondents in category *c* of *v*,

    .. math:: w_i \leftarrow w_i\,\frac{N_{vc}}{\sum_{k:\,v_k = c} w_k},

    until, after a full cycle, every weighted margin is within ``tol`` of its target in
    relative terms, :math:`\max_{v,c} |\sum_{k:\,v_k=c} w_k - N_{vc}| / N_{vc} < \mathrm{tol}`.
    Raking keeps the sample's interactions (cross-product ratios) and matches only the margins.

    Parameters
    ----------
    sample : pandas.DataFrame
        One row per respondent with one column per raking variable.
    margins : mapping of str to pandas.Series
        Variable → known population count per category. All margins must have the same total.
    base_weights : array_like, optional
        Design weights to start from (positive).
    tol : float
        Relative tolerance on the margins.
    max_iter : int
        Most cycles before giving up.

    Returns
    -------
    pandas.Series
        Named ``"weight"``, same index as ``sample``.

    Raises
    ------
    ValueError
        For a margin category with population but no respondents, a respondent category not in
        its margin, margins with different totals, or no convergence within ``max_iter``.

    References
    ----------
    Deming, W. E., & Stephan, F. F. (1940). On a least squares adjustment of a sampled
    frequency table when the expected marginal totals are known. *Annals of Mathematical
    Statistics* 11, 427–444. Lumley, T. (2010). *Complex Surveys*, §7.3. Wiley.
    Bishop, Y. M. M., Fienberg, S. E., & Holland, P. W. (1975). *Discrete Multivariate
    Analysis*, §3.5. MIT Press.

    Examples
    --------
    >>> sample = pd.DataFrame({"sex": ["f", "f", "m", "m", "f"], "age": ["y", "o", "y", "o", "o"]})
    >>> w = rake(sample, {"sex": pd.Series({"f": 60, "m": 40}), "age": pd.Series({"y": 30, "o": 70})})
    >>> w.groupby(sample["sex"]).sum().round(3).to_dict()
    {'f': 60.0, 'm': 40.0}
    """
    if not (np.isfinite(tol) and tol > 0):
        raise ValueError("tol must be a positive number, for example 1e-6.")
    if int(max_iter) != max_iter or max_iter < 1:
        raise ValueError("max_iter must be a whole number of at least 1.")
    if not margins:
        raise ValueError("Give at least one margin to rake to.")
    weights = _base_weights(base_weights, len(sample)).copy()
    codes, targets = [], []
    totals = []
    for variable, margin in margins.items():
        keys = _cell_keys(sample, [variable])
        target = _population_counts(margin, [variable], "count")
        unknown = sorted(set(keys) - set(target.index), key=str)
        if unknown:
            raise ValueError(
                f"Respondents have {variable!r} values with no population count: {_show(unknown)}."
            )
        empty = [c for c in target.index if c not in set(keys) and target[c] > 0]
        if empty:
            raise ValueError(
                f"The margin {variable!r} has categories with recipients but no respondents: "
                f"{_show(empty)}; collapse them before raking."
            )
        position = {category: i for i, category in enumerate(target.index)}
        code = np.array([position[key] for key in keys])
        if np.any(target.to_numpy()[code] == 0):
            raise ValueError(f"A category of {variable!r} with respondents has a population count of zero.")
        codes.append(code)
        targets.append(target.to_numpy(dtype=float))
        totals.append(float(target.sum()))
    if not np.allclose(totals, totals[0], rtol=1e-6, atol=0):
        raise ValueError("All margins must add up to the same population total.")
    for _ in range(int(max_iter)):
        for code, target in zip(codes, targets, strict=True):
            current = np.bincount(code, weights=weights, minlength=target.size)
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(current > 0, target / current, 0.0)
            weights = weights * factor[code]
        if _max_margin_error(weights, codes, targets) < tol:
            return pd.Series(weights, index=sample.index, name="weight")
    raise ValueError(
        f"Raking did not reach the margins within {int(max_iter)} cycles; the margins may conflict with "
        "the sample (for example an empty combination), or raise max_iter."
    )


def weighted_mean(values, weights, alpha: float = 0.05) -> WeightedEstimate:
    r"""Weighted mean with its linearisation (Taylor) standard error and normal interval.

    The weighted mean is a ratio estimator, :math:`\hat{\bar y} = \sum w_i y_i / \sum w_i`. Its
    linearised variance, treating the respondents as a with-replacement sample with fixed
    weights, is

    .. math::

        v(\hat{\bar y}) = \frac{n}{n-1}\,\frac{\sum_i w_i^2 (y_i - \hat{\bar y})^2}{(\sum_i w_i)^2},

    with the interval :math:`\hat{\bar y} \pm z_{1-\alpha/2}\sqrt{v}`. This is what R's
    ``survey::svymean`` gives for ``svydesign(ids = ~1, weights = ~w)``. When the weights come
    from post-stratification or raking, ignoring that calibration makes the SE slightly
    conservative (Lumley 2010, §7.4). Kish's effective n is reported alongside.

    Parameters
    ----------
    values : array_like
        Scores; NaN (with its weight) is left out.
    weights : array_like
        Non-negative weights, same length.
    alpha : float
        One minus the confidence level.

    Returns
    -------
    WeightedEstimate

    References
    ----------
    Woodruff, R. S. (1971). A simple method for approximating the variance of a complicated
    estimate. *JASA* 66, 411–414. Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed., §6.
    Lumley, T. (2010). *Complex Surveys*, §2.3. Kish, L. (1965). *Survey Sampling*, §11.7.

    Examples
    --------
    >>> res = weighted_mean([4, 5, 3, 4], [1.0, 2.0, 1.0, 2.0])
    >>> round(res.estimate, 4), round(res.se, 4), round(res.effective_nobs, 2)
    (4.1667, 0.398, 3.6)
    """
    check_alpha(alpha)
    y, w = _values_and_weights(values, weights)
    estimate, se = _ratio_mean(y, w)
    z = stats.norm.isf(alpha / 2)
    return WeightedEstimate(
        estimate=estimate,
        se=se,
        low=float(estimate - z * se),
        high=float(estimate + z * se),
        nobs=int(y.size),
        effective_nobs=kish_effective_n(w),
        alpha=alpha,
    )


def weighted_proportion(values, weights, alpha: float = 0.05) -> WeightedEstimate:
    r"""Weighted share of "yes" (1) among 0/1 answers, with linearisation SE and a Wilson interval.

    The estimate and its SE are those of :func:`weighted_mean` applied to the 0/1 values:

    .. math::

        \hat p = \frac{\sum w_i y_i}{\sum w_i}, \qquad
        v(\hat p) = \frac{n}{n-1}\,\frac{\sum_i w_i^2 (y_i - \hat p)^2}{(\sum_i w_i)^2}.

    The interval is the Wilson interval (:func:`analysis.intervals.wilson_interval`) with
    Kish's effective sample size :math:`n_{\mathrm{eff}} = (\sum w)^2/\sum w^2` in place of *n*,
    which stays inside [0, 1] and behaves for shares near 0 or 1.

    Parameters
    ----------
    values : array_like
        0/1 (or boolean) answers; NaN is left out.
    weights : array_like
        Non-negative weights.
    alpha : float
        One minus the confidence level.

    Returns
    -------
    WeightedEstimate

    References
    ----------
    Kish (1965), §11.7. Wilson, E. B. (1927). *JASA* 22, 209–212. Dean, N., & Pagano, M.
    (2015). Evaluating confidence interval methods for binomial proportions in clustered
    surveys. *Journal of Survey Statistics and Methodology* 3, 484–503.

    Examples
    --------
    >>> res = weighted_proportion([1, 0, 1, 1], [1.0, 2.0, 1.0, 2.0])
    >>> round(res.estimate, 4), round(res.low, 4), round(res.high, 4)
    (0.6667, 0.2312, 0.9301)
    """
    check_alpha(alpha)
    y, w = _values_and_weights(values, weights)
    if np.any((y != 0) & (y != 1)):
        raise ValueError("A proportion needs answers coded 0 or 1.")
    estimate, se = _ratio_mean(y, w)
    n_eff = kish_effective_n(w)
    ci = wilson_interval(estimate * n_eff, n_eff, alpha=alpha)
    return WeightedEstimate(
        estimate=estimate,
        se=se,
        low=float(ci.low),
        high=float(ci.high),
        nobs=int(y.size),
        effective_nobs=n_eff,
        alpha=alpha,
    )


def _ratio_mean(y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    total = w.sum()
    estimate = float(np.sum(w * y) / total)
    n = y.size
    if n < 2:
        return estimate, float("nan")
    variance = n / (n - 1) * np.sum((w * (y - estimate)) ** 2) / total**2
    return estimate, float(np.sqrt(variance))


def _values_and_weights(values, weights):
    y = as_float_array(values, "values").ravel()
    w = as_float_array(weights, "weights").ravel()
    if y.size != w.size:
        raise ValueError("values and weights must have the same length.")
    if np.any(np.isnan(w)) or np.any(~np.isfinite(w)) or np.any(w < 0):
        raise ValueError("Weights must be finite and non-negative.")
    keep = ~np.isnan(y)
    y, w = y[keep], w[keep]
    if np.any(~np.isfinite(y)):
        raise ValueError("values must be finite numbers or NaN.")
    if y.size == 0 or w.sum() == 0:
        raise ValueError("There are no answers with positive weight.")
    return y, w


def _max_margin_error(weights, codes, targets) -> float:
    worst = 0.0
    for code, target in zip(codes, targets, strict=True):
        current = np.bincount(code, weights=weights, minlength=target.size)
        positive = target > 0
        worst = max(worst, float(np.max(np.abs(current[positive] - target[positive]) / target[positive])))
    return worst


def _cell_keys(sample: pd.DataFrame, columns: list) -> list:
    if not isinstance(sample, pd.DataFrame):
        # The package promises ValueError for every bad input, so callers catch one type.
        raise ValueError("Expected a pandas DataFrame of respondents.")
    if not columns:
        raise ValueError("Name at least one column that defines the cells.")
    missing = [column for column in columns if column not in sample.columns]
    if missing:
        raise ValueError(f"The sample lacks the column(s): {', '.join(map(str, missing))}.")
    if len(sample) == 0:
        raise ValueError("The sample has no respondents.")
    if sample[columns].isna().any().any():
        raise ValueError("Every respondent needs a value in each weighting column.")
    if len(columns) == 1:
        return sample[columns[0]].tolist()
    return list(sample[columns].itertuples(index=False, name=None))


def _population_counts(population, columns: list, count_col: str) -> pd.Series:
    if isinstance(population, pd.DataFrame):
        missing = [column for column in [*columns, count_col] if column not in population.columns]
        if missing:
            raise ValueError(f"The population table lacks the column(s): {', '.join(map(str, missing))}.")
        counts = population.set_index(columns if len(columns) > 1 else columns[0])[count_col]
    elif isinstance(population, pd.Series):
        counts = population
    elif isinstance(population, Mapping):
        counts = pd.Series(population)
    else:
        raise ValueError("Population counts must be a Series, a mapping or a frame.")
    if counts.index.has_duplicates:
        raise ValueError("Each population cell must appear once.")
    try:
        values = pd.to_numeric(counts, errors="raise").astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError("Population counts must be numbers.") from exc
    if values.isna().any() or np.any(values.to_numpy() < 0) or np.any(~np.isfinite(values.to_numpy())):
        raise ValueError("Population counts must be finite and non-negative.")
    if len(columns) > 1:
        values.index = pd.Index([tuple(key) for key in values.index], tupleize_cols=False)
    return values


def _base_weights(base_weights, n: int) -> np.ndarray:
    if base_weights is None:
        return np.ones(n)
    d = as_float_array(base_weights, "base_weights").ravel()
    if d.size != n:
        raise ValueError("Give one base weight per respondent.")
    if np.any(~np.isfinite(d)) or np.any(d <= 0):
        raise ValueError("Base weights must be positive numbers.")
    return d


def _as_list(by) -> list:
    if isinstance(by, str):
        return [by]
    return list(by)


def _show(cells) -> str:
    return ", ".join(str(cell) for cell in cells[:10]) + (" ..." if len(cells) > 10 else "")
