"""Comparison pairs and waves (pure functions)."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from simulators.cj_assessment.pairing import Pair, comparison_waves, round_robin

ESSAYS = [f"e{i}" for i in range(7)]


def unordered(waves: list[list[Pair]]) -> list[frozenset[str]]:
    return [frozenset((p.essay_a, p.essay_b)) for wave in waves for p in wave]


@pytest.mark.parametrize("count", [2, 3, 6, 7])
def test_a_round_robin_compares_every_pair_exactly_once(count: int) -> None:
    essays = ESSAYS[:count]

    pairs = unordered(round_robin(essays))

    assert sorted(map(sorted, pairs)) == sorted(map(sorted, itertools.combinations(essays, 2)))


def test_no_essay_appears_twice_in_a_round() -> None:
    for wave in round_robin(ESSAYS):
        essays = [e for pair in wave for e in (pair.essay_a, pair.essay_b)]
        assert len(essays) == len(set(essays))


def test_each_essay_is_shown_as_a_and_as_b_about_equally_often() -> None:
    rounds = round_robin(ESSAYS[:6])
    as_a = Counter(p.essay_a for wave in rounds for p in wave)
    as_b = Counter(p.essay_b for wave in rounds for p in wave)

    assert all(abs(as_a[e] - as_b[e]) <= 1 for e in ESSAYS[:6])


def test_the_budget_caps_the_comparisons() -> None:
    waves = comparison_waves(ESSAYS, max_comparisons=8)

    assert sum(map(len, waves)) == 8
    assert [len(w) for w in waves] == [3, 3, 2]


def test_a_wave_size_regroups_the_same_pairs() -> None:
    default = comparison_waves(ESSAYS[:4])
    regrouped = comparison_waves(ESSAYS[:4], wave_size=4)

    assert [len(w) for w in regrouped] == [4, 2]
    assert unordered(regrouped) == unordered(default)


def test_fewer_than_two_essays_need_no_comparison() -> None:
    assert comparison_waves(ESSAYS[:1]) == []
    assert comparison_waves([]) == []
