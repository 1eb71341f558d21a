"""Input checks shared by the estimators: plain-sentence ValueErrors instead of asserts."""

from __future__ import annotations

import numpy as np


def as_float_array(values, name: str) -> np.ndarray:
    """Return ``values`` as a float array, or raise ``ValueError`` naming the argument."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numbers.") from exc
    return array


def check_alpha(alpha: float) -> None:
    """Refuse a significance level outside (0, 1)."""
    if not 0 < alpha < 1:
        raise ValueError("alpha must lie strictly between 0 and 1, for example 0.05.")
