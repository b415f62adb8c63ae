"""Lint of the contract document: is it a sound single source of truth?

Rules (each finding names the rule and the place in the document):

- ``asyncapi-schema``: the document validates against the official AsyncAPI 3.0.0 JSON Schema
  (vendored in contracts/vendor/, see its README for version and checksum);
- ``ref``: every ``$ref`` resolves;
- ``ref-siblings``: no ``$ref`` has validating siblings (Draft 7 ignores them, 2019-09 applies
  them: the two validation paths must agree, see harness.validation);
- ``layout``: the document has the layout the loader needs (contracts/README.md);
- ``example``: every message has an example, and every example validates against its message;
- ``event-type``: every message's ``event_type`` is the channel address (schema and examples);
- ``sender`` / ``receiver``: every channel has exactly one sending service and at least one
  receiving service;
- ``source-service`` / ``key`` / ``batch``: examples carry the sender's ``source_service``, a value
  at the key binding's pointer and at the message's ``x-batch-pointer``;
- ``correlation``: every message says which correlation id it carries (``x-correlation``).

Example::

    for finding in lint_contract(Path("contracts/asyncapi.yaml")):
        print(finding)        # contracts/asyncapi.yaml:/channels/x: [sender] ...
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs

from harness.contract import (
    CORRELATION_KINDS,
    Contract,
    load_contract,
    message_key,
    read_document,
    resolve_pointer,
)
from harness.errors import ContractError
from harness.validation import ContractValidator


@dataclass(frozen=True)
class Finding:
    """One lint finding: the rule broken, where in the document, and what is wrong."""

    rule: str
    where: str
    problem: str

    def render(self, path: Path | str) -> str:
        return f"{path}:{self.where or '/'}: [{self.rule}] {self.problem}"


def asyncapi_meta_schema() -> dict[str, Any]:
    """The vendored official AsyncAPI 3.0.0 JSON Schema."""
    packaged = resources.files("harness").joinpath("data", "asyncapi-3.0.0.json")
    return dict(json.loads(packaged.read_text(encoding="utf-8")))


def lint_contract(path: Path) -> list[Finding]:
    """Every finding of every rule; empty when the contract is clean."""
    try:
        document = read_document(path)
    except ContractError as exc:
        return [Finding("layout", "", str(exc))]
    findings = [*_meta_schema(document), *_refs(document, document, "")]
    try:
        contract = load_contract(path, document=document)
    except ContractError as exc:
        return [*findings, Finding("layout", getattr(exc, "where", ""), str(exc))]
    return [*findings, *_channels(contract), *_examples(contract)]


def _meta_schema(document: dict[str, Any]) -> Iterator[Finding]:
    meta = asyncapi_meta_schema()
    if jsonschema_rs.Draft7Validator(meta).is_valid(document):
        return  # the fast answer; python-jsonschema only to explain a failure
    validator = jsonschema.Draft7Validator(meta)
    for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.path))):
        where = "/" + "/".join(str(p) for p in error.absolute_path)
        yield Finding("asyncapi-schema", where, _short(error))


def _short(error: jsonschema.ValidationError) -> str:
    best = jsonschema.exceptions.best_match([error])
    return str(best.message)[:300]


_ANNOTATIONS = {
    "description",
    "title",
    "default",
    "examples",
    "$comment",
    "deprecated",
    "readOnly",
    "writeOnly",
    "externalDocs",
    "summary",
}


def _refs(document: dict[str, Any], node: Any, where: str) -> Iterator[Finding]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            try:
                resolve_pointer(document, ref)
            except (KeyError, IndexError, ValueError):
                yield Finding("ref", where, f"$ref {ref!r} does not resolve")
            siblings = sorted(k for k in node if k != "$ref" and k not in _ANNOTATIONS)
            if siblings and not where.startswith("/channels/"):
                yield Finding("ref-siblings", where, f"$ref with validating siblings {siblings}")
        for key, value in node.items():
            yield from _refs(document, value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _refs(document, value, f"{where}/{index}")


def _channels(contract: Contract) -> Iterator[Finding]:
    for channel in contract:
        where = f"/channels/{channel.id}"
        senders = [s.id for s in contract.senders(channel)]
        if len(senders) != 1:
            shown = ", ".join(senders) or "none"
            yield Finding("sender", where, f"needs exactly one sending service, has: {shown}")
        if not contract.receivers(channel):
            yield Finding("receiver", where, "has no receiving service")
        kind = channel.message.correlation_kind
        if kind not in CORRELATION_KINDS:
            known = ", ".join(CORRELATION_KINDS)
            yield Finding("correlation", where, f"x-correlation {kind!r} is not one of: {known}")
        event_type = _schema_event_type(contract, channel.message.payload_pointer)
        if event_type != channel.address:
            yield Finding(
                "event-type",
                channel.message.payload_pointer.lstrip("#"),
                f"event_type must be const {channel.address!r}, found {event_type!r}",
            )


def _lookup(document: Any, pointer: str) -> Any:
    try:
        return resolve_pointer(document, pointer)
    except (KeyError, IndexError, ValueError, TypeError):
        return None


def _schema_event_type(contract: Contract, payload_pointer: str) -> Any:
    payload = resolve_pointer(contract.document, payload_pointer)
    for part in payload.get("allOf", []):
        const = ((part.get("properties") or {}).get("event_type") or {}).get("const")
        if const is not None:
            return const
    return None


def _examples(contract: Contract) -> Iterator[Finding]:
    validator = ContractValidator(contract)
    for channel in contract:
        message = channel.message
        where = message.payload_pointer.lstrip("#").removesuffix("/payload") + "/examples"
        if not message.examples:
            yield Finding("example", where, f"{message.name} has no example")
        senders = contract.senders(channel)
        for index, example in enumerate(message.examples):
            here = f"{where}/{index}/payload"
            for violation in validator.explain(channel, example):
                yield Finding("example", here + violation.pointer, violation.reason)
            if example.get("event_type") != channel.address:
                yield Finding(
                    "event-type",
                    f"{here}/event_type",
                    f"example event_type is not {channel.address!r}",
                )
            if senders and example.get("source_service") != senders[0].source_service:
                yield Finding(
                    "source-service",
                    f"{here}/source_service",
                    f"expected {senders[0].source_service!r} (the sender's)",
                )
            if message.key_pointer and message_key(channel, example) is None:
                yield Finding("key", here, f"no key at {message.key_pointer}")
            if message.batch_pointer and _lookup(example, message.batch_pointer) is None:
                yield Finding("batch", here, f"no batch id at {message.batch_pointer}")
