"""Property-based fuzzing of both subgraphs' GraphQL schemas (schemathesis) over real HTTP: whatever
arguments a generated query carries, the answer is never a server error and never an internal one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from neo4j import Driver
from schemathesis.core.result import Ok

from graph.connection import Neo4jSettings
from tests.auth_tokens import headers
from tests.gateway_servers import running_subgraph
from tests.gateway_world import World, load_world
from tests.hostile_probes import Answer, assert_clean, fingerprint

pytestmark = pytest.mark.neo4j

EXAMPLES_PER_OPERATION: Final = 12  # 20 operations: ~240 generated requests in all


@pytest.fixture(scope="module")
def world(neo4j_driver: Driver, tmp_path_factory: pytest.TempPathFactory) -> World:
    return load_world(neo4j_driver, tmp_path_factory.mktemp("linked"), workers=4)


@pytest.fixture(scope="module")
def servers(world: World, neo4j_settings: Neo4jSettings) -> Iterator[dict[str, str]]:
    unlimited = {"LTSA_RATE_LIMIT": "100000", "LTSA_RATE_BURST": "100000"}
    with (
        running_subgraph(neo4j_settings.uri, "registry", **unlimited) as registry,
        running_subgraph(neo4j_settings.uri, "linkage", **unlimited) as linkage,
    ):
        yield {"registry": f"{registry}/graphql", "linkage": f"{linkage}/graphql"}


def fuzz(url: str, auth: dict[str, str]) -> list[str]:
    """Every operation of the schema at ``url`` (read by introspection), each with generated arguments."""
    schema = schemathesis.graphql.from_url(url, headers=auth)
    results = list(schema.get_all_operations())
    assert all(isinstance(result, Ok) for result in results), results  # the schema loaded whole
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) >= 5
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            database=None,
            deadline=None,
            derandomize=True,  # the same requests every run
            suppress_health_check=list(HealthCheck),
        )
        def probe(case: Any) -> None:
            response = case.call(headers=auth, timeout=120)
            assert_clean(Answer(response.status_code, response.text))

        probe()
    return [operation.label.split(".")[-1] for operation in operations]  # Type.field → field


def test_generated_queries_never_fail_the_registry(servers: dict[str, str]) -> None:
    labels = fuzz(servers["registry"], headers("investigator"))
    assert {"person", "searchPeople", "neighbourhood", "auditTrail"} <= set(labels)


def test_generated_queries_and_mutations_never_fail_linkage(
    servers: dict[str, str], neo4j_driver: Driver
) -> None:
    before = fingerprint(neo4j_driver)
    labels = fuzz(servers["linkage"], headers("steward"))
    assert {"matchCandidates", "decideMatch", "unmerge"} <= set(labels)
    # Generated ids name nothing, so no mutation can have gone through.
    assert fingerprint(neo4j_driver) == before
