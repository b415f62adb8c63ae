"""The two levels: a rule's keywords, its marks (x-rule) and the rules themselves (x-rules)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.contract import Contract
from tests.unit.contract_diff import minimal
from tests.unit.contract_diff.minimal import Doc
from tests.unit.contract_diff.table import (
    COMPATIBLE,
    CONSUMERS,
    OUTCOME,
    PRODUCERS,
    REGISTERED,
    RULE,
    Edit,
    Expect,
    check,
    doc_edit,
    drop,
    field,
    row,
    schema,
)


def _rule(rid: str, **changes: Any) -> Callable[[Doc], None]:
    def edit(doc: Doc) -> None:
        doc["x-rules"][rid] = {**doc["x-rules"][rid], **changes}

    return edit


def _drop_rule_and_marks(doc: Doc) -> None:
    del doc["x-rules"]["terminal-status"]
    schema("BatchRegisteredV1", "properties", "status", "allOf", "1")(doc).pop("x-rule")


ROWS = [
    # rule levels
    row(
        "x-rule mark added (its keyword leaves the compatible schema)",
        field("PhaseOutcomeV1", "batch_id", "x-rule", "utc-timestamps"),
        Expect("format-removed", CONSUMERS, ("bos",), f"{OUTCOME} /data/batch_id"),
        Expect("rule-mark-added", RULE, (), f"{OUTCOME} /data/batch_id", "utc-timestamps"),
    ),
    row(
        "x-rule mark removed (its keyword becomes breaking)",
        drop("EventEnvelope", "properties", "event_timestamp", "x-rule"),
        Expect("format-added", PRODUCERS, ("bos",), f"{REGISTERED} /event_timestamp"),
        Expect("format-added", PRODUCERS, ("els",), f"{OUTCOME} /event_timestamp"),
        Expect("rule-mark-removed", RULE, (), f"{REGISTERED} /event_timestamp", "utc-timestamps"),
        Expect("rule-mark-removed", RULE, (), f"{OUTCOME} /event_timestamp", "utc-timestamps"),
    ),
    row(
        "rule added",
        doc_edit(
            lambda doc: doc["x-rules"].__setitem__("new-rule", {**minimal.RULES["utc-timestamps"]})
        ),
        Expect("rule-added", RULE, (), "rule new-rule", "new-rule"),
    ),
    row(
        "rule removed with its marks",
        doc_edit(_drop_rule_and_marks),
        Expect("rule-removed", RULE, (), "rule terminal-status", "terminal-status"),
        Expect("rule-mark-removed", RULE, (), f"{REGISTERED} /data/status", "terminal-status"),
        Expect("enum-added", PRODUCERS, ("bos",), f"{REGISTERED} /data/status"),
    ),
    row(
        "rule tightens another keyword",
        doc_edit(_rule("utc-timestamps", tightens=["format", "pattern"])),
        Expect("rule-tightens-changed", RULE, (), "rule utc-timestamps", "utc-timestamps"),
    ),
    row(
        "rule text changed",
        doc_edit(_rule("utc-timestamps", statement="Timestamps are UTC.")),
        Expect("rule-text-changed", COMPATIBLE, where="rule utc-timestamps"),
    ),
]


@pytest.mark.parametrize(("edit", "expected"), ROWS)
def test_a_rule_level_change(
    old: Contract, tmp_path: Path, edit: Edit, expected: tuple[Expect, ...]
) -> None:
    check(old, tmp_path, edit, expected)
