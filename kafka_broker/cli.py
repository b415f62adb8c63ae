"""``broker start|stop|status``: a real Kafka broker for manual runs and tools.

A command line adds them with ``add_broker_commands`` (``pipeline-harness broker ...``: its
composition root does, as it adds ``demo``); ``python -m kafka_broker start|stop|status`` runs
them alone. ``start`` prints the bootstrap address alone on stdout (progress goes to stderr), so
a script can capture it: ``ADDR=$(pipeline-harness broker start --detach)``.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from kafka_broker.detached import (
    DetachedBroker,
    forget_detached,
    read_detached,
    start_detached,
    state_path,
    stop_detached,
)
from kafka_broker.errors import BrokerError
from kafka_broker.provision import start_broker
from kafka_broker.security import login_env_lines
from kafka_broker.settings import BrokerSettings
from kafka_broker.terminal import Note, progress_printer, wait_for_interrupt

if TYPE_CHECKING:
    Actions = argparse._SubParsersAction[argparse.ArgumentParser]

SettingsFactory = Callable[[argparse.Namespace], BrokerSettings]
Command = Callable[[argparse.Namespace], int]
_FORMAT = argparse.RawDescriptionHelpFormatter
_DESCRIPTION = (
    "Run a real Apache Kafka broker: an existing one (--bootstrap or KAFKA_BOOTSTRAP_SERVERS), "
    "Docker if an engine answers, else Kafka's own jars on a local JVM (Java 17+; the jars are "
    "fetched once with Maven)."
)


def settings_from_args(args: argparse.Namespace) -> BrokerSettings:
    """Settings from the environment (read here, at the edge), ``--bootstrap`` and ``--name``."""
    settings = BrokerSettings.from_env(os.environ)
    if getattr(args, "bootstrap", None):
        settings = replace(settings, bootstrap_servers=args.bootstrap)
    if getattr(args, "broker_name", None):
        settings = replace(settings, broker_name=args.broker_name)
    if getattr(args, "secure", False):
        settings = replace(settings, secure=True)
    return settings


def add_secure_option(parser: argparse.ArgumentParser, *, help: str | None = None) -> None:
    """``--secure``: a secured local broker (SASL/SCRAM logins, ACLs enforced)."""
    parser.add_argument(
        "--secure",
        action="store_true",
        help=help
        or "start the local broker secured: SASL/SCRAM-SHA-512 logins on loopback and Kafka's "
        "StandardAuthorizer, with an administrator as the only super user (env "
        "PIPELINE_HARNESS_SECURE=1)",
    )


def add_broker_commands(
    subparsers: Actions,
    settings_factory: SettingsFactory = settings_from_args,
) -> None:
    """Add ``broker start|stop|status`` to a command line."""
    broker = subparsers.add_parser(
        "broker",
        help="run a real Kafka broker (start, stop, status)",
        formatter_class=_FORMAT,
        description=_paragraph(_DESCRIPTION),
    )
    add_broker_actions(broker, settings_factory)


def add_broker_actions(
    parser: argparse.ArgumentParser, settings_factory: SettingsFactory = settings_from_args
) -> None:
    """Add the actions ``start``, ``stop`` and ``status`` to ``parser`` (its prog names them)."""
    prog = parser.prog
    parser.epilog = (
        f"examples:\n  {prog} start\n  ADDR=$({prog} start --detach)\n  {prog} status\n"
        f"  {prog} stop"
    )
    actions = parser.add_subparsers(dest="broker_command", metavar="ACTION", required=True)
    _add_start(actions, settings_factory, prog)
    _add_stop(actions, settings_factory, prog)
    _add_status(actions, settings_factory, prog)
    for action in actions.choices.values():
        add_name_option(action)


def add_bootstrap_option(
    parser: argparse.ArgumentParser, *, help: str = "use this Kafka cluster"
) -> None:
    """``--bootstrap HOST:PORT``: an existing Kafka cluster, never started or stopped."""
    parser.add_argument("--bootstrap", metavar="HOST:PORT", help=help)


def add_name_option(parser: argparse.ArgumentParser) -> None:
    """``--name``: which detached broker (default: the one of this working directory)."""
    parser.add_argument(
        "--name",
        dest="broker_name",
        metavar="NAME",
        help="the detached broker's name (default: one per working directory; "
        "env PIPELINE_HARNESS_BROKER_NAME)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m kafka_broker start|stop|status``; a BrokerError is one paragraph, exit 2."""
    parser = argparse.ArgumentParser(
        prog="python -m kafka_broker", formatter_class=_FORMAT, description=_paragraph(_DESCRIPTION)
    )
    add_broker_actions(parser)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except BrokerError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{parser.prog}: interrupted", file=sys.stderr)
        return 130


def _add_start(actions: Actions, factory: SettingsFactory, prog: str) -> None:
    """``start [--detach] [--bootstrap ADDR]``."""
    start = actions.add_parser(
        "start",
        help="start a broker and print its bootstrap address",
        formatter_class=_FORMAT,
        description=_paragraph(
            "Start a Kafka broker and print its bootstrap address on a line of its "
            "own. Without --detach it runs until Ctrl-C (or SIGTERM), then stops. With --detach it "
            "keeps running in the background (a local JVM broker; Docker is not used) and is "
            "recorded under the cache dir for `broker status` and `broker stop`."
        ),
        epilog=f"examples:\n  {prog} start\n  {prog} start --detach\n"
        f"  {prog} start --detach --secure           # logins and ACLs enforced\n"
        f"  {prog} start --bootstrap 127.0.0.1:9092   # check an existing broker answers",
    )
    start.add_argument("--detach", action="store_true", help="leave the broker running and return")
    add_secure_option(start)
    add_bootstrap_option(start, help="use this running broker (host:port) instead")
    start.set_defaults(func=_start_command(factory, prog))


def _add_stop(actions: Actions, factory: SettingsFactory, prog: str) -> None:
    """``stop``."""
    stop = actions.add_parser(
        "stop",
        help="stop the broker left running by `broker start --detach`",
        formatter_class=_FORMAT,
        description=_paragraph(
            "Stop the detached broker (SIGTERM, then SIGKILL after 20 s) and remove "
            "its work dir. Exit 1 when no detached broker is running."
        ),
        epilog=f"example:\n  {prog} stop",
    )
    stop.set_defaults(func=_stop_command(factory, prog))


def _add_status(actions: Actions, factory: SettingsFactory, prog: str) -> None:
    """``status``."""
    status = actions.add_parser(
        "status",
        help="show the detached broker: address, pid, provider, uptime",
        formatter_class=_FORMAT,
        description=_paragraph(
            "Show the broker left running by `broker start --detach`. Exit 1 when no "
            "detached broker is running."
        ),
        epilog=f"example:\n  {prog} status",
    )
    status.set_defaults(func=_status_command(factory, prog))


def _start_command(factory: SettingsFactory, prog: str) -> Command:
    """The ``start`` action."""
    note = progress_printer(prog)

    def run(args: argparse.Namespace) -> int:
        settings = _settings(factory, args)
        if args.detach:
            record = start_detached(settings, progress=note)
            print(record.bootstrap_servers, flush=True)
            note(f"left running (pid {record.pid}, log {record.log_path}); stop: {prog} stop")
            if record.login is not None:
                note(
                    f"secured: the administrator's login is in {state_path(settings)} (this "
                    "user only); commands of this directory use it"
                )
            return 0
        return _serve_until_interrupted(settings, note)

    return run


def _stop_command(factory: SettingsFactory, prog: str) -> Command:
    """The ``stop`` action."""
    note = progress_printer(prog)

    def run(args: argparse.Namespace) -> int:
        settings = _settings(factory, args)
        record = read_detached(settings)
        if record is None or not record.is_running():
            if record is not None:
                forget_detached(settings)
            note(f"no detached broker is running{_exited(record)}")
            return 1
        note(f"stopping the broker at {record.bootstrap_servers} (pid {record.pid})...")
        stop_detached(settings, record)
        if record.provider == "external":
            print(f"forgot {record.bootstrap_servers}: the harness did not start it, so it runs on")
        else:
            print(f"stopped the broker at {record.bootstrap_servers}")
        return 0

    return run


def _status_command(factory: SettingsFactory, prog: str) -> Command:
    """The ``status`` action."""
    note = progress_printer(prog)

    def run(args: argparse.Namespace) -> int:
        record = read_detached(_settings(factory, args))
        if record is None or not record.is_running():
            note(f"no detached broker is running{_exited(record)}")
            return 1
        for label, value in (
            ("address", record.bootstrap_servers),
            ("pid", record.pid if record.pid is not None else "-"),
            ("provider", record.provider),
            ("uptime", _duration(record.uptime_s)),
            ("cluster", record.cluster_id or "-"),
            ("security", "SASL/SCRAM, ACLs (admin login recorded)" if record.login else "none"),
            ("log", record.log_path or "-"),
        ):
            print(f"{label:<9}{value}")
        return 0

    return run


def _serve_until_interrupted(settings: BrokerSettings, note: Note) -> int:
    """Start a broker, print its address, and keep it up until Ctrl-C or SIGTERM."""
    broker = start_broker(settings, progress=note)
    try:
        print(broker.info.bootstrap_servers, flush=True)
        pid = f", pid {broker.info.pid}" if broker.info.pid else ""
        note(f"broker running ({broker.info.provider}{pid}); press Ctrl-C to stop it")
        if broker.info.login is not None:
            note(
                "secured; log in as the administrator with: "
                + " ".join(login_env_lines(broker.info.login))
            )
        wait_for_interrupt()
        note("stopping the broker...")
    finally:
        broker.stop()
    return 0


def _settings(factory: SettingsFactory, args: argparse.Namespace) -> BrokerSettings:
    """The settings, with ``--bootstrap`` applied."""
    settings = factory(args)
    bootstrap = getattr(args, "bootstrap", None)
    return replace(settings, bootstrap_servers=bootstrap) if bootstrap else settings


def _exited(record: DetachedBroker | None) -> str:
    """A note on a recorded broker that is no longer running ('' when there is none)."""
    if record is None:
        return ""
    return f" (the one recorded at {record.bootstrap_servers}, pid {record.pid}, has exited)"


def _duration(seconds: float) -> str:
    """'1h02m03s', '4m05s' or '6s'."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m{secs:02d}s"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def _paragraph(text: str) -> str:
    """Wrap a description by hand (RawDescriptionHelpFormatter keeps the examples' layout)."""
    return textwrap.fill(text, width=88)
