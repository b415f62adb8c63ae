"""Hostile contract files: a YAML bomb, deep nesting, a huge file, bytes that are not text.

Each gets a one-line ContractLoadError naming the file, in bounded time and memory (the
subprocess test measures the peak of a whole `pipeline-harness` run on a billion laughs)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness.contract import MAX_EXPANDED_NODES, read_document
from harness.errors import ContractLoadError


def _laughs(levels: int) -> str:
    """The classic "billion laughs": each level is nine aliases of the one before."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_a_billion_laughs_is_refused_at_the_line_where_it_explodes(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(_laughs(10))  # 9**10 nodes, 700 bytes
    with pytest.raises(ContractLoadError, match="aliases expand it past") as caught:
        read_document(bomb)
    assert caught.value.path == str(bomb)
    assert caught.value.where == "line 7"  # l6 expands to 9**7 nodes, l5 to 9**6
    assert 9**6 < MAX_EXPANDED_NODES < 9**7


def test_aliases_that_stay_small_are_read_as_yaml_means_them(tmp_path: Path) -> None:
    small = tmp_path / "anchors.yaml"
    small.write_text("base: &base {type: string}\nuse: {a: *base, b: *base}\n" + _laughs(3))
    document = read_document(small)
    assert document["use"] == {"a": {"type": "string"}, "b": {"type": "string"}}
    assert len(document["l2"]) == 9


def test_a_deeply_nested_document_is_refused(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("a: " + "[" * 50_000 + "]" * 50_000 + "\n")
    with pytest.raises(ContractLoadError, match="nest"):
        read_document(deep)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 5_000 + "\n")
    with pytest.raises(ContractLoadError, match="over the limit of 4,096"):
        read_document(big, max_bytes=4096)


def test_bytes_that_are_not_utf8_are_refused(tmp_path: Path) -> None:
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"asyncapi: 3.0.0\n\xff\xfe\n")
    with pytest.raises(ContractLoadError, match="not UTF-8"):
        read_document(binary)


# VmHWM is this process's own peak: ru_maxrss would carry the forking worker's peak over exec.
_RUN_AND_MEASURE = """
import sys
from pathlib import Path
from harness.cli import main
code = main(sys.argv[1:])
status = Path("/proc/self/status").read_text().splitlines()
peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
print(f"peak-kb {peak}", file=sys.stderr)
sys.exit(code)
"""


def test_the_command_line_refuses_a_bomb_in_one_line_with_bounded_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(_laughs(12))  # 9**12 = 2.8e11 nodes if expanded
    done = subprocess.run(
        [sys.executable, "-c", _RUN_AND_MEASURE, "--contract", str(bomb), "rules"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    said, _, measured = done.stderr.rpartition("peak-kb ")
    assert done.returncode == 2
    assert said.count("\n") == 1 and "aliases expand it past" in said
    assert "Traceback" not in done.stderr
    assert int(measured) < 300_000, f"peak {measured} KB"  # the process itself, not its siblings
