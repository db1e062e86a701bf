"""Class-data-sharing (AppCDS) archives for the JVMs we start: the embedded Neo4j and its importer.

A JVM spends much of a cold start loading and verifying Neo4j's classes. A dynamic archive, written
by one earlier run with ``-XX:ArchiveClassesAtExit``, holds them pre-parsed; a later run maps it with
``-XX:SharedArchiveFile`` and starts faster (measured in ``docs/benchmarks.md``). The archive is only
valid for the exact JDK and jars it was trained with, so it lives as build output beside the jars and
is trained again whenever one of them is newer. An archive the JVM cannot use (another JDK, moved
jars, garbage, gone) is ignored under ``-Xshare:auto``, the default: silently, or with one
``[warning][cds,dynamic] Unable to use shared archive`` line of its own at VM start. A
*truncated* real archive, though, crashes Java 17 (SIGBUS) — hence one only ever appears by an atomic
rename after the training JVM exited normally. Every failure here is logged once and means "start
without".
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

log = logging.getLogger(__name__)

# Archives whose training failed in this process: warned about once, not retried on every start.
_failed: set[Path] = set()


def java_runtime() -> list[Path]:
    """The JDK's class image: an archive trained by another JDK build is useless (and ignored)."""
    java = shutil.which("java")
    if java is None:
        return []
    modules = Path(java).resolve().parent.parent / "lib" / "modules"
    return [modules] if modules.is_file() else []


def is_current(archive: Path, inputs: Iterable[Path]) -> bool:
    """The archive exists and was written after every input last changed.

    Inputs compare by ctime, not mtime: a package manager or ``cp -p`` can install a different jar
    or JDK with an old mtime, but the ctime always says when it arrived here.
    """
    try:
        written = archive.stat().st_mtime
        return all(p.stat().st_ctime <= written for p in inputs)
    except OSError:
        return False


def ensure_archive(archive: Path, inputs: Iterable[Path], train: Callable[[Path], None]) -> Path | None:
    """``archive`` once it is current, trained now if needed; ``None`` (logged once) if that fails.

    ``train(path)`` runs the JVM once with ``-XX:ArchiveClassesAtExit=path`` and raises unless it
    exited normally. Concurrent callers (two test runs, CI jobs) queue on a lock file, so one trains
    and the others take its result; readers that do not lock only ever see a complete file.
    """
    inputs = list(inputs)
    if is_current(archive, inputs):
        return archive
    if archive in _failed:
        return None
    temporary = archive.with_name(f"{archive.name}.{os.getpid()}.tmp")
    try:
        with open(archive.with_name(f"{archive.name}.lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if is_current(archive, inputs):  # another process trained it while we waited
                return archive
            for stale in archive.parent.glob(f"{archive.name}.*.tmp"):  # a trainer killed midway
                stale.unlink(missing_ok=True)
            try:
                train(temporary)
                if not temporary.is_file():
                    raise RuntimeError("the JVM exited without writing it")
                os.replace(temporary, archive)
            finally:
                temporary.unlink(missing_ok=True)
    except Exception as error:  # any failure only costs start time, never the start itself
        _failed.add(archive)
        log.warning("no class-data-sharing archive %s, the JVM starts without it: %s", archive, error)
        return None
    return archive
