"""ELSSimulator: the Essay Lifecycle Service on the bus, around the decisions of this package.

The routing table below maps every channel the contract gives ELS to its decision
(``(ledger, envelope) -> [Outgoing]``, no I/O); the simulator runs each under a lock, skips an
envelope it has handled already (same event_id), and publishes what the decision says::

    els = ELSSimulator(contract, bus)
    els.start()
    els.essay_status(essay_id)        # EssayStatus.SPELLCHECKED_SUCCESS, ... (None if unknown)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from harness.bus import Bus
from harness.contract import Contract
from harness.envelope import Envelope
from harness.service import EnvelopeHandler, Outgoing
from simulators.base import Behaviour, Simulator
from simulators.els import phases, provisioning
from simulators.els.lifecycle import EssayStatus
from simulators.els.records import Ledger

LedgerHandler = Callable[[Ledger, Envelope], list[Outgoing]]

ROUTES: Mapping[str, LedgerHandler] = MappingProxyType(
    {
        "batchEssaysRegistered": provisioning.on_batch_registered,
        "essayContentProvisioned": provisioning.on_content_provisioned,
        "essayValidationFailed": provisioning.on_validation_failed,
        "batchServiceStudentMatchingInitiateCommandData": (
            provisioning.on_student_matching_command
        ),
        "studentAssociationsConfirmed": provisioning.on_associations_confirmed,
        "batchServiceSpellcheckInitiateCommandData": phases.on_spellcheck_command,
        "spellcheckPhaseCompleted": phases.on_spellcheck_result,
        "batchServiceCjAssessmentInitiateCommandData": phases.on_cj_assessment_command,
        "cjAssessmentCompleted": phases.on_cj_assessment_completed,
        "cjAssessmentFailed": phases.on_cj_assessment_failed,
        "batchServiceNlpInitiateCommandData": phases.on_nlp_command,
        "batchNlpAnalysisCompleted": phases.on_nlp_completed,
    }
)


@dataclass(frozen=True)
class ELSBehaviour(Behaviour):
    """The common knobs. ELS does no per-essay work of its own, so ``essay_failure_rate`` and
    ``service_failure`` change nothing here; failures come from the services' results."""


class ELSSimulator(Simulator):
    """Essay records per batch, their state machine, and one outcome per phase."""

    service_id = "els"
    consumes = tuple(ROUTES)
    behaviour_type = ELSBehaviour
    produces = (
        "essaySlotAssigned",
        "batchContentProvisioningCompleted",
        "batchStudentMatchingRequested",
        "batchEssaysReady",
        "essayLifecycleSpellcheckRequest",
        "elsCjAssessmentRequest",
        "batchNlpProcessingRequested",
        "elsBatchPhaseOutcome",
    )
    behaviour: ELSBehaviour
    persisted = ("ledger", "_handled")

    def __init__(self, contract: Contract, bus: Bus, behaviour: ELSBehaviour | None = None) -> None:
        super().__init__(contract, bus, behaviour)
        self.ledger = Ledger()
        self._handled: set[str] = set()

    def routes(self) -> Mapping[str, EnvelopeHandler]:
        return {channel_id: self._deciding(decide) for channel_id, decide in ROUTES.items()}

    def essay_status(self, essay_id: str) -> EssayStatus | None:
        """The essay's current status (None while unknown or its slot is empty)."""
        with self._lock:
            batch = self.ledger.batch_of_essay(essay_id)
            return batch.essays[essay_id].status if batch else None

    def _deciding(self, decide: LedgerHandler) -> EnvelopeHandler:
        def handle(envelope: Envelope) -> None:
            with self._lock:
                if envelope.event_id in self._handled:
                    return  # a redelivery of an envelope already handled
                self._handled.add(envelope.event_id)
                outgoing = decide(self.ledger, envelope)
            for message in outgoing:
                self.emit(
                    message.channel_id,
                    message.data,
                    correlation_id=message.correlation_id,
                    metadata=message.metadata,
                )

        return handle
