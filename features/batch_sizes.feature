Feature: Batches of any size, in English and in Swedish
  The course code decides the language (ENG* English, SV* Swedish); every phase works on the
  batch's language, and CJ ranks every essay, from a single essay to fifty.

  Scenario Outline: A batch of <essays> essays in <language> goes through cj_assessment
    Given a registered GUEST batch of <essays> essays for course "<course>"
    And BOS reports the batch ready for pipeline execution
    When the client requests the "cj_assessment" pipeline
    Then BOS publishes BatchPipelineCompletedV1 for the request with:
      | field                  | value                     |
      | completed_phases       | spellcheck, cj_assessment |
      | final_status           | completed_successfully    |
      | successful_essay_count | <essays>                  |
      | failed_essay_count     | 0                         |
    And the essays are checked and assessed in "<language>"
    And CJ assessment ranks <essays> essays

    Examples: English, an ENG course
      | essays | course | language |
      | 1      | ENG5   | en       |
      | 2      | ENG6   | en       |
      | 10     | ENG7   | en       |
      | 50     | ENG5   | en       |

    Examples: Swedish, an SV course
      | essays | course | language |
      | 1      | SV1    | sv       |
      | 2      | SV2    | sv       |
      | 10     | SV3    | sv       |
      | 50     | SV1    | sv       |
