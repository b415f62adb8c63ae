"""What validation ignores but a reviewer wants to see: notes, and the ``x-rule`` marks.

Descriptions, titles and examples are compatible. A mark added hands a node's keywords to a
rule: they leave the compatible schema (which that comparison reports as a widening) and stay
in the strict one; the mark itself is a ``rule`` finding. A mark removed is the reverse.
"""

from __future__ import annotations

from collections.abc import Iterator

from harness.evolution.changes import NONE, Change
from harness.evolution.keywords import NOTES, kebab, presence
from harness.evolution.nodes import Node, Place
from harness.rules import RULE_MARK, Level, rule_marks


def notes(o: Node, n: Node, at: Place) -> Iterator[Change]:
    """Descriptions, titles, examples: compatible, reported so that a reviewer sees them."""
    for keyword in NOTES:
        if presence(o, n, keyword) is not None:
            yield at.change(f"{kebab(keyword)}-changed", NONE, f"{keyword} changed")


def marks(o: Node, n: Node, at: Place) -> Iterator[Change]:
    """``x-rule`` marks added and removed, each naming the keywords it moves."""
    old, new = rule_marks(o.keywords), rule_marks(n.keywords)
    for rid in (r for r in new if r not in old):
        moved = ", ".join(k for k, owner in n.owners.items() if owner == rid and _has(n, k))
        detail = f"{RULE_MARK}: {rid} added ({moved or 'no keyword here'} now at the rule level)"
        yield at.change("rule-mark-added", NONE, detail, subject=rid, rule=rid, level=Level.RULE)
    for rid in (r for r in old if r not in new):
        moved = ", ".join(k for k, owner in o.owners.items() if owner == rid and _has(o, k))
        detail = f"{RULE_MARK}: {rid} removed ({moved or 'no keyword here'} now breaking)"
        yield at.change("rule-mark-removed", NONE, detail, subject=rid, rule=rid, level=Level.RULE)


def _has(node: Node, keyword: str) -> bool:
    """Whether the node, as written, has the keyword (the compatible view may have dropped it)."""
    return keyword in node or keyword in node.dropped
