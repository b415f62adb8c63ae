"""The keywords that compare on their own: types, values, bounds, strings, defaults, notes.

Each step takes the old and the new node (as one level sees them) and the place, and yields
the changes of its keywords. A keyword added constrains (narrower), removed frees (wider);
a lower bound raised or an upper bound lowered is narrower, the reverse wider.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from harness.evolution.changes import BOTH, NARROWER, NONE, WIDER, Change
from harness.evolution.nodes import Node, Place

LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
STRING_RULES = ("pattern", "format", "multipleOf")
"""Keywords whose values cannot be ordered: added narrows, removed widens, changed is both."""
NOTES = ("description", "title", "examples", "example", "deprecated", "readOnly", "writeOnly")
"""Annotations: no instance is valid or invalid because of them."""
STRUCTURE = (
    "$ref",
    "type",
    "nullable",
    "enum",
    "const",
    "uniqueItems",
    "default",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "propertyNames",
    "$comment",
)
KNOWN = frozenset((*LOWER_BOUNDS, *UPPER_BOUNDS, *STRING_RULES, *NOTES, *STRUCTURE))
JSON_TYPES = ("null", "boolean", "integer", "number", "string", "array", "object")


def kebab(keyword: str) -> str:
    """``maxLength`` -> ``max-length``: the keyword part of a change's kind."""
    return re.sub(r"(?<!^)([A-Z])", r"-\1", keyword).lower()


def shown(value: Any) -> str:
    """A JSON value as text (YAML dates as strings): also the identity of an enum value."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def same(old: Any, new: Any) -> bool:
    return shown(old) == shown(new)


TYPE_KINDS = {WIDER: "type-widened", NARROWER: "type-narrowed", BOTH: "type-changed"}


# --- types and values -------------------------------------------------------------------


def types(o: Node, n: Node, at: Place) -> Iterator[Change]:
    """``type`` (with ``nullable``); a side without one admits the types its enum or const
    implies (``{const: x}`` -> ``{type: string, const: x}`` is no type change). Where neither
    side declares a type, the enum and const steps say what changed."""
    if not any(k in node for node in (o, n) for k in ("type", "nullable")):
        return
    old, new = _types(o), _types(n)
    if old == new:
        return
    rule = o.owner("type") or n.owner("type")
    gained = _uncovered(new, old)
    lost = _uncovered(old, new)
    if "null" in gained:
        yield at.change("nullable-added", WIDER, "null is now allowed", rule=rule)
    if "null" in lost:
        yield at.change("nullable-removed", NARROWER, "null is no longer allowed", rule=rule)
    ways = (WIDER if gained - {"null"} else NONE) | (NARROWER if lost - {"null"} else NONE)
    if ways:
        detail = f"type {_typetext_of(old)} -> {_typetext_of(new)}"
        yield at.change(TYPE_KINDS[ways], ways, detail, rule=rule)


def _types(node: Node) -> frozenset[str] | None:
    """The JSON types a node admits; None for any."""
    declared = node.get("type")
    if declared is None:
        values = _values(node)
        if values is None:
            return None
        found = frozenset(map(_json_type, values))
    else:
        found = frozenset([declared] if isinstance(declared, str) else map(str, declared))
    return found | {"null"} if node.get("nullable") is True else found


def _values(node: Node) -> list[Any] | None:
    """The values an enum or const allows, when the node has one."""
    if isinstance(node.get("enum"), list):
        return list(node.get("enum"))
    return [node.get("const")] if "const" in node else None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    names = {int: "integer", float: "number", str: "string", list: "array", dict: "object"}
    return names.get(type(value), "object")


def _uncovered(these: frozenset[str] | None, by: frozenset[str] | None) -> frozenset[str]:
    """The types of ``these`` that ``by`` does not admit (an integer is a number)."""
    if by is None:
        return frozenset()
    listed = frozenset(JSON_TYPES) if these is None else these
    return frozenset(t for t in listed if t not in by and not (t == "integer" and "number" in by))


def _typetext_of(found: frozenset[str] | None) -> str:
    return "any" if found is None else "|".join(t for t in JSON_TYPES if t in found)


def enum(o: Node, n: Node, at: Place) -> Iterator[Change]:
    """``enum``: each value added widens, each removed narrows; an enum appearing narrows."""
    old, new = o.get("enum"), n.get("enum")
    rule = o.owner("enum") or n.owner("enum")
    if old is None or new is None:
        if old != new:
            kind, ways = ("enum-added", NARROWER) if old is None else ("enum-removed", WIDER)
            detail = f"enum {_values_text(old)} -> {_values_text(new)}"
            yield at.change(kind, ways, detail, rule=rule)
        return
    before, after = {shown(v): v for v in old}, {shown(v): v for v in new}
    for text in after.keys() - before.keys():
        yield at.change("enum-value-added", WIDER, f"{text} added", subject=text, rule=rule)
    for text in before.keys() - after.keys():
        yield at.change("enum-value-removed", NARROWER, f"{text} removed", subject=text, rule=rule)


def _values_text(values: list[Any] | None, shown_at_most: int = 6) -> str:
    if values is None:
        return "none"
    listed = ", ".join(shown(v) for v in values[:shown_at_most])
    more = f" and {len(values) - shown_at_most} more" if len(values) > shown_at_most else ""
    return f"[{listed}{more}]"


def const(o: Node, n: Node, at: Place) -> Iterator[Change]:
    yield from _unordered(o, n, at, "const")


def strings(o: Node, n: Node, at: Place) -> Iterator[Change]:
    """``pattern``, ``format``, ``multipleOf``: no order between two values, so a change is both."""
    for keyword in STRING_RULES:
        yield from _unordered(o, n, at, keyword)


def _unordered(o: Node, n: Node, at: Place, keyword: str) -> Iterator[Change]:
    motion = presence(o, n, keyword)
    if motion is None:
        return
    ways = {"added": NARROWER, "removed": WIDER, "changed": BOTH}[motion]
    detail = f"{keyword} {text_of(o, keyword)} -> {text_of(n, keyword)}"
    rule = o.owner(keyword) or n.owner(keyword)
    yield at.change(f"{kebab(keyword)}-{motion}", ways, detail, rule=rule)


def presence(o: Node, n: Node, keyword: str) -> str | None:
    """``added``, ``removed``, ``changed`` or None (the same, or absent from both)."""
    if keyword not in o:
        return None if keyword not in n else "added"
    if keyword not in n:
        return "removed"
    return None if same(o.get(keyword), n.get(keyword)) else "changed"


def text_of(node: Node, keyword: str) -> str:
    return shown(node.get(keyword)) if keyword in node else "none"


def unique_items(o: Node, n: Node, at: Place) -> Iterator[Change]:
    old, new = o.get("uniqueItems") is True, n.get("uniqueItems") is True
    if old != new:
        rule = o.owner("uniqueItems") or n.owner("uniqueItems")
        kind, ways = ("unique-items-added", NARROWER) if new else ("unique-items-removed", WIDER)
        yield at.change(kind, ways, f"uniqueItems {old} -> {new}", rule=rule)


# --- bounds -------------------------------------------------------------------------------


def bounds(o: Node, n: Node, at: Place) -> Iterator[Change]:
    """Each bound: a lower one raised (or added) narrows, an upper one lowered (or added) too."""
    for keyword in (*LOWER_BOUNDS, *UPPER_BOUNDS):
        old, new = o.get(keyword), n.get(keyword)
        if old == new:
            continue
        if not _number(old) or not _number(new):
            yield from _unordered(o, n, at, keyword)
            continue
        motion = _motion(old, new)
        ways = NARROWER if _tightens(keyword, motion) else WIDER
        rule = o.owner(keyword) or n.owner(keyword)
        detail = f"{keyword} {text_of(o, keyword)} -> {text_of(n, keyword)}"
        yield at.change(f"{kebab(keyword)}-{motion}", ways, detail, rule=rule)


def _number(value: Any) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def _tightens(keyword: str, motion: str) -> bool:
    """A bound added tightens; a lower bound raised or an upper bound lowered too."""
    if motion in ("added", "removed"):
        return motion == "added"
    return (motion == "raised") == (keyword in LOWER_BOUNDS)


def _motion(old: float | None, new: float | None) -> str:
    if old is None:
        return "added"
    if new is None:
        return "removed"
    return "raised" if new > old else "lowered"


# --- requirement, defaults, the rest ------------------------------------------


def required(o: Node, n: Node, at: Place) -> Iterator[Change]:
    """``required``: each name newly required narrows, each name no longer required widens."""
    old, new = list(o.get("required") or ()), list(n.get("required") or ())
    for name in (x for x in new if x not in old):
        here = at.field(name, required=True)
        detail = f"{name} is now required"
        yield here.change("field-required-added", NARROWER, detail, rule=n.owner("required"))
    for name in (x for x in old if x not in new):
        here = at.field(name, required=False)
        detail = f"{name} is no longer required"
        yield here.change("field-required-removed", WIDER, detail, rule=o.owner("required"))


def default(o: Node, n: Node, at: Place) -> Iterator[Change]:
    """``default``: what a receiver fills in for an absent field.

    Validation ignores it, but meaning does not: a new sender that omits the field means the
    new default, an old receiver reads the old one (consumers), and an old sender that omits
    it meant the old default, a new receiver reads the new one (producers). A field that is
    always present never takes its default: then the change is compatible.
    """
    motion = presence(o, n, "default")
    if motion is not None:
        ways = NONE if at.required else BOTH
        detail = f"default {text_of(o, 'default')} -> {text_of(n, 'default')}"
        yield at.change(f"default-{motion}", ways, detail)


def unknown(o: Node, n: Node, at: Place) -> Iterator[Change]:
    """Any other assertion keyword (``if``, ``contains``, ``dependencies``...): a change
    whose effect is not worked out is taken as breaking both ways."""
    names = dict.fromkeys([*o.keywords, *n.keywords])
    for keyword in (k for k in names if k not in KNOWN and not k.startswith("x-")):
        if presence(o, n, keyword) is not None:
            detail = f"{keyword} {text_of(o, keyword)} -> {text_of(n, keyword)} (assumed both ways)"
            rule = o.owner(keyword) or n.owner(keyword)
            yield at.change("keyword-changed", BOTH, detail, subject=keyword, rule=rule)
