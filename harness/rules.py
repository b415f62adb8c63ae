"""The contract's two levels: what breaks the real consumers, and what breaks a named clean rule.

The contract states cleaner rules than the real system keeps (UTC timestamps, event_type equal
to the topic, no unknown fields...). Each such rule is declared once, in the contract's root
``x-rules`` section, with an id, a one-line statement, why it exists and what the real system
does today. A rule is checked in one of two ways:

- ``tightens: [keyword, ...]``: a schema rule. Schema nodes that carry ``x-rule: <id>`` (or a
  list of ids) own those keywords on behalf of the rule. The **compatible** schema, what the
  real consumers accept, is the same document with those keywords removed at those nodes; the
  **strict** schema is the document as written. A message valid under the compatible schema
  but not the strict one breaks only rules.
- ``checked-on: key | source_service | correlation``: a wire rule, checked by the wire check
  on the Kafka key, the publisher's name or the correlation chain.

Everything else the contract says is ``breaking``: a real consumer would reject or misroute it.

Example::

    rules = contract.rules
    rules["utc-timestamps"].statement   # 'Every timestamp carries a UTC offset ...'
    compatible = relaxed(contract.schema_root, drop=set(rules))  # what real consumers accept
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal, Protocol

RULE_MARK = "x-rule"
"""The schema keyword that hands a node's keywords to named rules."""

WIRE_CHECKS = ("key", "source_service", "correlation")
WireCheck = Literal["key", "source_service", "correlation"]


class Level(StrEnum):
    """How bad a finding is."""

    BREAKING = "breaking"
    """A real consumer would reject or misroute it."""
    RULE = "rule"
    """It breaks a named clean rule of the contract; the real consumers accept it."""


class Verdict(StrEnum):
    """The verdict on one message: the worst level among its findings."""

    CLEAN = "clean"
    RULES = "rules"
    BREAKING = "breaking"

    def fails(self, *, strict: bool) -> bool:
        """Whether this verdict fails a check run strict (rules count) or not."""
        return self is Verdict.BREAKING or (strict and self is Verdict.RULES)

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Verdict:
        """The verdict the explaining path's findings give (breaking first, then rules)."""
        listed = list(findings)
        if any(f.breaking for f in listed):
            return cls.BREAKING
        return cls.RULES if listed else cls.CLEAN


class Finding(Protocol):
    """What a Judgement needs of a finding (harness.errors.Violation has it)."""

    @property
    def breaking(self) -> bool: ...

    @property
    def sender(self) -> str | None: ...


@dataclass(frozen=True)
class Judgement:
    """Which findings fail a run.

    Breaking findings always fail. Rule breaches fail when the run is ``strict``, and always
    when they are laid at one of ``own``: this project's own reference implementation and
    simulators must pass strict. A real service put in the loop (``up --without bos``) is
    judged by the run's setting: its rule breaches are reported, and fail only with --strict.
    """

    strict: bool = False
    own: frozenset[str] = frozenset()
    """Service ids this project runs in the judged run (the contract's, minus --without)."""

    def fails(self, finding: Finding) -> bool:
        return finding.breaking or self.strict or finding.sender in self.own

    @classmethod
    def for_run(
        cls, services: Collection[str], *, without: Collection[str] = (), strict: bool
    ) -> Judgement:
        """The judgement of a run of ``services`` with ``without`` left to real ones."""
        return cls(strict=strict, own=frozenset(services) - frozenset(without))


@dataclass(frozen=True)
class Rule:
    """One named clean rule of the contract (root ``x-rules``)."""

    id: str
    statement: str
    rationale: str
    real_system: str
    tightens: tuple[str, ...] = ()
    """Schema keywords the rule owns at nodes marked ``x-rule: <id>``."""
    checked_on: WireCheck | None = None
    """The wire check that judges the rule, for a rule that is not about a schema."""

    @property
    def where(self) -> str:
        """Where the rule is checked, for a person: the schema keywords, or the wire check."""
        if self.tightens:
            return "schema: " + ", ".join(self.tightens)
        return f"wire: {self.checked_on}"


def rule_marks(node: Mapping[str, Any]) -> tuple[str, ...]:
    """The rule ids a schema node is marked with (``x-rule: id`` or a list of ids)."""
    mark = node.get(RULE_MARK)
    if isinstance(mark, str):
        return (mark,)
    if isinstance(mark, list):
        return tuple(str(m) for m in mark)
    return ()


def marked_nodes(document: Any, pointer: str = "") -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every (JSON pointer, node) of ``document`` that carries an ``x-rule`` mark."""
    if isinstance(document, Mapping):
        if RULE_MARK in document:
            yield pointer, document
        for key, value in document.items():
            if key != "examples":
                yield from marked_nodes(value, f"{pointer}/{_escape(str(key))}")
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from marked_nodes(value, f"{pointer}/{index}")


def relaxed(document: Any, *, rules: Mapping[str, Rule], drop: Collection[str]) -> Any:
    """A copy of ``document`` without the keywords the rules in ``drop`` own where marked.

    ``relaxed(root, rules=contract.rules, drop=contract.rules)`` is the compatible schema (what
    the real consumers accept); dropping all but one rule isolates that rule's findings.
    """
    owned = {rid: set(rules[rid].tightens) for rid in drop if rid in rules}
    return _relax(document, owned)


def _relax(node: Any, owned: Mapping[str, set[str]]) -> Any:
    if isinstance(node, Mapping):
        removed: set[str] = set()
        for rid in rule_marks(node):
            removed |= owned.get(rid, set())
        return {
            key: value if key == "examples" else _relax(value, owned)
            for key, value in node.items()
            if key not in removed
        }
    if isinstance(node, list):
        return [_relax(value, owned) for value in node]
    return node


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")
