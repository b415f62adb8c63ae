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
- ``sender`` / ``receiver``: every channel has exactly one sending service (several where
  ``x-several-senders`` says why) and at least one receiving service (none where
  ``x-no-receiver`` says why: the real system has no consumer);
- ``source-service`` / ``key`` / ``batch``: examples carry the sender's ``source_service``, a value
  at the key binding's pointer and at the message's ``x-batch-pointer``;
- ``correlation``: every message says which correlation id it carries (``x-correlation``).
- ``x-rules``: every named clean rule has a statement, a rationale and what the real system does;
  every ``x-rule`` mark (here or in the companion) names a declared schema rule and sits on a
  node that has one of the keywords the rule tightens, not under ``not`` or ``oneOf``; every
  schema rule is marked somewhere.

And on the HTTP companion (openapi.yaml beside the AsyncAPI document, when there is one):

- ``openapi-schema``: it validates against the official OpenAPI 3.1 JSON Schema (vendored in
  contracts/vendor/, see its README);
- ``ref`` / ``ref-siblings``: as above; ``asyncapi.yaml#/...`` refs resolve in the AsyncAPI
  document;
- ``http-roles``: every operation names the service that serves it (``x-service``) and its
  callers (``x-callers``), all of them services of ``x-services``;
- ``example``: every JSON body (request and response) has an example, and it validates;
- ``layout``: what the loader needs (operationId, one media type per body, ...).

Each problem is reported once: a ``layout`` finding at a place another rule already reported
(the loader stops at the first broken thing it meets) is left out.

Example::

    for finding in lint_contract(Path("contracts/asyncapi.yaml")):
        print(finding)        # contracts/asyncapi.yaml:/channels/x: [sender] ...
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs

from harness.contract import (
    CORRELATION_KINDS,
    Contract,
    companion_path,
    load_contract,
    message_key,
    read_document,
    resolve_pointer,
)
from harness.errors import ContractError, ContractLoadError
from harness.openapi import COMPANION, METHODS, OPENAPI_ROOT, escape
from harness.rules import marked_nodes, rule_marks
from harness.validation import ContractValidator


@dataclass(frozen=True)
class Finding:
    """One lint finding: the rule broken, where in which document, and what is wrong."""

    rule: str
    where: str
    problem: str
    document: str | None = None
    """The file it is in when not the AsyncAPI document (the OpenAPI companion)."""

    def render(self, path: Path | str) -> str:
        return f"{self.document or path}:{self.where or '/'}: [{self.rule}] {self.problem}"


def asyncapi_meta_schema() -> dict[str, Any]:
    """The vendored official AsyncAPI 3.0.0 JSON Schema."""
    packaged = resources.files("harness").joinpath("data", "asyncapi-3.0.0.json")
    return dict(json.loads(packaged.read_text(encoding="utf-8")))


def openapi_meta_schema() -> dict[str, Any]:
    """The vendored official OpenAPI 3.1 JSON Schema (2022-10-07)."""
    packaged = resources.files("harness").joinpath("data", "openapi-3.1-2022-10-07.json")
    return dict(json.loads(packaged.read_text(encoding="utf-8")))


@functools.cache
def _fast_meta_validators() -> tuple[Any, Any]:
    """The two meta-schemas compiled once (0.2 s each time otherwise): AsyncAPI, OpenAPI."""
    return (
        jsonschema_rs.Draft7Validator(asyncapi_meta_schema()),
        jsonschema_rs.Draft202012Validator(openapi_meta_schema()),
    )


def lint_contract(path: Path) -> list[Finding]:
    """Every finding of every rule, on the AsyncAPI document and its OpenAPI companion."""
    try:
        document = read_document(path)
    except ContractError as exc:
        return [Finding("layout", "", str(exc))]
    findings = [*_meta_schema(document), *_refs(document, document, "")]
    companion = companion_path(path)
    openapi = _companion(companion, document, findings)
    findings += _rules(document, openapi, str(companion))
    try:
        contract = load_contract(
            path, document=document, openapi_document=openapi, with_http=openapi is not None
        )
    except ContractLoadError as exc:
        in_companion = exc.path == str(companion)
        where = exc.where
        layout = Finding("layout", where, exc.reason, str(companion) if in_companion else None)
        return _once([*findings, layout])
    findings += [*_channels(contract), *_examples(contract)]
    dangling = any(f.rule == "ref" for f in findings)
    if openapi is not None and not dangling:  # a schema with a dangling ref cannot be applied
        findings += [replace(f, document=str(companion)) for f in http_examples(contract)]
    return _once(findings)


def _companion(
    path: Path, asyncapi: dict[str, Any], findings: list[Finding]
) -> dict[str, Any] | None:
    """Read and check the OpenAPI companion; its findings go into ``findings``."""
    if not path.is_file():
        return None
    try:
        openapi = read_document(path)
    except ContractError as exc:
        findings.append(Finding("layout", "", str(exc), str(path)))
        return None
    here = str(path)
    findings += [replace(f, document=here) for f in _openapi_meta_schema(openapi)]
    findings += [replace(f, document=here) for f in _refs(openapi, openapi, "", asyncapi)]
    findings += [replace(f, document=here) for f in _http_roles(openapi, asyncapi)]
    return openapi


def _once(findings: list[Finding]) -> list[Finding]:
    """Leave out a ``layout`` finding where another rule already reported the same place."""
    others = [f for f in findings if f.rule != "layout"]

    def covered(layout: Finding) -> bool:
        return any(
            o.document == layout.document
            and (
                layout.where == o.where
                or layout.where.startswith(o.where + "/")
                or o.where.startswith(layout.where + "/")
            )
            for o in others
            if layout.where
        )

    return [f for f in findings if f.rule != "layout" or not covered(f)]


def _openapi_meta_schema(document: dict[str, Any]) -> Iterator[Finding]:
    if _fast_meta_validators()[1].is_valid(document):
        return  # the fast answer (5 ms, against 1 s); python-jsonschema only to explain
    validator = jsonschema.Draft202012Validator(openapi_meta_schema())
    for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.path))):
        where = "/" + "/".join(str(p) for p in error.absolute_path)
        yield Finding("openapi-schema", where, _short(error))


def _http_roles(document: dict[str, Any], asyncapi: dict[str, Any]) -> Iterator[Finding]:
    services = set((asyncapi.get("x-services") or {}).keys())
    for path, item in (document.get("paths") or {}).items():
        for method, raw in (item or {}).items() if isinstance(item, dict) else ():
            if method not in METHODS or not isinstance(raw, dict):
                continue
            where = f"/paths/{escape(path)}/{method}"
            server = raw.get("x-service")
            if server not in services:
                yield Finding(
                    "http-roles",
                    f"{where}/x-service",
                    f"x-service {server!r} is not a service of x-services",
                )
            callers = raw.get("x-callers")
            if not isinstance(callers, list) or not callers:
                yield Finding("http-roles", f"{where}/x-callers", "names no caller")
                continue
            for caller in callers:
                if caller not in services and caller != "client":
                    yield Finding(
                        "http-roles",
                        f"{where}/x-callers",
                        f"caller {caller!r} is not a service of x-services",
                    )


def http_examples(contract: Contract) -> Iterator[Finding]:
    """Every JSON body has an example, and every example validates (``example`` rule)."""
    validator = ContractValidator(contract)
    for operation in contract.http_operations.values():
        bodies = [("request body", operation.request)] + [
            (f"response {r.status}", r.body) for r in operation.responses.values()
        ]
        for what, body in bodies:
            if body is None or not body.is_json or body.schema_pointer is None:
                continue
            where = body.schema_pointer.removeprefix(f"#/{OPENAPI_ROOT}").removesuffix("/schema")
            where = where.replace("%7B", "{").replace("%7D", "}")
            if body.example is None:
                yield Finding("example", where, f"{operation.label} {what} has no example")
                continue
            for violation in validator.explain_at(
                body.schema_pointer, body.example, where=operation.label, what=what
            ):
                yield Finding("example", f"{where}/example{violation.pointer}", violation.reason)


def _meta_schema(document: dict[str, Any]) -> Iterator[Finding]:
    if _fast_meta_validators()[0].is_valid(document):
        return  # the fast answer; python-jsonschema only to explain a failure
    validator = jsonschema.Draft7Validator(asyncapi_meta_schema())
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


def _refs(
    document: dict[str, Any], node: Any, where: str, asyncapi: dict[str, Any] | None = None
) -> Iterator[Finding]:
    """Every ``$ref`` resolves (in ``asyncapi`` for the companion's ``asyncapi.yaml#`` refs)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            target, pointer = document, ref
            if asyncapi is not None and ref.startswith(COMPANION + "#"):
                target, pointer = asyncapi, ref.removeprefix(COMPANION)
            try:
                resolve_pointer(target, pointer)
            except (KeyError, IndexError, ValueError, TypeError):
                yield Finding("ref", where, f"$ref {ref!r} does not resolve")
            siblings = sorted(
                k for k in node if k != "$ref" and k not in _ANNOTATIONS and not k.startswith("x-")
            )
            if siblings and not where.startswith("/channels/"):
                yield Finding("ref-siblings", where, f"$ref with validating siblings {siblings}")
        for key, value in node.items():
            yield from _refs(document, value, f"{where}/{escape(str(key))}", asyncapi)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _refs(document, value, f"{where}/{index}", asyncapi)


def _rules(
    document: dict[str, Any], openapi: dict[str, Any] | None, companion: str
) -> list[Finding]:
    """The named clean rules are declared whole, and every mark means something."""
    declared = document.get("x-rules") or {}
    if not isinstance(declared, dict):
        return [Finding("x-rules", "/x-rules", "expected a mapping of rule ids to rules")]
    findings = [f for rid, raw in declared.items() for f in _rule_declaration(str(rid), raw)]
    used: set[str] = set()
    sources = [(document, None)] + ([(openapi, companion)] if openapi is not None else [])
    for source, name in sources:
        for where, node in marked_nodes(source):
            for rid in rule_marks(node):
                used.add(rid)
                problem = _mark_problem(rid, declared.get(rid), node) or _under_negation(where)
                if problem:
                    findings.append(Finding("x-rules", where, problem, name))
    for rid, raw in declared.items():
        if isinstance(raw, dict) and raw.get("tightens") and rid not in used:
            problem = f"schema rule {rid!r} marks no schema node (x-rule: {rid})"
            findings.append(Finding("x-rules", f"/x-rules/{escape(str(rid))}", problem))
    return findings


def _rule_declaration(rid: str, raw: Any) -> Iterator[Finding]:
    where = f"/x-rules/{escape(rid)}"
    rule = raw if isinstance(raw, dict) else {}
    for part in ("statement", "rationale", "real-system"):
        if not str(rule.get(part) or "").strip():
            yield Finding("x-rules", where, f"rule {rid!r} has no {part}")
    if bool(rule.get("tightens")) == bool(rule.get("checked-on")):
        problem = f"rule {rid!r} needs either `tightens: [keywords]` or `checked-on: CHECK`"
        yield Finding("x-rules", where, problem)


def _under_negation(where: str) -> str | None:
    """Relaxing a keyword under ``not`` or ``oneOf`` can reject more, not less: the compatible
    schema would refuse what the strict one accepts."""
    parts = where.split("/")
    if "not" in parts or "oneOf" in parts:
        return "x-rule under `not` or `oneOf`: relaxing it there could reject what strict accepts"
    return None


def _mark_problem(rid: str, rule: Any, node: Mapping[str, Any]) -> str | None:
    if not isinstance(rule, dict):
        return f"x-rule {rid!r} is not declared in x-rules"
    if not rule.get("tightens"):
        return f"x-rule {rid!r} is a wire rule (checked-on), not a schema rule"
    if not set(rule["tightens"]) & set(node):
        owned = ", ".join(rule["tightens"])
        return f"x-rule {rid!r} marks a node without any of its keywords ({owned})"
    return None


def _channels(contract: Contract) -> Iterator[Finding]:
    for channel in contract:
        where = f"/channels/{channel.id}"
        senders = [s.id for s in contract.senders(channel)]
        if not senders or (len(senders) > 1 and not channel.several_senders):
            shown = ", ".join(senders) or "none"
            yield Finding(
                "sender",
                where,
                f"needs exactly one sending service (several with x-several-senders), has: {shown}",
            )
        if not contract.receivers(channel) and not channel.no_receiver:
            yield Finding("receiver", where, "has no receiving service (nor x-no-receiver)")
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
            if senders and example.get("source_service") not in {s.source_service for s in senders}:
                yield Finding(
                    "source-service",
                    f"{here}/source_service",
                    f"expected {senders[0].source_service!r} (the sender's)",
                )
            if message.key_pointer and message_key(channel, example) is None:
                yield Finding("key", here, f"no key at {message.key_pointer}")
            if message.batch_pointer and _lookup(example, message.batch_pointer) is None:
                yield Finding("batch", here, f"no batch id at {message.batch_pointer}")
