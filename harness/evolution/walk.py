"""The schema walk: two schemas compared node by node, through ``$ref``, fields and branches.

Where a field is new, what it is compared with is what the old object said of a name it did
not declare (JSON Schema semantics, honestly):

- ``additionalProperties: false``: no old receiver accepts the field, so it is **wider**
  (the receivers must change).
- ``additionalProperties`` owned by a rule (``no-unknown-fields`` on every data model of this
  contract): in the compatible schema the old object admitted the name with any value, so a
  typed new field narrows what a sender may write there; but an old sender that wrote it
  already broke that rule. Compatible at the breaking level; the strict schema, where the
  object was closed, reports the field as a ``rule`` finding of that rule (strict receivers
  flag it as unknown; the real ones drop it).
- open (``additionalProperties`` absent, ``true`` or a schema, as the envelope's ``metadata``):
  the name was admitted with that schema, so the field is compared with it: a typed field in
  an open bag is **narrower** (a sender may already write that key with another value), a field
  that admits anything is compatible.

A field removed is the mirror image. ``$ref`` targets are resolved on both sides: a retarget
to an identical schema is compatible (and reported), otherwise the targets are compared; a
recursive schema stops at the second visit of a pair of targets. Branches of ``anyOf`` and
``oneOf`` are paired (identical ones first, then by position): an unpaired new branch widens,
an unpaired old one narrows. Limits: the effect of a sibling ``allOf`` branch's
``additionalProperties`` on a new field is not worked out, nor overlap between ``oneOf``
branches (a branch added is taken as wider).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from harness.evolution import keywords
from harness.evolution.annotations import marks, notes
from harness.evolution.changes import NARROWER, NONE, WIDER, Change, Directions
from harness.evolution.keywords import kebab
from harness.evolution.nodes import Node, Place, SchemaSide, as_schema
from harness.evolution.sameness import SchemaEquality

ADDITIONAL = "additionalProperties"
Indexed = tuple[int, Any]
Step = Callable[[Node, Node, Place], Iterator[Change]]
VALUE_STEPS: tuple[Step, ...] = (
    keywords.types,
    keywords.enum,
    keywords.const,
    keywords.strings,
    keywords.unique_items,
    keywords.bounds,
    keywords.required,
    keywords.default,
    keywords.unknown,
    notes,
    marks,
)
"""The steps run at every pair of nodes, before the walk descends."""


class SchemaComparison:
    """Compares schemas of one contract with those of another, at one level."""

    def __init__(self, old: SchemaSide, new: SchemaSide) -> None:
        self.old = old
        self.new = new
        self._equal = SchemaEquality(old, new)
        # Literal equality settles a pair only when both sides drop the same keywords.
        self._literal_settles = old.compatible == new.compatible and _levels(old) == _levels(new)

    def at(self, old_pointer: str, new_pointer: str, place: Place | None = None) -> list[Change]:
        """The changes between the schema at ``old_pointer`` and the one at ``new_pointer``."""
        return list(
            self.compare(
                self.old.resolve(old_pointer), self.new.resolve(new_pointer), place or Place()
            )
        )

    def compare(self, old: Any, new: Any, at: Place) -> Iterator[Change]:
        if self._literal_settles and self._equal.same(old, new):
            return
        o, n = self.old.node(old), self.new.node(new)
        if "$ref" in o or "$ref" in n:
            yield from self._through_refs(old, new, o, n, at)
            return
        for step in VALUE_STEPS:
            yield from step(o, n, at)
        yield from self._object(o, n, at)
        yield from self._items(o, n, at)
        yield from self._all_of(o, n, at)
        for keyword in ("anyOf", "oneOf"):
            yield from self._choices(o, n, at, keyword)
        yield from self._not(o, n, at)
        yield from self._subschema(o, n, at, "propertyNames")

    # --- $ref ---------------------------------------------------------------------------

    def _through_refs(self, old: Any, new: Any, o: Node, n: Node, at: Place) -> Iterator[Change]:
        pair = (o.get("$ref"), n.get("$ref"))
        if pair in at.refs:
            return
        if pair[0] != pair[1]:
            before, after = (p or "an inline schema" for p in pair)
            yield at.change("ref-retargeted", NONE, f"$ref {before} -> {after}")
        if pair[0] and pair[1]:  # a $ref's siblings: notes, defaults, marks
            yield from self.compare(_siblings(o), _siblings(n), at)
        inner = at.following(pair, o.owner("$ref") or n.owner("$ref"))
        old = self.old.resolve(pair[0]) if pair[0] else old
        new = self.new.resolve(pair[1]) if pair[1] else new
        yield from self.compare(old, new, inner)

    # --- objects --------------------------------------------------------------------------

    def _object(self, o: Node, n: Node, at: Place) -> Iterator[Change]:
        old, new = o.get("properties") or {}, n.get("properties") or {}
        required = set(n.get("required") or ())
        rule = o.owner("properties") or n.owner("properties")
        for name in dict.fromkeys([*old, *new]):
            here = at.field(name, required=name in required, rule=rule)
            if name in old and name in new:
                yield from self.compare(old[name], new[name], here)
            elif name in new:
                yield self._field_added(o, name, new[name], here)
            else:
                yield self._field_removed(n, name, old[name], here)
        yield from self._additional(o, n, at)

    def _field_added(self, o: Node, name: str, schema: Any, at: Place) -> Change:
        """A new field, against what the old object said of an undeclared name (module doc)."""
        rule = o.owner(ADDITIONAL)
        if ADDITIONAL in o.dropped:
            detail = f"new field {name}: undeclared fields were only against rule {rule}"
            return at.change("field-added", NONE, detail, rule=rule)
        admitted = o.get(ADDITIONAL, True)
        if admitted is False:
            keeps = f"that keep rule {rule}" if rule else ""
            detail = (
                f"new field {name}: old receivers {keeps} reject it (additionalProperties: false)"
            )
            return at.change("field-added", WIDER, detail.replace("  ", " "), rule=rule)
        ways, inner_rule = self._directions(admitted, schema, at)
        detail = f"new field {name}" + (
            ": the object already admitted it with any value a sender chose; now typed"
            if ways
            else ""
        )
        return at.change("field-added", ways, detail, rule=rule or inner_rule)

    def _field_removed(self, n: Node, name: str, schema: Any, at: Place) -> Change:
        """A field no longer declared: the mirror image of a new one."""
        rule = n.owner(ADDITIONAL)
        if ADDITIONAL in n.dropped:
            detail = f"field {name} removed: new receivers ignore it (only rule {rule} forbids it)"
            return at.change("field-removed", NONE, detail, rule=rule)
        admitted = n.get(ADDITIONAL, True)
        if admitted is False:
            detail = f"field {name} removed: new receivers reject it (additionalProperties: false)"
            return at.change("field-removed", NARROWER, detail, rule=rule)
        ways, inner_rule = self._directions(schema, admitted, at)
        detail = f"field {name} removed" + (
            ": a sender may now write it with any value" if ways else ""
        )
        return at.change("field-removed", ways, detail, rule=rule or inner_rule)

    def _directions(self, old: Any, new: Any, at: Place) -> tuple[Directions, str | None]:
        """The directions (and a rule) of every change between two schemas, summed."""
        changes = list(self.compare(old, new, at))
        ways = frozenset(d for c in changes for d in c.directions)
        return ways, next((c.rule for c in changes if c.rule), None)

    def _additional(self, o: Node, n: Node, at: Place) -> Iterator[Change]:
        old, new = o.get(ADDITIONAL, True), n.get(ADDITIONAL, True)
        rule = o.owner(ADDITIONAL) or n.owner(ADDITIONAL)
        if (old is False and new is False) or (old is True and new is True):
            return
        if old is False:
            detail = "additionalProperties false -> undeclared fields allowed"
            yield at.change("additional-properties-opened", WIDER, detail, rule=rule)
        elif new is False:
            detail = "additionalProperties: undeclared fields allowed -> false"
            yield at.change("additional-properties-closed", NARROWER, detail, rule=rule)
        else:
            yield from self.compare(old, new, at.member(rule))

    # --- arrays and branches --------------------------------------------------------------

    def _items(self, o: Node, n: Node, at: Place) -> Iterator[Change]:
        old, new = o.get("items"), n.get("items")
        if old is None and new is None:
            return
        rule = o.owner("items") or n.owner("items")
        if isinstance(old, list) or isinstance(new, list):  # tuple form: position by position
            olds, news = _padded(_listed(old), _listed(new))
            for index, (a, b) in enumerate(zip(olds, news, strict=True)):
                yield from self.compare(a, b, at.field(str(index), required=True, rule=rule))
            return
        yield from self.compare(old, new, at.member(rule))

    def _all_of(self, o: Node, n: Node, at: Place) -> Iterator[Change]:
        """``allOf``: a missing branch is ``{}`` (accepts everything), so a branch added is
        compared with nothing, keyword by keyword (a marked branch adds rules only)."""
        rule = o.owner("allOf") or n.owner("allOf")
        pairs, extra_old, extra_new = self._pair(o.get("allOf") or [], n.get("allOf") or [])
        for (_, a), (j, b) in pairs:
            yield from self.compare(a, b, at.branch(f"allOf/{j}", rule))
        for i, a in extra_old:
            yield from self.compare(a, {}, at.branch(f"allOf/{i}", rule))
        for j, b in extra_new:
            yield from self.compare({}, b, at.branch(f"allOf/{j}", rule))

    def _choices(self, o: Node, n: Node, at: Place, keyword: str) -> Iterator[Change]:
        """``anyOf``/``oneOf``: each branch added widens, each removed narrows."""
        old, new = o.get(keyword), n.get(keyword)
        rule = o.owner(keyword) or n.owner(keyword)
        if old is None and new is None:
            return
        if old is None or new is None:
            yield _appearance(at, keyword, added=old is None, rule=rule)
            return
        pairs, extra_old, extra_new = self._pair(old, new)
        for (_, a), (j, b) in pairs:
            yield from self.compare(a, b, at.branch(f"{keyword}/{j}", rule))
        for j, b in extra_new:
            yield self._branch(at, keyword, j, b, WIDER, rule)
        for i, a in extra_old:
            yield self._branch(at, keyword, i, a, NARROWER, rule)

    def _branch(
        self, at: Place, keyword: str, index: int, raw: Any, ways: Directions, rule: str | None
    ) -> Change:
        motion = "added" if ways == WIDER else "removed"
        if as_schema(raw) == {"type": "null"}:
            detail = f"{keyword} null branch {motion}"
            return at.change(f"nullable-{motion}", ways, detail, rule=rule)
        label = f"{keyword}/{index}"
        what = as_schema(raw).get("$ref", "an inline schema")
        detail = f"{label} ({what}) {motion}"
        return at.change(f"branch-{motion}", ways, detail, subject=label, rule=rule)

    def _not(self, o: Node, n: Node, at: Place) -> Iterator[Change]:
        old, new = o.get("not"), n.get("not")
        if old is None and new is None:
            return
        rule = o.owner("not") or n.owner("not")
        if old is None or new is None:
            yield _appearance(at, "not", added=old is None, rule=rule)
            return
        for change in self.compare(old, new, at.branch("not", rule)):
            yield change.flipped()

    def _subschema(self, o: Node, n: Node, at: Place, keyword: str) -> Iterator[Change]:
        """A keyword holding a schema that is ``{}`` when absent (``propertyNames``)."""
        if keyword in o or keyword in n:
            rule = o.owner(keyword) or n.owner(keyword)
            yield from self.compare(
                o.get(keyword, {}), n.get(keyword, {}), at.branch(keyword, rule)
            )

    # --- pairing and equality ---------------------------------------------------------------

    def _pair(
        self, old: Sequence[Any], new: Sequence[Any]
    ) -> tuple[list[tuple[Indexed, Indexed]], list[Indexed], list[Indexed]]:
        """Pair two branch lists: identical branches first, then the rest in order; return the
        pairs and the unpaired old and new branches. Identical pairs have nothing to compare,
        unless the rules changed what each level drops."""
        olds, news = list(enumerate(old)), list(enumerate(new))
        identical = []
        for j, b in list(news):
            match = next(((i, a) for i, a in olds if self._equal.same(a, b)), None)
            if match is not None:
                olds.remove(match)
                news.remove((j, b))
                identical.append((match, (j, b)))
        count = min(len(olds), len(news))
        pairs = list(zip(olds, news, strict=False))
        return (pairs if self._literal_settles else identical + pairs), olds[count:], news[count:]


def _siblings(node: Node) -> dict[str, Any]:
    return {k: v for k, v in node.keywords.items() if k != "$ref"}


def _appearance(at: Place, keyword: str, *, added: bool, rule: str | None) -> Change:
    """A branching keyword (``anyOf``, ``not``...) appearing narrows, disappearing widens."""
    motion, ways = ("added", NARROWER) if added else ("removed", WIDER)
    return at.change(f"{kebab(keyword)}-{motion}", ways, f"{keyword} {motion}", rule=rule)


def _levels(side: SchemaSide) -> dict[str, tuple[str, ...]]:
    return {rid: rule.tightens for rid, rule in side.rules.items()}


def _listed(items: Any) -> list[Any]:
    if items is None:
        return []
    return list(items) if isinstance(items, list) else [items]


def _padded(old: list[Any], new: list[Any]) -> tuple[list[Any], list[Any]]:
    size = max(len(old), len(new))
    return old + [{}] * (size - len(old)), new + [{}] * (size - len(new))
