"""Whether two schemas are the same as written, following every ``$ref`` into its own side.

Two nodes are the same when they have the same keywords with the same values, and every
``$ref`` in them names the same pointer, whose targets (in their own documents) are the same
in turn. Results are kept per pointer; a recursive schema is taken as equal where it loops
back, and a result that rests on that assumption is kept only once nothing is open.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.evolution.nodes import SchemaSide


class SchemaEquality:
    """Equality between the schemas of two sides (see the module doc)."""

    def __init__(self, old: SchemaSide, new: SchemaSide) -> None:
        self.old = old
        self.new = new
        self._equal_refs: dict[str, bool] = {}
        self._open: set[str] = set()
        self._assumed = False

    def same(self, old: Any, new: Any) -> bool:
        """Equal as written, following every ``$ref`` (the same pointer, equal targets)."""
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            if old.keys() != new.keys():
                return False
            return all(
                self._same_ref(v, new[k]) if k == "$ref" else self.same(v, new[k])
                for k, v in old.items()
            )
        if isinstance(old, list) and isinstance(new, list):
            return len(old) == len(new) and all(map(self.same, old, new))
        return type(old) is type(new) and old == new

    def _same_ref(self, old: Any, new: Any) -> bool:
        if old != new or not isinstance(old, str):
            return False
        if old in self._equal_refs:
            return self._equal_refs[old]
        if old in self._open:  # a recursive schema: equal unless something else differs
            self._assumed = True
            return True
        outer, self._assumed = self._assumed, False
        self._open.add(old)
        result = self.same(self.old.resolve(old), self.new.resolve(new))
        self._open.discard(old)
        if not result or not self._assumed or not self._open:  # not resting on an assumption
            self._equal_refs[old] = result
        self._assumed = outer or (self._assumed and bool(self._open))
        return result
