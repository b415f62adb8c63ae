"""LLMProviderSimulator: the judge's rule, the prompt it reads, and its answers on the bus."""

from __future__ import annotations

import random
from typing import Any

import pytest

from harness.contract import Contract
from harness.envelope import new_id
from harness.expectations import Expectations
from harness.memory_bus import InMemoryBus
from simulators.cj_assessment.messages import comparison_prompt
from simulators.llm_provider import (
    LLMProviderBehaviour,
    LLMProviderSimulator,
    essays_in_prompt,
    judge,
)
from simulators.spellcheck import Spellchecker, SpellingDictionary
from tests.unit.simulators.conftest import Runner, ScriptedSender, message_violations

WORDS = "the cat sat on a mat and dog ran far away from big red house because it was late"
SPELLCHECKER = Spellchecker([SpellingDictionary("en", tuple(WORDS.split()), {"teh": "the"})])
RICH = "The cat sat on a mat.\n\nThe big red dog ran far away from the house because it was late."
PLAIN = "The cat sat on the mat. The cat sat."
MISSPELLED = "Teh cat sat on teh mat. Teh dog ran far away from teh big red house."


def test_the_richer_essay_wins_on_either_side() -> None:
    assert judge(RICH, PLAIN, SPELLCHECKER).winner == "Essay A"
    assert judge(PLAIN, RICH, SPELLCHECKER).winner == "Essay B"


def test_misspellings_cost_an_essay_its_vocabulary_lead() -> None:
    assert judge(MISSPELLED, PLAIN, SPELLCHECKER).winner == "Essay B"


def test_a_tie_goes_to_the_same_text_whichever_side_it_is_on() -> None:
    twin_a, twin_b = "The cat sat on a mat.", "A cat sat on the mat."

    first, second = judge(twin_a, twin_b, SPELLCHECKER), judge(twin_b, twin_a, SPELLCHECKER)

    assert {first.winner, second.winner} == {"Essay A", "Essay B"}
    assert first.confidence == second.confidence == 3.0


def test_confidence_is_on_the_real_one_to_five_scale() -> None:
    verdict = judge(RICH, "Cat.", SPELLCHECKER)

    assert 3.0 < verdict.confidence <= 5.0
    assert len(verdict.justification) <= 500


def test_the_essays_come_back_out_of_cj_s_prompt() -> None:
    prompt = comparison_prompt("essay-1", RICH, "essay-2", PLAIN + "\n")

    essay_a, essay_b = essays_in_prompt(prompt) or pytest.fail("no essays found")

    assert (essay_a.essay_id, essay_a.text) == ("essay-1", RICH)
    assert (essay_b.essay_id, essay_b.text) == ("essay-2", PLAIN + "\n")


def test_a_prompt_without_two_essays_has_none() -> None:
    assert essays_in_prompt("Which essay is better?") is None


# -- on the bus -------------------------------------------------------------------------------


@pytest.fixture
def provider_for(contract: Contract, memory_bus: InMemoryBus, running: Runner) -> Any:
    def start(**knobs: Any) -> LLMProviderSimulator:
        behaviour = LLMProviderBehaviour(**knobs)
        return running(
            LLMProviderSimulator(contract, memory_bus, behaviour, spellchecker=SPELLCHECKER)
        )

    return start


def ask(send: ScriptedSender, prompt: str | None = None, **metadata: Any) -> str:
    """CJ's request for one comparison; returns its (new) correlation id."""
    correlation_id = new_id()
    data = {
        "user_prompt": prompt or comparison_prompt("essay-a", RICH, "essay-b", PLAIN),
        "callback_topic": "huleedu.llm_provider.comparison_result.v1",
        "llm_config_overrides": {"provider_override": "openai", "model_override": "gpt-5.1"},
        "correlation_id": correlation_id,
        "metadata": {"essay_a_id": "essay-a", "essay_b_id": "essay-b", "bos_batch_id": "batch-1"}
        | metadata,
    }
    send("llmComparisonRequest", data, correlation_id=correlation_id)
    return correlation_id


def test_the_answer_carries_the_comparison_s_own_correlation_id(
    provider_for: Any, send: ScriptedSender, wire: Expectations
) -> None:
    provider_for()

    correlation_id = ask(send)

    result = wire.expect("llmComparisonResult", correlation_id=correlation_id, within_s=5)
    assert result.data["correlation_id"] == correlation_id
    assert result.key == correlation_id
    assert result.data["winner"] == "Essay A"
    assert result.data["error_detail"] is None
    assert result.data["request_metadata"]["essay_a_id"] == "essay-a"
    assert len(result.data["request_metadata"]["prompt_sha256"]) == 64
    assert result.batch_id == "batch-1"
    assert message_violations(wire) == []


@pytest.mark.parametrize(
    ("knobs", "error_code"),
    [
        ({"error_rate": 1.0}, "LLM_PROVIDER_API_ERROR"),
        ({"service_failure": True}, "LLM_PROVIDER_UNAVAILABLE"),
        ({"essay_failure_rate": 1.0}, "LLM_CONTENT_TOO_LONG"),
    ],
)
def test_a_failing_comparison_is_answered_with_an_error_detail(
    provider_for: Any,
    send: ScriptedSender,
    wire: Expectations,
    knobs: dict[str, Any],
    error_code: str,
) -> None:
    provider_for(**knobs)

    correlation_id = ask(send)

    result = wire.expect("llmComparisonResult", correlation_id=correlation_id, within_s=5)
    assert result.data["winner"] is None
    assert result.data["error_detail"]["error_code"] == error_code
    assert result.data["error_detail"]["correlation_id"] == correlation_id
    assert message_violations(wire) == []


def test_a_prompt_without_essays_is_an_invalid_prompt(
    provider_for: Any, send: ScriptedSender, wire: Expectations
) -> None:
    provider_for()

    correlation_id = ask(send, prompt="Which one is better?")

    result = wire.expect("llmComparisonResult", correlation_id=correlation_id, within_s=5)
    assert result.data["error_detail"]["error_code"] == "LLM_INVALID_PROMPT"


def test_the_error_rate_is_decided_by_seed_and_correlation_id(
    provider_for: Any, send: ScriptedSender, wire: Expectations
) -> None:
    provider_for(error_rate=0.5, seed=11)

    asked = [ask(send) for _ in range(20)]

    wire.expect("llmComparisonResult", count=len(asked), within_s=5)
    errored = {
        m.correlation_id for m in wire.copies("llmComparisonResult") if m.data["winner"] is None
    }
    assert errored == {c for c in asked if random.Random(f"11:{c}").random() < 0.5}


def test_duplicate_outputs_answer_twice(
    provider_for: Any, send: ScriptedSender, wire: Expectations
) -> None:
    provider_for(duplicate_outputs=True)

    correlation_id = ask(send)

    wire.expect_copies("llmComparisonResult", correlation_id=correlation_id, count=2, within_s=5)


def test_a_hung_provider_never_answers(
    provider_for: Any, send: ScriptedSender, wire: Expectations
) -> None:
    provider_for(hang=True)

    correlation_id = ask(send)

    wire.expect_none("llmComparisonResult", correlation_id=correlation_id, for_s=0.2)


def test_broken_output_puts_a_contract_breaking_answer_on_the_wire(
    provider_for: Any, send: ScriptedSender, wire: Expectations
) -> None:
    provider_for(broken_output=True)

    correlation_id = ask(send)

    wire.expect("llmComparisonResult", correlation_id=correlation_id, within_s=5)
    assert message_violations(wire, correlation_id=correlation_id)
