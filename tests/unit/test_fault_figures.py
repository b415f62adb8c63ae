"""The fault runner's judgement (bench/faults.py): a scenario fails on anything lost or
completed twice, and a killing scenario whose kills all came after the completion fails too,
since it proved nothing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

FAULTS = Path(__file__).resolve().parents[2] / "bench" / "faults.py"


@pytest.fixture(scope="module")
def faults() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_faults", FAULTS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_faults"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_a_clean_killing_scenario_passes_and_shows_its_window(faults: ModuleType) -> None:
    figures = faults.Figures("bos-killed", runs=2, completions=2, recoveries=[1.2, 0.8])
    figures.window = 2.34
    assert figures.failures() == []
    assert "recover p50 1.00 s, max 1.20 s (2 runs hit mid-pipeline)" in figures.line()
    assert "kills drawn over 2.3 s" in figures.line()


def test_lost_and_duplicated_completions_fail(faults: ModuleType) -> None:
    figures = faults.Figures("poison", runs=3, completions=3, lost=2, duplicates=1)
    assert figures.failures() == ["2 lost", "1 duplicate completions"]


def test_kills_that_all_came_after_the_completion_fail(faults: ModuleType) -> None:
    figures = faults.Figures("broker-killed", runs=1, completions=1)
    figures.window = 3.0
    assert figures.failures() == ["no kill hit a run mid-pipeline"]
    assert "recover -" in figures.line()
    unkilled = faults.Figures("redelivered", runs=5, completions=5)  # kills nothing
    assert unkilled.failures() == []


class _Victim:
    def __init__(self) -> None:
        self.strikes = 0
        self.heals = 0

    def strike(self) -> float:
        self.strikes += 1
        return 0.0

    def heal(self) -> None:
        self.heals += 1


def test_a_kill_after_the_completion_is_redone_once_per_victim(
    faults: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each run's kill is judged by whether a recovery was recorded; one that came after the
    completion gets another run, but a system whose kills always miss does not loop for ever,
    and a lost run (no completion) is counted, not redone."""
    # victim 1's run is lost; victim 2 misses, then hits; victim 3 misses until the redos
    # (one per victim, three in all) run out
    outcomes = iter(["lost", "miss", "hit", "miss", "miss", "miss"])

    def settle(run: object, figures: Any, batch_id: str, cid: str, killed: float) -> None:
        outcome = next(outcomes)
        if outcome == "lost":
            figures.lost += 1
            return
        figures.completions += 1
        if outcome == "hit":
            figures.recoveries.append(1.0)

    class Client:
        def register_batch(self, essay_count: int) -> object:
            return type("Batch", (), {"batch_id": "b"})()

        def wait_ready(self, batch_id: str, within_s: float) -> None:
            pass

        def request_pipeline(self, batch_id: str, pipeline: str) -> str:
            return "cid"

    monkeypatch.setattr(faults, "_kill_window", lambda run, client: 0.0)
    monkeypatch.setattr(faults, "_settle_run", settle)
    figures = faults.Figures("bos-killed")
    victims = [_Victim(), _Victim(), _Victim()]
    faults._kill_during_runs(None, Client(), victims, faults.random.Random(1), figures)
    assert figures.runs == 6 and len(figures.recoveries) == 1 and figures.lost == 1
    assert [v.strikes for v in victims] == [1, 2, 3] and [v.heals for v in victims] == [1, 2, 3]
    assert "3 kills came after the completion and were redone" in figures.notes
    assert figures.failures() == ["1 lost"]


def test_the_fuzz_line_fails_on_a_crash_a_disagreement_or_no_pipeline_after(
    faults: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    from collections import Counter

    from pipeline_system.fuzz import FuzzReport

    report = FuzzReport(
        sent=Counter({"clean": 5, "breaking": 3}),
        disagreements=["elsBatchPhaseOutcome: fast clean, explain breaking: b'{}'"],
        expected_set_aside=4,
        set_aside=3,
        missing=1,
        crashes=Counter({"huleedu.x.v1 KeyError": 2}),
        completed_after=False,
    )
    monkeypatch.setattr(faults, "fuzz_system", lambda contract, **_: report)
    figures = faults.fuzz(None, 8)
    assert figures.lost == 1 and figures.dead_letters == 3 and figures.completions == 0
    assert "8 payloads: 3 breaking, 5 clean" in figures.line()
    why = figures.failures()
    assert why[0] == "1 lost"
    assert any(w.startswith("paths disagree: elsBatchPhaseOutcome") for w in why)
    assert "handler crash x2: huleedu.x.v1 KeyError" in why
    assert "the pipeline after the fuzz did not complete" in why
    clean = FuzzReport(sent=Counter({"clean": 8}), completed_after=True)
    monkeypatch.setattr(faults, "fuzz_system", lambda contract, **_: clean)
    assert faults.fuzz(None, 8).failures() == []
