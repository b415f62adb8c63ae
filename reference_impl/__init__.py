"""The reference Batch Orchestrator (BOS) and Batch Conductor (BCS), speaking only the contract.

Pipeline completion done right (issue 4): exactly one BatchPipelineCompletedV1 per run, the
batch ready again afterwards, BCS told over the bus, every refused request answered with a
PipelineDeniedV1, phase timeouts, and a transactional outbox on SQLite::

    bcs = BatchConductorService(contract, bus, ConductorConfig())
    bos = BatchOrchestratorService(contract, bus, OrchestratorConfig(bcs_url=bcs.base_url))
    bcs.start(); bos.start()
"""

from __future__ import annotations

from reference_impl.batch_state import BatchState
from reference_impl.conductor import BatchConductorService, ConductorConfig
from reference_impl.orchestrator import (
    BatchOrchestratorService,
    BatchRepository,
    OrchestratorConfig,
)
from reference_impl.resolution import (
    HttpPipelineResolver,
    PipelineDefinition,
    PipelineDefinitionRequest,
    PipelineResolver,
    ResolutionFailure,
)
from reference_impl.storage import SqliteRepository

__all__ = [
    "BatchConductorService",
    "BatchOrchestratorService",
    "BatchRepository",
    "BatchState",
    "ConductorConfig",
    "HttpPipelineResolver",
    "OrchestratorConfig",
    "PipelineDefinition",
    "PipelineDefinitionRequest",
    "PipelineResolver",
    "ResolutionFailure",
    "SqliteRepository",
]
