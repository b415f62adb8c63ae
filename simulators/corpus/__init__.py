"""The essays the file simulator provisions: the built-in corpus, or a folder the user names.

The built-in corpus holds short, original school essays in English (``en/``) and Swedish
(``sv/``), each with a few planted spelling mistakes (see README.md in this folder)::

    corpus = Corpus.load("sv")                     # built-in Swedish essays
    corpus = Corpus.load("en", Path("my_essays"))  # the .txt files of a folder
    corpus.pick(3, random.Random(7))               # three essays, the same three for seed 7
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from harness.errors import HarnessError

CORPUS_DIR = Path(__file__).resolve().parent
LANGUAGES = ("en", "sv")
NOT_ESSAYS = frozenset({"words.txt"})
"""Text files of a corpus folder that are not essays (the spellcheck's word list)."""


class CorpusError(HarnessError):
    """No essays can be read for this language from this folder."""

    def __init__(self, folder: Path, language: str, reason: str) -> None:
        self.folder = folder
        self.language = language
        self.reason = reason
        super().__init__(
            f"no {language!r} essays in {folder}: {reason}.",
            hint="name a folder of UTF-8 .txt files (one essay each), or leave corpus_dir "
            f"unset for the built-in corpus ({', '.join(LANGUAGES)})",
        )


def language_of_course(course_code: str) -> str:
    """The ``Language`` value a course is written in: ENG* -> en, SV* -> sv (contracts 6.9)."""
    return "sv" if course_code.upper().startswith("SV") else "en"


@dataclass(frozen=True)
class CorpusEssay:
    """One essay: the name of its file and its text."""

    file_name: str
    text: str

    @property
    def title(self) -> str:
        return self.text.strip().splitlines()[0] if self.text.strip() else ""


@dataclass(frozen=True)
class Corpus:
    """The essays of one language, in file-name order (so that seeded picks replay)."""

    language: str
    folder: Path
    essays: tuple[CorpusEssay, ...]

    @classmethod
    def load(cls, language: str, folder: Path | str | None = None) -> Corpus:
        """Read the essays: ``folder/<language>/`` if it exists, else ``folder`` itself."""
        root = CORPUS_DIR if folder is None else Path(folder)
        where = root / language if (root / language).is_dir() else root
        if folder is None and language not in LANGUAGES:
            raise CorpusError(root, language, "the built-in corpus has no such language")
        if not where.is_dir():
            raise CorpusError(where, language, "no such folder")
        files = sorted(p for p in where.glob("*.txt") if p.name not in NOT_ESSAYS)
        essays = tuple(CorpusEssay(p.name, p.read_text(encoding="utf-8")) for p in files)
        if not essays:
            raise CorpusError(where, language, "the folder has no .txt files")
        return cls(language, where, essays)

    def pick(self, count: int, rng: random.Random) -> list[CorpusEssay]:
        """``count`` essays drawn by ``rng``: all different while the corpus lasts, then again."""
        picked: list[CorpusEssay] = []
        rounds = 0
        while len(picked) < count:
            batch = rng.sample(self.essays, min(len(self.essays), count - len(picked)))
            picked += [_numbered(essay, rounds) for essay in batch]
            rounds += 1
        return picked


def _numbered(essay: CorpusEssay, rounds: int) -> CorpusEssay:
    """The essay under a distinct file name when the corpus is used again (``x_2.txt``)."""
    if rounds == 0:
        return essay
    stem, _, suffix = essay.file_name.rpartition(".")
    return CorpusEssay(f"{stem}_{rounds + 1}.{suffix}", essay.text)
