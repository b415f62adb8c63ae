"""ELS runs a phase again when BOS commands it again (a retry): a new round, a new outcome.

The state machine decides which essays may enter (huleedu-behaviour.md 4.2: CJ cannot start from
cj_assessment_success, but can from nlp_success); a round that some essays entered gets its own
outcome, under the new command's correlation id.
"""

from __future__ import annotations

import pytest

from harness.contract import Contract
from harness.envelope import new_id
from simulators.els import ELSSimulator, EssayStatus
from tests.unit.simulators import els_script as script
from tests.unit.simulators.conftest import RecordingBus, deliver
from tests.unit.simulators.test_els import cj_started, outcomes, ready


@pytest.fixture
def els(contract: Contract, recording_bus: RecordingBus) -> ELSSimulator:
    return ELSSimulator(contract, recording_bus)


def test_a_retry_after_nlp_runs_cj_again_and_reports_a_second_outcome(
    els: ELSSimulator, recording_bus: RecordingBus
) -> None:
    batch = ready(els, 2)
    essays = [(i, f"corrected-{i}") for i in cj_started(els, recording_bus, batch)]
    done = script.cj_completed(batch, batch.essay_ids, [])
    deliver(els, "cjAssessmentCompleted", done, correlation_id=batch.pipeline_correlation)
    nlp = new_id()
    deliver(
        els,
        "batchServiceNlpInitiateCommandData",
        script.nlp_command(batch, essays),
        correlation_id=nlp,
    )
    deliver(
        els,
        "batchNlpAnalysisCompleted",
        script.nlp_completed(batch, batch.essay_ids, []),
        correlation_id=nlp,
    )
    retry = new_id()
    deliver(
        els,
        "batchServiceCjAssessmentInitiateCommandData",
        script.cj_command(batch, essays),
        correlation_id=retry,
    )
    assert len(recording_bus.sent("elsCjAssessmentRequest")) == 2
    deliver(els, "cjAssessmentCompleted", done, correlation_id=retry)
    first, second = outcomes(recording_bus, batch, "cj_assessment")
    assert first["correlation_id"] == batch.pipeline_correlation
    assert (second["correlation_id"], second["data"]["phase_status"]) == (
        retry,
        "completed_successfully",
    )
    assert {els.essay_status(i) for i in batch.essay_ids} == {EssayStatus.CJ_ASSESSMENT_SUCCESS}


def test_a_cj_command_no_essay_can_enter_changes_nothing(
    els: ELSSimulator, recording_bus: RecordingBus
) -> None:
    batch = ready(els, 2)
    essays = [(i, f"corrected-{i}") for i in cj_started(els, recording_bus, batch)]
    done = script.cj_completed(batch, batch.essay_ids, [])
    deliver(els, "cjAssessmentCompleted", done, correlation_id=batch.pipeline_correlation)
    retry = new_id()  # straight after CJ: the state machine refuses every essay (4.2)
    deliver(
        els,
        "batchServiceCjAssessmentInitiateCommandData",
        script.cj_command(batch, essays),
        correlation_id=retry,
    )
    deliver(els, "cjAssessmentCompleted", done, correlation_id=retry)
    assert len(recording_bus.sent("elsCjAssessmentRequest")) == 1
    assert len(outcomes(recording_bus, batch, "cj_assessment")) == 1
