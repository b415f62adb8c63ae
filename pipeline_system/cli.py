"""``pipeline-harness`` with the commands that run the simulated system: up, simulate, demo.

The library's commands (lint, validate, broker) live in harness.cli; this module, above the
library, adds the ones that need the simulators and the reference orchestrator.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields, replace
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import yaml

from harness.broker import kafka_broker, read_detached
from harness.cli import PROG, settings_from_args
from harness.cli import main as harness_main
from harness.contract import load_contract
from harness.errors import HarnessError
from harness.kafka_bus import KafkaBus
from harness.settings import Settings
from pipeline_system.system import SERVICES, SIMULATORS, build_system
from reference_impl import OrchestratorConfig
from simulators.base import Behaviour

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


class UsageError(HarnessError):
    """A command's options do not fit together (unknown service, bad behaviour file...)."""


def add_system_commands(commands: Subparsers) -> None:
    """Register up, simulate and demo."""
    _add_up(commands)
    _add_simulate(commands)
    from pipeline_system.demo import add_demo_command

    add_demo_command(commands)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the installed ``pipeline-harness`` command."""
    return harness_main(argv, extra_commands=[add_system_commands])


# -- broker and bus for a long-running command ---------------------------------------------


def reuse_detached(settings: Settings, note: Callable[[str], None]) -> Settings:
    """Use a broker started with ``broker start --detach`` when none is named."""
    if settings.bootstrap_servers:
        return settings
    record = read_detached(settings)
    if record is not None and record.is_running():
        note(f"using the detached broker at {record.bootstrap_servers}")
        return replace(settings, bootstrap_servers=record.bootstrap_servers)
    return settings


@contextmanager
def running_bus(settings: Settings, note: Callable[[str], None]) -> Iterator[KafkaBus]:
    """A broker (given, detached, or started now) and a started KafkaBus on it."""
    settings = reuse_detached(settings, note)
    contract = load_contract(settings.contract_path)
    with kafka_broker(settings, progress=note) as broker:
        bus = KafkaBus(
            contract, bootstrap_servers=broker.bootstrap_servers, topic_prefix=settings.topic_prefix
        )
        bus.start()
        try:
            yield bus
        finally:
            bus.stop()


def wait_for_interrupt() -> None:
    """Block until Ctrl-C or SIGTERM."""
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


def note(line: str) -> None:
    print(f"[{PROG}] {line}", file=sys.stderr, flush=True)


# -- up ------------------------------------------------------------------------------------


def _add_up(commands: Subparsers) -> None:
    up = commands.add_parser(
        "up",
        help="run the whole simulated system (broker, BOS, BCS, every simulator) until Ctrl-C",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Start a Kafka broker (or use --bootstrap / a detached one), the reference "
        "BOS and BCS, and every simulator, print their addresses, and run until Ctrl-C. "
        "--without SERVICE leaves a service out so that your real one, started against the "
        "same Kafka, takes its place.",
        epilog="examples:\n"
        f"  {PROG} up\n"
        f"  {PROG} up --without els --bootstrap 127.0.0.1:9092   # your real ELS joins\n"
        f"  {PROG} up --bos-port 5001 --bcs-port 4002\n\n"
        "then, from another terminal:\n"
        "  curl -s -X POST http://127.0.0.1:5001/v1/batches/register -H 'Content-Type: "
        "application/json' \\\n"
        '       -d \'{"expected_essay_count": 3, "course_code": "ENG5", '
        '"essay_instructions": "Write.", "user_id": "t1"}\'\n'
        '  echo "$BATCH\t$ENVELOPE_JSON" | kcat -b 127.0.0.1:9092 -P -t '
        "huleedu.commands.batch.pipeline.v1 -K '\\t'",
    )
    _add_run_options(up)
    up.add_argument(
        "--without",
        action="append",
        default=[],
        metavar="SERVICE",
        choices=SERVICES,
        help="leave this service out (repeatable)",
    )
    up.add_argument("--bos-port", type=int, default=0, help="BOS's HTTP port (default: free)")
    up.add_argument("--bcs-port", type=int, default=0, help="BCS's HTTP port (default: free)")
    up.add_argument("--bcs-url", help="a real BCS to call (with --without bcs)")
    up.add_argument("--database", type=Path, help="BOS's SQLite file (default: in memory)")
    up.set_defaults(func=_run_up)


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bootstrap", metavar="HOST:PORT", help="use this Kafka cluster")
    parser.add_argument(
        "--topic-prefix",
        default=None,
        help="prefix every topic (default: none, the real topic names)",
    )


def _run_settings(args: argparse.Namespace) -> Settings:
    settings = settings_from_args(args)
    if args.topic_prefix is not None:
        settings = replace(settings, topic_prefix=args.topic_prefix)
    return settings


def _run_up(args: argparse.Namespace) -> int:
    from reference_impl import ConductorConfig

    with running_bus(_run_settings(args), note) as bus:
        system = build_system(
            bus.contract,
            bus,
            without=args.without,
            orchestrator=OrchestratorConfig(http_port=args.bos_port, database_path=args.database),
            conductor=ConductorConfig(http_port=args.bcs_port),
            bcs_url=args.bcs_url,
        )
        with system:
            print(f"kafka   {bus.bootstrap_servers}  (topic prefix {bus.topic_prefix!r})")
            if system.bos:
                print(f"bos     {system.bos.base_url}   POST /v1/batches/register")
            if system.bcs:
                print(f"bcs     {system.bcs.base_url}   POST /internal/v1/pipelines/define")
            running = ", ".join(system.simulators) or "none"
            print(f"simulators: {running}")
            if args.without:
                print(f"left out for your real services: {', '.join(args.without)}")
            print("running; Ctrl-C stops everything", flush=True)
            wait_for_interrupt()
    note("stopped")
    return 0


# -- simulate ------------------------------------------------------------------------------


def _add_simulate(commands: Subparsers) -> None:
    simulate = commands.add_parser(
        "simulate",
        help="run one simulated service in this process, in its consumer group",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Run one simulator against a Kafka cluster, in the service's consumer group, "
        "so that several processes share the load. Texts are shared through the File "
        "simulator's content store: start it with --content-port and give the others "
        "--content-url.",
        epilog="examples:\n"
        f"  {PROG} simulate file_service --bootstrap 127.0.0.1:9092 --content-port 8700\n"
        f"  {PROG} simulate spellchecker --bootstrap 127.0.0.1:9092 "
        "--content-url http://127.0.0.1:8700\n"
        f"  {PROG} simulate llm_provider --behaviour slow-llm.yaml\n\n"
        "a behaviour file is YAML or JSON, e.g.:\n"
        "  latency_s: [0.05, 0.2]\n  error_rate: 0.1\n  seed: 7",
    )
    simulate.add_argument("service", choices=sorted(SIMULATORS), help="the service to simulate")
    _add_run_options(simulate)
    simulate.add_argument("--behaviour", type=Path, help="YAML/JSON file of behaviour knobs")
    simulate.add_argument(
        "--content-port",
        type=int,
        help="file_service: serve the content store on this port (0 = free)",
    )
    simulate.add_argument("--content-url", help="the content store of a file_service process")
    simulate.set_defaults(func=_run_simulate)


def _run_simulate(args: argparse.Namespace) -> int:
    from simulators.content import HttpContentStore

    cls: Any = SIMULATORS[args.service]
    behaviour = load_behaviour(cls, args.behaviour) if args.behaviour else None
    extras: dict[str, Any] = {}
    if args.content_port is not None:
        if args.service != "file_service":
            raise UsageError("--content-port is for file_service (it holds the texts)")
        extras["content_port"] = args.content_port
    with running_bus(_run_settings(args), note) as bus:
        if args.content_url:
            extras["content"] = HttpContentStore(
                bus.contract, args.content_url, caller=args.service
            )
        simulator = cls(bus.contract, bus, behaviour, **extras)
        simulator.start()
        try:
            url = getattr(simulator, "content_url", None)
            print(f"{args.service} consuming {', '.join(cls.consumes)} on {bus.bootstrap_servers}")
            if url:
                print(f"content store at {url}")
            print("running; Ctrl-C stops it", flush=True)
            wait_for_interrupt()
        finally:
            simulator.stop()
    return 0


def load_behaviour(simulator: Any, path: Path) -> Behaviour:
    """A simulator's behaviour from a YAML or JSON file; unknown knobs are a clear error."""
    behaviour_type = simulator.behaviour_type
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise UsageError(f"cannot read behaviour file {path}: {exc}") from None
    if not isinstance(raw, dict):
        raise UsageError(f"behaviour file {path} must hold a mapping of knobs")
    known = {f.name for f in fields(behaviour_type)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise UsageError(
            f"behaviour file {path}: unknown knobs {unknown} for {simulator.service_id}.",
            hint=f"known knobs: {', '.join(sorted(known))}",
        )
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}
    return behaviour_type(**values)  # type: ignore[no-any-return]


if __name__ == "__main__":
    sys.exit(main())
