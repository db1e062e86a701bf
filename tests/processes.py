"""Process inspection for tests that must prove no server is left behind."""

from __future__ import annotations

from pathlib import Path


def java_pids(marker: str) -> list[int]:
    """Live Java processes whose command line mentions ``marker`` (read from /proc, never truncated)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            args = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (proc / "stat").read_text().split(") ", 1)[1][0]
        except OSError:
            continue
        if "java" in args and marker in args and state != "Z":
            pids.append(int(proc.name))
    return pids
