"""SQLite storage: one transaction per change (state, outbox, event id), durable in a file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reference_impl.errors import StorageError
from reference_impl.storage import Change, Codec, OutboxMessage, SqliteRepository

Doc = dict[str, object]


def due_at(doc: Doc) -> float | None:
    due = doc.get("due")
    return float(due) if isinstance(due, float) else None


CODEC: Codec[Doc] = Codec(encode=dict, decode=dict, due_at=due_at)


def message(n: int) -> OutboxMessage:
    return OutboxMessage("batchPipelineCompleted", {"n": n})


def test_a_change_stores_state_messages_and_the_event_id_together(tmp_path: Path) -> None:
    repository = SqliteRepository(tmp_path / "bos.db", CODEC)
    repository.commit(Change("b1", {"v": 1}, (message(1), message(2)), "event-1"))
    assert repository.load("b1") == {"v": 1}
    assert repository.is_processed("event-1")
    assert not repository.is_processed("event-2")
    assert [row.message.envelope for row in repository.pending_outbox()] == [{"n": 1}, {"n": 2}]


def test_sent_messages_leave_the_outbox_in_order(tmp_path: Path) -> None:
    repository = SqliteRepository(tmp_path / "bos.db", CODEC)
    repository.commit(Change("b1", None, (message(1), message(2))))
    first, second = repository.pending_outbox()
    repository.mark_sent(first.seq)
    assert repository.pending_outbox() == [second]
    assert repository.load("b1") is None


def test_a_file_keeps_everything_across_reopening(tmp_path: Path) -> None:
    path = tmp_path / "bos.db"
    first = SqliteRepository(path, CODEC)
    first.commit(Change("b1", {"v": 1}, (message(1),), "event-1"))
    first.close()
    again = SqliteRepository(path, CODEC)
    assert again.load("b1") == {"v": 1} and again.is_processed("event-1")
    assert len(again.pending_outbox()) == 1
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_failing_change_stores_nothing() -> None:
    repository = SqliteRepository(None, CODEC)
    repository.commit(Change("b1", {"v": 1}))
    unserialisable = Change("b1", {"v": object()}, (message(1),), "event-1")
    with pytest.raises(TypeError):
        repository.commit(unserialisable)
    assert repository.load("b1") == {"v": 1}
    assert repository.pending_outbox() == []
    assert not repository.is_processed("event-1")


def test_states_that_asked_for_a_tick_are_due_once_their_time_came() -> None:
    repository = SqliteRepository(None, CODEC)
    repository.commit(Change("later", {"due": 20.0}))
    repository.commit(Change("soon", {"due": 10.0}))
    repository.commit(Change("never", {}))
    assert repository.due(15.0) == ["soon"]
    assert repository.due(float("inf")) == ["soon", "later"]
    assert repository.keys() == ["later", "never", "soon"]


def test_an_unusable_database_is_a_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="cannot open"):
        SqliteRepository(tmp_path / "missing-dir" / "bos.db", CODEC)
