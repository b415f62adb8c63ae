"""Regenerate the typed models from the contract: ``python -m harness.models.generate``.

datamodel-code-generator (a dev dependency) writes ``_asyncapi.py`` from asyncapi.yaml and
``_openapi.py`` from openapi.yaml, whose ``asyncapi.yaml#/...`` models it imports from
``_asyncapi`` instead of writing them twice (``--external-ref-mapping``); this module then writes
``_index.py``, which class models which message and HTTP body, from the generator's model
metadata (the schema each class comes from) and the contract. ``--check`` writes nothing and
exits 1 naming the stale files (tests/unit/test_models_in_step.py does the same in the suite).

Why each generator option is set, and what the models still lose: harness/models/__init__.py.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from harness.contract import (
    Contract,
    companion_path,
    default_contract_path,
    load_contract,
    resolve_pointer,
)
from harness.openapi import OPENAPI_ROOT, HttpBody, HttpOperation

HERE = Path(__file__).resolve().parent
COMMAND = "python -m harness.models.generate"
LINE_LENGTH = 100

OPTIONS = (
    "--output-model-type", "pydantic_v2.BaseModel",
    # A dated, immutable option set: py3.11 syntax, Annotated fields with their constraints,
    # StrEnum, allOf keywords intersected (BatchPipelineCompletedV1.final_status: the three
    # terminal BatchStatus values, not duplicated members), const as Literal.
    "--preset", "standard-py311-20261027",
    "--target-python-version", "3.11",
    "--target-pydantic-version", "2.14",
    "--output-datetime-class", "AwareDatetime",  # a date-time carries its offset (utc-timestamps)
    "--use-missing-sentinel",  # an optional field that is not nullable: absent, never null
    "--use-typed-nullable-map-values",  # a [object, 'null'] map keeps its value type
    "--strict-types", "str", "int", "float", "bool",  # no "5" for 5, no 1 for true
    "--no-collapse-root-models",  # every component its class (LLMComparisonResultV1, a oneOf)
    "--use-schema-description",
    "--disable-timestamp",
    "--formatters", "builtin",
)  # fmt: skip


@dataclass(frozen=True)
class Source:
    """One generated module: the contract document it comes from, and how it is read."""

    module: str
    document: Path
    input_type: str
    options: tuple[str, ...] = ()

    def header(self) -> str:
        generator = f"datamodel-code-generator {version('datamodel-code-generator')}"
        return (
            f"# Generated from {self.document.name} by `{COMMAND}` ({generator}): do not edit.\n"
            "# Pydantic lets a model narrow a field it inherits (EventEnvelope.data to one\n"
            "# message's model) and validates structured defaults (validate_default=True); mypy\n"
            "# reads both as incompatible assignments, so that one error code is off here.\n"
            '# mypy: disable-error-code="assignment"'
        )


def sources(asyncapi: Path) -> tuple[Source, ...]:
    return (
        Source("_asyncapi", asyncapi, "asyncapi"),
        Source(
            "_openapi",
            companion_path(asyncapi),
            "openapi",
            ("--external-ref-mapping", f"{asyncapi.name}=harness.models._asyncapi"),
        ),
    )


def generated_files(asyncapi: Path | None = None) -> dict[str, str]:
    """The text of every generated module, by file name, from the contract at ``asyncapi``."""
    asyncapi = asyncapi or default_contract_path()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        runs = [(source, _start(source, out)) for source in sources(asyncapi)]
        for source, run in runs:
            _, errors = run.communicate()
            if run.returncode:
                raise SystemExit(f"datamodel-codegen failed on {source.document}:\n{errors}")
        texts = {f"{s.module}.py": (out / f"{s.module}.py").read_text("utf-8") for s, _ in runs}
        metadata = {s.module: _classes(out / f"{s.module}.json") for s, _ in runs}
    texts["_index.py"] = _Index(load_contract(asyncapi), metadata).module()
    return texts


def _start(source: Source, out: Path) -> subprocess.Popen[str]:
    command = [
        *(sys.executable, "-m", "datamodel_code_generator"),
        *("--input", str(source.document), "--input-file-type", source.input_type),
        *("--output", str(out / f"{source.module}.py")),
        *("--emit-model-metadata", str(out / f"{source.module}.json")),
        *("--custom-file-header", source.header()),
        *OPTIONS,
        *source.options,
    ]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _classes(metadata: Path) -> dict[str, str]:
    """The generator's model metadata as schema reference -> class name."""
    models = json.loads(metadata.read_text("utf-8"))["models"]
    return {m["source_ref"]: m["class_name"] for m in models}


class _Index:
    """Writes ``_index.py``: the class of each message's envelope and data, and of each HTTP
    body, found through the schema each generated class comes from."""

    def __init__(self, contract: Contract, metadata: Mapping[str, Mapping[str, str]]) -> None:
        self.contract = contract
        self.classes = {
            ref: f"{module}.{name}"
            for module, refs in metadata.items()
            for ref, name in refs.items()
        }

    def module(self) -> str:
        messages = [
            (
                json.dumps(c.message.name),
                (self._at(c.message.payload_pointer), self._at(c.message.data_pointer)),
            )
            for c in self.contract
        ]
        return "\n".join(
            [
                f"# Generated from the contract by `{COMMAND}`: do not edit.",
                '"""Which generated class models which message and which HTTP body."""',
                "",
                "from __future__ import annotations",
                "",
                "from collections.abc import Mapping",
                "",
                "from pydantic import BaseModel",
                "",
                "from harness.models import _asyncapi, _openapi",
                "",
                "MESSAGES: Mapping[str, tuple[type[BaseModel], type[BaseModel]]] = {",
                *[_entry(key, value) for key, value in messages],
                "}",
                '"""Message name -> the model of its whole envelope, and of its data."""',
                "",
                "REQUEST_BODIES: Mapping[str, type[BaseModel] | None] = {",
                *[_entry(json.dumps(o.id), self._body(o.request)) for o in self._operations()],
                "}",
                '"""operationId -> the model of its JSON request body (None: no JSON body)."""',
                "",
                "RESPONSE_BODIES: Mapping[tuple[str, int], tuple[type[BaseModel], ...]] = {",
                *[
                    _entry(f"({json.dumps(o.id)}, {status})", self._union(answer.body))
                    for o in self._operations()
                    for status, answer in sorted(o.responses.items())
                    if self._union(answer.body)
                ],
                "}",
                '"""(operationId, status) -> the models its JSON answer may take (any of them)."""',
                "",
            ]
        )

    def _operations(self) -> list[HttpOperation]:
        return list(self.contract.http_operations.values())

    def _at(self, pointer: str) -> str:
        """The class generated from the schema at ``pointer`` of the contract's schema root."""
        openapi = f"#/{OPENAPI_ROOT}/"
        if pointer.startswith(openapi):
            ref = "openapi.yaml#/" + pointer.removeprefix(openapi)
        else:
            ref = "asyncapi.yaml" + pointer
        if ref not in self.classes:
            raise SystemExit(f"datamodel-codegen wrote no class for {ref}")
        return self.classes[ref]

    def _schema(self, body: HttpBody | None) -> Mapping[str, Any]:
        if body is None or not body.is_json or body.schema_pointer is None:
            return {}
        node = resolve_pointer(self.contract.schema_root, body.schema_pointer)
        return node if isinstance(node, Mapping) else {}

    def _body(self, body: HttpBody | None) -> str:
        ref = self._schema(body).get("$ref")
        return self._at(ref) if isinstance(ref, str) else "None"

    def _union(self, body: HttpBody | None) -> tuple[str, ...]:
        schema = self._schema(body)
        branches = schema.get("anyOf") or [schema]
        refs = [b.get("$ref") for b in branches if isinstance(b, Mapping)]
        if not refs or not all(isinstance(r, str) for r in refs):
            return ()
        return tuple(self._at(str(r)) for r in refs)


def _entry(key: str, value: str | tuple[str, ...]) -> str:
    """One ``key: value,`` line of a dict literal, as ruff format writes it."""
    if isinstance(value, str):
        return _fitted(f"    {key}: {value},", f"    {key}: (\n        {value}\n    ),")
    inline = f"({value[0]},)" if len(value) == 1 else f"({', '.join(value)})"
    exploded = "".join(f"        {v},\n" for v in value)
    return _fitted(f"    {key}: {inline},", f"    {key}: (\n{exploded}    ),")


def _fitted(line: str, exploded: str) -> str:
    return line if len(line) <= LINE_LENGTH else exploded


def stale(texts: Mapping[str, str], folder: Path = HERE) -> list[str]:
    """The generated files of ``folder`` whose text is not ``texts``."""
    return [
        name
        for name, text in texts.items()
        if not (folder / name).is_file() or (folder / name).read_text("utf-8") != text
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    texts = generated_files()
    outdated = stale(texts)
    if args.check:
        for name in outdated:
            print(f"harness/models/{name} is out of step with the contract; run {COMMAND}")
        return 1 if outdated else 0
    for name in outdated:
        (HERE / name).write_text(texts[name], "utf-8")
        print(f"wrote harness/models/{name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
