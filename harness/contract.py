"""The contract: contracts/asyncapi.yaml and its HTTP companion openapi.yaml, loaded once.

Code names channels and HTTP operations through the contract, never through topic strings or
literal paths::

    contract = load_contract()                       # the documents shipped with the package
    completed = contract.channel("batchPipelineCompleted")
    completed.address                                # 'huleedu.batch.pipeline.completed.v1'
    contract.senders(completed)                      # (Service(id='bos', ...),)
    contract.http("POST", "/v1/content").service_id  # 'content_service'

The layout the loader relies on is described in contracts/README.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import yaml

from harness.errors import (
    ContractLoadError,
    UnknownChannelError,
    UnknownHttpOperationError,
    UnknownMessageError,
    UnknownOperationError,
    UnknownRuleError,
    UnknownServiceError,
)
from harness.openapi import HttpOperation, OpenApiReader, schema_root
from harness.rules import WIRE_CHECKS, Rule, WireCheck, marked_nodes, rule_marks

JsonObject = dict[str, Any]
Action = Literal["send", "receive"]

# libyaml's safe loader when present (about 10x faster on this 5,000-line document), else PyYAML's.
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

CORRELATION_KINDS = {
    "request": "a pipeline request: its correlation id starts the pipeline's chain",
    "pipeline": "the correlation id of the pipeline request it belongs to",
    "comparison": "a new id per LLM comparison request",
    "comparison-result": "the id of the comparison request it answers",
    "registration": "the batch registration's correlation id",
    "own": "the sender's own (outside the pipeline's chain)",
}


@dataclass(frozen=True)
class Service:
    """A service of the pipeline and the one ``source_service`` string it writes."""

    id: str
    title: str
    source_service: str
    seen_source_services: tuple[str, ...]
    consumer_group: str


@dataclass(frozen=True)
class Message:
    """One event type: its schemas (as pointers into the document), key and examples."""

    name: str
    channel_id: str
    title: str
    description: str
    payload_pointer: str
    """JSON pointer (``#/...``) of the whole-envelope schema."""
    data_pointer: str
    """JSON pointer (``#/components/schemas/<Name>``) of the ``data`` payload schema."""
    key_pointer: str | None
    """JSON pointer into the envelope of the field the Kafka key is taken from."""
    correlation_location: str | None
    examples: tuple[Mapping[str, Any], ...]
    correlation_kind: str = "pipeline"
    """Which correlation id the message carries (``x-correlation``, one of CORRELATION_KINDS)."""
    batch_pointer: str | None = None
    """JSON pointer into the envelope of the BOS batch id (``x-batch-pointer``)."""


@dataclass(frozen=True)
class Channel:
    """A Kafka topic of the pipeline and the one message it carries."""

    id: str
    address: str
    message: Message
    partitions: int
    replicas: int
    description: str
    coverage_exempt: str | None = None
    """Why the simulated flow never publishes it (``x-coverage-exempt``): modelled so that a
    real service's messages on it can be judged."""
    several_senders: str | None = None
    """Why more than one service sends it (``x-several-senders``)."""
    no_receiver: str | None = None
    """Why no service receives it (``x-no-receiver``)."""

    @property
    def beside_the_flow(self) -> bool:
        """Modelled to judge real services' messages; the simulated flow never publishes it."""
        return self.coverage_exempt is not None


@dataclass(frozen=True)
class Operation:
    """One service sending or receiving one channel."""

    id: str
    action: Action
    channel_id: str
    service_id: str
    summary: str


@dataclass(frozen=True)
class Contract:
    """The whole contract; look things up by name, unknown names raise with a hint."""

    path: Path
    document: Mapping[str, Any]
    channels: Mapping[str, Channel]
    services: Mapping[str, Service]
    operations: Mapping[str, Operation]
    dead_letter_address: str
    http_operations: Mapping[str, HttpOperation] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """The HTTP operations of openapi.yaml, by operationId (empty without that document)."""
    openapi_path: Path | None = None
    openapi_document: Mapping[str, Any] | None = None
    rules: Mapping[str, Rule] = field(default_factory=lambda: MappingProxyType({}))
    """The named clean rules of root ``x-rules``, by id (see harness.rules)."""

    @cached_property
    def schema_root(self) -> Mapping[str, Any]:
        """The one document every schema (message or HTTP body) is validated against."""
        return schema_root(self.document, self.openapi_document)

    def http(self, method: str, path: str) -> HttpOperation:
        """The HTTP operation at ``method`` and ``path``: a template (``/v1/content/{id}``)
        or a concrete path (``/v1/content/0f3a...``); or an operationId alone."""
        for operation in self.http_operations.values():
            if operation.method == method.upper() and (
                operation.path == path
                or operation.path_pattern.fullmatch(path.split("?", maxsplit=1)[0])
            ):
                return operation
        known = [o.label for o in self.http_operations.values()]
        raise UnknownHttpOperationError(f"{method.upper()} {path}", known)

    def http_operation(self, operation_id: str) -> HttpOperation:
        """The HTTP operation with this operationId (``storeContent``, ``definePipeline``)."""
        if operation_id not in self.http_operations:
            raise UnknownHttpOperationError(operation_id, list(self.http_operations))
        return self.http_operations[operation_id]

    def served_by(self, service_id: str) -> tuple[HttpOperation, ...]:
        """The HTTP operations ``service_id`` serves."""
        self.service(service_id)
        return tuple(o for o in self.http_operations.values() if o.service_id == service_id)

    @cached_property
    def dead_letter_channel(self) -> Channel:
        """The harness's dead-letter topic, as a channel to subscribe to (not a domain event)."""
        message = Message(
            name="DeadLetter",
            channel_id="deadLetter",
            title="A message a consumer set aside",
            description="The original value, with the reason in the x-dead-letter-reason header.",
            payload_pointer="",
            data_pointer="",
            key_pointer=None,
            correlation_location=None,
            examples=(),
        )
        return Channel("deadLetter", self.dead_letter_address, message, 1, 1, message.description)

    def channel(self, name: str) -> Channel:
        """The channel with this id or this address (topic)."""
        found = self.channels.get(name) or self._by_address.get(name)
        if found is None:
            raise UnknownChannelError(name, [*self.channels, *self._by_address])
        return found

    def message(self, name: str) -> Message:
        """The message with this name (the real class name, e.g. ``ELSBatchPhaseOutcomeV1``)."""
        for channel in self.channels.values():
            if channel.message.name == name:
                return channel.message
        raise UnknownMessageError(name, [c.message.name for c in self.channels.values()])

    def rule(self, rule_id: str) -> Rule:
        if rule_id not in self.rules:
            raise UnknownRuleError(rule_id, list(self.rules))
        return self.rules[rule_id]

    def wire_rule(self, check: WireCheck) -> Rule | None:
        """The rule a wire check judges (``key``, ``source_service``...), if one is declared."""
        return next((r for r in self.rules.values() if r.checked_on == check), None)

    def service(self, service_id: str) -> Service:
        """The service with this id (``bos``, ``els``, ...)."""
        if service_id not in self.services:
            raise UnknownServiceError(service_id, list(self.services))
        return self.services[service_id]

    def operation(self, operation_id: str) -> Operation:
        """The operation with this id."""
        if operation_id not in self.operations:
            raise UnknownOperationError(operation_id, list(self.operations))
        return self.operations[operation_id]

    def senders(self, channel: Channel) -> tuple[Service, ...]:
        """The services the contract allows to publish on ``channel``."""
        return self._services_on(channel, "send")

    def receivers(self, channel: Channel) -> tuple[Service, ...]:
        """The services that consume ``channel``."""
        return self._services_on(channel, "receive")

    def produced_by(self, service_id: str) -> tuple[Channel, ...]:
        """The channels ``service_id`` may publish on."""
        return self._channels_of(service_id, "send")

    def consumed_by(self, service_id: str) -> tuple[Channel, ...]:
        """The channels ``service_id`` consumes."""
        return self._channels_of(service_id, "receive")

    def channel_for_topic(self, topic: str, prefix: str = "") -> Channel:
        """The channel behind a topic name that carries a run's ``prefix``."""
        if prefix and topic.startswith(prefix):
            topic = topic[len(prefix) :]
        return self.channel(topic)

    def __iter__(self) -> Iterator[Channel]:
        return iter(self.channels.values())

    @cached_property
    def _by_address(self) -> Mapping[str, Channel]:
        return {c.address: c for c in self.channels.values()}

    def _services_on(self, channel: Channel, action: Action) -> tuple[Service, ...]:
        ids = [
            op.service_id
            for op in self.operations.values()
            if op.channel_id == channel.id and op.action == action
        ]
        return tuple(self.services[i] for i in dict.fromkeys(ids))

    def _channels_of(self, service_id: str, action: Action) -> tuple[Channel, ...]:
        self.service(service_id)
        ids = [
            op.channel_id
            for op in self.operations.values()
            if op.service_id == service_id and op.action == action
        ]
        return tuple(self.channels[i] for i in dict.fromkeys(ids))


def companion_path(asyncapi_path: Path) -> Path:
    """Where the OpenAPI companion of an AsyncAPI document lives: openapi.yaml beside it."""
    return asyncapi_path.with_name("openapi.yaml")


def default_contract_path() -> Path:
    """The contract shipped with this package (contracts/asyncapi.yaml)."""
    packaged = resources.files("harness").joinpath("data", "asyncapi.yaml")
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "contracts" / "asyncapi.yaml"


MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
"""A contract file larger than this is refused before it is read (the shipped one is 0.3 MB)."""
MAX_EXPANDED_NODES = 2_000_000
"""YAML aliases may expand a document to at most this many nodes (a "billion laughs" document
of 1 KB expands to 10**9; the shipped contract has about 18,000 without aliases)."""
_MAYBE_ALIAS = re.compile(r"(?:^|[\s\[{,:-])\*[\w.-]")


def read_document(path: Path, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> JsonObject:
    """Read a YAML document safely (``yaml.safe_load`` only), with a clear error; a file over
    ``max_bytes``, aliases expanding past MAX_EXPANDED_NODES and nesting deeper than the
    parser allows are refused with bounded memory."""
    text = _document_text(path, max_bytes)
    try:
        if _MAYBE_ALIAS.search(text):  # only a document with aliases can expand
            _refuse_alias_expansion(path, text)
        document = yaml.load(text, Loader=_SAFE_LOADER)  # a safe loader (libyaml or PyYAML)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        raise ContractLoadError(str(path), f"not valid YAML: {reason}", where=where) from None
    except RecursionError:
        raise ContractLoadError(str(path), "nested too deeply to read") from None
    if not isinstance(document, dict):
        raise ContractLoadError(str(path), "the document is not a YAML mapping")
    return document


def _document_text(path: Path, max_bytes: int) -> str:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            reason = f"{size:,} bytes is over the limit of {max_bytes:,} for a contract"
            raise ContractLoadError(str(path), reason)
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ContractLoadError(str(path), exc.strerror or str(exc)) from None
    except UnicodeDecodeError as exc:
        raise ContractLoadError(str(path), f"not UTF-8 text (at byte {exc.start})") from None


def _refuse_alias_expansion(path: Path, text: str) -> None:
    """Count the nodes the document would have with every alias expanded, from the parser's
    events (constant memory per anchor), and refuse it past MAX_EXPANDED_NODES."""
    sizes: dict[str, int] = {}
    open_nodes: list[list[Any]] = [[None, 0]]  # [anchor, nodes so far] per open collection
    for event in yaml.parse(text, Loader=_SAFE_LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            open_nodes.append([event.anchor, 1])
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            anchor, size = open_nodes.pop()
        elif isinstance(event, yaml.ScalarEvent):
            anchor, size = event.anchor, 1
        elif isinstance(event, yaml.AliasEvent):
            anchor, size = None, sizes.get(str(event.anchor), 1)
        else:
            continue
        if anchor is not None:
            sizes[str(anchor)] = size
        open_nodes[-1][1] += size
        if open_nodes[-1][1] > MAX_EXPANDED_NODES:
            reason = f"its YAML aliases expand it past {MAX_EXPANDED_NODES:,} nodes"
            line = getattr(event.start_mark, "line", -1) + 1
            raise ContractLoadError(str(path), reason, where=f"line {line}")


def load_contract(
    path: Path | str | None = None,
    *,
    allow_remote_refs: bool = False,
    document: JsonObject | None = None,
    openapi_path: Path | str | None = None,
    openapi_document: JsonObject | None = None,
    with_http: bool = True,
) -> Contract:
    """Load and index the contract; raise ContractLoadError naming what is wrong.

    The AsyncAPI document at ``path`` and its OpenAPI companion (``openapi_path``, by default
    openapi.yaml beside it; a contract without one has no HTTP operations) become one Contract.
    ``document`` and ``openapi_document`` are the already-read contents of ``path`` and of the
    companion, to spare a second parse; ``with_http=False`` leaves the companion out.
    """
    source = Path(path) if path is not None else default_contract_path()
    document = document if document is not None else read_document(source)
    if not allow_remote_refs:
        _refuse_remote_refs(source, document)
    contract = _ContractReader(source, document).read()
    http_source = Path(openapi_path) if openapi_path is not None else companion_path(source)
    if not with_http or (openapi_path is None and not http_source.is_file()):
        return contract
    openapi = openapi_document if openapi_document is not None else read_document(http_source)
    if not allow_remote_refs:
        _refuse_remote_refs(http_source, openapi, companion=True)
    reader = OpenApiReader(http_source, openapi, frozenset(contract.services))
    for pointer, node in marked_nodes(openapi):
        unknown = [rid for rid in rule_marks(node) if rid not in contract.rules]
        if unknown:
            raise ContractLoadError(
                str(http_source), f"x-rule {unknown[0]!r} is not declared in x-rules", where=pointer
            )
    return replace(
        contract,
        http_operations=reader.read(),
        openapi_path=http_source,
        openapi_document=openapi,
    )


def _refuse_remote_refs(
    path: Path, document: Any, where: str = "", *, companion: bool = False
) -> None:
    """Only local refs (and, in the OpenAPI companion, refs into asyncapi.yaml)."""
    if isinstance(document, dict):
        ref = document.get("$ref")
        if isinstance(ref, str) and not (
            ref.startswith("#") or (companion and ref.startswith("asyncapi.yaml#/"))
        ):
            raise ContractLoadError(
                str(path), f"remote $ref {ref!r} refused (only local '#/...' refs)", where=where
            )
        for key, value in document.items():
            _refuse_remote_refs(path, value, f"{where}/{key}", companion=companion)
    elif isinstance(document, list):
        for index, value in enumerate(document):
            _refuse_remote_refs(path, value, f"{where}/{index}", companion=companion)


def resolve_pointer(document: Mapping[str, Any], pointer: str) -> Any:
    """Follow a local JSON pointer (``#/a/b`` or ``/a/b``); KeyError when it leads nowhere."""
    node: Any = document
    for raw in pointer.lstrip("#").strip("/").split("/"):
        if raw == "":
            continue
        part = raw.replace("%7B", "{").replace("%7D", "}").replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            node = node[int(part)]
        elif isinstance(node, Mapping):
            node = node[part]
        else:
            raise KeyError(pointer)
    return node


def message_key(channel: Channel, document: Mapping[str, Any]) -> str | None:
    """The Kafka key the contract's binding gives for this envelope (None when keyless)."""
    pointer = channel.message.key_pointer
    if not pointer:
        return None
    try:
        value = resolve_pointer(document, pointer)
    except (KeyError, IndexError, ValueError):
        return None
    return None if value is None else str(value)


class _ContractReader:
    """Turns the raw document into the frozen model, naming the place of any layout error."""

    def __init__(self, path: Path, document: JsonObject) -> None:
        self.path = path
        self.document = document

    def read(self) -> Contract:
        version = self.document.get("asyncapi")
        if not isinstance(version, str) or not version.startswith("3."):
            self._fail(f"expected an AsyncAPI 3 document, found asyncapi: {version!r}", "/asyncapi")
        services = {sid: self._service(sid, raw) for sid, raw in self._section("x-services")}
        channels = {cid: self._channel(cid, raw) for cid, raw in self._section("channels")}
        operations = {
            oid: self._operation(oid, raw, channels, services)
            for oid, raw in self._section("operations")
        }
        dead_letter = self.document.get("x-dead-letter-address", "huleedu.harness.dead_letter.v1")
        rules = self._rules()
        return Contract(
            path=self.path,
            document=self.document,
            channels=MappingProxyType(channels),
            services=MappingProxyType(services),
            operations=MappingProxyType(operations),
            dead_letter_address=str(dead_letter),
            rules=MappingProxyType(rules),
        )

    def _rules(self) -> dict[str, Rule]:
        """Root ``x-rules`` (optional), and every ``x-rule`` mark naming one of them."""
        section = self.document.get("x-rules") or {}
        if not isinstance(section, dict):
            self._fail("expected a mapping of rule ids", "/x-rules")
        rules = {rid: self._rule(str(rid), raw) for rid, raw in section.items()}
        for pointer, node in marked_nodes(self.document):
            for rid in rule_marks(node):
                if rid not in rules:
                    self._fail(f"x-rule {rid!r} is not declared in x-rules", pointer)
        return rules

    def _rule(self, rid: str, raw: Any) -> Rule:
        where = f"/x-rules/{rid}"
        if not isinstance(raw, dict):
            self._fail("expected a mapping", where)
        tightens = raw.get("tightens") or []
        checked_on = raw.get("checked-on")
        if not isinstance(tightens, list) or bool(tightens) == bool(checked_on):
            self._fail("a rule has either `tightens: [keywords]` or `checked-on: CHECK`", where)
        if checked_on is not None and checked_on not in WIRE_CHECKS:
            self._fail(f"checked-on must be one of {', '.join(WIRE_CHECKS)}", f"{where}/checked-on")
        return Rule(
            id=rid,
            statement=str(self._required(raw, "statement", where)).strip(),
            rationale=str(self._required(raw, "rationale", where)).strip(),
            real_system=str(self._required(raw, "real-system", where)).strip(),
            tightens=tuple(str(k) for k in tightens),
            checked_on=checked_on,
        )

    def _fail(self, reason: str, where: str) -> None:
        raise ContractLoadError(str(self.path), reason, where=where)

    def _section(self, name: str) -> list[tuple[str, JsonObject]]:
        section = self.document.get(name)
        if not isinstance(section, dict) or not section:
            self._fail(f"missing or empty section {name!r}", f"/{name}")
            return []
        for key, value in section.items():
            if not isinstance(value, dict):
                self._fail("expected a mapping", f"/{name}/{key}")
        return list(section.items())

    def _required(self, raw: JsonObject, key: str, where: str) -> Any:
        if key not in raw:
            self._fail(f"missing {key!r}", where)
        return raw[key]

    def _service(self, sid: str, raw: JsonObject) -> Service:
        where = f"/x-services/{sid}"
        return Service(
            id=sid,
            title=str(raw.get("title", sid)),
            source_service=str(self._required(raw, "source_service", where)),
            seen_source_services=tuple(raw.get("x-seen-source-services", ()) or ()),
            consumer_group=str(raw.get("consumer_group", f"{sid}-group")),
        )

    def _deref(self, node: Any, where: str) -> tuple[Any, str | None]:
        """Follow a ``$ref`` node; returns (target, pointer) or (node, None) when inline."""
        if isinstance(node, dict) and "$ref" in node:
            pointer = str(node["$ref"])
            try:
                return resolve_pointer(self.document, pointer), pointer
            except (KeyError, IndexError, ValueError):
                self._fail(f"$ref {pointer!r} does not resolve", where)
        return node, None

    def _channel(self, cid: str, raw: JsonObject) -> Channel:
        where = f"/channels/{cid}"
        messages = self._required(raw, "messages", where)
        if not isinstance(messages, dict) or len(messages) != 1:
            self._fail("a channel carries exactly one message", f"{where}/messages")
        ((name, node),) = messages.items()
        message_raw, pointer = self._deref(node, f"{where}/messages/{name}")
        base = pointer or f"#{where}/messages/{name}"
        kafka = (raw.get("bindings") or {}).get("kafka") or {}
        return Channel(
            id=cid,
            address=str(self._required(raw, "address", where)),
            message=self._message(cid, name, message_raw, base),
            partitions=int(kafka.get("partitions", 1)),
            replicas=int(kafka.get("replicas", 1)),
            description=str(raw.get("description", "")),
            coverage_exempt=raw.get("x-coverage-exempt"),
            several_senders=raw.get("x-several-senders"),
            no_receiver=raw.get("x-no-receiver"),
        )

    def _message(self, cid: str, name: str, raw: Any, base: str) -> Message:
        where = base.lstrip("#")
        if not isinstance(raw, dict):
            self._fail("expected a message object", where)
        payload = self._required(raw, "payload", where)
        data_pointer = self._data_pointer(payload, f"{where}/payload")
        key = ((raw.get("bindings") or {}).get("kafka") or {}).get("key") or {}
        key, _ = self._deref(key, f"{where}/bindings/kafka/key")
        correlation, _ = self._deref(raw.get("correlationId") or {}, f"{where}/correlationId")
        return Message(
            name=str(raw.get("name", name)),
            channel_id=cid,
            title=str(raw.get("title", name)),
            description=str(raw.get("description", "")),
            payload_pointer=f"{base}/payload",
            data_pointer=data_pointer,
            key_pointer=key.get("x-key-pointer") if isinstance(key, dict) else None,
            correlation_location=correlation.get("location") if correlation else None,
            examples=tuple(ex["payload"] for ex in raw.get("examples", ()) if isinstance(ex, dict)),
            correlation_kind=str(raw.get("x-correlation", "pipeline")),
            batch_pointer=raw.get("x-batch-pointer"),
        )

    def _data_pointer(self, payload: Any, where: str) -> str:
        """Find ``data``'s schema in the envelope payload (allOf [EventEnvelope, {data: $ref}])."""
        payload, _ = self._deref(payload, where)
        parts = payload.get("allOf", []) if isinstance(payload, dict) else []
        for index, part in enumerate(parts):
            data = (part.get("properties") or {}).get("data") if isinstance(part, dict) else None
            if isinstance(data, dict) and isinstance(data.get("$ref"), str):
                self._deref(data, f"{where}/allOf/{index}/properties/data")
                return str(data["$ref"])
        self._fail("payload must be allOf [EventEnvelope, {properties: {data: {$ref}}}]", where)
        return ""

    def _operation(
        self,
        oid: str,
        raw: JsonObject,
        channels: Mapping[str, Channel],
        services: Mapping[str, Service],
    ) -> Operation:
        where = f"/operations/{oid}"
        action = self._required(raw, "action", where)
        if action not in ("send", "receive"):
            self._fail(f"action must be send or receive, not {action!r}", f"{where}/action")
        ref = str((self._required(raw, "channel", where) or {}).get("$ref", ""))
        channel_id = ref.removeprefix("#/channels/")
        if channel_id not in channels:
            self._fail(f"channel $ref {ref!r} names no channel", f"{where}/channel")
        service_id = str(self._required(raw, "x-service", where))
        if service_id not in services:
            self._fail(f"x-service {service_id!r} is not in x-services", f"{where}/x-service")
        return Operation(
            id=oid,
            action=action,
            channel_id=channel_id,
            service_id=service_id,
            summary=str(raw.get("summary", "")),
        )
