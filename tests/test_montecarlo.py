"""The seeded Monte Carlo: exact in distribution, deterministic, ordered."""

from __future__ import annotations

import random

import pytest

from crmgen.montecarlo import quantile, ranges, seed_for, simulate


def test_each_deal_closes_with_its_probability() -> None:
    rng = random.Random(7)
    for probability in (1, 37, 99):
        totals = simulate([(1, probability)] * 50, rng, trials=10_000)
        share = sum(totals) / (50 * 10_000)
        # 500,000 draws: the standard error is below 0.0007.
        assert abs(share - probability / 100) < 0.003, (probability, share)


def test_certain_and_impossible_deals() -> None:
    totals = simulate([(250, 100), (999, 0), (0, 50)], random.Random(1), trials=100)
    assert totals == [250] * 100


def test_same_seed_same_result_and_quantiles_are_ordered() -> None:
    groups = {"2026-01": [(1000, 30), (2000, 70)], "2026-02": [(500, 50)] * 10}
    first = ranges(groups, seed_for("x"))
    assert first == ranges(groups, seed_for("x"))
    for p10, p50, p90 in [*first[0].values(), first[1]]:
        assert p10 <= p50 <= p90


def test_many_small_deals_centre_on_the_weighted_sum() -> None:
    # 400 deals of 10.00 at 50 %: weighted 2,000.00; the count closed is
    # binomial(400, 0.5), standard deviation 10 deals = 100.00.
    per_group, total = ranges({"m": [(1000, 50)] * 400}, seed=3)
    p10, p50, p90 = (value / 100 for value in total)
    assert per_group["m"] == total
    assert abs(p50 - 2000) <= 30
    assert 1800 <= p10 <= 1950
    assert 2050 <= p90 <= 2200


def test_quantile_is_nearest_rank() -> None:
    ordered = list(range(1, 11))
    assert [quantile(ordered, q) for q in (0.1, 0.5, 0.9)] == [1, 5, 9]


@pytest.mark.parametrize("big", [2**20, 2**40, 2**62, 2**70])
def test_every_trial_total_is_a_sum_of_closing_deals(big: int) -> None:
    # Field widths from 40 to 80 bits: each trial reads back whole, never a
    # neighbour's bits.
    totals = simulate([(big, 50), (3, 100), (5, 50)], random.Random(2), trials=2_000)
    assert set(totals) == {3, 8, big + 3, big + 8}
    assert 800 <= sum(t >= big for t in totals) <= 1200


def test_deals_of_equal_value_are_drawn_apart() -> None:
    # Two deals of 1.00 at 50 %: 0, 1 or 2 close, a quarter, half and a quarter.
    totals = simulate([(100, 50), (100, 50)], random.Random(4), trials=10_000)
    shares = [totals.count(n) / 10_000 for n in (0, 100, 200)]
    assert all(
        abs(s - e) < 0.03 for s, e in zip(shares, (0.25, 0.5, 0.25), strict=True)
    )


def test_two_deals_sharing_a_random_number_are_independent() -> None:
    # 1.00 at 30 % and 2.00 at 70 %, drawn from the two halves of one number.
    totals = simulate([(100, 30), (200, 70)], random.Random(8), trials=100_000)
    shares = [totals.count(n) / 100_000 for n in (0, 100, 200, 300)]
    expected = (0.7 * 0.3, 0.3 * 0.3, 0.7 * 0.7, 0.3 * 0.7)
    # Standard errors are below 0.0016.
    assert all(abs(s - e) < 0.008 for s, e in zip(shares, expected, strict=True))
