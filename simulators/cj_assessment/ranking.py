"""Bradley-Terry scores from pairwise outcomes: how CJ turns comparisons into a ranking.

The real CJ service fits Bradley-Terry strengths to the LLM's judgements and ranks by them
(huleedu-behaviour.md section 5). This is the same idea, as pure functions::

    scores = bradley_terry(["a", "b", "c"], [Outcome("a", "b"), Outcome("a", "c")])
    [r.essay_id for r in rank(scores)]        # ['a', ...]: 'a' won every comparison
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    """One judged comparison: which essay won over which."""

    winner: str
    loser: str


@dataclass(frozen=True)
class RankedEssay:
    """An essay's place in the ranking, with its Bradley-Terry score rescaled to 0..1."""

    essay_id: str
    rank: int
    bt_score: float
    normalized_score: float


def bradley_terry(
    essay_ids: Sequence[str],
    outcomes: Sequence[Outcome],
    *,
    iterations: int = 200,
    prior: float = 0.5,
) -> dict[str, float]:
    """Log-strength of each essay (mean 0), fitted by Hunter's MM algorithm.

    Each essay also meets a virtual opponent of strength 1, winning ``prior`` of ``2 * prior``
    games against it, so that an essay that won (or lost) everything keeps a finite score.
    """
    wins = Counter(o.winner for o in outcomes)
    games = Counter(frozenset((o.winner, o.loser)) for o in outcomes)
    strength = dict.fromkeys(essay_ids, 1.0)
    for _ in range(iterations):
        strength = {
            essay: (wins[essay] + prior) / _expected_games(essay, strength, games, prior)
            for essay in essay_ids
        }
    logs = {essay: math.log(value) for essay, value in strength.items()}
    mean = sum(logs.values()) / len(logs) if logs else 0.0
    return {essay: value - mean for essay, value in logs.items()}


def _expected_games(
    essay: str,
    strength: Mapping[str, float],
    games: Mapping[frozenset[str], int],
    prior: float,
) -> float:
    """The MM denominator: games against each opponent, over the summed strengths."""
    own = strength[essay]
    total = 2 * prior / (own + 1.0)
    for pair, count in games.items():
        if essay in pair:
            (other,) = pair - {essay}
            total += count / (own + strength[other])
    return total


def rank(scores: Mapping[str, float]) -> list[RankedEssay]:
    """Essays best first (ties by essay id), with scores rescaled to 0..1 (0.5 when all equal)."""
    ordered = sorted(scores, key=lambda essay: (-scores[essay], essay))
    low, high = min(scores.values(), default=0.0), max(scores.values(), default=0.0)
    spread = high - low
    return [
        RankedEssay(
            essay_id=essay,
            rank=position,
            bt_score=scores[essay],
            normalized_score=(scores[essay] - low) / spread if spread > 1e-12 else 0.5,
        )
        for position, essay in enumerate(ordered, start=1)
    ]


_GRADE_FLOORS = (("A", 0.85), ("B", 0.7), ("C", 0.55), ("D", 0.4), ("E", 0.25))


def letter_grade(normalized_score: float) -> str:
    """A simple grade projection from the 0..1 score (the real one calibrates on anchors)."""
    for grade, floor in _GRADE_FLOORS:
        if normalized_score >= floor:
            return grade
    return "F"
