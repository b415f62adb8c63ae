"""The contract's declarations: its services (``x-services``) and named rules (``x-rules``).

A service's ``source_service`` string is what the wire check attributes its messages by: a new
string is for the service to write (a ``rule`` finding when the contract declares a rule
``checked-on: source_service``, else breaking for that producer). A new consumer group starts
with no committed offsets, so the service re-reads or skips its channels: breaking for it as a
consumer. A rule added, removed or re-scoped (``tightens``, ``checked-on``) is a ``rule``
finding; what it moves between the levels is found where it is marked (the schema comparison).
"""

from __future__ import annotations

from collections.abc import Iterator

from harness.contract import Contract, Service
from harness.evolution.changes import NARROWER, NONE, WIDER, Change, Finding, Roles, finding
from harness.rules import Level, Rule

NOBODY = Roles((), ())


def service_findings(old: Contract, new: Contract) -> Iterator[Finding]:
    for sid in dict.fromkeys([*old.services, *new.services]):
        subject = f"service {sid}"
        if sid not in new.services:
            yield _note("service-removed", subject, f"service {sid} removed", services=(sid,))
        elif sid not in old.services:
            yield _note("service-added", subject, f"service {sid} added", services=(sid,))
        else:
            for change in _service(new, old.services[sid], new.services[sid]):
                yield finding(change, subject, Roles((sid,), (sid,)))


def _service(new: Contract, before: Service, after: Service) -> Iterator[Change]:
    if before.source_service != after.source_service:
        detail = f"source_service {before.source_service} -> {after.source_service}"
        rule = new.wire_rule("source_service")
        level, rule_id = (Level.RULE, rule.id) if rule else (None, None)
        yield Change("source-service-changed", "", NARROWER, detail, rule=rule_id, level=level)
    if before.consumer_group != after.consumer_group:
        detail = f"consumer group {before.consumer_group} -> {after.consumer_group}: no offsets yet"
        yield Change("consumer-group-changed", "", WIDER, detail)
    if before.seen_source_services != after.seen_source_services:
        detail = f"x-seen-source-services {list(before.seen_source_services)} -> "
        yield Change(
            "seen-source-services-changed", "", NONE, detail + str(list(after.seen_source_services))
        )
    if before.title != after.title:
        yield Change("description-changed", "", NONE, f"title {before.title} -> {after.title}")


def rule_findings(old: Contract, new: Contract) -> Iterator[Finding]:
    for rid in dict.fromkeys([*old.rules, *new.rules]):
        subject = f"rule {rid}"
        if rid not in new.rules:
            yield _rule_level("rule-removed", subject, rid, f"rule {rid} removed")
        elif rid not in old.rules:
            yield _rule_level(
                "rule-added", subject, rid, f"rule {rid} added ({new.rules[rid].where})"
            )
        else:
            yield from _rule(subject, old.rules[rid], new.rules[rid])


def _rule(subject: str, before: Rule, after: Rule) -> Iterator[Finding]:
    if before.tightens != after.tightens:
        detail = f"tightens {list(before.tightens)} -> {list(after.tightens)}"
        yield _rule_level("rule-tightens-changed", subject, after.id, detail)
    if before.checked_on != after.checked_on:
        detail = f"checked-on {before.checked_on} -> {after.checked_on}"
        yield _rule_level("rule-check-changed", subject, after.id, detail)
    texts = ("statement", "rationale", "real_system")
    for name in (t for t in texts if getattr(before, t) != getattr(after, t)):
        yield _note("rule-text-changed", subject, f"{name.replace('_', '-')} changed")


def _rule_level(kind: str, subject: str, rule_id: str, detail: str) -> Finding:
    change = Change(kind, "", NONE, detail, rule=rule_id, level=Level.RULE)
    return finding(change, subject, NOBODY)


def _note(kind: str, subject: str, detail: str, *, services: tuple[str, ...] = ()) -> Finding:
    return finding(Change(kind, "", NONE, detail, services=services), subject, NOBODY)
