"""What the BOS decision core reacts to, and what it answers.

Messages from the bus arrive as ``Received``; things that are not messages are internal events
(a registration over HTTP, BCS's answer to a resolution, a clock tick), so the core stays pure:
the runner turns I/O into events and carries out the ``Decision``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from harness.service import Outgoing
from reference_impl.batch_state import BatchState, Registration
from reference_impl.resolution import PipelineDefinitionRequest


@dataclass(frozen=True)
class Received:
    """A message consumed from ``channel_id`` (already validated against the contract)."""

    channel_id: str
    data: Mapping[str, Any]
    correlation_id: str
    event_id: str
    at: float

    @property
    def batch_id(self) -> str:
        return str(self.data["batch_id"])


@dataclass(frozen=True)
class BatchRegistered:
    """``POST /v1/batches/register`` was accepted; the runner chose the ids."""

    batch_id: str
    correlation_id: str
    registration: Registration
    essay_ids: tuple[str, ...]
    at: float


@dataclass(frozen=True)
class PipelineResolved:
    """BCS answered 200: run ``final_pipeline`` (empty when every phase was already done)."""

    batch_id: str
    correlation_id: str
    final_pipeline: tuple[str, ...]
    at: float
    summary: str | None = None


@dataclass(frozen=True)
class PipelineResolutionFailed:
    """BCS refused (``reason`` is its short code) or could not be asked; or Entitlements
    denied the credits the resolved pipeline costs (``insufficient_credits``, ...)."""

    batch_id: str
    correlation_id: str
    reason: str
    detail: str
    at: float
    required_credits: int = 0
    available_credits: int = 0


@dataclass(frozen=True)
class ClockTick:
    """Time has passed for a batch that asked for a tick; ``resume`` after a restart."""

    batch_id: str
    at: float
    resume: bool = False


Event = Received | BatchRegistered | PipelineResolved | PipelineResolutionFailed | ClockTick


@dataclass(frozen=True)
class Decision:
    """The core's answer: the new state, the messages to publish, and a BCS call to make."""

    state: BatchState | None
    outgoing: tuple[Outgoing, ...] = ()
    resolve: PipelineDefinitionRequest | None = None
    note: str = ""
    """Why, in a few words, for the log (e.g. "duplicate outcome ignored")."""


@dataclass(frozen=True)
class Rules:
    """The knobs of the decisions (from OrchestratorConfig)."""

    phase_timeout_s: float = 300.0
    resolution_retry_s: float = 30.0
    history_limit: int = 20


def unchanged(state: BatchState | None, note: str) -> Decision:
    """Nothing to do (a duplicate, a stale or an irrelevant event), and why."""
    return Decision(state, note=note)
