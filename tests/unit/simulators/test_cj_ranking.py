"""Bradley-Terry scores and the ranking built from them (pure functions)."""

from __future__ import annotations

import itertools

import pytest

from simulators.cj_assessment.ranking import Outcome, bradley_terry, letter_grade, rank


def round_robin_won_by_order(order: list[str]) -> list[Outcome]:
    """Every pair once, the earlier essay of ``order`` always winning."""
    return [Outcome(a, b) for a, b in itertools.combinations(order, 2)]


def test_the_essay_that_wins_every_comparison_ranks_first() -> None:
    outcomes = [Outcome("c", "a"), Outcome("c", "b"), Outcome("a", "b"), Outcome("b", "a")]

    ranking = rank(bradley_terry(["a", "b", "c"], outcomes))

    assert ranking[0].essay_id == "c"
    assert ranking[0].rank == 1
    assert ranking[0].normalized_score == 1.0


def test_a_consistent_order_of_wins_is_reproduced_exactly() -> None:
    order = ["e4", "e1", "e5", "e2", "e3"]

    ranking = rank(bradley_terry(sorted(order), round_robin_won_by_order(order)))

    assert [r.essay_id for r in ranking] == order
    assert [r.rank for r in ranking] == [1, 2, 3, 4, 5]
    assert ranking[-1].normalized_score == 0.0


def test_scores_are_finite_centred_log_strengths() -> None:
    scores = bradley_terry(["a", "b"], [Outcome("a", "b")] * 5)

    assert scores["a"] > 0 > scores["b"]
    assert scores["a"] + scores["b"] == pytest.approx(0.0)


def test_equal_records_give_equal_scores_and_ties_rank_by_essay_id() -> None:
    scores = bradley_terry(["b", "a"], [Outcome("a", "b"), Outcome("b", "a")])

    assert scores["a"] == pytest.approx(scores["b"])
    ranking = rank(scores)
    assert [r.essay_id for r in ranking] == ["a", "b"]
    assert {r.normalized_score for r in ranking} == {0.5}


def test_an_essay_never_compared_sits_at_the_average() -> None:
    scores = bradley_terry(["a", "b", "lonely"], [Outcome("a", "b")])

    assert scores["a"] > scores["lonely"] > scores["b"]


def test_letter_grades_follow_the_normalized_score() -> None:
    assert [letter_grade(s) for s in (1.0, 0.75, 0.6, 0.45, 0.3, 0.0)] == list("ABCDEF")
