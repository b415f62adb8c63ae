"""Schema nodes as one level sees them, and the place in a message a comparison has reached.

The two levels of harness.rules are two views of one document: the **strict** view is the
document as written; the **compatible** view drops, at each node marked ``x-rule: <id>``, the
keywords that rule ``tightens`` (node by node what ``relaxed(root, rules=..., drop=all)``
builds, without copying the document). A node remembers which keywords the view dropped, so
that a comparison can tell "this object admits undeclared fields" from "only a rule forbade
them".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from harness.contract import resolve_pointer
from harness.evolution.changes import Change, Directions
from harness.openapi import escape
from harness.rules import Level, Rule, rule_marks

RefPair = tuple[str | None, str | None]


@dataclass(frozen=True)
class Node:
    """One schema node in one view: its keywords, and which rule owns which keyword here."""

    keywords: Mapping[str, Any]
    owners: Mapping[str, str] = field(default_factory=dict)
    """keyword -> the rule a mark on this node hands it to (present or not)."""
    dropped: frozenset[str] = frozenset()
    """Owned keywords the compatible view removed from this node."""

    def get(self, keyword: str, default: Any = None) -> Any:
        return self.keywords.get(keyword, default)

    def __contains__(self, keyword: str) -> bool:
        return keyword in self.keywords

    def owner(self, keyword: str) -> str | None:
        return self.owners.get(keyword)


@dataclass(frozen=True)
class SchemaSide:
    """One contract's schema root at one level (``compatible`` or strict)."""

    root: Mapping[str, Any]
    rules: Mapping[str, Rule]
    compatible: bool

    def node(self, raw: Any) -> Node:
        schema = as_schema(raw)
        owners: dict[str, str] = {}
        for rid in reversed(rule_marks(schema)):  # the first mark naming a keyword owns it
            owners.update(dict.fromkeys(self.rules[rid].tightens if rid in self.rules else (), rid))
        if not self.compatible or not owners:
            return Node(schema, owners)
        dropped = frozenset(k for k in schema if k in owners)
        kept = {k: v for k, v in schema.items() if k not in dropped}
        return Node(kept, owners, dropped)

    def resolve(self, ref: str) -> Any:
        """The target of a local ``$ref`` (None when it leads nowhere: compared by name only)."""
        try:
            return resolve_pointer(self.root, ref)
        except (KeyError, IndexError, ValueError):
            return None


def as_schema(raw: Any) -> Mapping[str, Any]:
    """A schema as a mapping: ``true`` (or nothing) accepts everything, ``false`` nothing."""
    if isinstance(raw, Mapping):
        return raw
    return {"not": {}} if raw is False else {}


@dataclass(frozen=True)
class Place:
    """Where in the instance a comparison is (a JSON pointer), and how it got there."""

    pointer: str = ""
    route: tuple[str, ...] = ()
    required: bool = True
    """Whether the instance here is always present (a default then never applies)."""
    rule: str | None = None
    """The rule that owns the keyword this subtree hangs from (its findings are that rule's)."""
    refs: frozenset[RefPair] = frozenset()
    """The ``$ref`` pairs followed on the way here (a recursive schema stops at the second)."""

    def field(self, name: str, *, required: bool, rule: str | None = None) -> Place:
        pointer = f"{self.pointer}/{escape(name)}"
        return replace(self, pointer=pointer, required=required, rule=rule or self.rule)

    def member(self, rule: str | None = None) -> Place:
        """Any item of an array, any undeclared member of an object: ``/*``."""
        return replace(self, pointer=f"{self.pointer}/*", required=True, rule=rule or self.rule)

    def branch(self, label: str, rule: str | None = None) -> Place:
        return replace(self, route=(*self.route, label), rule=rule or self.rule)

    def following(self, pair: RefPair, rule: str | None) -> Place:
        return replace(self, refs=self.refs | {pair}, rule=rule or self.rule)

    def change(
        self,
        kind: str,
        directions: Directions,
        detail: str,
        *,
        subject: str = "",
        rule: str | None = None,
        level: Level | None = None,
    ) -> Change:
        """A change found here, owned by ``rule`` (else by the rule of the subtree)."""
        return Change(
            kind=kind,
            pointer=self.pointer,
            directions=directions,
            detail=detail,
            subject=subject,
            route=self.route,
            rule=rule or self.rule,
            level=level,
        )
