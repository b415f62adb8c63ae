"""The detached broker's record and the `broker` commands, without starting a broker."""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

import pytest

from kafka_broker import read_detached
from kafka_broker.cli import add_broker_commands
from kafka_broker.detached import state_path
from kafka_broker.settings import BrokerSettings


def _parser(settings: BrokerSettings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pipeline-harness")
    commands = parser.add_subparsers(dest="command", required=True)
    add_broker_commands(commands, lambda args: settings)
    return parser


def _run(settings: BrokerSettings, *argv: str) -> int:
    args = _parser(settings).parse_args(argv)
    return int(args.func(args))


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def _record(settings: BrokerSettings, work_dir: Path, pid: int) -> None:
    state_path(settings).parent.mkdir(parents=True, exist_ok=True)
    state_path(settings).write_text(
        json.dumps(
            {
                "bootstrap_servers": "127.0.0.1:1",
                "provider": "jvm",
                "pid": pid,
                "work_dir": str(work_dir),
                "log_path": str(work_dir / "broker.log"),
                "cluster_id": "AAAAAAAAAAAAAAAAAAAAAA",
                "started_at": 0.0,
            }
        )
    )


def test_no_record_means_no_detached_broker(tmp_path: Path) -> None:
    assert read_detached(BrokerSettings(cache_dir=tmp_path)) is None


def test_status_and_stop_exit_1_when_none_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = BrokerSettings(cache_dir=tmp_path)

    assert _run(settings, "broker", "status") == 1
    assert _run(settings, "broker", "stop") == 1

    err = capsys.readouterr().err
    assert err.count("no detached broker is running") == 2


def test_a_record_whose_process_has_exited_is_not_running(tmp_path: Path) -> None:
    settings = BrokerSettings(cache_dir=tmp_path / "cache")
    work_dir = tmp_path / "work"
    work_dir.mkdir()
    _record(settings, work_dir, _dead_pid())

    record = read_detached(settings)

    assert record is not None and record.provider == "jvm" and record.work_dir == work_dir
    assert not record.is_running()


def test_a_record_naming_a_live_process_that_is_not_our_broker_is_not_running(
    tmp_path: Path,
) -> None:
    settings = BrokerSettings(cache_dir=tmp_path / "cache")
    _record(settings, tmp_path / "work", pid=1)  # alive, but its command line is not ours

    record = read_detached(settings)

    assert record is not None and not record.is_running()


def test_stop_clears_the_record_of_an_exited_broker(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = BrokerSettings(cache_dir=tmp_path / "cache")
    work_dir = tmp_path / "work"
    work_dir.mkdir()
    _record(settings, work_dir, _dead_pid())

    assert _run(settings, "broker", "stop") == 1

    assert "has exited" in capsys.readouterr().err
    assert not state_path(settings).exists()
    assert not work_dir.exists()


def test_each_command_has_help_with_an_example(tmp_path: Path) -> None:
    parser = _parser(BrokerSettings(cache_dir=tmp_path))
    actions = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[
        "broker"
    ]
    sub = next(a for a in actions._actions if isinstance(a, argparse._SubParsersAction))

    for name in ("start", "stop", "status"):
        text = sub.choices[name].format_help()
        assert f"pipeline-harness broker {name}" in text.split("example", 1)[1], name
    assert "--detach" in sub.choices["start"].format_help()
    assert "--bootstrap HOST:PORT" in sub.choices["start"].format_help()


def test_the_detached_broker_record_is_one_per_directory_or_name(tmp_path: Path) -> None:
    one = BrokerSettings(cache_dir=tmp_path, work_dir=tmp_path / "project-a")
    other = BrokerSettings(cache_dir=tmp_path, work_dir=tmp_path / "project-b")
    named = BrokerSettings(
        cache_dir=tmp_path, work_dir=tmp_path / "project-a", broker_name="shared"
    )
    assert state_path(one) != state_path(other)
    assert state_path(named) == state_path(BrokerSettings(cache_dir=tmp_path, broker_name="shared"))
    assert "directory" in one.detached_scope and "'shared'" in named.detached_scope
