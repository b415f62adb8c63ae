"""polyfactory for the generated models, with the choices the models cannot carry (issue 15).

The models (harness.models) lose some of the contract's meaning; ``ContractModelFactory`` puts it
back as it builds, so that every value it makes is clean:

- **absent, never null**: a field typed ``X | MISSING`` (optional, not nullable, often a
  dynamic default such as ``uuid4``) is omitted or given an X, never None.
- **one branch of a oneOf**: building one model of a union of models, the fields another branch
  requires and this one does not are left at their defaults (None, or absent), so the value
  matches that branch only. A union RootModel (LLMComparisonResultV1, PipelinePromptPayload)
  built with field overrides takes a branch that can hold them.
- **timestamps**: aware UTC instants of 2026 (microseconds included), from the seeded Random, not
  from today's clock, so that one seed repeats a build on any day; plain strings, numbers and
  UUIDs from that Random too (Faker's are slower, and its dates follow the clock).
- **refused overrides** raise RefusedOverrides with the JSON pointer of each field (polyfactory
  builds a nested model on its own, so pydantic's error would start at that model).
- **one family per seed**: the factories polyfactory makes for nested models share the root's
  Random and Faker (one seed repeats a whole build) and are made once per family, not per build.

It registers with polyfactory as a base factory for the classes of harness.models only; any
other pydantic model keeps polyfactory's own ModelFactory. Use it through
harness.message_factory.MessageFactory.
"""

from __future__ import annotations

import functools
import inspect
import random
import string
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from types import UnionType
from typing import Any, ClassVar, TypeGuard, Union, get_args, get_origin
from uuid import UUID

from faker import Faker
from polyfactory.factories.base import BaseFactory
from polyfactory.factories.pydantic_factory import ModelFactory
from polyfactory.field_meta import FieldMeta
from pydantic import MISSING, AwareDatetime, BaseModel, RootModel, ValidationError

from harness.models import _asyncapi, _openapi

MODEL_MODULES = (_asyncapi, _openapi)
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
YEAR_US = 365 * 24 * 3600 * 10**6
LETTERS = string.ascii_letters + string.digits

Family = dict[type[Any], type[BaseFactory[Any]]]
Finding = tuple[tuple[str | int, ...], str]
"""Where (the path into the built value) and why."""


class RefusedOverrides(Exception):
    """The models refused overrides: each field's path and reason."""

    def __init__(self, findings: Sequence[Finding], given: Mapping[str, Any]) -> None:
        super().__init__(findings)
        self.findings = tuple(findings)
        self.given = dict(given)

    def under(self, *parts: str | int) -> RefusedOverrides:
        """The same findings, seen from the model that holds this one at ``parts``."""
        return RefusedOverrides([((*parts, *at), why) for at, why in self.findings], {})

    def pointers(self) -> list[tuple[str, str]]:
        return [("/" + "/".join(str(p) for p in at), why) for at, why in self.findings]


class ContractModelFactory(ModelFactory[BaseModel]):
    """A polyfactory ModelFactory for harness.models' classes (see the module docstring)."""

    __is_base_factory__ = True
    __family__: ClassVar[Family | None] = None
    __config_keys__ = (*ModelFactory.__config_keys__, "__family__")
    _contract_fields: ClassVar[list[FieldMeta]]
    _contract_providers: ClassVar[dict[Any, Callable[[], Any]]]

    @classmethod
    def for_model(cls, model: type[BaseModel], rng: random.Random, faker: Faker) -> type[Any]:
        """The factory of ``model`` in a new family drawing on ``rng`` and ``faker``."""
        family: Family = {}
        factory = cls.create_factory(model, __random__=rng, __faker__=faker, __family__=family)
        family[model] = factory
        return factory

    @classmethod
    def is_supported_type(cls, value: Any) -> TypeGuard[type[BaseModel]]:
        return super().is_supported_type(value) and inspect.getmodule(value) in MODEL_MODULES

    @classmethod
    def _get_or_create_factory(cls, model: type[Any]) -> type[BaseFactory[Any]]:
        # polyfactory makes a new factory class for a nested model on every build (and reads
        # its fields again): one per model and family instead, ten times faster.
        family = cls.__family__
        if family is None:
            return super()._get_or_create_factory(model)
        if model not in family:
            family[model] = super()._get_or_create_factory(model)
        return family[model]

    @classmethod
    def get_model_fields(cls) -> list[FieldMeta]:
        if "_contract_fields" not in cls.__dict__:
            left = left_at_default(cls.__model__)
            kept = [f for f in super().get_model_fields() if f.name not in left]
            cls._contract_fields = [_absent_not_null(f) for f in kept]
        return cls._contract_fields

    @classmethod
    def get_provider_map(cls) -> dict[Any, Callable[[], Any]]:
        if "_contract_providers" not in cls.__dict__:  # polyfactory builds it for every field
            rng = cls.__random__
            cls._contract_providers = {
                **super().get_provider_map(),
                AwareDatetime: cls._instant,
                str: lambda: "".join(rng.choices(LETTERS, k=rng.randint(1, 20))),
                int: lambda: rng.randint(0, 9999),
                float: lambda: round(rng.uniform(-1000, 1000), 3),
                bool: lambda: rng.random() < 0.5,
                UUID: lambda: UUID(int=rng.getrandbits(128), version=4),
            }
        return cls._contract_providers

    @classmethod
    def _instant(cls) -> datetime:
        return EPOCH + timedelta(microseconds=cls.__random__.randrange(YEAR_US))

    @classmethod
    def build(cls, factory_use_construct: bool = False, **kwargs: Any) -> BaseModel:
        try:
            return super().build(factory_use_construct, **kwargs)
        except ValidationError as error:
            findings = [(tuple(e["loc"]), e["msg"]) for e in error.errors()]
            raise RefusedOverrides(findings, kwargs) from None

    @classmethod
    def get_field_value(
        cls,
        field_meta: FieldMeta,
        field_build_parameters: Any | None = None,
        build_context: Any | None = None,
    ) -> Any:
        try:
            return super().get_field_value(field_meta, field_build_parameters, build_context)
        except RefusedOverrides as refused:
            items = field_build_parameters if isinstance(field_build_parameters, list) else []
            given = {k: v for k, v in refused.given.items() if k != "_build_context"}
            at = [i for i, item in enumerate(items) if item == given][:1]
            raise refused.under(field_meta.name, *at) from None

    @classmethod
    def process_kwargs(cls, **kwargs: Any) -> dict[str, Any]:
        branches = union_branches(cls.__model__)
        if branches and set(kwargs) - {"root", "_build_context"}:
            context = kwargs.pop("_build_context", None)
            branch = _branch_taking(branches, kwargs, cls.__random__)
            built = cls._get_or_create_factory(branch).build(_build_context=context, **kwargs)
            return {"root": built}
        return super().process_kwargs(**kwargs)


def _absent_not_null(meta: FieldMeta) -> FieldMeta:
    """``X | MISSING`` as polyfactory can build it: an X, or (not required) nothing at all."""
    if meta.children and any(child.annotation is MISSING for child in meta.children):
        meta.children = [child for child in meta.children if child.annotation is not MISSING]
        meta.required = False
    return meta


def _branch_taking(
    branches: tuple[type[BaseModel], ...], values: dict[str, Any], rng: random.Random
) -> type[BaseModel]:
    """A branch that has every field of ``values`` and leaves none of the set ones to another."""
    given = {name for name, value in values.items() if value is not None}
    fits = [
        b for b in branches if set(values) <= set(b.model_fields) and not given & left_at_default(b)
    ]
    return rng.choice(fits or list(branches))


def union_branches(model: type[BaseModel]) -> tuple[type[BaseModel], ...]:
    """The models a union RootModel's value may be (empty for any other model)."""
    if not issubclass(model, RootModel):
        return ()
    members = get_args(model.model_fields["root"].annotation)
    return tuple(m for m in members if _is_model(m))


@functools.cache
def left_at_default(model: type[BaseModel]) -> frozenset[str]:
    """The fields of ``model`` that a sibling branch of one of its unions requires and
    ``model`` does not: set, they would make the value match that branch too."""
    mine = _required(model)
    wanted = {name for union in _unions() if model in union for m in union for name in _required(m)}
    return frozenset((wanted - mine) & set(model.model_fields))


def _required(model: type[BaseModel]) -> set[str]:
    return {name for name, field in model.model_fields.items() if field.is_required()}


@functools.cache
def _unions() -> tuple[frozenset[type[BaseModel]], ...]:
    """Every union of two or more models in the annotations of harness.models."""
    found = {
        union
        for module in MODEL_MODULES
        for model in vars(module).values()
        if _is_model(model) and inspect.getmodule(model) is module
        for field in model.model_fields.values()
        for union in _model_unions(field.annotation)
    }
    return tuple(found)


def _model_unions(annotation: Any) -> Iterator[frozenset[type[BaseModel]]]:
    args = get_args(annotation)
    if get_origin(annotation) in (Union, UnionType):
        models = frozenset(a for a in args if _is_model(a))
        if len(models) > 1:
            yield models
    for arg in args:
        yield from _model_unions(arg)


def _is_model(value: Any) -> TypeGuard[type[BaseModel]]:
    return inspect.isclass(value) and issubclass(value, BaseModel)
