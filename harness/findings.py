"""Findings for a person, grouped by level and rule (the CLI, the reports, the wire check).

Breaking findings come first, then each named rule's breaches under its id::

    for heading, members in grouped(violations):
        print(heading)                  # 'breaking (2)', then 'rule utc-timestamps (1)'
    counts(violations)                  # '2 breaking, 1 rule breach (utc-timestamps 1)'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from harness.errors import Violation
from harness.rules import Judgement


def grouped(violations: Sequence[Violation]) -> list[tuple[str, list[Violation]]]:
    """(heading, findings) per level and rule: breaking first, then the rules by id."""
    return [
        (f"{label} ({len(members)})", members) for label, members in _by_label(violations).items()
    ]


def _by_label(violations: Sequence[Violation]) -> dict[str, list[Violation]]:
    groups: dict[str, list[Violation]] = {}
    for violation in sorted(violations, key=lambda v: (not v.breaking, v.rule or "")):
        groups.setdefault(violation.label, []).append(violation)
    return groups


def tally(violations: Sequence[Violation]) -> dict[str, int]:
    """How many findings per level and rule, for JSON: ``{"breaking": 2, "rule x": 1}``."""
    return {label: len(members) for label, members in _by_label(violations).items()}


def counts(violations: Sequence[Violation]) -> str:
    """One line: how many breaking findings, how many rule breaches of which rules."""
    breaking = sum(1 for v in violations if v.breaking)
    rules = Counter(v.rule for v in violations if not v.breaking)
    line = f"{breaking} breaking, {sum(rules.values())} rule breach(es)"
    if rules:
        line += " (" + ", ".join(f"{r} {n}" for r, n in sorted(rules.items(), key=str)) + ")"
    return line


def describe(violations: Sequence[Violation], judgement: Judgement | None = None) -> list[str]:
    """Each distinct finding for a person, under its level and rule: the message, its channel,
    the JSON pointer, the reason, how many messages broke it that way, and (with a judgement)
    whether it fails the run."""
    lines = []
    for heading, members in grouped(violations):
        lines.append(heading)
        for violation, n in Counter(members).items():
            verdict = ""
            if judgement is not None and not violation.breaking:
                verdict = " - fails" if judgement.fails(violation) else " - reported"
            sender = f" from {violation.sender}" if violation.sender else ""
            lines.append(
                f"  {violation.message} on channel {violation.channel}{sender} at "
                f"{violation.pointer or '/'}: {violation.reason}"
                + (f" (x{n})" if n > 1 else "")
                + verdict
            )
    return lines
