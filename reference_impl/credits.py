"""BOS's credit check: what a pipeline costs, and the Entitlements Service's answer.

The real BOS asks Entitlements (``checkCreditsBulk``) before it starts a pipeline that costs
credits: ``cj_comparison`` = n(n-1)/2 for cj_assessment, ``ai_feedback_generation`` = n for
ai_feedback; spellcheck and nlp are free (huleedu-contracts.md, BOS step 4). A denial becomes
PipelineDeniedV1 with the real ``insufficient_credits`` or ``rate_limit_exceeded``::

    checker = HttpCreditChecker(contract, "http://127.0.0.1:8083")
    answer = checker.check(CreditRequest("teacher-1", None, {"cj_comparison": 66}, cid))
    answer.allowed, answer.denial_reason          # False, 'insufficient_credits'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from harness.contract import Contract
from harness.errors import ClientError, ContractViolation
from harness.exchanges import ExchangeLog
from harness.http_client import ContractClient


def credit_requirements(phases: Sequence[str], essay_count: int) -> dict[str, int]:
    """The credits each metric needs for ``phases`` over ``essay_count`` essays (empty: free)."""
    needed: dict[str, int] = {}
    if "cj_assessment" in phases and essay_count > 1:
        needed["cj_comparison"] = essay_count * (essay_count - 1) // 2
    if "ai_feedback" in phases:
        needed["ai_feedback_generation"] = essay_count
    return needed


@dataclass(frozen=True)
class CreditRequest:
    """Who asks, for what (metric -> units), under which correlation id."""

    user_id: str
    org_id: str | None
    requirements: Mapping[str, int]
    correlation_id: str


@dataclass(frozen=True)
class CreditAnswer:
    """Allowed or not; the credits needed and available; the real denial reason."""

    allowed: bool
    required_credits: int
    available_credits: int
    denial_reason: str | None = None
    detail: str = field(default="")


class CreditChecker(Protocol):
    """What BOS needs from Entitlements."""

    def check(self, request: CreditRequest) -> CreditAnswer:
        """Never raises for a denial or an unreachable service (that is a denial too)."""
        ...


class UnlimitedCredits:
    """No Entitlements configured: every pipeline is allowed."""

    def check(self, request: CreditRequest) -> CreditAnswer:
        required = sum(request.requirements.values())
        return CreditAnswer(True, required, required)


class HttpCreditChecker:
    """Calls the Entitlements Service's ``checkCreditsBulk`` through the contract."""

    def __init__(
        self,
        contract: Contract,
        base_url: str,
        *,
        timeout_s: float = 5.0,
        exchanges: ExchangeLog | None = None,
    ) -> None:
        self.base_url = base_url
        self._client = ContractClient(
            contract, base_url, caller="bos", timeout_s=timeout_s, exchanges=exchanges
        )

    def check(self, request: CreditRequest) -> CreditAnswer:
        body = {
            "user_id": request.user_id,
            "org_id": request.org_id,
            "requirements": dict(request.requirements),
            "correlation_id": request.correlation_id,
        }
        required = sum(request.requirements.values())
        try:
            answer = self._client.call(
                "checkCreditsBulk", json_body=body, correlation_id=request.correlation_id
            )
        except (ClientError, ContractViolation) as error:
            return CreditAnswer(False, required, 0, "entitlements_unavailable", str(error))
        reply = answer.json if isinstance(answer.json, dict) else {}
        if answer.status in (200, 402, 429) and "allowed" in reply:
            return CreditAnswer(
                bool(reply["allowed"]),
                int(reply.get("required_credits", required)),
                int(reply.get("available_credits", 0)),
                reply.get("denial_reason"),
                f"Entitlements answered {answer.status}",
            )
        detail = f"Entitlements answered {answer.status}: {answer.text[:200]}"
        return CreditAnswer(False, required, 0, "entitlements_unavailable", detail)
