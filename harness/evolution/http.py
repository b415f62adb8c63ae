"""The HTTP half of a contract diff: the operations of openapi.yaml and their bodies.

The roles of a channel hold for HTTP with the caller and the server: the callers
(``x-callers``) send the request (body and parameters), the server (``x-service``) receives it;
for the responses the server sends and the callers receive. So a field newly required in a
request body is for the callers to send (breaking for producers: the callers), a new status
code is for the callers to handle (breaking for consumers: the callers), a status no longer
documented is one the server may not answer any more (breaking for producers: the server).
Operations are paired by operationId, then by method and path. A removed operation refuses
what its callers send (breaking for them); a moved one (path or method) and a new server
break both sides; a caller added or removed is compatible (a server relies on no caller).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from harness.contract import Contract
from harness.evolution.changes import BOTH, NARROWER, NONE, WIDER, Change, Finding, Roles, finding
from harness.evolution.channels import annotation_changes
from harness.evolution.levels import LeveledComparison
from harness.openapi import HttpBody, HttpOperation, HttpParameter, HttpResponse

OPERATION_KEYS = ("operationId", "x-service", "x-callers", "parameters", "requestBody", "responses")


def http_findings(old: Contract, new: Contract, levels: LeveledComparison) -> Iterator[Finding]:
    pairs, removed, added = _pair(old, new)
    for op in removed:
        detail = f"{op.label} ({op.id}) removed: its callers' requests are refused"
        yield finding(
            Change("http-operation-removed", "", NARROWER, detail), op.label, _request(op)
        )
    for op in added:
        change = Change("http-operation-added", "", NONE, f"{op.label} ({op.id}) added")
        yield finding(change, op.label, Roles((), ()))
    for before, after in pairs:
        yield from _Operation(old, new, before, after, levels).findings()


def _pair(
    old: Contract, new: Contract
) -> tuple[list[tuple[HttpOperation, HttpOperation]], list[HttpOperation], list[HttpOperation]]:
    """(paired, removed, added): by operationId, then the rest by method and path."""
    olds, news = old.http_operations, new.http_operations
    pairs = [(o, news[i]) for i, o in olds.items() if i in news]
    removed = [o for i, o in olds.items() if i not in news]
    added = {o.label: o for i, o in news.items() if i not in olds}
    for op in list(removed):
        if op.label in added:
            pairs.append((op, added.pop(op.label)))
            removed.remove(op)
    return pairs, removed, list(added.values())


def _request(op: HttpOperation, callers: tuple[str, ...] | None = None) -> Roles:
    return Roles(senders=callers if callers is not None else op.callers, receivers=(op.service_id,))


class _Operation:
    """One operation present on both sides, compared part by part."""

    def __init__(
        self,
        old: Contract,
        new: Contract,
        before: HttpOperation,
        after: HttpOperation,
        levels: LeveledComparison,
    ) -> None:
        self.old, self.new, self.before, self.after, self.levels = old, new, before, after, levels
        callers = tuple(c for c in before.callers if c in after.callers) or before.callers
        self.request = _request(before, callers)
        self.response = Roles(senders=(before.service_id,), receivers=callers)

    def findings(self) -> Iterator[Finding]:
        subject = self.after.label
        for change in self._identity():
            yield finding(change, subject, self.request)
        yield from self._body("request", self.before.request, self.after.request, self.request)
        yield from self._parameters()
        yield from self._responses()

    def _identity(self) -> Iterator[Change]:
        before, after = self.before, self.after
        if before.id != after.id:  # paired by method and path: the id is not on the wire
            detail = f"operationId {before.id} -> {after.id}"
            yield Change("http-operation-renamed", "", NONE, detail)
        if before.label != after.label:
            detail = f"{before.label} -> {after.label}: callers must call the new route"
            yield Change("http-route-changed", "", BOTH, detail)
        if before.service_id != after.service_id:
            detail = f"served by {before.service_id} -> {after.service_id}"
            named = (before.service_id, after.service_id, *self.request.senders)
            yield Change("http-server-changed", "", BOTH, detail, services=named)
        for caller in (c for c in after.callers if c not in before.callers):
            yield Change("caller-added", "", NONE, f"{caller} now calls it", services=(caller,))
        for caller in (c for c in before.callers if c not in after.callers):
            detail = f"{caller} no longer calls it"
            yield Change("caller-removed", "", NONE, detail, services=(caller,))
        yield from annotation_changes(
            _raw(self.old, before), _raw(self.new, after), skip=OPERATION_KEYS
        )

    def _body(
        self, part: str, before: HttpBody | None, after: HttpBody | None, roles: Roles
    ) -> Iterator[Finding]:
        for change in self._body_changes(part, before, after):
            yield finding(change, self.after.label, roles, part=part)

    def _body_changes(
        self, part: str, before: HttpBody | None, after: HttpBody | None
    ) -> Iterator[Change]:
        if before is None or after is None:
            if before is not after:
                yield self._body_presence(part, added=before is None)
            return
        if part == "request" and self.before.request_required != self.after.request_required:
            yield _required_change("request-body", self.after.request_required)
        if before.content_type != after.content_type:
            detail = f"media type {before.content_type} -> {after.content_type}"
            yield Change("media-type-changed", "", BOTH, detail)
        yield from self._schemas(before.schema_pointer, after.schema_pointer)

    def _body_presence(self, part: str, *, added: bool) -> Change:
        """A body added narrows when it must be sent (a response's, a required request's),
        else widens; one removed refuses what old senders send, and starves receivers that
        required it."""
        request = part == "request"
        if added:
            ways = NARROWER if not request or self.after.request_required else WIDER
        else:
            ways = NARROWER | (WIDER if not request or self.before.request_required else NONE)
        kind = "request-body" if request else "response-body"
        motion = "added" if added else "removed"
        return Change(f"{kind}-{motion}", "", ways, f"{part} body {motion}")

    def _schemas(self, before: str | None, after: str | None) -> Iterator[Change]:
        if before and after:
            yield from self.levels.at(before, after)
        elif before or after:
            ways, motion = (NARROWER, "added") if after else (WIDER, "removed")
            yield Change(f"schema-{motion}", "", ways, f"schema {motion}")

    def _parameters(self) -> Iterator[Finding]:
        olds = {(p.location, p.name): p for p in self.before.parameters}
        news = {(p.location, p.name): p for p in self.after.parameters}
        for key in dict.fromkeys([*olds, *news]):
            part = " ".join(key)
            for change in self._parameter(olds.get(key), news.get(key)):
                yield finding(change, self.after.label, self.request, part=part)

    def _parameter(
        self, before: HttpParameter | None, after: HttpParameter | None
    ) -> Iterator[Change]:
        """A required parameter added narrows, a required one removed widens (an old server
        still wants it); an optional one is compatible either way (servers ignore extras)."""
        if before is None or after is None:
            param, motion = (after, "added") if before is None else (before, "removed")
            assert param is not None
            ways = (NARROWER if motion == "added" else WIDER) if param.required else NONE
            need = "required" if param.required else "optional"
            yield Change(f"parameter-{motion}", "", ways, f"{need} parameter {motion}")
            return
        if before.required != after.required:
            yield _required_change("parameter", after.required)
        yield from self._schemas(before.schema_pointer, after.schema_pointer)

    def _responses(self) -> Iterator[Finding]:
        olds, news = self.before.responses, self.after.responses
        for status in dict.fromkeys([*olds, *news]):
            part = f"response {status}"
            if status in olds and status in news:
                yield from self._body(part, olds[status].body, news[status].body, self.response)
            for change in _status_changes(status, olds, news):
                yield finding(change, self.after.label, self.response, part=part)


def _status_changes(
    status: int, olds: Mapping[int, HttpResponse], news: Mapping[int, HttpResponse]
) -> Iterator[Change]:
    """A status added is one more answer the callers must handle (consumers); a status
    removed is one the server may no longer give (producers)."""
    if status not in olds:
        detail = f"status {status} added: callers must handle it"
        yield Change("response-status-added", "", WIDER, detail)
    elif status not in news:
        detail = f"status {status} no longer documented: the server may not answer it"
        yield Change("response-status-removed", "", NARROWER, detail)
    elif olds[status].description != news[status].description:
        yield Change("description-changed", "", NONE, "description changed")


def _required_change(kind: str, required: bool) -> Change:
    if required:
        return Change(f"{kind}-required-added", "", NARROWER, f"{kind} now required")
    return Change(f"{kind}-required-removed", "", WIDER, f"{kind} no longer required")


def _raw(contract: Contract, op: HttpOperation) -> Mapping[str, Any]:
    paths = (contract.openapi_document or {}).get("paths") or {}
    found = (paths.get(op.path) or {}).get(op.method.lower())
    return found if isinstance(found, Mapping) else {}
