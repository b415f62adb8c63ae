# Generated from the contract by `python -m harness.models.generate`: do not edit.
"""Which generated class models which message and which HTTP body."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel

from harness.models import _asyncapi, _openapi

MESSAGES: Mapping[str, tuple[type[BaseModel], type[BaseModel]]] = {
    "ClientBatchPipelineRequestV1": (
        _asyncapi.ClientBatchPipelineRequestV1Payload,
        _asyncapi.ClientBatchPipelineRequestV1,
    ),
    "BatchEssaysRegistered": (
        _asyncapi.BatchEssaysRegisteredPayload,
        _asyncapi.BatchEssaysRegistered,
    ),
    "EssayContentProvisionedV1": (
        _asyncapi.EssayContentProvisionedV1Payload,
        _asyncapi.EssayContentProvisionedV1,
    ),
    "EssayValidationFailedV1": (
        _asyncapi.EssayValidationFailedV1Payload,
        _asyncapi.EssayValidationFailedV1,
    ),
    "EssaySlotAssignedV1": (_asyncapi.EssaySlotAssignedV1Payload, _asyncapi.EssaySlotAssignedV1),
    "BatchContentProvisioningCompletedV1": (
        _asyncapi.BatchContentProvisioningCompletedV1Payload,
        _asyncapi.BatchContentProvisioningCompletedV1,
    ),
    "BatchServiceStudentMatchingInitiateCommandDataV1": (
        _asyncapi.BatchServiceStudentMatchingInitiateCommandDataV1Payload,
        _asyncapi.BatchServiceStudentMatchingInitiateCommandDataV1,
    ),
    "BatchStudentMatchingRequestedV1": (
        _asyncapi.BatchStudentMatchingRequestedV1Payload,
        _asyncapi.BatchStudentMatchingRequestedV1,
    ),
    "BatchAuthorMatchesSuggestedV1": (
        _asyncapi.BatchAuthorMatchesSuggestedV1Payload,
        _asyncapi.BatchAuthorMatchesSuggestedV1,
    ),
    "StudentAssociationsConfirmedV1": (
        _asyncapi.StudentAssociationsConfirmedV1Payload,
        _asyncapi.StudentAssociationsConfirmedV1,
    ),
    "BatchEssaysReady": (_asyncapi.BatchEssaysReadyPayload, _asyncapi.BatchEssaysReady),
    "PipelineDeniedV1": (_asyncapi.PipelineDeniedV1Payload, _asyncapi.PipelineDeniedV1),
    "PhaseSkippedV1": (_asyncapi.PhaseSkippedV1Payload, _asyncapi.PhaseSkippedV1),
    "BatchServiceSpellcheckInitiateCommandDataV1": (
        _asyncapi.BatchServiceSpellcheckInitiateCommandDataV1Payload,
        _asyncapi.BatchServiceSpellcheckInitiateCommandDataV1,
    ),
    "EssayLifecycleSpellcheckRequestV1": (
        _asyncapi.EssayLifecycleSpellcheckRequestV1Payload,
        _asyncapi.EssayLifecycleSpellcheckRequestV1,
    ),
    "SpellcheckPhaseCompletedV1": (
        _asyncapi.SpellcheckPhaseCompletedV1Payload,
        _asyncapi.SpellcheckPhaseCompletedV1,
    ),
    "SpellcheckResultV1": (_asyncapi.SpellcheckResultV1Payload, _asyncapi.SpellcheckResultV1),
    "ELSBatchPhaseOutcomeV1": (
        _asyncapi.ELSBatchPhaseOutcomeV1Payload,
        _asyncapi.ELSBatchPhaseOutcomeV1,
    ),
    "BatchServiceCJAssessmentInitiateCommandDataV1": (
        _asyncapi.BatchServiceCJAssessmentInitiateCommandDataV1Payload,
        _asyncapi.BatchServiceCJAssessmentInitiateCommandDataV1,
    ),
    "ELS_CJAssessmentRequestV1": (
        _asyncapi.ELSCJAssessmentRequestV1Payload,
        _asyncapi.ELSCJAssessmentRequestV1,
    ),
    "LLMComparisonRequestV1": (
        _asyncapi.LLMComparisonRequestV1Payload,
        _asyncapi.LLMComparisonRequestV1,
    ),
    "LLMComparisonResultV1": (
        _asyncapi.LLMComparisonResultV1Payload,
        _asyncapi.LLMComparisonResultV1,
    ),
    "CJAssessmentCompletedV1": (
        _asyncapi.CJAssessmentCompletedV1Payload,
        _asyncapi.CJAssessmentCompletedV1,
    ),
    "CJAssessmentFailedV1": (_asyncapi.CJAssessmentFailedV1Payload, _asyncapi.CJAssessmentFailedV1),
    "AssessmentResultV1": (_asyncapi.AssessmentResultV1Payload, _asyncapi.AssessmentResultV1),
    "BatchPipelineCompletedV1": (
        _asyncapi.BatchPipelineCompletedV1Payload,
        _asyncapi.BatchPipelineCompletedV1,
    ),
    "BatchServiceNLPInitiateCommandDataV2": (
        _asyncapi.BatchServiceNLPInitiateCommandDataV2Payload,
        _asyncapi.BatchServiceNLPInitiateCommandDataV2,
    ),
    "BatchNlpProcessingRequestedV2": (
        _asyncapi.BatchNlpProcessingRequestedV2Payload,
        _asyncapi.BatchNlpProcessingRequestedV2,
    ),
    "BatchNlpAnalysisCompletedV1": (
        _asyncapi.BatchNlpAnalysisCompletedV1Payload,
        _asyncapi.BatchNlpAnalysisCompletedV1,
    ),
    "TeacherNotificationRequestedV1": (
        _asyncapi.TeacherNotificationRequestedV1Payload,
        _asyncapi.TeacherNotificationRequestedV1,
    ),
    "ResourceConsumptionV1": (
        _asyncapi.ResourceConsumptionV1Payload,
        _asyncapi.ResourceConsumptionV1,
    ),
    "ExcessContentProvisionedV1": (
        _asyncapi.ExcessContentProvisionedV1Payload,
        _asyncapi.ExcessContentProvisionedV1,
    ),
    "BatchValidationErrorsV1": (
        _asyncapi.BatchValidationErrorsV1Payload,
        _asyncapi.BatchValidationErrorsV1,
    ),
    "EssayNlpCompletedV1": (_asyncapi.EssayNlpCompletedV1Payload, _asyncapi.EssayNlpCompletedV1),
    "BatchResultsReadyV1": (_asyncapi.BatchResultsReadyV1Payload, _asyncapi.BatchResultsReadyV1),
    "BatchAssessmentCompletedV1": (
        _asyncapi.BatchAssessmentCompletedV1Payload,
        _asyncapi.BatchAssessmentCompletedV1,
    ),
    "BatchFileAddedV1": (_asyncapi.BatchFileAddedV1Payload, _asyncapi.BatchFileAddedV1),
    "LLMRequestStartedV1": (_asyncapi.LLMRequestStartedV1Payload, _asyncapi.LLMRequestStartedV1),
    "LLMRequestCompletedV1": (
        _asyncapi.LLMRequestCompletedV1Payload,
        _asyncapi.LLMRequestCompletedV1,
    ),
    "LLMProviderFailureV1": (_asyncapi.LLMProviderFailureV1Payload, _asyncapi.LLMProviderFailureV1),
    "CreditBalanceChangedV1": (
        _asyncapi.CreditBalanceChangedV1Payload,
        _asyncapi.CreditBalanceChangedV1,
    ),
    "UsageRecordedV1": (_asyncapi.UsageRecordedV1Payload, _asyncapi.UsageRecordedV1),
    "RateLimitExceededV1": (_asyncapi.RateLimitExceededV1Payload, _asyncapi.RateLimitExceededV1),
}
"""Message name -> the model of its whole envelope, and of its data."""

REQUEST_BODIES: Mapping[str, type[BaseModel] | None] = {
    "registerBatch": _openapi.BatchRegistrationRequestV1,
    "getBatchStatus": None,
    "getPipelineState": None,
    "preflightPipeline": _openapi.PreflightRequest,
    "definePipeline": _openapi.BCSPipelineDefinitionRequestV1,
    "completePhase": _openapi.PhaseCompletionRequest,
    "getConductorBatch": None,
    "storeContent": None,
    "fetchContent": None,
    "requestComparison": _openapi.LLMComparisonRequest,
    "getClassRoster": None,
    "checkLanguage": _openapi.GrammarCheckRequest,
    "checkCreditsBulk": _openapi.BulkCreditCheckRequestV1,
}
"""operationId -> the model of its JSON request body (None: no JSON body)."""

RESPONSE_BODIES: Mapping[tuple[str, int], tuple[type[BaseModel], ...]] = {
    ("registerBatch", 202): (_openapi.BatchRegisteredResponse,),
    ("registerBatch", 400): (_openapi.MessageErrorResponse, _openapi.ErrorResponse),
    ("registerBatch", 500): (_openapi.MessageErrorResponse, _openapi.ErrorResponse),
    ("getBatchStatus", 200): (_openapi.BatchStatusView,),
    ("getBatchStatus", 404): (_openapi.ErrorResponse,),
    ("getBatchStatus", 500): (_openapi.ErrorResponse,),
    ("getPipelineState", 200): (_openapi.PipelineStateResponse,),
    ("getPipelineState", 404): (_openapi.MessageErrorResponse, _openapi.ErrorResponse),
    ("getPipelineState", 500): (_openapi.MessageErrorResponse, _openapi.ErrorResponse),
    ("preflightPipeline", 200): (_openapi.PreflightResponse,),
    ("preflightPipeline", 400): (_openapi.MessageErrorResponse, _openapi.ErrorResponse),
    ("preflightPipeline", 402): (_openapi.PreflightResponse,),
    ("preflightPipeline", 404): (_openapi.MessageErrorResponse, _openapi.ErrorResponse),
    ("preflightPipeline", 429): (_openapi.PreflightResponse,),
    ("preflightPipeline", 500): (_openapi.MessageErrorResponse, _openapi.ErrorResponse),
    ("definePipeline", 200): (_openapi.BCSPipelineDefinitionResponseV1,),
    ("definePipeline", 400): (
        _openapi.BCSPipelineResolutionFailedResponse,
        _openapi.ValidationDetailResponse,
        _openapi.ErrorResponse,
    ),
    ("definePipeline", 500): (_openapi.MessageErrorResponse, _openapi.ErrorResponse),
    ("completePhase", 200): (_openapi.PhaseCompletionResponse,),
    ("completePhase", 400): (_openapi.MessageErrorResponse, _openapi.ErrorResponse),
    ("completePhase", 500): (_openapi.MessageErrorResponse, _openapi.ErrorResponse),
    ("getConductorBatch", 200): (_openapi.ConductorBatchView,),
    ("getConductorBatch", 404): (_openapi.ErrorResponse,),
    ("storeContent", 201): (_openapi.ContentStoredResponse,),
    ("storeContent", 400): (_openapi.ErrorResponse,),
    ("storeContent", 500): (_openapi.ContentUnexpectedErrorResponse, _openapi.ErrorResponse),
    ("fetchContent", 400): (_openapi.ErrorResponse,),
    ("fetchContent", 404): (_openapi.ErrorResponse,),
    ("fetchContent", 500): (_openapi.ContentUnexpectedErrorResponse, _openapi.ErrorResponse),
    ("requestComparison", 202): (_openapi.LLMQueuedResponse, _openapi.ServiceErrorResponse),
    ("requestComparison", 400): (_openapi.MessageErrorResponse, _openapi.ErrorResponse),
    ("requestComparison", 500): (
        _openapi.MessageErrorResponse,
        _openapi.ServiceErrorResponse,
        _openapi.ErrorResponse,
    ),
    ("requestComparison", 503): (_openapi.MessageErrorResponse,),
    ("getClassRoster", 200): (_openapi.ClassRosterResponse,),
    ("getClassRoster", 400): (_openapi.MessageErrorResponse, _openapi.ErrorResponse),
    ("getClassRoster", 404): (_openapi.MessageErrorResponse, _openapi.ErrorResponse),
    ("getClassRoster", 500): (_openapi.MessageErrorResponse, _openapi.ErrorResponse),
    ("checkLanguage", 200): (_openapi.GrammarCheckResponse,),
    ("checkLanguage", 400): (_openapi.ServiceErrorResponse, _openapi.ErrorResponse),
    ("checkLanguage", 500): (_openapi.ServiceErrorResponse, _openapi.ErrorResponse),
    ("checkCreditsBulk", 200): (_openapi.BulkCreditCheckResponseV1,),
    ("checkCreditsBulk", 400): (
        _openapi.MessageErrorResponse,
        _openapi.ServiceErrorResponse,
        _openapi.ErrorResponse,
    ),
    ("checkCreditsBulk", 402): (_openapi.BulkCreditCheckResponseV1,),
    ("checkCreditsBulk", 429): (_openapi.BulkCreditCheckResponseV1,),
    ("checkCreditsBulk", 500): (
        _openapi.MessageErrorResponse,
        _openapi.ServiceErrorResponse,
        _openapi.ErrorResponse,
    ),
}
"""(operationId, status) -> the models its JSON answer may take (any of them)."""
