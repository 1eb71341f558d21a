"""Indicator verdicts at the edges of the documented rule.

The rule is a definition (no outside implementation); expected values are worked by hand from
the rule in analysis.verdicts.indicator_verdict.
"""

import numpy as np
import pandas as pd
import pytest

from analysis.verdicts import REASONS, STATUSES, Verdict, indicator_verdict, indicator_verdicts


@pytest.mark.parametrize(
    ("low", "high", "direction", "status", "reason"),
    [
        # higher is better
        (0.76, 0.84, "higher", "achieved", "interval_above_target"),
        (0.75, 0.84, "higher", "achieved", "interval_above_target"),  # touches target from above
        (0.70, 0.80, "higher", "not_yet_known", "interval_straddles_target"),
        (0.66, 0.75, "higher", "not_yet_known", "interval_straddles_target"),  # touches from below
        (0.66, 0.7499, "higher", "not_achieved", "interval_below_target"),
        # lower is better (mirrored)
        (0.66, 0.74, "lower", "achieved", "interval_below_target"),
        (0.66, 0.75, "lower", "achieved", "interval_below_target"),  # touches target from below
        (0.70, 0.80, "lower", "not_yet_known", "interval_straddles_target"),
        (0.75, 0.84, "lower", "not_yet_known", "interval_straddles_target"),  # touches from above
        (0.7501, 0.84, "lower", "not_achieved", "interval_above_target"),
    ],
)
def test_rule_at_the_edges(low, high, direction, status, reason):
    value = (low + high) / 2
    verdict = indicator_verdict(value, low, high, 0.75, direction=direction, nobs=100)
    assert isinstance(verdict, Verdict)
    assert (verdict.status, verdict.reason) == (status, reason)
    assert verdict.target == 0.75 and verdict.nobs == 100


def test_minimum_responses_edge():
    at_minimum = indicator_verdict(0.9, 0.85, 0.95, 0.75, nobs=30, min_nobs=30)
    below_minimum = indicator_verdict(0.9, 0.85, 0.95, 0.75, nobs=29, min_nobs=30)
    assert at_minimum.status == "achieved"
    assert (below_minimum.status, below_minimum.reason) == ("not_yet_known", "too_few_responses")


def test_no_data_cases():
    assert indicator_verdict(np.nan, np.nan, np.nan, 0.75, nobs=0).reason == "no_data"
    assert indicator_verdict(0.8, 0.7, 0.9, 0.75, nobs=0).reason == "no_data"
    assert indicator_verdict(0.8, np.nan, np.nan, 0.75, nobs=100).reason == "no_data"


def test_without_nobs_the_count_rule_is_skipped():
    verdict = indicator_verdict(0.9, 0.85, 0.95, 0.75)
    assert verdict.status == "achieved" and verdict.nobs is None


def test_vectorised_matches_scalar():
    frame = pd.DataFrame({
        "value": [0.8, 0.8, 0.7, 0.5, np.nan, 0.4, 0.3],
        "low": [0.75, 0.7, 0.6, 0.4, np.nan, 0.35, 0.2],
        "high": [0.85, 0.9, 0.74, 0.6, np.nan, 0.45, 0.35],
        "target": [0.75] * 5 + [0.5, 0.35],
        "nobs": [100, 100, 100, 10, 0, 50, 50],
        "direction": ["higher"] * 5 + ["lower", "lower"],
    })
    out = indicator_verdicts(frame, direction_col="direction")
    assert list(out.columns) == list(frame.columns) + ["status", "reason"]
    for row in out.itertuples():
        single = indicator_verdict(
            row.value, row.low, row.high, row.target, direction=row.direction, nobs=row.nobs
        )
        assert (row.status, row.reason) == (single.status, single.reason)
    assert set(out["status"]) <= set(STATUSES) and set(out["reason"]) <= set(REASONS)
    assert out["status"].tolist() == [
        "achieved", "not_yet_known", "not_achieved", "not_yet_known", "not_yet_known", "achieved", "achieved",
    ]
    assert "status" not in frame.columns  # the input is left untouched


def test_vectorised_without_nobs_column():
    frame = pd.DataFrame({"value": [3.0], "low": [2.5], "high": [3.5], "target": [4.0]})
    out = indicator_verdicts(frame, nobs_col=None, direction="lower")
    assert out.loc[0, "status"] == "achieved"


@pytest.mark.parametrize(
    "call",
    [
        lambda: indicator_verdict(0.8, 0.7, 0.9, 0.75, direction="up", nobs=50),
        lambda: indicator_verdict(0.8, 0.85, 0.9, 0.75, nobs=50),
        lambda: indicator_verdict(0.8, 0.7, 0.9, np.nan, nobs=50),
        lambda: indicator_verdict(0.8, 0.7, 0.9, 0.75, nobs=-1),
        lambda: indicator_verdict(0.8, 0.7, 0.9, 0.75, nobs=50, min_nobs=0),
        lambda: indicator_verdict([0.8], [0.7], [0.9], 0.75, nobs=50),
        lambda: indicator_verdict("x", 0.7, 0.9, 0.75),
        lambda: indicator_verdicts(pd.DataFrame({"value": [1.0]})),
        lambda: indicator_verdicts([1, 2]),
        lambda: indicator_verdicts(
            pd.DataFrame({"value": [1.0], "low": [0.0], "high": [2.0], "target": [1.0], "nobs": [40],
                          "d": ["sideways"]}),
            direction_col="d",
        ),
    ],
)
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()
