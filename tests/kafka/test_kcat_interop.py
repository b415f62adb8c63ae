"""Interoperability with an independent Kafka client: kcat (its own librdkafka build).

Proves that what KafkaBus writes is plain Kafka (topic, key, headers, value), and that it reads
what another client writes, on the real broker of the session.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid

import pytest

from harness.bus import Delivery
from harness.contract import Contract
from harness.envelope import Envelope
from harness.kafka import KafkaBus
from harness.validation import ContractValidator
from harness.waiting import wait_for
from tests.bus_behaviour import Inbox

pytestmark = pytest.mark.kafka


@pytest.fixture(scope="module")
def kcat() -> str:
    path = shutil.which("kcat")
    assert path, "kcat is not installed: `make test` installs it (apt-get install kcat)"
    return path


def _example(contract: Contract) -> Envelope:
    channel = contract.channel("batchPipelineCompleted")
    document = dict(channel.message.examples[0])
    data = {**document["data"], "batch_id": f"batch-{uuid.uuid4()}"}
    return Envelope.from_json({**document, "data": data, "event_id": str(uuid.uuid4())})


def test_kcat_reads_what_kafka_bus_publishes(
    kafka_bus: KafkaBus, contract: Contract, kafka_bootstrap: str, kcat: str
) -> None:
    channel = contract.channel("batchPipelineCompleted")
    envelope = _example(contract)
    batch_id = envelope.data["batch_id"]
    kafka_bus.publish(channel, envelope, key=batch_id, headers={"x-test": "interop"})
    done = subprocess.run(
        [
            kcat,
            "-b",
            kafka_bootstrap,
            "-C",
            "-t",
            kafka_bus.topic(channel),
            "-o",
            "beginning",
            "-e",
            "-q",
            "-f",
            "%k\t%h\t%s\n",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith(batch_id)]
    assert len(lines) == 1, done.stdout[-2000:]
    key, headers, value = lines[0].split("\t", 2)
    assert key == batch_id
    assert "x-test=interop" in headers
    assert json.loads(value) == envelope.to_json()


def test_kafka_bus_reads_what_kcat_publishes(
    kafka_bus: KafkaBus, contract: Contract, kafka_bootstrap: str, kcat: str
) -> None:
    channel = contract.channel("batchPipelineCompleted")
    envelope = _example(contract)
    batch_id = envelope.data["batch_id"]
    inbox = Inbox()
    kafka_bus.subscribe([channel], group=f"interop-{uuid.uuid4().hex[:6]}", handler=inbox)
    subprocess.run(
        [
            kcat,
            "-b",
            kafka_bootstrap,
            "-P",
            "-t",
            kafka_bus.topic(channel),
            "-K",
            "\t",
            "-H",
            "origin=kcat",
        ],
        input=f"{batch_id}\t{envelope.encode().decode()}\n",
        text=True,
        timeout=60,
        check=True,
    )

    def from_kcat(delivery: Delivery) -> bool:
        return bool(delivery.key == batch_id)

    delivery = wait_for(
        lambda: next(filter(from_kcat, list(inbox.items)), None),
        within_s=20,
        awaited="kcat's message",
    )
    assert delivery.headers["origin"] == "kcat"
    assert Envelope.decode(delivery.value or b"") == envelope
    assert ContractValidator(contract).is_valid(channel, delivery.json())
