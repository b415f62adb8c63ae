"""The addresses of a running system, and the environment a real service reads to join it.

``up`` prints, for each service left out, a ready-to-paste block in that service's own variable
names (the real services are pydantic-settings classes with a per-service prefix:
../shared/reference/real-services.md), and writes every address once to ``--env-file``::

    addresses = SystemAddresses.of(system, bootstrap="127.0.0.1:9092", topic_prefix="")
    print(real_service_environment("spellchecker", addresses))
    # SPELLCHECKER_SERVICE_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092
    # SPELLCHECKER_SERVICE_CONTENT_SERVICE_URL=http://127.0.0.1:43127/v1/content
    addresses.write_env_file(Path("harness.env"))
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kafka_broker.security import SaslCredentials, login_env_lines
from pipeline_system.system import RunningSystem

ENV_KEYS: Mapping[str, str] = {
    "KAFKA_BOOTSTRAP_SERVERS": "the Kafka cluster (host:port)",
    "TOPIC_PREFIX": "prepended to every topic name (empty: the real names)",
    "BOS_URL": "BOS (registration, pipeline state)",
    "BCS_URL": "BCS (pipeline definition)",
    "CONTENT_SERVICE_URL": "the Content Service, with its /v1/content path",
    "LLM_PROVIDER_URL": "the LLM provider's queue API, with its /api/v1 path",
    "CMS_URL": "Class Management (the class roster)",
    "ENTITLEMENTS_URL": "Entitlements (the credit check)",
    "LANGUAGE_TOOL_URL": "LanguageTool (the grammar check)",
    "SIMULATED_SERVICES": "the services up runs (judged strict; the others are real ones)",
}
"""The keys ``up --env-file`` writes, and what each address is (README: "Put your real service
in the loop")."""


@dataclass(frozen=True)
class SystemAddresses:
    """Every address of one running system (None where the service is left out)."""

    values: Mapping[str, str | None]

    @classmethod
    def of(cls, system: RunningSystem, *, bootstrap: str, topic_prefix: str) -> SystemAddresses:
        urls = system.service_urls

        def served(service_id: str, path: str = "") -> str | None:
            url = urls.get(service_id)
            return url + path if url else None

        return cls(
            {
                "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
                "TOPIC_PREFIX": topic_prefix,
                "BOS_URL": served("bos"),
                "BCS_URL": served("bcs"),
                "CONTENT_SERVICE_URL": served("content_service", "/v1/content"),
                "LLM_PROVIDER_URL": served("llm_provider", "/api/v1"),
                "CMS_URL": served("cms"),
                "ENTITLEMENTS_URL": served("entitlements"),
                "LANGUAGE_TOOL_URL": served("language_tool"),
                "SIMULATED_SERVICES": ",".join(system.services),
            }
        )

    def get(self, key: str) -> str:
        """The address, or a placeholder that says it is yours to fill in."""
        value = self.values.get(key)
        return value if value is not None else f"<your {key.removesuffix('_URL').lower()}>"

    def env_lines(self) -> list[str]:
        """Shell ``KEY=VALUE`` lines (values quoted where needed), one per known key."""
        return [f"{key}={shlex.quote(self.values.get(key) or '')}" for key in ENV_KEYS]

    def write_env_file(self, path: Path) -> None:
        lines = [
            f"# written by pipeline-harness up; {key}: {what}" for key, what in ENV_KEYS.items()
        ]
        path.write_text("\n".join([*lines, *self.env_lines()]) + "\n", encoding="utf-8")


_REAL_ENV: Mapping[str, tuple[str, Mapping[str, tuple[str, str]]]] = {
    # service id: (env prefix, {variable: (address key, path to append)})
    "spellchecker": ("SPELLCHECKER_SERVICE_", {"CONTENT_SERVICE_URL": ("CONTENT_SERVICE_URL", "")}),
    "els": (
        "ESSAY_LIFECYCLE_SERVICE_",
        {
            "CONTENT_SERVICE_URL": ("CONTENT_SERVICE_URL", ""),
            "BATCH_ORCHESTRATOR_SERVICE_URL": ("BOS_URL", "/v1"),
        },
    ),
    "nlp": (
        "NLP_SERVICE_",
        {
            "CONTENT_SERVICE_URL": ("CONTENT_SERVICE_URL", ""),
            "CLASS_MANAGEMENT_SERVICE_URL": ("CMS_URL", ""),
            "LANGUAGE_TOOL_SERVICE_URL": ("LANGUAGE_TOOL_URL", ""),
        },
    ),
    "cj_assessment": (
        "CJ_ASSESSMENT_SERVICE_",
        {
            "CONTENT_SERVICE_URL": ("CONTENT_SERVICE_URL", ""),
            "LLM_PROVIDER_SERVICE_URL": ("LLM_PROVIDER_URL", ""),
        },
    ),
    "bos": (
        "BATCH_ORCHESTRATOR_SERVICE_",
        {
            "BCS_BASE_URL": ("BCS_URL", ""),
            "ENTITLEMENTS_BASE_URL": ("ENTITLEMENTS_URL", ""),
            "CONTENT_SERVICE_URL": ("CONTENT_SERVICE_URL", ""),
        },
    ),
    "bcs": ("BCS_", {}),
    "file_service": (
        "FILE_SERVICE_",
        {"CONTENT_SERVICE_URL": ("CONTENT_SERVICE_URL", ""), "BOS_URL": ("BOS_URL", "")},
    ),
    "result_aggregator": ("", {"BOS_URL": ("BOS_URL", "")}),
    "llm_provider": ("LLM_PROVIDER_SERVICE_", {}),
    "cms": ("CLASS_MANAGEMENT_SERVICE_", {}),
    "entitlements": ("ENTITLEMENTS_SERVICE_", {}),
    "language_tool": ("LANGUAGE_TOOL_SERVICE_", {}),
}


def real_service_environment(
    service_id: str, addresses: SystemAddresses, *, login: SaslCredentials | None = None
) -> str:
    """The block of ``export`` lines the real ``service_id`` needs to join this system (and,
    on a secured cluster, the login it must give its Kafka client)."""
    prefix, urls = _REAL_ENV.get(service_id, ("", {}))
    lines = [
        f"export {prefix}KAFKA_BOOTSTRAP_SERVERS={addresses.get('KAFKA_BOOTSTRAP_SERVERS')}",
        f"export {prefix}ENVIRONMENT=development",
    ]
    for variable, (key, path) in urls.items():
        lines.append(f"export {prefix}{variable}={shlex.quote(addresses.get(key) + path)}")
    if addresses.values.get("TOPIC_PREFIX"):
        lines.append(
            f"# topics carry the prefix {addresses.values['TOPIC_PREFIX']!r}: a real service "
            "uses the real names, so run up without --topic-prefix"
        )
    if login is not None:
        lines.append(
            f"# secured: the broker lets {login.principal} write only what the contract says it "
            "sends; give its Kafka client security.protocol=SASL_PLAINTEXT and this login"
        )
        lines.extend(f"export {line}" for line in login_env_lines(login))
    return "\n".join(lines)
