"""Which files a source reads, how they are named in provenance, and their fingerprints."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..manifest import Manifest, SourceSpec
from .errors import SourceFileError


class NoFilesError(SourceFileError):
    pass


def source_files(manifest: Manifest, spec: SourceSpec) -> list[Path]:
    """The files a source reads, sorted, so row order (and so ``~2`` suffixes) is stable across runs."""
    path = Path(spec.path)
    if spec.is_glob:
        # Path.glob takes relative patterns only; an absolute one is globbed from its root.
        base = Path(path.anchor) if path.is_absolute() else manifest.folder
        pattern = str(path.relative_to(path.anchor)) if path.is_absolute() else spec.path
        files = sorted(p for p in base.glob(pattern) if p.is_file())
    else:
        single = manifest.folder / path
        files = [single] if single.is_file() else []
    if not files:
        raise NoFilesError(
            f"{manifest.path}:{spec.line}: source '{spec.name}' path '{spec.path}' matches no file "
            f"(relative to {manifest.folder})"
        )
    return files


def file_label(manifest: Manifest, path: Path) -> str:
    """The ``file`` provenance value: relative to the manifest folder when inside it, else absolute."""
    try:
        return path.relative_to(manifest.folder).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
