"""Class-data-sharing archives with real JVMs: trained when missing or stale, used by the server, and
never in the way of a start when unusable. Each training run is one JVM start, so the tests share one."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from graph.bulk_import import IMPORTER_LIB, importer_archive
from graph.connection import Neo4jSettings, connect
from graph.jvm_archive import is_current
from graph.local_server import LocalNeo4j, launcher_archive, launcher_inputs

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A launcher archive trained from nothing, away from the project's own one."""
    archive = tmp_path_factory.mktemp("cds") / "launcher.jsa"
    assert launcher_archive(archive) == archive
    return archive


def test_missing_archive_is_trained(trained: Path) -> None:
    assert trained.stat().st_size > 10 * 2**20
    assert is_current(trained, launcher_inputs())
    assert sorted(p.name for p in trained.parent.iterdir()) == ["launcher.jsa", "launcher.jsa.lock"]


def test_server_starts_with_the_archive_in_use(trained: Path, tmp_path: Path) -> None:
    # -Xshare:on turns the JVM's "ignore an unusable archive" into a refusal to start: ready means used.
    server = LocalNeo4j(data_dir=tmp_path / "db", class_archive=trained, jvm_options=("-Xshare:on",))
    assert f"-XX:SharedArchiveFile={trained}" in server.command(0)
    uri = server.start()
    try:
        with connect(Neo4jSettings.from_env(uri=uri)) as driver:
            records, _, _ = driver.execute_query("RETURN 41 + 1 AS answer")
        assert records[0]["answer"] == 42
    finally:
        server.stop()


def test_garbage_archive_does_not_stop_the_start(tmp_path: Path) -> None:
    archive = tmp_path / "garbage.jsa"
    archive.write_bytes(os.urandom(2**20))  # written now, so "current": the JVM gets to judge it
    server = LocalNeo4j(data_dir=tmp_path / "db", class_archive=archive)
    assert f"-XX:SharedArchiveFile={archive}" in server.command(0)
    try:
        assert server.start().startswith("bolt://")
    finally:
        server.stop()


def test_archive_older_than_the_jars_is_trained_again(tmp_path: Path) -> None:
    archive = tmp_path / "import.jsa"
    archive.write_bytes(b"from an older build")
    older = min(p.stat().st_ctime for p in IMPORTER_LIB.glob("*.jar")) - 60
    os.utime(archive, (older, older))
    assert importer_archive(archive) == archive
    assert archive.stat().st_mtime > older
    assert archive.stat().st_size > 2**20


def test_failed_training_warns_once_and_starts_without(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    archive = tmp_path / "no-such-folder" / "launcher.jsa"
    with caplog.at_level(logging.WARNING, logger="graph.jvm_archive"):
        assert launcher_archive(archive) is None
        command = LocalNeo4j(data_dir=tmp_path / "db", class_archive=archive).command(0)
    assert not any(arg.startswith("-XX:SharedArchiveFile") for arg in command)
    (warning,) = [r for r in caplog.records if r.name == "graph.jvm_archive"]  # once, though asked twice
    assert "no class-data-sharing archive" in warning.getMessage()
