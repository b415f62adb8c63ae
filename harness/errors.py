"""One exception tree for everything the harness can refuse or fail at.

Every error carries the context a person needs to act (which channel, which message, which
field, what was expected, what was seen, a hint), as fields and in its one-paragraph message::

    HarnessError
    ├── ContractError                 the contract document or a name in it
    │   ├── ContractLoadError             unreadable, not YAML, not the expected layout
    │   ├── UnknownChannelError           contract.channel("...") with a name it does not have
    │   ├── UnknownMessageError
    │   ├── UnknownServiceError
    │   ├── UnknownOperationError
    │   ├── UnknownHttpOperationError     an HTTP method + path or operationId it lacks
    │   ├── UnknownRuleError              a rule id (x-rules) it does not declare
    │   └── ContractRevisionError         a contract at a git revision (diff's git:REV[:PATH])
    ├── MessageError                  one message on the wire
    │   ├── EnvelopeDecodeError           not JSON, not an object
    │   └── ContractViolation             decoded, but breaks the contract (carries Violations)
    ├── BusError                      publishing or consuming (client-library errors, translated)
    │   └── NotAuthorized                 a secured broker refused a principal (ACLs, a login)
    ├── UsageError                    a command's options do not fit together
    ├── InputError                    a file of records to validate cannot be read
    ├── ClientError                   an HTTP call to a service (BOS, BCS, content) failed
    ├── WaitTimeout                   an expected message did not arrive before the deadline
    └── UnexpectedMessage             a message that must not come came (expect_none)

Client-library exceptions (confluent-kafka) are translated into these in one place only, the
bus family ``harness.kafka``.

Getting a Kafka broker is not the harness's business: the broker package has its own tree,
rooted in ``kafka_broker.errors.BrokerError`` (no Java, no jars, a broker that did not start),
and the composition root (pipeline_system.cli) reports it as it reports these: one paragraph,
exit 2, never a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.rules import Level


class HarnessError(Exception):
    """Root of every error the harness raises on purpose."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.hint = hint
        super().__init__(f"{message} Hint: {hint}" if hint else message)


# --- the contract ---------------------------------------------------------------------------


class ContractError(HarnessError):
    """The contract document, or a name looked up in it, is wrong."""


class ContractLoadError(ContractError):
    """The contract file cannot be read or does not have the expected layout."""

    def __init__(self, path: str, reason: str, *, where: str = "") -> None:
        self.path = path
        self.where = where
        self.reason = reason
        location = f"{path}{' at ' + where if where else ''}"
        super().__init__(f"cannot load contract {location}: {reason}")


class _UnknownName(ContractError):
    kind = "name"

    def __init__(self, name: str, known: Sequence[str]) -> None:
        self.name = name
        self.known = tuple(known)
        close = [k for k in self.known if name.lower() in k.lower() or k.lower() in name.lower()]
        shown = ", ".join(close[:5] or self.known[:8])
        more = "" if close or len(self.known) <= 8 else f" (and {len(self.known) - 8} more)"
        super().__init__(
            f"the contract has no {self.kind} {name!r}.",
            hint=f"known {self.kind}s include: {shown}{more}",
        )


class UnknownChannelError(_UnknownName):
    """A channel id or address the contract does not define."""

    kind = "channel"


class UnknownMessageError(_UnknownName):
    """A message name the contract does not define."""

    kind = "message"


class UnknownServiceError(_UnknownName):
    """A service id the contract does not define."""

    kind = "service"


class UnknownOperationError(_UnknownName):
    """An operation id the contract does not define."""

    kind = "operation"


class UnknownHttpOperationError(_UnknownName):
    """An HTTP method and path (or operationId) the OpenAPI document does not define."""

    kind = "HTTP operation"


class UnknownRuleError(_UnknownName):
    """A rule id the contract's ``x-rules`` does not declare."""

    kind = "rule"


class ContractRevisionError(ContractError):
    """The contract at a git revision (``git:REV[:PATH]``) cannot be read."""

    def __init__(self, source: str, reason: str, *, revision: str, path: str, hint: str = ""):
        self.source = source
        self.revision = revision
        self.path = path
        self.reason = reason
        super().__init__(f"cannot read contract {source}: {reason}", hint=hint or None)


# --- messages -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    """One way a message breaks the contract: where (JSON pointer), why, and how badly.

    ``level`` is ``breaking`` (a real consumer would reject or misroute it) or ``rule`` (it
    breaks the named clean rule ``rule`` of the contract's ``x-rules``; real consumers accept it).
    """

    channel: str
    message: str
    pointer: str
    reason: str
    level: Level = Level.BREAKING
    rule: str | None = None
    sender: str | None = None
    """The service (x-services id) the finding is laid at: the publisher of a message, the
    caller of an HTTP request, the server of an answer (None: not known)."""

    @property
    def breaking(self) -> bool:
        return self.level is Level.BREAKING

    @property
    def label(self) -> str:
        """``breaking`` or ``rule <id>``: the level as a person reads it."""
        return f"rule {self.rule}" if self.rule else self.level.value

    def __str__(self) -> str:
        where = f"{self.channel} ({self.message}) {self.pointer or '/'}: {self.reason}"
        return f"{where} [rule {self.rule}]" if self.rule else where


class MessageError(HarnessError):
    """One message cannot be accepted."""


class EnvelopeDecodeError(MessageError):
    """The bytes on the wire are not a JSON object (so not an EventEnvelope)."""

    def __init__(self, reason: str, *, channel: str = "?") -> None:
        self.channel = channel
        self.reason = reason
        super().__init__(f"message on {channel} is not an EventEnvelope: {reason}")


class ContractViolation(MessageError):
    """A decoded message breaks the contract; ``violations`` says how, field by field."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = tuple(violations)
        first = self.violations[0] if self.violations else None
        self.channel = first.channel if first else "?"
        self.message_name = first.message if first else "?"
        lines = "; ".join(str(v) for v in self.violations[:5])
        more = f" (and {len(self.violations) - 5} more)" if len(self.violations) > 5 else ""
        kind = "contract violation" if self.breaking else "contract rule breach"
        super().__init__(f"{kind}: {lines}{more}")

    @property
    def breaking(self) -> bool:
        """Whether any of the violations would break a real consumer (not only a rule)."""
        return any(v.breaking for v in self.violations) or not self.violations


# --- the bus and waiting --------------------------------------------------------------------


class BusError(HarnessError):
    """Publishing or consuming failed (a client-library error, translated)."""

    def __init__(self, message: str, *, channel: str | None = None, hint: str | None = None):
        self.channel = channel
        super().__init__(message, hint=hint)


class NotAuthorized(BusError):
    """A secured broker refused this principal: a topic it may not write or read, a consumer
    group it may not join (the contract's ACLs, harness.acl), or a login it did not accept."""

    def __init__(
        self,
        principal: str,
        action: str,
        resource: str,
        *,
        code: str,
        channel: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.principal, self.action, self.resource, self.code = principal, action, resource, code
        super().__init__(
            f"the broker refused {principal} to {action} {resource} ({code}).",
            channel=channel,
            hint=hint
            or "with ACLs from the contract a service may write only the channels it sends and "
            "read only those it receives, in its own consumer group (`pipeline-harness acl`)",
        )


class UsageError(HarnessError):
    """A command's options do not fit together (unknown service, bad behaviour file...)."""


class ScenarioError(UsageError):
    """A Gherkin scenario asks what its steps or the system under test cannot give (a step
    that needs a batch before one is registered, a behaviour of a service that is not
    simulated in this process, a phase the contract has no command for...)."""


class InputError(HarnessError):
    """A file of records cannot be read (missing, unreadable, a line that is not JSON)."""


class ClientError(HarnessError):
    """An HTTP call to a service failed or was refused."""

    def __init__(self, method: str, url: str, status: int | None, detail: str) -> None:
        self.method, self.url, self.status, self.detail = method, url, status, detail
        code = f" answered {status}" if status is not None else " failed"
        super().__init__(f"{method} {url}{code}: {detail}")


class WaitTimeout(HarnessError):
    """An awaited message did not arrive in time; shows what was seen instead."""

    def __init__(
        self,
        awaited: str,
        *,
        within_s: float,
        correlation_id: str | None = None,
        seen: Sequence[str] = (),
    ) -> None:
        self.awaited = awaited
        self.within_s = within_s
        self.correlation_id = correlation_id
        self.seen = tuple(seen)
        following = f" (following correlation id {correlation_id})" if correlation_id else ""
        shown = "\n  ".join(self.seen[-10:]) or "(nothing)"
        super().__init__(
            f"timed out after {within_s:.1f} s waiting for {awaited}{following}. "
            f"Last messages seen:\n  {shown}"
        )


class UnexpectedMessage(HarnessError):
    """A message a test said must not come came; shows every copy that did."""

    def __init__(
        self,
        awaited: str,
        *,
        channel: str,
        correlation_id: str | None = None,
        seen: Sequence[str] = (),
    ) -> None:
        self.awaited = awaited
        self.channel = channel
        self.correlation_id = correlation_id
        self.seen = tuple(seen)
        following = f" (following correlation id {correlation_id})" if correlation_id else ""
        shown = "\n  ".join(self.seen[-10:])
        super().__init__(
            f"expected no {awaited} on {channel}{following}, but {len(self.seen)} came:\n  {shown}"
        )
