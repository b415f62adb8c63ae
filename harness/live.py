"""The live wire check: every violation, dead letter and unmodelled message as one line, as it
happens, and a summary at the end (what ``up`` and ``run`` print).

It sits on a ContractObserver (every channel of the contract, and the HTTP exchanges recorded
into ``observer.exchanges``), the dead-letter topic, and the cluster's other topics, found by
listing them every few seconds (the real BOS publishes on
``huleedu.notification.teacher.requested.v1``, which the contract does not model)::

    check = LiveWireCheck(contract, bus, observer, say=print)
    check.start()
    ...                                   # 12:00:01.532 spell-checker-service ... /data/x: ...
    summary = check.summary()
    print("\\n".join(summary.lines())); summary.broken     # True: something broke the contract
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from harness.bus import DEAD_LETTER_REASON, DEAD_LETTER_SERVICE, DEAD_LETTER_TOPIC, Delivery
from harness.contract import Channel, Contract, Message
from harness.errors import HarnessError, Violation
from harness.exchanges import HttpExchange
from harness.findings import counts, describe, tally
from harness.observed import ObservedMessage
from harness.observer import ContractObserver
from harness.rules import Judgement

Say = Callable[[str], None]


class TappableBus(Protocol):
    """What the tap needs of a bus: subscribing, and (Kafka) the cluster's topic names."""

    topic_prefix: str

    def subscribe(
        self,
        channels: Sequence[Channel],
        *,
        group: str | None,
        handler: Callable[[Delivery], None],
        name: str = "",
    ) -> Any: ...

    def topic_names(self) -> set[str]: ...


@dataclass(frozen=True)
class DeadLetter:
    """A message a consumer set aside, with why."""

    original_topic: str
    reason: str
    service: str


@dataclass(frozen=True)
class Pipeline:
    """A pipeline request, and how it ended (None: it did not)."""

    correlation_id: str
    batch_id: str | None
    requested_pipeline: str | None
    ended: str | None
    """``completed: <final_status>``, ``denied: <reason>``, or None (a hang is a finding)."""
    timed_out_phases: tuple[str, ...] = ()


@dataclass
class WireSummary:
    """What the tap saw: counts, breaches, dead letters, pipelines and unmodelled topics."""

    messages: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(sender, message name) -> count."""
    http: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(server, 'METHOD /path -> status') -> count."""
    violations: list[tuple[str, Violation]] = field(default_factory=list)
    """(sender or caller, violation)."""
    dead_letters: list[DeadLetter] = field(default_factory=list)
    pipelines: list[Pipeline] = field(default_factory=list)
    unmodelled: Counter[str] = field(default_factory=Counter)
    judgement: Judgement = field(default_factory=Judgement)
    """Which findings fail the run (breaking always; rule breaches per harness.rules)."""

    @property
    def unfinished(self) -> list[Pipeline]:
        return [p for p in self.pipelines if p.ended is None]

    @property
    def failing(self) -> list[Violation]:
        """The findings that fail the run under its judgement."""
        return [v for _, v in self.violations if self.judgement.fails(v)]

    @property
    def broken(self) -> bool:
        """Whether anything broke the contract in a way that fails the run (a failing finding,
        or a dead letter); rule breaches of a real service fail only when strict."""
        return bool(self.failing or self.dead_letters)

    def lines(self) -> list[str]:
        """The summary for a person."""
        out = [f"messages: {sum(self.messages.values())}"]
        out += [
            f"  {n:>5}  {sender:<28} {name}" for (sender, name), n in sorted(self.messages.items())
        ]
        if self.http:
            out.append(f"HTTP exchanges: {sum(self.http.values())}")
            out += [
                f"  {n:>5}  {server:<28} {what}" for (server, what), n in sorted(self.http.items())
            ]
        found = [v for _, v in self.violations]
        out.append(
            f"contract findings: {len(found)}: {counts(found)}; failing the run: "
            f"{len(self.failing)}{' (strict)' if self.judgement.strict else ''}"
        )
        out += [f"  {line}" for line in describe(found[:200], self.judgement)]
        out.append(f"dead letters: {len(self.dead_letters)}")
        out += [
            f"  {d.original_topic} (by {d.service}): {d.reason}" for d in self.dead_letters[:50]
        ]
        out.append(
            f"pipelines requested: {len(self.pipelines)}, not completed: {len(self.unfinished)}"
        )
        for p in self.pipelines:
            timed = (
                f", phases timed out: {', '.join(p.timed_out_phases)}" if p.timed_out_phases else ""
            )
            ended = p.ended or "NOT COMPLETED (no BatchPipelineCompletedV1 or PipelineDeniedV1)"
            out.append(
                f"  {p.requested_pipeline} batch {p.batch_id} ({p.correlation_id}): {ended}{timed}"
            )
        if self.unmodelled:
            out.append("topics the contract does not model:")
            out += [f"  {n:>5}  {topic}" for topic, n in sorted(self.unmodelled.items())]
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "messages": [
                {"sender": s, "message": m, "count": n}
                for (s, m), n in sorted(self.messages.items())
            ],
            "http": [
                {"server": s, "exchange": w, "count": n} for (s, w), n in sorted(self.http.items())
            ],
            "findings": tally([v for _, v in self.violations]),
            "violations": [
                {
                    "source": v.sender or who,
                    "channel": v.channel,
                    "message": v.message,
                    "pointer": v.pointer,
                    "reason": v.reason,
                    "level": v.level.value,
                    "rule": v.rule,
                    "fails": self.judgement.fails(v),
                }
                for who, v in self.violations
            ],
            "dead_letters": [vars(d) for d in self.dead_letters],
            "pipelines": [
                {**vars(p), "timed_out_phases": list(p.timed_out_phases)} for p in self.pipelines
            ],
            "unmodelled_topics": dict(self.unmodelled),
            "broken": self.broken,
        }


class LiveWireCheck:
    """Prints what breaks the contract as it happens; summarises at the end."""

    def __init__(
        self,
        contract: Contract,
        bus: TappableBus,
        observer: ContractObserver,
        *,
        say: Say = print,
        poll_s: float = 2.0,
        clock: Callable[[], float] = time.time,
        judgement: Judgement | None = None,
    ) -> None:
        self.contract = contract
        self.bus = bus
        self.observer = observer
        self.say = say
        self.poll_s = poll_s
        self.clock = clock
        self._summary = WireSummary(judgement=judgement or Judgement())
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._watched: set[str] = set()
        self._subscriptions: list[Any] = []
        self._poller: threading.Thread | None = None

    def start(self) -> None:
        self.observer.listen(self._on_message)
        self.observer.exchanges.listen(self._on_exchange)
        self._subscriptions.append(
            self.bus.subscribe(
                [self.contract.dead_letter_channel],
                group=None,
                handler=self._on_dead_letter,
                name="live-dead-letters",
            )
        )
        self._poller = threading.Thread(target=self._watch_topics, name="live-topics", daemon=True)
        self._poller.start()

    def stop(self) -> None:
        self._stop.set()
        for subscription in self._subscriptions:
            subscription.stop()
        if self._poller is not None:
            self._poller.join(timeout=self.poll_s + 5)

    def summary(self) -> WireSummary:
        """What was seen until now (a copy), with every pipeline's ending."""
        with self._lock:
            summary = WireSummary(
                Counter(self._summary.messages),
                Counter(self._summary.http),
                list(self._summary.violations),
                list(self._summary.dead_letters),
                [],
                Counter(self._summary.unmodelled),
                self._summary.judgement,
            )
        summary.pipelines = self._pipelines()
        return summary

    # -- what arrives ----------------------------------------------------------------------

    def _on_message(self, message: ObservedMessage) -> None:
        sender = message.source_service or "?"
        with self._lock:
            self._summary.messages[(sender, message.name)] += 1
            self._summary.violations += [(sender, v) for v in message.violations]
        for violation in message.violations:
            self._line(
                f"{self._heading(violation)} {sender} {violation.channel} {violation.message} "
                f"{violation.pointer or '/'}: {violation.reason}"
            )

    def _on_exchange(self, exchange: HttpExchange) -> None:
        operation = self.contract.http_operations.get(exchange.operation_id or "")
        what = f"{operation.label if operation else exchange.method + ' ' + exchange.path}"
        with self._lock:
            self._summary.http[(exchange.server, f"{what} -> {exchange.status}")] += 1
            self._summary.violations += [(exchange.caller, v) for v in exchange.violations]
        for violation in exchange.violations:
            self._line(
                f"{self._heading(violation)} {exchange.server} (called by {exchange.caller}) "
                f"{violation.channel} {violation.message} {violation.pointer or '/'}: "
                f"{violation.reason}"
            )

    def _heading(self, violation: Violation) -> str:
        """``VIOLATION`` for a finding that fails the run, ``RULE <id> (reported)`` for a rule
        breach that does not."""
        if violation.breaking:
            return "VIOLATION"
        fails = self._summary.judgement.fails(violation)
        return f"RULE {violation.rule}" + ("" if fails else " (reported)")

    def _on_dead_letter(self, delivery: Delivery) -> None:
        letter = DeadLetter(
            delivery.headers.get(DEAD_LETTER_TOPIC, "?"),
            delivery.headers.get(DEAD_LETTER_REASON, "?"),
            delivery.headers.get(DEAD_LETTER_SERVICE, "?"),
        )
        with self._lock:
            self._summary.dead_letters.append(letter)
        self._line(
            f"DEAD LETTER from {letter.original_topic} (set aside by {letter.service}): "
            f"{letter.reason}"
        )

    def _on_unmodelled(self, delivery: Delivery) -> None:
        with self._lock:
            self._summary.unmodelled[delivery.topic] += 1
            first = self._summary.unmodelled[delivery.topic] == 1
        if first:
            self._line(
                f"UNMODELLED a message on {delivery.topic}, a topic the contract does not "
                "model (further ones are counted in the summary)"
            )

    def _line(self, text: str) -> None:
        stamp = time.strftime("%H:%M:%S", time.localtime(self.clock()))
        self.say(f"{stamp} {text}")

    # -- topics the contract does not model -----------------------------------------------

    def _watch_topics(self) -> None:
        while not self._stop.is_set():
            try:
                self._subscribe_unmodelled()
            except HarnessError as exc:
                self._line(f"cannot list the cluster's topics: {exc}")
            self._stop.wait(self.poll_s)

    def _subscribe_unmodelled(self) -> None:
        prefix = self.bus.topic_prefix
        known = {prefix + c.address for c in self.contract} | {
            prefix + self.contract.dead_letter_address
        }
        for topic in sorted(self.bus.topic_names() - known - self._watched):
            if prefix and not topic.startswith(prefix):
                continue  # another run's topics
            self._watched.add(topic)
            channel = _unmodelled_channel(topic.removeprefix(prefix))
            self._subscriptions.append(
                self.bus.subscribe(
                    [channel], group=None, handler=self._on_unmodelled, name=f"live-{channel.id}"
                )
            )

    # -- pipelines ------------------------------------------------------------------------

    def _pipelines(self) -> list[Pipeline]:
        found = []
        for request in self.observer.messages("clientBatchPipelineRequest"):
            cid = request.correlation_id or ""
            related = [
                m
                for m in self.observer.messages(correlation_id=cid)
                if self.observer.from_its_sender(m)
            ]
            found.append(_pipeline(request, cid, related))
        return found


def _pipeline(request: ObservedMessage, cid: str, related: list[ObservedMessage]) -> Pipeline:
    data = request.data
    ended, timed_out = None, ()
    for message in related:
        if message.channel.id == "batchPipelineCompleted":
            ended = f"completed: {message.data.get('final_status')}"
            timed_out = tuple(message.get("/metadata/timed_out_phases") or ())
        elif message.channel.id == "pipelineDenied" and ended is None:
            ended = f"denied: {message.data.get('denial_reason')}"
    return Pipeline(cid, data.get("batch_id"), data.get("requested_pipeline"), ended, timed_out)


def _unmodelled_channel(topic: str) -> Channel:
    message = Message(
        name="(unmodelled)",
        channel_id=f"unmodelled:{topic}",
        title=topic,
        description="a topic the contract does not model",
        payload_pointer="",
        data_pointer="",
        key_pointer=None,
        correlation_location=None,
        examples=(),
    )
    return Channel(f"unmodelled:{topic}", topic, message, 1, 1, message.description)
