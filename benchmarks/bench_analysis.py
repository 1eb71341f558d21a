"""Benchmark of the full provider scorecard on synthetic data: 1,000,000 responses, 2,000 providers, 20 items.

Run with ``.venv/bin/python benchmarks/bench_analysis.py`` (options: ``--respondents``,
``--providers``, ``--repeat``, ``--seed``). It prints the time of each stage of the
scorecard, the best total over the repeats, the peak memory, and — on the same data in the
same run — the time of a plain ``groupby("provider_id").mean()`` as a baseline. Target: the
scorecard within 10 s and 2 GB on 2 cores. Nothing is hard-coded: every figure printed is
measured in this run.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import sys
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.aggregates import (  # noqa: E402
    answer_counts,
    count_mean_estimates,
    mean_estimates,
    moments,
    nps_estimates,
    top_box_estimates,
)
from analysis.casemix import casemix_adjust_many  # noqa: E402
from analysis.comparison import compare_with_mean  # noqa: E402
from analysis.funnel import funnel_means, funnel_proportions  # noqa: E402
from analysis.reliability import icc1_from_summaries, provider_reliability  # noqa: E402
from analysis.scores import composite_index, respondent_dimension_scores  # noqa: E402
from analysis.shrinkage import shrink_estimates, shrink_moments  # noqa: E402
from analysis.subgroups import pairwise_welch, welch_anova  # noqa: E402

# Sapa Core has 7 dimensions of 2–4 items; 20 items in all here.
DIMENSIONS = {
    "access": ["q01", "q02", "q03"],
    "respect": ["q04", "q05", "q06"],
    "competence": ["q07", "q08", "q09"],
    "information": ["q10", "q11", "q12"],
    "coordination": ["q13", "q14", "q15"],
    "outcomes": ["q16", "q17", "q18"],
    "safety": ["q19", "q20"],
}
ITEMS = [item for items in DIMENSIONS.values() for item in items]
ADJUSTERS = ["age_band", "self_rated_health", "proxy_help", "mode"]
AGE_BANDS = np.array(["18-39", "40-64", "65-79", "80+"])
MODES = np.array(["assisted", "kiosk", "paper", "self_web"])
CATEGORIES = np.array(
    ["older", "disability", "children", "domestic_violence", "trafficking", "homeless", "family", "idp"]
)


def synthetic_responses(n_respondents: int, n_providers: int, seed: int) -> pd.DataFrame:
    """Respondents of providers that differ in quality and in case mix (seeded)."""
    rng = np.random.default_rng(seed)
    weights = rng.lognormal(0.0, 0.8, n_providers)
    extra = rng.multinomial(n_respondents - 5 * n_providers, weights / weights.sum())
    provider = rng.permutation(np.repeat(np.arange(n_providers), extra + 5))
    quality = rng.normal(0.0, 0.35, n_providers)

    def provider_mix(levels, concentration):
        # Each provider has its own mix of levels (Dirichlet), sampled per respondent.
        shares = rng.dirichlet(np.full(len(levels), concentration), n_providers)
        cumulative = np.cumsum(shares, axis=1)[provider]
        draw = (rng.random(n_respondents)[:, None] > cumulative).sum(axis=1)
        return np.minimum(draw, len(levels) - 1)

    age = provider_mix(AGE_BANDS, 2.0)
    mode = provider_mix(MODES, 1.5)
    category = provider_mix(CATEGORIES, 0.7)
    health_shift = rng.normal(0.0, 0.5, n_providers)
    health = np.clip(np.rint(3 + health_shift[provider] + rng.normal(0, 1, n_respondents)), 1, 5)
    proxy = (rng.random(n_respondents) < rng.beta(1, 6, n_providers)[provider]).astype(float)
    latent = (
        quality[provider]
        + 0.18 * (health - 3)
        + np.array([-0.15, 0.0, 0.1, 0.2])[age]
        - 0.12 * proxy
        + np.array([0.15, 0.0, 0.05, -0.1])[mode]
        + rng.normal(0, 0.6, n_respondents)
    )
    columns = {
        "provider_id": provider,
        "category": CATEGORIES[category],
        "age_band": AGE_BANDS[age],
        "self_rated_health": health,
        "proxy_help": proxy,
        "mode": MODES[mode],
    }
    shifts = rng.normal(0.0, 0.25, len(ITEMS))
    for item, shift in zip(ITEMS, shifts, strict=True):
        answer = np.clip(np.rint(3.7 + shift + latent + rng.normal(0, 0.7, n_respondents)), 1, 5)
        answer[rng.random(n_respondents) < 0.06] = np.nan  # "does not apply"
        columns[item] = answer
    columns["recommend"] = np.clip(np.rint(7.5 + 2 * latent + rng.normal(0, 1.5, n_respondents)), 0, 10)
    # Rare missing adjusters, imputed by the case-mix model with the provider mean.
    health_missing = rng.random(n_respondents) < 0.02
    columns["self_rated_health"] = np.where(health_missing, np.nan, health)
    return pd.DataFrame(columns)


@contextmanager
def stage(name: str, timings: dict):
    start = time.perf_counter()
    yield
    timings[name] = timings.get(name, 0.0) + time.perf_counter() - start


def scorecard(frame: pd.DataFrame) -> tuple[dict, dict]:
    """The full provider scorecard; returns the results and the time of each stage."""
    timings: dict[str, float] = {}
    out: dict[str, object] = {}
    measures = [*DIMENSIONS, "composite"]

    with stage("item scores (mean, top-2-box, NPS)", timings):
        counts = answer_counts(frame, "provider_id", ITEMS)
        out["item_means"] = count_mean_estimates(counts)
        out["item_top2"] = top_box_estimates(counts)
        out["nps"] = nps_estimates(answer_counts(frame, "provider_id", "recommend", values=range(11)))

    with stage("dimension scores and composite", timings):
        dims = respondent_dimension_scores(frame[ITEMS], DIMENSIONS)
        dims["composite"] = composite_index(dims)
        scored = pd.concat([frame[["provider_id", "category", *ADJUSTERS]], dims], axis=1)
        provider_moments = moments(scored, "provider_id", measures)
        out["dimension_means"] = mean_estimates(provider_moments)

    with stage("case-mix adjustment", timings):
        adjusted = casemix_adjust_many(scored, measures, adjusters=ADJUSTERS)
        out["adjusted"] = adjusted

    with stage("reliability and shrinkage", timings):
        shrunk, shrunk_adjusted, reliability = {}, {}, {}
        for m in measures:
            part = provider_moments[provider_moments["measure"] == m]
            est = mean_estimates(part)
            icc = icc1_from_summaries(est["nobs"], est["mean"], est["sd"].fillna(0.0))
            reliability[m] = provider_reliability(icc, est["nobs"])
            shrunk[m] = shrink_moments(part)
            providers = adjusted[m].providers
            shrunk_adjusted[m] = shrink_estimates(providers["adjusted_mean"], providers["se"])
        out.update(shrunk=shrunk, shrunk_adjusted=shrunk_adjusted, reliability=reliability)

    with stage("funnel plots", timings):
        composite = adjusted["composite"]
        out["funnel_composite"] = funnel_means(
            composite.providers["adjusted_mean"],
            composite.providers["nobs"],
            sd=np.sqrt(composite.sigma2),
            provider=composite.providers["provider_id"],
        )
        top2 = out["item_top2"]
        satisfaction = top2[top2["item"] == "q19"]
        out["funnel_safety"] = funnel_proportions(
            satisfaction["top2_count"], satisfaction["nobs"], provider=satisfaction["provider_id"]
        )

    with stage("comparison with the mean and grades", timings):
        composite = adjusted["composite"].providers
        out["comparison"] = compare_with_mean(
            composite["adjusted_mean"], composite["se"], composite["nobs"],
            provider=composite["provider_id"], multitest="fdr_bh",
            reliability=reliability["composite"],
        )

    with stage("subgroup tests (category, Holm)", timings):
        by_category = mean_estimates(moments(scored, "category", measures))
        tests = {}
        for m in measures:
            part = by_category[by_category["measure"] == m]
            tests[m] = (
                welch_anova(part["nobs"], part["mean"], part["sd"]),
                pairwise_welch(
                    part["nobs"], part["mean"], part["sd"], labels=part["category"], method="holm"
                ),
            )
        out["subgroups"] = tests
    return out, timings


def baseline(frame: pd.DataFrame) -> float:
    start = time.perf_counter()
    frame.groupby("provider_id")[ITEMS].mean()
    return time.perf_counter() - start


def max_rss_mib() -> float:
    # ru_maxrss is in kibibytes on Linux (bytes on macOS).
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=1_000_000)
    parser.add_argument("--providers", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20260101)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    frame = synthetic_responses(args.respondents, args.providers, args.seed)
    generated = time.perf_counter() - start
    rss_after_data = max_rss_mib()
    print(f"Sapa analysis benchmark — Python {platform.python_version()}, numpy {np.__version__}, "
          f"pandas {pd.__version__}, {os.cpu_count()} CPU(s)")
    size_mib = frame.memory_usage(deep=True).sum() / 2**20
    print(f"Data: {len(frame):,} responses × {frame['provider_id'].nunique():,} providers × "
          f"{len(ITEMS)} items ({size_mib:,.0f} MiB in memory), generated in {generated:.1f} s")

    totals, stage_times = [], []
    for _ in range(args.repeat):
        gc.collect()
        start = time.perf_counter()
        _, timings = scorecard(frame)
        totals.append(time.perf_counter() - start)
        stage_times.append(timings)
    best = int(np.argmin(totals))

    gc.collect()
    tracemalloc.start()
    result, _ = scorecard(frame)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result

    baselines = [baseline(frame) for _ in range(max(args.repeat, 3))]

    print()
    print(f"{'stage':<42}{'seconds':>9}")
    for name, seconds in stage_times[best].items():
        print(f"{name:<42}{seconds:>9.2f}")
    print(f"{'full scorecard (best of ' + str(args.repeat) + ')':<42}{totals[best]:>9.2f}")
    print(f"{'full scorecard (every run)':<42}{'  '.join(f'{t:.2f}' for t in totals):>9}")
    print(f"{'pandas groupby(provider).mean(), 20 items':<42}{min(baselines):>9.2f}")
    print(f"{'ratio scorecard / groupby mean':<42}{totals[best] / min(baselines):>9.1f}")
    print()
    print(f"Peak memory traced during one scorecard (tracemalloc): {traced_peak / 2**20:,.0f} MiB")
    print(f"Peak resident memory of the process (data included): {max_rss_mib():,.0f} MiB "
          f"(after generating the data: {rss_after_data:,.0f} MiB)")
    verdict = "meets" if totals[best] <= 10 and max_rss_mib() <= 2048 else "misses"
    print(f"Target ≤ 10 s and ≤ 2 GB: {verdict} it on this machine.")


if __name__ == "__main__":
    main()
