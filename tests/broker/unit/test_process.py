"""Stopping only what the harness started, and all of it (plain processes, no JVM)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from kafka_broker.process import (
    is_our_broker,
    is_running,
    recorded_pid,
    spawn_broker,
    stop_child,
    stop_recorded,
)
from kafka_broker.workdir import OWNER_FILE, WORK_DIR_PREFIX, new_work_dir, sweep_stale_work_dirs

# Ignores SIGTERM and has a child of its own in its process group.
STUBBORN = (
    "import signal, subprocess, sys, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "child = subprocess.Popen(['sleep', '60'])\n"
    "print(child.pid, flush=True)\n"
    "time.sleep(60)\n"
)


def _gone_within(pid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while is_running(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _wait_for_line(log: Path, timeout_s: float = 10.0) -> str:
    deadline = time.monotonic() + timeout_s
    while not log.read_text().strip():
        assert time.monotonic() < deadline, "the child never reported"
        time.sleep(0.02)
    return log.read_text().strip()


def test_a_broker_ignoring_sigterm_is_killed_with_its_whole_process_group(tmp_path: Path) -> None:
    log = tmp_path / "broker.log"
    process = spawn_broker([sys.executable, "-c", STUBBORN], log_path=log, die_with_parent=True)
    grandchild = int(_wait_for_line(log))
    assert recorded_pid(tmp_path) == process.pid

    started = time.monotonic()
    stop_child(process, grace_s=0.5)

    assert time.monotonic() - started < 5
    assert process.returncode == -9
    assert _gone_within(grandchild, 5)


def test_a_recorded_pid_whose_command_line_is_not_ours_is_never_signalled(tmp_path: Path) -> None:
    stranger = subprocess.Popen(["sleep", "30"])
    try:
        assert not is_our_broker(stranger.pid, tmp_path)

        assert stop_recorded(stranger.pid, tmp_path) is False

        assert stranger.poll() is None  # untouched
    finally:
        stranger.kill()
        stranger.wait()


def test_a_recorded_broker_of_ours_is_stopped(tmp_path: Path) -> None:
    work_dir = tmp_path / f"{WORK_DIR_PREFIX}x"
    work_dir.mkdir()
    # Its command line names the work dir, as the JVM's names work_dir/server.properties.
    marker = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(30)", f"{work_dir}/server.properties"],
        start_new_session=True,
    )
    try:
        assert is_our_broker(marker.pid, work_dir)

        assert stop_recorded(marker.pid, work_dir) is True

        assert marker.wait(5) == -15
    finally:
        if marker.poll() is None:
            marker.kill()


def test_sweeping_removes_dead_brokers_dirs_and_keeps_live_ones(tmp_path: Path) -> None:
    dead, live = tmp_path / f"{WORK_DIR_PREFIX}dead", tmp_path / f"{WORK_DIR_PREFIX}live"
    dead.mkdir()
    live.mkdir()
    gone = subprocess.Popen(["true"])
    gone.wait()
    (dead / "broker.pid").write_text(f"{gone.pid}\n")
    running = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(30)", f"{live}/server.properties"]
    )
    (live / "broker.pid").write_text(f"{running.pid}\n")
    try:
        removed = sweep_stale_work_dirs(tmp_path)
    finally:
        running.kill()
        running.wait()

    assert removed == [dead]
    assert live.exists() and not dead.exists()


def test_a_dir_whose_broker_is_down_on_purpose_is_kept_while_its_owner_lives(
    tmp_path: Path,
) -> None:
    # A fault test SIGKILLs its broker and restarts it on the same dir; a broker started by
    # another process in that gap sweeps, and must not take the dir (CI failed on exactly this).
    ours = new_work_dir(tmp_path)
    gone = subprocess.Popen(["true"])
    gone.wait()
    (ours / "broker.pid").write_text(f"{gone.pid}\n")

    assert sweep_stale_work_dirs(tmp_path) == []
    assert ours.exists()


def test_a_dir_whose_owner_and_broker_are_both_gone_is_swept_even_unstarted(
    tmp_path: Path,
) -> None:
    made_by_a_dead_process = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from kafka_broker.workdir import new_work_dir; "
            "from pathlib import Path; print(new_work_dir(Path(sys.argv[1])))",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    orphan = Path(made_by_a_dead_process.stdout.strip())
    assert orphan.exists() and not (orphan / "broker.pid").exists()

    assert sweep_stale_work_dirs(tmp_path) == [orphan]


def test_an_owner_pid_reused_by_another_process_does_not_keep_a_dir(tmp_path: Path) -> None:
    reused = new_work_dir(tmp_path)
    pid, _ = (reused / OWNER_FILE).read_text().split()
    (reused / OWNER_FILE).write_text(f"{pid} 1\n")  # this pid, but a start time not its own

    assert sweep_stale_work_dirs(tmp_path) == [reused]


def test_the_owner_start_time_is_the_processes_own_and_later_for_a_later_process() -> None:
    # The field read must be starttime (/proc/PID/stat field 22), not a constant one: a
    # process started after another has a start time no earlier, and this one's is stable.
    from kafka_broker.workdir import _start_time

    earlier = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        time.sleep(0.15)  # > 1 clock tick (10 ms) after it, so the times differ
        later = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
        try:
            first, second = int(_start_time(earlier.pid)), int(_start_time(later.pid))
            assert second > first > 0
            assert _start_time(later.pid) == str(second)
        finally:
            later.kill()
            later.wait()
    finally:
        earlier.kill()
        earlier.wait()
    assert _start_time(earlier.pid) == "?"  # gone (reaped): nothing to read
