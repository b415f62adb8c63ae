# Generated from openapi.yaml by `python -m harness.models.generate` (datamodel-code-generator 0.89.0): do not edit.
# Pydantic lets a model narrow a field it inherits (EventEnvelope.data to one
# message's model) and validates structured defaults (validate_default=True); mypy
# reads both as incompatible assignments, so that one error code is off here.
# mypy: disable-error-code="assignment"

from __future__ import annotations

from enum import Enum, StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID

from harness.models._asyncapi import (
    AnyErrorCode,
    BatchStatus,
    CourseCode,
    ErrorDetail,
    LLMComparisonRequestV1,
    PhaseName,
    PipelineExecutionStatus,
    StorageReferenceMetadata,
)
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
from typing_extensions import TypeAliasType


class ErrorResponse(BaseModel):
    """
    `{"error": ErrorDetail}`: the Content Service's error body, and what this project's own services answer for every refusal (harness/http_app.py).
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    error: ErrorDetail


class MessageErrorResponse(BaseModel):
    """
    The plain error body most real routes write with `jsonify({"error": "<text>", ...})`: BOS (batch_routes.py), BCS (pipeline_routes.py: 500 and phases/complete), CMS (class_routes.py), LPS (llm_routes.py) and the Entitlements app-level handlers (app.py). Only `error` is always there; the other keys are those the real routes add.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    error: Annotated[
        StrictStr,
        Field(
            description='A sentence, or a short code (`validation_error`, Entitlements).'
        ),
    ]
    details: Annotated[
        Any | MISSING,
        Field(
            description='Free form: pydantic `errors()` (BOS registration, Entitlements), a text (LPS, BOS preflight), or the BCS answer (BOS preflight).'
        ),
    ] = MISSING
    detail: Annotated[Any | MISSING, Field(description='Free form.')] = MISSING
    message: StrictStr | MISSING = MISSING
    service: StrictStr | MISSING = MISSING
    correlation_id: StrictStr | MISSING = MISSING
    batch_id: StrictStr | MISSING = MISSING


class ServiceErrorBody(BaseModel):
    """
    The inner object of ServiceErrorResponse.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    code: AnyErrorCode
    message: StrictStr
    correlation_id: UUID
    service: StrictStr
    timestamp: Annotated[
        AwareDatetime,
        Field(
            description='`datetime.now(timezone.utc).isoformat()` (`+00:00` offset).'
        ),
    ]
    details: dict[str, Any]


class Error(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    error_code: Literal['UNKNOWN_ERROR']
    message: StrictStr
    correlation_id: UUID
    content_id: Annotated[
        StrictStr | MISSING, Field(description='Only on a download.')
    ] = MISSING


class ContentUnexpectedErrorResponse(BaseModel):
    """
    The Content Service's 500 body (content_routes.py), a partial ErrorDetail.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    error: Error


class PydanticErrorItem(BaseModel):
    """
    One item of pydantic v2 `ValidationError.errors()`.
    """

    model_config = ConfigDict(
        extra='allow',
        validate_by_name=True,
    )
    type: StrictStr
    loc: list[StrictStr | StrictInt]
    msg: StrictStr
    input: Annotated[
        Any | MISSING, Field(description='The offending input, any JSON value.')
    ] = MISSING
    ctx: dict[str, Any] | MISSING = MISSING
    url: StrictStr | MISSING = MISSING


class EssayId(RootModel[StrictStr]):
    root: Annotated[StrictStr, Field(min_length=1)]


class BatchRegistrationRequestV1(BaseModel):
    """
    `common_core.api_models.batch_registration.BatchRegistrationRequestV1` (fact sheet 5.1). The API Gateway sends every key (null when unset) except assignment_id. Not expressible here: when `essay_ids` is given its length must equal `expected_essay_count` (model validator); the reference BOS also needs them distinct.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    expected_essay_count: Annotated[StrictInt, Field(gt=0)]
    essay_ids: Annotated[
        list[EssayId] | None,
        Field(
            description='At least one id when given. The real BOS ignores them and generates its own essay ids; the reference BOS uses them as slot ids.'
        ),
    ] = None
    course_code: CourseCode
    student_prompt_ref: Annotated[
        StorageReferenceMetadata | None,
        Field(
            description='Content Service reference of the student prompt (may be attached later).'
        ),
    ] = None
    user_id: Annotated[
        StrictStr,
        Field(description='The owner (the JWT sub claim, set by the API Gateway).'),
    ]
    org_id: Annotated[
        StrictStr | None,
        Field(
            description='Organisation for credit attribution; null for individual users.'
        ),
    ] = None
    class_id: Annotated[
        StrictStr | None,
        Field(
            description='Set for REGULAR batches (student matching), null for GUEST batches.'
        ),
    ] = None
    cj_default_llm_model: StrictStr | None = None
    cj_default_temperature: Annotated[StrictFloat | None, Field(ge=0.0, le=2.0)] = None
    assignment_id: Annotated[StrictStr | None, Field(max_length=100)] = None


class BatchRegisteredResponse(BaseModel):
    """
    The 202 body of registerBatch (batch_routes.py `register_batch`); the reference BOS answers the same.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    batch_id: Annotated[StrictStr, Field(description='A new uuid4, as a string.')]
    correlation_id: Annotated[
        UUID,
        Field(description='The registration correlation id (header, or a new uuid4).'),
    ]
    status: Literal['registered']


class BatchType(StrEnum):
    guest = 'GUEST'
    regular = 'REGULAR'


class Essay(BaseModel):
    model_config = ConfigDict(
        extra='allow',
        validate_by_name=True,
    )
    essay_id: StrictStr
    text_storage_id: StrictStr


class StudentMatching(BaseModel):
    model_config = ConfigDict(
        extra='allow',
        validate_by_name=True,
    )
    associations_confirmed: StrictBool | MISSING = MISSING
    essays_ready: StrictBool | MISSING = MISSING


class Status(StrEnum):
    awaiting_resolution = 'awaiting_resolution'
    active = 'active'
    finished = 'finished'


class EssayProcessingCounts(BaseModel):
    """
    `common_core.pipeline_models.EssayProcessingCounts`; every count defaults to 0.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    total: Annotated[StrictInt, Field(ge=0)] = 0
    pending_dispatch_or_processing: Annotated[StrictInt, Field(ge=0)] = 0
    successful: Annotated[StrictInt, Field(ge=0)] = 0
    failed: Annotated[StrictInt, Field(ge=0)] = 0


class PreflightRequest(BaseModel):
    """
    The API Gateway posts `{}`; BOS reads no body.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )


ResourceBreakdownAdditionalProperty = TypeAliasType(
    "ResourceBreakdownAdditionalProperty", Annotated[StrictInt, Field(ge=0)]
)


class PreflightResponse(BaseModel):
    """
    The 200/402/429 body of preflightPipeline (batch_routes.py `preflight_pipeline`).
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    allowed: StrictBool
    denial_reason: Annotated[
        StrictStr | MISSING,
        Field(
            description='Only when not allowed; `insufficient_credits` (also the default when Entitlements gives none), `rate_limit_exceeded` (429) or another Entitlements reason.'
        ),
    ] = MISSING
    batch_id: StrictStr
    requested_pipeline: StrictStr
    resolved_pipeline: list[PhaseName]
    required_credits: Annotated[StrictInt, Field(ge=0)]
    available_credits: Annotated[
        StrictInt,
        Field(
            description="Entitlements' figure (0 for a free pipeline, which is not checked)."
        ),
    ]
    resource_breakdown: Annotated[
        dict[str, ResourceBreakdownAdditionalProperty],
        Field(
            description='`{cj_comparison, ai_feedback_generation}` for billable pipelines, `{}` for free ones.'
        ),
    ]
    correlation_id: UUID


class BatchMetadata(BaseModel):
    """
    Free dict. BOS sends prompt_attached and prompt_source (and assignment_id when known); the reference BOS adds is_retry.
    """

    model_config = ConfigDict(
        extra='allow',
        validate_by_name=True,
    )
    prompt_attached: Annotated[
        StrictBool | MISSING,
        Field(
            description='Required truthy for cj_assessment, nlp and ai_feedback (real BCS compatibility rule).'
        ),
    ] = MISSING
    prompt_source: Annotated[
        StrictStr | MISSING, Field(description='none, canonical, cms or context.')
    ] = MISSING
    assignment_id: StrictStr | MISSING = MISSING
    is_retry: Annotated[
        StrictBool | MISSING,
        Field(
            description="This project's reference BOS only (keeps the retried phase from being pruned)."
        ),
    ] = MISSING


class BCSPipelineDefinitionRequestV1(BaseModel):
    """
    `services/batch_conductor_service/api_models.py` (fact sheet 5.15); strings are stripped.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    batch_id: Annotated[StrictStr, Field(max_length=255, min_length=1)]
    requested_pipeline: Annotated[
        StrictStr,
        Field(
            description='The model says str (1..100). Resolvable: a PhaseName that is also a pipeline key (cj_assessment, nlp, ai_feedback); any other name is answered with the 400 "Pipeline resolution failed".',
            max_length=100,
            min_length=1,
        ),
    ]
    correlation_id: Annotated[
        UUID,
        Field(
            description="The pipeline request's correlation id. The model says str (1..100); the real BCS answers 500 when it is not a UUID."
        ),
    ]
    batch_metadata: Annotated[
        BatchMetadata | None,
        Field(
            description='Free dict. BOS sends prompt_attached and prompt_source (and assignment_id when known); the reference BOS adds is_retry.'
        ),
    ] = None


class BCSPipelineDefinitionResponseV1(BaseModel):
    """
    `services/batch_conductor_service/api_models.py`. The real BCS never answers 200 with an empty final_pipeline (that is its 400); the reference BCS does when every phase is already done.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    batch_id: StrictStr
    final_pipeline: Annotated[
        list[PhaseName],
        Field(description='Phases to run, dependencies first, completed ones pruned.'),
    ]
    analysis_summary: StrictStr | None = None


class Reason(StrEnum):
    """
    This project's reference BCS only.
    """

    unknown_pipeline = 'unknown_pipeline'
    phase_unavailable = 'phase_unavailable'
    compatibility_failed = 'compatibility_failed'
    nothing_to_run = 'nothing_to_run'


class BCSPipelineResolutionFailedResponse(BaseModel):
    """
    The BCS 400 for a pipeline it cannot resolve: `{"error": "Pipeline resolution failed", "detail": analysis_summary}` (pipeline_routes.py). The reference BCS adds `reason`.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    error: Literal['Pipeline resolution failed']
    detail: Annotated[
        StrictStr | None,
        Field(
            description="The resolution's analysis_summary (`Pipeline resolution failed: <why>`)."
        ),
    ]
    reason: Annotated[
        Reason | MISSING, Field(description="This project's reference BCS only.")
    ] = MISSING


class PhaseCompletionRequest(BaseModel):
    """
    The body of completePhase (pipeline_routes.py `record_phase_completion`; no pydantic model: the route reads the keys).
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    batch_id: Annotated[StrictStr, Field(min_length=1)]
    phase_name: PhaseName
    success: StrictBool = True


class Status1(StrEnum):
    recorded = 'recorded'
    acknowledged = 'acknowledged'


class PhaseCompletionResponse(BaseModel):
    """
    The 200 body of completePhase: real `status: recorded`; the reference BCS answers `acknowledged` with the request's keys.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    status: Status1
    batch_id: StrictStr
    phase_name: StrictStr
    success: Annotated[
        StrictBool | MISSING,
        Field(description='Reference BCS only (echoed from the request).'),
    ] = MISSING


class Phases(StrEnum):
    completed = 'completed'
    failed = 'failed'


class Status2(StrEnum):
    requested = 'requested'
    active = 'active'
    completed = 'completed'
    failed = 'failed'
    superseded = 'superseded'


class Run(BaseModel):
    model_config = ConfigDict(
        extra='allow',
        validate_by_name=True,
    )
    correlation_id: StrictStr
    requested_pipeline: StrictStr
    final_pipeline: list[StrictStr]
    skipped: list[StrictStr] | MISSING = MISSING
    requested_at: Annotated[
        StrictFloat | MISSING, Field(description='Epoch seconds.')
    ] = MISSING
    status: Status2
    resolved_at: StrictFloat | None | MISSING = MISSING
    final_status: StrictStr | None | MISSING = MISSING


class ConductorBatchView(BaseModel):
    """
    This project's debug view of the reference BCS (`asdict(ConductorBatch)`, reference_impl/conductor_core.py), not a real model. Loose.
    """

    model_config = ConfigDict(
        extra='allow',
        validate_by_name=True,
    )
    batch_id: StrictStr
    phases: Annotated[
        dict[str, Phases],
        Field(
            description='Phase name -> the latest result of the phase for the batch.'
        ),
    ]
    essay_results: Annotated[
        dict[str, list[StrictStr]],
        Field(description='Phase name -> essays with a per-essay result.'),
    ]
    runs: list[Run]


class ContentStoredResponse(BaseModel):
    """
    The 201 body of storeContent (content_routes.py `upload_content`).
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    storage_id: Annotated[
        StrictStr, Field(description='`uuid4().hex`.', pattern='^[0-9a-f]{32}$')
    ]
    correlation_id: Annotated[
        UUID,
        Field(
            description="A new uuid4 per upload in the real service (not the caller's)."
        ),
    ]


class LLMQueuedResponse(BaseModel):
    """
    `common_core.api_models.llm_provider.LLMQueuedResponse`, the 202 body. CJ needs `queue_id`.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    queue_id: UUID
    status: Annotated[StrictStr, Field(description='`queued`.')]
    message: Annotated[
        StrictStr,
        Field(description='Names the callback topic the result will arrive on.'),
    ]
    estimated_wait_minutes: StrictInt | None


class RosterStudent(BaseModel):
    """
    One student of a roster; NLP skips an entry without student_id, first_name, last_name or full_legal_name.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    student_id: UUID
    first_name: StrictStr
    last_name: StrictStr
    full_legal_name: Annotated[
        StrictStr, Field(description='`"<first_name> <last_name>"`.')
    ]
    email: StrictStr | None


class Level(Enum):
    default = 'default'
    picky = 'picky'
    none_type_none = None


class GrammarCheckRequest(BaseModel):
    """
    `common_core.api_models.language_tool.GrammarCheckRequest`. NLP sends only text and language. The options are the camelCase aliases (the real model also takes the snake_case field names).
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    text: Annotated[StrictStr, Field(max_length=50000, min_length=1)]
    language: Annotated[
        StrictStr,
        Field(
            description='NLP maps en -> en-US, sv -> sv-SE, auto -> auto.',
            pattern='^([a-z]{2}-[A-Z]{2}|auto)$',
        ),
    ] = 'en-US'
    level: Level = None
    enabled_categories: Annotated[
        list[StrictStr] | None, Field(alias='enabledCategories')
    ] = None
    disabled_categories: Annotated[
        list[StrictStr] | None, Field(alias='disabledCategories')
    ] = None
    enabled_rules: Annotated[list[StrictStr] | None, Field(alias='enabledRules')] = None
    disabled_rules: Annotated[list[StrictStr] | None, Field(alias='disabledRules')] = (
        None
    )
    enabled_only: Annotated[StrictBool | None, Field(alias='enabledOnly')] = None


class Severity(StrEnum):
    error = 'error'
    warning = 'warning'
    info = 'info'


class GrammarError(BaseModel):
    """
    One LanguageTool match as the service flattens it (language_tool_wrapper.py), the shape of `common_core.events.nlp_events.GrammarError` (typed `dict[str, Any]` in GrammarCheckResponse). At most 5 replacements.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    rule_id: StrictStr
    message: StrictStr
    short_message: StrictStr
    offset: StrictInt
    length: StrictInt
    replacements: list[StrictStr]
    category: Annotated[StrictStr, Field(description='The LanguageTool category name.')]
    severity: Severity
    category_id: StrictStr
    category_name: StrictStr
    context: StrictStr
    context_offset: StrictInt


class BulkCreditCheckRequestV1(BaseModel):
    """
    `common_core.entitlements_models.BulkCreditCheckRequestV1`.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    user_id: StrictStr
    org_id: Annotated[
        StrictStr | None,
        Field(description='Checked first when set (org-first attribution).'),
    ] = None
    requirements: Annotated[
        dict[str, StrictInt],
        Field(
            description='Metric -> units needed (BOS sends cj_comparison and/or ai_feedback_generation).'
        ),
    ]
    correlation_id: StrictStr | None = None


class PerMetricCreditStatusV1(BaseModel):
    """
    `common_core.entitlements_models.PerMetricCreditStatusV1`.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    required: StrictInt
    available: StrictInt
    allowed: StrictBool
    source: Annotated[StrictStr | None, Field(description='user or org.')] = None
    reason: Annotated[
        StrictStr | None,
        Field(
            description='e.g. insufficient_credits, rate_limit_exceeded, policy_denied.'
        ),
    ] = None


class ServiceErrorResponse(BaseModel):
    """
    huleedu_service_libs' `create_error_response` / Quart HuleEduError handler (libs/huleedu_service_libs/src/huleedu_service_libs/error_handling/quart_handlers.py): `{"error": {code, message, correlation_id, service, timestamp, details}}`, status from ERROR_CODE_TO_HTTP_STATUS (unmapped codes: 500). Used by the LLM Provider, LanguageTool and Entitlements. Note `code`, not `error_code`, and no `operation`.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    error: ServiceErrorBody


class ValidationDetailResponse(BaseModel):
    """
    The real BCS's 400 for a body that is not BCSPipelineDefinitionRequestV1: `{"detail": err.errors()}` (pipeline_routes.py).
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    detail: list[PydanticErrorItem]


class PhaseProgressView(BaseModel):
    """
    One phase of a run in this project's batch view (`phase_view`), like PipelineStateDetail. Loose.
    """

    model_config = ConfigDict(
        extra='allow',
        validate_by_name=True,
    )
    status: PipelineExecutionStatus
    started_at: AwareDatetime | None | MISSING = MISSING
    completed_at: AwareDatetime | None | MISSING = MISSING
    essay_counts: EssayProcessingCounts | MISSING = MISSING
    error_info: dict[str, Any] | None | MISSING = MISSING


class PipelineStateDetail(BaseModel):
    """
    `common_core.pipeline_models.PipelineStateDetail`: one phase's status and essay counts.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    status: PipelineExecutionStatus | MISSING = MISSING
    essay_counts: EssayProcessingCounts | MISSING = MISSING
    started_at: AwareDatetime | None = None
    completed_at: AwareDatetime | None = None
    error_info: dict[str, Any] | None = None
    progress_percentage: Annotated[StrictFloat | None, Field(ge=0.0, le=100.0)] = None


class LLMComparisonRequest(LLMComparisonRequestV1):
    """
    `common_core.api_models.llm_provider.LLMComparisonRequest` (fact sheet 5.25), the HTTP body. The same model is asyncapi.yaml's LLMComparisonRequestV1 (the seed's Kafka form of this request), so it is referenced, not written twice. The LLM Provider answers 400 when llm_config_overrides.provider_override is missing.
    """

    model_config = ConfigDict(
        validate_by_name=True,
    )


class ClassRosterResponse(BaseModel):
    """
    The 200 body of getClassRoster (class_routes.py `get_class_roster`; no pydantic model).
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    students: list[RosterStudent]


class GrammarCheckResponse(BaseModel):
    """
    `common_core.api_models.language_tool.GrammarCheckResponse` (`model_dump(mode="json")`).
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    errors: list[GrammarError]
    total_grammar_errors: Annotated[StrictInt, Field(ge=0)]
    grammar_category_counts: Annotated[
        dict[str, StrictInt], Field(description='Category id -> count.')
    ]
    grammar_rule_counts: Annotated[
        dict[str, StrictInt], Field(description='Rule id -> count.')
    ]
    language: Annotated[
        StrictStr, Field(description="The request's language (e.g. en-US).")
    ]
    processing_time_ms: Annotated[StrictInt, Field(ge=0)]


class BulkCreditCheckResponseV1(BaseModel):
    """
    `common_core.entitlements_models.BulkCreditCheckResponseV1`, the body of 200, 402 and 429.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    allowed: StrictBool
    required_credits: StrictInt
    available_credits: StrictInt
    per_metric: Annotated[
        dict[str, PerMetricCreditStatusV1],
        Field(description='Metric -> its evaluation.'),
    ]
    denial_reason: Annotated[
        StrictStr | None,
        Field(
            description='e.g. insufficient_credits, rate_limit_exceeded (429), policy_denied.'
        ),
    ] = None
    correlation_id: StrictStr


class PipelineRunView(BaseModel):
    """
    One pipeline run in this project's batch view (`run_view`), shaped like ProcessingPipelineState plus the run's own facts. Loose.
    """

    model_config = ConfigDict(
        extra='allow',
        validate_by_name=True,
    )
    correlation_id: Annotated[
        StrictStr, Field(description="The pipeline request's correlation id.")
    ]
    requested_pipeline: StrictStr
    status: Status
    is_retry: StrictBool | MISSING = MISSING
    requested_at: AwareDatetime | MISSING = MISSING
    requested_pipelines: Annotated[
        list[StrictStr] | MISSING,
        Field(
            description='The phases BCS resolved, in order (pruned phases left out).'
        ),
    ] = MISSING
    phases: Annotated[
        dict[str, PhaseProgressView], Field(description='Keyed by phase name.')
    ]
    finished_at: AwareDatetime | None | MISSING = MISSING
    final_status: BatchStatus | None | MISSING = MISSING
    essays_in: Annotated[StrictInt | MISSING, Field(ge=0)] = MISSING
    successful_essay_count: Annotated[StrictInt | MISSING, Field(ge=0)] = MISSING
    failed_essay_count: Annotated[StrictInt | MISSING, Field(ge=0)] = MISSING


class ProcessingPipelineState(BaseModel):
    """
    `common_core.pipeline_models.ProcessingPipelineState`: BOS's fine-grained, per-phase state of a batch. The real BOS writes every key (model_dump); only batch_id and requested_pipelines are required by the model. At registration every phase is pending_dependencies (requested) or skipped_by_user_config.
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    batch_id: StrictStr
    requested_pipelines: Annotated[
        list[StrictStr],
        Field(
            description='Phase names the pipeline covers (e.g. spellcheck, cj_assessment).'
        ),
    ]
    spellcheck: PipelineStateDetail | None | MISSING = MISSING
    nlp: PipelineStateDetail | None | MISSING = MISSING
    ai_feedback: PipelineStateDetail | None | MISSING = MISSING
    cj_assessment: PipelineStateDetail | None | MISSING = MISSING
    last_updated: Annotated[
        AwareDatetime | MISSING, Field(description='Defaults to now(UTC).')
    ] = MISSING


class BatchStatusView(BaseModel):
    """
    This project's view of a batch (reference_impl/orchestrator_http.py `batch_view`), not a real model. Loose; every key below is always written.
    """

    model_config = ConfigDict(
        extra='allow',
        validate_by_name=True,
    )
    batch_id: StrictStr
    status: BatchStatus
    batch_type: BatchType
    class_id: StrictStr | None
    course_code: CourseCode
    user_id: StrictStr
    org_id: StrictStr | None
    correlation_id: Annotated[
        StrictStr, Field(description='The registration correlation id.')
    ]
    registered_at: AwareDatetime
    expected_essay_count: Annotated[StrictInt, Field(gt=0)]
    essay_ids: list[StrictStr]
    essays: Annotated[
        list[Essay],
        Field(description='The provisioned essays and their original text ids.'),
    ]
    student_matching: StudentMatching
    accepts_pipeline_request: Annotated[
        StrictBool,
        Field(
            description='No run is active and the batch is ready_for_pipeline_execution.'
        ),
    ]
    pipeline_state: Annotated[
        PipelineRunView | None, Field(description='The active run, or null.')
    ]
    completed_pipelines: Annotated[
        list[PipelineRunView], Field(description='Finished runs, newest first.')
    ]


class PipelineStateResponse(BaseModel):
    """
    The 200 body of getPipelineState (batch_routes.py `get_internal_pipeline_state`).
    """

    model_config = ConfigDict(
        extra='forbid',
        validate_by_name=True,
    )
    batch_id: StrictStr
    pipeline_state: Annotated[
        ProcessingPipelineState | None,
        Field(
            description='`ProcessingPipelineState.model_dump(mode="json")`; never null in a real 200 (no state is a 404).'
        ),
    ]
    user_id: Annotated[
        StrictStr | None,
        Field(
            description='The batch owner from the batch context (the Result Aggregator and File Service check ownership with it).'
        ),
    ]
