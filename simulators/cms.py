"""CMSSimulator: Class Management confirming the NLP matcher's student suggestions.

On BatchAuthorMatchesSuggestedV1 (from NLP) it stores the suggestions and, after
``confirmation_delay_s``, publishes StudentAssociationsConfirmedV1 to ELS and BOS
(huleedu-contracts.md 5.10-5.11). The real CMS waits for a teacher to confirm over HTTP, or for a
24-hour timeout; here the confirmation comes by itself, each essay given its best suggestion. The
delay runs on a timer, never on the consumer thread, and ``stop()`` cancels pending timers. It
also serves the class roster the real NLP service reads over HTTP (getClassRoster)::

    cms = CMSSimulator(contract, bus, CMSBehaviour(confirmation_delay_s=2.0))
    cms.start()
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from harness.bus import Bus
from harness.contract import Contract
from harness.envelope import Envelope, new_id, utc_now
from harness.http_app import HttpProblem, HttpReply, HttpRequest, RequestHandler
from harness.service import EnvelopeHandler
from simulators.base import Behaviour, Simulator
from simulators.roster import class_roster, roster_entry

SIMULATED_TEACHER = "simulated-teacher"
SYSTEM_TIMEOUT = "SYSTEM_TIMEOUT"
"""What the real timeout path writes as validated_by."""


@dataclass(frozen=True)
class CMSBehaviour(Behaviour):
    """The common knobs, plus when and how the suggestions get confirmed.

    ``essay_failure_rate``: a failing essay's association is rejected (no student).
    ``service_failure``: nothing is stored, so nothing is ever confirmed (the batch waits).
    """

    confirmation_delay_s: float = 0.0
    """Seconds between the suggestions and their confirmation (the real one: a teacher, or 24 h)."""
    confirm_by_timeout: bool = False
    """Confirm as the real 24 h timeout does (method timeout, SYSTEM_TIMEOUT, a new correlation
    id) rather than as a teacher (method human, the suggestions' correlation id)."""
    roster_size: int = 30
    """How many students ``GET /v1/classes/{class_id}/roster`` lists for any class."""


class CMSSimulator(Simulator):
    """Stores the suggested authors of a batch and confirms them after a delay."""

    service_id = "cms"
    consumes = ("batchAuthorMatchesSuggested",)
    behaviour_type = CMSBehaviour
    produces = ("studentAssociationsConfirmed",)
    serves = ("getClassRoster",)
    behaviour: CMSBehaviour

    def __init__(self, contract: Contract, bus: Bus, behaviour: CMSBehaviour | None = None) -> None:
        super().__init__(contract, bus, behaviour)
        self._lock = threading.Lock()
        self._suggestions: dict[str, Envelope] = {}
        self._timers: dict[str, threading.Timer] = {}

    def routes(self) -> Mapping[str, EnvelopeHandler]:
        return {"batchAuthorMatchesSuggested": self.on_author_matches_suggested}

    def http_handlers(self) -> Mapping[str, RequestHandler]:
        return {"getClassRoster": self.on_roster_request}

    def on_roster_request(self, request: HttpRequest) -> HttpReply:
        """The students of a class (the same ones NLP's simulated matcher suggests)."""
        if self.behaviour.service_failure:
            raise HttpProblem(500, "SERVICE_UNAVAILABLE", "the class roster is unavailable")
        students = class_roster(request.params["class_id"], self.behaviour.roster_size)
        return HttpReply(200, {"students": [roster_entry(s) for s in students]})

    def on_author_matches_suggested(self, envelope: Envelope) -> None:
        batch_id = envelope.data["batch_id"]
        if self.behaviour.service_failure:
            return  # nothing stored: no confirmation will ever come
        with self._lock:
            if batch_id in self._suggestions:
                return  # already stored (a redelivery): one confirmation per batch
            self._suggestions[batch_id] = envelope
            delay = self.behaviour.confirmation_delay_s
            if delay > 0:
                self._timers[batch_id] = timer = threading.Timer(delay, self._confirm, (batch_id,))
                timer.daemon = True
                timer.start()
                return
        self._confirm(batch_id)

    @property
    def pending_confirmations(self) -> set[str]:
        """The batches whose confirmation is still waiting out its delay."""
        with self._lock:
            return set(self._timers)

    def stop(self) -> None:
        super().stop()
        with self._lock:
            pending, self._timers = list(self._timers.values()), {}
        for timer in pending:
            timer.cancel()

    def _confirm(self, batch_id: str) -> None:
        with self._lock:
            self._timers.pop(batch_id, None)
            suggested = self._suggestions[batch_id]
        by_timeout = self.behaviour.confirm_by_timeout
        data = self._confirmation(suggested.data, by_timeout=by_timeout)
        # contracts sheet 0.12: the teacher's HTTP correlation id, or a new one on timeout
        correlation_id = new_id() if by_timeout else suggested.correlation_id
        metadata = {"batch_id": batch_id, "class_id": data["class_id"], "partition_key": batch_id}
        self.emit(
            "studentAssociationsConfirmed", data, correlation_id=correlation_id, metadata=metadata
        )

    def _confirmation(self, suggested: Mapping[str, Any], *, by_timeout: bool) -> dict[str, Any]:
        """StudentAssociationsConfirmedV1 (5.11): each essay's best suggestion, or none."""
        associations = [
            self._association(r, by_timeout=by_timeout) for r in suggested["match_results"]
        ]
        confirmed = sum(1 for a in associations if a["student_id"] is not None)
        return {
            "event_name": "student.associations.confirmed",
            "entity_id": None,  # 5.11: the real CMS leaves both unset
            "entity_type": None,
            "parent_id": None,
            "timestamp": utc_now(),
            "batch_id": suggested["batch_id"],
            "class_id": suggested["class_id"],
            "course_code": suggested["course_code"],
            "associations": associations,
            "timeout_triggered": by_timeout,
            "validation_summary": {
                "total_associations": len(associations),
                "confirmed": confirmed,
                "rejected": len(associations) - confirmed,
            },
        }

    def _association(self, match: Mapping[str, Any], *, by_timeout: bool) -> dict[str, Any]:
        suggestions = [] if self.essay_fails(match["essay_id"]) else match.get("suggestions", [])
        best = max(suggestions, key=lambda s: s["confidence_score"], default=None)
        return {
            "essay_id": match["essay_id"],
            "student_id": best["student_id"] if best else None,
            "confidence_score": best["confidence_score"] if best else 0.0,
            "validation_method": "timeout" if by_timeout else "human",
            "validated_by": SYSTEM_TIMEOUT if by_timeout else SIMULATED_TEACHER,
            "validated_at": utc_now(),
        }
