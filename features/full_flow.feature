Feature: A batch goes from registration to exactly one pipeline completion
  The seed's "Complete Pipeline Flow Analysis": a teacher registers a batch, the File Service
  provisions its essays, ELS tells BOS the batch is ready (after student matching for a REGULAR
  batch), and a cj_assessment pipeline runs spellcheck, then CJ with its LLM comparisons, and
  ends with the one BatchPipelineCompletedV1 the seed found missing.

  Scenario: A GUEST batch is provisioned, spellchecked, ranked by CJ and completed
    When a teacher registers a GUEST batch of 4 essays
    Then BOS publishes BatchEssaysRegistered for the batch
    And the file service publishes 4 EssayContentProvisionedV1 for the batch
    And ELS publishes 4 EssaySlotAssignedV1 for the batch
    And ELS publishes BatchContentProvisioningCompletedV1 for the batch
    And BOS reports the batch ready for pipeline execution
    When the client requests the "cj_assessment" pipeline
    Then BOS publishes BatchServiceSpellcheckInitiateCommandDataV1 for the request
    And ELS publishes 4 EssayLifecycleSpellcheckRequestV1 for the request
    And the spellchecker publishes 4 SpellcheckPhaseCompletedV1 for the request
    And the spellchecker publishes 4 SpellcheckResultV1 for the request
    And ELS reports phase "spellcheck" as "completed_successfully"
    And BOS publishes BatchServiceCJAssessmentInitiateCommandDataV1 for the request
    And ELS publishes ELS_CJAssessmentRequestV1 for the request
    And CJ assessment publishes 6 LLMComparisonRequestV1 for the batch
    And the LLM provider publishes 6 LLMComparisonResultV1 for the batch
    And CJ assessment publishes CJAssessmentCompletedV1 for the request
    And CJ assessment publishes AssessmentResultV1 for the request
    And ELS reports phase "cj_assessment" as "completed_successfully"
    And BOS publishes BatchPipelineCompletedV1 for the request with:
      | field                  | value                     |
      | completed_phases       | spellcheck, cj_assessment |
      | final_status           | completed_successfully    |
      | successful_essay_count | 4                         |
      | failed_essay_count     | 0                         |
    And BOS publishes exactly one BatchPipelineCompletedV1 for the batch
    And the result aggregator recorded 1 pipeline completion for the batch
    And the result aggregator recorded a CJ ranking of 4 essays
    And BOS's pipeline state shows phase "cj_assessment" as "completed_successfully"
    And BOS reports the batch ready for pipeline execution

  Scenario: A REGULAR batch has its students matched before its pipeline
    When a teacher registers a REGULAR batch of 4 essays
    Then ELS publishes BatchContentProvisioningCompletedV1 for the batch
    And BOS publishes BatchServiceStudentMatchingInitiateCommandDataV1 for the batch
    And ELS publishes BatchStudentMatchingRequestedV1 for the batch
    And NLP publishes BatchAuthorMatchesSuggestedV1 for the batch
    And class management publishes StudentAssociationsConfirmedV1 for the batch
    And ELS publishes BatchEssaysReady for the batch
    And BOS reports the batch ready for pipeline execution
    When the client requests the "cj_assessment" pipeline
    Then ELS reports phase "spellcheck" as "completed_successfully"
    And CJ assessment publishes CJAssessmentCompletedV1 for the request
    And ELS reports phase "cj_assessment" as "completed_successfully"
    And BOS publishes BatchPipelineCompletedV1 for the request with:
      | field                  | value                     |
      | completed_phases       | spellcheck, cj_assessment |
      | final_status           | completed_successfully    |
      | successful_essay_count | 4                         |
      | failed_essay_count     | 0                         |
    And BOS publishes exactly one BatchPipelineCompletedV1 for the batch
    And the result aggregator recorded a CJ ranking of 4 essays
    And BOS reports the batch ready for pipeline execution

  Scenario: CJ asks the LLM provider over HTTP, as the real CJ does
    Given CJ assessment simulator behaves with:
      | behaviour     | value |
      | llm_over_http | true  |
    And a GUEST batch of 3 essays ready for pipelines
    When the client requests the "cj_assessment" pipeline
    Then CJ assessment called POST /api/v1/comparison 3 times for the batch, each answered 202
    And the LLM provider publishes 3 LLMComparisonResultV1 for the batch
    And CJ assessment publishes CJAssessmentCompletedV1 for the request
    And BOS publishes exactly one BatchPipelineCompletedV1 for the batch
