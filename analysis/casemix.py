r"""CAHPS-style case-mix adjustment of provider means: a fixed-effects linear model on respondent traits.

Model and estimator
-------------------
For respondent *i* of provider *j* with outcome :math:`y_{ij}` and adjuster vector
:math:`x_{ij}` (numeric adjusters as they are, categorical ones as treatment dummies),

.. math:: y_{ij} = \alpha_j + \beta^\top x_{ij} + \varepsilon_{ij},
          \qquad \varepsilon_{ij} \sim (0, \sigma^2).

:math:`\beta` is estimated by the within transformation (demeaning by provider), never with
a dense matrix of provider dummies:

.. math::

    W_{xx} = \sum_j \sum_i (x_{ij} - \bar x_j)(x_{ij} - \bar x_j)^\top,\quad
    W_{xy} = \sum_j \sum_i (x_{ij} - \bar x_j)(y_{ij} - \bar y_j),\quad
    \hat\beta = W_{xx}^{-1} W_{xy},

which equals ordinary least squares with provider dummies (Frisch–Waugh–Lovell). With *N*
respondents, *J* providers and *p* adjuster terms,
:math:`\hat\sigma^2 = (W_{yy} - \hat\beta^\top W_{xy})/(N - J - p)` and
:math:`\hat V(\hat\beta) = \hat\sigma^2 W_{xx}^{-1}`.

The adjusted mean of provider *j* is its expected mean had it served respondents with the
overall mean traits :math:`\bar x` (averaged over all *N* respondents):

.. math::

    \tilde y_j = \bar y_j - \hat\beta^\top (\bar x_j - \bar x),\qquad
    \widehat{\mathrm{var}}(\tilde y_j) = \frac{\hat\sigma^2}{n_j}
        + (\bar x_j - \bar x)^\top \hat V(\hat\beta)\, (\bar x_j - \bar x),

the variance of the fitted value :math:`\hat\alpha_j + \hat\beta^\top\bar x` of the dummy
model (:math:`\bar y_j` and :math:`\hat\beta` are uncorrelated because the within estimator
uses only deviations from provider means; the adjusters are treated as fixed). Intervals use
Student's t with :math:`N - J - p` degrees of freedom.

Missing values
--------------
* A respondent without the outcome is dropped for that outcome only.
* A missing adjuster is imputed with the mean of that adjuster (for a categorical adjuster:
  of each of its dummies, i.e. the provider's share of each level) among the provider's
  respondents kept for the outcome, as the CAHPS Analysis Program does; this leaves the
  respondent's within-provider deviation at 0, so the imputed value does not move
  :math:`\hat\beta`. When no respondent of the provider has the adjuster, the overall mean
  is used.

References
----------
Zaslavsky, A. M., Zaborski, L. B., Ding, L., Shaul, J. A., Cioffi, M. J., & Cleary, P. D.
(2001). Adjusting performance measures to ensure equitable plan comparisons. *Health Care
Financing Review* 22(3), 109–126.
Agency for Healthcare Research and Quality (2020). *Instructions for Analyzing Data from
CAHPS Surveys in SAS: Using the CAHPS Analysis Program Version 5.0*. AHRQ Publication
20-M019 (case-mix adjustment, imputation of missing adjusters with the plan mean).
Wooldridge, J. M. (2010). *Econometric Analysis of Cross Section and Panel Data*, 2nd ed.,
§10.5 (the fixed-effects within estimator). MIT Press.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis._checks import check_alpha
from analysis.aggregates import _numeric, _require_columns

DEFAULT_ADJUSTERS = ("age_band", "self_rated_health", "proxy_help", "mode")


@dataclass(frozen=True)
class CasemixResult:
    """Case-mix adjusted provider means and the fitted adjustment model.

    ``providers`` has one row per provider: the provider key, ``nobs``, ``mean`` (unadjusted),
    ``adjustment`` (:math:`-\\hat\\beta^\\top(\\bar x_j - \\bar x)`), ``adjusted_mean``, ``se``,
    ``ci_low``, ``ci_high``. ``coefficients`` has one row per term: ``term``, ``estimate``,
    ``se``, ``statistic``, ``p_value``. ``covariance`` is :math:`\\hat V(\\hat\\beta)` and
    ``overall_means`` is :math:`\\bar x`, both labelled by term.
    """

    providers: pd.DataFrame
    coefficients: pd.DataFrame
    covariance: pd.DataFrame
    overall_means: pd.Series
    sigma2: float
    df_resid: int
    nobs: int
    n_providers: int
    alpha: float = 0.05


def design_matrix(
    frame: pd.DataFrame,
    adjusters: Sequence[str] = DEFAULT_ADJUSTERS,
    categorical: Sequence[str] | None = None,
    levels: Mapping[str, Sequence] | None = None,
) -> pd.DataFrame:
    r"""Adjuster terms: numeric adjusters as they are, categorical ones as treatment dummies.

    A categorical adjuster *a* with levels :math:`\ell_0, \ell_1, \dots, \ell_K` (the first
    is the reference) gives the terms ``a=ℓ_1`` … ``a=ℓ_K`` with

    .. math:: x_{i,\,a=\ell_k} = \mathbf 1\{a_i = \ell_k\},

    and a missing :math:`a_i` gives NaN in all its dummies (to be imputed).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per respondent.
    adjusters : sequence of str
        Adjuster columns; default age band, self-rated health, proxy/help and mode.
    categorical : sequence of str, optional
        Adjusters to dummy-code. By default, every adjuster whose column is not numeric.
    levels : mapping of str to sequence, optional
        The levels of a categorical adjuster, reference first. By default the sorted distinct
        values. Fixing the levels keeps the terms the same from one data set to the next
        (the SQL cross-products need that); a value outside them raises ``ValueError``.

    Returns
    -------
    pandas.DataFrame
        Float columns named by term, same index as ``frame``.

    References
    ----------
    Zaslavsky et al. (2001), *Health Care Financing Review* 22(3), 109–126 (adjusters).

    Examples
    --------
    >>> rows = pd.DataFrame({"age_band": ["18-39", "65+", None], "health": [3, 4, 5]})
    >>> design_matrix(rows, ["age_band", "health"])
       age_band=65+  health
    0           0.0     3.0
    1           1.0     4.0
    2           NaN     5.0
    """
    adjusters = list(adjusters)
    if not adjusters:
        raise ValueError("Give at least one adjuster column.")
    if len(set(adjusters)) != len(adjusters):
        raise ValueError("The adjuster columns must be different.")
    _require_columns(frame, adjusters)
    levels = dict(levels or {})
    unknown = [name for name in levels if name not in adjusters]
    if unknown:
        raise ValueError(f"Levels were given for column(s) that are not adjusters: {', '.join(unknown)}.")
    if categorical is None:
        categorical = [
            name
            for name in adjusters
            if name in levels or not pd.api.types.is_numeric_dtype(frame[name])
        ]
    categorical = list(categorical)
    stray = [name for name in categorical if name not in adjusters]
    if stray:
        raise ValueError(f"Categorical column(s) not among the adjusters: {', '.join(stray)}.")
    columns: dict[str, np.ndarray] = {}
    for name in adjusters:
        series = frame[name]
        if name not in categorical:
            columns[name] = _numeric(series, name).to_numpy(dtype=float)
            continue
        # factorize once (missing → -1), then map the distinct values onto the ordered levels.
        codes, uniques = pd.factorize(series, sort=False)
        uniques = list(uniques)
        if name in levels:
            level_list = list(levels[name])
            if len(set(level_list)) != len(level_list) or len(level_list) < 2:
                raise ValueError(f"The levels of {name!r} must be at least two distinct values.")
            stray_values = [value for value in uniques if value not in level_list]
            if stray_values:
                raise ValueError(f"The value {stray_values[0]!r} of {name!r} is not among its levels.")
        else:
            level_list = sorted(uniques, key=_sort_key)
        position = {level: index for index, level in enumerate(level_list)}
        remap = np.array([position[value] for value in uniques] + [-1], dtype=np.int64)
        mapped = remap[codes]  # code -1 picks the trailing -1
        missing = mapped < 0
        for index, level in enumerate(level_list[1:], start=1):
            dummy = (mapped == index).astype(float)
            dummy[missing] = np.nan
            columns[f"{name}={_level_text(level)}"] = dummy
    return pd.DataFrame(columns, index=frame.index)


def casemix_adjust(
    frame: pd.DataFrame,
    outcome: str,
    provider: str = "provider_id",
    adjusters: Sequence[str] = DEFAULT_ADJUSTERS,
    categorical: Sequence[str] | None = None,
    levels: Mapping[str, Sequence] | None = None,
    alpha: float = 0.05,
) -> CasemixResult:
    r"""Case-mix adjusted provider means from respondent rows (within estimator).

    .. math::

        \hat\beta = W_{xx}^{-1} W_{xy},\qquad
        \tilde y_j = \bar y_j - \hat\beta^\top(\bar x_j - \bar x),\qquad
        \widehat{\mathrm{var}}(\tilde y_j) = \frac{\hat\sigma^2}{n_j}
            + (\bar x_j - \bar x)^\top \hat\sigma^2 W_{xx}^{-1} (\bar x_j - \bar x)

    with :math:`\hat\sigma^2` the within residual variance on :math:`N - J - p` degrees of
    freedom. See the module notes for the model and the rule for missing values (outcome
    missing → respondent dropped; adjuster missing → the provider's mean of it).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per respondent.
    outcome : str
        The score to adjust (an item, a 0–100 dimension score, the composite).
    provider : str
        Provider key column.
    adjusters, categorical, levels
        As in :func:`design_matrix`.
    alpha : float
        One minus the confidence level of the intervals.

    Returns
    -------
    CasemixResult

    References
    ----------
    Zaslavsky et al. (2001), *Health Care Financing Review* 22(3), 109–126. AHRQ (2020),
    *CAHPS Analysis Program Version 5.0*, AHRQ Pub. 20-M019. Wooldridge (2010), §10.5.

    Examples
    --------
    >>> rows = pd.DataFrame({"provider_id": [1, 1, 1, 2, 2, 2],
    ...                      "health": [1, 2, 3, 3, 4, 5],
    ...                      "y": [2.0, 3.0, 4.5, 4.0, 5.0, 6.5]})
    >>> res = casemix_adjust(rows, "y", adjusters=["health"])
    >>> round(float(res.coefficients["estimate"].iloc[0]), 4)
    1.25
    >>> res.providers["adjusted_mean"].round(4).tolist()
    [4.4167, 3.9167]
    """
    check_alpha(alpha)
    if not isinstance(outcome, str):
        raise ValueError("outcome must be one column name; use casemix_adjust_many for several.")
    design = _Design(frame, [outcome], provider, adjusters, categorical, levels)
    return _within_fit(design, outcome, provider, alpha)


def casemix_adjust_many(
    frame: pd.DataFrame,
    outcomes: Sequence[str],
    provider: str = "provider_id",
    adjusters: Sequence[str] = DEFAULT_ADJUSTERS,
    categorical: Sequence[str] | None = None,
    levels: Mapping[str, Sequence] | None = None,
    alpha: float = 0.05,
) -> dict[str, CasemixResult]:
    r"""Case-mix adjustment of several outcomes (dimension scores, composite) on one design.

    The same as calling :func:`casemix_adjust` for each outcome, with

    .. math:: \tilde y_{j}^{(m)} = \bar y_j^{(m)} - \hat\beta^{(m)\top}(\bar x_j^{(m)} - \bar x^{(m)})

    for outcome *m* fitted on the respondents who have it; the adjuster terms and provider
    codes are built once, which saves most of the time on large data.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per respondent.
    outcomes : sequence of str
        The scores to adjust.
    provider, adjusters, categorical, levels, alpha
        As in :func:`casemix_adjust`.

    Returns
    -------
    dict of str to CasemixResult
        In the order of ``outcomes``.

    References
    ----------
    Zaslavsky et al. (2001), *Health Care Financing Review* 22(3), 109–126. Wooldridge
    (2010), §10.5.

    Examples
    --------
    >>> rows = pd.DataFrame({"provider_id": [1, 1, 1, 2, 2, 2],
    ...                      "health": [1, 2, 3, 3, 4, 5],
    ...                      "y": [2.0, 3.0, 4.5, 4.0, 5.0, 6.5],
    ...                      "z": [1.0, None, 2.0, 2.5, 3.0, 4.0]})
    >>> res = casemix_adjust_many(rows, ["y", "z"], adjusters=["health"])
    >>> res["y"].providers["adjusted_mean"].round(4).tolist()
    [4.4167, 3.9167]
    >>> res["z"].nobs
    5
    """
    check_alpha(alpha)
    outcomes = [outcomes] if isinstance(outcomes, str) else list(outcomes)
    if not outcomes or len(set(outcomes)) != len(outcomes):
        raise ValueError("Give one or more distinct outcome columns.")
    design = _Design(frame, outcomes, provider, adjusters, categorical, levels)
    return {outcome: _within_fit(design, outcome, provider, alpha) for outcome in outcomes}


def crossproducts(
    frame: pd.DataFrame,
    outcome: str,
    provider: str = "provider_id",
    adjusters: Sequence[str] = DEFAULT_ADJUSTERS,
    categorical: Sequence[str] | None = None,
    levels: Mapping[str, Sequence] | None = None,
) -> pd.DataFrame:
    r"""Per-provider cross-product frame, the sufficient statistics of the case-mix model.

    After dropping respondents without the outcome and imputing missing adjusters (module
    notes), for provider *j* and terms *t*, *u*:

    .. math::

        n_j,\quad \sum_i y_{ij},\quad \sum_i y_{ij}^2,\quad \sum_i x_{ij,t},\quad
        \sum_i x_{ij,t}\,y_{ij},\quad \sum_i x_{ij,t}\,x_{ij,u}

    The column names are listed in :mod:`analysis.aggregates`; SQL that produces the same
    frame can feed :func:`casemix_adjust_from_crossproducts` directly.

    Parameters
    ----------
    frame, outcome, provider, adjusters, categorical, levels
        As in :func:`casemix_adjust`.

    Returns
    -------
    pandas.DataFrame
        One row per provider; ``frame.attrs["terms"]`` lists the terms in order.

    References
    ----------
    Wooldridge (2010), §10.5. AHRQ (2020), *CAHPS Analysis Program Version 5.0*.

    Examples
    --------
    >>> rows = pd.DataFrame({"provider_id": [1, 1, 2], "health": [1, 2, 3], "y": [2.0, 3.0, 4.0]})
    >>> cross = crossproducts(rows, "y", adjusters=["health"])
    >>> cross[["provider_id", "nobs", "sum_y", "sum_x__health", "sum_xx__health__health"]]
       provider_id  nobs  sum_y  sum_x__health  sum_xx__health__health
    0            1     2    5.0            3.0                     5.0
    1            2     1    4.0            3.0                     9.0
    """
    design = _Design(frame, [outcome], provider, adjusters, categorical, levels)
    x, y, codes, keys = design.frame_for_outcome(outcome)
    terms = list(x.columns)
    x = x.to_numpy()
    size = len(keys)
    out = pd.DataFrame({provider: keys})
    out["nobs"] = np.bincount(codes, minlength=size).astype("int64")
    out["sum_y"] = np.bincount(codes, weights=y, minlength=size)
    out["sum_yy"] = np.bincount(codes, weights=y * y, minlength=size)
    extra = {}
    for a, term in enumerate(terms):
        extra[f"sum_x__{term}"] = np.bincount(codes, weights=x[:, a], minlength=size)
        extra[f"sum_xy__{term}"] = np.bincount(codes, weights=x[:, a] * y, minlength=size)
    for a, term in enumerate(terms):
        for b in range(a, len(terms)):
            product = x[:, a] * x[:, b]
            extra[f"sum_xx__{term}__{terms[b]}"] = np.bincount(codes, weights=product, minlength=size)
    out = pd.concat([out, pd.DataFrame(extra)], axis=1)
    out.attrs["terms"] = terms
    return out


def casemix_adjust_from_crossproducts(
    cross: pd.DataFrame,
    terms: Sequence[str] | None = None,
    provider: str = "provider_id",
    alpha: float = 0.05,
) -> CasemixResult:
    r"""Case-mix adjusted provider means from per-provider cross-products (for SQL).

    With :math:`S^{x}_j = \sum_i x_{ij}`, :math:`S^{xx}_j = \sum_i x_{ij}x_{ij}^\top`, and so
    on, the within cross-products are

    .. math::

        W_{xx} = \sum_j \Bigl(S^{xx}_j - \frac{S^{x}_j S^{x\top}_j}{n_j}\Bigr),\quad
        W_{xy} = \sum_j \Bigl(S^{xy}_j - \frac{S^{x}_j S^{y}_j}{n_j}\Bigr),\quad
        W_{yy} = \sum_j \Bigl(S^{yy}_j - \frac{(S^{y}_j)^2}{n_j}\Bigr),

    and everything else is as in :func:`casemix_adjust`, which gives the same numbers up to
    rounding.

    Parameters
    ----------
    cross : pandas.DataFrame
        A cross-products frame (see :mod:`analysis.aggregates` for the columns).
    terms : sequence of str, optional
        The terms in order; by default ``cross.attrs["terms"]`` as set by
        :func:`crossproducts`.
    provider : str
        Provider key column.
    alpha : float
        One minus the confidence level.

    Returns
    -------
    CasemixResult

    References
    ----------
    Wooldridge (2010), §10.5. Zaslavsky et al. (2001), *Health Care Financing Review* 22(3).

    Examples
    --------
    >>> rows = pd.DataFrame({"provider_id": [1, 1, 1, 2, 2, 2],
    ...                      "health": [1, 2, 3, 3, 4, 5],
    ...                      "y": [2.0, 3.0, 4.5, 4.0, 5.0, 6.5]})
    >>> res = casemix_adjust_from_crossproducts(crossproducts(rows, "y", adjusters=["health"]))
    >>> res.providers["adjusted_mean"].round(4).tolist()
    [4.4167, 3.9167]
    """
    check_alpha(alpha)
    if not isinstance(cross, pd.DataFrame):
        raise ValueError("Expected a pandas DataFrame of cross-products.")
    if terms is None:
        terms = cross.attrs.get("terms")
        if terms is None:
            raise ValueError("Give the terms in order; the frame does not record them.")
    terms = list(terms)
    if not terms or len(set(terms)) != len(terms):
        raise ValueError("terms must be a non-empty list of distinct names.")
    p = len(terms)
    pairs = [(a, b) for a in range(p) for b in range(a, p)]
    needed = (
        [provider, "nobs", "sum_y", "sum_yy"]
        + [f"sum_x__{t}" for t in terms]
        + [f"sum_xy__{t}" for t in terms]
        + [f"sum_xx__{terms[a]}__{terms[b]}" for a, b in pairs]
    )
    _require_columns(cross, needed)
    values = {column: _numeric(cross[column], column).to_numpy(dtype=float) for column in needed[1:]}
    n = values["nobs"]
    if np.any(~np.isfinite(n)) or np.any(n < 1) or np.any(n % 1 != 0):
        raise ValueError("Every provider needs a whole number of at least 1 in nobs.")
    if any(np.any(~np.isfinite(v)) for v in values.values()):
        raise ValueError("The cross-products must be finite numbers.")
    s_x = np.column_stack([values[f"sum_x__{t}"] for t in terms])
    s_xy = np.column_stack([values[f"sum_xy__{t}"] for t in terms])
    s_xx = np.zeros((len(n), p, p))
    for a, b in pairs:
        column = values[f"sum_xx__{terms[a]}__{terms[b]}"]
        s_xx[:, a, b] = column
        s_xx[:, b, a] = column
    s_y = values["sum_y"]
    y_bar = s_y / n
    x_bar = s_x / n[:, None]
    w_xx = s_xx.sum(axis=0) - np.einsum("ja,jb->ab", s_x, x_bar)
    w_xy = s_xy.sum(axis=0) - s_x.T @ y_bar
    w_yy = float(values["sum_yy"].sum() - s_y @ y_bar)
    keys = cross[provider].to_numpy()
    return _fit(provider, keys, n, y_bar, x_bar, w_xx, w_xy, w_yy, terms, alpha)


# ---------------------------------------------------------------- helpers


class _Design:
    """Adjuster terms and provider codes for all rows, built once and reused per outcome.

    Terms are kept as separate contiguous columns: every step (subsetting, imputing,
    provider means, demeaning) works column by column, which is faster than on an N × p
    matrix and never holds more than one demeaned copy of the data.
    """

    def __init__(self, frame, outcomes, provider, adjusters, categorical, levels):
        adjusters = list(adjusters)
        _require_columns(frame, [provider, *outcomes, *adjusters])
        if set(outcomes) & set(adjusters) or provider in adjusters or provider in outcomes:
            raise ValueError("The outcome, the provider and the adjusters must be different columns.")
        if frame[provider].isna().any():
            raise ValueError("Every respondent needs a provider; the provider column has missing values.")
        self.frame = frame
        design = design_matrix(frame, adjusters, categorical, levels)
        if design.shape[1] == 0:
            raise ValueError("No adjuster has more than one value, so there is nothing to adjust for.")
        self.terms = list(design.columns)
        self.columns = [design[term].to_numpy(dtype=float) for term in self.terms]
        if any(np.any(np.isinf(column)) for column in self.columns):
            raise ValueError("The adjusters must be finite numbers or missing.")
        self.has_missing = [bool(np.isnan(column).any()) for column in self.columns]
        self.codes, self.keys = pd.factorize(frame[provider].to_numpy(), sort=True)

    def for_outcome(self, outcome):
        """Rows with the outcome, adjusters imputed, providers renumbered 0..J-1 among them."""
        y_all = _numeric(self.frame[outcome], outcome).to_numpy(dtype=float)
        if np.any(np.isinf(y_all)):
            raise ValueError(f"The outcome {outcome!r} must be finite numbers or missing.")
        keep = ~np.isnan(y_all)
        if not keep.any():
            raise ValueError(f"No respondent has the outcome {outcome!r}.")
        everyone = bool(keep.all())
        y = y_all if everyone else y_all[keep]
        codes = self.codes if everyone else self.codes[keep]
        present = np.bincount(codes, minlength=len(self.keys)) > 0
        if not present.all():
            codes = (np.cumsum(present) - 1)[codes]
        codes = codes.astype(np.int64, copy=False)
        keys = self.keys[present]
        size = len(keys)
        columns = []
        for term, column, has_missing in zip(self.terms, self.columns, self.has_missing, strict=True):
            x = column if everyone else column[keep]
            if has_missing:
                missing = np.isnan(x)
                if missing.all():
                    raise ValueError(f"No respondent has the adjuster term(s): {term}.")
                if missing.any():
                    observed = ~missing
                    filled = np.where(observed, x, 0.0)
                    count = np.bincount(codes, weights=observed, minlength=size)
                    total = np.bincount(codes, weights=filled, minlength=size)
                    overall = filled.sum() / observed.sum()
                    with np.errstate(invalid="ignore", divide="ignore"):
                        provider_mean = np.where(count > 0, total / np.where(count > 0, count, 1), overall)
                    x = np.where(missing, provider_mean[codes], x)
            columns.append(x)
        return columns, y, codes, keys

    def frame_for_outcome(self, outcome):
        columns, y, codes, keys = self.for_outcome(outcome)
        return pd.DataFrame(dict(zip(self.terms, columns, strict=True))), y, codes, keys


def _within_fit(design: _Design, outcome, provider, alpha) -> CasemixResult:
    columns, y, codes, keys = design.for_outcome(outcome)
    n_providers = len(keys)
    n = np.bincount(codes, minlength=n_providers).astype(float)
    y_bar = np.bincount(codes, weights=y, minlength=n_providers) / n
    y_within = y - y_bar[codes]
    x_bar = np.empty((n_providers, len(columns)))
    within = []
    for k, x in enumerate(columns):
        x_bar[:, k] = np.bincount(codes, weights=x, minlength=n_providers) / n
        within.append(x - x_bar[codes, k])
    p = len(within)
    w_xx = np.empty((p, p))
    for a in range(p):
        for b in range(a, p):
            w_xx[a, b] = w_xx[b, a] = within[a] @ within[b]
    w_xy = np.array([x @ y_within for x in within])
    w_yy = float(y_within @ y_within)
    return _fit(provider, keys, n, y_bar, x_bar, w_xx, w_xy, w_yy, design.terms, alpha)


def _fit(provider, keys, n, y_bar, x_bar, w_xx, w_xy, w_yy, terms, alpha) -> CasemixResult:
    n_total = float(n.sum())
    n_providers = len(n)
    p = len(terms)
    df_resid = round(n_total) - n_providers - p
    if df_resid < 1:
        raise ValueError(
            "Too few respondents for the model: need more than providers + adjuster terms."
        )
    x_overall = (n[:, None] * x_bar).sum(axis=0) / n_total
    scale = np.sqrt(np.clip(np.diag(w_xx), 0.0, None))
    # A term is flat when its within spread is rounding noise relative to its size.
    noise = 1e-9 * (1.0 + np.abs(x_overall)) * np.sqrt(n_total)
    flat = [t for t, s, tol in zip(terms, scale, noise, strict=True) if not s > tol]
    if flat:
        raise ValueError(
            "These adjuster terms do not vary within providers and cannot be estimated: "
            + ", ".join(flat)
            + "."
        )
    scaled = w_xx / np.outer(scale, scale)
    if np.linalg.cond(scaled) > 1e12:
        raise ValueError("The adjuster terms are collinear within providers; drop or merge some.")
    beta = np.linalg.solve(w_xx, w_xy)
    rss = max(w_yy - float(beta @ w_xy), 0.0)
    sigma2 = rss / df_resid
    covariance = sigma2 * np.linalg.inv(w_xx)
    deviation = x_bar - x_overall
    adjustment = -(deviation @ beta)
    adjusted = y_bar + adjustment
    variance = sigma2 / n + np.einsum("ja,ab,jb->j", deviation, covariance, deviation)
    se = np.sqrt(variance)
    t_crit = stats.t.isf(alpha / 2, df_resid)
    providers = pd.DataFrame(
        {
            provider: keys,
            "nobs": n.astype("int64"),
            "mean": y_bar,
            "adjustment": adjustment,
            "adjusted_mean": adjusted,
            "se": se,
            "ci_low": adjusted - t_crit * se,
            "ci_high": adjusted + t_crit * se,
        }
    )
    coef_se = np.sqrt(np.diag(covariance))
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = np.where(coef_se > 0, beta / coef_se, np.nan)
    coefficients = pd.DataFrame(
        {
            "term": terms,
            "estimate": beta,
            "se": coef_se,
            "statistic": statistic,
            "p_value": 2 * stats.t.sf(np.abs(statistic), df_resid),
        }
    )
    return CasemixResult(
        providers=providers,
        coefficients=coefficients,
        covariance=pd.DataFrame(covariance, index=terms, columns=terms),
        overall_means=pd.Series(x_overall, index=terms, name="overall_mean"),
        sigma2=float(sigma2),
        df_resid=df_resid,
        nobs=round(n_total),
        n_providers=n_providers,
        alpha=alpha,
    )


def _sort_key(value):
    return (0, value, "") if isinstance(value, int | float | np.number) else (1, 0, str(value))


def _level_text(level) -> str:
    if isinstance(level, float | np.floating) and float(level).is_integer():
        return str(int(level))
    return str(level)
