"""The class-data archive is installed only when a JVM can map it (fake java, no JVM)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from kafka_broker.cds import adopt_dumped_archive, class_data_archive, dump_is_pending
from kafka_broker.java import JavaRuntime


def _fake_java(tmp_path: Path, exit_code: int) -> JavaRuntime:
    java = tmp_path / f"java-{exit_code}"
    java.write_text(f"#!/bin/sh\nexit {exit_code}\n")
    java.chmod(java.stat().st_mode | stat.S_IXUSR)
    return JavaRuntime(java, "17.0.15")


def _dump(tmp_path: Path, java: JavaRuntime) -> tuple[Path, Path]:
    """A work dir whose broker 'dumped' an archive, and where that archive should go."""
    jar = tmp_path / "kafka_2.13-4.1.2.jar"
    jar.write_bytes(b"jar")
    archive = class_data_archive(java, str(jar), tmp_path / "cache")
    work_dir = tmp_path / "work"
    work_dir.mkdir()
    options = archive.options(work_dir)
    assert options[0] == f"-XX:ArchiveClassesAtExit={work_dir / 'broker.jsa'}"
    assert dump_is_pending(work_dir)
    (work_dir / "broker.jsa").write_bytes(b"archive bytes")
    return work_dir, archive.path


def test_an_archive_a_jvm_maps_is_installed_and_then_used(tmp_path: Path) -> None:
    java = _fake_java(tmp_path, exit_code=0)
    work_dir, target = _dump(tmp_path, java)

    assert adopt_dumped_archive(work_dir) == target

    assert target.read_bytes() == b"archive bytes"
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temp file left
    archive = class_data_archive(java, str(tmp_path / "kafka_2.13-4.1.2.jar"), tmp_path / "cache")
    assert archive.verifying_options() == [f"-XX:SharedArchiveFile={target}", "-Xshare:on"]
    assert archive.options(tmp_path) == [f"-XX:SharedArchiveFile={target}", "-Xshare:auto"]


def test_an_archive_no_jvm_can_map_is_never_installed(tmp_path: Path) -> None:
    work_dir, target = _dump(tmp_path, _fake_java(tmp_path, exit_code=134))  # SIGBUS-like crash

    assert adopt_dumped_archive(work_dir) is None

    assert not target.exists()


def test_other_jars_or_another_java_get_another_archive(tmp_path: Path) -> None:
    jar = tmp_path / "kafka_2.13-4.1.2.jar"
    jar.write_bytes(b"v1")
    java = _fake_java(tmp_path, 0)
    first = class_data_archive(java, str(jar), tmp_path).path

    jar.write_bytes(b"refetched")
    refetched = class_data_archive(java, str(jar), tmp_path).path
    other_java = class_data_archive(JavaRuntime(java.executable, "25.0.3"), str(jar), tmp_path)

    assert len({first, refetched, other_java.path}) == 3


def test_only_the_most_recently_used_archives_are_kept(tmp_path: Path) -> None:
    java = _fake_java(tmp_path, exit_code=0)
    cds = tmp_path / "cache" / "cds"
    cds.mkdir(parents=True)
    for age in range(5):
        old = cds / f"broker-old{age}.jsa"
        old.write_bytes(b"old")
        os.utime(old, (1_000_000 - age, 1_000_000 - age))
    work_dir, target = _dump(tmp_path, java)

    adopt_dumped_archive(work_dir)

    assert sorted(p.name for p in cds.iterdir()) == sorted(
        [target.name, "broker-old0.jsa", "broker-old1.jsa"]
    )
