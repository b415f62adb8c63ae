"""The class-data archive speeds starts up and never breaks them, even when corrupt."""

from __future__ import annotations

import os
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from kafka_broker import ensure_kafka_jars, kafka_broker
from kafka_broker.cds import class_data_archive
from kafka_broker.jars import kafka_classpath
from kafka_broker.java import find_java
from kafka_broker.jvm import start_jvm_broker
from kafka_broker.settings import BrokerSettings

pytestmark = pytest.mark.kafka


def test_a_truncated_archive_crashes_no_start_and_is_replaced(tmp_path: Path) -> None:
    real = replace(BrokerSettings.from_env(os.environ), bootstrap_servers=None, use_docker=False)
    real_libs = ensure_kafka_jars(real)
    java = find_java(real)
    real_archive = class_data_archive(java, kafka_classpath(real_libs), real_libs.parent).path
    if not real_archive.exists():
        with kafka_broker(real):  # the first stop dumps the real cache's archive
            pass
    dumped = real_archive.read_bytes()  # made by this very JVM
    # Own cache (same jars) so that the real archive is not touched.
    (tmp_path / real_libs.parent.name).mkdir()
    (tmp_path / real_libs.parent.name / "libs").symlink_to(real_libs)
    settings = replace(real, cache_dir=tmp_path)
    libs = ensure_kafka_jars(settings)
    archive = class_data_archive(java, kafka_classpath(libs), libs.parent)
    archive.path.parent.mkdir(parents=True)
    archive.path.write_bytes(dumped[: len(dumped) // 2])  # OpenJDK 17 dies of SIGBUS, 25 refuses it
    lines: list[str] = []

    broker = start_jvm_broker(settings, progress=lines.append)
    broker.stop()

    assert any("could not use the class-data archive" in line for line in lines)
    assert archive.path.stat().st_size > len(dumped) // 2  # a fresh, complete archive
    mapped = subprocess.run(
        [
            str(java.executable),
            "-Xshare:on",
            f"-XX:SharedArchiveFile={archive.path}",
            "-cp",
            kafka_classpath(libs),
            "-version",
        ],
        capture_output=True,
        check=False,
    )
    assert mapped.returncode == 0, mapped.stderr
