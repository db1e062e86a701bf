"""docs/operators.md names every environment variable the code reads, so the reference cannot rot.

Python: in every module that touches the environment (``os.environ``, ``getenv``, or an ``env``
mapping defaulting to it), each string constant shaped like a variable name (``LTSA_MAX_DEPTH``) is
taken as one the module reads; settings classes pass names to small helpers (``number("LTSA_…")``),
so looking only at ``os.environ.get(…)`` calls would miss most of them. JavaScript (the router) and
the Java launcher: ``process.env.NAME`` / ``process.env["NAME"]`` and ``getenv``-style settings.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
OPERATORS_DOC = PROJECT_ROOT / "docs" / "operators.md"
PYTHON_PACKAGES = ("gateway", "graph", "linkage", "ltsa")
ENV_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
JS_ENV = re.compile(r"process\.env(?:\.([A-Z][A-Z0-9_]*)|\[\s*['\"]([A-Z][A-Z0-9_]*)['\"]\s*\])")
JAVA_ENV = re.compile(r"\"(NEO4J_LOCAL_[A-Z0-9_]+)\"")


def python_env_names(path: Path) -> set[str]:
    source = path.read_text(encoding="utf-8")
    if "environ" not in source and "getenv" not in source:
        return set()
    return {
        node.value
        for node in ast.walk(ast.parse(source, filename=str(path)))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and ENV_NAME.fullmatch(node.value)
    }


def script_env_names(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".java":
        return set(JAVA_ENV.findall(text))
    return {dotted or quoted for dotted, quoted in JS_ENV.findall(text)}


def env_names_in(root: Path) -> dict[str, set[str]]:
    """Variable name → the files (relative to ``root``) that read it."""
    readers: dict[str, set[str]] = {}
    sources = [p for package in PYTHON_PACKAGES for p in (root / package).rglob("*.py")]
    scripts = [
        *(root / "deploy" / "router").glob("*.mjs"),
        *(root / "deploy" / "neo4j-local" / "src").rglob("*.java"),
    ]
    for path in sources + scripts:
        names = python_env_names(path) if path.suffix == ".py" else script_env_names(path)
        for name in names:
            readers.setdefault(name, set()).add(path.relative_to(root).as_posix())
    return readers


def documented_names(doc: str) -> set[str]:
    return set(re.findall(r"`([A-Z][A-Z0-9_]+)`", doc))


def undocumented(root: Path, doc: str) -> list[str]:
    documented = documented_names(doc)
    return [
        f"{name} (read in {', '.join(sorted(files))})"
        for name, files in sorted(env_names_in(root).items())
        if name not in documented
    ]


def test_every_variable_the_code_reads_is_in_the_operators_reference() -> None:
    missing = undocumented(PROJECT_ROOT, OPERATORS_DOC.read_text(encoding="utf-8"))
    assert not missing, "add to docs/operators.md (configuration reference): " + "; ".join(missing)


def test_the_scan_sees_the_variables_we_know_about() -> None:
    # Guards the scanner itself: one name per way of reading the environment in this tree.
    found = env_names_in(PROJECT_ROOT)
    assert {"graph/connection.py"} <= found["NEO4J_URI"]  # os.environ.get("…")
    assert "gateway/auth/settings.py" in found["LTSA_JWKS_TTL"]  # a helper given the name
    assert "graph/timeouts.py" in found["LTSA_CYPHER_TIMEOUT"]  # an injectable env mapping
    assert any(f.endswith("LocalNeo4j.java") for f in found["NEO4J_LOCAL_PAGECACHE"])


@pytest.mark.parametrize(
    ("file", "text", "name"),
    [
        (
            "gateway/new_setting.py",
            'import os\nLIMIT = os.environ.get("LTSA_NEW_LIMIT", "3")\n',
            "LTSA_NEW_LIMIT",
        ),
        (
            "ltsa/helper.py",
            'def f(env):\n    return env.get("LTSA_VIA_MAPPING")  # environ\n',
            "LTSA_VIA_MAPPING",
        ),
        ("deploy/router/extra.mjs", "const url = process.env.ROUTER_NEW_URL;\n", "ROUTER_NEW_URL"),
        ("deploy/router/other.mjs", 'const x = process.env["ROUTER_QUOTED"];\n', "ROUTER_QUOTED"),
    ],
)
def test_a_new_undocumented_variable_fails(tmp_path: Path, file: str, text: str, name: str) -> None:
    target = tmp_path / file
    target.parent.mkdir(parents=True)
    target.write_text(text, encoding="utf-8")
    doc = OPERATORS_DOC.read_text(encoding="utf-8")
    assert [problem.split(" ")[0] for problem in undocumented(tmp_path, doc)] == [name]
    assert undocumented(tmp_path, doc + f"\n| `{name}` | documented now |\n") == []


def test_a_constant_in_a_module_that_never_reads_the_environment_is_not_a_variable(tmp_path: Path) -> None:
    (tmp_path / "graph").mkdir()
    (tmp_path / "graph" / "codes.py").write_text('TIMED_OUT = "NEO_TIMED_OUT"\n', encoding="utf-8")
    assert undocumented(tmp_path, "") == []
