"""A minimal valid contract for the diff tests: three services, two channels, a little HTTP.

bos sends batchRegistered (keyed by /data/batch_id, 3 partitions) to els and result_aggregator;
els sends phaseOutcome (no key, 1 partition) to bos. BatchRegisteredV1 is closed by the rule
no-unknown-fields (as every data model of the shipped contract); PhaseOutcomeV1 is closed
without a rule; EssayRef is open. getBatch (bos, called by result_aggregator) and
registerBatch (bos, called by els) are the HTTP legs.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from harness.contract import Contract, load_contract

Doc = dict[str, Any]

RULES: Doc = {
    rid: {"statement": rid, "rationale": "r", "real-system": "s", **scope}
    for rid, scope in {
        "no-unknown-fields": {"tightens": ["additionalProperties"]},
        "complete-envelope": {"tightens": ["required", "minLength"]},
        "utc-timestamps": {"tightens": ["format"]},
        "event-type-is-topic": {"tightens": ["const"]},
        "terminal-status": {"tightens": ["$ref"]},
        "key-by-batch": {"checked-on": "key"},
        "canonical-source-service": {"checked-on": "source_service"},
        "correlation-chain": {"checked-on": "correlation"},
    }.items()
}

ENVELOPE: Doc = {
    "type": "object",
    "additionalProperties": False,
    "x-rule": "no-unknown-fields",
    "required": ["event_type", "data"],
    "allOf": [{"x-rule": "complete-envelope", "required": ["event_id"]}],
    "properties": {
        "event_id": {"type": "string", "format": "uuid"},
        "event_type": {"type": "string", "minLength": 1, "x-rule": "complete-envelope"},
        "event_timestamp": {"type": "string", "format": "date-time", "x-rule": "utc-timestamps"},
        "source_service": {"type": "string"},
        "data": {"type": "object"},
        "metadata": {
            "type": ["object", "null"],
            "additionalProperties": True,
            "properties": {"trace": {"type": "string"}},
        },
    },
}

SCHEMAS: Doc = {
    "EventEnvelope": ENVELOPE,
    "Phase": {"type": "string", "enum": ["spellcheck", "nlp"]},
    "Status": {"type": "string", "enum": ["running", "done", "failed"]},
    "TerminalStatus": {"enum": ["done", "failed"]},
    "Prompt": {"type": "object", "properties": {"text": {"type": "string"}}},
    "EssayRef": {
        "type": "object",
        "required": ["essay_id"],
        "properties": {"essay_id": {"type": "string"}},
    },
    "BatchRegisteredV1": {
        "type": "object",
        "additionalProperties": False,
        "x-rule": "no-unknown-fields",
        "required": ["batch_id", "count"],
        "properties": {
            "batch_id": {"type": "string", "maxLength": 36},
            "count": {"type": "integer", "minimum": 0, "maximum": 100},
            "size": {"type": "number"},
            "phase": {"$ref": "#/components/schemas/Phase"},
            "note": {"type": ["string", "null"], "default": None},
            "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
            "prompt": {"anyOf": [{"$ref": "#/components/schemas/Prompt"}, {"type": "null"}]},
            "code": {"type": "string", "pattern": "^[A-Z]+$"},
            "status": {
                "allOf": [
                    {"$ref": "#/components/schemas/Status"},
                    {"$ref": "#/components/schemas/TerminalStatus", "x-rule": "terminal-status"},
                ]
            },
        },
    },
    "PhaseOutcomeV1": {
        "type": "object",
        "additionalProperties": False,
        "required": ["batch_id", "phase"],
        "properties": {
            "batch_id": {"type": "string", "format": "uuid"},
            "phase": {"$ref": "#/components/schemas/Phase"},
            "version": {"const": 1},
            "essays": {"type": "array", "items": {"$ref": "#/components/schemas/EssayRef"}},
        },
    },
}

CHANNELS = {
    # channel id: (address, message, key pointer, partitions, sender, receivers)
    "batchRegistered": (
        "test.batch.registered.v1",
        "BatchRegisteredV1",
        "/data/batch_id",
        3,
        "bos",
        ("els", "result_aggregator"),
    ),
    "phaseOutcome": ("test.phase.outcome.v1", "PhaseOutcomeV1", None, 1, "els", ("bos",)),
}

OPENAPI: Doc = {
    "openapi": "3.1.0",
    "info": {"title": "HTTP legs", "version": "1"},
    "paths": {
        "/v1/batches/{batch_id}": {
            "get": {
                "operationId": "getBatch",
                "x-service": "bos",
                "x-callers": ["result_aggregator"],
                "parameters": [
                    {
                        "name": "batch_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "the batch",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/BatchView"}
                            }
                        },
                    },
                    "404": {"description": "no such batch"},
                },
            }
        },
        "/v1/batches": {
            "post": {
                "operationId": "registerBatch",
                "x-service": "bos",
                "x-callers": ["els"],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/RegisterRequest"}
                        }
                    },
                },
                "responses": {
                    "202": {
                        "description": "registered",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"batch_id": {"type": "string"}},
                                }
                            }
                        },
                    }
                },
            }
        },
    },
    "components": {
        "schemas": {
            "BatchView": {
                "type": "object",
                "properties": {
                    "batch_id": {"type": "string"},
                    "phase": {"$ref": "asyncapi.yaml#/components/schemas/Phase"},
                },
            },
            "RegisterRequest": {
                "type": "object",
                "additionalProperties": False,
                "x-rule": "no-unknown-fields",
                "required": ["count"],
                "properties": {"count": {"type": "integer"}, "label": {"type": "string"}},
            },
        }
    },
}


def asyncapi() -> Doc:
    """A fresh copy of the AsyncAPI document (each test edits its own)."""
    services = {
        sid: {"title": sid, "source_service": f"{sid}_service", "consumer_group": f"{sid}-group"}
        for sid in ("bos", "els", "result_aggregator")
    }
    document: Doc = {
        "asyncapi": "3.0.0",
        "info": {"title": "minimal", "version": "1"},
        "x-services": services,
        "x-rules": RULES,
        "channels": {},
        "operations": {},
        "components": {"schemas": SCHEMAS, "messages": {}},
    }
    for cid, (address, name, key, partitions, sender, receivers) in CHANNELS.items():
        add_channel(document, cid, address, name, key=key, partitions=partitions)
        add_operation(document, sender, "send", cid)
        for receiver in receivers:
            add_operation(document, receiver, "receive", cid)
    return copy.deepcopy(document)


def openapi() -> Doc:
    return copy.deepcopy(OPENAPI)


def add_channel(
    document: Doc,
    cid: str,
    address: str,
    name: str,
    *,
    key: str | None = None,
    partitions: int = 1,
) -> None:
    """A channel carrying message ``name`` whose data is ``#/components/schemas/<name>``."""
    kafka: Doc = {"bindingVersion": "0.5.0"}
    if key:
        kafka["key"] = {"type": "string", "x-key-pointer": key}
    document["channels"][cid] = {
        "address": address,
        "description": f"{name} channel",
        "messages": {name: {"$ref": f"#/components/messages/{name}"}},
        "bindings": {"kafka": {"partitions": partitions, "replicas": 1}},
    }
    document["components"]["messages"][name] = {
        "name": name,
        "title": name,
        "x-correlation": "pipeline",
        "correlationId": {"location": "$message.payload#/correlation_id"},
        "payload": {
            "allOf": [
                {"$ref": "#/components/schemas/EventEnvelope"},
                {
                    "type": "object",
                    "properties": {
                        "event_type": {"const": address, "x-rule": "event-type-is-topic"},
                        "data": {"$ref": f"#/components/schemas/{name}"},
                    },
                },
            ]
        },
        "bindings": {"kafka": kafka},
    }


def add_operation(document: Doc, service: str, action: str, cid: str) -> None:
    document["operations"][f"{service}_{action}_{cid}"] = {
        "action": action,
        "channel": {"$ref": f"#/channels/{cid}"},
        "x-service": service,
    }


def write(folder: Path, document: Doc, http: Doc | None = None) -> Path:
    """Write the documents as files (the companion beside) and return the AsyncAPI path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "asyncapi.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    if http is not None:
        (folder / "openapi.yaml").write_text(yaml.safe_dump(http, sort_keys=False), "utf-8")
    return path


def contract(folder: Path, document: Doc | None = None, http: Doc | None = None) -> Contract:
    """The minimal contract (or ``document``/``http``), loaded from files in ``folder``."""
    return load_contract(write(folder, document or asyncapi(), http or openapi()))
