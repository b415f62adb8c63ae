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
MOST_ROWS = 150
"""Rows per Markdown table at most (GitHub refuses a comment past 65,536 characters)."""


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
    findings, and the compatible ones folded away. One change seen in many messages (a shared
    schema) is one row naming them, so that the comment stays readable (and under GitHub's
    size limit); the text and JSON formats keep one finding per message."""
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


def _table(findings: list[Finding], most: int = MOST_ROWS) -> list[str]:
    rows = ["| Verdict | Change | Where | Must change | Detail |", "|---|---|---|---|---|"]
    groups = _grouped(findings)
    for first, subjects, services in groups[:most]:
        cells = (first.label, f"`{first.kind}`", _where(first, subjects), ", ".join(services))
        rows.append("| " + " | ".join(_cell(c) for c in (*cells, first.detail)) + " |")
    if len(groups) > most:
        rows.append(f"| … | {len(groups) - most} more rows | | | see `--format text` |")
    return rows


def _grouped(findings: list[Finding]) -> list[tuple[Finding, list[str], list[str]]]:
    """The same change (kind, place, detail, verdict) in several subjects, as one group."""
    groups: dict[tuple[str, ...], tuple[Finding, list[str], list[str]]] = {}
    for f in findings:
        key = (f.verdict.value, f.kind, f.part, f.pointer, f.branch, f.detail, f.rule or "")
        _, subjects, services = groups.setdefault(key, (f, [], []))
        subjects.append(f.subject)
        services.extend(s for s in f.services if s not in services)
    return list(groups.values())


def _where(first: Finding, subjects: list[str]) -> str:
    if len(subjects) == 1:
        return f"`{first.where}`"
    place = " ".join(p for p in (first.part, first.pointer) if p) or "/"
    named = ", ".join(s.split()[0] for s in subjects[:3])
    more = f" and {len(subjects) - 3} more" if len(subjects) > 3 else ""
    return f"`{place}` in {len(subjects)}: {named}{more}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
