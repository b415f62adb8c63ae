"""The common parts of the events ELS writes: BaseEventData fields, SystemProcessingMetadata."""

from __future__ import annotations

from typing import Any

from harness.envelope import utc_now


def event_fields(
    event_name: str, entity_id: str, entity_type: str, parent_id: str | None = None
) -> dict[str, Any]:
    """The BaseEventData fields (contracts 2.1) of an event about a batch or an essay."""
    return {
        "event_name": event_name,
        "entity_id": entity_id,
        "entity_type": entity_type,
        "parent_id": parent_id,
        "timestamp": utc_now(),
    }


def system_metadata(
    event: str,
    entity_id: str,
    entity_type: str,
    parent_id: str | None = None,
    stage: str | None = None,
) -> dict[str, Any]:
    """A SystemProcessingMetadata (contracts 2.4)."""
    return {
        "entity_id": entity_id,
        "entity_type": entity_type,
        "parent_id": parent_id,
        "timestamp": utc_now(),
        "processing_stage": stage,
        "event": event,
    }
