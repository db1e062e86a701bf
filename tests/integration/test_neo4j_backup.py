"""``ltsa neo4j backup|restore`` against a real embedded Neo4j: the data round trip and every refusal."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from neo4j import GraphDatabase

from graph.local_server import LocalNeo4j
from ltsa.backup import MANIFEST_NAME, launcher_neo4j_version
from tests.integration.test_neo4j_cli import exported_uri, ltsa
from tests.processes import java_pids

pytestmark = pytest.mark.neo4j
ORIGINAL = ["Siti", "Wayan", "Yohana"]


def people(uri: str) -> tuple[list[str], int]:
    """The names of the probe persons and the number of relationships between them."""
    with GraphDatabase.driver(uri) as driver:
        records, _, _ = driver.execute_query("MATCH (p:BackupProbe) RETURN p.name AS name ORDER BY name")
        [row], _, _ = driver.execute_query("MATCH (:BackupProbe)-[r]->(:BackupProbe) RETURN count(r) AS n")
    return [r["name"] for r in records], int(row["n"])


@dataclass(frozen=True)
class BackedUp:
    data_dir: Path
    archive: Path
    manifest: dict[str, object]


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackedUp]:
    """A store with three persons and two relationships, stopped and backed up once for this module."""
    root = tmp_path_factory.mktemp("backup")
    data_dir = root / "neo4j"
    try:
        started = ltsa(data_dir, "start", "--port", "0")
        assert started.returncode == 0, started.stderr
        uri = exported_uri(started.stdout)
        with GraphDatabase.driver(uri) as driver:
            driver.execute_query("UNWIND $names AS name CREATE (:BackupProbe {name: name})", names=ORIGINAL)
            driver.execute_query(
                "MATCH (a:BackupProbe {name: 'Siti'}), (b:BackupProbe) WHERE b <> a "
                "CREATE (a)-[:FAMILY_OF]->(b)"
            )

        running = ltsa(data_dir, "backup", "--to", str(root / "refused.tar.gz"))
        assert running.returncode == 2 and "ltsa neo4j stop" in running.stderr, running.stderr
        assert not (root / "refused.tar.gz").exists()

        assert ltsa(data_dir, "stop").returncode == 0
        archive = root / "neo4j.tar.gz"
        made = ltsa(data_dir, "backup", "--to", str(archive))
        assert made.returncode == 0, made.stderr
        with tarfile.open(archive) as tar:
            first = tar.next()
            assert first is not None and first.name == MANIFEST_NAME
            source = tar.extractfile(first)
            assert source is not None
            manifest = json.loads(source.read())
        yield BackedUp(data_dir, archive, manifest)
    finally:
        if java_pids(str(data_dir)):
            ltsa(data_dir, "stop")


def test_the_manifest_records_version_counts_and_checksums(backed_up: BackedUp) -> None:
    manifest = backed_up.manifest
    assert manifest["neo4j_version"] == launcher_neo4j_version()
    assert manifest["store_path"] == str(backed_up.data_dir / "data")
    assert (manifest["nodes"], manifest["relationships"]) == (3, 2)
    files = manifest["files"]
    assert isinstance(files, dict) and "data/databases/neo4j/neostore" in files
    assert not any(name.startswith("logs/") for name in files), "server logs are not part of a backup"


def test_restore_brings_the_original_data_back(backed_up: BackedUp, tmp_path: Path) -> None:
    data_dir = backed_up.data_dir
    started = ltsa(data_dir, "start", "--port", "0")
    assert started.returncode == 0, started.stderr
    with GraphDatabase.driver(exported_uri(started.stdout)) as driver:
        driver.execute_query("MATCH (p:BackupProbe {name: 'Wayan'}) DETACH DELETE p")
        driver.execute_query("CREATE (:BackupProbe {name: 'Made'})")
    assert people(exported_uri(started.stdout)) == (["Made", "Siti", "Yohana"], 1)

    busy = ltsa(data_dir, "restore", "--from", str(backed_up.archive), "--force")
    assert busy.returncode == 2 and "ltsa neo4j stop" in busy.stderr
    assert ltsa(data_dir, "stop").returncode == 0

    unforced = ltsa(data_dir, "restore", "--from", str(backed_up.archive))
    assert unforced.returncode == 2 and "--force" in unforced.stderr

    restored = ltsa(data_dir, "restore", "--from", str(backed_up.archive), "--force")
    assert restored.returncode == 0, restored.stderr
    assert "expect 3 nodes, 2 relationships" in restored.stderr
    [kept] = data_dir.glob("data.replaced-*")
    assert (kept / "databases" / "neo4j" / "neostore").is_file(), "the replaced store is kept"

    # Started through the Python API (as `ltsa demo` does): no state file, so only Neo4j's store lock
    # can tell `backup` that the store is in use.
    server = LocalNeo4j(data_dir=data_dir)
    try:
        server.start()
        assert people(server.uri) == (ORIGINAL, 2)
        locked = ltsa(data_dir, "backup", "--to", str(tmp_path / "while-running.tar.gz"), "--no-counts")
        assert locked.returncode == 2 and "is using" in locked.stderr, locked.stderr
        assert not (tmp_path / "while-running.tar.gz").exists()
    finally:
        server.stop()


def test_restore_into_an_empty_folder_needs_no_force(backed_up: BackedUp, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    restored = ltsa(fresh, "restore", "--from", str(backed_up.archive))
    assert restored.returncode == 0, restored.stderr
    assert (fresh / "data" / "databases" / "neo4j" / "neostore").is_file()
    assert not list(fresh.glob("data.*")), "no staging or replaced folder is left behind"


def test_an_existing_archive_is_never_overwritten(backed_up: BackedUp) -> None:
    before = backed_up.archive.read_bytes()
    again = ltsa(backed_up.data_dir, "backup", "--to", str(backed_up.archive), "--no-counts")
    assert again.returncode == 2 and "already exists" in again.stderr
    assert backed_up.archive.read_bytes() == before


def test_the_archive_folder_is_created_but_never_inside_the_store(
    backed_up: BackedUp, tmp_path: Path
) -> None:
    nested = tmp_path / "backups" / "2026" / "neo4j.tar.gz"
    made = ltsa(backed_up.data_dir, "backup", "--to", str(nested), "--no-counts")
    assert made.returncode == 0 and nested.is_file(), made.stderr
    assert "nodes" not in made.stderr, "no counts were asked for"
    inside = backed_up.data_dir / "data" / "self.tar.gz"
    refused = ltsa(backed_up.data_dir, "backup", "--to", str(inside), "--no-counts")
    assert refused.returncode == 2 and "outside the store" in refused.stderr
    assert not inside.exists()


def test_nothing_to_back_up_is_a_clear_error(tmp_path: Path) -> None:
    empty = ltsa(tmp_path / "never-started", "backup", "--to", str(tmp_path / "x.tar.gz"))
    assert empty.returncode == 2 and "no Neo4j store" in empty.stderr
    assert not (tmp_path / "x.tar.gz").exists()


def rewritten(archive: Path, target: Path, change: dict[str, bytes | None]) -> Path:
    """A copy of ``archive`` with members replaced (bytes), dropped (None) or added (new names)."""
    pending = dict(change)
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as sink:
        for member in source:
            content = source.extractfile(member).read() if member.isfile() else None  # type: ignore[union-attr]
            if member.name in pending:
                content = pending.pop(member.name)
                if content is None:
                    continue
                member.size = len(content)
            sink.addfile(member, io.BytesIO(content) if content is not None else None)
        for name, content in pending.items():
            assert content is not None
            extra = tarfile.TarInfo(name)
            extra.size = len(content)
            sink.addfile(extra, io.BytesIO(content))
    return target


def manifest_bytes(manifest: dict[str, object], **changes: object) -> bytes:
    return json.dumps({**manifest, **changes}).encode()


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("damaged file", "checksum mismatch for data/databases/neo4j/neostore"),
        ("missing file", "lacks 1 file"),
        ("newer neo4j", "cannot open it"),
        ("other major", "cannot open it"),
        ("path escape", "unsafe member"),
        ("tampered manifest", "does not match its file list"),
        ("not a backup", "not a Satu Atap Neo4j backup"),
        ("truncated", "cannot read"),
    ],
)
def test_a_bad_archive_is_rejected_and_the_store_is_untouched(
    backed_up: BackedUp, tmp_path: Path, case: str, expected: str
) -> None:
    manifest = backed_up.manifest
    target = tmp_path / "bad.tar.gz"
    neostore = "data/databases/neo4j/neostore"
    if case == "damaged file":
        rewritten(backed_up.archive, target, {neostore: b"not a neo4j store"})
    elif case == "missing file":
        rewritten(backed_up.archive, target, {neostore: None})
    elif case in {"newer neo4j", "other major"}:
        major, minor, *_ = launcher_neo4j_version().split(".")
        version = f"{major}.{int(minor) + 1}.0" if case == "newer neo4j" else f"{int(major) - 1}.26.0"
        rewritten(backed_up.archive, target, {MANIFEST_NAME: manifest_bytes(manifest, neo4j_version=version)})
    elif case == "path escape":
        rewritten(backed_up.archive, target, {"data/../../escaped": b"x"})
    elif case == "tampered manifest":
        files = {**manifest["files"], neostore: "0" * 64}  # type: ignore[dict-item]
        rewritten(backed_up.archive, target, {MANIFEST_NAME: manifest_bytes(manifest, files=files)})
    elif case == "not a backup":
        with tarfile.open(target, "w:gz") as tar:
            tar.add(Path(__file__), arcname="test.py")
    else:
        whole = backed_up.archive.read_bytes()
        target.write_bytes(whole[: len(whole) // 2])
    store = tmp_path / "store"
    shutil.copytree(backed_up.data_dir / "data", store / "data", ignore=shutil.ignore_patterns("data.*"))
    before = sorted(p.relative_to(store).as_posix() for p in store.rglob("*"))

    result = ltsa(store, "restore", "--from", str(target), "--force")

    assert result.returncode == 4, result.stderr
    assert expected in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.relative_to(store).as_posix() for p in store.rglob("*")) == before
    assert not (tmp_path / "escaped").exists()
