"""Typed pydantic models of every message and HTTP body, generated from the contract.

``_asyncapi.py`` (from asyncapi.yaml: 186 classes, one per component schema, message payload
and Kafka key) and ``_openapi.py`` (from openapi.yaml, which imports the AsyncAPI models it
``$ref``s instead of writing them again) are written by datamodel-code-generator; ``_index.py``
says which class models which message and body. All three are committed, and
tests/unit/test_models_in_step.py regenerates them and compares byte for byte. After a contract
change, run ``python -m harness.models.generate`` (or ``make models``)::

    models = message_models("ELSBatchPhaseOutcomeV1")   # by name, for code that loops
    models.envelope.model_validate_json(raw)             # the whole EventEnvelope
    request_model("registerBatch")                       # BatchRegistrationRequestV1
    outcome = asyncapi.ELSBatchPhaseOutcomeV1Payload.model_validate_json(raw)  # typed
    outcome.data.phase_name                              # PhaseName.spellcheck

The generator options (harness/models/generate.py) keep what they can: aware datetimes
(``AwareDatetime``), UUIDs, enums (``StrEnum``), the per-channel ``event_type`` (a ``Literal`` of
the topic), ``extra="forbid"``/``"allow"`` as ``additionalProperties`` says, lengths, bounds and
string patterns (``Annotated`` fields), typed ``[object, 'null']`` maps, ``propertyNames`` enum
keys, strict scalars (no ``"5"`` for 5), and an optional field that is not nullable typed
``X | MISSING``: absent or an X, never null. What the models lose, and where it is covered:

- **oneOf exclusivity and ``not``**: a oneOf becomes a plain union of its branches
  (LLMComparisonResultV1: a winner or an error; PipelinePromptPayload: an assignment id or a
  prompt reference), and pydantic accepts a value that matches two. The factories
  (harness.model_factory) build one branch and leave at their defaults the fields another branch
  requires; the property tests check every build against the contract.
- **dynamic defaults** (``x-default-factory: uuid4 | now_utc``): the field is ``X | MISSING``,
  omitted unless given; the factories give it a value or omit it, never null.
- **patterns on timestamps**: pydantic takes no ``pattern`` on a datetime (the generator warns for
  each of the 45); its datetime parsing is laxer than RFC 3339 (it takes a unix number). The
  factories write RFC 3339 with ``Z`` (``model_dump(mode="json")``). Likewise a ``UUID`` field
  parses forms the contract's dashed ``uuid`` refuses (32 hex digits, ``urn:uuid:``).
- **the x-rule levels**: the models are the strict contract. They refuse what only breaks a named
  clean rule (a naive time, an unknown field, an ``event_type`` other than the topic, a
  non-terminal ``final_status``), which the real consumers accept; judge real messages with
  harness.validation, which tells ``breaking`` from ``rule``.
- **the envelope per channel**: each ``<Message>Payload`` narrows ``event_type`` and ``data``,
  but ``source_service`` stays a string: the senders are the contract's operations, not a
  schema. The factories take it from ``contract.senders(channel)``.
- **allOf of two enums** (BatchPipelineCompletedV1.final_status: BatchStatus and
  PipelineFinalStatus): the generator's default options wrote one enum with each member twice
  (it warns "Field name ... is duplicated on FinalStatus"); the preset intersects allOf
  keywords, so ``FinalStatus`` holds the three terminal values once.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from harness.errors import UnknownHttpOperationError, UnknownMessageError
from harness.models import _asyncapi as asyncapi
from harness.models import _openapi as openapi
from harness.models._index import MESSAGES, REQUEST_BODIES, RESPONSE_BODIES

__all__ = [
    "MESSAGES",
    "REQUEST_BODIES",
    "RESPONSE_BODIES",
    "MessageModels",
    "asyncapi",
    "message_models",
    "openapi",
    "request_model",
    "response_models",
]


@dataclass(frozen=True)
class MessageModels:
    """The two models of one message: its whole envelope (what goes on the wire) and its data."""

    name: str
    envelope: type[BaseModel]
    data: type[BaseModel]


def message_models(name: str) -> MessageModels:
    """The models of the message ``name`` (the real class name, ``ELSBatchPhaseOutcomeV1``)."""
    if name not in MESSAGES:
        raise UnknownMessageError(name, list(MESSAGES))
    envelope, data = MESSAGES[name]
    return MessageModels(name, envelope, data)


def request_model(operation_id: str) -> type[BaseModel] | None:
    """The model of the JSON request body of an HTTP operation (None: it takes no JSON body)."""
    if operation_id not in REQUEST_BODIES:
        raise UnknownHttpOperationError(operation_id, list(REQUEST_BODIES))
    return REQUEST_BODIES[operation_id]


def response_models(operation_id: str, status: int) -> tuple[type[BaseModel], ...]:
    """The models a JSON answer of an HTTP operation may take (empty: not a JSON body)."""
    if operation_id not in REQUEST_BODIES:
        raise UnknownHttpOperationError(operation_id, list(REQUEST_BODIES))
    return RESPONSE_BODIES.get((operation_id, status), ())
