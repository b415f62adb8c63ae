"""The pytest plugin's settings: a topic prefix per run, unless the user sets one (even empty)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def test_each_run_gets_a_topic_prefix_of_its_own(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PIPELINE_HARNESS_TOPIC_PREFIX", raising=False)
    pytester.makepyfile(
        "def test_prefix(pipeline_settings):\n"
        "    assert pipeline_settings.topic_prefix.startswith('test-')\n"
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


@pytest.mark.parametrize("prefix", ["", "team-a."])
def test_a_prefix_the_user_sets_is_kept_even_empty(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, prefix: str
) -> None:
    monkeypatch.setenv("PIPELINE_HARNESS_TOPIC_PREFIX", prefix)
    pytester.makepyfile(
        "def test_prefix(pipeline_settings):\n"
        f"    assert pipeline_settings.topic_prefix == {prefix!r}\n"
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
