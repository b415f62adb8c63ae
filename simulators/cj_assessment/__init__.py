"""The CJ Assessment service, simulated: waves of LLM comparisons, ranked by Bradley-Terry."""

from __future__ import annotations

from simulators.cj_assessment.simulator import CJAssessmentBehaviour, CJAssessmentSimulator

__all__ = ["CJAssessmentBehaviour", "CJAssessmentSimulator"]
