"""Contract coverage: which messages and operations of the contract a run exercised on the wire.

Messages and send operations come from what the contract observer recorded; receive operations
from what each receiving service's consumer group committed, when the bus can tell (the caller
passes those counts in, so this module needs no broker)::

    coverage = measure_coverage(contract, observer.messages(), received={"bos": {...}})
    print(coverage.report())
    coverage.gate_failures()          # [] when every message was exercised and none broke

A message counts as exercised when at least one instance that conforms to the contract crossed
the wire: a message only ever seen broken proves nothing about the contract.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from harness.contract import Channel, Contract, Operation
from harness.errors import Violation
from harness.exchanges import HttpExchange
from harness.observed import ObservedMessage
from harness.openapi import HttpOperation
from harness.rules import Judgement

ReceivedCounts = Mapping[str, Mapping[str, int]]
"""service id -> channel id -> messages its consumer group committed past."""


@dataclass(frozen=True)
class MessageCoverage:
    """One message of the contract: how often it was seen, and how often it conformed."""

    channel: Channel
    seen: int
    conforming: int

    @property
    def name(self) -> str:
        return self.channel.message.name

    @property
    def exercised(self) -> bool:
        return self.conforming > 0

    @property
    def exempt(self) -> str | None:
        """Why the gate leaves it out (``x-coverage-exempt`` of its channel), or None."""
        return self.channel.coverage_exempt


@dataclass(frozen=True)
class OperationCoverage:
    """One send or receive operation; ``count`` is None when it could not be measured."""

    operation: Operation
    count: int | None

    @property
    def exercised(self) -> bool:
        return bool(self.count)


@dataclass(frozen=True)
class HttpCoverage:
    """One HTTP operation: exchanges seen, how many kept the contract, and whether the gate
    leaves it out (``x-coverage-exempt`` in openapi.yaml says why)."""

    operation: HttpOperation
    seen: int
    conforming: int

    @property
    def exercised(self) -> bool:
        return self.conforming > 0

    @property
    def exempt(self) -> str | None:
        return self.operation.coverage_exempt


@dataclass(frozen=True)
class ContractCoverage:
    """What a run exercised of the contract, and what broke it."""

    contract: Contract
    messages: tuple[MessageCoverage, ...]
    sends: tuple[OperationCoverage, ...]
    receives: tuple[OperationCoverage, ...]
    violations: tuple[Violation, ...] = ()
    http: tuple[HttpCoverage, ...] = ()

    def unexercised(self) -> list[MessageCoverage]:
        """The messages of the contract no conforming instance of which was seen (less the
        exempt ones: channels the simulated flow never publishes)."""
        return [m for m in self.messages if not m.exercised and not m.exempt]

    def gate_failures(self) -> list[str]:
        """Why the coverage gate fails: each message never exercised, each contract breach."""
        missing = [
            f"{m.name} ({m.channel.address}) was never exercised"
            + (f": {m.seen} seen, none conforming" if m.seen else "")
            for m in self.unexercised()
        ]
        missing += [
            f"HTTP {h.operation.label} ({h.operation.id}) was never exercised"
            + (f": {h.seen} exchanges, none conforming" if h.seen else "")
            for h in self.http
            if not h.exercised and not h.exempt
        ]
        return missing + [f"broke the contract: {v}" for v in self.violations]

    def summary(self) -> str:
        """One line: messages, sends, receives (when measured) and violations."""
        parts = [
            f"{_ratio(self._gated_messages())} messages",
            f"{_ratio(self.sends)} send operations",
        ]
        measured = [r for r in self.receives if r.count is not None]
        if measured:
            parts.append(f"{_ratio(measured)} receive operations")
        if self.http:
            parts.append(f"{_ratio(self._gated_http())} HTTP operations")
        parts.append(f"{len(self.violations)} contract violations")
        return "contract coverage: " + ", ".join(parts)

    def report(self, *, heading: str = "") -> str:
        """The whole coverage as text: one line per message and per operation."""
        info = self.contract.document.get("info") or {}
        lines = [
            f"Contract coverage of {info.get('title', 'the contract')} {info.get('version', '')}",
            f"({self.contract.path})",
        ]
        lines += [heading, ""] if heading else [""]
        lines += [*self._message_lines(), "", *self._operation_lines("Send", self.sends)]
        lines += ["", *self._operation_lines("Receive", self.receives)]
        lines += ["", *self._http_lines()] if self.http else []
        lines += ["", f"Contract violations on the wire: {len(self.violations)}"]
        lines += [f"  {v}" for v in self.violations]
        failures = self.gate_failures()
        verdict = "PASSES" if not failures else f"FAILS ({len(failures)} reasons)"
        return "\n".join([*lines, "", f"Gate: {verdict}", ""])

    def _message_lines(self) -> list[str]:
        width = max((len(m.name) for m in self.messages), default=0)
        lines = [
            f"Messages: {_ratio(self._gated_messages())} exercised "
            "(at least one conforming instance on the wire; [-] exempt: beside the flow)"
        ]
        for m in self.messages:
            seen = f"{m.seen} seen, {m.conforming} conforming" if m.seen else "never exercised"
            mark = "[-]" if m.exempt and not m.exercised else _mark(m.exercised)
            why = f" (exempt: {m.exempt})" if m.exempt and not m.exercised else ""
            lines.append(f"  {mark} {m.name:<{width}}  {seen}{why}")
        return lines

    def _gated_messages(self) -> list[MessageCoverage]:
        return [m for m in self.messages if not m.exempt]

    def _gated_http(self) -> list[HttpCoverage]:
        return [h for h in self.http if not h.exempt]

    def _http_lines(self) -> list[str]:
        width = max(len(h.operation.id) for h in self.http)
        lines = [f"HTTP operations: {_ratio(self._gated_http())} exercised (exchanges answered)"]
        for h in self.http:
            mark = "[-]" if h.exempt and not h.exercised else _mark(h.exercised)
            seen = f"{h.seen} seen, {h.conforming} conforming" if h.seen else "never exercised"
            why = f" (exempt: {h.exempt})" if h.exempt and not h.exercised else ""
            lines.append(f"  {mark} {h.operation.id:<{width}}  {seen}{why}")
        return lines

    @staticmethod
    def _operation_lines(action: str, operations: Sequence[OperationCoverage]) -> list[str]:
        measured = [o for o in operations if o.count is not None]
        source = (
            "publishing service on the wire"
            if action == "Send"
            else "committed offsets of each receiving service's consumer group"
        )
        if not measured:
            return [f"{action} operations: not measured ({source} unavailable)"]
        lines = [f"{action} operations: {_ratio(measured)} seen ({source})"]
        width = max(len(o.operation.id) for o in operations)
        for o in operations:
            count = "not measured" if o.count is None else str(o.count)
            mark = "[-]" if o.count is None else _mark(o.exercised)
            lines.append(f"  {mark} {o.operation.id:<{width}}  {count}")
        return lines


def measure_coverage(
    contract: Contract,
    messages: Iterable[ObservedMessage],
    *,
    received: ReceivedCounts | None = None,
    violations: Sequence[Violation] = (),
    exchanges: Iterable[HttpExchange] = (),
    judgement: Judgement | None = None,
) -> ContractCoverage:
    """The coverage of ``contract`` by the observed ``messages`` (and ``received`` counts) and
    HTTP ``exchanges``. A message conforms when none of its findings fails the run's
    ``judgement`` (without one: when it has no finding at all); a send counts for the service
    the message is laid at (``ObservedMessage.sender``, whatever name it wrote)."""

    def conforms(found: Iterable[Violation]) -> bool:
        return not any(judgement.fails(v) if judgement else True for v in found)

    seen: Counter[str] = Counter()
    conforming: Counter[str] = Counter()
    sent: Counter[tuple[str, str]] = Counter()
    for message in messages:
        seen[message.channel.id] += 1
        if conforms(message.violations):
            conforming[message.channel.id] += 1
            sent[(message.channel.id, message.sender or message.source_service or "")] += 1
    by_channel = [
        MessageCoverage(channel, seen[channel.id], conforming[channel.id]) for channel in contract
    ]
    operations = list(contract.operations.values())
    sends = tuple(
        OperationCoverage(
            op,
            sent[(op.channel_id, op.service_id)]
            + sent[(op.channel_id, contract.service(op.service_id).source_service)],
        )
        for op in operations
        if op.action == "send"
    )
    receives = tuple(
        OperationCoverage(op, _received(received, op))
        for op in operations
        if op.action == "receive"
    )
    http_seen: Counter[str] = Counter()
    http_conforming: Counter[str] = Counter()
    for exchange in exchanges:
        http_seen[exchange.operation_id or ""] += 1
        http_conforming[exchange.operation_id or ""] += conforms(exchange.violations)
    http = tuple(
        HttpCoverage(op, http_seen[op.id], http_conforming[op.id])
        for op in contract.http_operations.values()
    )
    return ContractCoverage(contract, tuple(by_channel), sends, receives, tuple(violations), http)


def _received(received: ReceivedCounts | None, operation: Operation) -> int | None:
    if received is None or operation.service_id not in received:
        return None
    return received[operation.service_id].get(operation.channel_id, 0)


def _ratio(
    items: Sequence[MessageCoverage] | Sequence[OperationCoverage] | Sequence[HttpCoverage],
) -> str:
    return f"{sum(1 for i in items if i.exercised)}/{len(items)}"


def _mark(exercised: bool) -> str:
    return "[x]" if exercised else "[ ]"
