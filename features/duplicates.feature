Feature: At-least-once delivery changes nothing
  Kafka delivers at least once, and the real outboxes publish again after a crash. Every
  consumer must treat a message it has seen as seen: the pipeline still completes once.

  Scenario: Every message delivered twice still gives exactly one completion
    Given every message on the wire is delivered twice
    And a REGULAR batch of 4 essays ready for pipelines
    When the client requests the "cj_assessment" pipeline
    Then BOS publishes BatchPipelineCompletedV1 for the request with:
      | field                  | value                     |
      | completed_phases       | spellcheck, cj_assessment |
      | final_status           | completed_successfully    |
      | successful_essay_count | 4                         |
      | failed_essay_count     | 0                         |
    And BOS publishes exactly one BatchPipelineCompletedV1 for the batch
    And the result aggregator recorded 1 pipeline completion for the batch
    And BOS reports the batch ready for pipeline execution
    And BOS reports 1 completed pipeline for the batch
    And every message for the batch crossed the wire twice

  Scenario: A last phase outcome re-sent with a new event id gives no second completion
    The real outbox re-sends after a crash with a NEW event_id, which event-id idempotency
    cannot absorb (the real BOS then publishes a second completion: real-services.md).
    Given a GUEST batch of 2 essays ready for pipelines
    When the client requests the "nlp" pipeline
    Then BOS publishes BatchPipelineCompletedV1 for the request
    When ELS re-sends its last phase outcome for the request with a new event id
    Then BOS publishes exactly one BatchPipelineCompletedV1 for the batch
    And BOS reports the batch ready for pipeline execution
