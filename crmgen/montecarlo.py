"""A seeded Monte Carlo of revenue: each deal closes with its probability.

Pure Python and fast enough for thousands of deals: the trials of one group
are packed side by side into one big integer, `FIELD` bits each, so one deal
is drawn for every trial at once with a few whole-integer operations instead
of a Python loop over trials.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Mapping, Sequence
from functools import cache

TRIALS = 10_000
MIN_WIDTH = 40  # bits per trial: a draw is uniform on [0, 2**(width-1))
QUANTILES = (0.1, 0.5, 0.9)

Draw = tuple[int, int]  # (value in cents, probability in percent)


def seed_for(text: str) -> int:
    """A seed that depends only on the input text, so equal input, equal output."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:6], "big")


@cache
def _ones(trials: int, width: int) -> int:
    """An integer with a 1 at the lowest bit of each of `trials` fields."""
    return int.from_bytes((b"\x01" + b"\x00" * (width // 8 - 1)) * trials, "little")


@cache
def _complement(probability: int, trials: int, width: int) -> int:
    """2**(width-1) - T in the upper bits of every field (see `simulate`)."""
    top = 1 << (width - 1)
    return ((top - probability * top // 100) << 1) * _ones(trials, width)


def _width(draws: Sequence[Draw]) -> int:
    """Field width in bits, a multiple of 8, holding any trial's sum."""
    total = sum(value for value, _ in draws)
    return max(MIN_WIDTH, -(-(total.bit_length() + 1) // 8) * 8)


def simulate(
    draws: Sequence[Draw], rng: random.Random, trials: int = TRIALS
) -> list[int]:
    """Each trial's total in cents, in trial order.

    Each field of a draw holds u, uniform on [0, 2**(width-1)), in its upper
    width-1 bits; adding 2**(width-1) - T carries into the next field's lowest
    bit exactly when u >= T, that is when the deal is lost in that trial
    (T = probability x 2**(width-1) / 100). The carries, times the deal's
    value, add up to what each trial loses.
    """
    if not any(value > 0 and probability > 0 for value, probability in draws):
        return [0] * trials
    width = _width(draws)
    ones = _ones(trials, width)
    uniform = ones * ((1 << width) - 2)
    carries = ones << width
    closing, lost = 0, 0
    for value, probability in draws:
        if value <= 0 or probability <= 0:
            continue
        closing += value
        if probability >= 100:
            continue
        drawn = (rng.getrandbits(trials * width) & uniform) + _complement(
            probability, trials, width
        )
        lost += value * (drawn & carries)
    size = width // 8
    packed = (lost >> width).to_bytes(trials * size, "little")
    return [
        closing - int.from_bytes(packed[i : i + size], "little")
        for i in range(0, trials * size, size)
    ]


def quantile(sorted_totals: Sequence[int], q: float) -> int:
    """Nearest-rank quantile: the smallest total at or above a share q of trials."""
    rank = max(1, math.ceil(q * len(sorted_totals)))
    return sorted_totals[rank - 1]


def ranges(
    groups: Mapping[str, Sequence[Draw]], seed: int, trials: int = TRIALS
) -> tuple[dict[str, tuple[int, ...]], tuple[int, ...]]:
    """P10/P50/P90 in cents per group and for the groups' sum, trial by trial."""
    rng = random.Random(seed)
    per_group: dict[str, tuple[int, ...]] = {}
    total = [0] * trials
    for name, draws in groups.items():
        totals = simulate(draws, rng, trials)
        if any(totals):
            total = [a + b for a, b in zip(total, totals, strict=True)]
        ordered = sorted(totals)
        per_group[name] = tuple(quantile(ordered, q) for q in QUANTILES)
    ordered = sorted(total)
    return per_group, tuple(quantile(ordered, q) for q in QUANTILES)
