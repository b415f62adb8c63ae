"""Every way the local broker can fail says so in one paragraph (fake java and mvn, no JVM)."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kafka_broker import ensure_kafka_jars, start_broker
from kafka_broker.errors import BrokerStartError, JavaNotFoundError, KafkaJarsUnavailableError
from kafka_broker.process import is_running
from kafka_broker.settings import BrokerSettings

VERSION = "4.1.2"

FAKE_JAVA = """#!/bin/sh
PATH=/usr/bin:/bin
case " $* " in
  *" -version "*) echo 'openjdk version "{version}" 2025-04-15' >&2; exit 0 ;;
  *" kafka.tools.StorageTool "*) echo "$PWD" >> "{record}"; echo "Formatting (fake)"; exit 0 ;;
  *" kafka.Kafka "*) {broker} ;;
esac
echo "fake java: unexpected arguments: $*" >&2
exit 3
"""
DIES = (
    'echo "[main] ERROR kafka.Kafka$ - Exiting Kafka due to fatal exception"; echo boom-42; exit 1'
)
PORT_TAKEN = (
    'echo "KafkaException: Socket server failed to bind to 127.0.0.1:1: Address already in use"'
    "; exit 1"
)
HANGS = "exec sleep 60"

FakeJava = Callable[..., BrokerSettings]


def _executable(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def no_tools_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """PATH holds one empty directory (tests add fake tools to it): no java, no mvn."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    return bin_dir


@pytest.fixture
def fake_java(tmp_path: Path, no_tools_on_path: Path) -> FakeJava:
    """BrokerSettings whose JAVA_HOME holds a fake java, with Kafka's jars 'cached'."""

    def make(
        broker: str = DIES, version: str = "17.0.15", timeout_s: float = 20.0
    ) -> BrokerSettings:
        home = tmp_path / "jdk"
        script = FAKE_JAVA.format(version=version, record=tmp_path / "work-dirs", broker=broker)
        _executable(home / "bin" / "java", script)
        settings = BrokerSettings(
            cache_dir=tmp_path / "cache",
            java_home=home,
            use_docker=False,
            broker_start_timeout_s=timeout_s,
        )
        libs = settings.cache_dir / f"kafka-{VERSION}" / "libs"
        libs.mkdir(parents=True)
        (libs / f"kafka_2.13-{VERSION}.jar").write_bytes(b"")
        return settings

    return make


def _work_dirs(tmp_path: Path) -> list[Path]:
    record = tmp_path / "work-dirs"
    return [Path(line) for line in record.read_text().split()] if record.exists() else []


def test_no_java_anywhere_is_a_clear_error(tmp_path: Path, no_tools_on_path: Path) -> None:
    empty_home = tmp_path / "empty-jdk"
    empty_home.mkdir()
    settings = BrokerSettings(cache_dir=tmp_path / "cache", java_home=empty_home, use_docker=False)

    with pytest.raises(JavaNotFoundError) as caught:
        start_broker(settings)

    message = str(caught.value)
    assert f"JAVA_HOME ({empty_home}) has no bin/java" in message
    assert "no `java` on PATH" in message
    assert "Java 17" in message and "JAVA_HOME" in message  # how to fix it
    assert "\n" not in message  # one paragraph


def test_java_older_than_17_is_refused(fake_java: FakeJava) -> None:
    with pytest.raises(JavaNotFoundError, match=r"Java 11\.0\.2 .* too old.*needs Java 17"):
        start_broker(fake_java(version="11.0.2"))


def test_no_maven_and_no_cached_jars_is_a_clear_error(
    tmp_path: Path, no_tools_on_path: Path
) -> None:
    settings = BrokerSettings(cache_dir=tmp_path / "empty-cache", use_docker=False)

    with pytest.raises(KafkaJarsUnavailableError) as caught:
        ensure_kafka_jars(settings)

    message = str(caught.value)
    assert "not cached" in message and "`mvn`" in message and "apt-get install maven" in message


def test_a_failed_maven_fetch_shows_its_last_lines_and_leaves_no_cache(
    tmp_path: Path, no_tools_on_path: Path
) -> None:
    _executable(
        no_tools_on_path / "mvn",
        "#!/bin/sh\necho '[INFO] resolving'\n"
        "echo '[ERROR] Could not find artifact org.apache.kafka:kafka_2.13:jar:4.1.2'\nexit 1\n",
    )
    settings = BrokerSettings(cache_dir=tmp_path / "cache", use_docker=False)

    with pytest.raises(KafkaJarsUnavailableError) as caught:
        ensure_kafka_jars(settings)

    assert "exit 1" in str(caught.value)
    assert "[ERROR] Could not find artifact" in str(caught.value)
    assert os.listdir(settings.cache_dir / f"kafka-{VERSION}") == []  # no half cache


def test_maven_fetches_into_place_atomically_and_only_once(
    tmp_path: Path, no_tools_on_path: Path
) -> None:
    calls = tmp_path / "mvn-calls"
    _executable(
        no_tools_on_path / "mvn",
        "#!/bin/sh\nPATH=/usr/bin:/bin\n"
        f'echo "$*" >> "{calls}"\n'
        'for arg in "$@"; do case "$arg" in -DoutputDirectory=*) out="${arg#*=}";; esac; done\n'
        'mkdir -p "$out" && touch "$out/kafka_2.13-4.1.2.jar" "$out/kafka-clients-4.1.2.jar"\n',
    )
    settings = BrokerSettings(cache_dir=tmp_path / "cache", use_docker=False)
    lines: list[str] = []

    libs = ensure_kafka_jars(settings, progress=lines.append)
    again = ensure_kafka_jars(settings, progress=lines.append)

    assert libs == again == tmp_path / "cache" / f"kafka-{VERSION}" / "libs"
    assert sorted(p.name for p in libs.iterdir()) == [
        "kafka-clients-4.1.2.jar",
        "kafka_2.13-4.1.2.jar",
    ]
    assert os.listdir(libs.parent) == ["libs"]  # the staging dir is gone
    assert lines[0] == "fetching Apache Kafka 4.1.2 jars with Maven (once, ~45 MB)..."
    invocation = calls.read_text()
    assert invocation.count("\n") == 1
    assert "maven-dependency-plugin:3.8.1:copy-dependencies" in invocation
    assert "-DincludeScope=runtime" in invocation and "-Dkafka.version=4.1.2" in invocation


def test_a_broker_dying_during_start_raises_with_its_log_tail(
    tmp_path: Path, fake_java: FakeJava
) -> None:
    with pytest.raises(BrokerStartError) as caught:
        start_broker(fake_java(broker=DIES))

    error = caught.value
    assert "exited with code 1 during start" in str(error)
    assert "boom-42" in error.log_tail and "Exiting Kafka due to fatal exception" in str(error)
    (work_dir,) = _work_dirs(tmp_path)
    assert not work_dir.exists()


def test_taken_ports_are_retried_three_times_with_new_dirs(
    tmp_path: Path, fake_java: FakeJava
) -> None:
    lines: list[str] = []

    with pytest.raises(BrokerStartError, match="did not start in 3 attempts") as caught:
        start_broker(fake_java(broker=PORT_TAKEN), progress=lines.append)

    assert "Address already in use" in caught.value.log_tail
    work_dirs = _work_dirs(tmp_path)
    assert len(set(work_dirs)) == 3
    assert not any(d.exists() for d in work_dirs)
    assert sum("retrying" in line for line in lines) == 3


def test_a_broker_never_ready_is_stopped_after_the_timeout(
    tmp_path: Path, fake_java: FakeJava
) -> None:
    started = time.monotonic()

    with pytest.raises(BrokerStartError, match=r"not ready within 2 s \(pid (\d+)\)") as caught:
        start_broker(fake_java(broker=HANGS, timeout_s=2.0))

    assert time.monotonic() - started < 15
    pid = int(str(caught.value).split("(pid ", 1)[1].split(")", 1)[0])
    assert not is_running(pid)
    assert not any(d.exists() for d in _work_dirs(tmp_path))
