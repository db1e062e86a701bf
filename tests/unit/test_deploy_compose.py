"""deploy/docker-compose.yml offline: the Compose Specification's JSON schema (the copy vendored in the
``check-jsonschema`` package) plus the wiring the schema cannot see. No Docker needed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from check_jsonschema.builtin_schemas import get_builtin_schema

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
PROJECT_ROOT = DEPLOY.parent
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
SUBGRAPHS = ("registry", "linkage")
SECRET_NAMES = re.compile(r"PASSWORD|SECRET|NEO4J_AUTH|JWKS")
INTERPOLATION = re.compile(r"\$\{(\w+)(?::?[-?][^}]*)?\}")
Compose = dict[str, Any]


def compose_problems(compose: Compose) -> list[str]:
    """Schema errors, then wiring errors: dangling depends_on, unhealthy dependencies, literal secrets."""
    schema = get_builtin_schema("vendor.compose-spec")
    validator = jsonschema.validators.validator_for(schema)(schema)
    problems = [
        f"{'.'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(compose)
    ]
    if problems:
        return problems
    services: dict[str, Any] = compose["services"]
    for name, service in services.items():
        for dependency, rule in service.get("depends_on", {}).items():
            if dependency not in services:
                problems.append(f"{name}: depends on unknown service {dependency}")
            elif rule["condition"] == "service_healthy" and not has_healthcheck(services[dependency]):
                problems.append(f"{name}: waits for {dependency} to be healthy, which has no healthcheck")
        if service.get("restart") != "no" and not has_healthcheck(service):
            problems.append(f"{name}: a long-running service needs a healthcheck")
        for key, value in (service.get("environment") or {}).items():
            if SECRET_NAMES.search(key) and not INTERPOLATION.search(str(value)):
                problems.append(f"{name}: {key} is a literal; secrets come from the environment or .env")
        for port in service.get("ports", []):
            if not str(port).startswith("127.0.0.1:"):
                problems.append(f"{name}: port {port} is published on every interface")
        build = service.get("build")
        if build and not (COMPOSE_FILE.parent / build["context"] / build["dockerfile"]).is_file():
            problems.append(f"{name}: Dockerfile {build['dockerfile']} does not exist")
    return problems


def has_healthcheck(service: Any) -> bool:
    check = service.get("healthcheck")
    return bool(check) and not check.get("disable", False) and bool(check.get("test"))


@pytest.fixture(scope="module")
def compose() -> Compose:
    loaded: Compose = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    return loaded


def test_the_compose_file_validates_and_wires_up(compose: Compose) -> None:
    assert compose_problems(compose) == []


def test_neo4j_is_the_official_community_image_with_volumes_and_memory(compose: Compose) -> None:
    neo4j = compose["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert {v.split(":")[1] for v in neo4j["volumes"]} == {"/data", "/logs"}
    assert {v.split(":")[0] for v in neo4j["volumes"]} <= set(compose["volumes"])
    memory = {k for k in neo4j["environment"] if "memory" in k}
    assert memory == {
        "NEO4J_server_memory_heap_initial__size",
        "NEO4J_server_memory_heap_max__size",
        "NEO4J_server_memory_pagecache_size",
    }
    assert neo4j["deploy"]["resources"]["limits"]["memory"]
    # The gateway bounds statements itself; the hint would cost a timer task per driver read.
    # Quoted in the file: a bare OFF is YAML's false.
    assert neo4j["environment"]["NEO4J_server_bolt_connection__keep__alive__for__requests"] == "OFF"


@pytest.mark.parametrize("subgraph", SUBGRAPHS)
def test_each_subgraph_runs_from_the_gateway_image_after_the_schema(compose: Compose, subgraph: str) -> None:
    service = compose["services"][subgraph]
    assert service["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    assert service["command"][-2:] == ["--subgraph", subgraph]
    assert service["depends_on"] == {"schema": {"condition": "service_completed_successfully"}}
    assert "/readyz" in " ".join(service["healthcheck"]["test"])
    assert service["environment"]["LTSA_ENV"] == "production"
    assert {"LTSA_JWT_SECRET", "LTSA_JWKS_URL", "NEO4J_PASSWORD"} <= set(service["environment"])
    assert "ports" not in service, "subgraphs are reached through the router only"


def test_the_schema_runs_once_when_neo4j_is_healthy(compose: Compose) -> None:
    schema = compose["services"]["schema"]
    assert schema["command"] == ["ltsa", "graph", "init"]
    assert schema["restart"] == "no"
    assert schema["depends_on"] == {"neo4j": {"condition": "service_healthy"}}


def test_the_router_composes_both_subgraphs_by_their_service_names(compose: Compose) -> None:
    router = compose["services"]["router"]
    assert router["build"]["dockerfile"] == "deploy/Dockerfile.router"
    assert router["depends_on"] == {s: {"condition": "service_healthy"} for s in SUBGRAPHS}
    assert router["environment"] == {f"{s.upper()}_URL": f"http://{s}:8000/graphql" for s in SUBGRAPHS}
    assert "/readiness" in " ".join(router["healthcheck"]["test"])
    # Everything the router image copies exists in the repository (its build would fail otherwise).
    dockerfile = (DEPLOY / "Dockerfile.router").read_text(encoding="utf-8")
    copied = [
        src for line in dockerfile.splitlines() if line.startswith("COPY ") for src in line.split()[1:-1]
    ]
    assert copied and all((PROJECT_ROOT / src).is_file() for src in copied), copied


def test_every_interpolated_variable_is_documented_and_env_is_ignored() -> None:
    used = set(INTERPOLATION.findall(COMPOSE_FILE.read_text(encoding="utf-8")))
    example = (DEPLOY / ".env.example").read_text(encoding="utf-8")
    documented = {line.split("=", 1)[0] for line in example.splitlines() if "=" in line and line[0] != "#"}
    assert used == documented == {"NEO4J_PASSWORD", "LTSA_JWT_SECRET", "LTSA_JWKS_URL"}
    assert {"CHANGE-ME", ""} >= {line.split("=", 1)[1] for line in example.splitlines() if "=" in line}
    assert ".env" in (DEPLOY / ".gitignore").read_text(encoding="utf-8").split()


BREAKAGES = [
    (
        "      retries: 20\n",
        "      retries: 20\n      intervall: 5s\n",
        "healthcheck: 'intervall' does not match",
    ),
    (
        "service_healthy\n    healthcheck:\n      disable",
        "service_up\n    healthcheck:\n      disable",
        "service_up",
    ),
    (
        "LINKAGE_URL: http://linkage:8000/graphql",
        "LINKAGE_URL: [http://linkage:8000/graphql]",
        "router.environment",
    ),
    (
        "      linkage:\n        condition",
        "      linkag:\n        condition",
        "depends on unknown service linkag",
    ),
    (
        "NEO4J_PASSWORD: ${NEO4J_PASSWORD:?set NEO4J_PASSWORD in deploy/.env}",
        "NEO4J_PASSWORD: hunter22",
        "registry: NEO4J_PASSWORD is a literal",
    ),
    ('"127.0.0.1:4000:4000"', '"4000:4000"', "router: port 4000:4000 is published on every interface"),
    (
        "disable: true\n",
        "disable: true\n  backup:\n    image: neo4j:5.26-community\n",
        "backup: a long-running service needs a healthcheck",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), BREAKAGES)
def test_a_broken_copy_is_reported(tmp_path: Path, old: str, new: str, expected: str) -> None:
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    assert text.count(old) == 1, "the breakage must hit exactly one place"
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(text.replace(old, new), encoding="utf-8")
    problems = compose_problems(yaml.safe_load(broken.read_text(encoding="utf-8")))
    assert any(expected in problem for problem in problems), problems
