Feature: The batch's pipeline state machine
  The seed's "Pipeline Lifecycle": READY_FOR_PIPELINE_EXECUTION -> a pipeline active (no second
  request accepted) -> READY_FOR_PIPELINE_EXECUTION again once BatchPipelineCompletedV1 is out,
  so that a new pipeline is accepted. BCS prunes the phases a batch completed already.

  Scenario: One pipeline at a time, and the batch is ready again after it
    Given a registered GUEST batch of 2 essays
    And BOS reports the batch ready for pipeline execution
    And the spellchecker takes 0.5 seconds per message
    When the client requests the "cj_assessment" pipeline
    Then BOS reports a pipeline active for the batch
    When the client requests the "nlp" pipeline
    Then the request is denied with reason "pipeline_active"
    And the "cj_assessment" pipeline completes with status "completed_successfully"
    And BOS reports the batch ready for pipeline execution
    And BOS reports 1 completed pipeline for the batch

  Scenario: A new pipeline after cj_assessment runs only the phases not done yet
    Given a GUEST batch of 3 essays that completed the "cj_assessment" pipeline
    When the client requests the "nlp" pipeline
    Then BCS skips phase "spellcheck" as already completed
    And BOS publishes BatchServiceNLPInitiateCommandDataV2 for the request
    And ELS publishes BatchNlpProcessingRequestedV2 for the request
    And NLP publishes BatchNlpAnalysisCompletedV1 for the request
    And the pipeline completes with phases "nlp" and status "completed_successfully"
    And BOS reports the batch ready for pipeline execution

  Scenario: The same pipeline again completes at once
    Given a GUEST batch of 3 essays that completed the "cj_assessment" pipeline
    When the client requests the "cj_assessment" pipeline
    Then BCS skips phases "spellcheck, cj_assessment" as already completed
    And BOS publishes BatchPipelineCompletedV1 for the request with:
      | field                       | value                  |
      | completed_phases            | (none)                 |
      | final_status                | completed_successfully |
      | processing_duration_seconds | 0                      |
    And no phase command is sent for the request
    And BOS reports the batch ready for pipeline execution

  Scenario: A retry runs the requested phase again
    Given a GUEST batch of 3 essays that completed the "cj_assessment" and then the "nlp" pipeline
    When the client retries the "cj_assessment" pipeline
    Then BCS skips phase "spellcheck" as already completed
    And BOS publishes BatchServiceCJAssessmentInitiateCommandDataV1 for the request
    And ELS publishes ELS_CJAssessmentRequestV1 for the request
    And CJ assessment publishes CJAssessmentCompletedV1 for the request
    And the pipeline completes with phases "cj_assessment" and status "completed_successfully"

  # ELS's state machine cannot start CJ from cj_assessment_success (huleedu-behaviour.md 4.2,
  # "CJ cannot be re-run"), and when no essay can start, ELS sends nothing and never publishes
  # an outcome. BOS commands the retry; only its phase timeout ends the run.
  @known_gap
  Scenario: A retry straight after cj_assessment is commanded, but ELS cannot re-run CJ
    Given a GUEST batch of 2 essays that completed the "cj_assessment" pipeline
    When the client retries the "cj_assessment" pipeline
    Then BCS skips phase "spellcheck" as already completed
    And BOS publishes BatchServiceCJAssessmentInitiateCommandDataV1 for the request
    And ELS publishes no ELS_CJAssessmentRequestV1 for the request
    And BOS times out phase "cj_assessment" for the request
    And the pipeline completes with phases "(none)" and status "failed_critically"
    And BOS reports the batch ready for pipeline execution
