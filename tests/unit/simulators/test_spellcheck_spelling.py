"""The word-list spellcheck itself: counts, corrections, languages (pure, no bus)."""

from __future__ import annotations

from pathlib import Path

from simulators.spellcheck.spelling import Spellchecker, SpellingDictionary, words_of


def dictionary(language: str, words: str, misspellings: dict[str, str]) -> SpellingDictionary:
    return SpellingDictionary(language, tuple(words.split()), misspellings)


ENGLISH = dictionary(
    "en",
    "i it is a the good really believe because we went home cat sat on mat",
    {"beleive": "believe", "realy": "really", "becuase": "because"},
)
SWEDISH = dictionary("sv", "jag är det och en bra katt", {"mycke": "mycket"})


def test_known_misspellings_are_corrected_and_counted() -> None:
    report = Spellchecker([ENGLISH]).check("I beleive it is realy good, becuase...", language="en")

    assert report.corrected_text == "I believe it is really good, because..."
    assert report.word_count == 7
    assert report.total_corrections == report.l2_dictionary_corrections == 3
    assert report.spellchecker_corrections == 0
    assert report.correction_density == round(100 * 3 / 7, 2)


def test_case_and_punctuation_survive_a_correction() -> None:
    report = Spellchecker([ENGLISH]).check("Beleive it! REALY.", language="en")

    assert report.corrected_text == "Believe it! REALLY."


def test_unknown_words_are_reported_but_left_alone_without_the_word_search() -> None:
    report = Spellchecker([ENGLISH]).check("The dog sat on the mat.", language="en")

    assert report.corrected_text == "The dog sat on the mat."
    assert report.unknown_words == ("dog",)
    assert report.total_corrections == 0


def test_the_word_search_corrects_one_edit_away_but_never_a_name() -> None:
    checker = Spellchecker([ENGLISH], nearest_word_search=True)

    report = checker.check("We went hme. Teh cta sat with Anna.", language="en")

    assert report.corrected_text == "We went home. The cat sat with Anna."
    assert report.spellchecker_corrections == 3
    assert report.unknown_words == ("with", "Anna")


def test_contractions_of_known_words_are_known() -> None:
    assert words_of("It's good, isn't it?") == ["It's", "good", "isn't", "it"]
    assert Spellchecker([ENGLISH]).check("It's good, isn't it?", language="en").unknown_words == ()


def test_the_language_is_detected_when_the_request_names_none_we_know() -> None:
    checker = Spellchecker([ENGLISH, SWEDISH])

    report = checker.check("Jag är en bra katt och det är mycke bra.", language="xx")

    assert report.language == "sv"
    assert report.corrected_text == "Jag är en bra katt och det är mycket bra."


def test_word_lists_are_read_from_the_corpus_folder(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "words.txt").write_text("the\ncat\nsat\n", encoding="utf-8")
    (tmp_path / "en" / "corrections.tsv").write_text("teh\tthe\n", encoding="utf-8")

    checker = Spellchecker.from_corpus(tmp_path)

    assert checker.dictionaries["en"].words == ("the", "cat", "sat")
    assert checker.check("Teh cat sat", language="en").corrected_text == "The cat sat"
    assert "sv" in checker.dictionaries  # no sv folder: the built-in list stands in


def test_the_shipped_corpus_essays_have_only_known_misspellings() -> None:
    checker = Spellchecker.from_corpus()
    corpus = Path(__file__).resolve().parents[3] / "simulators" / "corpus"

    for essay in sorted(corpus.glob("*/[0-9]*.txt")):
        report = checker.check(essay.read_text(encoding="utf-8"), language=essay.parent.name)
        assert report.total_corrections > 0, essay.name
        assert report.unknown_words == (), essay.name
