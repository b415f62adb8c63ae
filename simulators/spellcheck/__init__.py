"""The spellchecker service, simulated: a real word-list spellcheck behind the real events."""

from __future__ import annotations

from simulators.spellcheck.simulator import SpellcheckBehaviour, SpellcheckSimulator
from simulators.spellcheck.spelling import Spellchecker, SpellcheckReport, SpellingDictionary

__all__ = [
    "SpellcheckBehaviour",
    "SpellcheckReport",
    "SpellcheckSimulator",
    "Spellchecker",
    "SpellingDictionary",
]
