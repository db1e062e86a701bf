"""Every GraphQL example of docs/stewards.md and docs/investigators.md runs against the real stack:
both subgraphs and the federation router over a loaded synthetic world, with the role (and purpose)
the guide tells its reader to use. ``tests/unit/test_docs_graphql_examples.py`` checks the examples
validate; this checks they answer without errors and with data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import OperationDefinitionNode, parse

from tests.auth_tokens import headers

# The same world and servers as the router's own end-to-end test (pytest fixtures, imported to be reused).
from tests.e2e.test_federation_router import router, servers, world  # noqa: F401
from tests.gateway_world import World
from tests.unit.test_docs_graphql_examples import graphql_blocks

pytestmark = pytest.mark.neo4j
DOCS = Path(__file__).resolve().parents[2] / "docs"
PURPOSE = "CASE-2026-0001"
Variables = Callable[[World, Callable[[str, dict[str, Any]], dict[str, Any]]], dict[str, Any]]


def candidate_version(facts: World, ask: Callable[[str, dict[str, Any]], dict[str, Any]]) -> int:
    query = "query($id: ID!) { matchCandidate(id: $id) { version } }"
    return int(ask(query, {"id": facts.review_candidate})["matchCandidate"]["version"])


# Operation name → its variables in the test world (``ask`` runs a helper query as the same user).
STEWARD_VARIABLES: dict[str, Variables] = {
    "ReviewQueue": lambda w, ask: {},
    "Candidate": lambda w, ask: {"id": w.review_candidate},
    "Decide": lambda w, ask: {
        "id": w.review_candidate,
        "decision": "UNSURE",
        "version": candidate_version(w, ask),
        "note": "example from docs/stewards.md",
        "steward": "ana",
    },
    "PersonForUnmerge": lambda w, ask: {"id": w.wrong_merge_person},
    "Unmerge": lambda w, ask: {
        "personId": w.wrong_merge_person,
        "records": [w.wrong_merge_keys[1]],
        "reason": "example from docs/stewards.md",
        "steward": "ana",
    },
    "MyDecisions": lambda w, ask: {"steward": "ana"},
}
INVESTIGATOR_VARIABLES: dict[str, Variables] = {
    "FindPerson": lambda w, ask: {"name": w.name_of[w.worker_ids[0]]},
    "ByIdentifier": lambda w, ask: {
        "nik": w.nik_of[w.worker_ids[0]],
        "passport": w.passport_of[w.worker_ids[0]],
    },
    "Person": lambda w, ask: {"id": w.worker_ids[0]},
    "Neighbourhood": lambda w, ask: {"id": w.worker_ids[0], "hops": 2, "types": None},
    "SharedIdentifiers": lambda w, ask: {"personId": w.worker_ids[0]},
    "Paths": lambda w, ask: {"from": w.worker_ids[0], "to": w.spouse_of[w.worker_ids[0]]},
    # The world is small: two complaints against one agency, one phone shared by three workers.
    "Risks": lambda w, ask: {"minComplaints": 2, "minRegencies": 1},
    "AgenciesWithComplaints": lambda w, ask: {"minComplaints": 2},
    "Coverage": lambda w, ask: {},
}
GUIDES = {
    "stewards.md": (STEWARD_VARIABLES, "steward", None),
    "investigators.md": (INVESTIGATOR_VARIABLES, "investigator", PURPOSE),
}


def operations(guide: str) -> list[tuple[str, str]]:
    """(operation name, the whole block it is in), in the guide's order."""
    found = []
    for block in graphql_blocks((DOCS / guide).read_text(encoding="utf-8")):
        for definition in parse(block).definitions:
            assert isinstance(definition, OperationDefinitionNode) and definition.name is not None
            found.append((definition.name.value, block))
    return found


def answered_nothing(value: Any) -> bool:
    """None, an empty list, or a connection without edges: an example that shows the reader nothing."""
    if isinstance(value, dict) and "edges" in value:
        return not value["edges"]
    return value is None or value == []


@pytest.mark.parametrize("guide", GUIDES)
def test_every_example_has_variables_here(guide: str) -> None:
    # A new example without an entry above would silently escape the live run.
    assert [name for name, _ in operations(guide)] == list(GUIDES[guide][0])


@pytest.mark.parametrize("guide", GUIDES)
def test_the_examples_answer_through_the_router(router: str, world: World, guide: str) -> None:  # noqa: F811
    variables_of, role, purpose = GUIDES[guide]
    auth = headers(role, purpose=purpose, sub="ana")

    def post(query: str, variables: dict[str, Any], operation: str | None = None) -> dict[str, Any]:
        body = {"query": query, "variables": variables, "operationName": operation}
        response = httpx.post(router, json=body, headers=auth, timeout=60)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        assert "errors" not in answer, f"{guide} {operation}: {answer['errors']}"
        data: dict[str, Any] = answer["data"]
        return data

    for name, block in operations(guide):
        data = post(block, variables_of[name](world, post), name)
        empty = [field for field, value in data.items() if answered_nothing(value)]
        assert not empty, f"{guide} {name} answered nothing for {empty}"
