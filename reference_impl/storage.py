"""Durable state for BOS and BCS: SQLite (stdlib, WAL) behind a small repository protocol.

One event's effect is committed in one transaction: the service's new state for the batch, the
messages that change emits (the outbox), and the id of the event handled (for dedupe). The runner
then publishes the outbox to the bus and deletes each row once published. A service killed at any
point therefore either never made the change (the event is redelivered and handled again) or
made it with its messages queued (they go out right away, at the latest at the next start).
A crash between publishing and deleting a row re-sends the *same* envelope (same event_id),
which every consumer dedupes.

Example::

    repository = SqliteRepository(path, codec=BATCH_CODEC)
    repository.commit(Change(batch_id, state, outbox=(message,), event_id=envelope.event_id))
    for row in repository.pending_outbox():
        ...publish row.envelope...; repository.mark_sent(row.seq)
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from reference_impl.errors import StorageError

JsonObject = dict[str, Any]
S = TypeVar("S")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS state (
    key TEXT PRIMARY KEY, body TEXT NOT NULL, due_at REAL, updated_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS state_due ON state (due_at) WHERE due_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS processed_event (event_id TEXT PRIMARY KEY, key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL,
    channel_id TEXT NOT NULL, envelope TEXT NOT NULL);
"""


@dataclass(frozen=True)
class OutboxMessage:
    """A message to publish: the channel and the whole envelope, built before the commit."""

    channel_id: str
    envelope: Mapping[str, Any]


@dataclass(frozen=True)
class OutboxRow:
    """A queued message, in commit order."""

    seq: int
    key: str
    message: OutboxMessage


@dataclass(frozen=True)
class Change(Generic[S]):
    """What handling one event changed, committed atomically."""

    key: str
    state: S | None
    """The new state (None: the event changed no state, e.g. a denial for an unknown batch)."""
    outbox: Sequence[OutboxMessage] = ()
    event_id: str | None = None
    """The handled message's event_id (None for internal events: HTTP, BCS answers, ticks)."""
    now: float = 0.0


@dataclass(frozen=True)
class Codec(Generic[S]):
    """How a state is stored: to and from JSON, and when it next needs a clock tick."""

    encode: Callable[[S], JsonObject]
    decode: Callable[[JsonObject], S]
    due_at: Callable[[S], float | None]


class Repository(Protocol[S]):
    """What a runner needs from storage (``BatchRepository`` is this for BOS's BatchState)."""

    def load(self, key: str) -> S | None:
        """The stored state of ``key`` (None when unknown)."""
        ...

    def is_processed(self, event_id: str) -> bool:
        """Whether a message with this event_id was already handled."""
        ...

    def commit(self, change: Change[S]) -> None:
        """Store state, outbox messages and the handled event id in one transaction."""

    def pending_outbox(self, limit: int = 500) -> list[OutboxRow]:
        """Queued messages, oldest first."""
        ...

    def mark_sent(self, seq: int) -> None:
        """Forget a queued message once it is on the bus."""

    def due(self, now: float) -> list[str]:
        """Keys whose state asked for a clock tick at or before ``now``."""
        ...

    def keys(self) -> list[str]:
        """Every stored key."""
        ...

    def close(self) -> None:
        """Release the database."""


class SqliteRepository(Generic[S]):
    """A Repository on one SQLite connection (a file in WAL mode, or in memory)."""

    def __init__(self, path: Path | None, codec: Codec[S]) -> None:
        self.path = path
        self.codec = codec
        self._lock = threading.Lock()
        self._db = self._connect(path)

    def _connect(self, path: Path | None) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(
                str(path) if path else ":memory:", check_same_thread=False, isolation_level=None
            )
            if path is not None:
                db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise StorageError(str(path or ":memory:"), "cannot open the database", exc) from None
        return db

    def load(self, key: str) -> S | None:
        row = self._query_one("SELECT body FROM state WHERE key = ?", (key,))
        return None if row is None else self.codec.decode(json.loads(row[0]))

    def is_processed(self, event_id: str) -> bool:
        found = self._query_one("SELECT 1 FROM processed_event WHERE event_id = ?", (event_id,))
        return found is not None

    def commit(self, change: Change[S]) -> None:
        with self._lock, self._transaction("commit a change"):
            if change.state is not None:
                self._write_state(change.key, change.state, change.now)
            if change.event_id is not None:
                self._db.execute(
                    "INSERT OR IGNORE INTO processed_event VALUES (?, ?)",
                    (change.event_id, change.key),
                )
            self._db.executemany(
                "INSERT INTO outbox (key, channel_id, envelope) VALUES (?, ?, ?)",
                [(change.key, m.channel_id, json.dumps(m.envelope)) for m in change.outbox],
            )

    def _write_state(self, key: str, state: S, now: float) -> None:
        self._db.execute(
            "INSERT INTO state VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
            "body = excluded.body, due_at = excluded.due_at, updated_at = excluded.updated_at",
            (key, json.dumps(self.codec.encode(state)), self.codec.due_at(state), now),
        )

    def pending_outbox(self, limit: int = 500) -> list[OutboxRow]:
        rows = self._query_all(
            "SELECT seq, key, channel_id, envelope FROM outbox ORDER BY seq LIMIT ?", (limit,)
        )
        return [OutboxRow(s, k, OutboxMessage(c, json.loads(e))) for s, k, c, e in rows]

    def mark_sent(self, seq: int) -> None:
        with self._lock, self._transaction("mark an outbox message sent"):
            self._db.execute("DELETE FROM outbox WHERE seq = ?", (seq,))

    def due(self, now: float) -> list[str]:
        rows = self._query_all("SELECT key FROM state WHERE due_at <= ? ORDER BY due_at", (now,))
        return [row[0] for row in rows]

    def keys(self) -> list[str]:
        return [row[0] for row in self._query_all("SELECT key FROM state ORDER BY key", ())]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _query_one(self, sql: str, args: tuple[Any, ...]) -> tuple[Any, ...] | None:
        rows = self._query_all(sql, args)
        return rows[0] if rows else None

    def _query_all(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return list(self._db.execute(sql, args).fetchall())
            except sqlite3.Error as exc:
                raise StorageError(str(self.path or ":memory:"), "a query failed", exc) from None

    def _transaction(self, doing: str) -> _Transaction:
        return _Transaction(self._db, str(self.path or ":memory:"), doing)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back (and translated) on any error."""

    def __init__(self, db: sqlite3.Connection, where: str, doing: str) -> None:
        self.db, self.where, self.doing = db, where, doing

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, _tb: Any
    ) -> None:
        if kind is None:
            self.db.execute("COMMIT")
            return
        self.db.execute("ROLLBACK")
        if isinstance(exc, sqlite3.Error):
            raise StorageError(self.where, f"cannot {self.doing}", exc) from None
