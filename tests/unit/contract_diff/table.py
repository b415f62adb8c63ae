"""The change-kind tables' shared parts: what a row expects, how it edits, how it is checked.

A row edits a fresh copy of the minimal contract's documents (tests/unit/contract_diff/
minimal.py) and names every finding that is not compatible (kind, verdict, the services that
must change, where, the rule), plus any compatible finding it is about: the diff must report
each of them, and no other breaking or rule finding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness.contract import Contract
from harness.evolution import ChangeVerdict, ContractDiff, Finding, diff_contracts
from tests.unit.contract_diff import minimal
from tests.unit.contract_diff.minimal import Doc

CONSUMERS = ChangeVerdict.BREAKING_FOR_CONSUMERS
PRODUCERS = ChangeVerdict.BREAKING_FOR_PRODUCERS
BOTH = ChangeVerdict.BREAKING_BOTH
RULE = ChangeVerdict.RULE
COMPATIBLE = ChangeVerdict.COMPATIBLE
RECEIVERS = ("els", "result_aggregator")  # of batchRegistered; bos sends it
REGISTERED = "batchRegistered BatchRegisteredV1"
OUTCOME = "phaseOutcome PhaseOutcomeV1"
Edit = Callable[[Doc, Doc], None]


@dataclass(frozen=True)
class Expect:
    """A finding a row expects: its kind, verdict, services, where (any when '') and rule."""

    kind: str
    verdict: ChangeVerdict
    services: tuple[str, ...] = ()
    where: str = ""
    rule: str | None = None

    def matches(self, finding: Finding) -> bool:
        return (
            finding.kind == self.kind
            and finding.verdict is self.verdict
            and finding.services == self.services
            and finding.where == (self.where or finding.where)
            and finding.rule == self.rule
        )


def row(name: str, edit: Edit, *expected: Expect) -> Any:
    return pytest.param(edit, expected, id=name)


def expectations(rows: list[Any]) -> list[Expect]:
    return [e for param in rows for e in param.values[1]]


def check(old: Contract, folder: Path, edit: Edit, expected: tuple[Expect, ...]) -> None:
    """The diff of ``old`` against its edited copy reports exactly what the row expects."""
    result = diff_after(old, folder, edit)
    shown = "\n".join(f"{f.label} {f.kind} {f.where} {f.services}" for f in result.findings)
    for one in expected:
        assert any(one.matches(f) for f in result.findings), f"{one}\nnot in:\n{shown}"
    judged = [e for e in expected if e.verdict is not COMPATIBLE]
    unexpected = [
        f
        for f in result.findings
        if f.verdict is not COMPATIBLE and not any(e.matches(f) for e in judged)
    ]
    assert not unexpected, f"unexpected:\n{shown}"
    assert bool(result.breaking) == any(e.verdict.breaking for e in expected)


def diff_after(old: Contract, folder: Path, edit: Edit) -> ContractDiff:
    document, http = minimal.asyncapi(), minimal.openapi()
    edit(document, http)
    return diff_contracts(old, minimal.contract(folder, document, http))


# --- edits ----------------------------------------------------------------------------------


def schema(name: str, *path: str) -> Callable[[Doc], Any]:
    """The node at ``path`` inside components/schemas/<name> of the AsyncAPI document."""

    def node(document: Doc) -> Any:
        found = document["components"]["schemas"][name]
        for part in path:
            found = found[int(part)] if isinstance(found, list) else found[part]
        return found

    return node


def set_(name: str, *path: str, value: Any) -> Edit:
    *parents, last = path
    return lambda doc, api: schema(name, *parents)(doc).__setitem__(last, value)


def drop(name: str, *path: str) -> Edit:
    *parents, last = path
    return lambda doc, api: schema(name, *parents)(doc).pop(last)


def field(name: str, field_name: str, key: str, value: Any) -> Edit:
    return set_(name, "properties", field_name, key, value=value)


def both(*edits: Edit) -> Edit:
    def edit(doc: Doc, api: Doc) -> None:
        for one in edits:
            one(doc, api)

    return edit


def doc_edit(change: Callable[[Doc], Any]) -> Edit:
    return lambda doc, api: change(doc)


def api_edit(change: Callable[[Doc], Any]) -> Edit:
    return lambda doc, api: change(api)


def register(api: Doc) -> Doc:
    return api["paths"]["/v1/batches"]["post"]


def get_batch(api: Doc) -> Doc:
    return api["paths"]["/v1/batches/{batch_id}"]["get"]


def channel(doc: Doc, cid: str) -> Doc:
    return doc["channels"][cid]


def key_binding(doc: Doc, message: str) -> Doc:
    return doc["components"]["messages"][message]["bindings"]["kafka"]
