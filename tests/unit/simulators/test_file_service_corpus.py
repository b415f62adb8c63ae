"""The built-in corpus: enough short essays per language, and word lists in step with them."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from simulators.corpus import CORPUS_DIR, LANGUAGES, Corpus, CorpusError, language_of_course

WORD = re.compile(r"[^\W\d_]+")


def words_of(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def word_list(language: str) -> list[str]:
    return (CORPUS_DIR / language / "words.txt").read_text(encoding="utf-8").splitlines()


def corrections(language: str) -> dict[str, str]:
    lines = (CORPUS_DIR / language / "corrections.tsv").read_text(encoding="utf-8").splitlines()
    pairs = [line.split("\t") for line in lines]
    assert all(len(pair) == 2 for pair in pairs), "corrections.tsv has two columns"
    return dict((bad, good) for bad, good in pairs)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_at_least_twelve_short_essays(language: str) -> None:
    corpus = Corpus.load(language)
    assert len(corpus.essays) >= 12
    for essay in corpus.essays:
        assert 80 <= len(words_of(essay.text)) <= 210, essay.file_name
        assert essay.title


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_word_of_the_corpus_is_known_or_a_planted_mistake(language: str) -> None:
    known, mistakes = set(word_list(language)), corrections(language)
    for essay in Corpus.load(language).essays:
        unknown = {w for w in words_of(essay.text) if w not in known and w not in mistakes}
        assert not unknown, f"{essay.file_name}: {sorted(unknown)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_essay_has_a_mistake_to_correct(language: str) -> None:
    mistakes = corrections(language)
    for essay in Corpus.load(language).essays:
        assert set(words_of(essay.text)) & set(mistakes), essay.file_name


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_word_lists_keep_their_format(language: str) -> None:
    words, mistakes = word_list(language), corrections(language)
    assert all(w == w.strip().lower() and w and " " not in w for w in words)
    assert len(words) == len(set(words))
    assert not set(mistakes) & set(words), "a misspelling is listed as a correct word"
    assert set(mistakes.values()) <= set(words), "every correction is a known word"
    assert all(k == k.lower() and v == v.lower() for k, v in mistakes.items())


def test_a_seed_picks_the_same_essays_every_time() -> None:
    corpus = Corpus.load("en")
    assert corpus.pick(5, random.Random(3)) == corpus.pick(5, random.Random(3))
    assert corpus.pick(5, random.Random(3)) != corpus.pick(5, random.Random(4))


def test_essays_are_all_different_until_the_corpus_is_used_up(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(f"Essay {name}\n\nSome text.", encoding="utf-8")
    picked = Corpus.load("en", tmp_path).pick(5, random.Random(0))
    names = [essay.file_name for essay in picked]
    assert sorted(names[:2]) == ["a.txt", "b.txt"]
    assert len(set(names)) == 5
    assert {"a_2.txt", "b_2.txt"} <= set(names)


def test_a_user_folder_may_hold_one_subfolder_per_language(tmp_path: Path) -> None:
    (tmp_path / "sv").mkdir()
    (tmp_path / "sv" / "uppsats.txt").write_text("Min uppsats", encoding="utf-8")
    (tmp_path / "sv" / "words.txt").write_text("min\nuppsats\n", encoding="utf-8")
    corpus = Corpus.load("sv", tmp_path)
    assert [e.file_name for e in corpus.essays] == ["uppsats.txt"]


def test_a_folder_without_essays_is_refused_with_a_hint(tmp_path: Path) -> None:
    with pytest.raises(CorpusError) as raised:
        Corpus.load("en", tmp_path)
    assert raised.value.folder == tmp_path
    assert "corpus_dir" in str(raised.value)


def test_the_built_in_corpus_has_only_english_and_swedish() -> None:
    with pytest.raises(CorpusError):
        Corpus.load("de")


@pytest.mark.parametrize(
    ("course_code", "language"), [("ENG5", "en"), ("ENG7", "en"), ("SV1", "sv"), ("SV3", "sv")]
)
def test_a_course_is_written_in_its_language(course_code: str, language: str) -> None:
    assert language_of_course(course_code) == language
