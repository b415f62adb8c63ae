"""The Markdown comment groups one change seen in many messages, and stays short."""

from __future__ import annotations

from pathlib import Path

from harness.contract import Contract
from harness.evolution import diff_contracts
from harness.evolution.render import as_markdown, as_text, render
from tests.unit.contract_diff import minimal


def _envelope_type_changed(old: Contract, folder: Path) -> str:
    document = minimal.asyncapi()
    envelope = document["components"]["schemas"]["EventEnvelope"]
    envelope["properties"]["source_service"]["type"] = "integer"
    result = diff_contracts(old, minimal.contract(folder, document))
    assert len(result.breaking) == 2  # one per channel
    return as_markdown(result, "old", "new")


def test_a_change_in_a_shared_schema_is_one_markdown_row(old: Contract, tmp_path: Path) -> None:
    text = _envelope_type_changed(old, tmp_path)
    rows = [line for line in text.splitlines() if line.startswith("| breaking")]
    assert rows == [
        "| breaking-both | `type-changed` | `/source_service` in 2: batchRegistered, "
        "phaseOutcome | els, result_aggregator, bos | type string -> integer |"
    ]


def test_text_keeps_one_line_per_message(old: Contract, tmp_path: Path) -> None:
    document = minimal.asyncapi()
    envelope = document["components"]["schemas"]["EventEnvelope"]
    envelope["properties"]["source_service"]["type"] = "integer"
    result = diff_contracts(old, minimal.contract(tmp_path, document))
    lines = as_text(result, "old", "new").splitlines()
    assert [line.split(" /")[0] for line in lines] == [
        "breaking-both: batchRegistered BatchRegisteredV1",
        "breaking-both: phaseOutcome PhaseOutcomeV1",
    ]
    assert render(result, "text", old="o", new="n") == "\n".join(lines)


def test_a_long_table_is_cut_with_a_pointer_to_the_text_format(
    old: Contract, tmp_path: Path
) -> None:
    document = minimal.asyncapi()
    phase = document["components"]["schemas"]["Phase"]
    phase["enum"] = [*phase["enum"], *(f"phase_{i}" for i in range(200))]
    result = diff_contracts(old, minimal.contract(tmp_path, document))
    text = as_markdown(result, "old", "new")
    assert len(text) < 65_536
    assert "| … | 250 more rows | | | see `--format text` |" in text
