"""Reading records to validate: one JSON document, or JSON lines, from a file or stdin.

A line of JSON lines that is not JSON is a record too, with its ``problem``: the validator
reports it as a breaking finding at its line number and goes on with the other lines."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import InputError


@dataclass(frozen=True)
class Record:
    """One JSON document to validate, and where it came from; ``problem`` says why a line of
    JSON lines could not be decoded (then ``document`` is None): a breaking finding."""

    source: str
    line: int
    document: Any
    problem: str | None = None


def read_records(name: str) -> list[Record]:
    """The records of ``name`` ('-' = stdin): the whole text as one JSON value, else JSON lines."""
    source = "<stdin>" if name == "-" else name
    text = _read_text(name)
    try:
        whole = json.loads(text)
    except json.JSONDecodeError as exc:
        records = _json_lines(source, text)
        if len(records) > 1 and all(r.problem for r in records):  # one broken document
            problem = f"not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
            return [Record(source, exc.lineno, None, problem)]
        return records
    first_line = next((i for i, line in enumerate(text.splitlines(), 1) if line.strip()), 1)
    return [Record(source, first_line, whole)]


def _read_text(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    try:
        return Path(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"cannot read {name}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {name}: {exc}") from None


def _json_lines(source: str, text: str) -> list[Record]:
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append(Record(source, number, json.loads(line)))
        except json.JSONDecodeError as exc:
            problem = f"not JSON ({exc.msg} at column {exc.colno})"
            records.append(Record(source, number, None, problem))
    if not records:
        raise InputError(f"{source}: no JSON records (the file is empty)")
    return records
