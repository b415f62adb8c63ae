"""What ELS remembers: essay records per batch, the batch tracker, content waiting for a batch.

Plain mutable records, changed only by the decisions in ``provisioning`` and ``phases`` (under
the simulator's lock). Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from simulators.els.lifecycle import EssayStatus, Phase


@dataclass(frozen=True)
class Content:
    """One provisioned file: what EssayContentProvisionedV1 says about it."""

    file_upload_id: str
    original_file_name: str
    text_storage_id: str


@dataclass
class EssayRecord:
    """One essay slot of a batch and, once content is assigned, its lifecycle."""

    essay_id: str
    batch_id: str
    status: EssayStatus | None = None
    """None while the slot waits for content."""
    content: Content | None = None
    phase_texts: dict[str, str] = field(default_factory=dict)
    """Per phase, the text id the phase works on (from the command) or produced (spellcheck)."""
    commanded_phases: list[str] = field(default_factory=list)

    def reference(self, text_storage_id: str | None = None) -> dict[str, Any]:
        """This essay as an EssayProcessingInputRefV1."""
        original = self.content.text_storage_id if self.content else ""
        return {"essay_id": self.essay_id, "text_storage_id": text_storage_id or original}


@dataclass
class BatchRecord:
    """The batch tracker of one registered batch (BatchEssaysRegistered), and its essays."""

    batch_id: str
    registration: Mapping[str, Any]
    registration_correlation_id: str
    essays: dict[str, EssayRecord]
    failed_uploads: set[str] = field(default_factory=set)
    provisioning_completed: bool = False
    matching_requested: bool = False
    essays_ready_sent: bool = False
    phase_correlations: dict[str, str] = field(default_factory=dict)
    """Per phase, the correlation id of BOS's command: every answer goes out under it."""
    outcomes_sent: set[str] = field(default_factory=set)

    @property
    def is_regular(self) -> bool:
        """REGULAR batches have a class (student matching runs); GUEST ones do not."""
        return self.registration.get("class_id") is not None

    @property
    def expected_count(self) -> int:
        return int(self.registration["expected_essay_count"])

    def ready_essays(self) -> list[EssayRecord]:
        """The essays with content assigned, in registration order."""
        return [e for e in self.essays.values() if e.content is not None]

    def free_slot(self) -> EssayRecord | None:
        return next((e for e in self.essays.values() if e.content is None), None)

    def holds_upload(self, file_upload_id: str) -> bool:
        assigned = {e.content.file_upload_id for e in self.ready_essays() if e.content}
        return file_upload_id in assigned or file_upload_id in self.failed_uploads

    def accounted_for(self) -> int:
        """Slots filled, plus files that failed validation."""
        return len(self.ready_essays()) + len(self.failed_uploads)

    def members_of(self, phase: Phase) -> list[EssayRecord]:
        """The essays commanded into ``phase`` (they decide its outcome)."""
        return [e for e in self.essays.values() if phase.name in e.commanded_phases]


@dataclass
class Ledger:
    """Every batch ELS tracks, and content or failures that came before their registration."""

    batches: dict[str, BatchRecord] = field(default_factory=dict)
    pending_content: dict[str, list[Content]] = field(default_factory=dict)
    pending_failures: dict[str, set[str]] = field(default_factory=dict)

    def batch_of_essay(self, essay_id: str) -> BatchRecord | None:
        return next((b for b in self.batches.values() if essay_id in b.essays), None)

    def essays(self, batch_id: str, essay_ids: Iterable[str]) -> Iterator[EssayRecord]:
        """The records of ``essay_ids`` known in ``batch_id`` (unknown ids are left out)."""
        batch = self.batches.get(batch_id)
        for essay_id in essay_ids:
            if batch is not None and essay_id in batch.essays:
                yield batch.essays[essay_id]
