"""The one expectation driver: wait for messages on the wire, with one counting rule.

**The counting rule.** A message is counted once per event id, however many copies of it the
wire carried: a redelivered envelope is the same event (at-least-once delivery), so ``count=2``
always means two different events. A record with no event id (not even JSON) counts once per
copy. ``copies`` and ``expect_copies`` are about deliveries instead, and say so in their name:
they are for the tests of redelivery itself.

Every wait polls what a ``ContractObserver`` recorded against a deadline, filtered by channel,
batch id, correlation id and ``where`` (data fields, or a predicate on the message). A wait that
times out raises ``WaitTimeout`` showing the last messages of that batch (or correlation) and
the correlation id it followed; ``expect_none`` raises ``UnexpectedMessage`` showing what came.

Example::

    wire = Expectations(observer, within_s=10)
    done = wire.expect("batchPipelineCompleted", batch_id=batch_id, correlation_id=cid)
    outcomes = wire.expect_events("elsBatchPhaseOutcome", count=2, batch_id=batch_id)
    wire.expect_none("pipelineDenied", batch_id=batch_id, for_s=0.5)
    run = wire.scoped(batch_id=batch_id, correlation_id=cid)   # the same, filters bound
    run.expect("batchPipelineCompleted")
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from harness.errors import UnexpectedMessage
from harness.observed import ObservedMessage, Where
from harness.observer import ContractObserver
from harness.waiting import wait_for

DEFAULT_WITHIN_S = 10.0
SHOWN = 10
"""How many of the last related messages a failed wait shows."""


@dataclass(frozen=True)
class Scope:
    """The filters a wait applies besides its channel (None: any)."""

    batch_id: str | None = None
    correlation_id: str | None = None


@dataclass(frozen=True)
class Expectations:
    """Waits on an observer's record; every count is of distinct events (see the module)."""

    observer: ContractObserver
    within_s: float = DEFAULT_WITHIN_S
    """The default deadline of a wait that names none."""
    scope: Scope = Scope()

    def scoped(
        self,
        *,
        batch_id: str | None = None,
        correlation_id: str | None = None,
        within_s: float | None = None,
    ) -> Expectations:
        """The same driver with these filters (and deadline) bound, on top of its own."""
        scope = self._scope(batch_id, correlation_id)
        return replace(self, scope=scope, within_s=within_s or self.within_s)

    # -- what was seen -----------------------------------------------------------------------

    def copies(
        self,
        channel: str | None = None,
        *,
        batch_id: str | None = None,
        correlation_id: str | None = None,
        where: Where | None = None,
    ) -> list[ObservedMessage]:
        """Every delivery that matches, redelivered copies included, in the order seen."""
        scope = self._scope(batch_id, correlation_id)
        return self.observer.messages(
            channel, batch_id=scope.batch_id, correlation_id=scope.correlation_id, where=where
        )

    def events(
        self,
        channel: str | None = None,
        *,
        batch_id: str | None = None,
        correlation_id: str | None = None,
        where: Where | None = None,
    ) -> list[ObservedMessage]:
        """The matching events, one per event id (its first copy), in the order seen."""
        first: dict[object, ObservedMessage] = {}
        for message in self.copies(
            channel, batch_id=batch_id, correlation_id=correlation_id, where=where
        ):
            first.setdefault(message.event_id or id(message), message)
        return list(first.values())

    # -- waiting -----------------------------------------------------------------------------

    def expect_events(
        self,
        channel: str,
        *,
        count: int,
        within_s: float | None = None,
        batch_id: str | None = None,
        correlation_id: str | None = None,
        where: Where | None = None,
    ) -> list[ObservedMessage]:
        """Wait until ``count`` distinct events match; return every one that does so far."""
        scope = self._scope(batch_id, correlation_id)
        return self._wait(self.events, channel, count, scope, where, within_s, "")

    def expect_copies(
        self,
        channel: str,
        *,
        count: int,
        within_s: float | None = None,
        batch_id: str | None = None,
        correlation_id: str | None = None,
        where: Where | None = None,
    ) -> list[ObservedMessage]:
        """Wait until ``count`` deliveries match, redelivered copies counted each: for tests of
        redelivery itself. Every other wait counts events."""
        scope = self._scope(batch_id, correlation_id)
        return self._wait(self.copies, channel, count, scope, where, within_s, " copies of")

    def expect(
        self,
        channel: str,
        *,
        within_s: float | None = None,
        batch_id: str | None = None,
        correlation_id: str | None = None,
        where: Where | None = None,
        count: int = 1,
    ) -> ObservedMessage:
        """Wait until ``count`` distinct events match (one by default); return the last."""
        return self.expect_events(
            channel,
            count=count,
            within_s=within_s,
            batch_id=batch_id,
            correlation_id=correlation_id,
            where=where,
        )[count - 1]

    def expect_none(
        self,
        channel: str,
        *,
        for_s: float,
        batch_id: str | None = None,
        correlation_id: str | None = None,
        where: Where | None = None,
    ) -> None:
        """No matching message appears within ``for_s`` seconds (or was there before)."""
        scope = self._scope(batch_id, correlation_id)
        clock = self.observer.clock
        deadline = clock() + for_s
        while True:
            seen = self.copies(
                channel,
                batch_id=scope.batch_id,
                correlation_id=scope.correlation_id,
                where=where,
            )
            if seen:
                raise UnexpectedMessage(
                    f"{seen[0].name}{_about(scope)}",
                    channel=seen[0].channel.address,
                    correlation_id=scope.correlation_id,
                    seen=[m.summary() for m in seen],
                )
            if clock() >= deadline:
                return
            time.sleep(0.01)

    # -- internals ---------------------------------------------------------------------------

    def _wait(
        self,
        matching: Callable[..., list[ObservedMessage]],
        channel: str,
        count: int,
        scope: Scope,
        where: Where | None,
        within_s: float | None,
        counted: str,
    ) -> list[ObservedMessage]:
        """Poll ``matching`` (events or copies) until ``count`` of them are there."""
        name = self.observer.contract.channel(channel).message.name

        def enough() -> list[ObservedMessage] | None:
            found = matching(
                channel,
                batch_id=scope.batch_id,
                correlation_id=scope.correlation_id,
                where=where,
            )
            return found if len(found) >= count else None

        return wait_for(
            enough,
            within_s=self.within_s if within_s is None else within_s,
            awaited=f"{count}{counted or ' x'} {name}{_about(scope)}",
            seen=lambda: self._recent(scope),
            correlation_id=scope.correlation_id,
        )

    def _scope(self, batch_id: str | None, correlation_id: str | None) -> Scope:
        return Scope(batch_id or self.scope.batch_id, correlation_id or self.scope.correlation_id)

    def _recent(self, scope: Scope) -> list[str]:
        related = self.observer.messages(
            batch_id=scope.batch_id,
            correlation_id=None if scope.batch_id else scope.correlation_id,
        )
        return [m.summary() for m in related[-SHOWN:]]


def _about(scope: Scope) -> str:
    return f" for batch {scope.batch_id}" if scope.batch_id else ""
