"""``pipeline-harness diff``: exit codes, the three formats, git revisions, one-line errors."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.cli import build_parser, main
from tests.unit.contract_diff import minimal

Capture = pytest.CaptureFixture[str]


def _required_note(folder: Path, http: minimal.Doc | None = None) -> Path:
    """The minimal contract with BatchRegisteredV1.note required: breaking for bos."""
    document = minimal.asyncapi()
    document["components"]["schemas"]["BatchRegisteredV1"]["required"].append("note")
    return minimal.write(folder, document, http or minimal.openapi())


def _described(folder: Path) -> Path:
    """The minimal contract with one description changed: compatible."""
    document = minimal.asyncapi()
    document["components"]["schemas"]["Phase"]["description"] = "The phase."
    return minimal.write(folder, document, minimal.openapi())


@pytest.fixture
def old(tmp_path: Path) -> Path:
    return minimal.write(tmp_path / "old", minimal.asyncapi(), minimal.openapi())


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throwaway repository: contracts/ at HEAD~1 as the minimal contract, at HEAD with
    BatchRegisteredV1.note required; the working directory is inside it."""
    if shutil.which("git") is None:
        pytest.fail("git is needed for the git:REV tests")
    top = tmp_path / "repo"
    minimal.write(top / "contracts", minimal.asyncapi(), minimal.openapi())
    _git(top.parent, "init", "-q", str(top))
    _git(top, "add", "contracts")
    _git(top, "commit", "-q", "-m", "first")
    _required_note(top / "contracts")
    _git(top, "commit", "-q", "-am", "note is required")
    (top / "docs").mkdir()
    monkeypatch.chdir(top / "docs")  # git:REV paths are from the top, wherever one stands
    return top


def test_no_change_exits_0_and_says_so(old: Path, capsys: Capture) -> None:
    assert main(["diff", str(old), str(old)]) == 0
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.strip() == f"{old} -> {old}: no changes"


def test_a_compatible_change_exits_0(old: Path, tmp_path: Path, capsys: Capture) -> None:
    new = _described(tmp_path / "new")
    assert main(["diff", str(old), str(new)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(line.startswith("compatible: ") for line in lines)


def test_a_breaking_change_exits_1_with_a_line_per_finding(
    old: Path, tmp_path: Path, capsys: Capture
) -> None:
    new = _required_note(tmp_path / "new")
    assert main(["diff", str(old), str(new)]) == 1
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        "breaking-for-producers: batchRegistered BatchRegisteredV1 /data/note: "
        "field-required-added: note is now required [must change: bos]"
    ]
    assert out.err.strip().endswith(": 1 breaking (1 for producers), 0 rule, 0 compatible")


def test_breaking_findings_come_before_rules_and_compatible_ones(
    old: Path, tmp_path: Path, capsys: Capture
) -> None:
    document = minimal.asyncapi()
    schemas = document["components"]["schemas"]
    schemas["Phase"]["description"] = "The phase."  # compatible
    schemas["BatchRegisteredV1"]["properties"]["extra"] = {"type": "string"}  # rule
    schemas["BatchRegisteredV1"]["properties"]["count"]["type"] = "string"  # breaking
    new = minimal.write(tmp_path / "new", document, minimal.openapi())
    assert main(["diff", str(old), str(new)]) == 1
    labels = [line.split(":")[0] for line in capsys.readouterr().out.splitlines()]
    assert labels[0] == "breaking-both"
    assert labels.index("rule[no-unknown-fields]") < labels.index("compatible")


def test_json_is_one_document_a_machine_reads(old: Path, tmp_path: Path, capsys: Capture) -> None:
    new = _required_note(tmp_path / "new")
    assert main(["diff", str(old), str(new), "--format", "json"]) == 1
    out = capsys.readouterr()
    document = json.loads(out.out)
    assert document["breaking"] is True
    assert document["counts"]["breaking-for-producers"] == 1
    (finding,) = document["findings"]
    assert finding == {
        "kind": "field-required-added",
        "verdict": "breaking-for-producers",
        "where": "batchRegistered BatchRegisteredV1 /data/note",
        "subject": "batchRegistered BatchRegisteredV1",
        "part": "",
        "pointer": "/data/note",
        "branch": "",
        "services": ["bos"],
        "rule": None,
        "detail": "note is now required",
    }
    assert out.err == ""


def test_markdown_is_a_pull_request_comment(old: Path, tmp_path: Path, capsys: Capture) -> None:
    new = _required_note(tmp_path / "new")
    assert main(["diff", str(old), str(new), "--format", "markdown"]) == 1
    text = capsys.readouterr().out
    heading, _, verdict, _, columns, rule, row = text.splitlines()[:7]
    assert heading == f"### Contract diff: `{old}` → `{new}`"
    assert verdict.startswith("**1 breaking (1 for producers)") and "fails the gate" in verdict
    assert columns == "| Verdict | Change | Where | Must change | Detail |"
    assert rule == "|---|---|---|---|---|"
    assert row == (
        "| breaking-for-producers | `field-required-added` | "
        "`batchRegistered BatchRegisteredV1 /data/note` | bos | note is now required |"
    )


def test_markdown_folds_compatible_changes(old: Path, tmp_path: Path, capsys: Capture) -> None:
    new = _described(tmp_path / "new")
    assert main(["diff", str(old), str(new), "--format", "markdown"]) == 0
    text = capsys.readouterr().out
    assert "passes the gate" in text
    assert "<details><summary>3 compatible change(s)</summary>" in text


def test_git_revisions_on_both_sides(repo: Path, capsys: Capture) -> None:
    assert main(["diff", "git:HEAD~1", "git:HEAD"]) == 1
    out = capsys.readouterr().out
    assert "field-required-added" in out and "[must change: bos]" in out
    assert main(["diff", "git:HEAD", "git:HEAD"]) == 0


def test_a_git_revision_against_a_file(repo: Path, capsys: Capture) -> None:
    working = repo / "contracts" / "asyncapi.yaml"
    assert main(["diff", "git:HEAD~1:contracts/asyncapi.yaml", str(working)]) == 1
    assert main(["diff", "git:HEAD", str(working)]) == 0


def test_the_openapi_companion_comes_from_the_revision_too(repo: Path, capsys: Capture) -> None:
    http = minimal.openapi()
    http["paths"]["/v1/batches"]["post"]["x-callers"].append("result_aggregator")
    _required_note(repo / "contracts", http)
    _git(repo, "commit", "-q", "-am", "a caller more")
    assert main(["diff", "git:HEAD~1", "git:HEAD"]) == 0
    out = capsys.readouterr().out
    assert "POST /v1/batches: caller-added" in out
    assert "field-required-added" not in out


@pytest.mark.parametrize(
    ("sides", "message"),
    [
        (
            ["git:nope", "git:HEAD"],
            "cannot read contract git:nope:contracts/asyncapi.yaml: unknown revision 'nope'",
        ),
        (
            ["git:HEAD:api/asyncapi.yaml", "git:HEAD"],
            "cannot read contract git:HEAD:api/asyncapi.yaml: HEAD has no file api/asyncapi.yaml",
        ),
        (["git:", "git:HEAD"], "cannot read contract git:: no revision"),
    ],
)
def test_a_bad_revision_is_one_line_and_exit_2(
    repo: Path, capsys: Capture, sides: list[str], message: str
) -> None:
    assert main(["diff", *sides]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"pipeline-harness: error: {message}")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_revision_outside_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert main(["diff", "git:HEAD", "git:HEAD"]) == 2
    assert f"{tmp_path} is not inside a git repository" in capsys.readouterr().err


def test_a_broken_contract_at_a_revision_names_the_revision(repo: Path, capsys: Capture) -> None:
    (repo / "contracts" / "asyncapi.yaml").write_text("asyncapi: 2.6.0\n", encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "broken")
    assert main(["diff", "git:HEAD~1", "git:HEAD"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "pipeline-harness: error: cannot load contract git:HEAD:contracts/asyncapi.yaml at "
        "/asyncapi: expected an AsyncAPI 3 document"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "No such file or directory"),
        ("key: [unclosed\n", "not valid YAML"),
        ("- a list\n", "the document is not a YAML mapping"),
        ("asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n", "missing or empty section"),
    ],
)
def test_an_unreadable_file_is_one_line_and_exit_2(
    old: Path, tmp_path: Path, capsys: Capture, content: str | None, message: str
) -> None:
    bad = tmp_path / "bad" / "asyncapi.yaml"
    if content is not None:
        bad.parent.mkdir()
        bad.write_text(content, encoding="utf-8")
    assert main(["diff", str(old), str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"pipeline-harness: error: cannot load contract {bad}")
    assert message in err and err.count("\n") == 1


def test_help_examples_parse_as_written(capsys: Capture) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["diff", "--help"])
    help_text = capsys.readouterr().out
    examples = [line.strip() for line in help_text.split("examples:")[1].splitlines() if line]
    assert "pipeline-harness diff git:HEAD~1 contracts/asyncapi.yaml" in examples
    assert any("--format markdown" in e for e in examples)
    for example in examples:
        args = build_parser().parse_args(example.split(">")[0].split()[1:])
        assert args.command == "diff" and args.old and (args.new or args.merge_base)


def test_the_merge_base_gate_compares_a_branch_with_where_it_left_main(
    repo: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A branch that made note required is breaking against the commit it left main at."""
    _git(repo, "branch", "-q", "main-line", "HEAD~1")
    assert main(["diff", "--merge-base", "main-line", "../contracts/asyncapi.yaml"]) == 1
    out = capsys.readouterr().out
    assert "field-required-added" in out and "bos" in out
    _git(repo, "branch", "-q", "up-to-date", "HEAD")
    monkeypatch.chdir(repo)
    assert main(["diff", "--merge-base", "up-to-date"]) == 0  # NEW defaults to the contract


def test_the_merge_base_gate_without_that_history_says_so_and_passes(
    repo: Path, capsys: Capture
) -> None:
    assert main(["diff", "--merge-base", "origin/nowhere"]) == 0
    assert "no merge base with origin/nowhere" in capsys.readouterr().err
    assert main(["diff", "--merge-base", "HEAD", "a.yaml", "b.yaml"]) == 2
    assert main(["diff", "only-one.yaml"]) == 2
