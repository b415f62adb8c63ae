"""A small, real spellcheck: unknown words counted and corrected against a word list.

Two sources of corrections, as in the real spellchecker (huleedu-contracts.md 2.7): a table of
known learner misspellings (the "L2 dictionary", ``corrections.tsv``) and, when asked for, a search
for the most frequent known word one edit away (what pyspellchecker does). The search is off by
default: the shipped word lists are small, and it would "correct" real words missing from them
(cat -> can). Unknown words nothing corrects are reported as such. Per language, the files are
``simulators/corpus/<lang>/words.txt`` (one lowercase word per line, most frequent first) and
``corrections.tsv`` (misspelling, TAB, correction)::

    spellchecker = Spellchecker.from_corpus()
    report = spellchecker.check("I beleive it is realy good.", language="en")
    report.corrected_text                  # 'I believe it is really good.'
    report.total_corrections, report.word_count
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

from simulators.spellcheck.fallback import FALLBACK_CORRECTIONS, FALLBACK_WORDS

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"
RIGHT_QUOTE = "\u2019"
"""The typographic apostrophe (it\u2019s), read as a plain one."""
WORD = re.compile(rf"[^\W\d_]+(?:['{RIGHT_QUOTE}][^\W\d_]+)*")
"""A word: letters, possibly joined by apostrophes (don't, it's)."""
_CONTRACTION_ENDINGS = ("n't", "'s", "'re", "'ve", "'ll", "'d", "'m")


def words_of(text: str) -> list[str]:
    """The words of ``text``, in order, as written."""
    return WORD.findall(text)


@dataclass(frozen=True)
class Correction:
    """One word changed, and whether the misspelling table (L2) or the word search found it."""

    original: str
    corrected: str
    from_misspelling_table: bool


@dataclass(frozen=True)
class SpellcheckReport:
    """The corrected text and the true counts behind SpellcheckMetricsV1."""

    language: str
    corrected_text: str
    word_count: int
    corrections: tuple[Correction, ...]
    unknown_words: tuple[str, ...]
    """Unknown words for which no correction was found (left as written)."""

    @property
    def total_corrections(self) -> int:
        return len(self.corrections)

    @property
    def l2_dictionary_corrections(self) -> int:
        return sum(1 for c in self.corrections if c.from_misspelling_table)

    @property
    def spellchecker_corrections(self) -> int:
        return self.total_corrections - self.l2_dictionary_corrections

    @property
    def correction_density(self) -> float:
        """Corrections per 100 words, as the real metrics report it."""
        return round(100 * self.total_corrections / self.word_count, 2) if self.word_count else 0.0


@dataclass(frozen=True)
class SpellingDictionary:
    """The known words of one language (in frequency order) and its known misspellings."""

    language: str
    words: tuple[str, ...]
    misspellings: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_files(cls, language: str, folder: Path) -> SpellingDictionary:
        """Read ``words.txt`` and (if present) ``corrections.tsv`` from ``folder``."""
        words = _lines(folder / "words.txt")
        table = folder / "corrections.tsv"
        rows = _lines(table) if table.is_file() else []
        pairs = [row.split("\t", 1) for row in rows if "\t" in row]
        return cls(language, tuple(words), {k.lower(): v.strip() for k, v in pairs if v.strip()})

    @cached_property
    def alphabet(self) -> str:
        """The letters the known words are made of (what the word search may insert)."""
        letters = {letter for word in self.words for letter in word if letter.isalpha()}
        return "".join(sorted(letters))

    def knows(self, word: str) -> bool:
        """Whether ``word`` (any case) is spelled right, allowing English contractions."""
        lower = word.lower().replace(RIGHT_QUOTE, "'")
        if lower in self._known:
            return True
        return any(
            lower.endswith(ending) and lower[: -len(ending)] in self._known
            for ending in _CONTRACTION_ENDINGS
        )

    def suggestion(self, word: str) -> str | None:
        """The most frequent known word one edit away from ``word`` (lowercase), or None."""
        candidates = [c for c in _one_edit_away(word.lower(), self.alphabet) if c in self._known]
        return min(candidates, key=self._frequency_rank.__getitem__, default=None)

    @cached_property
    def _known(self) -> frozenset[str]:
        return frozenset(self.words)

    @cached_property
    def _frequency_rank(self) -> Mapping[str, int]:
        ranks = {word: rank for rank, word in reversed(list(enumerate(self.words)))}
        return MappingProxyType(ranks)


def _lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [s for s in (line.strip() for line in text.splitlines()) if s and not s.startswith("#")]


def _one_edit_away(word: str, alphabet: str) -> Iterator[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    for left, right in splits:
        if right:
            yield left + right[1:]
            yield from (left + letter + right[1:] for letter in alphabet)
        if len(right) > 1:
            yield left + right[1] + right[0] + right[2:]
        yield from (left + letter + right for letter in alphabet)


class Spellchecker:
    """Checks texts against one SpellingDictionary per language."""

    def __init__(
        self, dictionaries: Iterable[SpellingDictionary], *, nearest_word_search: bool = False
    ) -> None:
        self.dictionaries = {d.language: d for d in dictionaries}
        self.nearest_word_search = nearest_word_search

    @classmethod
    def from_corpus(
        cls, folder: Path = CORPUS_DIR, *, nearest_word_search: bool = False
    ) -> Spellchecker:
        """The word lists under ``folder``/<lang>/, or the small built-in lists where absent."""
        languages = set(FALLBACK_WORDS)
        if folder.is_dir():
            languages |= {p.parent.name for p in folder.glob("*/words.txt")}
        dictionaries = [_dictionary(language, folder / language) for language in sorted(languages)]
        return cls(dictionaries, nearest_word_search=nearest_word_search)

    def language_of(self, text: str) -> str:
        """The language whose dictionary knows most of the words (English on a tie)."""
        words = words_of(text)
        known = {lang: sum(map(d.knows, words)) for lang, d in self.dictionaries.items()}
        return max(sorted(known), key=lambda lang: (known[lang], lang == "en"), default="en")

    def check(self, text: str, *, language: str | None = None) -> SpellcheckReport:
        """Correct ``text``; ``language`` ('en', 'sv') or, when None or unknown, detected."""
        chosen = language if language in self.dictionaries else self.language_of(text)
        dictionary = self.dictionaries[chosen]
        corrections: list[Correction] = []
        unknown: list[str] = []

        def correct(match: re.Match[str]) -> str:
            word = match.group(0)
            found = self._correction(word, dictionary, lambda: _starts_sentence(text, match))
            if found is None:
                if not dictionary.knows(word):
                    unknown.append(word)
                return word
            corrections.append(found)
            return found.corrected

        corrected = WORD.sub(correct, text)
        return SpellcheckReport(
            chosen, corrected, len(words_of(text)), tuple(corrections), tuple(unknown)
        )

    def _correction(
        self, word: str, dictionary: SpellingDictionary, starts_sentence: Callable[[], bool]
    ) -> Correction | None:
        """How ``word`` is corrected, or None when it is known or nothing fits.

        A capitalised unknown word inside a sentence is taken for a name: only the misspelling
        table may change it, never the word search.
        """
        lower = word.lower()
        if lower in dictionary.misspellings:
            return Correction(word, _same_case(dictionary.misspellings[lower], word), True)
        if not self.nearest_word_search or dictionary.knows(word):
            return None
        if word[:1].isupper() and not starts_sentence():
            return None
        suggestion = dictionary.suggestion(word)
        return Correction(word, _same_case(suggestion, word), False) if suggestion else None


def _dictionary(language: str, folder: Path) -> SpellingDictionary:
    if (folder / "words.txt").is_file():
        return SpellingDictionary.from_files(language, folder)
    misspellings = FALLBACK_CORRECTIONS.get(language, {})
    return SpellingDictionary(language, tuple(FALLBACK_WORDS[language].split()), misspellings)


def _starts_sentence(text: str, match: re.Match[str]) -> bool:
    before = text[: match.start()].rstrip(" \t\"'(\u201c\u2018")
    return not before or before[-1] in ".!?\n"


def _same_case(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if like[:1].isupper() else word
