"""The ``pipeline-harness`` command line: lint the contract, validate payloads, run a broker.

Exit codes: 0 clean, 1 findings (invalid records, lint findings), 2 bad usage or environment
(unknown channel, unreadable file, no Java ...), always with a one-line or one-paragraph message,
never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from harness.contract import Contract, companion_path, default_contract_path, load_contract
from harness.errors import HarnessError, UsageError
from harness.exchanges import HttpChecker
from harness.settings import Settings
from harness.validation import ContractValidator
from harness.validation_input import Record, read_records

PROG = "pipeline-harness"
ExtraCommands = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]


def build_parser(extra_commands: Sequence[ExtraCommands] = ()) -> argparse.ArgumentParser:
    """The parser of the library's commands, plus those a layer above adds (up, demo...)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Contract-first test harness for the HuleEdu essay batch pipeline on Kafka.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
        f"  {PROG} lint\n"
        f"  {PROG} validate --channel huleedu.els.batch.phase.outcome.v1 outcome.json\n"
        f"  {PROG} broker start --detach\n",
    )
    parser.add_argument("--contract", type=Path, help="the AsyncAPI document (default: shipped)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_lint(commands)
    _add_validate(commands)
    from harness.broker_cli import add_broker_commands

    add_broker_commands(commands, settings_from_args)
    for add in extra_commands:
        add(commands)
    return parser


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Settings from the environment (read here, at the edge) and the command's options."""
    settings = Settings.from_env(os.environ)
    if getattr(args, "contract", None):
        settings = replace(settings, contract_path=args.contract)
    if getattr(args, "bootstrap", None):
        settings = replace(settings, bootstrap_servers=args.bootstrap)
    if getattr(args, "broker_name", None):
        settings = replace(settings, broker_name=args.broker_name)
    return settings


def _add_lint(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    lint = commands.add_parser(
        "lint",
        help="check the contract (AsyncAPI and OpenAPI schemas, $refs, examples, roles)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Lint an AsyncAPI contract and its OpenAPI companion (openapi.yaml beside "
        "it, when there is one): exit 0 when clean, else 1 and one line per finding "
        "(FILE:/json/pointer: [rule] problem).",
        epilog=f"examples:\n  {PROG} lint\n  {PROG} lint my-fork/asyncapi.yaml",
    )
    lint.add_argument("spec", nargs="?", type=Path, help="the AsyncAPI document to lint")
    lint.set_defaults(func=_run_lint)


def _run_lint(args: argparse.Namespace) -> int:
    from harness.lint import lint_contract

    path = args.spec or args.contract or default_contract_path()
    findings = lint_contract(path)
    for finding in findings:
        print(finding.render(path))
    companion = companion_path(path)
    checked = f"{path} + {companion.name}" if companion.is_file() else str(path)
    summary = f"{checked}: {len(findings)} finding(s)" if findings else f"{checked}: clean"
    print(summary, file=sys.stderr)
    return 1 if findings else 0


def _add_validate(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    validate = commands.add_parser(
        "validate",
        help="validate JSON messages (or HTTP bodies) against the contract",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Validate each record of FILE (one JSON document, or JSON lines) against "
        "a channel of the contract, or against an HTTP operation's body. With --channel each "
        "record is a whole EventEnvelope (with --data-only, the `data` payload alone). With "
        "--http each record is the operation's request body (with --response STATUS, the body "
        "of that answer).\nExit 0 when every record is valid, 1 when any is not (one line per "
        "failure: FILE:LINE: /json/pointer: reason), 2 on bad usage.",
        epilog="examples:\n"
        f"  {PROG} validate --channel huleedu.batch.pipeline.completed.v1 envelope.json\n"
        f"  {PROG} validate --channel batchPipelineCompleted --data-only payloads.jsonl\n"
        f"  my-service --dump-events | {PROG} validate --channel huleedu.els.batch.phase"
        ".outcome.v1 -\n"
        f"  {PROG} validate --http 'POST /internal/v1/pipelines/define' define-request.json\n"
        f"  {PROG} validate --http definePipeline --response 400 refusal.json",
    )
    target = validate.add_mutually_exclusive_group(required=True)
    target.add_argument("--channel", help="channel address (topic) or id")
    target.add_argument(
        "--http",
        metavar="OPERATION",
        help="an HTTP operation: 'METHOD /path/{param}' or its operationId",
    )
    validate.add_argument("--data-only", action="store_true", help="records are `data` payloads")
    validate.add_argument(
        "--response", type=int, metavar="STATUS", help="with --http: records are answers of STATUS"
    )
    validate.add_argument("file", help="JSON or JSON-lines file ('-' for standard input)")
    validate.set_defaults(func=_run_validate)


def _run_validate(args: argparse.Namespace) -> int:
    contract = load_contract(settings_from_args(args).contract_path)
    if args.http:
        return _validate_http(contract, args)
    if args.response is not None:
        raise UsageError("--response goes with --http (the status of an HTTP answer)")
    channel = contract.channel(args.channel)
    validator = ContractValidator(contract)
    records: list[Record] = read_records(args.file)
    explain = validator.explain_data if args.data_only else validator.explain
    failures = 0
    for record in records:
        violations = explain(channel, record.document)
        failures += bool(violations)
        for violation in violations:
            print(f"{record.source}:{record.line}: {violation.pointer or '/'}: {violation.reason}")
    what = "payload" if args.data_only else "envelope"
    print(
        f"{len(records)} {what}(s) checked against {channel.address} "
        f"({channel.message.name}): {failures} invalid",
        file=sys.stderr,
    )
    return 1 if failures else 0


def _validate_http(contract: Contract, args: argparse.Namespace) -> int:
    method, _, path = str(args.http).partition(" ")
    operation = contract.http(method, path) if path else contract.http_operation(args.http)
    checker = HttpChecker(contract)
    records = read_records(args.file)
    what = f"status-{args.response} answer" if args.response is not None else "request body"
    failures = 0
    for record in records:
        if args.response is None:
            violations = checker.request(operation, params={}, headers={}, body=record.document)
            violations = [v for v in violations if v.message == "request body"]
        else:
            violations = checker.response(
                operation,
                status=args.response,
                content_type="application/json",
                body=record.document,
            )
        failures += bool(violations)
        for violation in violations:
            print(f"{record.source}:{record.line}: {violation.pointer or '/'}: {violation.reason}")
    print(
        f"{len(records)} {what}(s) checked against {operation.label} ({operation.id}): "
        f"{failures} invalid",
        file=sys.stderr,
    )
    return 1 if failures else 0


def main(argv: Sequence[str] | None = None, extra_commands: Sequence[ExtraCommands] = ()) -> int:
    """Run one command; HarnessError becomes a one-paragraph message and exit code 2."""
    parser = build_parser(extra_commands)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except HarnessError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
