"""Interoperability: asyncapi-python's code generator (0.3.x) consumes the contract as it is.

What it is used for: a second, independent AsyncAPI 3 toolchain reading the document. Its
generator must parse the contract without changes, give one router per operation (a Publisher
for each ``send``, a Subscriber for each ``receive``) on the channel's address, and its
generated envelope models must accept every example the contract ships.

What it cannot do, pinned below so that a release that changes it shows up here:

- it has no Kafka wire (AMQP and in-memory only), and hard-codes the channel key;
- its JSON codec resolves a message's model by the message *name*. Every message here is named
  after the real class (``BatchPipelineCompletedV1``), which is also the name of its ``data``
  schema, so that codec decodes the whole envelope with the data model and refuses it;
- it names the envelope class after the message *title*; where the real class has no version
  suffix (BatchEssaysRegistered, BatchEssaysReady) that is the data schema's name too, and the
  data model stands in for the envelope on those channels' routers.

The harness therefore uses only its generated envelope types, as a second reader, never its
runtime.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import sys
import typing
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from harness.contract import Contract

codegen = pytest.importorskip("asyncapi_python_codegen.generators", reason="dev extra")
PACKAGE = "aapy_generated"
# datamodel-code-generator (which it drives) warns about its own future defaults and about
# enum members it renames; neither is about the contract.
pytestmark = pytest.mark.filterwarnings("ignore:::datamodel_code_generator")


@pytest.fixture(scope="module")
def generated(contract: Contract, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The package asyncapi-python generates from the contract, imported."""
    root = tmp_path_factory.mktemp("asyncapi-python")
    generator = codegen.CodeGenerator()
    # Formatting and type-checking the output are cosmetic here and take 13 s and 5 s of the
    # 20: the generated code is imported and used, not read.
    renderer = generator.template_renderer
    renderer._format_with_black = lambda content, _name: content
    renderer.run_mypy = lambda _output: None
    generator.generate(contract.path, root / PACKAGE)
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def _routers(package: ModuleType) -> dict[str, type]:
    router = importlib.import_module(f"{PACKAGE}.router")
    return {
        name: cls
        for name, cls in vars(router).items()
        if isinstance(cls, type)
        and name.endswith("Router")
        and cls.__module__ == router.__name__
        and typing.get_args(getattr(cls, "__orig_bases__", (object,))[0])
    }


def _envelope_model(router: type) -> type[BaseModel]:
    (model,) = typing.get_args(router.__orig_bases__[0])  # type: ignore[attr-defined]
    assert issubclass(model, BaseModel)
    return model


def _router_name(operation_id: str) -> str:
    """Its router class for an operation: the id's parts capitalised (``str.capitalize``)."""
    return "".join(part.capitalize() for part in operation_id.split("_")) + "Router"


def test_it_gives_one_router_per_operation_of_the_contract(
    contract: Contract, generated: ModuleType
) -> None:
    routers = _routers(generated)
    expected = {_router_name(op_id) for op_id in contract.operations}
    assert set(routers) == expected
    for op_id, operation in contract.operations.items():
        base = routers[_router_name(op_id)].__orig_bases__[0]  # type: ignore[attr-defined]
        kind = typing.get_origin(base).__name__
        assert kind == {"send": "Publisher", "receive": "Subscriber"}[operation.action], op_id


def _named_like_its_data(contract: Contract, channel_id: str) -> bool:
    """Whether the envelope class it names after the message title clashes with the ``data``
    schema's class: the real class names without a version suffix (BatchEssaysRegistered)."""
    message = contract.channel(channel_id).message
    envelope_class = "".join(word.capitalize() for word in message.title.split())
    return envelope_class == message.data_pointer.rsplit("/", 1)[-1]


def test_its_envelope_models_accept_every_example_of_the_contract(
    contract: Contract, generated: ModuleType
) -> None:
    routers = _routers(generated)
    for op_id, operation in contract.operations.items():
        channel = contract.channel(operation.channel_id)
        model = _envelope_model(routers[_router_name(op_id)])
        if _named_like_its_data(contract, channel.id):
            continue  # the limitation below: the data model stands in for the envelope's
        event_type = model.model_fields["event_type"].annotation
        assert typing.get_args(event_type) == (channel.address,), op_id
        assert channel.message.examples, channel.id
        for example in channel.message.examples:
            model.model_validate(example)


def test_a_message_keyed_like_its_data_schema_gets_the_data_model_for_its_envelope(
    contract: Contract, generated: ModuleType
) -> None:
    """The name clash the module docstring names (BatchEssaysRegistered, BatchEssaysReady)."""
    routers = _routers(generated)
    clashing = {c.id for c in contract if _named_like_its_data(contract, c.id)}
    assert clashing == {"batchEssaysRegistered", "batchEssaysReady"}
    for op_id, operation in contract.operations.items():
        if operation.channel_id in clashing:
            model = _envelope_model(routers[_router_name(op_id)])
            assert "event_type" not in model.model_fields, op_id
            example = contract.channel(operation.channel_id).message.examples[0]
            model.model_validate(example["data"])
            with pytest.raises(ValidationError):
                model.model_validate(example)


def test_its_envelope_models_refuse_what_the_contract_calls_breaking(
    contract: Contract, generated: ModuleType
) -> None:
    channel = contract.channel("batchPipelineCompleted")
    model = _envelope_model(_routers(generated)["BosSendBatchpipelinecompletedRouter"])
    broken: dict[str, Any] = {**channel.message.examples[0], "data": {}}
    with pytest.raises(ValidationError):
        model.model_validate(broken)


def test_its_codec_resolves_the_data_model_by_the_message_name(
    contract: Contract, generated: ModuleType
) -> None:
    """The limitation the module docstring names: why its runtime is not used."""
    from asyncapi_python.contrib.codec.json import JsonCodecFactory
    from asyncapi_python.kernel.document.message import Message

    channel = contract.channel("batchPipelineCompleted")
    envelope = channel.message.examples[0]
    blank: dict[str, Any] = {f.name: None for f in dataclasses.fields(Message)}
    spec = Message(**{**blank, "tags": [], "traits": []})
    spec = dataclasses.replace(
        spec, name=channel.message.name, content_type="application/json", payload={"type": "object"}
    )
    codec = JsonCodecFactory(generated).create(spec)
    with pytest.raises(ValueError, match="Failed to decode"):
        codec.decode(json.dumps(envelope).encode())


def test_it_has_no_kafka_wire() -> None:
    """Why its runtime cannot carry this pipeline (the module docstring's first limitation)."""
    import importlib.util

    wires = importlib.import_module("asyncapi_python.contrib.wire")
    assert importlib.util.find_spec(f"{wires.__name__}.amqp") is not None
    assert importlib.util.find_spec(f"{wires.__name__}.kafka") is None
