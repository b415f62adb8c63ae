# Generated from asyncapi.yaml by `python -m harness.models.generate` (datamodel-code-generator 0.89.0): do not edit.
# Pydantic lets a model narrow a field it inherits (EventEnvelope.data to one
# message's model) and validates structured defaults (validate_default=True); mypy
# reads both as incompatible assignments, so that one error code is off here.
# mypy: disable-error-code="assignment"

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    MISSING,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
)


class Metadata(BaseModel):
    """
    Cross-cutting metadata (fact sheet 1.3). Known keys:
    - `traceparent`/`tracestate`: W3C trace context (any producer, when a span is active).
    - `user_id`, `org_id`: identity threading, set by BOS on the spellcheck, CJ and student-matching
      commands; read by the ELS CJ command handler to fill `ELS_CJAssessmentRequestV1.user_id/org_id`.
      API GW sets `org_id` on ClientBatchPipelineRequestV1 when the user has an org.
    - `partition_key`: overrides the outbox Kafka key (spellchecker: essay_id; CMS: batch_id).
    - `batch_id`, `class_id` (CMS), `batch_id`, `completed_phases`, `final_status` (BOS on
      BatchPipelineCompletedV1): informational.
    - `max_comparisons`, `batch_config_overrides`, `llm_batching_mode_hint`: optional CJ tuning on the
      ELS_CJAssessmentRequestV1 envelope (ELS sends `{}`).
    - `retry_count`, `original_timestamp`, `batch_context`: documented, unused here.
    - `refused_essays` (this project's ELS simulator, on ELSBatchPhaseOutcomeV1): essay_id ->
      status of each essay a phase command could not start, when none could (the real ELS
      publishes nothing then and the pipeline hangs).
    """

    model_config = ConfigDict(
        extra='allow',
        validate_by_name=True,
    )
    traceparent: Annotated[
        StrictStr | MISSING, Field(description='W3C traceparent.')
    ] = MISSING
    tracestate: Annotated[StrictStr | MISSING, Field(description='W3C tracestate.')] = (
        MISSING
    )
    user_id: Annotated[
        StrictStr | MISSING, Field(description='Identity threading (BOS commands).')
    ] = MISSING
    org_id: Annotated[
        StrictStr | None,
        Field(description='Identity threading (BOS commands, API GW request).'),
    ] = None
    partition_key: Annotated[
        StrictStr | MISSING,
        Field(description='Overrides the Kafka key in the real outbox.'),
    ] = MISSING
    batch_id: Annotated[
        StrictStr | MISSING, Field(description='Informational (CMS, BOS).')
    ] = MISSING
    class_id: Annotated[
        StrictStr | MISSING, Field(description='Informational (CMS).')
    ] = MISSING
    completed_phases: Annotated[
        list[StrictStr] | MISSING,
        Field(description='Informational (BOS, BatchPipelineCompletedV1).'),
    ] = MISSING
    final_status: Annotated[
        StrictStr | MISSING,
        Field(description='Informational (BOS, BatchPipelineCompletedV1).'),
    ] = MISSING
    max_comparisons: Annotated[
        StrictInt | MISSING,
        Field(description='CJ tuning: maximum comparisons (> 0).', ge=1),
    ] = MISSING
    batch_config_overrides: Annotated[
        dict[str, Any] | MISSING,
        Field(description='CJ tuning: batch config overrides.'),
    ] = MISSING
    llm_batching_mode_hint: Annotated[
        StrictStr | MISSING, Field(description='CJ tuning: an LLMBatchingMode value.')
    ] = MISSING


class EventEnvelope(BaseModel):
    """
    The Kafka value of EVERY event: the JSON of the whole `EventEnvelope`
    (`common_core/events/envelope.py`), written with `json.dumps(envelope.model_dump(mode="json"))`.
    UUIDs are strings, datetimes ISO-8601 (`Z` for UTC), enums their values. No Kafka headers are set.

    Real model: only `event_type`, `source_service` and `data` are required; `event_id` and
    `correlation_id` default to uuid4(), `event_timestamp` to now(UTC), `schema_version` to 1,
    `data_schema_uri` and `metadata` to null; unknown keys are ignored (pydantic extra=ignore).

    Clean rule of this contract: producers always write `event_id`, `event_timestamp` and
    `correlation_id` too, so they are required here, and no other top-level key is allowed.

    Real system: the transactional outbox relay (BOS, ELS, CJ, spellchecker, CMS, RAS) REBUILDS the
    envelope: `event_id` and `event_timestamp` are regenerated, `schema_version` reset to 1,
    `data_schema_uri` dropped, `event_type` taken from the outbox row; `source_service`,
    `correlation_id`, `data` and `metadata` survive. API Gateway, BCS (PhaseSkippedV1) and the LLM
    Provider callback publish directly, so their original `event_id` survives.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event_id: Annotated[
        UUID,
        Field(
            description='Unique id of this envelope (uuid4 in practice). Consumers deduplicate on it.'
        ),
    ]
    event_type: Annotated[
        StrictStr,
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.',
            min_length=1,
        ),
    ]
    event_timestamp: Annotated[
        AwareDatetime,
        Field(description='When the envelope was created (UTC, ISO-8601 with `Z`).'),
    ]
    source_service: Annotated[
        StrictStr,
        Field(
            description="The producing service's ONE canonical string (see root `x-services`).",
            min_length=1,
        ),
    ]
    schema_version: Annotated[
        StrictInt, Field(description='Envelope version, not payload version.')
    ] = 1
    correlation_id: Annotated[
        UUID,
        Field(
            description="The pipeline correlation id, propagated from the envelope that caused this one (see each message's `correlationId`). BCS requires it to parse as a UUID."
        ),
    ]
    data_schema_uri: Annotated[
        StrictStr | None, Field(description='Unused; dropped by the outbox relay.')
    ] = None
    data: Annotated[
        dict[str, Any],
        Field(
            description='The payload model; each message narrows it to `#/components/schemas/<MessageName>`.'
        ),
    ]
    metadata: Annotated[
        Metadata | None,
        Field(
            description="Cross-cutting metadata (fact sheet 1.3). Known keys:\n- `traceparent`/`tracestate`: W3C trace context (any producer, when a span is active).\n- `user_id`, `org_id`: identity threading, set by BOS on the spellcheck, CJ and student-matching\n  commands; read by the ELS CJ command handler to fill `ELS_CJAssessmentRequestV1.user_id/org_id`.\n  API GW sets `org_id` on ClientBatchPipelineRequestV1 when the user has an org.\n- `partition_key`: overrides the outbox Kafka key (spellchecker: essay_id; CMS: batch_id).\n- `batch_id`, `class_id` (CMS), `batch_id`, `completed_phases`, `final_status` (BOS on\n  BatchPipelineCompletedV1): informational.\n- `max_comparisons`, `batch_config_overrides`, `llm_batching_mode_hint`: optional CJ tuning on the\n  ELS_CJAssessmentRequestV1 envelope (ELS sends `{}`).\n- `retry_count`, `original_timestamp`, `batch_context`: documented, unused here.\n- `refused_essays` (this project's ELS simulator, on ELSBatchPhaseOutcomeV1): essay_id ->\n  status of each essay a phase command could not start, when none could (the real ELS\n  publishes nothing then and the pipeline hangs)."
        ),
    ] = None


class EssayContentProvisionedV1(BaseModel):
    """
    `events/file_events.py` (5.3).
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event: StrictStr = 'essay.content.provisioned'
    entity_id: Annotated[StrictStr, Field(description='The batch_id.')]
    file_upload_id: StrictStr
    original_file_name: StrictStr
    raw_file_storage_id: StrictStr
    text_storage_id: StrictStr
    file_size_bytes: StrictInt
    content_md5_hash: StrictStr | None = None
    correlation_id: Annotated[
        UUID | MISSING, Field(description='Defaults to uuid4().')
    ] = MISSING
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING


class EssaySlotAssignedV1(BaseModel):
    """
    `events/essay_lifecycle_events.py` (5.5).
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event: StrictStr = 'essay.slot.assigned'
    batch_id: StrictStr
    essay_id: StrictStr
    file_upload_id: StrictStr
    text_storage_id: StrictStr
    original_file_name: StrictStr
    correlation_id: Annotated[
        UUID | MISSING, Field(description='Defaults to uuid4().')
    ] = MISSING
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING


class FinalStatus(StrEnum):
    """
    Typed BatchStatus in the model. Real BOS: completed_with_failures if any requested phase state is failed, else completed_successfully; never failed_critically (see the message description).
    """

    completed_successfully = 'completed_successfully'
    completed_with_failures = 'completed_with_failures'
    failed_critically = 'failed_critically'


class ExcessContentProvisionedV1(BaseModel):
    """
    `events/batch_coordination_events.py:149-162`. Not a BaseEventData subclass: no `event_name`.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event: StrictStr = 'excess.content.provisioned'
    batch_id: Annotated[
        StrictStr, Field(description='EssayContentProvisionedV1.entity_id.')
    ]
    original_file_name: StrictStr
    text_storage_id: Annotated[
        StrictStr,
        Field(description='Content Service storage id of the extracted text.'),
    ]
    reason: Annotated[
        StrictStr,
        Field(description='Free string; ELS always sends `NO_AVAILABLE_SLOT`.'),
    ]
    correlation_id: Annotated[
        UUID | MISSING,
        Field(
            description="Defaults to uuid4(); ELS sends the EssayContentProvisionedV1 envelope's correlation id."
        ),
    ] = MISSING
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING


class BatchFileAddedV1(BaseModel):
    """
    `events/file_management_events.py:16-25`. Not a BaseEventData subclass: no `event_name`.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event: StrictStr = 'batch.file.added'
    batch_id: StrictStr
    file_upload_id: Annotated[
        StrictStr,
        Field(description='Id of this file upload (as in EssayContentProvisionedV1).'),
    ]
    filename: Annotated[StrictStr, Field(description='The original file name.')]
    user_id: Annotated[StrictStr, Field(description='The user who added the file.')]
    correlation_id: Annotated[
        UUID | MISSING,
        Field(
            description="Defaults to uuid4(); the File Service never sets it (it is NOT the envelope's correlation id)."
        ),
    ] = MISSING
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING


class ProcessingEvent(StrEnum):
    """
    The real enum `common_core.event_enums.ProcessingEvent` (`event_enums.py:14-119`), complete: all 73 values in definition order. Used as `event_name` in BaseEventData payloads, typed ProcessingEvent and not narrowed, so any value validates (not the member name, not the topic). 71 members have a topic (`topic_name()`); ESSAY_AIFEEDBACK_COMPLETED (`essay.aifeedback.completed`) and ESSAY_EDITOR_REVISION_COMPLETED (`essay.editor_revision.completed`) have none.
    """

    batch_essays_registered = 'batch.essays.registered'
    batch_essays_ready = 'batch.essays.ready'
    batch_pipeline_completed = 'batch.pipeline.completed'
    batch_phase_skipped = 'batch.phase.skipped'
    essay_slot_assigned = 'essay.slot.assigned'
    essay_content_provisioned = 'essay.content.provisioned'
    excess_content_provisioned = 'excess.content.provisioned'
    essay_validation_failed = 'essay.validation.failed'
    batch_content_provisioning_completed = 'batch.content.provisioning.completed'
    batch_student_matching_initiate_command = 'batch.student.matching.initiate.command'
    batch_student_matching_requested = 'batch.student.matching.requested'
    batch_spellcheck_initiate_command = 'batch.spellcheck.initiate.command'
    batch_cj_assessment_initiate_command = 'batch.cj_assessment.initiate.command'
    batch_ai_feedback_initiate_command = 'batch.ai_feedback.initiate.command'
    batch_nlp_initiate_command = 'batch.nlp.initiate.command'
    batch_nlp_initiate_command_v2 = 'batch.nlp.initiate.command.v2'
    els_batch_phase_outcome = 'els.batch.phase.outcome'
    batch_validation_errors = 'batch.validation.errors'
    client_batch_pipeline_request = 'client.batch.pipeline.request'
    pipeline_denied = 'pipeline.denied'
    essay_spellcheck_completed = 'essay.spellcheck.completed'
    essay_spellcheck_requested = 'essay.spellcheck.requested'
    spellcheck_phase_completed = 'spellcheck.phase.completed'
    spellcheck_results = 'spellcheck.results'
    batch_nlp_processing_requested = 'batch.nlp.processing.requested'
    batch_nlp_processing_requested_v2 = 'batch.nlp.processing.requested.v2'
    els_cj_assessment_requested = 'els.cj_assessment.requested'
    cj_assessment_completed = 'cj_assessment.completed'
    cj_assessment_failed = 'cj_assessment.failed'
    essay_nlp_completed = 'essay.nlp.completed'
    batch_nlp_analysis_completed = 'batch.nlp.analysis.completed'
    batch_author_matches_suggested = 'batch.author.matches.suggested'
    essay_aifeedback_completed = 'essay.aifeedback.completed'
    essay_editor_revision_completed = 'essay.editor_revision.completed'
    essay_student_association_updated = 'essay.student.association.updated'
    batch_file_added = 'batch.file.added'
    batch_file_removed = 'batch.file.removed'
    class_created = 'class.created'
    class_updated = 'class.updated'
    student_created = 'student.created'
    student_updated = 'student.updated'
    student_associations_confirmed = 'student.associations.confirmed'
    validation_timeout_processed = 'validation.timeout.processed'
    teacher_notification_requested = 'teacher.notification.requested'
    batch_results_ready = 'batch.results.ready'
    batch_assessment_completed = 'batch.assessment.completed'
    assessment_result_published = 'assessment.result.published'
    resource_consumption_reported = 'resource.consumption.reported'
    llm_provider_request_started = 'llm_provider.request.started'
    llm_provider_request_completed = 'llm_provider.request.completed'
    llm_provider_failure = 'llm_provider.failure'
    llm_provider_usage_analytics = 'llm_provider.usage.analytics'
    llm_provider_cost_alert = 'llm_provider.cost.alert'
    llm_provider_cost_tracking = 'llm_provider.cost.tracking'
    llm_provider_comparison_result = 'llm_provider.comparison_result'
    identity_user_registered = 'identity.user.registered'
    identity_email_verification_requested = 'identity.email.verification.requested'
    identity_email_verified = 'identity.email.verified'
    identity_password_reset_requested = 'identity.password.reset.requested'
    identity_password_reset_completed = 'identity.password.reset.completed'
    identity_login_succeeded = 'identity.login.succeeded'
    identity_login_failed = 'identity.login.failed'
    email_notification_requested = 'email.notification.requested'
    email_sent = 'email.sent'
    email_delivery_failed = 'email.delivery_failed'
    entitlements_subscription_activated = 'entitlements.subscription.activated'
    entitlements_subscription_changed = 'entitlements.subscription.changed'
    entitlements_subscription_canceled = 'entitlements.subscription.canceled'
    entitlements_usage_authorized = 'entitlements.usage.authorized'
    entitlements_usage_recorded = 'entitlements.usage.recorded'
    entitlements_credit_balance_changed = 'entitlements.credit.balance.changed'
    entitlements_rate_limit_exceeded = 'entitlements.rate_limit.exceeded'
    entitlements_resource_access_granted = 'entitlements.resource.access.granted'


class PhaseName(StrEnum):
    """
    `pipeline_models.PhaseName` (6.1).
    """

    spellcheck = 'spellcheck'
    ai_feedback = 'ai_feedback'
    cj_assessment = 'cj_assessment'
    nlp = 'nlp'
    student_matching = 'student_matching'


class PipelineExecutionStatus(StrEnum):
    """
    `pipeline_models.PipelineExecutionStatus` (6.2): per-phase status in BOS's ProcessingPipelineState. Not carried by any event; declared for the reference orchestrator's pipeline state. Terminal: completed_*, failed, skipped_*, cancelled. Real BOS never uses in_progress or completed_with_partial_success.
    """

    requested_by_user = 'requested_by_user'
    pending_dependencies = 'pending_dependencies'
    dispatch_initiated = 'dispatch_initiated'
    in_progress = 'in_progress'
    completed_successfully = 'completed_successfully'
    completed_with_partial_success = 'completed_with_partial_success'
    failed = 'failed'
    skipped_due_to_dependency_failure = 'skipped_due_to_dependency_failure'
    skipped_by_user_config = 'skipped_by_user_config'
    cancelled = 'cancelled'


class BatchStatus(StrEnum):
    """
    `status_enums.BatchStatus` (6.3). Also used as the phase-outcome status (ELSBatchPhaseOutcomeV1.phase_status, CJAssessment*V1.status, BatchPipelineCompletedV1.final_status).
    """

    awaiting_content_validation = 'awaiting_content_validation'
    content_ingestion_failed = 'content_ingestion_failed'
    awaiting_pipeline_configuration = 'awaiting_pipeline_configuration'
    ready_for_pipeline_execution = 'ready_for_pipeline_execution'
    processing_pipelines = 'processing_pipelines'
    awaiting_student_validation = 'awaiting_student_validation'
    student_validation_completed = 'student_validation_completed'
    validation_timeout_processed = 'validation_timeout_processed'
    completed_successfully = 'completed_successfully'
    completed_with_failures = 'completed_with_failures'
    failed_critically = 'failed_critically'
    cancelled = 'cancelled'


class PipelineFinalStatus(StrEnum):
    """
    The BatchStatus values a pipeline run can end in (BatchPipelineCompletedV1.final_status). The real field is typed BatchStatus; these three are the outcome values BOS derives from the phase outcomes. Real system: BOS never sends failed_critically (it publishes nothing on a critical failure).
    """

    completed_successfully = 'completed_successfully'
    completed_with_failures = 'completed_with_failures'
    failed_critically = 'failed_critically'


class EssayStatus(StrEnum):
    """
    `status_enums.EssayStatus` (6.5).
    """

    uploaded = 'uploaded'
    text_extracted = 'text_extracted'
    content_ingesting = 'content_ingesting'
    content_ingestion_failed = 'content_ingestion_failed'
    ready_for_processing = 'ready_for_processing'
    awaiting_spellcheck = 'awaiting_spellcheck'
    spellchecking_in_progress = 'spellchecking_in_progress'
    spellchecked_success = 'spellchecked_success'
    spellcheck_failed = 'spellcheck_failed'
    awaiting_nlp = 'awaiting_nlp'
    nlp_processing_in_progress = 'nlp_processing_in_progress'
    nlp_success = 'nlp_success'
    nlp_failed = 'nlp_failed'
    awaiting_ai_feedback = 'awaiting_ai_feedback'
    ai_feedback_processing_in_progress = 'ai_feedback_processing_in_progress'
    ai_feedback_success = 'ai_feedback_success'
    ai_feedback_failed = 'ai_feedback_failed'
    awaiting_editor_revision = 'awaiting_editor_revision'
    editor_revision_processing_in_progress = 'editor_revision_processing_in_progress'
    editor_revision_success = 'editor_revision_success'
    editor_revision_failed = 'editor_revision_failed'
    awaiting_grammar_check = 'awaiting_grammar_check'
    grammar_check_processing_in_progress = 'grammar_check_processing_in_progress'
    grammar_check_success = 'grammar_check_success'
    grammar_check_failed = 'grammar_check_failed'
    awaiting_cj_assessment = 'awaiting_cj_assessment'
    cj_assessment_processing_in_progress = 'cj_assessment_processing_in_progress'
    cj_assessment_success = 'cj_assessment_success'
    cj_assessment_failed = 'cj_assessment_failed'
    all_processing_completed = 'all_processing_completed'
    essay_critical_failure = 'essay_critical_failure'


class ProcessingStage(StrEnum):
    """
    `ProcessingStage` (6.6). Terminal: completed, failed, cancelled.
    """

    pending = 'pending'
    initialized = 'initialized'
    processing = 'processing'
    completed = 'completed'
    failed = 'failed'
    cancelled = 'cancelled'


class ProcessingStatus(StrEnum):
    """
    `ProcessingStatus` (6.7). There is no SUCCESS member: `completed` is success.
    """

    pending = 'pending'
    in_progress = 'in_progress'
    completed = 'completed'
    failed = 'failed'


class CourseCode(StrEnum):
    """
    `domain_enums.CourseCode` (6.9); value = name. Language: ENG* -> en, SV* -> sv.
    """

    eng5 = 'ENG5'
    eng6 = 'ENG6'
    eng7 = 'ENG7'
    sv1 = 'SV1'
    sv2 = 'SV2'
    sv3 = 'SV3'


class Language(StrEnum):
    """
    `domain_enums.Language` (6.9). The `language` fields of the events are typed `str` in the models (so they are plain strings in this contract), but ELS converts them with `Language(value)`, so only these values work.
    """

    en = 'en'
    sv = 'sv'


class ContentType(StrEnum):
    """
    `domain_enums.ContentType` (6.9): keys of StorageReferenceMetadata.references.
    """

    original_essay = 'original_essay'
    corrected_text = 'corrected_text'
    processing_log = 'processing_log'
    nlp_metrics_json = 'nlp_metrics_json'
    student_facing_ai_feedback_text = 'student_facing_ai_feedback_text'
    ai_editor_revision_text = 'ai_editor_revision_text'
    ai_detailed_analysis_json = 'ai_detailed_analysis_json'
    grammar_analysis_json = 'grammar_analysis_json'
    cj_results_json = 'cj_results_json'
    raw_upload_blob = 'raw_upload_blob'
    extracted_plaintext = 'extracted_plaintext'
    student_prompt_text = 'student_prompt_text'


class EssayComparisonWinner(StrEnum):
    """
    `EssayComparisonWinner` (6.9).
    """

    essay_a = 'Essay A'
    essay_b = 'Essay B'


class LLMProviderType(StrEnum):
    """
    `config_enums.LLMProviderType` (6.10).
    """

    anthropic = 'anthropic'
    openai = 'openai'
    google = 'google'
    openrouter = 'openrouter'
    mock = 'mock'


class LLMBatchingMode(StrEnum):
    """
    `config_enums.LLMBatchingMode` (6.10); CJ default serial_bundle.
    """

    per_request = 'per_request'
    serial_bundle = 'serial_bundle'
    provider_batch_api = 'provider_batch_api'


class WebSocketEventCategory(StrEnum):
    """
    `websocket_enums.WebSocketEventCategory` (`websocket_enums.py:8-16`): the UI category of a teacher notification.
    """

    batch_progress = 'batch_progress'
    processing_results = 'processing_results'
    file_operations = 'file_operations'
    class_management = 'class_management'
    student_workflow = 'student_workflow'
    system_alerts = 'system_alerts'


class NotificationPriority(StrEnum):
    """
    `websocket_enums.NotificationPriority` (`websocket_enums.py:19-30`): the delivery priority of a teacher notification.
    """

    critical = 'critical'
    immediate = 'immediate'
    high = 'high'
    standard = 'standard'
    low = 'low'


class AssociationValidationMethod(StrEnum):
    """
    `AssociationValidationMethod` (6.8).
    """

    human = 'human'
    timeout = 'timeout'
    auto = 'auto'


class ErrorCode(StrEnum):
    """
    `error_enums.ErrorCode` (6.11); value = name.
    """

    unknown_error = 'UNKNOWN_ERROR'
    validation_error = 'VALIDATION_ERROR'
    resource_not_found = 'RESOURCE_NOT_FOUND'
    configuration_error = 'CONFIGURATION_ERROR'
    external_service_error = 'EXTERNAL_SERVICE_ERROR'
    kafka_publish_error = 'KAFKA_PUBLISH_ERROR'
    content_service_error = 'CONTENT_SERVICE_ERROR'
    spellcheck_service_error = 'SPELLCHECK_SERVICE_ERROR'
    nlp_service_error = 'NLP_SERVICE_ERROR'
    ai_feedback_service_error = 'AI_FEEDBACK_SERVICE_ERROR'
    cj_assessment_service_error = 'CJ_ASSESSMENT_SERVICE_ERROR'
    llm_provider_service_error = 'LLM_PROVIDER_SERVICE_ERROR'
    missing_required_field = 'MISSING_REQUIRED_FIELD'
    invalid_configuration = 'INVALID_CONFIGURATION'
    timeout = 'TIMEOUT'
    connection_error = 'CONNECTION_ERROR'
    service_unavailable = 'SERVICE_UNAVAILABLE'
    rate_limit = 'RATE_LIMIT'
    quota_exceeded = 'QUOTA_EXCEEDED'
    authentication_error = 'AUTHENTICATION_ERROR'
    authorization_error = 'AUTHORIZATION_ERROR'
    invalid_api_key = 'INVALID_API_KEY'
    invalid_request = 'INVALID_REQUEST'
    invalid_response = 'INVALID_RESPONSE'
    parsing_error = 'PARSING_ERROR'
    circuit_breaker_open = 'CIRCUIT_BREAKER_OPEN'
    request_queued = 'REQUEST_QUEUED'
    processing_error = 'PROCESSING_ERROR'
    initialization_failed = 'INITIALIZATION_FAILED'


class LLMErrorCode(StrEnum):
    """
    `error_enums.LLMErrorCode` (6.11); value = `LLM_` + name.
    """

    llm_provider_unavailable = 'LLM_PROVIDER_UNAVAILABLE'
    llm_provider_rate_limit = 'LLM_PROVIDER_RATE_LIMIT'
    llm_provider_timeout = 'LLM_PROVIDER_TIMEOUT'
    llm_provider_api_error = 'LLM_PROVIDER_API_ERROR'
    llm_invalid_prompt = 'LLM_INVALID_PROMPT'
    llm_content_too_long = 'LLM_CONTENT_TOO_LONG'
    llm_invalid_config = 'LLM_INVALID_CONFIG'
    llm_queue_full = 'LLM_QUEUE_FULL'
    llm_internal_error = 'LLM_INTERNAL_ERROR'
    llm_callback_topic_missing = 'LLM_CALLBACK_TOPIC_MISSING'
    llm_invalid_callback_topic = 'LLM_INVALID_CALLBACK_TOPIC'
    llm_parsing_error = 'LLM_PARSING_ERROR'
    llm_invalid_response = 'LLM_INVALID_RESPONSE'
    llm_cost_limit_exceeded = 'LLM_COST_LIMIT_EXCEEDED'
    llm_configuration_error = 'LLM_CONFIGURATION_ERROR'


class BatchConductorErrorCode(StrEnum):
    """
    `error_enums.BatchConductorErrorCode` (6.11).
    """

    bcs_pipeline_dependency_resolution_failed = 'BCS_PIPELINE_DEPENDENCY_RESOLUTION_FAILED'
    bcs_pipeline_dependency_cycle_detected = 'BCS_PIPELINE_DEPENDENCY_CYCLE_DETECTED'
    bcs_pipeline_compatibility_failed = 'BCS_PIPELINE_COMPATIBILITY_FAILED'


class CJAssessmentErrorCode(StrEnum):
    """
    `error_enums.CJAssessmentErrorCode` (6.11).
    """

    cj_insufficient_comparisons = 'CJ_INSUFFICIENT_COMPARISONS'
    cj_score_convergence_failed = 'CJ_SCORE_CONVERGENCE_FAILED'
    cj_comparison_imbalance = 'CJ_COMPARISON_IMBALANCE'
    cj_callback_correlation_failed = 'CJ_CALLBACK_CORRELATION_FAILED'


class SpellcheckerErrorCode(RootModel[Literal['SPELL_EVENT_CORRELATION_ERROR']]):
    root: Annotated[
        Literal['SPELL_EVENT_CORRELATION_ERROR'],
        Field(
            description='`error_enums.SpellcheckerErrorCode` (6.11).',
            title='SpellcheckerErrorCode',
        ),
    ]


class ClassManagementErrorCode(StrEnum):
    """
    `error_enums.ClassManagementErrorCode` (6.11).
    """

    course_not_found = 'COURSE_NOT_FOUND'
    course_validation_error = 'COURSE_VALIDATION_ERROR'
    multiple_course_error = 'MULTIPLE_COURSE_ERROR'
    class_not_found = 'CLASS_NOT_FOUND'
    student_not_found = 'STUDENT_NOT_FOUND'


class FileValidationErrorCode(StrEnum):
    """
    `error_enums.FileValidationErrorCode` (6.11).
    """

    empty_content = 'EMPTY_CONTENT'
    content_too_short = 'CONTENT_TOO_SHORT'
    content_too_long = 'CONTENT_TOO_LONG'
    raw_storage_failed = 'RAW_STORAGE_FAILED'
    text_extraction_failed = 'TEXT_EXTRACTION_FAILED'
    encrypted_file_unsupported = 'ENCRYPTED_FILE_UNSUPPORTED'
    unknown_validation_error = 'UNKNOWN_VALIDATION_ERROR'


class IdentityErrorCode(StrEnum):
    """
    `error_enums.IdentityErrorCode` (`error_enums.py:173-203`), complete; value = `IDENTITY_` + name. Produced only by identity_service (`huleedu_service_libs/error_handling/identity_factories.py`), so no flow service puts these codes on the wire.
    """

    identity_invalid_credentials = 'IDENTITY_INVALID_CREDENTIALS'
    identity_user_not_found = 'IDENTITY_USER_NOT_FOUND'
    identity_user_already_exists = 'IDENTITY_USER_ALREADY_EXISTS'
    identity_email_not_verified = 'IDENTITY_EMAIL_NOT_VERIFIED'
    identity_account_locked = 'IDENTITY_ACCOUNT_LOCKED'
    identity_token_expired = 'IDENTITY_TOKEN_EXPIRED'
    identity_token_invalid = 'IDENTITY_TOKEN_INVALID'
    identity_refresh_token_invalid = 'IDENTITY_REFRESH_TOKEN_INVALID'
    identity_refresh_token_expired = 'IDENTITY_REFRESH_TOKEN_EXPIRED'
    identity_verification_token_expired = 'IDENTITY_VERIFICATION_TOKEN_EXPIRED'
    identity_verification_token_invalid = 'IDENTITY_VERIFICATION_TOKEN_INVALID'
    identity_email_already_verified = 'IDENTITY_EMAIL_ALREADY_VERIFIED'
    identity_reset_token_expired = 'IDENTITY_RESET_TOKEN_EXPIRED'
    identity_reset_token_invalid = 'IDENTITY_RESET_TOKEN_INVALID'
    identity_password_reset_not_requested = 'IDENTITY_PASSWORD_RESET_NOT_REQUESTED'


class AnyErrorCode(
    RootModel[
        ErrorCode
        | BatchConductorErrorCode
        | CJAssessmentErrorCode
        | ClassManagementErrorCode
        | FileValidationErrorCode
        | IdentityErrorCode
        | LLMErrorCode
        | SpellcheckerErrorCode
    ]
):
    root: Annotated[
        ErrorCode | BatchConductorErrorCode | CJAssessmentErrorCode | ClassManagementErrorCode | FileValidationErrorCode | IdentityErrorCode | LLMErrorCode | SpellcheckerErrorCode,
        Field(
            description='The union type of `ErrorDetail.error_code`: ErrorCode | BatchConductorErrorCode | CJAssessmentErrorCode | ClassManagementErrorCode | FileValidationErrorCode | IdentityErrorCode | LLMErrorCode | SpellcheckerErrorCode.',
            title='AnyErrorCode',
        ),
    ]


class SystemProcessingMetadata(BaseModel):
    """
    `metadata_models.SystemProcessingMetadata` (2.4), populate_by_name=True.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    entity_id: Annotated[
        StrictStr, Field(description='Id of the entity (batch_id or essay_id).')
    ]
    entity_type: Annotated[
        StrictStr, Field(description='`batch` or `essay` in this pipeline.')
    ]
    parent_id: Annotated[
        StrictStr | None, Field(description='Parent entity (batch_id for an essay).')
    ] = None
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING
    processing_stage: ProcessingStage | None = None
    started_at: AwareDatetime | None = None
    completed_at: AwareDatetime | None = None
    event: Annotated[
        StrictStr | None, Field(description='Usually a ProcessingEvent value string.')
    ] = None
    error_info: Annotated[
        dict[str, Any],
        Field(
            description='dict[str, Any]. Documented shape `{error_code, error_message, error_type, context}`; real producers also write `{error_code, error_message, correlation_id, timestamp, service, details}` (spellchecker, CJ request handler) or `{reason, details}` / `{reason, progress_pct, batch_state}` (CJ finalizer and monitor).'
        ),
    ] = {}


class SpellcheckMetricsV1(BaseModel):
    """
    `SpellcheckMetricsV1` (2.7); every field required.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    total_corrections: StrictInt
    l2_dictionary_corrections: StrictInt
    spellchecker_corrections: StrictInt
    word_count: StrictInt
    correction_density: StrictFloat


class EssayProcessingInputRefV1(BaseModel):
    """
    `EssayProcessingInputRefV1` (2.5): an essay and the storage id of the text the next phase must read.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    essay_id: StrictStr
    text_storage_id: Annotated[
        StrictStr, Field(description='Content Service storage id.')
    ]
    spellcheck_metrics: Annotated[
        SpellcheckMetricsV1 | None,
        Field(
            description='ELS never fills it in the pipeline. Real model (rule typed-spellcheck-metrics) accepts any value.'
        ),
    ] = None


class StorageReferenceMetadata(BaseModel):
    """
    `StorageReferenceMetadata` (2.6). `references: dict[ContentType, dict[str, str]]`; the documented inner shape is `{"storage_id": str, "path": str}`. Real system: the spellchecker writes `{corrected_text: {"default": storage_id}}` internally; readers take the first value.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    references: Annotated[
        dict[ContentType, dict[str, StrictStr]],
        Field(description='Keyed by ContentType value.'),
    ] = {}


class ErrorDetail(BaseModel):
    """
    `models/error_models.ErrorDetail` (2.8), frozen.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    error_code: AnyErrorCode
    message: StrictStr
    correlation_id: UUID
    timestamp: AwareDatetime
    service: StrictStr
    operation: StrictStr
    details: dict[str, Any] = {}
    stack_trace: StrictStr | None = None
    trace_id: StrictStr | None = None
    span_id: StrictStr | None = None


class PipelinePromptPayload1(BaseModel):
    """
    `PipelinePromptPayload` (5.14). Exactly one of `assignment_id` and `cms_prompt_ref` is set (the model validator raises if both or neither are set); expressed with `oneOf`.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    assignment_id: Annotated[StrictStr, Field(max_length=100)]
    cms_prompt_ref: StorageReferenceMetadata | None = None


class PipelinePromptPayload2(BaseModel):
    """
    `PipelinePromptPayload` (5.14). Exactly one of `assignment_id` and `cms_prompt_ref` is set (the model validator raises if both or neither are set); expressed with `oneOf`.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    assignment_id: Annotated[StrictStr | None, Field(max_length=100)] = None
    cms_prompt_ref: StorageReferenceMetadata


class PipelinePromptPayload(RootModel[PipelinePromptPayload1 | PipelinePromptPayload2]):
    root: Annotated[
        PipelinePromptPayload1 | PipelinePromptPayload2,
        Field(
            description='`PipelinePromptPayload` (5.14). Exactly one of `assignment_id` and `cms_prompt_ref` is set (the model validator raises if both or neither are set); expressed with `oneOf`.',
            title='PipelinePromptPayload',
        ),
    ]


class StudentMatchSuggestion(BaseModel):
    """
    `StudentMatchSuggestion` (5.10).
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    student_id: StrictStr
    student_name: StrictStr
    student_email: StrictStr | None = None
    confidence_score: Annotated[StrictFloat, Field(ge=0.0, le=1.0)]
    match_reasons: list[StrictStr]
    extraction_metadata: dict[str, Any] = {}


class EssayMatchResult(BaseModel):
    """
    `EssayMatchResult` (5.10).
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    essay_id: StrictStr
    text_storage_id: StrictStr
    filename: StrictStr
    suggestions: Annotated[
        list[StudentMatchSuggestion], Field(validate_default=True)
    ] = []
    no_match_reason: StrictStr | None = None
    extraction_metadata: dict[str, Any] = {}


class StudentAssociationConfirmation(BaseModel):
    """
    `StudentAssociationConfirmation` (5.11).
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    essay_id: StrictStr
    student_id: Annotated[
        StrictStr | None, Field(description='Required but nullable (no default).')
    ]
    confidence_score: StrictFloat
    validation_method: AssociationValidationMethod
    validated_by: Annotated[
        StrictStr | None,
        Field(
            description='Required but nullable (no default); the timeout path sends `SYSTEM_TIMEOUT`.'
        ),
    ]
    validated_at: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING


class LLMConfigOverrides(BaseModel):
    """
    `LLMConfigOverrides` (5.24), Kafka form; every field optional (default null).
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    model_override: StrictStr | None = None
    temperature_override: Annotated[StrictFloat | None, Field(ge=0.0, le=2.0)] = None
    max_tokens_override: Annotated[StrictInt | None, Field(gt=0)] = None
    provider_override: StrictStr | None = None
    system_prompt_override: StrictStr | None = None
    judge_rubric_override: StrictStr | None = None
    reasoning_effort: Annotated[
        StrictStr | None,
        Field(description='none|low|medium|high (not validated in this model).'),
    ] = None
    output_verbosity: StrictStr | None = None


class LLMConfigOverridesHTTP(BaseModel):
    """
    `LLMConfigOverridesHTTP` (5.25); every field optional (default null). CJ always sends it with `exclude_none`; its defaults are provider `openai`, model `gpt-5.1`, temperature 0.1. The LLM Provider answers 400 when `provider_override` is missing.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    provider_override: LLMProviderType | None = None
    model_override: StrictStr | None = None
    temperature_override: Annotated[StrictFloat | None, Field(ge=0.0, le=2.0)] = None
    system_prompt_override: StrictStr | None = None
    max_tokens_override: Annotated[StrictInt | None, Field(gt=0)] = None
    reasoning_effort: Annotated[
        StrictStr | None, Field(pattern='^(none|low|medium|high)$')
    ] = None
    output_verbosity: Annotated[
        StrictStr | None, Field(pattern='^(low|medium|high)$')
    ] = None


class CJLLMComparisonMetadata(BaseModel):
    """
    The `metadata` CJ sends with each comparison (`CJLLMComparisonMetadata`, extra="allow", sent with exclude_none) and that the LLM Provider echoes back as `LLMComparisonResultV1.request_metadata`. CJ always sends `essay_a_id`, `essay_b_id`, `bos_batch_id`, `cj_batch_id`, `cj_source` and `cj_request_type`; the field itself is `dict[str, Any]` in LLMComparisonRequest, so none is required here.
    """

    model_config = ConfigDict(
        extra='allow',
        validate_by_name=True,
    )
    essay_a_id: StrictStr | MISSING = MISSING
    essay_b_id: StrictStr | MISSING = MISSING
    bos_batch_id: Annotated[
        StrictStr | MISSING, Field(description='The BOS batch id.')
    ] = MISSING
    cj_batch_id: Annotated[
        StrictStr | MISSING, Field(description="CJ's internal batch id, as a string.")
    ] = MISSING
    cj_source: Annotated[StrictStr | MISSING, Field(description='`els`.')] = MISSING
    cj_request_type: Annotated[
        StrictStr | MISSING,
        Field(description='`cj_comparison`, or `cj_retry` on retries.'),
    ] = MISSING
    cj_llm_batching_mode: Annotated[
        LLMBatchingMode | MISSING,
        Field(description='Only with ENABLE_LLM_BATCHING_METADATA_HINTS.'),
    ] = MISSING
    preferred_bundle_size: Annotated[
        StrictInt | MISSING,
        Field(
            description='Only with ENABLE_LLM_BATCHING_METADATA_HINTS; <= 64.', le=64
        ),
    ] = MISSING
    comparison_iteration: Annotated[
        StrictInt | MISSING, Field(description='Optional iteration context.')
    ] = MISSING
    reasoning_effort: StrictStr | MISSING = MISSING
    output_verbosity: StrictStr | MISSING = MISSING
    prompt_sha256: Annotated[
        StrictStr | MISSING,
        Field(description='Added by the LLM Provider in request_metadata.'),
    ] = MISSING


class TokenUsage(BaseModel):
    """
    `TokenUsage` (5.26).
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    prompt_tokens: Annotated[StrictInt, Field(ge=0)] = 0
    completion_tokens: Annotated[StrictInt, Field(ge=0)] = 0
    total_tokens: Annotated[StrictInt, Field(ge=0)] = 0


class ProcessingSummary(BaseModel):
    """
    The `processing_summary: dict[str, Any]` of CJAssessmentCompletedV1 (5.27) and BatchNlpAnalysisCompletedV1 (5.33, same default shape). ELS reads only `successful_essay_ids` and `failed_essay_ids` (and ignores the event when both are empty); BCS records a per-essay completion for each id. CJ adds `single_essay_batch` and excludes anchors (ids starting `ANCHOR_`).
    """

    model_config = ConfigDict(
        extra='allow',
        validate_by_name=True,
    )
    total_essays: StrictInt | MISSING = MISSING
    successful: StrictInt | MISSING = MISSING
    failed: StrictInt | MISSING = MISSING
    successful_essay_ids: list[StrictStr] | MISSING = MISSING
    failed_essay_ids: list[StrictStr] | MISSING = MISSING
    processing_time_seconds: StrictFloat | MISSING = MISSING
    single_essay_batch: StrictBool | MISSING = MISSING


class ConfidenceLabel(StrEnum):
    high = 'HIGH'
    mid = 'MID'
    low = 'LOW'


class EssayResultV1(BaseModel):
    """
    `EssayResultV1` (5.29): one ranked essay (anchors included).
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    essay_id: StrictStr
    normalized_score: Annotated[StrictFloat, Field(ge=0.0, le=1.0)]
    letter_grade: Annotated[StrictStr, Field(pattern='^([A-F][+-]?|U)$')]
    confidence_score: Annotated[StrictFloat, Field(ge=0.0, le=1.0)]
    confidence_label: ConfidenceLabel
    bt_score: Annotated[StrictFloat, Field(description='Bradley-Terry score.')]
    rank: Annotated[StrictInt, Field(ge=1)]
    is_anchor: StrictBool = False
    feedback_uri: StrictStr | None = None
    metrics_uri: StrictStr | None = None
    display_name: StrictStr | None = None


class EssayValidationError(BaseModel):
    """
    `events/batch_coordination_events.py:205-216`: one essay of a BatchValidationErrorsV1.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    essay_id: StrictStr
    file_name: Annotated[
        StrictStr, Field(description='The original file name that failed.')
    ]
    error_detail: ErrorDetail
    failed_at: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING


class BatchErrorSummary(BaseModel):
    """
    `events/batch_coordination_events.py:219-228`: the error summary of a BatchValidationErrorsV1.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    total_errors: StrictInt
    error_categories: Annotated[
        dict[str, StrictInt],
        Field(description='dict[str, int], e.g. `{validation: 3, extraction: 2}`.'),
    ]
    critical_failure: Annotated[
        StrictBool,
        Field(
            description='True if no essay of the batch succeeded; BOS then fails the batch critically.'
        ),
    ] = False


class NlpMetrics(BaseModel):
    """
    `events/nlp_events.py:122-192`: the linguistic metrics of one essay. No field has constraints.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    word_count: StrictInt
    sentence_count: StrictInt
    avg_sentence_length: Annotated[
        StrictFloat, Field(description='Words per sentence.')
    ]
    language_detected: Annotated[
        StrictStr, Field(description='ISO 639-1 code (`en`, `sv`, ...).')
    ]
    processing_time_ms: StrictInt = 0
    mean_zipf_frequency: StrictFloat = 0.0
    percent_tokens_zipf_below_3: StrictFloat = 0.0
    mtld_score: StrictFloat = 0.0
    hdd_score: StrictFloat = 0.0
    mean_dependency_distance: StrictFloat = 0.0
    phrasal_indices: dict[str, StrictFloat] = {}
    clausal_indices: dict[str, StrictFloat] = {}
    first_order_coherence: StrictFloat = 0.0
    second_order_coherence: StrictFloat = 0.0
    avg_bigram_pmi: StrictFloat = 0.0
    avg_trigram_pmi: StrictFloat = 0.0
    avg_bigram_npmi: StrictFloat = 0.0
    avg_trigram_npmi: StrictFloat = 0.0


class GrammarError(BaseModel):
    """
    `events/nlp_events.py:195-213`: one Language Tool match.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    rule_id: StrictStr
    message: StrictStr
    short_message: StrictStr
    offset: Annotated[
        StrictInt, Field(description='Character position where the error starts.')
    ]
    length: StrictInt
    replacements: list[StrictStr] = []
    category: StrictStr
    severity: Annotated[
        StrictStr, Field(description='Free string (error, warning, info).')
    ] = 'info'
    category_id: StrictStr
    category_name: StrictStr
    context: StrictStr
    context_offset: Annotated[
        StrictInt, Field(description='Offset of the error within context.')
    ]


class PhaseResultSummary(BaseModel):
    """
    `events/result_events.py:24-31`: one phase of a BatchResultsReadyV1.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    phase_name: StrictStr
    status: Annotated[
        StrictStr,
        Field(
            description='Free string; RAS sends `completed` or `completed_with_failures`.'
        ),
    ]
    completed_count: StrictInt
    failed_count: StrictInt
    processing_time_seconds: StrictFloat | None = None


class Type(StrEnum):
    """
    Literal["org", "user"].
    """

    org = 'org'
    user = 'user'


class SubjectRefV1(BaseModel):
    """
    `entitlements_models.py:8-13`: whose credits or limits an Entitlements event concerns.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    type: Annotated[Type, Field(description='Literal["org", "user"].')]
    id: Annotated[StrictStr, Field(description='The org or user id (a uuid string).')]


class ClientBatchPipelineRequestV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr, Field(description='Kafka key: batch_id (batch-level event).')
    ]


class BatchEssaysRegisteredKafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr,
        Field(description='Kafka key: batch_id (data.entity_id; batch-level event).'),
    ]


class EssayContentProvisionedV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.file.essay.content.provisioned.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: EssayContentProvisionedV1


class EssayContentProvisionedV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr, Field(description='Kafka key: file_upload_id (file event).')
    ]


class EssayValidationFailedV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr, Field(description='Kafka key: file_upload_id (file event).')
    ]


class EssaySlotAssignedV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.els.essay.slot.assigned.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: EssaySlotAssignedV1


class EssaySlotAssignedV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr, Field(description='Kafka key: essay_id (per-essay event).')
    ]


class BatchContentProvisioningCompletedV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr, Field(description='Kafka key: batch_id (batch-level event).')
    ]


class BatchServiceStudentMatchingInitiateCommandDataV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr,
        Field(description='Kafka key: batch_id (data.entity_id; batch-level command).'),
    ]


class BatchStudentMatchingRequestedV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr, Field(description='Kafka key: batch_id (batch-level event).')
    ]


class BatchAuthorMatchesSuggestedV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr, Field(description='Kafka key: batch_id (batch-level event).')
    ]


class StudentAssociationsConfirmedV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr, Field(description='Kafka key: batch_id (batch-level event).')
    ]


class BatchEssaysReadyKafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr, Field(description='Kafka key: batch_id (batch-level event).')
    ]


class PipelineDeniedV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr, Field(description='Kafka key: batch_id (batch-level event).')
    ]


class PhaseSkippedV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr, Field(description='Kafka key: batch_id (batch-level event).')
    ]


class BatchServiceSpellcheckInitiateCommandDataV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr,
        Field(description='Kafka key: batch_id (data.entity_id; batch-level command).'),
    ]


class EssayLifecycleSpellcheckRequestV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr,
        Field(description='Kafka key: essay_id (data.entity_id; per-essay event).'),
    ]


class SpellcheckPhaseCompletedV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr,
        Field(description='Kafka key: essay_id (data.entity_id; per-essay event).'),
    ]


class SpellcheckResultV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr,
        Field(description='Kafka key: essay_id (data.entity_id; per-essay event).'),
    ]


class ELSBatchPhaseOutcomeV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr, Field(description='Kafka key: batch_id (batch-level event).')
    ]


class BatchServiceCJAssessmentInitiateCommandDataV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr,
        Field(description='Kafka key: batch_id (data.entity_id; batch-level command).'),
    ]


class ELSCJAssessmentRequestV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr,
        Field(description='Kafka key: batch_id (data.entity_id; batch-level event).'),
    ]


class LLMComparisonRequestV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr,
        Field(
            description="Kafka key: The comparison's correlation id (envelope correlation_id = data.correlation_id)."
        ),
    ]


class LLMComparisonResultV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr,
        Field(
            description="Kafka key: The comparison's correlation id (envelope correlation_id = data.correlation_id)."
        ),
    ]


class CJAssessmentCompletedV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr,
        Field(
            description='Kafka key: batch_id (data.entity_id, the BOS batch id; batch-level event).'
        ),
    ]


class CJAssessmentFailedV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr,
        Field(
            description='Kafka key: batch_id (data.entity_id, the BOS batch id; batch-level event).'
        ),
    ]


class AssessmentResultV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr, Field(description='Kafka key: batch_id (batch-level event).')
    ]


class BatchPipelineCompletedV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr, Field(description='Kafka key: batch_id (batch-level event).')
    ]


class BatchServiceNLPInitiateCommandDataV2KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr,
        Field(description='Kafka key: batch_id (data.entity_id; batch-level command).'),
    ]


class BatchNlpProcessingRequestedV2KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr, Field(description='Kafka key: batch_id (batch-level event).')
    ]


class BatchNlpAnalysisCompletedV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr, Field(description='Kafka key: batch_id (batch-level event).')
    ]


class TeacherNotificationRequestedV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr,
        Field(
            description="Kafka key: teacher_id (one teacher's notifications in order)."
        ),
    ]


class ResourceConsumptionV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr,
        Field(
            description='Kafka key: batch_id (data.entity_id, the BOS batch id; batch-level event).'
        ),
    ]


class ExcessContentProvisionedV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.els.excess.content.provisioned.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: ExcessContentProvisionedV1


class ExcessContentProvisionedV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr, Field(description='Kafka key: batch_id (batch-level event).')
    ]


class BatchValidationErrorsV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr, Field(description='Kafka key: batch_id (batch-level event).')
    ]


class EssayNlpCompletedV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr, Field(description='Kafka key: essay_id (per-essay event).')
    ]


class BatchResultsReadyV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr, Field(description='Kafka key: batch_id (batch-level event).')
    ]


class BatchAssessmentCompletedV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr, Field(description='Kafka key: batch_id (batch-level event).')
    ]


class BatchFileAddedV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.file.batch.file.added.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: BatchFileAddedV1


class BatchFileAddedV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr, Field(description='Kafka key: batch_id (batch-level file event).')
    ]


class LLMRequestStartedV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr,
        Field(
            description='No Kafka key: the LLM Provider publishes its usage events without one.'
        ),
    ]


class LLMRequestCompletedV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr,
        Field(
            description='No Kafka key: the LLM Provider publishes its usage events without one.'
        ),
    ]


class LLMProviderFailureV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr,
        Field(
            description='No Kafka key: the LLM Provider publishes its usage events without one.'
        ),
    ]


class CreditBalanceChangedV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr,
        Field(
            description='Kafka key: the subject id (data.subject.id; metadata.partition_key).'
        ),
    ]


class UsageRecordedV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr,
        Field(
            description='Kafka key: the subject id (data.subject.id; metadata.partition_key).'
        ),
    ]


class RateLimitExceededV1KafkaKey(RootModel[StrictStr]):
    root: Annotated[
        StrictStr,
        Field(
            description='Kafka key: the subject id (data.subject.id, the user; metadata.partition_key).'
        ),
    ]


class ClientBatchPipelineRequestV1(BaseModel):
    """
    `events/client_commands.py` (5.14). model_config: str_strip_whitespace=True, validate_assignment=True (whitespace stripping is not representable in JSON Schema).
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    batch_id: Annotated[StrictStr, Field(max_length=255, min_length=1)]
    requested_pipeline: Annotated[
        StrictStr,
        Field(
            description='Typed `str` (1..100 chars); API GW types it PhaseName and BOS converts it with `PhaseName(value)`. Valid in practice: `cj_assessment`, `nlp`, `ai_feedback` (the BCS pipeline keys; `spellcheck`/`student_matching` fail BCS resolution, `comprehensive` is not a PhaseName).',
            max_length=100,
            min_length=1,
        ),
    ]
    client_correlation_id: Annotated[
        UUID | MISSING,
        Field(
            description='Defaults to uuid4(). BOS uses `envelope.correlation_id or client_correlation_id`; API GW sets both to the request correlation.'
        ),
    ] = MISSING
    user_id: Annotated[StrictStr, Field(max_length=255, min_length=1)]
    is_retry: StrictBool = False
    retry_reason: Annotated[StrictStr | None, Field(max_length=500)] = None
    prompt_payload: Annotated[
        PipelinePromptPayload | None,
        Field(
            description='Prompt for prompt-required pipelines (cj_assessment, nlp, ai_feedback) when the batch has none.'
        ),
    ] = None


class BatchEssaysRegistered(BaseModel):
    """
    `events/batch_coordination_events.py` (5.2). Not a BaseEventData subclass: no `event_name`.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event: StrictStr = 'batch.essays.registered'
    entity_id: Annotated[StrictStr, Field(description='The batch_id.')]
    expected_essay_count: StrictInt
    essay_ids: Annotated[
        list[StrictStr],
        Field(description='BOS-generated uuid4 strings, one per expected essay.'),
    ]
    metadata: Annotated[
        SystemProcessingMetadata,
        Field(
            description='BOS sends entity_id=batch_id, entity_type=batch, event=batch.essays.registered.'
        ),
    ]
    course_code: CourseCode
    student_prompt_ref: StorageReferenceMetadata | None = None
    user_id: StrictStr
    org_id: StrictStr | None = None
    class_id: Annotated[
        StrictStr | None,
        Field(
            description='null = GUEST batch, set = REGULAR batch (student matching runs).'
        ),
    ] = None


class EssayValidationFailedV1(BaseModel):
    """
    `events/file_events.py` (5.4).
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event: StrictStr = 'essay.validation.failed'
    entity_id: Annotated[StrictStr, Field(description='The batch_id.')]
    file_upload_id: StrictStr
    original_file_name: StrictStr
    raw_file_storage_id: StrictStr
    validation_error_code: FileValidationErrorCode
    validation_error_detail: ErrorDetail
    file_size_bytes: StrictInt
    correlation_id: Annotated[
        UUID | MISSING, Field(description='Defaults to uuid4().')
    ] = MISSING
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING


class BatchContentProvisioningCompletedV1(BaseModel):
    """
    `events/batch_coordination_events.py` (5.7).
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event: StrictStr = 'batch.content.provisioning.completed'
    batch_id: StrictStr
    provisioned_count: Annotated[StrictInt, Field(description='= len(ready essays).')]
    expected_count: Annotated[
        StrictInt,
        Field(
            description='Real system: in the normal path ELS sets it to len(ready essays), not the registered count; only the immediate-completion-at-registration path uses expected_essay_count.'
        ),
    ]
    course_code: CourseCode
    user_id: Annotated[
        StrictStr, Field(description='`unknown` if the ELS tracker has none.')
    ]
    essays_for_processing: Annotated[
        list[EssayProcessingInputRefV1],
        Field(description='The essays with their ORIGINAL text storage ids.'),
    ]
    correlation_id: Annotated[
        UUID | MISSING,
        Field(
            description='Defaults to uuid4(); ELS sends the registration correlation id.'
        ),
    ] = MISSING
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING


class BatchServiceStudentMatchingInitiateCommandDataV1(BaseModel):
    """
    `batch_service_models.py` (5.8), BaseEventData subclass.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event_name: Annotated[
        ProcessingEvent,
        Field(
            description='ProcessingEvent value. Required (no default in the model); the producer sends `batch.student.matching.initiate.command` (BATCH_STUDENT_MATCHING_INITIATE_COMMAND).'
        ),
    ]
    entity_id: Annotated[
        StrictStr | None,
        Field(
            description='BOS sends the batch_id (ELS requires it; it is the Kafka key).'
        ),
    ] = None
    entity_type: Annotated[
        StrictStr | None, Field(description='BOS sends `batch`.')
    ] = None
    parent_id: Annotated[
        StrictStr | None, Field(description='BaseEventData.parent_id.')
    ] = None
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING
    essays_to_process: Annotated[
        list[EssayProcessingInputRefV1], Field(description='The stored batch essays.')
    ]
    class_id: StrictStr
    course_code: CourseCode


class BatchStudentMatchingRequestedV1(BaseModel):
    """
    `events/essay_lifecycle_events.py` (5.9), BaseEventData subclass.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event_name: Annotated[
        ProcessingEvent,
        Field(
            description='ProcessingEvent value; defaults to `batch.student.matching.requested` (BATCH_STUDENT_MATCHING_REQUESTED).'
        ),
    ] = ProcessingEvent.batch_student_matching_requested
    entity_id: Annotated[
        StrictStr | None, Field(description='ELS sends the batch_id.')
    ] = None
    entity_type: Annotated[
        StrictStr | None, Field(description='ELS sends `batch`.')
    ] = None
    parent_id: Annotated[
        StrictStr | None, Field(description='BaseEventData.parent_id.')
    ] = None
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING
    batch_id: StrictStr
    essays_to_process: list[EssayProcessingInputRefV1]
    class_id: StrictStr
    course_code: CourseCode


class BatchAuthorMatchesSuggestedV1(BaseModel):
    """
    `events/nlp_events.py` (5.10), BaseEventData subclass.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event_name: Annotated[
        ProcessingEvent,
        Field(
            description='ProcessingEvent value; defaults to `batch.author.matches.suggested` (BATCH_AUTHOR_MATCHES_SUGGESTED).'
        ),
    ] = ProcessingEvent.batch_author_matches_suggested
    entity_id: Annotated[
        StrictStr | None, Field(description='BaseEventData.entity_id.')
    ] = None
    entity_type: Annotated[
        StrictStr | None, Field(description='BaseEventData.entity_type.')
    ] = None
    parent_id: Annotated[
        StrictStr | None, Field(description='BaseEventData.parent_id.')
    ] = None
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING
    batch_id: StrictStr
    class_id: StrictStr
    course_code: CourseCode
    match_results: list[EssayMatchResult]
    processing_summary: Annotated[
        dict[str, StrictInt],
        Field(
            description='dict[str, int], e.g. {total_essays, matched, no_match, errors}.'
        ),
    ]
    processing_metadata: dict[str, Any] = {}


class StudentAssociationsConfirmedV1(BaseModel):
    """
    `events/validation_events.py` (5.11), BaseEventData subclass.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event_name: Annotated[
        ProcessingEvent,
        Field(
            description='ProcessingEvent value; defaults to `student.associations.confirmed` (STUDENT_ASSOCIATIONS_CONFIRMED).'
        ),
    ] = ProcessingEvent.student_associations_confirmed
    entity_id: Annotated[
        StrictStr | None, Field(description='Real system: CMS leaves it null.')
    ] = None
    entity_type: Annotated[
        StrictStr | None, Field(description='Real system: CMS leaves it null.')
    ] = None
    parent_id: Annotated[
        StrictStr | None, Field(description='BaseEventData.parent_id.')
    ] = None
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING
    batch_id: Annotated[StrictStr, Field(description='CMS parses it as a UUID.')]
    class_id: StrictStr
    course_code: CourseCode
    associations: list[StudentAssociationConfirmation]
    timeout_triggered: StrictBool = False
    validation_summary: Annotated[
        dict[str, StrictInt],
        Field(
            description='dict[str, int]; CMS sends total_associations, confirmed, rejected.'
        ),
    ]


class BatchEssaysReady(BaseModel):
    """
    `events/batch_coordination_events.py` (5.12). Not a BaseEventData subclass.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event: StrictStr = 'batch.essays.ready'
    batch_id: StrictStr
    ready_essays: Annotated[
        list[EssayProcessingInputRefV1], Field(description='BOS rejects an empty list.')
    ]
    metadata: Annotated[
        SystemProcessingMetadata,
        Field(description='entity_type=batch, event=batch.essays.ready.'),
    ]
    course_code: CourseCode
    course_language: Annotated[
        StrictStr, Field(description='`Language` value: `en`/`sv`.')
    ]
    student_prompt_ref: StorageReferenceMetadata | None = None
    class_type: Annotated[
        StrictStr,
        Field(
            description='`GUEST`/`REGULAR` (typed str); always `REGULAR` in the real system.'
        ),
    ]


class PipelineDeniedV1(BaseModel):
    """
    `events/pipeline_events.py` (5.16), BaseEventData subclass. There is no `correlation_id` field (BaseEventData drops the kwarg BOS passes); the correlation lives on the envelope only.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event_name: Annotated[
        ProcessingEvent,
        Field(
            description='ProcessingEvent value; defaults to `pipeline.denied` (PIPELINE_DENIED).'
        ),
    ] = ProcessingEvent.pipeline_denied
    entity_id: Annotated[
        StrictStr | None, Field(description='BOS sends the batch_id.')
    ] = None
    entity_type: Annotated[
        StrictStr | None, Field(description='BOS sends `batch`.')
    ] = None
    parent_id: Annotated[
        StrictStr | None, Field(description='BaseEventData.parent_id.')
    ] = None
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING
    batch_id: StrictStr
    user_id: StrictStr
    org_id: StrictStr | None = None
    requested_pipeline: Annotated[
        StrictStr, Field(description='The requested pipeline name as received.')
    ]
    denial_reason: Annotated[
        StrictStr,
        Field(
            description='Free string in the model. Real BOS sends `insufficient_credits` | `rate_limit_exceeded`\n(Entitlements credit check). The reference implementation also denies with:\n- `batch_not_ready`: batch status is not ready_for_pipeline_execution;\n- `pipeline_active`: a non-final phase of the current pipeline is still active;\n- `unknown_pipeline`: requested_pipeline is not a known pipeline / PhaseName;\n- `resolution_failed`: BCS pipeline resolution failed (HTTP 400/empty pipeline);\n- `unknown_batch`: the batch is not registered.\n(The real BOS publishes no event for those cases; it raises or drops the request.) For non-credit\nreasons `required_credits`/`available_credits` are still required; send 0.'
        ),
    ]
    required_credits: StrictInt
    available_credits: StrictInt
    resource_breakdown: Annotated[
        dict[str, StrictInt] | None,
        Field(description='dict[str, int] | None, e.g. {"cj_comparison": 45}.'),
    ] = None
    denied_at: Annotated[
        AwareDatetime | MISSING,
        Field(
            description='Defaults to `datetime.utcnow()`. Real system: NAIVE, written without a timezone suffix, which fails `format: date-time`; clean rule: UTC with `Z`.'
        ),
    ] = MISSING


class PhaseSkippedV1(BaseModel):
    """
    `events/batch_coordination_events.py` (5.17), the "BatchPhaseSkipped" event. Not a BaseEventData subclass.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event: StrictStr = 'batch.phase.skipped'
    batch_id: StrictStr
    phase_name: Annotated[
        StrictStr, Field(description='A PhaseName value (typed str).')
    ]
    skip_reason: StrictStr = 'already_completed'
    storage_id: Annotated[StrictStr | None, Field(description='BCS never sets it.')] = (
        None
    )
    correlation_id: Annotated[UUID, Field(description='The BOS request correlation.')]
    metadata: Annotated[
        SystemProcessingMetadata,
        Field(description='entity_type=batch, event=batch.phase.skipped.'),
    ]


class BatchServiceSpellcheckInitiateCommandDataV1(BaseModel):
    """
    `batch_service_models.py` (5.18), BaseEventData subclass.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event_name: Annotated[
        ProcessingEvent,
        Field(
            description='ProcessingEvent value. Required (no default in the model); the producer sends `batch.spellcheck.initiate.command` (BATCH_SPELLCHECK_INITIATE_COMMAND).'
        ),
    ]
    entity_id: Annotated[
        StrictStr | None,
        Field(
            description='BOS sends the batch_id (ELS requires it for dispatch; it is the Kafka key).'
        ),
    ] = None
    entity_type: Annotated[
        StrictStr | None, Field(description='BOS sends `batch`.')
    ] = None
    parent_id: Annotated[StrictStr | None, Field(description='BOS sends null.')] = None
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING
    essays_to_process: Annotated[
        list[EssayProcessingInputRefV1],
        Field(
            description='The stored batch essays (original text ids). ELS only dispatches essays in status ready_for_processing.'
        ),
    ]
    language: Annotated[
        StrictStr,
        Field(
            description='`Language` value from the course code (`en`/`sv`). Typed `str` in the model; ELS converts it with `Language(value)`, so anything else fails.'
        ),
    ]


class EssayLifecycleSpellcheckRequestV1(BaseModel):
    """
    `essay_service_models.py` (5.19), ProcessingUpdate subclass; one per essay.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event_name: Annotated[
        ProcessingEvent,
        Field(
            description='ProcessingEvent value. Required (no default in the model); the producer sends `essay.spellcheck.requested` (ESSAY_SPELLCHECK_REQUESTED).'
        ),
    ]
    entity_id: Annotated[
        StrictStr | None, Field(description='ELS sends the essay_id (the Kafka key).')
    ] = None
    entity_type: Annotated[
        StrictStr | None, Field(description='ELS sends `essay`.')
    ] = None
    parent_id: Annotated[
        StrictStr | None, Field(description='ELS sends the batch_id.')
    ] = None
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING
    status: Annotated[
        EssayStatus | BatchStatus,
        Field(
            description='EssayStatus | BatchStatus (a union; the two share the value `content_ingestion_failed`). ELS sends `awaiting_spellcheck`.'
        ),
    ]
    system_metadata: Annotated[
        SystemProcessingMetadata,
        Field(
            description='ELS sends entity_id=essay_id, entity_type=essay, parent_id=batch_id, event=essay.spellcheck.requested, processing_stage=pending. Real system: the spellchecker takes the batch_id from system_metadata.parent_id on success and from the top-level parent_id on failure; set both.'
        ),
    ]
    text_storage_id: Annotated[
        StrictStr, Field(description="The essay's text storage id.")
    ]
    language: Annotated[
        StrictStr,
        Field(
            description='`Language` value from the course code (`en`/`sv`). Typed `str` in the model; ELS converts it with `Language(value)`, so anything else fails.'
        ),
    ]


class SpellcheckPhaseCompletedV1(BaseModel):
    """
    `events/spellcheck_models.py` (5.20): the thin per-essay result.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    entity_id: Annotated[StrictStr, Field(description='The essay_id.')]
    batch_id: StrictStr
    correlation_id: Annotated[
        StrictStr,
        Field(description='String form of the request correlation UUID (typed str).'),
    ]
    status: Annotated[
        ProcessingStatus,
        Field(
            description='`completed` = success; anything else (normally `failed`) counts as failure to ELS and BCS.'
        ),
    ]
    corrected_text_storage_id: Annotated[
        StrictStr | None,
        Field(
            description='Becomes processed_essays[].text_storage_id in the phase outcome; if null ELS falls back to the original text.'
        ),
    ] = None
    error_code: Annotated[
        StrictStr | None,
        Field(
            description='Real system: the spellchecker fills it with `str(system_metadata.error_info)[:100]` (a truncated dict repr).'
        ),
    ] = None
    processing_duration_ms: StrictInt
    timestamp: AwareDatetime


class SpellcheckResultV1(BaseModel):
    """
    `events/spellcheck_models.py` (5.21), ProcessingUpdate subclass: the rich per-essay result.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event_name: Annotated[
        ProcessingEvent,
        Field(
            description='ProcessingEvent value. Required (no default in the model); the producer sends `essay.spellcheck.completed` (ESSAY_SPELLCHECK_COMPLETED).'
        ),
    ]
    entity_id: Annotated[
        StrictStr | None, Field(description='The essay_id (the Kafka key).')
    ] = None
    entity_type: Annotated[StrictStr | None, Field(description='`essay`.')] = None
    parent_id: Annotated[StrictStr | None, Field(description='The batch_id.')] = None
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING
    status: Annotated[
        EssayStatus | BatchStatus,
        Field(
            description='EssayStatus | BatchStatus (a union; the two share the value `content_ingestion_failed`). The spellchecker sends `spellchecked_success` or `spellcheck_failed`.'
        ),
    ]
    system_metadata: Annotated[
        SystemProcessingMetadata,
        Field(
            description='processing_stage completed or failed, with error_info on failure.'
        ),
    ]
    batch_id: StrictStr
    correlation_id: Annotated[
        StrictStr,
        Field(description='String form of the request correlation UUID (typed str).'),
    ]
    user_id: StrictStr | None = None
    corrections_made: StrictInt
    correction_metrics: Annotated[
        SpellcheckMetricsV1,
        Field(
            description='Often a fallback: total=spellchecker=corrections, l2=0, word_count=0, density=0.0.'
        ),
    ]
    original_text_storage_id: StrictStr
    corrected_text_storage_id: StrictStr | None = None
    processing_duration_ms: StrictInt
    processor_version: StrictStr = 'pyspellchecker_1.0_L2_swedish'


class ELSBatchPhaseOutcomeV1(BaseModel):
    """
    `events/els_bos_events.py` (5.22). Not a BaseEventData subclass.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    batch_id: StrictStr
    phase_name: Annotated[
        PhaseName, Field(description='spellcheck | cj_assessment | nlp | ai_feedback.')
    ]
    phase_status: Annotated[
        BatchStatus,
        Field(
            description='ELS emits only completed_successfully (all essays succeeded), completed_with_failures (>= 1 succeeded, >= 1 failed) or failed_critically (none succeeded).'
        ),
    ]
    processed_essays: Annotated[
        list[EssayProcessingInputRefV1],
        Field(
            description="Successful essays only, with the phase's OUTPUT text id (spellcheck -> corrected text; cj_assessment -> the spellchecked text)."
        ),
    ]
    failed_essay_ids: list[StrictStr]
    correlation_id: Annotated[
        UUID | MISSING,
        Field(description='Defaults to uuid4(); ELS sends the pipeline correlation.'),
    ] = MISSING


class BatchServiceCJAssessmentInitiateCommandDataV1(BaseModel):
    """
    `batch_service_models.py` (5.23), BaseEventData subclass. It has no user_id/org_id fields: identity travels in envelope.metadata.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event_name: Annotated[
        ProcessingEvent,
        Field(
            description='ProcessingEvent value. Required (no default in the model); the producer sends `batch.cj_assessment.initiate.command` (BATCH_CJ_ASSESSMENT_INITIATE_COMMAND).'
        ),
    ]
    entity_id: Annotated[
        StrictStr | None,
        Field(
            description='BOS sends the batch_id (the Kafka key under the clean rule).'
        ),
    ] = None
    entity_type: Annotated[
        StrictStr | None, Field(description='BOS sends `batch`.')
    ] = None
    parent_id: Annotated[StrictStr | None, Field(description='BOS sends null.')] = None
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING
    essays_to_process: Annotated[
        list[EssayProcessingInputRefV1],
        Field(description='processed_essays of the spellcheck outcome.'),
    ]
    language: Annotated[
        StrictStr,
        Field(
            description='`Language` value from the course code (`en`/`sv`). Typed `str` in the model; ELS converts it with `Language(value)`, so anything else fails.'
        ),
    ]
    course_code: CourseCode
    student_prompt_ref: Annotated[
        StorageReferenceMetadata | None,
        Field(
            description='From the batch context (possibly set from prompt_payload.cms_prompt_ref).'
        ),
    ] = None
    class_type: Annotated[
        StrictStr,
        Field(
            description='`REGULAR` if the batch has a class_id, else `GUEST` (typed str).'
        ),
    ]
    assignment_id: Annotated[
        StrictStr | None,
        Field(description='From prompt_payload.assignment_id.', max_length=100),
    ] = None


class ELSCJAssessmentRequestV1(BaseModel):
    """
    `events/cj_assessment_events.py` (5.24), BaseEventData subclass; one per batch.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event_name: Annotated[
        ProcessingEvent,
        Field(
            description='ProcessingEvent value; defaults to `els.cj_assessment.requested` (ELS_CJ_ASSESSMENT_REQUESTED).'
        ),
    ] = ProcessingEvent.els_cj_assessment_requested
    entity_id: Annotated[
        StrictStr | None,
        Field(
            description='ELS sends the batch_id (CJ uses it as bos_batch_id; the Kafka key).'
        ),
    ] = None
    entity_type: Annotated[
        StrictStr | None, Field(description='ELS sends `batch`.')
    ] = None
    parent_id: Annotated[StrictStr | None, Field(description='ELS sends null.')] = None
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING
    system_metadata: Annotated[
        SystemProcessingMetadata,
        Field(
            description='entity_id=batch_id, entity_type=batch, event=els.cj_assessment.requested, processing_stage=pending.'
        ),
    ]
    essays_for_cj: Annotated[
        list[EssayProcessingInputRefV1],
        Field(description='The essays ELS moved to awaiting_cj_assessment.'),
    ]
    language: Annotated[
        StrictStr,
        Field(
            description='`Language` value from the course code (`en`/`sv`). Typed `str` in the model; ELS converts it with `Language(value)`, so anything else fails.'
        ),
    ]
    course_code: CourseCode
    student_prompt_ref: StorageReferenceMetadata | None = None
    llm_config_overrides: Annotated[
        LLMConfigOverrides | None, Field(description='Always null from ELS.')
    ] = None
    assignment_id: Annotated[StrictStr | None, Field(max_length=100)] = None
    user_id: Annotated[
        StrictStr,
        Field(
            description='From envelope metadata, else the ELS tracker, else `unknown-user`.'
        ),
    ]
    org_id: StrictStr | None = None


class LLMComparisonRequestV1(BaseModel):
    """
    The `LLMComparisonRequest` body (`api_models/llm_provider.py`, 5.25), carried as the `data` of an envelope on Kafka in this contract. In the deployed system it is the JSON body of HTTP `POST /api/v1/comparison` to the LLM Provider.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    user_prompt: Annotated[
        StrictStr, Field(description='Full prompt including both essays.')
    ]
    prompt_blocks: Annotated[
        list[dict[str, Any]] | None,
        Field(description='Cache-friendly prompt blocks, when available.'),
    ] = None
    callback_topic: Annotated[
        StrictStr,
        Field(
            description='Where the result goes: `huleedu.llm_provider.comparison_result.v1`.'
        ),
    ]
    llm_config_overrides: Annotated[
        LLMConfigOverridesHTTP | None, Field(description='Always set by CJ.')
    ] = None
    correlation_id: Annotated[
        UUID | None,
        Field(description='Unique per comparison pair; CJ matches the result by it.'),
    ] = None
    user_id: Annotated[StrictStr | None, Field(description='Not sent by CJ.')] = None
    metadata: Annotated[
        CJLLMComparisonMetadata,
        Field(
            description='dict[str, Any] in the model; CJ sends CJLLMComparisonMetadata.',
            validate_default=True,
        ),
    ] = {}


class LLMComparisonResultV11(BaseModel):
    """
    `events/llm_provider_events.py` (5.26). Validator `validate_exclusive_fields`: exactly one of `winner` and `error_detail` is set, and a set `winner` needs `justification` and `confidence` (expressed with `oneOf`).
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    request_id: Annotated[StrictStr, Field(description='The LLM Provider queue_id.')]
    correlation_id: Annotated[
        UUID,
        Field(
            description='The per-comparison correlation from the request; CJ looks the pair up by this field.'
        ),
    ]
    winner: Annotated[
        EssayComparisonWinner,
        Field(
            description="`Essay A`/`Essay B` (the field description's 'essay_a' is wrong)."
        ),
    ]
    justification: Annotated[StrictStr, Field(max_length=500)]
    confidence: Annotated[
        StrictFloat, Field(description='LPS sends internal(0..1)*4+1.', ge=1.0, le=5.0)
    ]
    error_detail: ErrorDetail | None = None
    provider: Annotated[
        LLMProviderType,
        Field(description='Error path: from the error details, else `openai`.'),
    ]
    model: Annotated[StrictStr, Field(description='Error path: `unknown`.')]
    response_time_ms: Annotated[StrictInt, Field(ge=0)]
    token_usage: Annotated[TokenUsage, Field(validate_default=True)] = {
        'prompt_tokens': 0,
        'completion_tokens': 0,
        'total_tokens': 0,
    }
    cost_estimate: Annotated[StrictFloat, Field(ge=0.0)]
    requested_at: AwareDatetime
    completed_at: AwareDatetime
    trace_id: StrictStr | None = None
    request_metadata: Annotated[
        CJLLMComparisonMetadata,
        Field(
            description='The request `metadata` echoed back (must contain essay_a_id/essay_b_id), plus prompt_sha256 and provider metadata. dict[str, Any] in the model.',
            validate_default=True,
        ),
    ] = {}


class LLMComparisonResultV12(BaseModel):
    """
    `events/llm_provider_events.py` (5.26). Validator `validate_exclusive_fields`: exactly one of `winner` and `error_detail` is set, and a set `winner` needs `justification` and `confidence` (expressed with `oneOf`).
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    request_id: Annotated[StrictStr, Field(description='The LLM Provider queue_id.')]
    correlation_id: Annotated[
        UUID,
        Field(
            description='The per-comparison correlation from the request; CJ looks the pair up by this field.'
        ),
    ]
    winner: Annotated[
        EssayComparisonWinner | None,
        Field(
            description="`Essay A`/`Essay B` (the field description's 'essay_a' is wrong)."
        ),
    ] = None
    justification: Annotated[StrictStr | None, Field(max_length=500)] = None
    confidence: Annotated[
        StrictFloat | None,
        Field(description='LPS sends internal(0..1)*4+1.', ge=1.0, le=5.0),
    ] = None
    error_detail: ErrorDetail
    provider: Annotated[
        LLMProviderType,
        Field(description='Error path: from the error details, else `openai`.'),
    ]
    model: Annotated[StrictStr, Field(description='Error path: `unknown`.')]
    response_time_ms: Annotated[StrictInt, Field(ge=0)]
    token_usage: Annotated[TokenUsage, Field(validate_default=True)] = {
        'prompt_tokens': 0,
        'completion_tokens': 0,
        'total_tokens': 0,
    }
    cost_estimate: Annotated[StrictFloat, Field(ge=0.0)]
    requested_at: AwareDatetime
    completed_at: AwareDatetime
    trace_id: StrictStr | None = None
    request_metadata: Annotated[
        CJLLMComparisonMetadata,
        Field(
            description='The request `metadata` echoed back (must contain essay_a_id/essay_b_id), plus prompt_sha256 and provider metadata. dict[str, Any] in the model.',
            validate_default=True,
        ),
    ] = {}


class LLMComparisonResultV1(RootModel[LLMComparisonResultV11 | LLMComparisonResultV12]):
    root: Annotated[
        LLMComparisonResultV11 | LLMComparisonResultV12,
        Field(
            description='`events/llm_provider_events.py` (5.26). Validator `validate_exclusive_fields`: exactly one of `winner` and `error_detail` is set, and a set `winner` needs `justification` and `confidence` (expressed with `oneOf`).',
            title='LLMComparisonResultV1',
        ),
    ]


class CJAssessmentCompletedV1(BaseModel):
    """
    `events/cj_assessment_events.py` (5.27), ProcessingUpdate subclass: the thin batch-level result.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event_name: Annotated[
        ProcessingEvent,
        Field(
            description='ProcessingEvent value; defaults to `cj_assessment.completed` (CJ_ASSESSMENT_COMPLETED).'
        ),
    ] = ProcessingEvent.cj_assessment_completed
    entity_id: Annotated[
        StrictStr | None,
        Field(description='The BOS batch_id (BCS and ELS require it; the Kafka key).'),
    ] = None
    entity_type: Annotated[StrictStr | None, Field(description='`batch`.')] = None
    parent_id: Annotated[StrictStr | None, Field(description='null.')] = None
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING
    status: Annotated[
        EssayStatus | BatchStatus,
        Field(
            description='EssayStatus | BatchStatus (a union; the two share the value `content_ingestion_failed`). CJ sends `completed_successfully` (BatchStatus) if any essay succeeded, else `failed_critically`.'
        ),
    ]
    system_metadata: Annotated[
        SystemProcessingMetadata,
        Field(
            description='entity_id=batch_id, entity_type=batch, processing_stage=completed, started_at, completed_at, event=cj_assessment.completed.'
        ),
    ]
    cj_assessment_job_id: Annotated[
        StrictStr, Field(description="CJ's internal batch id (a stringified int).")
    ]
    processing_summary: Annotated[ProcessingSummary, Field(description='Defaults to the empty summary; ELS uses only successful_essay_ids/failed_essay_ids.', validate_default=True)] = {
        'total_essays': 0,
        'successful': 0,
        'failed': 0,
        'successful_essay_ids': [],
        'failed_essay_ids': [],
        'processing_time_seconds': 0.0,
    }


class CJAssessmentFailedV1(BaseModel):
    """
    `events/cj_assessment_events.py` (5.28), ProcessingUpdate subclass.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event_name: Annotated[
        ProcessingEvent,
        Field(
            description='ProcessingEvent value; defaults to `cj_assessment.failed` (CJ_ASSESSMENT_FAILED).'
        ),
    ] = ProcessingEvent.cj_assessment_failed
    entity_id: Annotated[
        StrictStr | None, Field(description='The BOS batch_id (the Kafka key).')
    ] = None
    entity_type: Annotated[StrictStr | None, Field(description='`batch`.')] = None
    parent_id: Annotated[StrictStr | None, Field(description='null.')] = None
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING
    status: Annotated[
        EssayStatus | BatchStatus,
        Field(
            description='EssayStatus | BatchStatus (a union; the two share the value `content_ingestion_failed`). CJ sends `failed_critically` (BatchStatus).'
        ),
    ]
    system_metadata: Annotated[
        SystemProcessingMetadata,
        Field(
            description='processing_stage=failed, event=cj_assessment.failed, error_info set (see SystemProcessingMetadata).'
        ),
    ]
    cj_assessment_job_id: Annotated[
        StrictStr,
        Field(
            description="CJ's batch id. Real system: the request-handler failure path uses the literal `INITIALIZATION_FAILED`."
        ),
    ]


class AssessmentResultV1(BaseModel):
    """
    `AssessmentResultV1` (5.29), BaseEventData subclass: the rich CJ result for RAS.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event_name: Annotated[
        ProcessingEvent,
        Field(
            description='ProcessingEvent value; defaults to `assessment.result.published` (ASSESSMENT_RESULT_PUBLISHED).'
        ),
    ] = ProcessingEvent.assessment_result_published
    entity_id: Annotated[
        StrictStr | None, Field(description='BaseEventData.entity_id.')
    ] = None
    entity_type: Annotated[
        StrictStr | None, Field(description='BaseEventData.entity_type.')
    ] = None
    parent_id: Annotated[
        StrictStr | None, Field(description='BaseEventData.parent_id.')
    ] = None
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING
    batch_id: Annotated[StrictStr, Field(description='The BOS batch_id.')]
    cj_assessment_job_id: StrictStr
    assignment_id: Annotated[StrictStr | None, Field(max_length=100)] = None
    assessment_method: Annotated[StrictStr, Field(description='`cj_assessment`.')]
    model_used: StrictStr
    model_provider: StrictStr
    model_version: StrictStr | None = None
    essay_results: Annotated[
        list[EssayResultV1], Field(description='Includes anchors.')
    ]
    assessment_metadata: Annotated[
        dict[str, Any],
        Field(
            description='CJ sends anchor_essays_used, calibration_method, anchor_grade_distribution, comparison_count, processing_duration_seconds, llm_temperature, assignment_id, course_code.'
        ),
    ] = {}
    assessed_at: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING


class BatchPipelineCompletedV1(BaseModel):
    """
    `events/batch_coordination_events.py` (5.31). Not a BaseEventData subclass. Every field the reference implementation must send (completed_phases, final_status, successful_essay_count, failed_essay_count, processing_duration_seconds) exists in the real model; nothing is added by this contract.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event: StrictStr = 'batch.pipeline.completed'
    batch_id: StrictStr
    completed_phases: Annotated[
        list[StrictStr],
        Field(
            description="PhaseName values of the requested pipeline's phases that completed successfully, in order (typed list[str])."
        ),
    ]
    final_status: Annotated[
        FinalStatus,
        Field(
            description='Typed BatchStatus in the model. Real BOS: completed_with_failures if any requested phase state is failed, else completed_successfully; never failed_critically (see the message description).'
        ),
    ]
    processing_duration_seconds: Annotated[
        StrictFloat,
        Field(
            description="Clean rule: seconds from the first phase's dispatch to this event. Real system: now minus the earliest phase started_at, 0.0 when unknown (always for a single-phase pipeline)."
        ),
    ]
    successful_essay_count: Annotated[
        StrictInt,
        Field(
            description='Clean rule: the TRUE number of essays that completed the last phase. Real system: a heuristic (expected_essay_count, or expected_essay_count-1 if a phase failed).'
        ),
    ]
    failed_essay_count: Annotated[
        StrictInt,
        Field(
            description='Clean rule: the TRUE number of essays that failed in the pipeline. Real system: 0 or 1 (heuristic).'
        ),
    ]
    correlation_id: Annotated[UUID, Field(description='The pipeline correlation.')]
    metadata: Annotated[
        SystemProcessingMetadata,
        Field(
            description='entity_id=batch_id, entity_type=batch, event=batch.pipeline.completed.'
        ),
    ]


class BatchServiceNLPInitiateCommandDataV2(BaseModel):
    """
    `BatchServiceNLPInitiateCommandDataV2` (5.33), BaseEventData subclass. The fact sheet lists only `essays_to_process, language, student_prompt_ref=None`; inferred by this contract: `event_name` required like the other BOS initiate commands (BOS sends batch.nlp.initiate.command.v2), entity_id = batch_id and entity_type = batch as in the other BOS commands, essays_to_process and language required (no default given).
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event_name: Annotated[
        ProcessingEvent,
        Field(
            description='ProcessingEvent value. Required (no default in the model); the producer sends `batch.nlp.initiate.command.v2` (BATCH_NLP_INITIATE_COMMAND_V2).'
        ),
    ]
    entity_id: Annotated[
        StrictStr | None,
        Field(description='BOS sends the batch_id (inferred; the Kafka key).'),
    ] = None
    entity_type: Annotated[
        StrictStr | None, Field(description='BOS sends `batch` (inferred).')
    ] = None
    parent_id: Annotated[
        StrictStr | None, Field(description='BaseEventData.parent_id.')
    ] = None
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING
    essays_to_process: Annotated[
        list[EssayProcessingInputRefV1],
        Field(
            description="The stored batch essays (or the previous phase's processed_essays)."
        ),
    ]
    language: Annotated[
        StrictStr,
        Field(
            description='`Language` value from the course code (`en`/`sv`). Typed `str` in the model; ELS converts it with `Language(value)`, so anything else fails.'
        ),
    ]
    student_prompt_ref: StorageReferenceMetadata | None = None


class BatchNlpProcessingRequestedV2(BaseModel):
    """
    `BatchNlpProcessingRequestedV2` (5.33), BaseEventData subclass; one per batch. The fact sheet lists only `essays_to_process, language, batch_id, student_prompt_ref=None`; inferred by this contract: `event_name` required (no default is documented; ELS sends batch.nlp.processing.requested.v2) and the three listed fields without defaults are required.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event_name: Annotated[
        ProcessingEvent,
        Field(
            description='ProcessingEvent value. Required (no default in the model); the producer sends `batch.nlp.processing.requested.v2` (BATCH_NLP_PROCESSING_REQUESTED_V2).'
        ),
    ]
    entity_id: Annotated[
        StrictStr | None, Field(description='ELS sends the batch_id (inferred).')
    ] = None
    entity_type: Annotated[
        StrictStr | None, Field(description='ELS sends `batch` (inferred).')
    ] = None
    parent_id: Annotated[
        StrictStr | None, Field(description='BaseEventData.parent_id.')
    ] = None
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING
    essays_to_process: list[EssayProcessingInputRefV1]
    language: Annotated[
        StrictStr,
        Field(
            description='`Language` value from the course code (`en`/`sv`). Typed `str` in the model; ELS converts it with `Language(value)`, so anything else fails.'
        ),
    ]
    batch_id: StrictStr
    student_prompt_ref: StorageReferenceMetadata | None = None


class BatchNlpAnalysisCompletedV1(BaseModel):
    """
    `BatchNlpAnalysisCompletedV1` (5.33), ProcessingUpdate subclass. The fact sheet lists only `event_name=BATCH_NLP_ANALYSIS_COMPLETED, batch_id, processing_summary (same default shape as CJ)`; inferred by this contract: status/system_metadata as in every ProcessingUpdate (status a BatchStatus outcome like CJAssessmentCompletedV1), entity_id = batch_id, and ELS deriving the per-essay NLP results from processing_summary.successful_essay_ids/failed_essay_ids as it does for CJ.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event_name: Annotated[
        ProcessingEvent,
        Field(
            description='ProcessingEvent value; defaults to `batch.nlp.analysis.completed` (BATCH_NLP_ANALYSIS_COMPLETED).'
        ),
    ] = ProcessingEvent.batch_nlp_analysis_completed
    entity_id: Annotated[
        StrictStr | None, Field(description='The batch_id (inferred).')
    ] = None
    entity_type: Annotated[
        StrictStr | None, Field(description='`batch` (inferred).')
    ] = None
    parent_id: Annotated[
        StrictStr | None, Field(description='BaseEventData.parent_id.')
    ] = None
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING
    status: Annotated[
        EssayStatus | BatchStatus,
        Field(
            description='EssayStatus | BatchStatus (a union; the two share the value `content_ingestion_failed`). Inferred: `completed_successfully` if any essay succeeded, else `failed_critically`.'
        ),
    ]
    system_metadata: Annotated[
        SystemProcessingMetadata,
        Field(
            description='entity_id=batch_id, entity_type=batch, event=batch.nlp.analysis.completed (inferred).'
        ),
    ]
    batch_id: StrictStr
    processing_summary: Annotated[ProcessingSummary, Field(description='Same default shape as CJAssessmentCompletedV1.', validate_default=True)] = {
        'total_essays': 0,
        'successful': 0,
        'failed': 0,
        'successful_essay_ids': [],
        'failed_essay_ids': [],
        'processing_time_seconds': 0.0,
    }


class TeacherNotificationRequestedV1(BaseModel):
    """
    `events/notification_events.py:17-49`. Plain BaseModel, not a BaseEventData subclass: no `event_name` or `entity_*`. The WebSocket Service parses it with `TeacherNotificationRequestedV1(**envelope["data"])`.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    teacher_id: Annotated[
        StrictStr,
        Field(
            description="The teacher to notify (the batch's user_id; the sender has authorised it). The Kafka key."
        ),
    ]
    notification_type: Annotated[
        StrictStr,
        Field(
            description='Free string. Emitted: batch_processing_started, pipeline_completed (BOS); batch_spellcheck_completed, batch_cj_assessment_completed, batch_nlp_completed (ELS); class_created, student_added_to_class (CMS); batch_files_uploaded, batch_file_removed, batch_validation_failed (File Service); batch_results_ready, batch_assessment_completed (RAS). Defined but never sent: pipeline_denied_insufficient_credits, pipeline_denied_rate_limit (BOS), validation_timeout_processed, student_associations_confirmed (CMS).'
        ),
    ]
    category: WebSocketEventCategory
    priority: NotificationPriority
    payload: Annotated[
        dict[str, Any],
        Field(
            description='dict[str, Any], type-specific (e.g. batch_id, counts, a `message` text).'
        ),
    ]
    action_required: Annotated[
        StrictBool,
        Field(description="True only for the File Service's batch_validation_failed."),
    ] = False
    deadline_timestamp: Annotated[
        AwareDatetime | None, Field(description='No publisher sets it.')
    ] = None
    correlation_id: Annotated[
        StrictStr,
        Field(
            description="A plain string, NOT a UUID: the correlation of the event the notification projects (BOS, ELS, RAS: the pipeline correlation; File Service: BatchFileAddedV1's or EssayValidationFailedV1's); may be empty or a class id. BOS turns it into the envelope correlation with UUID(), which fails for a non-UUID."
        ),
    ]
    batch_id: Annotated[
        StrictStr | None,
        Field(description='The related batch (null for CMS class notifications).'),
    ] = None
    class_id: Annotated[
        StrictStr | None, Field(description='The related class (CMS).')
    ] = None
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(
            description='Defaults to now(UTC) in the producer (BOS, ELS and the File Service also use it as event_timestamp).'
        ),
    ] = MISSING


class ResourceConsumptionV1(BaseModel):
    """
    `events/resource_consumption_events.py:24-56`, BaseEventData subclass: billable resource usage reported to Entitlements.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event_name: Annotated[
        ProcessingEvent,
        Field(
            description='ProcessingEvent value; defaults to `resource.consumption.reported` (RESOURCE_CONSUMPTION_REPORTED).'
        ),
    ] = ProcessingEvent.resource_consumption_reported
    entity_id: Annotated[
        StrictStr | None,
        Field(description='CJ sends the BOS batch_id (the Kafka key).'),
    ] = None
    entity_type: Annotated[
        StrictStr | None,
        Field(
            description='CJ sends `batch`; Entitlements takes entity_id as the batch id only then.'
        ),
    ] = None
    parent_id: Annotated[
        StrictStr | None, Field(description='BaseEventData.parent_id; not set.')
    ] = None
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING
    user_id: Annotated[
        StrictStr,
        Field(
            description='The user who owns the workload (CJ publishes nothing without one).'
        ),
    ]
    org_id: StrictStr | None = None
    resource_type: Annotated[
        StrictStr, Field(description='Billable metric; CJ sends `cj_comparison`.')
    ]
    quantity: Annotated[
        StrictInt,
        Field(
            description='Resources consumed (ge=0). CJ: n*(n-1)/2 over the student essays (anchors excluded).',
            ge=0,
        ),
    ]
    service_name: Annotated[
        StrictStr, Field(description='CJ sends `cj_assessment_service`.')
    ]
    processing_id: Annotated[StrictStr, Field(description="CJ's internal batch id.")]
    consumed_at: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING


class BatchValidationErrorsV1(BaseModel):
    """
    `events/batch_coordination_events.py:231-249`. Not a BaseEventData subclass: no `event_name`.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event: Annotated[
        StrictStr,
        Field(
            description='Neither the ProcessingEvent value (`batch.validation.errors`) nor the topic.'
        ),
    ] = 'batch.validation.errors.v1'
    batch_id: StrictStr
    failed_essays: list[EssayValidationError]
    error_summary: BatchErrorSummary
    correlation_id: Annotated[
        UUID | MISSING, Field(description='Defaults to uuid4().')
    ] = MISSING
    metadata: Annotated[
        SystemProcessingMetadata,
        Field(description='entity_type=batch (inferred; no publisher at HEAD).'),
    ]


class BatchResultsReadyV1(BaseModel):
    """
    `events/result_events.py:34-49`, ProcessingUpdate subclass: every phase of the batch has a result.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event_name: Annotated[
        ProcessingEvent,
        Field(
            description='ProcessingEvent value; defaults to `batch.results.ready` (BATCH_RESULTS_READY).'
        ),
    ] = ProcessingEvent.batch_results_ready
    entity_id: Annotated[
        StrictStr | None,
        Field(description='BaseEventData.entity_id; RAS does not set it.'),
    ] = None
    entity_type: Annotated[
        StrictStr | None,
        Field(description='BaseEventData.entity_type; RAS does not set it.'),
    ] = None
    parent_id: Annotated[
        StrictStr | None, Field(description='BaseEventData.parent_id.')
    ] = None
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING
    status: Annotated[
        EssayStatus | BatchStatus,
        Field(
            description='EssayStatus | BatchStatus (a union; the two share the value `content_ingestion_failed`). RAS sends overall_status.'
        ),
    ]
    system_metadata: Annotated[
        SystemProcessingMetadata,
        Field(
            description='entity_id=batch_id, entity_type=batch, event=results_ready.'
        ),
    ]
    batch_id: StrictStr
    user_id: StrictStr
    total_essays: StrictInt
    completed_essays: Annotated[
        StrictInt,
        Field(description='Essays whose spellcheck or CJ assessment completed.'),
    ]
    phase_results: Annotated[
        dict[str, PhaseResultSummary],
        Field(
            description='dict[str, PhaseResultSummary] keyed by phase name; RAS always writes `spellcheck` and `cj_assessment`.'
        ),
    ]
    overall_status: Annotated[
        BatchStatus,
        Field(
            description='RAS sends completed_with_failures if any phase has failures, else completed_successfully.'
        ),
    ]
    processing_duration_seconds: Annotated[
        StrictFloat,
        Field(
            description='Processing end (or now) minus processing start; 0.0 when unknown.'
        ),
    ]


class BatchAssessmentCompletedV1(BaseModel):
    """
    `events/result_events.py:52-64`, ProcessingUpdate subclass: RAS has stored the CJ result of the batch.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event_name: Annotated[
        ProcessingEvent,
        Field(
            description='ProcessingEvent value; defaults to `batch.assessment.completed` (BATCH_ASSESSMENT_COMPLETED).'
        ),
    ] = ProcessingEvent.batch_assessment_completed
    entity_id: Annotated[
        StrictStr | None,
        Field(description='BaseEventData.entity_id; RAS does not set it.'),
    ] = None
    entity_type: Annotated[
        StrictStr | None,
        Field(description='BaseEventData.entity_type; RAS does not set it.'),
    ] = None
    parent_id: Annotated[
        StrictStr | None, Field(description='BaseEventData.parent_id.')
    ] = None
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING
    status: Annotated[
        EssayStatus | BatchStatus,
        Field(
            description='EssayStatus | BatchStatus (a union; the two share the value `content_ingestion_failed`). RAS always sends `completed_successfully`.'
        ),
    ]
    system_metadata: Annotated[
        SystemProcessingMetadata,
        Field(
            description='entity_id=batch_id, entity_type=batch, event=assessment_completed.'
        ),
    ]
    batch_id: StrictStr
    user_id: StrictStr
    assessment_job_id: Annotated[
        StrictStr, Field(description='AssessmentResultV1.cj_assessment_job_id.')
    ]
    rankings_summary: Annotated[
        list[dict[str, Any]],
        Field(
            description='list[dict[str, Any]]; RAS writes one item per student essay: essay_id, rank, score (BT score), letter_grade, confidence_score, confidence_label.'
        ),
    ]


class LLMRequestStartedV1(BaseModel):
    """
    `events/llm_provider_events.py:14-21`. Plain BaseModel.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    provider: Annotated[
        LLMProviderType,
        Field(description='An unknown provider name is sent as `mock`.'),
    ]
    request_type: Annotated[StrictStr, Field(description='`comparison` in practice.')]
    correlation_id: Annotated[
        UUID,
        Field(
            description="The comparison request's correlation id (= the envelope's)."
        ),
    ]
    user_id: StrictStr | None = None
    metadata: Annotated[
        dict[str, Any],
        Field(description='`{request_type, **overrides}` of the request.'),
    ] = {}


class LLMRequestCompletedV1(BaseModel):
    """
    `events/llm_provider_events.py:24-35`. Plain BaseModel.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    provider: Annotated[
        LLMProviderType,
        Field(description='An unknown provider name is sent as `mock`.'),
    ]
    request_type: Annotated[StrictStr, Field(description='`comparison` in practice.')]
    correlation_id: Annotated[
        UUID,
        Field(
            description="The comparison request's correlation id (= the envelope's)."
        ),
    ]
    success: StrictBool
    response_time_ms: StrictInt
    error_message: StrictStr | None = None
    token_usage: Annotated[
        dict[str, StrictInt] | None,
        Field(
            description='dict[str, int] | None (prompt_tokens, completion_tokens, total_tokens).'
        ),
    ] = None
    cost_estimate: StrictFloat | None = None
    metadata: Annotated[
        dict[str, Any],
        Field(
            description='What the caller passed (request_type, token_usage, cost_estimate, model_used, processing_context, or error_message and failure_type on a failure).'
        ),
    ] = {}


class LLMProviderFailureV1(BaseModel):
    """
    `events/llm_provider_events.py:38-46`. Plain BaseModel.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    provider: Annotated[
        LLMProviderType,
        Field(description='An unknown provider name is sent as `mock`.'),
    ]
    failure_type: Annotated[
        StrictStr,
        Field(
            description='Free string, e.g. `provider_error`, `timeout`, `rate_limit`, `service_unavailable`.'
        ),
    ]
    correlation_id: Annotated[
        UUID,
        Field(
            description="The comparison request's correlation id (= the envelope's)."
        ),
    ]
    error_details: StrictStr
    circuit_breaker_opened: StrictBool = False
    metadata: Annotated[
        dict[str, Any],
        Field(description='The LLM Provider writes `{timestamp: <ISO-8601>}`.'),
    ] = {}


class CreditBalanceChangedV1(BaseModel):
    """
    `entitlements_models.py:69-74`. Plain BaseModel.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    subject: Annotated[
        SubjectRefV1,
        Field(
            description="The balance that changed (the user's or the org's, whichever paid). Its id is the Kafka key."
        ),
    ]
    delta: Annotated[StrictInt, Field(description='Negative for a debit.')]
    new_balance: StrictInt
    reason: Annotated[
        StrictStr,
        Field(description='Free string; Entitlements sends `credit_operation`.'),
    ]
    correlation_id: Annotated[
        StrictStr,
        Field(
            description="A plain string, the correlation of the operation (for a ResourceConsumptionV1, its envelope's)."
        ),
    ]


class UsageRecordedV1(BaseModel):
    """
    `entitlements_models.py:60-66`. Plain BaseModel.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    subject: Annotated[
        SubjectRefV1,
        Field(description='Whoever paid (user or org). Its id is the Kafka key.'),
    ]
    metric: Annotated[
        StrictStr, Field(description='The metric consumed, e.g. `cj_comparison`.')
    ]
    amount: StrictInt = 1
    period_start: Annotated[
        AwareDatetime,
        Field(description='Entitlements sends now(UTC) for both ends of the period.'),
    ]
    period_end: Annotated[
        AwareDatetime, Field(description='Equal to period_start in practice.')
    ]
    correlation_id: Annotated[
        StrictStr,
        Field(
            description="A plain string, the correlation of the operation (for a ResourceConsumptionV1, its envelope's)."
        ),
    ]


class RateLimitExceededV1(BaseModel):
    """
    `entitlements_models.py:77-82`. Plain BaseModel.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    subject: Annotated[
        SubjectRefV1,
        Field(description='Always the user (type `user`). Its id is the Kafka key.'),
    ]
    metric: StrictStr
    limit: StrictInt
    window_seconds: StrictInt
    correlation_id: Annotated[
        StrictStr,
        Field(
            description="A plain string: the caller's correlation id, or `rate_limit_<user_id>_<metric>_<current_count>` when there is none (always in check_credits)."
        ),
    ]


class GrammarAnalysis(BaseModel):
    """
    `events/nlp_events.py:216-230`: the Language Tool grammar check of one essay.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    error_count: StrictInt
    errors: Annotated[list[GrammarError], Field(validate_default=True)] = []
    language: Annotated[StrictStr, Field(description='The language the check used.')]
    processing_time_ms: StrictInt = 0
    grammar_category_counts: Annotated[
        dict[str, StrictInt] | None, Field(description='Errors per category.')
    ] = None
    grammar_rule_counts: Annotated[
        dict[str, StrictInt] | None, Field(description='Errors per rule.')
    ] = None


class ClientBatchPipelineRequestV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.commands.batch.pipeline.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: ClientBatchPipelineRequestV1


class BatchEssaysRegisteredPayload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.batch.essays.registered.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: BatchEssaysRegistered


class EssayValidationFailedV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.file.essay.validation.failed.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: EssayValidationFailedV1


class BatchContentProvisioningCompletedV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.batch.content.provisioning.completed.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: BatchContentProvisioningCompletedV1


class BatchServiceStudentMatchingInitiateCommandDataV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.batch.student.matching.initiate.command.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: BatchServiceStudentMatchingInitiateCommandDataV1


class BatchStudentMatchingRequestedV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.batch.student.matching.requested.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: BatchStudentMatchingRequestedV1


class BatchAuthorMatchesSuggestedV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.batch.author.matches.suggested.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: BatchAuthorMatchesSuggestedV1


class StudentAssociationsConfirmedV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.class.student.associations.confirmed.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: StudentAssociationsConfirmedV1


class BatchEssaysReadyPayload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.els.batch.essays.ready.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: BatchEssaysReady


class PipelineDeniedV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.pipeline.denied.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: PipelineDeniedV1


class PhaseSkippedV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.batch.phase.skipped.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: PhaseSkippedV1


class BatchServiceSpellcheckInitiateCommandDataV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.els.spellcheck.initiate.command.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: BatchServiceSpellcheckInitiateCommandDataV1


class EssayLifecycleSpellcheckRequestV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.essay.spellcheck.requested.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: EssayLifecycleSpellcheckRequestV1


class SpellcheckPhaseCompletedV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.batch.spellcheck.phase.completed.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: SpellcheckPhaseCompletedV1


class SpellcheckResultV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.essay.spellcheck.results.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: SpellcheckResultV1


class ELSBatchPhaseOutcomeV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.els.batch.phase.outcome.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: ELSBatchPhaseOutcomeV1


class BatchServiceCJAssessmentInitiateCommandDataV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.batch.cj_assessment.initiate.command.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: BatchServiceCJAssessmentInitiateCommandDataV1


class ELSCJAssessmentRequestV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.els.cj_assessment.requested.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: ELSCJAssessmentRequestV1


class LLMComparisonRequestV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.llm_provider.comparison_request.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: LLMComparisonRequestV1


class LLMComparisonResultV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.llm_provider.comparison_result.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: LLMComparisonResultV1


class CJAssessmentCompletedV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.cj_assessment.completed.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: CJAssessmentCompletedV1


class CJAssessmentFailedV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.cj_assessment.failed.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: CJAssessmentFailedV1


class AssessmentResultV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.assessment.result.published.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: AssessmentResultV1


class BatchPipelineCompletedV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.batch.pipeline.completed.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: BatchPipelineCompletedV1


class BatchServiceNLPInitiateCommandDataV2Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.batch.nlp.initiate.command.v2'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: BatchServiceNLPInitiateCommandDataV2


class BatchNlpProcessingRequestedV2Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.batch.nlp.processing.requested.v2'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: BatchNlpProcessingRequestedV2


class BatchNlpAnalysisCompletedV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.batch.nlp.analysis.completed.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: BatchNlpAnalysisCompletedV1


class TeacherNotificationRequestedV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.notification.teacher.requested.v1'],
        Field(
            description='Breaking here, not a rule - the WebSocket Service drops a notification whose event_type is not the topic.'
        ),
    ]
    data: TeacherNotificationRequestedV1


class ResourceConsumptionV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.resource.consumption.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: ResourceConsumptionV1


class BatchValidationErrorsV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.els.batch.validation.errors.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: BatchValidationErrorsV1


class BatchResultsReadyV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.ras.batch.results.ready.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: BatchResultsReadyV1


class BatchAssessmentCompletedV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.ras.batch.assessment.completed.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: BatchAssessmentCompletedV1


class LLMRequestStartedV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.llm_provider.request_started.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: LLMRequestStartedV1


class LLMRequestCompletedV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.llm_provider.request_completed.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: LLMRequestCompletedV1


class LLMProviderFailureV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.llm_provider.failure.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: LLMProviderFailureV1


class CreditBalanceChangedV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.entitlements.credit.balance.changed.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: CreditBalanceChangedV1


class UsageRecordedV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.entitlements.usage.recorded.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: UsageRecordedV1


class RateLimitExceededV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.entitlements.rate_limit.exceeded.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: RateLimitExceededV1


class EssayNlpCompletedV1(BaseModel):
    """
    `events/nlp_events.py:233-261`, BaseEventData subclass: the NLP and grammar analysis of one essay.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    event_name: Annotated[
        ProcessingEvent,
        Field(
            description='ProcessingEvent value; defaults to `essay.nlp.completed` (ESSAY_NLP_COMPLETED).'
        ),
    ] = ProcessingEvent.essay_nlp_completed
    entity_id: Annotated[
        StrictStr | None, Field(description='NLP sends the essay_id.')
    ] = None
    entity_type: Annotated[
        StrictStr | None, Field(description='NLP sends `essay`.')
    ] = None
    parent_id: Annotated[
        StrictStr | None,
        Field(description='NLP sends null (no batch id in the event).'),
    ] = None
    timestamp: Annotated[
        AwareDatetime | MISSING,
        Field(description='Defaults to now(UTC) in the producer.'),
    ] = MISSING
    essay_id: StrictStr
    text_storage_id: Annotated[
        StrictStr, Field(description='Storage id of the essay text analysed.')
    ]
    nlp_metrics: NlpMetrics
    grammar_analysis: GrammarAnalysis
    processing_metadata: Annotated[
        dict[str, Any],
        Field(
            description='dict[str, Any]. NLP sends `{source: nlp_service, phase: phase_2_analysis}`, plus optional feature_outputs, student_prompt_text, essay_instructions, student_prompt_storage_id.'
        ),
    ] = {}


class EssayNlpCompletedV1Payload(EventEnvelope):
    model_config = ConfigDict(
        validate_by_name=True,
    )
    event_type: Annotated[
        Literal['huleedu.essay.nlp.completed.v1'],
        Field(
            description='Must equal the channel address (the Kafka topic). Each message narrows it with `const`.'
        ),
    ]
    data: EssayNlpCompletedV1
