"""The ``pipeline-harness`` command line: lint the contract, validate payloads, list the rules,
diff two versions of the contract.

The layer above (pipeline_system.cli, the composition root) adds the commands that need more
than the library: ``broker`` (from the kafka_broker package), ``up``, ``run``, ``demo`` ...

Exit codes, the same for every command: 0 clean (``validate``: nothing breaking; rule breaches
are warnings; ``diff``: nothing breaking, rule and compatible changes allowed), 1 findings (a
breaking record, or with ``--strict`` a rule breach; lint findings; a breaking change), 2 bad
usage or environment (unknown channel, unreadable or missing file or git revision, no Java
...), always with a one-line or one-paragraph message, never a traceback (for HarnessError
and the error trees the layer above names, such as the broker's); 130 when interrupted,
141 when the reader of the output went away (``| head``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from harness.contract import Contract, companion_path, default_contract_path, load_contract
from harness.errors import HarnessError, InputError, UsageError, Violation
from harness.exchanges import HttpChecker
from harness.rules import Rule, Verdict
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
        f"  {PROG} rules\n"
        f"  {PROG} validate --channel huleedu.els.batch.phase.outcome.v1 outcome.json\n"
        f"  {PROG} diff git:HEAD~1 contracts/asyncapi.yaml\n"
        f"  {PROG} acl --service spellchecker\n",
    )
    parser.add_argument("--contract", type=Path, help="the AsyncAPI document (default: shipped)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_lint(commands)
    _add_rules(commands)
    _add_validate(commands)
    _add_diff(commands)
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
    return settings


def _add_lint(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    lint = commands.add_parser(
        "lint",
        help="check the contract (AsyncAPI and OpenAPI schemas, $refs, examples, roles)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Lint an AsyncAPI contract and its OpenAPI companion (openapi.yaml beside "
        "it, when there is one): exit 0 when clean, 1 and one line per finding "
        "(FILE:/json/pointer: [rule] problem), 2 when the file cannot be read.",
        epilog=f"examples:\n  {PROG} lint\n  {PROG} lint my-fork/asyncapi.yaml",
    )
    lint.add_argument("spec", nargs="?", type=Path, help="the AsyncAPI document to lint")
    lint.set_defaults(func=_run_lint)


def _run_lint(args: argparse.Namespace) -> int:
    from harness.lint import lint_contract

    path = args.spec or args.contract or default_contract_path()
    if not Path(path).is_file():
        raise InputError(f"cannot read {path}: no such file", hint="give the AsyncAPI document")
    findings = lint_contract(path)
    for finding in findings:
        print(finding.render(path))
    companion = companion_path(path)
    checked = f"{path} + {companion.name}" if companion.is_file() else str(path)
    summary = f"{checked}: {len(findings)} finding(s)" if findings else f"{checked}: clean"
    print(summary, file=sys.stderr)
    return 1 if findings else 0


def _add_rules(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rules = commands.add_parser(
        "rules",
        help="list the contract's named clean rules (the `rule` level of every check)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="The contract states cleaner rules than the real system keeps. A finding "
        "is `breaking` when the real consumers would reject or misroute the message, or breaks "
        "one of these named rules (root x-rules of the contract), which the real consumers "
        "accept. validate, up and the Gherkin suite report rule breaches by these ids.",
        epilog=f"examples:\n  {PROG} rules\n  {PROG} rules --format json\n"
        f"  {PROG} rules utc-timestamps",
    )
    rules.add_argument("rule", nargs="?", help="show one rule")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    rules.set_defaults(func=_run_rules)


def _run_rules(args: argparse.Namespace) -> int:
    contract = load_contract(settings_from_args(args).contract_path, with_http=False)
    chosen = [contract.rule(args.rule)] if args.rule else list(contract.rules.values())
    if args.format == "json":
        print(json.dumps([_rule_json(r) for r in chosen], indent=2))
        return 0
    for rule in chosen:
        print(f"{rule.id}  ({rule.where})")
        for heading, text in (
            ("rule", rule.statement),
            ("why", rule.rationale),
            ("real system", rule.real_system),
        ):
            print(
                textwrap.fill(
                    text, 96, initial_indent=f"  {heading + ':':<13}", subsequent_indent=" " * 15
                )
            )
        print()
    print(f"{len(chosen)} rule(s) in {contract.path}", file=sys.stderr)
    return 0


def _rule_json(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "statement": rule.statement,
        "rationale": rule.rationale,
        "real_system": rule.real_system,
        "tightens": list(rule.tightens),
        "checked_on": rule.checked_on,
    }


def _add_validate(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    validate = commands.add_parser(
        "validate",
        help="validate JSON messages (or HTTP bodies) against the contract",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Validate each record of FILE (one JSON document, or JSON lines) against "
        "a channel of the contract, or against an HTTP operation's body. With --channel each "
        "record is a whole EventEnvelope (with --data-only, the `data` payload alone). With "
        "--http each record is the operation's request body (with --response STATUS, the body "
        "of that answer).\n\nEach finding is one line, FILE:LINE: LEVEL: CHANNEL /json/pointer: "
        "reason, where LEVEL is `error` for a breaking finding (the real consumers would reject "
        "it; a line that is not JSON is one) and `warning[RULE]` for a breach of a named clean "
        "rule (`pipeline-harness rules`; the real consumers accept it).\n\nExit codes: 0 "
        "nothing breaking (warnings allowed), 1 a breaking finding (with --strict: any "
        "finding, warnings become error[RULE]), 2 bad usage or unreadable input.",
        epilog="examples:\n"
        f"  {PROG} validate --channel huleedu.batch.pipeline.completed.v1 envelope.json\n"
        f"  {PROG} validate --channel batchPipelineCompleted --data-only payloads.jsonl\n"
        f"  {PROG} validate --strict --channel huleedu.pipeline.denied.v1 denials.jsonl\n"
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
    validate.add_argument(
        "--strict",
        action="store_true",
        help="rule breaches fail too (exit 1), as for this project's own services",
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
    explain = validator.explain_data if args.data_only else validator.explain
    verdict = validator.verdict_data if args.data_only else validator.verdict
    what = "payload" if args.data_only else "envelope"
    tally = _Tally(args.strict)
    for record in read_records(args.file):  # streamed: constant memory for JSON lines
        if record.problem is not None:
            violations = [Violation(channel.address, channel.message.name, "", record.problem)]
        elif verdict(channel, record.document) is Verdict.CLEAN:  # the fast path first
            violations = []
        else:
            violations = explain(channel, record.document)
        tally.report(record, channel.address, violations)
    return tally.finish(f"{what}(s) checked against {channel.address} ({channel.message.name})")


def _validate_http(contract: Contract, args: argparse.Namespace) -> int:
    method, _, path = str(args.http).partition(" ")
    operation = contract.http(method, path) if path else contract.http_operation(args.http)
    checker = HttpChecker(contract)
    what = f"status-{args.response} answer" if args.response is not None else "request body"
    tally = _Tally(args.strict)
    for record in read_records(args.file):
        if record.problem is not None:
            violations = [Violation(operation.label, what, "", record.problem)]
        elif args.response is None:
            violations = checker.request(operation, params={}, headers={}, body=record.document)
            violations = [v for v in violations if v.message == "request body"]
        else:
            violations = checker.response(
                operation,
                status=args.response,
                content_type="application/json",
                body=record.document,
            )
        tally.report(record, operation.label, violations)
    return tally.finish(f"{what}(s) checked against {operation.label} ({operation.id})")


class _Tally:
    """Prints each record's findings, one line each, and counts the verdicts."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.records = 0
        self.breaking = 0
        self.rules_only = 0
        self.breaches: Counter[str] = Counter()

    def report(self, record: Record, where: str, violations: Sequence[Violation]) -> None:
        self.records += 1
        if any(v.breaking for v in violations):
            self.breaking += 1
        elif violations:
            self.rules_only += 1
        for violation in violations:
            if violation.rule:
                self.breaches[violation.rule] += 1
            level = "error" if violation.breaking else self._rule_level(violation.rule)
            print(
                f"{record.source}:{record.line}: {level}: {where} "
                f"{violation.pointer or '/'}: {violation.reason}"
            )

    def _rule_level(self, rule: str | None) -> str:
        return f"{'error' if self.strict else 'warning'}[{rule}]"

    def finish(self, checked: str) -> int:
        rules = ", ".join(f"{r} {n}" for r, n in sorted(self.breaches.items()))
        clean = self.records - self.breaking - self.rules_only
        print(
            f"{self.records} {checked}: {self.breaking} breaking, {self.rules_only} with rule "
            f"breaches only{f' ({rules})' if rules else ''}, {clean} clean"
            + (" (strict)" if self.strict else ""),
            file=sys.stderr,
        )
        return 1 if self.breaking or (self.strict and self.rules_only) else 0


def _add_diff(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    diff = commands.add_parser(
        "diff",
        help="classify every change between two versions of the contract (a CI gate)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Compare two versions of the contract (asyncapi.yaml and the openapi.yaml "
        "beside it) channel by channel, message by message, field by field and HTTP operation "
        "by operation. OLD and NEW are files or git revisions, git:REV[:PATH] (PATH defaults "
        "to contracts/asyncapi.yaml from the top of the repository).\n\nEach change is "
        "breaking-for-consumers (wider: old receivers reject what senders may now send; the "
        "receivers must change), breaking-for-producers (narrower: new receivers reject what "
        "old senders send; the senders must change), breaking-both, rule (only a named clean "
        "rule's keywords changed, see `pipeline-harness rules`) or compatible; each names the "
        "services that must change.\n\nExit codes: 0 nothing breaking (rule and compatible "
        "changes allowed), 1 a breaking change, 2 a side that cannot be read (a missing file "
        "or revision, not YAML, not a valid contract).",
        epilog="examples:\n"
        f"  {PROG} diff git:HEAD~1 contracts/asyncapi.yaml\n"
        f"  {PROG} diff git:origin/main contracts/asyncapi.yaml --format markdown > comment.md\n"
        f"  {PROG} diff git:HEAD~3 git:HEAD --format json\n"
        f"  {PROG} diff --merge-base origin/main contracts/asyncapi.yaml\n"
        f"  {PROG} diff git:HEAD~1:contracts/asyncapi.yaml harness/data/asyncapi.yaml",
    )
    diff.add_argument(
        "old", metavar="OLD", nargs="?", help="the contract before: FILE or git:REV[:PATH]"
    )
    diff.add_argument(
        "new", metavar="NEW", nargs="?", help="the contract after: FILE or git:REV[:PATH]"
    )
    diff.add_argument(
        "--merge-base",
        metavar="REF",
        help="OLD is the contract where HEAD left REF (git merge-base REF HEAD), and the one "
        "argument is NEW (default: contracts/asyncapi.yaml): the pull-request gate; without "
        "that history here (no clone, REF unknown) it says so and exits 0",
    )
    diff.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="text: a line per finding (default); json; markdown: a pull-request comment",
    )
    diff.set_defaults(func=_run_diff)


def _run_diff(args: argparse.Namespace) -> int:
    from harness.evolution import diff_contracts
    from harness.evolution.render import render, summary_line
    from harness.evolution.sources import DEFAULT_PATH, merge_base, read_contract

    if args.merge_base:
        if args.new is not None:
            raise UsageError("with --merge-base give NEW only (OLD is the merge base)")
        base = merge_base(args.merge_base)
        args.new = args.old or DEFAULT_PATH
        if base is None:
            print(f"no merge base with {args.merge_base} here: nothing to compare", file=sys.stderr)
            return 0
        args.old = f"git:{base[:12]}"
    elif args.old is None or args.new is None:
        raise UsageError("diff needs OLD and NEW (or --merge-base REF [NEW])")
    result = diff_contracts(read_contract(args.old), read_contract(args.new))
    output = render(result, args.format, old=args.old, new=args.new)
    if output:
        print(output)
    if args.format == "text":
        print(summary_line(result, args.old, args.new), file=sys.stderr)
    return 1 if result.breaking else 0


def main(
    argv: Sequence[str] | None = None,
    extra_commands: Sequence[ExtraCommands] = (),
    reported_errors: tuple[type[Exception], ...] = (),
) -> int:
    """Run one command; HarnessError (and each of ``reported_errors``, the error trees of the
    packages the layer above adds commands from) becomes a one-paragraph message and exit 2."""
    parser = build_parser(extra_commands)
    args = parser.parse_args(argv)
    reported: tuple[type[Exception], ...] = (HarnessError, *reported_errors)
    try:
        return int(args.func(args))
    except reported as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (``... | head``): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
