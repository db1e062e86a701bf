"""The backup manifest's own rules, without a store: which Neo4j versions may be restored, the file-list
checksum, and which archive member names are safe to extract."""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from pathlib import Path

import pytest

from ltsa.backup import (
    ARCHIVE_FORMAT,
    ArchiveRejected,
    BackupManifest,
    check_version,
    launcher_neo4j_version,
    member_target,
    tree_checksum,
)

FILES = {"data/databases/neo4j/neostore": "a" * 64, "data/server_id": "b" * 64}


def manifest(version: str = "5.26.31", **changes: object) -> BackupManifest:
    made = BackupManifest(
        archive_format=ARCHIVE_FORMAT,
        neo4j_version=version,
        created="2026-11-28T03:00:00+00:00",
        store_path="/var/neo4j/data",
        nodes=3,
        relationships=2,
        files=FILES,
        checksum=tree_checksum(FILES),
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def test_the_launcher_version_comes_from_its_pom() -> None:
    pom = (Path(__file__).resolve().parents[2] / "deploy" / "neo4j-local" / "pom.xml").read_text()
    assert f"<neo4j.version>{launcher_neo4j_version()}</neo4j.version>" in pom


@pytest.mark.parametrize("written_by", ["5.26.31", "5.26.0", "5.20.0"])
def test_the_same_or_an_older_release_of_the_same_major_restores(written_by: str) -> None:
    check_version(manifest(written_by), "5.26.31")


@pytest.mark.parametrize(
    ("written_by", "reason"),
    [
        ("5.26.32", "cannot open it"),
        ("5.27.0", "cannot open it"),
        ("4.4.30", "cannot open it"),
        ("6.0.0", "cannot open it"),
        ("five", "unreadable"),
    ],
)
def test_a_newer_or_other_major_or_unreadable_version_is_refused(written_by: str, reason: str) -> None:
    with pytest.raises(ArchiveRejected, match=reason):
        check_version(manifest(written_by), "5.26.31")


def test_another_archive_format_is_refused() -> None:
    with pytest.raises(ArchiveRejected, match="archive format 2"):
        check_version(manifest(archive_format=2), "5.26.31")


def test_the_checksum_covers_names_and_contents_in_any_order() -> None:
    assert tree_checksum(dict(reversed(FILES.items()))) == tree_checksum(FILES)
    assert tree_checksum({**FILES, "data/server_id": "c" * 64}) != tree_checksum(FILES)
    renamed = {"data/other": FILES["data/server_id"], "data/databases/neo4j/neostore": "a" * 64}
    assert tree_checksum(renamed) != tree_checksum(FILES)


def test_a_manifest_round_trips_and_a_tampered_one_is_refused() -> None:
    raw = json.dumps(asdict(manifest())).encode()
    assert BackupManifest.from_json(raw) == manifest()
    tampered = json.dumps({**asdict(manifest()), "files": {**FILES, "data/extra": "d" * 64}}).encode()
    with pytest.raises(ArchiveRejected, match="does not match its file list"):
        BackupManifest.from_json(tampered)
    with pytest.raises(ArchiveRejected, match="unreadable"):
        BackupManifest.from_json(b'{"archive_format": 1}')
    with pytest.raises(ArchiveRejected, match="unreadable"):
        BackupManifest.from_json(b"not json")


@pytest.mark.parametrize(
    "name", ["/etc/passwd", "data/../../escape", "logs/debug.log", "../data/x", "data/a/../../b"]
)
def test_only_members_under_data_are_extracted(tmp_path: Path, name: str) -> None:
    with pytest.raises(ArchiveRejected, match="unsafe member"):
        member_target(tmp_path, name)


def test_a_member_under_data_lands_under_the_staging_folder(tmp_path: Path) -> None:
    assert (
        member_target(tmp_path, "data/databases/neo4j/neostore")
        == tmp_path / "data" / "databases" / "neo4j" / "neostore"
    )
