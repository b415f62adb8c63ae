"""The one expectation driver's counting rule, on the in-memory bus: a redelivered envelope is
one event (``expect_events``) and two deliveries (``expect_copies``); ``expect_none`` raises
the harness's own error showing what came; a timeout names the correlation id it followed."""

from __future__ import annotations

import pytest

from harness.envelope import new_id
from harness.errors import UnexpectedMessage, WaitTimeout
from harness.expectations import Expectations
from tests.unit.simulators.conftest import ScriptedSender, registration


def test_a_redelivered_envelope_is_one_event_and_two_copies(
    wire: Expectations, send: ScriptedSender
) -> None:
    batch_id, cid = new_id(), new_id()
    first = send("batchEssaysRegistered", registration(batch_id, ["e1"]), correlation_id=cid)
    send.again("batchEssaysRegistered", first)
    copies = wire.expect_copies("batchEssaysRegistered", count=2, batch_id=batch_id)
    assert {m.event_id for m in copies} == {first.event_id}
    (event,) = wire.expect_events("batchEssaysRegistered", count=1, batch_id=batch_id)
    assert event.event_id == first.event_id
    with pytest.raises(WaitTimeout) as timeout:
        wire.expect_events("batchEssaysRegistered", count=2, batch_id=batch_id, within_s=0.2)
    assert "2 x BatchEssaysRegistered" in str(timeout.value)
    assert batch_id in str(timeout.value)
    second = send("batchEssaysRegistered", registration(batch_id, ["e2"]), correlation_id=cid)
    events = wire.expect_events("batchEssaysRegistered", count=2, batch_id=batch_id)
    assert [m.event_id for m in events] == [first.event_id, second.event_id]


def test_expect_none_shows_what_came_and_a_timeout_the_correlation_it_followed(
    wire: Expectations, send: ScriptedSender
) -> None:
    batch_id, cid = new_id(), new_id()
    run = wire.scoped(batch_id=batch_id, correlation_id=cid)
    run.expect_none("batchEssaysRegistered", for_s=0.05)  # nothing yet: passes
    send("batchEssaysRegistered", registration(batch_id, ["e1"]), correlation_id=cid)
    run.expect("batchEssaysRegistered")
    with pytest.raises(UnexpectedMessage) as came:
        run.expect_none("batchEssaysRegistered", for_s=0.05)
    assert came.value.correlation_id == cid
    assert len(came.value.seen) == 1 and "BatchEssaysRegistered" in came.value.seen[0]
    with pytest.raises(WaitTimeout) as timeout:
        run.expect("batchPipelineCompleted", within_s=0.1)
    assert timeout.value.correlation_id == cid
    assert f"following correlation id {cid}" in str(timeout.value)
