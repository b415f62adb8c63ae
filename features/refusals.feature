Feature: Requests BOS must refuse, each answered with PipelineDeniedV1
  The real BOS raises, or drops an active-pipeline request silently; the reference answers every
  refused request with PipelineDeniedV1 and a reason, and starts nothing.

  Scenario: An unknown pipeline is refused
    Given a GUEST batch of 2 essays ready for pipelines
    When the client requests the "translation" pipeline
    Then the request is denied with reason "unknown_pipeline"
    And no phase command is sent for the request
    And BOS reports the batch ready for pipeline execution

  Scenario: A pipeline no service here can run is refused by BCS's resolution
    Given a GUEST batch of 2 essays ready for pipelines
    When the client requests the "ai_feedback" pipeline
    Then the request is denied with reason "resolution_failed"
    And no phase command is sent for the request
    And BOS reports the batch ready for pipeline execution

  Scenario: A pipeline that costs more credits than the teacher has is refused, as the real BOS does
    Given entitlements simulator behaves with:
      | behaviour | value |
      | credits   | 5     |
    And a GUEST batch of 4 essays ready for pipelines
    When the client requests the "cj_assessment" pipeline
    Then BOS called POST /v1/entitlements/check-credits/bulk 1 times for the request, each answered 402
    And the request is denied with reason "insufficient_credits"
    And no phase command is sent for the request
    And BOS reports the batch ready for pipeline execution

  Scenario: A batch whose students are not confirmed yet is not ready
    Given class management is down
    When a teacher registers a REGULAR batch of 2 essays
    Then NLP publishes BatchAuthorMatchesSuggestedV1 for the batch
    And BOS reports the batch in status "awaiting_student_validation"
    When the client requests the "cj_assessment" pipeline
    Then the request is denied with reason "batch_not_ready"
    And no phase command is sent for the request

  Scenario: A batch that was never registered is refused
    When the client requests the "cj_assessment" pipeline for a batch that was never registered
    Then the request is denied with reason "unknown_batch"
    And no phase command is sent for the request
