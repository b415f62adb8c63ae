"""One message seen on the wire, as the contract observer recorded it, with every way it
breaks the contract; ``Where`` filters such messages (data fields, or a predicate).

Example::

    message.name, message.batch_id, message.correlation_id, message.event_id
    message.get("/metadata/denial_detail")          # any JSON pointer into the envelope
    message.matches({"phase_name": "spellcheck"})
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.contract import Channel, resolve_pointer
from harness.envelope import JsonObject
from harness.errors import Violation

Where = Mapping[str, Any] | Callable[["ObservedMessage"], bool]


@dataclass(frozen=True)
class ObservedMessage:
    """One message seen on the wire, with every way it breaks the contract."""

    channel: Channel
    topic: str
    key: str | None
    partition: int
    offset: int
    seen_at: float
    document: JsonObject | None
    violations: tuple[Violation, ...] = field(default=())
    sender: str | None = None
    """The service (x-services id) that sent it: the one its source_service names (by any
    name the contract knows), else the channel's one sender."""

    @property
    def name(self) -> str:
        return self.channel.message.name

    @property
    def event_id(self) -> str | None:
        return self._field("/event_id")

    @property
    def correlation_id(self) -> str | None:
        return self._field("/correlation_id")

    @property
    def source_service(self) -> str | None:
        return self._field("/source_service")

    @property
    def data(self) -> Mapping[str, Any]:
        data = (self.document or {}).get("data")
        return data if isinstance(data, Mapping) else {}

    @property
    def batch_id(self) -> str | None:
        pointer = self.channel.message.batch_pointer or "/data/batch_id"
        return self._field(pointer)

    def get(self, pointer: str) -> Any:
        """The value at a JSON pointer into the envelope, or None."""
        try:
            return resolve_pointer(self.document or {}, pointer)
        except (KeyError, IndexError, ValueError, TypeError):
            return None

    def matches(self, where: Where | None) -> bool:
        """Whether this message satisfies ``where`` (data fields, or a predicate)."""
        if where is None:
            return True
        if callable(where):
            return bool(where(self))
        return all(self.data.get(k) == v for k, v in where.items())

    def summary(self) -> str:
        """One line for a person: channel, key, correlation, a few data fields."""
        shown = {k: v for k, v in self.data.items() if isinstance(v, str | int | float | bool)}
        fields = ", ".join(f"{k}={v}" for k, v in list(shown.items())[:4])
        return f"{self.name} key={self.key} correlation={self.correlation_id} {fields}"

    def _field(self, pointer: str) -> str | None:
        value = self.get(pointer)
        return None if value is None else str(value)
