"""``up --processes``: the plan, the command lines, and a child process's lines (no broker:
the children here are small Python scripts that print what a service prints)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from harness.bus import Bus
from harness.contract import Contract
from harness.errors import UsageError, Violation
from harness.exchanges import ExchangeLog, HttpExchange
from harness.memory_bus import InMemoryBus
from harness.rules import Level
from pipeline_system.cli import main
from pipeline_system.processes import (
    ProcessPlan,
    ProcessSystem,
    ServiceProcess,
    ServiceProcessError,
    parse_replicas,
)
from pipeline_system.runtime import EXCHANGE_LINE
from pipeline_system.system import SIMULATORS


def test_replicas_parse_for_the_services_that_keep_nothing_between_messages() -> None:
    assert parse_replicas(["spellchecker=3", "nlp=1"]) == {"spellchecker": 3, "nlp": 1}
    assert {s for s, cls in SIMULATORS.items() if cls.scales_out} == {
        "spellchecker",
        "nlp",
        "llm_provider",
    }


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("spellchecker", "expected SERVICE=N"),
        ("spellchecker=0", "expected SERVICE=N"),
        ("spellchecker=two", "expected SERVICE=N"),
        ("speller=2", "unknown service 'speller'"),
        ("els=2", "els keeps each batch's state in one process"),
        ("bos=2", "bos keeps each batch's state in one process"),
    ],
)
def test_a_wrong_replica_option_is_a_usage_error_naming_it(value: str, says: str) -> None:
    with pytest.raises(UsageError, match=says) as caught:
        parse_replicas([value])
    assert value in str(caught.value)


def test_a_plan_refuses_replicas_of_a_left_out_service_and_a_bos_without_bcs() -> None:
    with pytest.raises(UsageError, match="spellchecker, which is left out"):
        ProcessPlan(without=frozenset({"spellchecker"}), replicas={"spellchecker": 2})
    with pytest.raises(UsageError, match="give --bcs-url"):
        ProcessPlan(without=frozenset({"bcs"}))
    assert "bcs" not in ProcessPlan(without=frozenset({"bcs"}), bcs_url="http://x").services


def _system(contract: Contract, plan: ProcessPlan, bus: Bus | None = None) -> ProcessSystem:
    return ProcessSystem(
        contract, bus or InMemoryBus(contract), plan, bootstrap="127.0.0.1:9", topic_prefix="p."
    )


def test_each_process_is_told_where_the_others_answer(contract: Contract, tmp_path: Path) -> None:
    plan = ProcessPlan(phase_timeout_s=42, logins=tmp_path / "logins.json", bos_port=5001)
    system = _system(contract, plan)
    urls = system._addresses()
    commands = {
        sid: system._command(sid, 1, urls, tmp_path) for sid in ("bos", "cj_assessment", "cms")
    }
    bos = commands["bos"]
    assert bos[bos.index("serve") + 1] == "bos"
    assert bos[bos.index("--port") + 1] == "5001"
    assert bos[bos.index("--bcs-url") + 1] == urls["bcs"]
    assert bos[bos.index("--entitlements-url") + 1] == urls["entitlements"]
    assert bos[bos.index("--phase-timeout") + 1] == "42"
    assert bos[bos.index("--database") + 1] == str(tmp_path / "bos.db")
    assert "--dynamic-membership" in bos
    cj = commands["cj_assessment"]
    assert cj[cj.index("--llm-url") + 1] == urls["llm_provider"]
    assert cj[cj.index("--content-url") + 1] == urls["content_service"] + "/v1/content"
    cms = commands["cms"]
    assert cms[cms.index("--http-port") + 1] == urls["cms"].rpartition(":")[2]
    assert "--content-url" not in cms
    for argv in commands.values():
        assert argv[argv.index("--bootstrap") + 1] == "127.0.0.1:9"
        assert argv[argv.index("--topic-prefix") + 1] == "p."
        assert argv[argv.index("--logins") + 1] == str(tmp_path / "logins.json")
        assert argv[argv.index("--contract") + 1] == str(contract.path)
        assert {"--until-stdin-closes", "--print-exchanges"} <= set(argv)


def test_a_replica_after_the_first_takes_a_free_port(contract: Contract, tmp_path: Path) -> None:
    system = _system(contract, ProcessPlan(replicas={"llm_provider": 2}))
    urls = system._addresses()
    second = system._command("llm_provider", 2, urls, tmp_path)
    assert second[second.index("--http-port") + 1] == "0"


def _child(tmp_path: Path, script: str) -> list[str]:
    path = tmp_path / "child.py"
    path.write_text(script, encoding="utf-8")
    return [sys.executable, str(path)]


EXCHANGE = HttpExchange(
    "GET",
    "/v1/pipelines/define",
    200,
    "bcs",
    "bos",
    "definePipeline",
    "c-1",
    time.monotonic(),
    (Violation("http", "response 200", "/x", "is wrong", Level.RULE, "r", "bcs"),),
    request_id="r-1",
)


def test_a_child_s_addresses_exchanges_and_later_lines_are_read(tmp_path: Path) -> None:
    said: list[str] = []
    log = ExchangeLog()
    script = f"""
import sys, time
print("joining the Kafka cluster")
print("BOS_URL http://127.0.0.1:5001")
print({EXCHANGE_LINE + EXCHANGE.to_json()!r})
print("EXCHANGE not json")
print("EXCHANGE 1")
print("running; Ctrl-C stops it", flush=True)
print("a warning later", flush=True)
print("half a line" + {EXCHANGE_LINE + EXCHANGE.to_json()!r}, flush=True)
for n in range(5000):  # far more than a pipe holds: the reader keeps draining
    print(f"line {{n}}")
print("the last line", flush=True)
sys.stdin.read()
"""
    child = ServiceProcess("bos", "bos", _child(tmp_path, script), say=said.append, exchanges=log)
    child.start()
    try:
        child.wait_running(time.monotonic() + 30)
        assert child.urls == {"BOS_URL": "http://127.0.0.1:5001"}
        deadline = time.monotonic() + 10
        while "[bos] the last line" not in said and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        child.stop()
    assert "[bos] a warning later" in said and "[bos] half a line" in said
    assert "[bos] the last line" in said
    assert log.exchanges() == [EXCHANGE]  # once: the mid-line copy has the same request id
    assert not any("exit code" in line for line in said)
    assert any("cannot be read" in line and "not json" in line for line in said)
    assert not child.alive()


def test_a_child_that_exits_before_it_runs_is_an_error_with_its_output(tmp_path: Path) -> None:
    script = 'import sys\nprint("cannot listen on 127.0.0.1:5001")\nsys.exit(2)\n'
    child = ServiceProcess("bos", "bos", _child(tmp_path, script), say=print)
    child.start()
    with pytest.raises(ServiceProcessError, match="exited 2 before it ran") as caught:
        child.wait_running(time.monotonic() + 30)
    assert "cannot listen on 127.0.0.1:5001" in str(caught.value)
    assert caught.value.name == "bos"


def test_a_child_that_ignores_sigterm_is_killed(tmp_path: Path) -> None:
    script = """
import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("running", flush=True)
while True:
    time.sleep(1)
"""
    said: list[str] = []
    child = ServiceProcess("els", "els", _child(tmp_path, script), say=said.append)
    child.start()
    child.wait_running(time.monotonic() + 30)
    child.stop(timeout_s=0.5)
    assert not child.alive()
    assert said == [
        "[els] did not stop within 0.5 s: SIGTERM",
        "[els] did not stop within 0.5 s: killed",
        "[els] stopped with exit code -9",
    ]


def test_an_exchange_survives_its_line() -> None:
    assert HttpExchange.from_json(EXCHANGE.to_json()) == EXCHANGE
    for broken in ('{"method": "GET"}', "1", "[]"):
        with pytest.raises(ValueError, match="not an exchange"):
            HttpExchange.from_json(broken)


def test_a_supervised_command_stops_when_its_stdin_closes(tmp_path: Path) -> None:
    """What keeps a child from outliving a killed supervisor: the end of its stdin is a stop
    signal (``--until-stdin-closes``), and it stops as on SIGTERM, cleanly."""
    script = """
import argparse
from kafka_broker.terminal import wait_for_interrupt
from pipeline_system.runtime import add_supervised_option, stop_when_stdin_closes
parser = argparse.ArgumentParser()
add_supervised_option(parser)
args = parser.parse_args(["--until-stdin-closes"])
wait_for_interrupt(lambda: print("running", flush=True), stop=stop_when_stdin_closes(args))
print("stopped cleanly", flush=True)
"""
    child = ServiceProcess("nlp", "nlp", _child(tmp_path, script), say=print)
    child.start()
    child.wait_running(time.monotonic() + 30)
    assert child._popen is not None and child._popen.stdin is not None
    child._popen.stdin.close()  # what the kernel does when the supervisor dies
    assert child._popen.wait(timeout=10) == 0
    child.stop()
    assert "stopped cleanly" in child.output


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["up", "--processes", "--replicas", "els=2"], "els keeps each batch's state in one"),
        (["up", "--replicas", "spellchecker=2"], "add --processes"),
    ],
)
def test_up_refuses_replicas_it_cannot_run_in_one_paragraph(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def test_a_child_that_dies_while_the_system_runs_is_said_with_its_last_lines(
    tmp_path: Path,
) -> None:
    script = 'import sys\nprint("running", flush=True)\nprint("consumer crashed", flush=True)\n'
    script += "sys.exit(3)\n"
    said: list[str] = []
    child = ServiceProcess(
        "cj_assessment", "cj_assessment", _child(tmp_path, script), say=said.append
    )
    child.start()
    child.wait_running(time.monotonic() + 30)
    deadline = time.monotonic() + 10
    while child.died is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert child.died == "exited 3 while the system was running"
    assert any(
        "exited 3 while the system was running" in s and "consumer crashed" in s for s in said
    )
    child.stop()
    assert not any("stopped with exit code" in line for line in said)  # said once, above
