"""The one fixture a step takes: the pipeline a scenario drives, with the harness's driver.

``pipeline`` bundles what a step needs (the scenario's ids, the contract, the client, the wire,
the simulators' behaviours, the deadlines), so that a step is a few lines over the one
expectation driver (``harness.expectations``): counts are of events, waits poll a deadline,
and "for the request" / "for the batch" pick the filters::

    @then(phrase('the request is denied with reason "{reason:Name}"'))
    def request_denied(pipeline: PipelineUnderTest, reason: str) -> None:
        pipeline.expect_fields("pipelineDenied", {"denial_reason": reason}, of="request")
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from harness.bus import Bus
from harness.client import PipelineClient
from harness.contract import Contract
from harness.errors import ScenarioError, WaitTimeout
from harness.expectations import Expectations
from harness.observed import ObservedMessage
from harness.observer import ContractObserver
from steps.behaviour_changes import SimulatorBehaviours
from steps.context import BatchUnderTest, Deadlines, PipelineRequest, PipelineScenario
from steps.parameters import field_differences, service_id

Rows = Mapping[str, str] | Sequence[Sequence[str]]
"""Expected data fields: ``{"field": "value"}`` or a Gherkin table's ``| field | value |``."""


@dataclass(frozen=True)
class PipelineUnderTest:
    """What one scenario drives and watches (the ``pipeline`` fixture)."""

    scenario: PipelineScenario
    contract: Contract
    client: PipelineClient
    wire: Expectations
    """The one expectation driver, over the session's contract observer."""
    behaviours: SimulatorBehaviours
    deadlines: Deadlines
    bus: Bus

    @property
    def observer(self) -> ContractObserver:
        return self.wire.observer

    @property
    def batch(self) -> BatchUnderTest:
        """The scenario's latest registered batch ("the batch" in a step)."""
        if not self.scenario.batches:
            raise ScenarioError(
                "this step needs a batch, and the scenario registered none yet "
                "(e.g. Given a GUEST batch of 4 essays ready for pipelines)"
            )
        return self.scenario.batches[-1]

    @property
    def request(self) -> PipelineRequest:
        """The scenario's latest pipeline request ("the request" in a step)."""
        return self.scenario.request

    def channel(self, message: str) -> str:
        """The channel id of a message named as in the contract (BatchPipelineCompletedV1)."""
        return self.contract.message(message).channel_id

    def of(self, which: str | PipelineRequest, *, within_s: float | None = None) -> Expectations:
        """The driver scoped to "request" (the latest request's batch and correlation id),
        "batch" (the latest batch's id) or a given request; it waits ``within_s`` (default: as
        long as a pipeline may take)."""
        wait = within_s or self.deadlines.pipeline_s
        if which == "batch":
            return self.wire.scoped(batch_id=self.batch.batch_id, within_s=wait)
        if which == "request":
            which = self.request
        if not isinstance(which, PipelineRequest):
            raise ScenarioError(f'say "for the batch" or "for the request", not "for the {which}"')
        return self.wire.scoped(
            batch_id=which.batch_id, correlation_id=which.correlation_id, within_s=wait
        )

    def expect_fields(
        self,
        channel: str,
        rows: Rows,
        *,
        of: str | PipelineRequest = "request",
        within_s: float | None = None,
    ) -> ObservedMessage:
        """Wait for a message whose data has every expected field; else say what differs in
        the last one that came."""
        table = [list(row) for row in rows.items()] if isinstance(rows, Mapping) else rows
        scoped = self.of(of, within_s=within_s)
        try:
            return scoped.expect(channel, where=lambda m: not field_differences(m.data, table))
        except WaitTimeout as timeout:
            seen = scoped.copies(channel)
            if not seen:
                raise
            differences = "\n  ".join(field_differences(seen[-1].data, table))
            raise AssertionError(
                f"{seen[-1].name} for {_named(of)} does not say what the scenario expects:\n"
                f"  {differences}\nthe message: {seen[-1].summary()}"
            ) from timeout

    def expect_sender(self, message: ObservedMessage, sender: str) -> None:
        """The message was published by the service named ``sender`` (its source_service)."""
        sid = service_id(self.contract, sender)
        expected = self.contract.service(sid).source_service
        assert message.source_service == expected, (
            f"{message.name} was published by {message.source_service!r}, "
            f"not by {sid} ({expected!r}): {message.summary()}"
        )


def _named(scope: str | PipelineRequest) -> str:
    if isinstance(scope, PipelineRequest):
        return f"the {scope.pipeline} request {scope.correlation_id}"
    return f"the {scope}"
