"""Channels, messages, Kafka keys and partitions, operations (who sends, who receives), services."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.contract import Contract
from tests.unit.contract_diff import minimal
from tests.unit.contract_diff.minimal import Doc
from tests.unit.contract_diff.table import (
    BOTH,
    COMPATIBLE,
    CONSUMERS,
    OUTCOME,
    PRODUCERS,
    RECEIVERS,
    REGISTERED,
    RULE,
    Edit,
    Expect,
    channel,
    check,
    doc_edit,
    key_binding,
    row,
)


def _rename_channel(doc: Doc) -> None:
    doc["channels"]["registered"] = doc["channels"].pop("batchRegistered")
    for op in doc["operations"].values():
        if op["channel"]["$ref"] == "#/channels/batchRegistered":
            op["channel"]["$ref"] = "#/channels/registered"


def _add_channel(doc: Doc) -> None:
    doc["components"]["schemas"]["EssayDoneV1"] = {"type": "object"}
    minimal.add_channel(doc, "essayDone", "test.essay.done.v1", "EssayDoneV1")
    minimal.add_operation(doc, "els", "send", "essayDone")
    minimal.add_operation(doc, "bos", "receive", "essayDone")


def _remove_channel(doc: Doc) -> None:
    del doc["channels"]["phaseOutcome"]
    for oid in [o for o in doc["operations"] if o.endswith("_phaseOutcome")]:
        del doc["operations"][oid]


def _rename_message(doc: Doc) -> None:
    messages = doc["components"]["messages"]
    messages["BatchRegisteredV2"] = {
        **messages.pop("BatchRegisteredV1"),
        "name": "BatchRegisteredV2",
    }
    channel(doc, "batchRegistered")["messages"] = {
        "BatchRegisteredV2": {"$ref": "#/components/messages/BatchRegisteredV2"}
    }


def _operation(service: str, action: str, cid: str) -> Callable[[Doc], None]:
    return lambda doc: minimal.add_operation(doc, service, action, cid)


def _no_operation(service: str, action: str, cid: str) -> Callable[[Doc], Any]:
    return lambda doc: doc["operations"].pop(f"{service}_{action}_{cid}")


ROWS = [
    # channels, messages, keys
    row(
        "channel added",
        doc_edit(_add_channel),
        Expect("channel-added", COMPATIBLE, ("bos", "els"), "essayDone EssayDoneV1"),
    ),
    row(
        "channel removed",
        doc_edit(_remove_channel),
        Expect("channel-removed", BOTH, ("bos", "els"), OUTCOME),
    ),
    row(
        "channel address changed",
        doc_edit(
            lambda doc: channel(doc, "batchRegistered").__setitem__("address", "test.batch.v2")
        ),
        Expect("channel-address-changed", BOTH, (*RECEIVERS, "bos"), REGISTERED),
    ),
    row(
        "channel id renamed, same address",
        doc_edit(_rename_channel),
        Expect("channel-renamed", COMPATIBLE, where="registered BatchRegisteredV1"),
    ),
    row(
        "message renamed",
        doc_edit(_rename_message),
        Expect("message-renamed", COMPATIBLE, where="batchRegistered BatchRegisteredV2"),
    ),
    row(
        "Kafka key pointer changed",
        doc_edit(
            lambda doc: key_binding(doc, "BatchRegisteredV1")["key"].__setitem__(
                "x-key-pointer", "/data/code"
            )
        ),
        Expect("key-pointer-changed", BOTH, (*RECEIVERS, "bos"), REGISTERED),
    ),
    row(
        "Kafka key added",
        doc_edit(
            lambda doc: key_binding(doc, "PhaseOutcomeV1").__setitem__(
                "key", {"x-key-pointer": "/data/batch_id"}
            )
        ),
        Expect("key-pointer-added", PRODUCERS, ("els",), OUTCOME),
    ),
    row(
        "Kafka key removed",
        doc_edit(lambda doc: key_binding(doc, "BatchRegisteredV1").pop("key")),
        Expect("key-pointer-removed", CONSUMERS, RECEIVERS, REGISTERED),
    ),
    row(
        "partitions raised on a keyed channel",
        doc_edit(
            lambda doc: channel(doc, "batchRegistered")["bindings"]["kafka"].__setitem__(
                "partitions", 6
            )
        ),
        Expect("partitions-increased", CONSUMERS, RECEIVERS, REGISTERED),
    ),
    row(
        "partitions raised on a keyless channel",
        doc_edit(
            lambda doc: channel(doc, "phaseOutcome")["bindings"]["kafka"].__setitem__(
                "partitions", 6
            )
        ),
        Expect("partitions-increased", COMPATIBLE, where=OUTCOME),
    ),
    row(
        "partitions lowered",
        doc_edit(
            lambda doc: channel(doc, "batchRegistered")["bindings"]["kafka"].__setitem__(
                "partitions", 1
            )
        ),
        Expect("partitions-decreased", BOTH, (*RECEIVERS, "bos"), REGISTERED),
    ),
    row(
        "replicas changed",
        doc_edit(
            lambda doc: channel(doc, "batchRegistered")["bindings"]["kafka"].__setitem__(
                "replicas", 3
            )
        ),
        Expect("replicas-changed", COMPATIBLE, where=REGISTERED),
    ),
    row(
        "correlation changed (a wire rule judges it)",
        doc_edit(
            lambda doc: doc["components"]["messages"]["PhaseOutcomeV1"].__setitem__(
                "x-correlation", "own"
            )
        ),
        Expect("correlation-changed", RULE, ("bos", "els"), OUTCOME, "correlation-chain"),
    ),
    row(
        "contentType changed",
        doc_edit(
            lambda doc: doc["components"]["messages"]["PhaseOutcomeV1"].__setitem__(
                "contentType", "application/avro"
            )
        ),
        Expect("content-type-changed", BOTH, ("bos", "els"), OUTCOME),
    ),
    row(
        "examples changed",
        doc_edit(
            lambda doc: doc["components"]["messages"]["PhaseOutcomeV1"].__setitem__("examples", [])
        ),
        Expect("examples-changed", COMPATIBLE, where=OUTCOME),
    ),
    # operations and services
    row(
        "sender added",
        doc_edit(_operation("result_aggregator", "send", "phaseOutcome")),
        Expect("sender-added", COMPATIBLE, ("result_aggregator",), OUTCOME),
    ),
    row(
        "the last sender removed",
        doc_edit(_no_operation("els", "send", "phaseOutcome")),
        Expect("sender-removed", CONSUMERS, ("bos",), OUTCOME),
    ),
    row(
        "one of two receivers removed",
        doc_edit(_no_operation("result_aggregator", "receive", "batchRegistered")),
        Expect("receiver-removed", COMPATIBLE, ("result_aggregator",), REGISTERED),
    ),
    row(
        "the last receiver removed",
        doc_edit(_no_operation("bos", "receive", "phaseOutcome")),
        Expect("receiver-removed", PRODUCERS, ("els",), OUTCOME),
    ),
    row(
        "receiver added",
        doc_edit(_operation("result_aggregator", "receive", "phaseOutcome")),
        Expect("receiver-added", COMPATIBLE, ("result_aggregator",), OUTCOME),
    ),
    row(
        "source_service changed (a wire rule judges it)",
        doc_edit(
            lambda doc: doc["x-services"]["bos"].__setitem__("source_service", "batch-service")
        ),
        Expect("source-service-changed", RULE, ("bos",), "service bos", "canonical-source-service"),
    ),
    row(
        "consumer group changed",
        doc_edit(lambda doc: doc["x-services"]["els"].__setitem__("consumer_group", "els-v2")),
        Expect("consumer-group-changed", CONSUMERS, ("els",), "service els"),
    ),
    row(
        "service added",
        doc_edit(lambda doc: doc["x-services"].__setitem__("nlp", {"source_service": "nlp"})),
        Expect("service-added", COMPATIBLE, ("nlp",), "service nlp"),
    ),
]


@pytest.mark.parametrize(("edit", "expected"), ROWS)
def test_a_kafka_change(
    old: Contract, tmp_path: Path, edit: Edit, expected: tuple[Expect, ...]
) -> None:
    check(old, tmp_path, edit, expected)
