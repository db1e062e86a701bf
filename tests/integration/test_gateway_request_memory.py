"""A finished request's objects go by reference counting, not at the next cyclic collection.

Through the app against a real Neo4j, with the collector switched off: after person, search and
neighbourhood requests (one at a time and at once) no request context is left over. It used to wait for
the collector, held by graphql-core's execution context (gateway.execution).
"""

from __future__ import annotations

import asyncio
import gc
from typing import Any

import httpx
import pytest
from neo4j import Driver

from gateway.app import YOUNG_COLLECTION_THRESHOLD, create_app
from gateway.context import RequestContext
from graph.connection import Neo4jSettings
from tests.auth_tokens import auth_settings, headers
from tests.gateway_world import World, load_world

pytestmark = pytest.mark.neo4j

PERSON = """query($id: ID!) { person(id: $id) { id fullName family { relation relative { fullName } }
    placements { phase destination agency { name } } } }"""
SEARCH = """query($name: String!) { searchPeople(name: $name, first: 5) {
    edges { node { score person { id fullName } } } } }"""
NEIGHBOURHOOD = """query($id: ID!) { neighbourhood(id: $id, hops: 2) { nodes { id } edges { type } } }"""


@pytest.fixture(scope="module")
def world(neo4j_driver: Driver, tmp_path_factory: pytest.TempPathFactory) -> World:
    return load_world(neo4j_driver, tmp_path_factory.mktemp("memory"), workers=4)


def _request_contexts() -> int:
    return sum(isinstance(o, RequestContext) for o in gc.get_objects())


def test_finished_requests_leave_nothing_for_the_collector(
    world: World, neo4j_settings: Neo4jSettings
) -> None:
    asks = [
        (query, variables, role)
        for person in world.worker_ids[:3]
        for query, variables, role in (
            (PERSON, {"id": person}, "app"),
            (SEARCH, {"name": world.name_of[person]}, "app"),
            (NEIGHBOURHOOD, {"id": person}, "investigator"),
        )
    ]
    app = create_app(neo4j_settings, "registry", auth_settings())
    default_threshold = gc.get_threshold()

    async def send() -> tuple[int, int, tuple[int, ...]]:
        async with app.router.lifespan_context(app):
            serving_threshold = gc.get_threshold()
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://gateway"
            ) as client:

                async def ask(query: str, variables: dict[str, Any], role: str) -> None:
                    response = await client.post(
                        "/graphql", json={"query": query, "variables": variables}, headers=headers(role)
                    )
                    assert response.status_code == 200 and "errors" not in response.json(), response.text

                await ask(*asks[0])  # connections, caches and planned statements in place first
                gc.collect()
                gc.disable()
                try:
                    for a in asks:
                        await ask(*a)
                    one_at_a_time = _request_contexts()
                    await asyncio.gather(*(ask(*a) for a in asks))
                    at_once = _request_contexts()
                finally:
                    gc.enable()
            return one_at_a_time, at_once, serving_threshold

    one_at_a_time, at_once, serving_threshold = asyncio.run(send())
    assert (one_at_a_time, at_once) == (0, 0)
    assert serving_threshold[0] == YOUNG_COLLECTION_THRESHOLD
    assert gc.get_threshold() == default_threshold  # given back at shutdown
