"""The benchmarks' own arithmetic: what ``make bench-load`` reports about the ratio of full submissions to the
bare endpoint (the figures themselves are measured by running it, never in tests)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def bench_submit():
    """The benchmark module, imported when these tests run rather than when pytest collects them: Hypothesis
    draws strings and numbers from every project module loaded (tests excepted), so importing the benchmarks
    at collection would move the examples of the property tests in ``tests/proof``, which run before these."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        yield importlib.import_module("bench_submit")
    finally:
        sys.path.remove(str(BENCHMARKS))


def turn(bench_submit, label: str, stored: int, seconds: float = 5.0):
    return bench_submit.Run(
        label=label, seconds=seconds, answered=stored, sent=stored, statuses={"201": stored},
        errors={"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0},
        latency_ms={"mean": 1.0, "p50": 1.0, "p90": 1.0, "p99": 1.0, "max": 1.0}, wrk_cpu=0.0,
        prefixes=[label], histogram=[(1000, stored)])


def test_turns_are_resampled_in_pairs(bench_submit):
    """The machine's speed changes from turn to turn, and both endpoints of a turn feel it alike: when full
    submissions run at exactly 55 % of the bare endpoint in every turn, however fast that turn was, the ratio
    cannot move (resampled separately it would)."""
    bare_counts = [4000, 6000, 3000, 5500, 4500, 6200, 3800, 5000]
    full = [turn(bench_submit, "full", round(0.55 * count)) for count in bare_counts]
    bare = [turn(bench_submit, "bare", count) for count in bare_counts]
    low, high = bench_submit.ratio_interval(full, bare)
    assert low == pytest.approx(0.55, abs=2e-4) and high == pytest.approx(0.55, abs=2e-4)


def test_interval_around_the_pooled_ratio(bench_submit):
    """Turns that disagree give an interval that holds the pooled ratio printed as "full / bare", within the
    turn-by-turn extremes, and wider when the turns disagree more."""
    rng = np.random.default_rng(7)
    bare_counts = rng.integers(4000, 6000, size=12)

    def interval(spread: float) -> tuple[float, float]:
        shares = 0.58 + spread * rng.standard_normal(12)
        full = [turn(bench_submit, "full", round(share * count))
                for share, count in zip(shares, bare_counts, strict=True)]
        bare = [turn(bench_submit, "bare", int(count)) for count in bare_counts]
        low, high = bench_submit.ratio_interval(full, bare)
        ratio = bench_submit.pooled(full).rate / bench_submit.pooled(bare).rate
        assert min(shares) - 1e-3 <= low <= ratio <= high <= max(shares) + 1e-3
        return low, high

    steady_low, steady_high = interval(0.01)
    shaky_low, shaky_high = interval(0.08)
    assert shaky_high - shaky_low > 3 * (steady_high - steady_low)


def test_identical_turns_give_the_ratio_itself(bench_submit):
    full = [turn(bench_submit, "full", 300) for _ in range(6)]
    bare = [turn(bench_submit, "bare", 500) for _ in range(6)]
    assert bench_submit.ratio_interval(full, bare) == (pytest.approx(0.6), pytest.approx(0.6))
