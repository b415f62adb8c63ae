"""Which essays CJ compares, in which waves.

The real CJ service sends comparisons in waves in which each essay appears at most once, balances
which essay is shown as A and which as B, and stops at a budget (MAX_PAIRWISE_COMPARISONS = 120;
huleedu-behaviour.md section 5). A round-robin schedule (the circle method) gives exactly that:
every round is a matching, and n - 1 rounds (n even) cover all n(n-1)/2 pairs::

    waves = comparison_waves(["e1", "e2", "e3", "e4"], max_comparisons=6)
    [len(w) for w in waves]                  # [2, 2, 2]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MAX_PAIRWISE_COMPARISONS = 120
"""The real CJ service's default budget of comparisons per batch."""


@dataclass(frozen=True)
class Pair:
    """Two essays to compare, in the order the judge sees them (A, then B)."""

    essay_a: str
    essay_b: str


def round_robin(essay_ids: Sequence[str]) -> list[list[Pair]]:
    """Every pair exactly once, in rounds where no essay appears twice, A/B sides balanced."""
    slots: list[str | None] = [*essay_ids, None] if len(essay_ids) % 2 else [*essay_ids]
    position = {essay: index for index, essay in enumerate(essay_ids)}
    rounds = []
    for _ in range(len(slots) - 1):
        pairs = [_oriented(slots[i], slots[-1 - i], position) for i in range(len(slots) // 2)]
        rounds.append([pair for pair in pairs if pair is not None])
        slots = [slots[0], slots[-1], *slots[1:-1]]
    return rounds


def _oriented(first: str | None, second: str | None, position: Mapping[str, int]) -> Pair | None:
    """The pair with its sides chosen so that each essay is A for half of its opponents."""
    if first is None or second is None:
        return None  # the bye of an odd-sized batch
    low, high = sorted((first, second), key=position.__getitem__)
    low_is_a = (position[low] + position[high]) % 2 == 1
    return Pair(low, high) if low_is_a else Pair(high, low)


def comparison_waves(
    essay_ids: Sequence[str],
    *,
    max_comparisons: int = MAX_PAIRWISE_COMPARISONS,
    wave_size: int | None = None,
) -> list[list[Pair]]:
    """The comparisons to send, wave by wave, at most ``max_comparisons`` in all.

    With ``wave_size`` None a wave is one round (each essay at most once, as the real service
    does); otherwise the same pairs, in the same order, in waves of ``wave_size``.
    """
    rounds = round_robin(essay_ids)
    pairs = [pair for wave in rounds for pair in wave][: max(max_comparisons, 0)]
    if wave_size is not None:
        size = max(wave_size, 1)
        return [pairs[start : start + size] for start in range(0, len(pairs), size)]
    waves, remaining = [], len(pairs)
    for wave in rounds:
        if remaining <= 0:
            break
        waves.append(wave[:remaining])
        remaining -= len(wave)
    return waves
