"""A contract diff for a person (text), a machine (JSON) or a pull request (Markdown).

Example::

    print(render(result, "markdown", old="git:origin/main", new="contracts/asyncapi.yaml"))
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from harness.evolution.changes import ChangeVerdict, ContractDiff, Finding

FORMATS = ("text", "json", "markdown")


def render(result: ContractDiff, form: str, *, old: str, new: str) -> str:
    """``result`` in ``form`` (one of FORMATS), the sides named ``old`` and ``new``."""
    renderers: dict[str, Callable[[ContractDiff, str, str], str]] = {
        "text": as_text,
        "json": as_json,
        "markdown": as_markdown,
    }
    return renderers[form](result, old, new)


def summary_line(result: ContractDiff, old: str, new: str) -> str:
    verdict = "no changes" if not result.findings else result.summary
    return f"{old} -> {new}: {verdict}"


def as_text(result: ContractDiff, old: str, new: str) -> str:
    """One line per finding (breaking, then rules, then compatible); no summary (the command
    prints it on standard error, as lint and validate do)."""
    return "\n".join(_line(f) for f in result.findings)


def _line(finding: Finding) -> str:
    return f"{finding.label}: {finding.where}: {finding.kind}: {finding.detail}{_named(finding)}"


def _named(finding: Finding) -> str:
    if not finding.services:
        return ""
    who = "concerns" if finding.verdict is ChangeVerdict.COMPATIBLE else "must change"
    return f" [{who}: {', '.join(finding.services)}]"


def as_json(result: ContractDiff, old: str, new: str) -> str:
    document = {
        "old": old,
        "new": new,
        "breaking": bool(result.breaking),
        "summary": result.summary,
        "counts": result.counts,
        "findings": [finding_json(f) for f in result.findings],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "kind": finding.kind,
        "verdict": finding.verdict.value,
        "where": finding.where,
        "subject": finding.subject,
        "part": finding.part,
        "pointer": finding.pointer,
        "branch": finding.branch,
        "services": list(finding.services),
        "rule": finding.rule,
        "detail": finding.detail,
    }


def as_markdown(result: ContractDiff, old: str, new: str) -> str:
    """A pull-request comment: a heading, the verdict, a table of the breaking and rule
    findings, and the compatible ones folded away."""
    lines = [f"### Contract diff: `{old}` → `{new}`", ""]
    if not result.findings:
        return "\n".join([*lines, "No changes."])
    gate = "fails the gate" if result.breaking else "passes the gate"
    lines += [f"**{result.summary}**: this change {gate}.", ""]
    judged = [f for f in result.findings if f.verdict is not ChangeVerdict.COMPATIBLE]
    if judged:
        lines += _table(judged)
    if result.compatible:
        count = len(result.compatible)
        lines += ["", f"<details><summary>{count} compatible change(s)</summary>", ""]
        lines += [*_table(list(result.compatible)), "", "</details>"]
    return "\n".join(lines)


def _table(findings: list[Finding]) -> list[str]:
    rows = ["| Verdict | Change | Where | Must change | Detail |", "|---|---|---|---|---|"]
    for f in findings:
        cells = (f.label, f"`{f.kind}`", f"`{f.where}`", ", ".join(f.services), f.detail)
        rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
