"""Reading records to validate: one JSON document, or JSON lines, from a file or stdin.

Records are streamed: a JSON-lines file is read one line at a time, so a file of any size is
checked in constant memory. A document written over several lines (pretty-printed JSON) is read
whole, up to WHOLE_DOCUMENT_LIMIT bytes.

A line of JSON lines that is not JSON (or not UTF-8, or nested deeper than the decoder goes) is
a record too, with its ``problem``: the validator reports it as a breaking finding at its line
number and goes on with the other lines.

Example::

    for record in read_records("events.jsonl"):
        print(record.line, record.problem or record.document["event_type"])
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from harness.envelope import loads
from harness.errors import InputError

WHOLE_DOCUMENT_LIMIT = 64 * 1024 * 1024
"""How much of a file is buffered to try it as one document written over several lines."""

Line = tuple[int, bytes]


@dataclass(frozen=True)
class Record:
    """One JSON document to validate, and where it came from; ``problem`` says why a line of
    JSON lines could not be decoded (then ``document`` is None): a breaking finding."""

    source: str
    line: int
    document: Any
    problem: str | None = None


def read_records(name: str, *, limit: int = WHOLE_DOCUMENT_LIMIT) -> Iterator[Record]:
    """The records of ``name`` ('-' = stdin), one at a time: a JSON document written over
    several lines is one record, else every non-blank line is one."""
    source = "<stdin>" if name == "-" else name
    with _opened(name) as stream:
        yield from records_of(source, stream, limit=limit)


def records_of(source: str, stream: Iterable[bytes], *, limit: int) -> Iterator[Record]:
    """The records of an open binary ``stream`` (see read_records)."""
    lines: Iterator[Line] = enumerate(stream, 1)
    first = next((line for line in lines if line[1].strip()), None)
    if first is None:
        raise InputError(f"{source}: no JSON records (the file is empty)")
    record = _line_record(source, first)
    if record.problem is None:  # JSON lines (or a one-line document): stream the rest
        yield record
        yield from _line_records(source, lines)
        return
    buffered, complete = _buffer(first, lines, limit)
    yield from _several_line_records(source, buffered, complete=complete)
    yield from _line_records(source, lines)


def _line_records(source: str, lines: Iterable[Line]) -> Iterator[Record]:
    """A record per non-blank line."""
    return (_line_record(source, line) for line in lines if line[1].strip())


def _buffer(first: Line, lines: Iterator[Line], limit: int) -> tuple[list[Line], bool]:
    """Lines from ``first`` on, up to ``limit`` bytes; True when that reached the end."""
    buffered, size = [first], len(first[1])
    for line in lines:
        buffered.append(line)
        size += len(line[1])
        if size > limit:
            return buffered, False
    return buffered, True


def _several_line_records(source: str, buffered: list[Line], *, complete: bool) -> list[Record]:
    """The first line alone is not JSON: the buffered text as one document, else lines."""
    problem = None
    if complete:
        text = b"".join(line for _, line in buffered)
        try:
            return [Record(source, buffered[0][0], loads(text.decode("utf-8")))]
        except json.JSONDecodeError as exc:
            line = buffered[0][0] + exc.lineno - 1
            problem = f"not JSON ({exc.msg} at line {line}, column {exc.colno})"
        except (UnicodeDecodeError, RecursionError) as exc:
            problem = _undecodable(exc)
    records = list(_line_records(source, buffered))
    if problem and len(records) > 1 and all(r.problem for r in records):  # one broken document
        return [Record(source, buffered[0][0], None, problem)]
    return records


def _line_record(source: str, line: Line) -> Record:
    number, raw = line
    try:
        return Record(source, number, loads(raw.decode("utf-8")))
    except json.JSONDecodeError as exc:
        return Record(source, number, None, f"not JSON ({exc.msg} at column {exc.colno})")
    except (UnicodeDecodeError, RecursionError) as exc:
        return Record(source, number, None, _undecodable(exc))


def _undecodable(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 (byte {exc.object[exc.start]:#04x} at offset {exc.start})"
    return "not JSON this decoder can read (nested too deeply)"


@contextmanager
def _opened(name: str) -> Iterator[BinaryIO]:
    if name == "-":
        yield sys.stdin.buffer
        return
    try:
        stream = Path(name).open("rb")  # noqa: SIM115 (closed by the with below)
    except FileNotFoundError:
        raise InputError(f"cannot read {name}: no such file") from None
    except OSError as exc:
        raise InputError(f"cannot read {name}: {exc.strerror or exc}") from None
    with stream:
        yield stream
