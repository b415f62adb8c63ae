"""LanguageToolSimulator: a minimal grammar checker in the real Language Tool Service's shape.

``POST /v1/check`` with ``{text, language}`` answers ``GrammarCheckResponse``: each match a
GrammarError (rule id, message, offset, length, replacements, category, context), plus counts by
category and rule. Three simple, real rules stand in for LanguageTool's thousands: a word written
twice in a row, a sentence that starts in lower case, and repeated spaces::

    checker = LanguageToolSimulator(contract, bus)
    checker.start()
    checker.http_url          # LANGUAGE_TOOL_SERVICE_URL for a real NLP service
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from harness.http_app import HttpProblem, HttpReply, HttpRequest, RequestHandler
from harness.service import EnvelopeHandler
from simulators.base import Behaviour, Simulator

CONTEXT = 40
"""Characters of context on each side of a match, as LanguageTool shows them."""


@dataclass(frozen=True)
class Rule:
    """One grammar rule: a pattern, what it says, and how to fix a match."""

    rule_id: str
    category_id: str
    category_name: str
    pattern: re.Pattern[str]
    message: str
    severity: str = "warning"

    def fix(self, match: re.Match[str]) -> list[str]:
        if self.rule_id == "ENGLISH_WORD_REPEAT_RULE":
            return [match["word"]]
        if self.rule_id == "UPPERCASE_SENTENCE_START":
            return [match[0].capitalize()]
        return [" "]


RULES = (
    Rule(
        "ENGLISH_WORD_REPEAT_RULE",
        "MISC",
        "Miscellaneous",
        re.compile(r"\b(?P<word>\w+) (?P=word)\b", re.IGNORECASE),
        "Possible typo: you repeated a word.",
    ),
    Rule(
        "UPPERCASE_SENTENCE_START",
        "CASING",
        "Capitalization",
        re.compile(r"(?:^|(?<=[.!?]\s))[a-zåäö]\w*"),
        "This sentence does not start with an uppercase letter.",
    ),
    Rule(
        "WHITESPACE_RULE",
        "TYPOGRAPHY",
        "Typography",
        re.compile(r"(?<=\S)  +(?=\S)"),
        "Possible typo: you repeated a whitespace.",
        severity="info",
    ),
)


@dataclass(frozen=True)
class LanguageToolBehaviour(Behaviour):
    """The common knobs (``service_failure``: every check answers 500)."""


class LanguageToolSimulator(Simulator):
    """Checks texts for a few real grammar rules (no Kafka in this flow)."""

    service_id = "language_tool"
    consumes = ()
    produces = ()
    serves = ("checkLanguage",)
    behaviour_type = LanguageToolBehaviour

    def routes(self) -> Mapping[str, EnvelopeHandler]:
        return {}

    def http_handlers(self) -> Mapping[str, RequestHandler]:
        return {"checkLanguage": self.on_check}

    def on_check(self, request: HttpRequest) -> HttpReply:
        if self.behaviour.service_failure:
            raise HttpProblem(500, "SERVICE_UNAVAILABLE", "the grammar checker is unavailable")
        started = time.monotonic()
        self.pause()
        text, language = request.body["text"], request.body.get("language") or "en-US"
        errors = list(grammar_errors(text))
        return HttpReply(
            200,
            {
                "errors": errors,
                "total_grammar_errors": len(errors),
                "grammar_category_counts": dict(Counter(e["category_id"] for e in errors)),
                "grammar_rule_counts": dict(Counter(e["rule_id"] for e in errors)),
                "language": language,
                "processing_time_ms": int((time.monotonic() - started) * 1000),
            },
        )


def grammar_errors(text: str) -> Iterator[dict[str, Any]]:
    """Every match of every rule, in the order of the text."""
    found = [(m.start(), rule, m) for rule in RULES for m in rule.pattern.finditer(text)]
    for offset, rule, match in sorted(found, key=lambda f: f[0]):
        start = max(0, offset - CONTEXT)
        yield {
            "rule_id": rule.rule_id,
            "message": rule.message,
            "short_message": rule.category_name,
            "offset": offset,
            "length": match.end() - offset,
            "replacements": rule.fix(match)[:5],
            "category": rule.category_name,
            "severity": rule.severity,
            "category_id": rule.category_id,
            "category_name": rule.category_name,
            "context": text[start : match.end() + CONTEXT],
            "context_offset": offset - start,
        }
