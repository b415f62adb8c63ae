"""Reports of what crossed the wire: a Mermaid sequence diagram, a timeline, every payload.

``write_report`` turns the messages an observer recorded into one self-contained HTML page (the
vendored Mermaid script is copied beside it, so it renders with no network)::

    path = write_report(observer.messages(batch_id=b), contract, Path("reports/run.html"),
                        title="GUEST batch, cj_assessment")

``sequence_diagram`` alone gives the Mermaid text (GitHub and most wikis render it too). HTTP
exchanges (``observer.exchanges``) join the flow as dashed arrows, caller to server, named by
method, path and status.
"""

from __future__ import annotations

import html
import json
import shutil
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from harness.contract import Contract
from harness.errors import Violation
from harness.exchanges import HttpExchange
from harness.findings import grouped
from harness.observed import ObservedMessage


@dataclass(frozen=True)
class Arrow:
    """One arrow of the diagram: a run of the same message from one service to its receivers."""

    sender: str
    receivers: tuple[str, ...]
    name: str
    count: int
    invalid: int
    http: bool = False
    """An HTTP exchange (drawn dashed), not a Kafka message."""


def arrows(
    messages: Sequence[ObservedMessage],
    contract: Contract,
    exchanges: Sequence[HttpExchange] = (),
) -> list[Arrow]:
    """The flow as arrows; a message joins an earlier arrow of the same kind (xN) while the
    conversation between the same services goes on (per-essay and per-pair exchanges)."""
    result: list[Arrow] = []
    timeline = sorted(
        [(m.seen_at, _message_arrow(m, contract)) for m in messages]
        + [(e.seen_at, _http_arrow(e, contract)) for e in exchanges],
        key=lambda item: item[0],
    )
    for _, one in timeline:
        index = _same_conversation(result, one.sender, one.receivers, one.name)
        if index is None:
            result.append(one)
        else:
            arrow = result[index]
            result[index] = replace(
                arrow, count=arrow.count + 1, invalid=arrow.invalid + one.invalid
            )
    return result


def _message_arrow(message: ObservedMessage, contract: Contract) -> Arrow:
    by_source = {s.source_service: s.id for s in contract.services.values()}
    sender = by_source.get(message.source_service or "", message.source_service or "?")
    receivers = tuple(s.id for s in contract.receivers(message.channel))
    return Arrow(sender, receivers, message.name, 1, 1 if message.violations else 0)


def _http_arrow(exchange: HttpExchange, contract: Contract) -> Arrow:
    operation = contract.http_operations.get(exchange.operation_id or "")
    what = operation.label if operation else f"{exchange.method} {exchange.path}"
    name = f"{what} {exchange.status}"
    invalid = 1 if exchange.violations else 0
    return Arrow(exchange.caller, (exchange.server,), name, 1, invalid, http=True)


def _same_conversation(
    flow: Sequence[Arrow], sender: str, receivers: tuple[str, ...], name: str
) -> int | None:
    """The index of the arrow this message repeats, looking back only among arrows between
    the services this message connects."""
    parties = {sender, *receivers}
    for index in range(len(flow) - 1, -1, -1):
        arrow = flow[index]
        if arrow.sender not in parties:
            return None
        if (arrow.sender, arrow.receivers, arrow.name) == (sender, receivers, name):
            return index
    return None


def sequence_diagram(
    messages: Sequence[ObservedMessage],
    contract: Contract,
    exchanges: Sequence[HttpExchange] = (),
) -> str:
    """The observed flow as Mermaid ``sequenceDiagram`` text (HTTP arrows dashed)."""
    lines = ["sequenceDiagram"]
    flow = arrows(messages, contract, exchanges)
    for service in _participants(flow):
        title = contract.services[service].title if service in contract.services else service
        lines.append(f"    participant {service} as {title}")
    for arrow in flow:
        times = f" x{arrow.count}" if arrow.count > 1 else ""
        broken = f" ({arrow.invalid} INVALID)" if arrow.invalid else ""
        style = (
            ("--x" if arrow.http else "-x") if arrow.invalid else "-->>" if arrow.http else "->>"
        )
        for receiver in arrow.receivers or (arrow.sender,):
            lines.append(f"    {arrow.sender}{style}{receiver}: {arrow.name}{times}{broken}")
    return "\n".join(lines)


def _participants(flow: Sequence[Arrow]) -> list[str]:
    order: dict[str, None] = {}
    for arrow in flow:
        order.setdefault(arrow.sender)
        for receiver in arrow.receivers:
            order.setdefault(receiver)
    return list(order)


def write_report(
    messages: Sequence[ObservedMessage],
    contract: Contract,
    path: Path,
    *,
    title: str,
    summary: Sequence[str] = (),
    exchanges: Sequence[HttpExchange] = (),
) -> Path:
    """Write the HTML report (and Mermaid's script beside it); return the page's path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    script = resources.files("harness").joinpath("data", "vendor", "mermaid.min.js")
    target = path.parent / "mermaid.min.js"
    if not target.exists():
        with resources.as_file(script) as source:
            shutil.copyfile(source, target)
    path.write_text(_page(messages, contract, title, summary, exchanges), encoding="utf-8")
    return path


def _page(
    messages: Sequence[ObservedMessage],
    contract: Contract,
    title: str,
    summary: Sequence[str],
    exchanges: Sequence[HttpExchange],
) -> str:
    ordered = sorted(messages, key=lambda m: m.seen_at)
    start = min([m.seen_at for m in ordered] + [e.seen_at for e in exchanges], default=0.0)
    rows = "\n".join(_row(m, start) for m in ordered)
    http_rows = "\n".join(_http_row(e, start) for e in sorted(exchanges, key=lambda e: e.seen_at))
    diagram = html.escape(sequence_diagram(ordered, contract, exchanges))
    facts = "".join(f"<li>{html.escape(line)}</li>" for line in summary)
    invalid = sum(1 for m in ordered if any(v.breaking for v in m.violations))
    only_rules = sum(1 for m in ordered if m.violations) - invalid
    found = [v for m in ordered for v in m.violations] + [
        v for e in exchanges for v in e.violations
    ]
    return _TEMPLATE.format(
        title=html.escape(title),
        facts=facts,
        count=len(ordered),
        invalid=invalid,
        only_rules=only_rules,
        findings=_findings(found),
        http_count=len(exchanges),
        http_invalid=sum(1 for e in exchanges if any(v.breaking for v in e.violations)),
        diagram=diagram,
        rows=rows,
        http_rows=http_rows,
    )


def _findings(violations: Sequence[Violation]) -> str:
    """The findings grouped by level and rule (breaking first), each with its count."""
    if not violations:
        return "<p>None: every message and exchange kept the contract.</p>"
    parts = []
    for heading, members in grouped(violations):
        css = "bad" if members[0].breaking else "rule"
        items = "".join(
            f"<li>{html.escape(str(v))}{f' (x{n})' if n > 1 else ''}</li>"
            for v, n in Counter(members).items()
        )
        parts.append(f"<h3 class={css}>{html.escape(heading)}</h3><ul>{items}</ul>")
    return "\n".join(parts)


def _status(violations: Sequence[Violation]) -> tuple[str, str]:
    """(css class, word) of a row: breaking, only rules, or valid."""
    if any(v.breaking for v in violations):
        return "invalid", "breaking"
    return ("rules", "rules only") if violations else ("valid", "valid")


def _problems(violations: Sequence[Violation]) -> str:
    return "".join(
        f"<div class={'bad' if v.breaking else 'rule'}>{html.escape(str(v))}</div>"
        for v in violations
    )


def _http_row(exchange: HttpExchange, start: float) -> str:
    problems = _problems(exchange.violations)
    css, status = _status(exchange.violations)
    return (
        f"<tr class={css}><td>{(exchange.seen_at - start) * 1000:.1f}</td>"
        f"<td>{html.escape(exchange.caller)} &rarr; {html.escape(exchange.server)}</td>"
        f"<td>{html.escape(exchange.method)} <code>{html.escape(exchange.path)}</code></td>"
        f"<td>{exchange.status}</td>"
        f"<td><code>{html.escape(str(exchange.correlation_id))}</code></td>"
        f"<td>{status}{problems}</td></tr>"
    )


def _row(message: ObservedMessage, start: float) -> str:
    payload = html.escape(json.dumps(message.document, indent=2) if message.document else "—")
    problems = _problems(message.violations)
    css, status = _status(message.violations)
    return (
        f"<tr class={css}><td>{(message.seen_at - start) * 1000:.1f}</td>"
        f"<td>{html.escape(message.name)}</td><td>{html.escape(message.source_service or '?')}"
        f"</td><td>{html.escape(str(message.key))}</td>"
        f"<td><code>{html.escape(str(message.correlation_id))}</code></td>"
        f"<td>{status}{problems}<details><summary>payload</summary><pre>{payload}</pre>"
        "</details></td></tr>"
    )


_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; width: 100%; font-size: 0.9em; }}
td, th {{ border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }}
tr.invalid {{ background: #fee; }} .bad {{ color: #a00; }}
tr.rules {{ background: #fff8e0; }} .rule {{ color: #8a5a00; }}
pre {{ background: #f6f6f6; padding: 8px; max-width: 80em; overflow: auto; }}
pre.mermaid {{ background: none; max-width: none; }}
</style></head><body>
<h1>{title}</h1>
<ul>{facts}<li>{count} messages observed on the wire, {invalid} breaking the contract, \
{only_rules} breaking only named rules</li>
<li>{http_count} HTTP exchanges, {http_invalid} breaking the contract</li></ul>
<h2>Findings, by level and rule</h2>
{findings}
<h2>Sequence</h2>
<pre class="mermaid">
{diagram}
</pre>
<h2>Timeline</h2>
<table><tr><th>ms</th><th>message</th><th>source_service</th><th>key</th>
<th>correlation_id</th><th>contract</th></tr>
{rows}
</table>
<h2>HTTP exchanges</h2>
<table><tr><th>ms</th><th>caller &rarr; server</th><th>request</th><th>status</th>
<th>correlation_id</th><th>contract</th></tr>
{http_rows}
</table>
<script src="mermaid.min.js"></script>
<script>mermaid.initialize({{ startOnLoad: true, sequence: {{ useMaxWidth: false }} }});</script>
</body></html>
"""
