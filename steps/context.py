"""What one scenario owns: its batches, its pipeline requests, and what to undo when it ends.

The wire check, the scenario's report and every Then-step filter the wire by these ids, never by
"the latest message"::

    scenario = PipelineScenario("A GUEST batch is completed")
    scenario.add_batch(batch)
    scenario.add_request(PipelineRequest(batch.batch_id, "cj_assessment", correlation_id))
    scenario.request.correlation_id          # the latest request
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field

from harness.errors import ScenarioError


@dataclass(frozen=True)
class Deadlines:
    """How long steps wait (each wait polls and returns as soon as it can)."""

    message_s: float = 20.0
    """For a message on the wire, or a state BOS reports."""
    pipeline_s: float = 30.0
    """For a pipeline to complete (a phase timeout included)."""
    quiet_s: float = 0.5
    """How long the wire must stay quiet to show that something does NOT happen."""
    settle_s: float = 2.0
    """How long a contract violation may take to go away before it fails the scenario: the tap
    reads all topics at once and can record a consequence (a denial) before its cause."""


@dataclass(frozen=True)
class BatchUnderTest:
    """A batch BOS registered for this scenario."""

    batch_id: str
    registration_correlation_id: str
    essay_count: int
    batch_type: str
    """``GUEST`` (no class) or ``REGULAR`` (a class: its students are matched first)."""
    course_code: str
    class_id: str | None = None
    essay_ids: tuple[str, ...] = ()
    """The essay ids chosen for the registration (empty when BOS chose them)."""


@dataclass(frozen=True)
class PipelineRequest:
    """One ClientBatchPipelineRequestV1 this scenario published."""

    batch_id: str
    pipeline: str
    correlation_id: str
    is_retry: bool = False


@dataclass
class PipelineScenario:
    """The ids one scenario owns, and the changes to undo after it."""

    name: str
    batches: list[BatchUnderTest] = field(default_factory=list)
    requests: list[PipelineRequest] = field(default_factory=list)
    unregistered_batch_ids: list[str] = field(default_factory=list)
    """Batch ids made up for requests that must be refused."""
    essay_failures: dict[str, int] = field(default_factory=dict)
    """service id -> how many essays of the next registered batch it must fail."""
    cleanup: ExitStack = field(default_factory=ExitStack)

    def add_batch(self, batch: BatchUnderTest) -> BatchUnderTest:
        self.batches.append(batch)
        return batch

    def add_request(self, request: PipelineRequest) -> PipelineRequest:
        self.requests.append(request)
        return request

    def on_exit(self, undo: Callable[[], object]) -> None:
        """Run ``undo`` when the scenario ends (last registered, first run)."""
        self.cleanup.callback(undo)

    @property
    def batch_ids(self) -> list[str]:
        """Every batch id of the scenario, registered or made up."""
        return [b.batch_id for b in self.batches] + self.unregistered_batch_ids

    @property
    def correlation_ids(self) -> list[str]:
        """The registrations' and the requests' correlation ids."""
        return [b.registration_correlation_id for b in self.batches] + [
            r.correlation_id for r in self.requests
        ]

    @property
    def request(self) -> PipelineRequest:
        """The latest pipeline request ("the request" in a step)."""
        if not self.requests:
            raise ScenarioError(
                "this step needs a pipeline request, and the scenario has made none yet "
                '(e.g. When the client requests the "cj_assessment" pipeline)'
            )
        return self.requests[-1]

    def request_for(self, pipeline: str) -> PipelineRequest:
        """The latest request of ``pipeline``."""
        for request in reversed(self.requests):
            if request.pipeline == pipeline:
                return request
        made = ", ".join(r.pipeline for r in self.requests) or "none"
        raise ScenarioError(f"the scenario requested no {pipeline!r} pipeline (requests: {made})")
