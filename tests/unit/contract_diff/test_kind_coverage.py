"""The change-kind tables together: at least forty kinds, and no change is no finding."""

from __future__ import annotations

from pathlib import Path

from harness.contract import Contract
from harness.evolution import diff_contracts
from tests.unit.contract_diff import (
    minimal,
    test_http_changes,
    test_kafka_changes,
    test_rule_changes,
    test_schema_changes,
)
from tests.unit.contract_diff.table import expectations

TABLES = (test_schema_changes, test_rule_changes, test_kafka_changes, test_http_changes)


def test_the_tables_cover_at_least_forty_change_kinds() -> None:
    kinds = {e.kind for table in TABLES for e in expectations(table.ROWS)}
    assert len(kinds) >= 40, sorted(kinds)


def test_every_verdict_appears_in_the_tables() -> None:
    verdicts = {e.verdict for table in TABLES for e in expectations(table.ROWS)}
    assert {v.value for v in verdicts} == {
        "breaking-for-consumers",
        "breaking-for-producers",
        "breaking-both",
        "rule",
        "compatible",
    }


def test_the_unedited_minimal_contract_has_no_changes(old: Contract, tmp_path: Path) -> None:
    assert diff_contracts(old, minimal.contract(tmp_path)).findings == ()
