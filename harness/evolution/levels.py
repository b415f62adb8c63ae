"""The two levels of a schema change: breaking (the compatible schemas) and rule (the strict).

Each schema is compared twice: as the real consumers see it (the compatible view, every rule's
keywords dropped where marked) and as written (strict). What the compatible comparison finds is
breaking in its directions; what only the strict one adds is a ``rule`` finding of the rule
that owns the keyword (``x-rule`` on the node). A mark added to a node takes its keywords out
of the compatible schema, which that comparison sees as a widening (breaking for consumers:
the contract stops promising the receivers a check); a mark removed is the reverse.

Example::

    levels = LeveledComparison(old_contract, new_contract)
    levels.at(channel.message.payload_pointer, channel.message.payload_pointer)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from harness.contract import Contract
from harness.evolution.changes import NONE, Change
from harness.evolution.nodes import Place, SchemaSide
from harness.evolution.walk import SchemaComparison
from harness.rules import Level


class LeveledComparison:
    """Compares schemas of two contracts at both levels, and tells the levels apart."""

    def __init__(self, old: Contract, new: Contract) -> None:
        self.compatible = SchemaComparison(_side(old, compatible=True), _side(new, compatible=True))
        self.strict = SchemaComparison(_side(old, compatible=False), _side(new, compatible=False))

    def at(self, old_pointer: str, new_pointer: str) -> list[Change]:
        """The leveled changes between the schemas at two pointers (``#/components/...``)."""
        loose = self.compatible.at(old_pointer, new_pointer, Place())
        tight = self.strict.at(old_pointer, new_pointer, Place())
        return list(leveled(loose, tight))


def _side(contract: Contract, *, compatible: bool) -> SchemaSide:
    return SchemaSide(contract.schema_root, contract.rules, compatible=compatible)


def leveled(compatible: Iterable[Change], strict: Iterable[Change]) -> Iterator[Change]:
    """One list from the two comparisons, each change at its level (see the module doc)."""
    loose = {c.key: c for c in compatible}
    tight = {c.key: c for c in strict}
    for key in dict.fromkeys([*loose, *tight]):
        yield from _level(loose.get(key), tight.get(key))


def _level(loose: Change | None, tight: Change | None) -> Iterator[Change]:
    seen = loose or tight
    if seen is None:
        return
    if seen.level is Level.RULE:  # a change of the rules themselves (a mark)
        yield seen
        return
    breaking = loose.directions if loose else NONE
    rule_only = (tight.directions - breaking) if tight else NONE
    if breaking:
        yield _moved(seen) if tight is None and seen.rule else seen
    if tight is not None and rule_only:
        yield replace(tight, directions=rule_only, level=Level.RULE, rule=tight.rule or seen.rule)
    if not breaking and not rule_only:
        yield replace(seen, directions=NONE)


def _moved(change: Change) -> Change:
    """A change only the compatible schema sees: a keyword moved between the levels (a mark
    added or removed, a rule's ``tightens`` changed)."""
    detail = f"{change.detail} (in the compatible schema: rule {change.rule}'s share changed)"
    return replace(change, detail=detail)
