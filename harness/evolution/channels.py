"""The Kafka half of a contract diff: channels, their messages, keys and operations.

Channels are paired by id, then (a renamed id) by address. For a paired channel the senders
and receivers named are those on both sides (they are the ones that must change), else the
old ones. Beyond the payload (compared field by field, harness.evolution.levels):

- **address** changed: breaking both ways (senders publish to, receivers read from a new topic).
- **Kafka key** (``x-key-pointer``): Kafka orders records per partition, and the key picks the
  partition, so a changed key field breaks the order in which one batch's (or essay's) events
  reach a receiver, and across the switch old- and new-keyed records of one entity interleave.
  Changed: both ways (the senders must key by the new field, the receivers lose per-entity
  order across the switch). Added: for producers (old senders send no key; receivers may now
  rely on the order). Removed: for consumers (the receivers lose the order they relied on).
- **partitions** raised: the default partitioner maps a key to ``hash % partitions``, so one
  key's records before and after land on different partitions: breaking for the receivers of a
  keyed channel, compatible for a keyless one. Lowered: Kafka cannot shrink a topic; it is
  recreated, so breaking both ways. Replicas: compatible (durability, not meaning).
- **operations**: when the last sender of a channel stops sending, its receivers wait for
  events nobody sends (breaking for consumers); when the last receiver stops receiving, the
  senders' messages (a command, say) reach nobody (breaking for producers): for that side the
  channel is removed. One of several senders or receivers leaving is compatible (nobody
  rejects anything). Added operations, channels and a message's new name are compatible (the
  name is not on the wire; event_type is compared as the payload's const).
- **correlation** (``x-correlation``, ``correlationId``): judged by the wire check; a rule
  finding when the contract declares a rule ``checked-on: correlation``, else breaking both.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from harness.contract import Channel, Contract, Service, resolve_pointer
from harness.evolution.changes import BOTH, NARROWER, NONE, WIDER, Change, Finding, Roles, finding
from harness.evolution.keywords import same, shown
from harness.evolution.levels import LeveledComparison
from harness.rules import Level

NOTES = ("title", "summary", "description")
CHANNEL_KEYS = ("address", "messages", "bindings")
MESSAGE_KEYS = ("name", "payload", "bindings", "contentType", "examples", "correlationId")
"""Keys compared on their own; every other key is a note (``annotation_changes``)."""


def channel_findings(old: Contract, new: Contract, levels: LeveledComparison) -> Iterator[Finding]:
    pairs, removed, added = pair_channels(old, new)
    for channel in removed:
        detail = f"channel {channel.id} ({channel.address}) removed"
        change = Change("channel-removed", "", BOTH, detail)
        yield finding(change, _subject(channel), _roles(old, channel))
    for channel in added:
        roles = _roles(new, channel)
        detail = f"channel {channel.id} ({channel.address}) added"
        change = Change("channel-added", "", NONE, detail, services=roles.services(BOTH))
        yield finding(change, _subject(channel), roles)
    for before, after in pairs:
        yield from _paired(old, new, before, after, levels)


def pair_channels(
    old: Contract, new: Contract
) -> tuple[list[tuple[Channel, Channel]], list[Channel], list[Channel]]:
    """(paired, removed, added): by id, then the rest by address."""
    pairs = [(c, new.channels[c.id]) for c in old if c.id in new.channels]
    removed = [c for c in old if c.id not in new.channels]
    added = [c for c in new if c.id not in old.channels]
    moved = {c.address: c for c in added}
    for channel in list(removed):
        if channel.address in moved:
            pairs.append((channel, moved[channel.address]))
            removed.remove(channel)
            added.remove(moved[channel.address])
    return pairs, removed, added


def _paired(
    old: Contract, new: Contract, before: Channel, after: Channel, levels: LeveledComparison
) -> Iterator[Finding]:
    subject = _subject(after)
    roles = Roles(
        senders=_ids(_kept(old.senders(before), new.senders(after))),
        receivers=_ids(_kept(old.receivers(before), new.receivers(after))),
    )
    changes = [
        *_topic(old, new, before, after),
        *_key(before, after),
        *_message(old, new, before, after),
        *levels.at(before.message.payload_pointer, after.message.payload_pointer),
        *_operations(old, new, before, after),
    ]
    for change in changes:
        yield finding(change, subject, roles)


def _topic(old: Contract, new: Contract, before: Channel, after: Channel) -> Iterator[Change]:
    if before.id != after.id:
        yield Change("channel-renamed", "", NONE, f"channel id {before.id} -> {after.id}")
    if before.address != after.address:
        detail = f"address {before.address} -> {after.address}"
        yield Change("channel-address-changed", "", BOTH, detail)
    yield from _partitions(before, after)
    raw_o, raw_n = old.document["channels"][before.id], new.document["channels"][after.id]
    yield from annotation_changes(raw_o, raw_n, skip=CHANNEL_KEYS)


def _partitions(before: Channel, after: Channel) -> Iterator[Change]:
    counts = f"partitions {before.partitions} -> {after.partitions}"
    if after.partitions > before.partitions:
        keyed = WIDER if after.message.key_pointer else NONE
        moved = ": one key's records before and after land on different partitions"
        yield Change("partitions-increased", "", keyed, counts + (moved if keyed else ""))
    elif after.partitions < before.partitions:
        yield Change("partitions-decreased", "", BOTH, f"{counts} (the topic is recreated)")
    if after.replicas != before.replicas:
        detail = f"replicas {before.replicas} -> {after.replicas}"
        yield Change("replicas-changed", "", NONE, detail)


def _key(before: Channel, after: Channel) -> Iterator[Change]:
    old, new = before.message.key_pointer, after.message.key_pointer
    if old == new:
        return
    if old and new:
        detail = f"Kafka key {old} -> {new}: per-key order across the switch is lost"
        yield Change("key-pointer-changed", "", BOTH, detail)
    elif new:
        yield Change("key-pointer-added", "", NARROWER, f"Kafka key none -> {new}")
    else:
        detail = f"Kafka key {old} -> none: receivers lose per-key order"
        yield Change("key-pointer-removed", "", WIDER, detail)


def _message(old: Contract, new: Contract, before: Channel, after: Channel) -> Iterator[Change]:
    o, n = before.message, after.message
    if o.name != n.name:
        yield Change("message-renamed", "", NONE, f"message {o.name} -> {n.name}")
    raw_o, raw_n = _raw_message(old, before), _raw_message(new, after)
    if not same(raw_o.get("contentType"), raw_n.get("contentType")):
        detail = f"contentType {raw_o.get('contentType')} -> {raw_n.get('contentType')}"
        yield Change("content-type-changed", "", BOTH, detail)
    if (o.correlation_kind, o.correlation_location) != (n.correlation_kind, n.correlation_location):
        yield _correlation(new, f"{o.correlation_kind} -> {n.correlation_kind}")
    if not same(raw_o.get("examples"), raw_n.get("examples")):
        yield Change("examples-changed", "", NONE, "examples changed")
    yield from annotation_changes(raw_o, raw_n, skip=(*MESSAGE_KEYS, "x-correlation"))


def _correlation(new: Contract, detail: str) -> Change:
    rule = new.wire_rule("correlation")
    if rule is None:
        return Change("correlation-changed", "", BOTH, f"correlation {detail}")
    text = f"correlation {detail} (judged by the wire check, rule {rule.id})"
    return Change("correlation-changed", "", BOTH, text, rule=rule.id, level=Level.RULE)


def annotation_changes(
    old: Mapping[str, Any], new: Mapping[str, Any], *, skip: tuple[str, ...]
) -> Iterator[Change]:
    """Descriptions (``description-changed``) and every other key but ``skip``, none checked
    on the wire (``annotation-changed``: x-coverage-exempt, x-batch-pointer...): compatible."""
    for key in dict.fromkeys([*old, *new]):
        if key in skip or same(old.get(key), new.get(key)):
            continue
        kind = "description-changed" if key in NOTES else "annotation-changed"
        detail = f"{key} {shown(old.get(key))[:40]} -> {shown(new.get(key))[:40]}"
        yield Change(kind, "", NONE, detail, subject=key)


def _operations(old: Contract, new: Contract, before: Channel, after: Channel) -> Iterator[Change]:
    """Who sends and receives: see the module doc for when a removal breaks the other side."""
    was, now = _parties(old, before.id), _parties(new, after.id)
    for service_id, action in (p for p in now if p not in was):
        kind = "sender-added" if action == "send" else "receiver-added"
        yield Change(kind, "", NONE, f"{service_id} now {action}s it", services=(service_id,))
    for service_id, action in (p for p in was if p not in now):
        yield _removed_party(new, after, service_id, sending=action == "send")


def _removed_party(new: Contract, channel: Channel, service_id: str, *, sending: bool) -> Change:
    """The last sender gone starves the receivers, the last receiver gone leaves the senders'
    messages unread: for them the channel is removed. One of several gone is compatible."""
    same_side = new.senders(channel) if sending else new.receivers(channel)
    other_side = _ids(new.receivers(channel) if sending else new.senders(channel))
    kind = "sender-removed" if sending else "receiver-removed"
    detail = f"{service_id} no longer {'sends' if sending else 'receives'} it"
    if same_side or not other_side:
        return Change(kind, "", NONE, detail, services=(service_id,))
    others = ", ".join(other_side)
    if sending:
        return Change(
            kind, "", WIDER, f"{detail}: {others} get it from nobody", services=other_side
        )
    detail = f"{detail}: nobody reads what {others} send"
    return Change(kind, "", NARROWER, detail, services=other_side)


def _parties(contract: Contract, channel_id: str) -> list[tuple[str, str]]:
    ops = contract.operations.values()
    return list(dict.fromkeys((o.service_id, o.action) for o in ops if o.channel_id == channel_id))


def _roles(contract: Contract, channel: Channel) -> Roles:
    return Roles(_ids(contract.senders(channel)), _ids(contract.receivers(channel)))


def _kept(old: tuple[Service, ...], new: tuple[Service, ...]) -> tuple[Service, ...]:
    """The services on both sides, else the old ones (those that must change)."""
    ids = {s.id for s in new}
    return tuple(s for s in old if s.id in ids) or old


def _ids(services: tuple[Service, ...]) -> tuple[str, ...]:
    return tuple(s.id for s in services)


def _subject(channel: Channel) -> str:
    return f"{channel.id} {channel.message.name}"


def _raw_message(contract: Contract, channel: Channel) -> Mapping[str, Any]:
    pointer = channel.message.payload_pointer.removesuffix("/payload")
    found = resolve_pointer(contract.document, pointer)
    return found if isinstance(found, Mapping) else {}
