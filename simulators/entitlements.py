"""EntitlementsSimulator: the credit check BOS makes before a pipeline that costs credits.

``POST /v1/entitlements/check-credits/bulk`` takes the credits a request needs per metric
(``cj_comparison``: n(n-1)/2 for cj_assessment, ``ai_feedback_generation``: n) and answers as the
real Entitlements Service: 200 when the user has enough, 402 when not (``insufficient_credits``),
429 when rate-limited. The knobs say how many credits every user has::

    entitlements = EntitlementsSimulator(contract, bus, EntitlementsBehaviour(credits=10))
    entitlements.start()
    entitlements.http_url          # ENTITLEMENTS_BASE_URL for a real BOS
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from harness.http_app import HttpProblem, HttpReply, HttpRequest, RequestHandler
from harness.service import EnvelopeHandler
from simulators.base import Behaviour, Simulator

SOURCE = "user"
"""Where the real service says the credits came from (user or org balance)."""


@dataclass(frozen=True)
class EntitlementsBehaviour(Behaviour):
    """The common knobs, plus the credit balance and a rate limit.

    ``service_failure``: every check answers 500.
    """

    credits: int | None = None
    """Every user's balance; None: unlimited (every check is allowed)."""
    rate_limited: bool = False
    """Every check is denied with 429 ``rate_limit_exceeded``."""


class EntitlementsSimulator(Simulator):
    """Answers credit checks from a fixed balance (no Kafka in this flow)."""

    service_id = "entitlements"
    consumes = ()
    produces = ()
    serves = ("checkCreditsBulk",)
    behaviour_type = EntitlementsBehaviour
    behaviour: EntitlementsBehaviour

    def routes(self) -> Mapping[str, EnvelopeHandler]:
        return {}

    def http_handlers(self) -> Mapping[str, RequestHandler]:
        return {"checkCreditsBulk": self.on_credit_check}

    def on_credit_check(self, request: HttpRequest) -> HttpReply:
        if self.behaviour.service_failure:
            raise HttpProblem(500, "SERVICE_UNAVAILABLE", "the credit store is unavailable")
        self.pause()
        body = request.body
        needed = {str(k): int(v) for k, v in body["requirements"].items()}
        return credit_answer(
            needed,
            self.behaviour.credits,
            rate_limited=self.behaviour.rate_limited,
            correlation_id=body.get("correlation_id")
            or request.correlation_id
            or str(uuid.uuid4()),
        )


def credit_answer(
    needed: Mapping[str, int],
    balance: int | None,
    *,
    rate_limited: bool,
    correlation_id: str,
) -> HttpReply:
    """The real BulkCreditCheckResponseV1 for ``needed`` against ``balance`` (None: unlimited)."""
    required = sum(needed.values())
    available = required if balance is None else balance
    allowed = not rate_limited and available >= required
    reason = "rate_limit_exceeded" if rate_limited else None if allowed else "insufficient_credits"
    body: dict[str, Any] = {
        "allowed": allowed,
        "required_credits": required,
        "available_credits": available,
        "per_metric": {
            metric: {
                "required": amount,
                "available": available,
                "allowed": allowed,
                "source": SOURCE,
                "reason": reason,
            }
            for metric, amount in needed.items()
        },
        "denial_reason": reason,
        "correlation_id": correlation_id,
    }
    status = 200 if allowed else 429 if rate_limited else 402
    return HttpReply(status, body)
