"""Offline backup and restore of the local embedded Neo4j store (``ltsa neo4j backup|restore``).

Neo4j Community has no online backup: a consistent copy needs the store closed. So both operations
refuse while a server holds the store, and hold Neo4j's own store lock (``data/databases/store_lock``,
a POSIX lock Neo4j takes on start) for as long as they read or replace files, so no server can start
half-way through.

An archive is a ``.tar.gz`` of the data folder's ``data/`` tree (databases, transaction logs and the
``system`` database with its users; ``logs/`` is not kept) whose first member is a manifest: archive
format, Neo4j version of the launcher that wrote the store, creation time, store path, node and
relationship counts, and the SHA-256 of every file. Restore extracts into a staging folder beside the
store, verifies every checksum and the version, and only then swaps the staging folder in; the store it
replaces (``--force``) is moved aside, never deleted, so a wrong restore loses nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import xml.etree.ElementTree as ElementTree
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Final

from graph.local_server import LAUNCHER_DIR
from graph.local_store import STORE_DIR, STORE_LOCK, count_store, store_has_files, store_locked

ARCHIVE_FORMAT: Final = 1
MANIFEST_NAME: Final = "satu-atap-neo4j-backup.json"
CHUNK: Final = 1024 * 1024


class BackupError(RuntimeError):
    """A backup or restore was refused or failed; nothing was changed. The message says why."""


class ArchiveRejected(BackupError):
    """The archive is not a usable backup: unreadable, tampered with, or from another Neo4j version."""


@dataclass(frozen=True)
class BackupManifest:
    """What an archive holds; written as its first member and checked again on restore."""

    archive_format: int
    neo4j_version: str
    created: str
    store_path: str
    nodes: int | None
    relationships: int | None
    files: dict[str, str]  # path inside the archive → SHA-256 of its content
    checksum: str  # SHA-256 over the sorted (path, file checksum) list: one figure to compare by eye

    @classmethod
    def from_json(cls, raw: bytes) -> BackupManifest:
        try:
            fields = json.loads(raw)
            manifest = cls(**fields)
        except (ValueError, TypeError) as error:
            raise ArchiveRejected(f"the backup manifest is unreadable: {error}") from error
        if not isinstance(manifest.files, dict) or manifest.checksum != tree_checksum(manifest.files):
            raise ArchiveRejected("the backup manifest's checksum does not match its file list")
        return manifest


@dataclass(frozen=True)
class RestoreResult:
    manifest: BackupManifest
    replaced: Path | None  # where the previous store was moved, when --force replaced one


def launcher_neo4j_version() -> str:
    """The Neo4j version the embedded launcher is built with (``neo4j.version`` in its pom.xml)."""
    namespace = {"m": "http://maven.apache.org/POM/4.0.0"}
    pom = ElementTree.parse(LAUNCHER_DIR / "pom.xml")
    version = pom.findtext("m:properties/m:neo4j.version", namespaces=namespace)
    if not version:
        raise BackupError(f"{LAUNCHER_DIR / 'pom.xml'} names no neo4j.version")
    return version.strip()


def tree_checksum(files: dict[str, str]) -> str:
    """One SHA-256 over every (path, file checksum): a renamed, added or changed file changes it."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(f"{path}\0{files[path]}\n".encode())
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def create_backup(data_dir: Path, archive: Path, *, counts: bool = True) -> BackupManifest:
    """Archive the stopped store of ``data_dir`` into ``archive`` (a new ``.tar.gz``)."""
    if archive.exists():
        raise BackupError(f"{archive} already exists; choose a new file name")
    if archive.is_relative_to(data_dir / STORE_DIR):
        raise BackupError(f"write the backup outside the store it copies ({data_dir / STORE_DIR})")
    if not store_has_files(data_dir):
        raise BackupError(f"there is no Neo4j store in {data_dir / STORE_DIR} to back up")
    with store_locked(data_dir):
        pass  # refuse a running server before spending a server start on counting
    nodes, relationships = count_store(data_dir) if counts else (None, None)
    partial = archive.with_name(archive.name + ".partial")
    with store_locked(data_dir):
        store = data_dir / STORE_DIR
        members = sorted(store.rglob("*"))
        files = {
            (PurePosixPath(STORE_DIR) / p.relative_to(store).as_posix()).as_posix(): file_sha256(p)
            for p in members
            if p.is_file() and p != data_dir / STORE_LOCK
        }
        manifest = BackupManifest(
            archive_format=ARCHIVE_FORMAT,
            neo4j_version=launcher_neo4j_version(),
            created=datetime.now(UTC).isoformat(timespec="seconds"),
            store_path=str(store),
            nodes=nodes,
            relationships=relationships,
            files=files,
            checksum=tree_checksum(files),
        )
        try:
            archive.parent.mkdir(parents=True, exist_ok=True)
            _write_archive(partial, data_dir, manifest)
            partial.replace(archive)  # a reader never sees half an archive under the final name
        except OSError as error:  # disk full, no permission: nothing is left behind
            raise BackupError(f"cannot write {archive}: {error}") from error
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _write_archive(target: Path, data_dir: Path, manifest: BackupManifest) -> None:
    raw = json.dumps(asdict(manifest), indent=2).encode() + b"\n"
    with tarfile.open(target, "w:gz", compresslevel=6) as tar:
        info = tarfile.TarInfo(MANIFEST_NAME)
        info.size, info.mtime, info.mode = len(raw), int(datetime.now(UTC).timestamp()), 0o644
        tar.addfile(info, io.BytesIO(raw))
        store = data_dir / STORE_DIR
        for directory in sorted(p for p in store.rglob("*") if p.is_dir()):
            tar.add(
                directory, arcname=f"{STORE_DIR}/{directory.relative_to(store).as_posix()}", recursive=False
            )
        for name in sorted(manifest.files):
            tar.add(data_dir / name, arcname=name, recursive=False)


def read_manifest(archive: Path) -> BackupManifest:
    """The manifest of ``archive`` (its first member), without extracting anything else."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST_NAME or not first.isfile():
                raise ArchiveRejected(f"{archive} is not a Satu Atap Neo4j backup (no {MANIFEST_NAME})")
            source = tar.extractfile(first)
            assert source is not None  # a regular file member always has content
            return BackupManifest.from_json(source.read())
    except (OSError, tarfile.TarError, EOFError) as error:
        raise ArchiveRejected(f"cannot read {archive}: {error}") from error


def check_version(manifest: BackupManifest, current: str) -> None:
    """Same major version, and never newer than us: Neo4j opens older 5.x stores, not newer ones."""
    if manifest.archive_format != ARCHIVE_FORMAT:
        raise ArchiveRejected(f"archive format {manifest.archive_format} is not {ARCHIVE_FORMAT}")
    theirs, ours = _version_key(manifest.neo4j_version), _version_key(current)
    if theirs[0] != ours[0] or theirs > ours:
        raise ArchiveRejected(
            f"the backup was written by Neo4j {manifest.neo4j_version}; this launcher runs {current}, "
            "which cannot open it (restore into the same or a newer version of the same major release)"
        )


def _version_key(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError as error:
        raise ArchiveRejected(f"unreadable Neo4j version {version!r} in the backup") from error


def restore_backup(archive: Path, data_dir: Path, *, force: bool = False) -> RestoreResult:
    """Replace the store of ``data_dir`` with the one in ``archive``, after verifying it completely."""
    manifest = read_manifest(archive)
    check_version(manifest, launcher_neo4j_version())
    if store_has_files(data_dir) and not force:
        raise BackupError(
            f"{data_dir / STORE_DIR} already holds a store; pass --force to replace it "
            "(it is moved aside, not deleted)"
        )
    data_dir.mkdir(parents=True, exist_ok=True)
    staging = data_dir / f"{STORE_DIR}.restoring"
    shutil.rmtree(staging, ignore_errors=True)  # a leftover of an interrupted restore, never a store
    with store_locked(data_dir):
        try:
            _extract_verified(archive, manifest, staging)
            replaced = _swap_in(staging / STORE_DIR, data_dir)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return RestoreResult(manifest=manifest, replaced=replaced)


def _extract_verified(archive: Path, manifest: BackupManifest, staging: Path) -> None:
    """Extract the store members under ``staging``, hashing as we write; any surprise rejects it all."""
    seen: set[str] = set()
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if member.name == MANIFEST_NAME:
                    continue
                target = member_target(staging, member.name)
                if member.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                elif member.isfile() and member.name in manifest.files:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    source = tar.extractfile(member)
                    assert source is not None
                    if _copy_hashing(source, target) != manifest.files[member.name]:
                        raise ArchiveRejected(f"checksum mismatch for {member.name}: the archive is damaged")
                    seen.add(member.name)
                else:
                    raise ArchiveRejected(f"unexpected member {member.name!r} in the backup")
    except (OSError, tarfile.TarError, EOFError) as error:
        raise ArchiveRejected(f"cannot read {archive}: {error}") from error
    missing = sorted(set(manifest.files) - seen)
    if missing:
        raise ArchiveRejected(
            f"the backup lacks {len(missing)} file(s) its manifest lists, e.g. {missing[0]}"
        )


def member_target(staging: Path, name: str) -> Path:
    """Where member ``name`` goes under ``staging``: only relative paths inside ``data/``, never ``..``."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or path.parts[:1] != (STORE_DIR,):
        raise ArchiveRejected(f"unsafe member {name!r} in the backup")
    return staging.joinpath(*path.parts)


def _copy_hashing(source: IO[bytes], target: Path) -> str:
    digest = hashlib.sha256()
    try:
        sink = target.open("wb")
    except OSError as error:
        raise BackupError(f"cannot write {target}: {error}") from error
    with sink:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            try:
                sink.write(chunk)
            except OSError as error:  # a full disk is not a damaged archive
                raise BackupError(f"cannot write {target}: {error}") from error
    return digest.hexdigest()


def _swap_in(restored: Path, data_dir: Path) -> Path | None:
    """Put ``restored`` in place of ``data_dir/data``; the previous store is kept beside it."""
    (restored / STORE_LOCK.relative_to(STORE_DIR)).touch()  # Neo4j expects its lock file to exist
    current = data_dir / STORE_DIR
    replaced = None
    if current.exists() and not store_has_files(data_dir):
        shutil.rmtree(current)  # only empty folders: nothing worth keeping
    elif current.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        replaced = data_dir / f"{STORE_DIR}.replaced-{stamp}"
        current.rename(replaced)
    os.replace(restored, current)
    return replaced
