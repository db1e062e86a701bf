"""`make demo`/`make test` name a missing prerequisite before doing anything."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = PROJECT_ROOT / "scripts" / "check-prereqs.sh"


def _run_with_tools(tmp_path: Path, tools: list[str]) -> subprocess.CompletedProcess[str]:
    """Run the check with a PATH holding only the named tools (plus what bash itself needs)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in [*tools, "awk", "bash"]:
        # python3 may be a version-manager shim; link the real interpreter running this test instead.
        found = os.path.realpath(sys.executable) if tool == "python3" else shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    env = {**os.environ, "PATH": str(bin_dir), "PYTHON": "python3"}
    return subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True)


def test_all_prerequisites_present(tmp_path: Path) -> None:
    result = _run_with_tools(tmp_path, ["python3", "java", "mvn", "node", "npm"])
    assert result.returncode == 0, result.stderr


def test_missing_java_and_maven_are_named(tmp_path: Path) -> None:
    result = _run_with_tools(tmp_path, ["python3"])
    assert result.returncode == 1
    assert "missing prerequisite: Java 17" in result.stderr
    assert "missing prerequisite: Maven" in result.stderr
    assert "Python" not in result.stderr


def test_missing_python_is_named(tmp_path: Path) -> None:
    result = _run_with_tools(tmp_path, ["java", "mvn", "node", "npm"])
    assert result.returncode == 1
    assert "missing prerequisite: Python 3.11" in result.stderr
    assert "Node" not in result.stderr


def test_missing_node_is_named(tmp_path: Path) -> None:
    result = _run_with_tools(tmp_path, ["python3", "java", "mvn"])
    assert result.returncode == 1
    assert "missing prerequisite: Node.js 20+" in result.stderr
