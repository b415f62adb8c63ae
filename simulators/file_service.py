"""FileServiceSimulator: provisions essay content for every registered batch.

The real File Service extracts the text of each uploaded file, stores it in the Content Service
and tells ELS (contracts 4.1 step 3, 5.3, 5.4). Here there is no upload: on BatchEssaysRegistered
the simulator "uploads" one file per essay slot, drawn from the corpus, stores the raw file and
its text in the ContentStore, and publishes EssayContentProvisionedV1, or EssayValidationFailedV1
for the files the behaviour marks invalid. Both carry the registration's correlation id::

    files = FileServiceSimulator(contract, bus, FileBehaviour(language="sv", invalid_essays=1),
                                 content=store, content_port=0)
    files.start()
    files.content_url          # the store over HTTP, for simulators in other processes

Texts are drawn by the seed alone, so every batch of n essays gets the same n texts for one seed
and a run replays; which files fail is decided by seed and position in the batch.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.bus import Bus
from harness.contract import Contract
from harness.envelope import Envelope, utc_now
from harness.service import EnvelopeHandler
from simulators.base import Behaviour, Simulator
from simulators.content import ContentServer, ContentStore, InMemoryContentStore
from simulators.corpus import Corpus, CorpusEssay, language_of_course

MINIMUM_WORDS = 50
"""Shorter extracted texts fail validation with CONTENT_TOO_SHORT."""
_FILE_IDS = uuid.UUID("6f1c2b1e-7a52-4d8e-9a43-52f0f6a0c001")
"""Namespace of the simulated file_upload_ids (uuid5 of batch id and position)."""


@dataclass(frozen=True)
class FileBehaviour(Behaviour):
    """The common knobs, plus which essays to provision and how many files to reject.

    ``essay_failure_rate`` rejects each file with that probability (CONTENT_TOO_SHORT);
    ``service_failure`` rejects every file (TEXT_EXTRACTION_FAILED, as if extraction were down).
    """

    language: str | None = None
    """``en`` or ``sv``; None: the language of the batch's course code (ENG* en, SV* sv)."""
    corpus_dir: Path | str | None = None
    """A folder of .txt essays (or one with en/ and sv/ subfolders); None: the built-in corpus."""
    invalid_essays: int = 0
    """How many files of each batch fail validation (the first ones of the batch)."""


@dataclass(frozen=True)
class Rejection:
    """Why a file fails validation, and the raw content that was uploaded."""

    error_code: str
    message: str
    raw_text: str


class FileServiceSimulator(Simulator):
    """Provisions one essay per slot of each registered batch, from the corpus."""

    service_id = "file_service"
    persisted = ("_provisioned",)
    consumes = ("batchEssaysRegistered",)
    behaviour_type = FileBehaviour
    produces = ("essayContentProvisioned", "essayValidationFailed")
    behaviour: FileBehaviour

    def __init__(
        self,
        contract: Contract,
        bus: Bus,
        behaviour: FileBehaviour | None = None,
        *,
        content: ContentStore | None = None,
        content_port: int | None = None,
    ) -> None:
        super().__init__(contract, bus, behaviour)
        self.content = content if content is not None else InMemoryContentStore()
        if content_port is not None and not isinstance(self.content, InMemoryContentStore):
            raise ValueError("content_port serves this process's own store: give no content")
        self.content_server = (
            ContentServer(contract, self.content, port=content_port)
            if content_port is not None and isinstance(self.content, InMemoryContentStore)
            else None
        )
        self._provisioned: set[str] = set()

    @property
    def content_url(self) -> str | None:
        """Where the ContentStore is served over HTTP (None unless ``content_port`` was given)."""
        return self.content_server.url if self.content_server else None

    def routes(self) -> Mapping[str, EnvelopeHandler]:
        return {"batchEssaysRegistered": self.on_batch_registered}

    def start(self) -> None:
        if self.content_server is not None:
            self.content_server.start()
        super().start()

    def stop(self) -> None:
        super().stop()
        if self.content_server is not None:
            self.content_server.stop()

    def on_batch_registered(self, envelope: Envelope) -> None:
        """Upload one file per expected essay, once per batch (a redelivery changes nothing)."""
        data = envelope.data
        batch_id = str(data["entity_id"])
        with self._lock:
            if batch_id in self._provisioned:
                return
            self._provisioned.add(batch_id)
        essays = self.essays_for(str(data["course_code"]), int(data["expected_essay_count"]))
        for position, essay in enumerate(essays):
            self.provision(batch_id, position, essay, envelope.correlation_id)

    def essays_for(self, course_code: str, count: int) -> list[CorpusEssay]:
        """The ``count`` essays of a batch: the same ones for the same seed."""
        language = self.behaviour.language or language_of_course(course_code)
        corpus = Corpus.load(language, self.behaviour.corpus_dir)
        return corpus.pick(count, random.Random(self.behaviour.seed))

    def provision(
        self, batch_id: str, position: int, essay: CorpusEssay, correlation_id: str
    ) -> None:
        """Publish the essay as provisioned content, or as a validation failure."""
        upload = _upload_fields(batch_id, position, essay, correlation_id)
        rejection = self.rejection(position, essay)
        if rejection is None:
            stored = self._stored(essay.text)
            data = {"event": "essay.content.provisioned", **upload, **stored}
            self.emit("essayContentProvisioned", data, correlation_id=correlation_id)
        else:
            failure = self._failure_fields(rejection, correlation_id, upload)
            data = {"event": "essay.validation.failed", **upload, **failure}
            self.emit("essayValidationFailed", data, correlation_id=correlation_id)

    def rejection(self, position: int, essay: CorpusEssay) -> Rejection | None:
        """Why the file at ``position`` of a batch fails validation, if it does."""
        behaviour = self.behaviour
        if behaviour.service_failure:
            return Rejection("TEXT_EXTRACTION_FAILED", "text extraction is unavailable", essay.text)
        if position < behaviour.invalid_essays or self.essay_fails(f"file-{position}"):
            words = len(essay.title.split())
            return Rejection(
                "CONTENT_TOO_SHORT",
                f"the extracted text has {words} words; at least {MINIMUM_WORDS} are required",
                essay.title,
            )
        return None

    def _stored(self, text: str) -> dict[str, Any]:
        """Store the raw file and its extracted text; the fields that name them."""
        raw = text.encode("utf-8")
        return {
            "raw_file_storage_id": self.content.put(text),
            "text_storage_id": self.content.put(text.strip()),
            "file_size_bytes": len(raw),
            "content_md5_hash": hashlib.md5(raw, usedforsecurity=False).hexdigest(),
        }

    def _failure_fields(
        self, rejection: Rejection, correlation_id: str, upload: Mapping[str, Any]
    ) -> dict[str, Any]:
        detail = {
            "error_code": rejection.error_code,
            "message": rejection.message,
            "correlation_id": correlation_id,
            "timestamp": utc_now(),
            "service": self.endpoint.service.source_service,
            "operation": "validate_file_content",
            "details": {"file_upload_id": upload["file_upload_id"]},
        }
        return {
            "raw_file_storage_id": self.content.put(rejection.raw_text),
            "validation_error_code": rejection.error_code,
            "validation_error_detail": detail,
            "file_size_bytes": len(rejection.raw_text.encode("utf-8")),
        }


def _upload_fields(
    batch_id: str, position: int, essay: CorpusEssay, correlation_id: str
) -> dict[str, Any]:
    """What every file event of this upload says: batch, upload id, file name, correlation."""
    return {
        "entity_id": batch_id,
        "file_upload_id": str(uuid.uuid5(_FILE_IDS, f"{batch_id}:{position}")),
        "original_file_name": essay.file_name,
        "correlation_id": correlation_id,
        "timestamp": utc_now(),
    }
