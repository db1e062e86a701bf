"""The pages' build for the browser tests: ``npm ci`` when node_modules is missing or older than the
lockfile, ``npm run build`` when web/dist is missing or older than any source. Later runs reuse both."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "web"
DIST = WEB / "dist"
BUILT_STAMP = DIST / ".built"
INSTALLED_STAMP = WEB / "node_modules" / ".package-lock.json"  # npm rewrites it on every install


def _newest(paths: list[Path]) -> float:
    return max(p.stat().st_mtime for p in paths)


def _sources() -> list[Path]:
    files = [p for folder in ("src", "html") for p in (WEB / folder).rglob("*") if p.is_file()]
    return [*files, WEB / "build.mjs", WEB / "package.json", WEB / "package-lock.json", WEB / "tsconfig.json"]


def _npm(*args: str) -> None:
    done = subprocess.run(["npm", *args], cwd=WEB, capture_output=True, text=True)
    if done.returncode != 0:
        raise AssertionError(
            f"npm {' '.join(args)} in {WEB} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}"
        )


def built_pages() -> Path:
    """web/dist, built from the committed lockfile when stale; skips only when npm is not installed."""
    if shutil.which("npm") is None:
        pytest.skip("Node.js and npm are needed to build the pages (web/)")
    lockfile = WEB / "package-lock.json"
    if not INSTALLED_STAMP.exists() or INSTALLED_STAMP.stat().st_mtime < lockfile.stat().st_mtime:
        _npm("ci", "--no-audit", "--no-fund")
    if not BUILT_STAMP.exists() or BUILT_STAMP.stat().st_mtime < _newest(_sources()):
        _npm("run", "typecheck")
        _npm("run", "build")
        BUILT_STAMP.touch()
    return DIST
