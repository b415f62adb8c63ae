"""The report: collapsed arrows, Mermaid text, and an HTML page that carries every payload."""

from __future__ import annotations

from pathlib import Path

from harness.contract import Contract
from harness.errors import Violation
from harness.observed import ObservedMessage
from harness.report import arrows, sequence_diagram, write_report


def _seen(contract: Contract, channel_id: str, at: float, *, bad: bool = False) -> ObservedMessage:
    channel = contract.channel(channel_id)
    violations = (Violation(channel.address, channel.message.name, "/x", "broken"),) if bad else ()
    return ObservedMessage(
        channel, channel.address, "k", 0, 0, at, dict(channel.message.examples[0]), violations
    )


def test_per_essay_exchanges_collapse_into_counted_arrows(contract: Contract) -> None:
    flow = [
        _seen(contract, "essayLifecycleSpellcheckRequest", 1),
        _seen(contract, "spellcheckPhaseCompleted", 2),
        _seen(contract, "spellcheckResult", 3),
        _seen(contract, "essayLifecycleSpellcheckRequest", 4),
        _seen(contract, "spellcheckPhaseCompleted", 5),
        _seen(contract, "spellcheckResult", 6),
        _seen(contract, "elsBatchPhaseOutcome", 7),
    ]
    drawn = [(a.sender, a.name, a.count) for a in arrows(flow, contract)]
    assert drawn == [
        ("els", "EssayLifecycleSpellcheckRequestV1", 2),
        ("spellchecker", "SpellcheckPhaseCompletedV1", 2),
        ("spellchecker", "SpellcheckResultV1", 2),
        ("els", "ELSBatchPhaseOutcomeV1", 1),
    ]


def test_the_diagram_marks_invalid_messages(contract: Contract) -> None:
    text = sequence_diagram([_seen(contract, "batchPipelineCompleted", 1, bad=True)], contract)
    assert text.startswith("sequenceDiagram")
    assert "bos-xbcs: BatchPipelineCompletedV1 (1 INVALID)" in text


def test_the_page_holds_the_diagram_the_timeline_and_the_payloads(
    contract: Contract, tmp_path: Path
) -> None:
    message = _seen(contract, "batchPipelineCompleted", 1)
    page = write_report(
        [message], contract, tmp_path / "r" / "run.html", title="a run", summary=["all good"]
    )
    html = page.read_text()
    assert "sequenceDiagram" in html and "all good" in html
    assert str(message.data["batch_id"]) in html  # the payload, one click away
    assert (tmp_path / "r" / "mermaid.min.js").stat().st_size > 1_000_000
