"""Reading records to validate: streamed JSON lines, a document over several lines, bad lines."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.errors import InputError
from harness.validation_input import read_records, records_of


def _endless() -> Iterator[bytes]:
    for number in itertools.count():
        yield json.dumps({"n": number}).encode() + b"\n"


def test_json_lines_are_streamed_one_at_a_time() -> None:
    """An endless stream yields records as they come: nothing waits for the end of input."""
    records = records_of("<stream>", _endless(), limit=1024)
    first = list(itertools.islice(records, 3))
    assert [r.document for r in first] == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert [r.line for r in first] == [1, 2, 3]


def test_a_document_over_several_lines_is_one_record_at_its_first_line(tmp_path: Path) -> None:
    path = tmp_path / "pretty.json"
    path.write_text("\n\n" + json.dumps({"a": [1, 2], "b": {"c": None}}, indent=2))
    (record,) = read_records(str(path))
    assert (record.line, record.document, record.problem) == (
        3,
        {"a": [1, 2], "b": {"c": None}},
        None,
    )


def test_a_broken_document_over_several_lines_is_one_finding_with_its_place(
    tmp_path: Path,
) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "a": 1,\n\n  "b": \n}\n')
    (record,) = read_records(str(path))
    assert record.document is None
    assert record.problem is not None
    assert "at line 5" in record.problem, record.problem


def test_each_bad_line_is_a_finding_and_the_others_are_read(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    nested = b"[" * 200_000 + b"]" * 200_000
    path.write_bytes(b'{"a": 1\n{"b": 2}\n\n\xff\xfe{}\n' + nested + b'\n{"c": 3}\n')
    records = list(read_records(str(path)))
    assert [r.line for r in records] == [1, 2, 4, 5, 6]
    assert [r.document for r in records] == [None, {"b": 2}, None, None, {"c": 3}]
    problems = [r.problem or "" for r in records]
    assert problems[0].startswith("not JSON")
    assert problems[2].startswith("not UTF-8 (byte 0xff")
    assert "nested too deeply" in problems[3]


def test_past_the_buffer_limit_a_bad_first_line_does_not_hold_the_rest(tmp_path: Path) -> None:
    """A huge JSON-lines file whose first line is broken is not buffered whole."""
    lines = [b"{broken\n", *(json.dumps({"n": n}).encode() + b"\n" for n in range(100))]
    records = list(records_of("<stream>", iter(lines), limit=64))
    assert records[0].problem is not None
    assert [r.document for r in records[1:]] == [{"n": n} for n in range(100)]


def test_an_empty_or_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n  \n")
    with pytest.raises(InputError, match="no JSON records"):
        list(read_records(str(empty)))
    with pytest.raises(InputError, match="no such file"):
        list(read_records(str(tmp_path / "absent.jsonl")))
