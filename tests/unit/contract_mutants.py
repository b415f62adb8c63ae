"""Mutants of a built message, each one change the contract refuses (the property tests' input).

The walk follows the typed model of the document alongside its JSON, so it knows which fields are
required, which hold an enum or a const, which objects refuse unknown keys, and where any value
goes (``Any``: no wrong type there). One mutant per change:

- ``drop``: a required field removed;
- ``type``: a field that holds a value (or the first item or value of a list or map) given a
  value of another JSON type (``7`` for a string, ``"7"`` for the rest);
- ``enum``: an enum field, a const (``Literal``) field or an enum map key given a value the
  contract does not list;
- ``extra``: an unknown key added to an object whose model forbids extra keys.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, RootModel

Path = tuple[str | int, ...]
Kind = Literal["drop", "type", "enum", "extra"]
UNKNOWN_KEY = "unexpected_field"
UNLISTED = "not-a-listed-value"


@dataclass(frozen=True)
class Mutant:
    """One change to a document: its kind, where, and the changed document."""

    kind: Kind
    path: Path
    document: Any
    owner: type[BaseModel] | None = None
    """The model (a schema of the contract) whose field, or whose object, is changed."""
    field: str = ""
    """That field (``*`` for a list position or a map key), the same in every build."""

    @property
    def pointer(self) -> str:
        return "/" + "/".join(str(p) for p in self.path)

    @property
    def case(self) -> tuple[str, str]:
        """The kind of change and the field of a schema it changes, in any message."""
        return self.kind, f"{getattr(self.owner, '__name__', '')}.{self.field}"


def mutants(value: BaseModel, document: Any) -> Iterator[Mutant]:
    """Every mutant of ``document``, the JSON form of the model instance ``value``."""
    for kind, at, edit in _changes(value, document, _At((), None, ()), type(value)):
        changed = _edited(document, at.path, edit)
        yield Mutant(kind, at.path, changed, at.owner, "/".join(at.field))


Edit = Callable[[dict[Any, Any] | list[Any], str | int], None]


@dataclass(frozen=True)
class _At:
    """Where the walk is: the JSON path, the model whose field it is in, and that field."""

    path: Path
    owner: type[BaseModel] | None
    field: tuple[str, ...]

    def __truediv__(self, position: str | int) -> _At:
        """A list position or a map key, further down the same field."""
        return _At((*self.path, position), self.owner, (*self.field, "*"))

    def field_of(self, model: type[BaseModel], key: str) -> _At:
        return _At((*self.path, key), _declaring(model, key), (key,))


Change = tuple[Kind, _At, Edit]


def _changes(value: Any, node: Any, at: _At, annotation: Any) -> Iterator[Change]:
    if isinstance(value, RootModel):
        yield from _changes(value.root, node, at, type(value).model_fields["root"].annotation)
    elif isinstance(value, BaseModel):
        yield from _model_changes(value, node, at)
    elif isinstance(value, list) and value:
        yield from _item_changes(value[0], node[0], at / 0, _argument(annotation, 0))
    elif isinstance(value, dict) and value:
        key = next(iter(value))
        here = at / _json_key(key)
        if isinstance(key, Enum):
            yield "enum", here, _rekey
        yield from _item_changes(value[key], node[_json_key(key)], here, _argument(annotation, 1))


def _model_changes(value: BaseModel, node: dict[str, Any], at: _At) -> Iterator[Change]:
    model = type(value)
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key not in node:
            continue
        here = at.field_of(model, key)
        if field.is_required():
            yield "drop", here, _drop
        yield from _item_changes(getattr(value, name), node[key], here, field.annotation)
    if value.model_config.get("extra") == "forbid":
        yield "extra", _At((*at.path, UNKNOWN_KEY), model, ()), _add


def _item_changes(value: Any, node: Any, at: _At, annotation: Any) -> Iterator[Change]:
    """The changes of one value (a field's, a list item's, a map value's) and those within."""
    if node is not None and not _takes_anything(annotation):  # null: another build has a value
        yield "type", at, _wrong_type
    inner = value.root if isinstance(value, RootModel) else value
    if isinstance(inner, Enum) or _is_literal(annotation):
        yield "enum", at, _unlisted
    yield from _changes(value, node, at, annotation)


def _drop(container: Any, key: str | int) -> None:
    del container[key]


def _add(container: Any, key: str | int) -> None:
    container[key] = True


def _wrong_type(container: Any, key: str | int) -> None:
    container[key] = 7 if isinstance(container[key], str) else "7"


def _unlisted(container: Any, key: str | int) -> None:
    container[key] = UNLISTED


def _rekey(container: Any, key: str | int) -> None:
    container[UNLISTED] = container.pop(key)


def _edited(document: Any, path: Path, edit: Edit) -> Any:
    """``document`` with ``edit`` applied at ``path``; only the containers on the path copied."""
    *parents, last = path
    top = copy = _shallow(document)
    for part in parents:
        copy[part] = _shallow(copy[part])
        copy = copy[part]
    edit(copy, last)
    return top


def _declaring(model: type[BaseModel], name: str) -> type[BaseModel]:
    """The class that declares field ``name`` (EventEnvelope for a message's ``event_id``)."""
    for base in model.__mro__:
        if name in inspect.get_annotations(base):
            return base
    return model


def _shallow(node: Any) -> Any:
    return list(node) if isinstance(node, list) else dict(node)


def _json_key(key: Any) -> str:
    return str(key.value) if isinstance(key, Enum) else str(key)


def _argument(annotation: Any, index: int) -> Any:
    """The item (0) or value (1) type of a list or map annotation, through ``| None``."""
    for candidate in (annotation, *get_args(annotation)):
        args = get_args(candidate)
        if get_origin(candidate) in (list, dict) and len(args) > index:
            return args[index if get_origin(candidate) is dict else 0]
    return Any


def _takes_anything(annotation: Any) -> bool:
    if annotation is Any or annotation is object:
        return True
    return get_origin(annotation) in (Union, UnionType) and any(
        _takes_anything(a) for a in get_args(annotation)
    )


def _is_literal(annotation: Any) -> bool:
    return get_origin(annotation) is Literal
