"""Turn the respondent frame into snapshot rows with the ``analysis`` package (no SQL here).

Per campaign (wave) and measure: raw means with t intervals (finite population correction where
the provider's number of recipients is known), CAHPS case-mix adjusted means, empirical-Bayes
shrinkage of the adjusted means, funnel-plot flags and the comparison with the overall mean.
Shares (top-2-box satisfaction) get Wilson intervals; the NPS its adjusted Wald interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.aggregates import mean_estimates, moments
from analysis.casemix import casemix_adjust_many
from analysis.comparison import compare_with_mean
from analysis.funnel import funnel_means, funnel_proportions
from analysis.intervals import wilson_interval
from analysis.scores import nps_from_counts
from analysis.shrinkage import shrink_estimates
from survey_app.models.responses import AGE_BANDS, ASSISTANCE, MODES

ADJUSTERS = ("age_band", "self_rated_health", "assistance", "mode")
CATEGORICAL = ("age_band", "assistance", "mode")
LEVELS = {"age_band": ("60_74",) + tuple(b for b in AGE_BANDS if b != "60_74"),
          "assistance": ASSISTANCE, "mode": MODES}
SHARE_MEASURES = ("satisfaction",)
PROVIDER_SCORE_COLUMNS = ("nobs", "mean", "sd", "ci_low", "ci_high", "adjusted", "adjusted_se", "adjusted_low",
                          "adjusted_high", "shrunken", "shrunken_low", "shrunken_high", "reliability", "funnel_flag",
                          "comparison", "grade", "not_rated_reason")
GROUP_LENSES_ALL_MEASURES = ("national", "region", "category", "setting")


def measures_of(frame: pd.DataFrame) -> list[str]:
    dimensions = sorted(column for column in frame.columns if column.startswith("dimension:"))
    return ["composite", *dimensions, "satisfaction"]


def provider_rows(frame: pd.DataFrame, providers: pd.DataFrame) -> list[dict]:
    """ProviderScore rows for every campaign in ``frame``.

    ``providers`` is indexed by provider_id with a ``population`` column (recipients served).
    """
    rows: list[dict] = []
    for campaign_id, wave in frame.groupby("campaign_id"):
        measures = [measure for measure in measures_of(wave) if wave[measure].notna().any()]
        adjusted = _adjusted(wave, measures)
        for measure in measures:
            rows += _measure_rows(int(campaign_id), wave, measure, providers, adjusted.get(measure))
        rows += _nps_rows(int(campaign_id), wave)
    return rows


def _measure_rows(campaign_id: int, wave: pd.DataFrame, measure: str, providers: pd.DataFrame,
                  adjusted: pd.DataFrame | None) -> list[dict]:
    answered = wave[wave[measure].notna()]
    moment_frame = _with_population(moments(answered, by=["provider_id"], value=measure), providers)
    raw = mean_estimates(moment_frame, population="population").set_index("provider_id")
    if measure in SHARE_MEASURES:
        population = moment_frame.set_index("provider_id")["population"]
        share = wilson_interval((raw["mean"] * raw["nobs"] / 100).round(), raw["nobs"], population=population)
        raw["ci_low"], raw["ci_high"] = np.asarray(share.low) * 100, np.asarray(share.high) * 100
    table = raw[["nobs", "mean", "sd", "ci_low", "ci_high"]].copy()
    if adjusted is not None:
        table = table.join(adjusted, how="left")
    else:  # no case-mix model could be fitted (too few respondents): raw scores only, nothing adjusted
        table = table.assign(adjusted=np.nan, adjusted_se=np.nan, adjusted_low=np.nan, adjusted_high=np.nan)
    table = table.join(_shrunken(table), how="left")
    table = table.join(_flags(answered, measure, table), how="left")
    table = table.join(_comparison(table), how="left")
    table = table.reindex(columns=list(PROVIDER_SCORE_COLUMNS))
    return [
        {"campaign_id": campaign_id, "provider_id": int(provider_id), "measure": measure, **_clean(values)}
        for provider_id, values in zip(table.index, table.to_dict("records"), strict=True)
    ]


def _with_population(moment_frame: pd.DataFrame, providers: pd.DataFrame) -> pd.DataFrame:
    population = moment_frame["provider_id"].map(providers["population"]).astype(float)
    # A population smaller than the responses means the recipient count is out of date: ignore it.
    moment_frame["population"] = population.where(population >= moment_frame["nobs"])
    return moment_frame


def observed_levels(answered: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Each categorical adjuster's levels present in the data, the reference level first."""
    levels = {}
    for name in CATEGORICAL:
        present = set(answered[name].dropna().unique())
        levels[name] = tuple(level for level in LEVELS[name] if level in present)
    return levels


def _adjusted(wave: pd.DataFrame, measures: list[str]) -> dict[str, pd.DataFrame]:
    """Case-mix adjusted provider means of every measure (one design for all of them)."""
    try:
        results = casemix_adjust_many(wave, measures, provider="provider_id", adjusters=ADJUSTERS,
                                      categorical=CATEGORICAL, levels=observed_levels(wave))
    except ValueError:
        # One measure the model cannot fit (e.g. a module asked at a single provider): fit one by one.
        results = {}
        for measure in measures:
            answered = wave[wave[measure].notna()]
            try:
                results[measure] = casemix_adjust_many(
                    answered, [measure], provider="provider_id", adjusters=ADJUSTERS, categorical=CATEGORICAL,
                    levels=observed_levels(answered))[measure]
            except ValueError:  # too few providers or respondents to fit the adjustment model
                continue
    renamed = {"adjusted_mean": "adjusted", "se": "adjusted_se", "ci_low": "adjusted_low",
               "ci_high": "adjusted_high"}
    return {
        measure: result.providers.set_index("provider_id").rename(columns=renamed)[list(renamed.values())]
        for measure, result in results.items()
    }


def _shrunken(table: pd.DataFrame) -> pd.DataFrame:
    usable = table.dropna(subset=["adjusted", "adjusted_se"])
    usable = usable[usable["adjusted_se"] > 0]
    if len(usable) < 3:
        return pd.DataFrame(columns=["shrunken", "shrunken_low", "shrunken_high", "reliability"])
    try:
        shrunk = shrink_estimates(usable["adjusted"].to_numpy(), usable["adjusted_se"].to_numpy(), method="pm")
    except ValueError:
        return pd.DataFrame(columns=["shrunken", "shrunken_low", "shrunken_high", "reliability"])
    shrunk.index = usable.index
    return shrunk.rename(columns={"shrunken_mean": "shrunken", "ci_low": "shrunken_low",
                                  "ci_high": "shrunken_high"})[
        ["shrunken", "shrunken_low", "shrunken_high", "reliability"]]


def _flags(answered: pd.DataFrame, measure: str, table: pd.DataFrame) -> pd.DataFrame:
    """Funnel-plot flag at the 99.8% limits (above / within / below)."""
    try:
        if measure in SHARE_MEASURES:
            successes = (answered.groupby("provider_id")[measure].sum() / 100).reindex(table.index)
            result = funnel_proportions(successes.to_numpy(), table["nobs"].to_numpy(), provider=table.index.to_numpy())
        else:
            result = adjusted_funnel(table)
            if result is None:
                return pd.DataFrame(columns=["funnel_flag"])
    except ValueError:
        return pd.DataFrame(columns=["funnel_flag"])
    flags = result.providers.set_index("provider")["flag"].rename("funnel_flag")
    return flags.to_frame()


def adjusted_funnel(table: pd.DataFrame):
    """The funnel of adjusted means (``table`` indexed by provider: ``nobs``, ``sd``, ``adjusted``).

    The limits use the pooled within-provider SD; None with fewer than three adjusted providers.
    Staff pages redraw the stored flags' limits with this same function (``scores.read.funnel``).
    """
    usable = table.dropna(subset=["adjusted"])
    if len(usable) < 3:
        return None
    pooled_sd = float(np.sqrt(np.nansum((usable["nobs"] - 1) * usable["sd"] ** 2)
                              / max(float(usable["nobs"].sum() - len(usable)), 1.0)))
    return funnel_means(usable["adjusted"].to_numpy(), usable["nobs"].to_numpy(), sd=pooled_sd,
                        provider=usable.index.to_numpy())


def _comparison(table: pd.DataFrame) -> pd.DataFrame:
    usable = table.dropna(subset=["adjusted", "adjusted_se"])
    usable = usable[usable["adjusted_se"] > 0]
    if len(usable) < 3:
        return pd.DataFrame(columns=["comparison", "grade", "not_rated_reason"])
    reliability = usable["reliability"].to_numpy() if "reliability" in usable and usable["reliability"].notna().all() \
        else None
    try:
        result = compare_with_mean(usable["adjusted"].to_numpy(), usable["adjusted_se"].to_numpy(),
                                   usable["nobs"].to_numpy(), provider=usable.index.to_numpy(),
                                   reliability=reliability, multitest="fdr_bh")
    except ValueError:
        return pd.DataFrame(columns=["comparison", "grade", "not_rated_reason"])
    compared = result.providers.set_index("provider")
    compared["comparison"] = compared["comparison"].where(compared["comparison"] != "no_data")
    return compared[["comparison", "grade", "not_rated_reason"]]


def _nps_rows(campaign_id: int, wave: pd.DataFrame) -> list[dict]:
    rated = wave.dropna(subset=["recommend"])
    if rated.empty:
        return []
    rating = rated["recommend"]
    counts = pd.DataFrame({"provider_id": rated["provider_id"], "promoters": rating >= 9,
                           "passives": (rating >= 7) & (rating <= 8), "detractors": rating <= 6})
    counts = counts.groupby("provider_id").sum().astype(int)
    nps = nps_from_counts(counts["promoters"], counts["passives"], counts["detractors"])
    return [
        {"campaign_id": campaign_id, "provider_id": int(provider_id), "measure": "nps",
         **_clean({**dict.fromkeys(PROVIDER_SCORE_COLUMNS), "nobs": n, "mean": value, "ci_low": low,
                   "ci_high": high})}
        for provider_id, n, value, low, high in zip(
            counts.index, np.atleast_1d(nps.nobs), np.atleast_1d(nps.nps),
            np.atleast_1d(nps.adjusted_wald_low), np.atleast_1d(nps.adjusted_wald_high), strict=True)
    ]


def group_rows(frame: pd.DataFrame, providers: pd.DataFrame) -> list[dict]:
    """GroupScore rows: each lens × group × measure, per campaign."""
    enriched = frame.join(providers[["region", "setting", "org_form"]], on="provider_id")
    rows: list[dict] = []
    for campaign_id, wave in enriched.groupby("campaign_id"):
        measures = measures_of(wave)
        lenses = {
            "national": wave.assign(group_key="all"),
            "region": wave.assign(group_key=wave["region"]),
            "setting": wave.assign(group_key=wave["setting"]),
            "org_form": wave.assign(group_key=wave["org_form"]),
            "category": wave.assign(group_key=wave["category"]),
            "language": wave.assign(group_key=wave["language"]),
            "mode": wave.assign(group_key=wave["mode"]),
            "service_type": _exploded(wave, providers, "service_types"),
            "standard": _exploded(wave, providers, "standards"),
        }
        for lens, grouped in lenses.items():
            lens_measures = measures if lens in GROUP_LENSES_ALL_MEASURES else ["composite", "satisfaction"]
            rows += _group_measure_rows(int(campaign_id), lens, grouped, lens_measures, with_provider=False)
        by_category = wave.assign(group_key=wave["category"])
        rows += _group_measure_rows(int(campaign_id), "provider_category", by_category,
                                    ["composite", "satisfaction"], with_provider=True)
    return rows


def _exploded(wave: pd.DataFrame, providers: pd.DataFrame, column: str) -> pd.DataFrame:
    keys = wave["provider_id"].map(providers[column])
    return wave.assign(group_key=keys).explode("group_key")


def _group_measure_rows(campaign_id: int, lens: str, grouped: pd.DataFrame, measures: list[str],
                        with_provider: bool) -> list[dict]:
    grouped = grouped.dropna(subset=["group_key"])
    if grouped.empty:
        return []
    keys = ["group_key", "provider_id"] if with_provider else ["group_key"]
    rows = []
    for measure in measures:
        answered = grouped[grouped[measure].notna()]
        if answered.empty:
            continue
        estimates = mean_estimates(moments(answered, by=keys, value=measure))
        if measure in SHARE_MEASURES:
            share = wilson_interval((estimates["mean"] * estimates["nobs"] / 100).round(), estimates["nobs"])
            estimates["ci_low"], estimates["ci_high"] = np.asarray(share.low) * 100, np.asarray(share.high) * 100
        for record in estimates.to_dict("records"):
            rows.append({
                "campaign_id": campaign_id, "lens": lens, "group_key": str(record["group_key"]),
                "provider_id": int(record["provider_id"]) if with_provider else None, "measure": measure,
                **_clean({name: record.get(name) for name in ("nobs", "mean", "sd", "ci_low", "ci_high")}),
            })
    return rows


def _clean(values) -> dict:
    """Plain Python values for the database: NaN becomes NULL, numpy numbers become floats/ints."""
    cleaned = {}
    for name, value in dict(values).items():
        if value is None or (isinstance(value, float) and np.isnan(value)):
            cleaned[name] = None
        elif name in ("nobs", "grade"):
            cleaned[name] = None if pd.isna(value) else int(value)
        elif isinstance(value, (np.floating, float, int, np.integer)):
            cleaned[name] = None if pd.isna(value) else float(value)
        elif pd.isna(value):
            cleaned[name] = None
        else:
            cleaned[name] = value
    return cleaned
