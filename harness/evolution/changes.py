"""What a contract diff finds: one change, its direction, its verdict and who must change.

A change is judged by who can no longer talk to whom, from JSON Schema semantics:

- **wider** (``Direction.CONSUMERS``): a sender may now send what an old receiver rejects (a
  type widened, a required field dropped, an enum value added...). The receivers must change.
- **narrower** (``Direction.PRODUCERS``): what an old sender sends, a new receiver rejects (a
  field newly required, a bound tightened, an enum value removed...). The senders must change.

Both at once (``integer`` -> ``string``) is breaking both ways; neither is compatible. A change
that only a named clean rule's keywords make is a ``rule`` finding (see harness.rules).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from harness.rules import Level


class Direction(StrEnum):
    """Which side of a channel (or HTTP body) an incompatible change leaves behind."""

    CONSUMERS = "consumers"
    """Wider: old receivers reject what new senders may send."""
    PRODUCERS = "producers"
    """Narrower: new receivers reject what old senders send."""


Directions = frozenset[Direction]
NONE: Directions = frozenset()
WIDER: Directions = frozenset({Direction.CONSUMERS})
NARROWER: Directions = frozenset({Direction.PRODUCERS})
BOTH: Directions = WIDER | NARROWER


class ChangeVerdict(StrEnum):
    """The verdict on one change."""

    BREAKING_FOR_CONSUMERS = "breaking-for-consumers"
    BREAKING_FOR_PRODUCERS = "breaking-for-producers"
    BREAKING_BOTH = "breaking-both"
    RULE = "rule"
    COMPATIBLE = "compatible"

    @property
    def breaking(self) -> bool:
        return self.value.startswith("breaking")

    @property
    def rank(self) -> int:
        """Breaking first, then rules, then compatible changes."""
        return 0 if self.breaking else 1 if self is ChangeVerdict.RULE else 2


def verdict_of(directions: Directions, level: Level | None = None) -> ChangeVerdict:
    if level is Level.RULE:
        return ChangeVerdict.RULE
    if directions == BOTH:
        return ChangeVerdict.BREAKING_BOTH
    if directions == WIDER:
        return ChangeVerdict.BREAKING_FOR_CONSUMERS
    if directions == NARROWER:
        return ChangeVerdict.BREAKING_FOR_PRODUCERS
    return ChangeVerdict.COMPATIBLE


@dataclass(frozen=True)
class Change:
    """One difference, before the services it concerns are known (the engine's working unit)."""

    kind: str
    pointer: str
    directions: Directions
    detail: str
    subject: str = ""
    """What at the pointer changed, when there may be several (an enum value, a branch)."""
    route: tuple[str, ...] = ()
    """The schema branches taken to get there (``allOf/1``, ``anyOf/0``, ``not``)."""
    rule: str | None = None
    """The rule that owns the keyword at that node, if one does."""
    level: Level | None = None
    """``Level.RULE`` for a change of the rules themselves; None: judged by ``directions``."""
    services: tuple[str, ...] | None = None
    """The services named, when the change says so itself (else they follow the directions)."""

    @property
    def key(self) -> tuple[str, tuple[str, ...], str, str]:
        """The same change seen in the compatible and in the strict schema has the same key."""
        return (self.pointer, self.route, self.kind, self.subject)

    @property
    def verdict(self) -> ChangeVerdict:
        return verdict_of(self.directions, self.level)

    def flipped(self) -> Change:
        """The change under a ``not``: what widened the inner schema narrows the outer."""
        swap = {Direction.CONSUMERS: Direction.PRODUCERS, Direction.PRODUCERS: Direction.CONSUMERS}
        return replace(self, directions=frozenset(swap[d] for d in self.directions))


@dataclass(frozen=True)
class Roles:
    """Who sends and who receives the thing a change is in (a channel, an HTTP body)."""

    senders: tuple[str, ...]
    receivers: tuple[str, ...]

    def services(self, directions: Directions) -> tuple[str, ...]:
        """The services a change in ``directions`` leaves behind: receivers, then senders."""
        named = [*(self.receivers if Direction.CONSUMERS in directions else ())]
        named += self.senders if Direction.PRODUCERS in directions else ()
        return tuple(dict.fromkeys(named))


@dataclass(frozen=True)
class Finding:
    """One classified change between two contracts.

    Example::

        finding.kind       # 'field-required-added'
        finding.where      # 'batchPipelineCompleted BatchPipelineCompletedV1 /data/batch_id'
        finding.verdict    # ChangeVerdict.BREAKING_FOR_PRODUCERS
        finding.services   # ('bos',): the senders must change
    """

    kind: str
    verdict: ChangeVerdict
    subject: str
    """``<channel id> <message name>``, ``<METHOD> <path>``, ``service <id>`` or ``rule <id>``."""
    pointer: str
    """JSON pointer inside the envelope (or HTTP body); '' for the whole subject."""
    services: tuple[str, ...]
    detail: str
    rule: str | None = None
    part: str = ""
    """Of an HTTP operation: ``request``, ``response 201``, ``header X-Correlation-ID``."""
    branch: str = ""
    """The ``anyOf``/``oneOf`` branch the pointer is in, when it is in one."""

    @property
    def breaking(self) -> bool:
        return self.verdict.breaking

    @property
    def where(self) -> str:
        branch = f"({self.branch})" if self.branch else ""
        return " ".join(p for p in (self.subject, self.part, self.pointer, branch) if p)

    @property
    def label(self) -> str:
        """The verdict as a person reads it: ``rule[no-unknown-fields]`` for a rule finding."""
        return f"rule[{self.rule}]" if self.verdict is ChangeVerdict.RULE else self.verdict.value


def finding(change: Change, subject: str, roles: Roles, *, part: str = "") -> Finding:
    """The finding of ``change`` in ``subject``, naming the services its directions concern."""
    verdict = change.verdict
    services = change.services
    if services is None:
        services = () if verdict is ChangeVerdict.COMPATIBLE else roles.services(change.directions)
    return Finding(
        kind=change.kind,
        verdict=verdict,
        subject=subject,
        pointer=change.pointer,
        services=services,
        detail=change.detail,
        rule=change.rule if verdict is ChangeVerdict.RULE else None,
        part=part,
        branch=" ".join(r.replace("/", " ") for r in change.route if not r.startswith("allOf")),
    )


@dataclass(frozen=True)
class ContractDiff:
    """Every finding between two contracts: breaking first, then rules, then compatible.

    Example::

        result = diff_contracts(old, new)
        result.breaking          # the findings that fail a gate
        result.summary           # '1 breaking (1 for producers), 0 rule, 2 compatible'
    """

    findings: tuple[Finding, ...]

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> ContractDiff:
        return cls(tuple(sorted(findings, key=lambda f: f.verdict.rank)))

    @property
    def breaking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.breaking)

    @property
    def rules(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.verdict is ChangeVerdict.RULE)

    @property
    def compatible(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.verdict is ChangeVerdict.COMPATIBLE)

    @property
    def counts(self) -> dict[str, int]:
        """How many findings per verdict (every verdict present, zero when none)."""
        seen = Counter(f.verdict for f in self.findings)
        return {v.value: seen[v] for v in ChangeVerdict}

    @property
    def summary(self) -> str:
        """One line: ``2 breaking (1 for consumers, 1 both ways), 1 rule, 3 compatible``."""
        counts = self.counts
        ways = [f"{counts[v.value]} {name}" for v, name in _WAYS.items() if counts[v.value]]
        how = f" ({', '.join(ways)})" if ways else ""
        return (
            f"{len(self.breaking)} breaking{how}, {len(self.rules)} rule, "
            f"{len(self.compatible)} compatible"
        )


_WAYS = {
    ChangeVerdict.BREAKING_FOR_CONSUMERS: "for consumers",
    ChangeVerdict.BREAKING_FOR_PRODUCERS: "for producers",
    ChangeVerdict.BREAKING_BOTH: "both ways",
}
