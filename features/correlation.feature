Feature: One correlation id follows the pipeline, except each LLM comparison
  The seed: every message of the pipeline carries the ORIGINAL correlation id of the client's
  request; CJ gives each LLM comparison a NEW correlation id (the provider's answer carries it
  back), and CJAssessmentCompletedV1 carries the ORIGINAL again (batch.event_correlation_id).

  Scenario: Every message of a cj_assessment pipeline carries the request's correlation id
    Given a GUEST batch of 4 essays ready for pipelines
    When the client requests the "cj_assessment" pipeline
    Then the pipeline completes with status "completed_successfully"
    And every message of these kinds for the batch carries the request's correlation id:
      | message                                       |
      | ClientBatchPipelineRequestV1                  |
      | BatchServiceSpellcheckInitiateCommandDataV1   |
      | EssayLifecycleSpellcheckRequestV1             |
      | SpellcheckPhaseCompletedV1                    |
      | SpellcheckResultV1                            |
      | ELSBatchPhaseOutcomeV1                        |
      | BatchServiceCJAssessmentInitiateCommandDataV1 |
      | ELS_CJAssessmentRequestV1                     |
      | CJAssessmentCompletedV1                       |
      | AssessmentResultV1                            |
      | BatchPipelineCompletedV1                      |
    And each LLMComparisonRequestV1 for the batch carries a new correlation id of its own
    And each LLMComparisonResultV1 for the batch carries the correlation id of the LLMComparisonRequestV1 it answers
    And CJAssessmentCompletedV1 carries the request's correlation id again
