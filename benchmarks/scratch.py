"""Scratch folders for benchmarks, removed when the script exits.

A benchmark's embedded Neo4j store and synthetic world take ~200 MB at 100k persons; left in /tmp, a
day of runs filled the disk (and then `npm ci` in CI failed for want of space).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path


def scratch_dir(prefix: str) -> Path:
    """A new empty folder, deleted at interpreter exit (normal end, an exception, or sys.exit from a
    signal handler). Registered before any server started in it, so it runs after that server's own
    exit hook has stopped it (atexit runs last-registered first)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path
