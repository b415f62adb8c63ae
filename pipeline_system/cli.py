"""``pipeline-harness`` with the commands that run the simulated system: up, simulate, demo.

The library's commands (lint, rules, validate) live in harness.cli; this module, the composition
root above the library, adds the broker's (``broker start|stop|status``, from kafka_broker.cli)
and the ones that need the simulators and the reference orchestrator. A broker error is reported
like a harness error: one paragraph, exit 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from harness.cli import PROG
from harness.cli import main as harness_main
from harness.errors import UsageError
from harness.kafka import KafkaTuning
from kafka_broker.cli import add_broker_commands
from kafka_broker.errors import BrokerError
from kafka_broker.terminal import wait_for_interrupt
from pipeline_system.acl_command import add_acl_command
from pipeline_system.demo import add_demo_command
from pipeline_system.driver import add_run_command
from pipeline_system.runtime import (
    add_run_options,
    add_service_login_option,
    add_supervised_option,
    exchange_printer,
    note,
    run_settings,
    running_bus,
    service_broker_settings,
    stop_when_stdin_closes,
)
from pipeline_system.serve import add_serve_command
from pipeline_system.system import NEEDS_CONTENT, SIMULATORS
from pipeline_system.up import add_up_command
from simulators.base import Behaviour

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def add_system_commands(commands: Subparsers) -> None:
    """Register acl, broker, up, run, simulate, serve and demo."""
    add_acl_command(commands)
    add_broker_commands(commands)
    add_up_command(commands)
    add_run_command(commands)
    _add_simulate(commands)
    add_serve_command(commands)
    add_demo_command(commands)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the installed ``pipeline-harness`` command."""
    return harness_main(argv, extra_commands=[add_system_commands], reported_errors=(BrokerError,))


# -- broker and bus for a long-running command ---------------------------------------------


# -- simulate ------------------------------------------------------------------------------


def _add_simulate(commands: Subparsers) -> None:
    simulate = commands.add_parser(
        "simulate",
        help="run one simulated service in this process, in its consumer group",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Run one simulator against a Kafka cluster, in the service's consumer group, "
        "so that several processes share the load. Services that read texts take the Content "
        "Service's address with --content-url: the CONTENT_SERVICE_URL that `up` prints (or a "
        "file_service process started with --content-port).",
        epilog="examples:\n"
        f"  {PROG} simulate spellchecker --bootstrap 127.0.0.1:9092 "
        "--content-url http://127.0.0.1:39987/v1/content\n"
        f"  {PROG} simulate file_service --bootstrap 127.0.0.1:9092 --content-port 8700\n"
        f"  {PROG} simulate llm_provider --behaviour slow-llm.yaml --member llm-1\n"
        f"  {PROG} simulate cj_assessment --llm-url http://127.0.0.1:8801 "
        "--content-url http://127.0.0.1:39987/v1/content\n"
        f"  {PROG} simulate llm_provider --bootstrap 127.0.0.1:9092 --logins logins.json"
        "   # join `up --secure`\n"
        f"  {PROG} simulate els --state-dir state/ --member els-0"
        "   # survives a kill -9: start it again the same way\n\n"
        "a behaviour file is YAML or JSON, e.g.:\n"
        "  latency_s: [0.05, 0.2]\n  error_rate: 0.1\n  seed: 7",
    )
    simulate.add_argument("service", choices=sorted(SIMULATORS), help="the service to simulate")
    add_run_options(simulate)
    add_service_login_option(simulate)
    add_supervised_option(simulate)
    simulate.add_argument("--behaviour", type=Path, help="YAML/JSON file of behaviour knobs")
    simulate.add_argument(
        "--content-port",
        type=int,
        help="file_service: serve the content store on this port (0 = free)",
    )
    simulate.add_argument(
        "--content-url", help="the Content Service (CONTENT_SERVICE_URL from up, or a file_service)"
    )
    simulate.add_argument(
        "--http-port",
        type=int,
        help="a service that answers HTTP (llm_provider, entitlements, cms, language_tool): "
        "serve it on this port (default: a free one); its address is printed as HTTP_URL",
    )
    simulate.add_argument(
        "--llm-url",
        help="cj_assessment: the LLM provider's queue API (the HTTP_URL of `simulate "
        "llm_provider`, or LLM_PROVIDER_URL of up without /api/v1)",
    )
    simulate.add_argument(
        "--state-dir",
        type=Path,
        metavar="DIR",
        help="keep what the service remembers in DIR/SERVICE.state (file_service: and the "
        "texts it serves in DIR/content), written after every message it handles, read back "
        "at the start: killed and started again on DIR, it carries on (the file `up "
        f"--state-dir` uses; for the services that remember something: {_keeping_state()})",
    )
    simulate.add_argument(
        "--member",
        metavar="NAME",
        help="a stable group member name (static membership): started again under the same "
        "name after a kill, it takes its partitions back at once; give each process its own",
    )
    simulate.set_defaults(func=_run_simulate)


def _run_simulate(args: argparse.Namespace) -> int:
    from simulators.content import HttpContentStore

    cls: Any = SIMULATORS[args.service]
    behaviour = load_behaviour(cls, args.behaviour) if args.behaviour else None
    extras = _simulate_extras(args, cls)
    exchanges = exchange_printer(args)
    if args.llm_url:
        extras.update(llm_url=args.llm_url, exchanges=exchanges)
    tuning = KafkaTuning(group_instance=args.member) if args.member else None
    with running_bus(
        run_settings(args), service_broker_settings(args, args.service), note, tuning=tuning
    ) as bus:
        if args.content_url:
            extras["content"] = HttpContentStore(
                bus.contract, args.content_url, caller=args.service
            )
        simulator = cls(bus.contract, bus, behaviour, **extras)
        if args.state_dir is not None:
            args.state_dir.mkdir(parents=True, exist_ok=True)
            simulator.keep_state(args.state_dir / f"{args.service}.state")
        simulator.serve_http(port=args.http_port or 0, exchanges=exchanges)
        simulator.start()
        try:
            simulator.wait_ready()
            url = getattr(simulator, "content_url", None)
            print(f"{args.service} consuming {', '.join(cls.consumes)} on {bus.bootstrap_servers}")
            if url:
                print(f"content store at {url}")
            if simulator.http_url:
                print(f"HTTP_URL {simulator.http_url}")
            wait_for_interrupt(
                lambda: print("running; Ctrl-C stops it", flush=True),
                stop=stop_when_stdin_closes(args),
            )
        finally:
            simulator.stop()
    return 0


def _keeping_state() -> str:
    """The simulators that remember something between messages (``--state-dir``'s)."""
    return ", ".join(sorted(s for s, c in SIMULATORS.items() if c.persisted))


def _simulate_extras(args: argparse.Namespace, cls: Any) -> dict[str, Any]:
    """The simulator's keyword arguments from the options; a misplaced option is a usage
    error naming the services it is for."""
    from simulators.content import FileContentStore

    extras: dict[str, Any] = {}
    if args.state_dir is not None and not cls.persisted:
        raise UsageError(
            f"--state-dir: {args.service} remembers nothing between messages (what it has "
            "done is its group's committed offsets): drop --state-dir",
            hint=f"the services that keep state: {_keeping_state()}",
        )
    if args.content_port is not None:
        if args.service != "file_service":
            raise UsageError("--content-port is for file_service (it holds the texts)")
        extras["content_port"] = args.content_port
        if args.state_dir is not None:
            extras["content"] = FileContentStore(args.state_dir / "content")
    if args.content_url and args.service not in NEEDS_CONTENT:
        raise UsageError(
            f"--content-url is for the services that read texts, not {args.service}",
            hint=f"those are: {', '.join(sorted(NEEDS_CONTENT))}",
        )
    if args.http_port is not None and not 0 <= args.http_port <= 65535:
        raise UsageError(f"--http-port {args.http_port} is not a port (0-65535; 0: a free one)")
    if args.http_port is not None and not cls.serves:
        raise UsageError(
            f"--http-port is for a service that answers HTTP; {args.service} answers none",
            hint=f"those are: {', '.join(sorted(s for s, c in SIMULATORS.items() if c.serves))}",
        )
    if args.llm_url and args.service != "cj_assessment":
        raise UsageError("--llm-url is for cj_assessment (it calls the LLM provider)")
    return extras


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
