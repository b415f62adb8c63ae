"""Static group membership (issue 13): ``serve`` names its group members after its state, so a
process killed and started again takes its partitions back at once. No broker is needed to see
which ids the consumers get (librdkafka connects only when used)."""

from __future__ import annotations

from harness.contract import Contract
from harness.kafka import KafkaBus, KafkaTuning


def test_each_member_of_a_group_gets_a_stable_id_of_its_own_and_taps_none(
    contract: Contract,
) -> None:
    def ids() -> list[object]:
        bus = KafkaBus(
            contract,
            bootstrap_servers="127.0.0.1:1",
            tuning=KafkaTuning(group_instance="bos-0a1b2c"),
        )
        configs = [bus.consumer_config(g) for g in ("bos", "bos", "other", None)]
        return [c.get("group.instance.id") for c in configs]

    first, again = ids(), ids()
    assert first == ["bos-0a1b2c.bos.0", "bos-0a1b2c.bos.1", "bos-0a1b2c.other.0", None]
    assert again == first  # a restarted process subscribes in the same order: the same ids


def test_without_a_name_members_are_dynamic(contract: Contract) -> None:
    bus = KafkaBus(contract, bootstrap_servers="127.0.0.1:1")
    assert "group.instance.id" not in bus.consumer_config("bos")
