"""Concurrent requests' reads sent as one statement (gateway.coalesce) answer exactly as alone.

Against a real Neo4j: the batched statements (several searches, several neighbourhoods, several
persons) return what the one-item statements return, and requests sent at once through the app share
statements and still each get their own answer.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import httpx
import pytest
from neo4j import Driver

from gateway.app import create_app
from gateway.runner import CypherRunner
from gateway.schema.topology import CAPTION_PROPERTIES
from graph.connection import Neo4jSettings, async_driver
from graph.queries import gateway_people as people
from graph.queries.neighbourhood import neighbourhood_async, neighbourhoods_async
from graph.queries.views import EntityRef
from tests.auth_tokens import auth_settings, headers
from tests.gateway_world import World, load_world

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def world(neo4j_driver: Driver, tmp_path_factory: pytest.TempPathFactory) -> World:
    return load_world(neo4j_driver, tmp_path_factory.mktemp("linked"), workers=8)


def test_searches_in_one_statement_equal_each_alone(world: World, neo4j_settings: Neo4jSettings) -> None:
    names = [tuple(world.name_of[p].split()) for p in world.worker_ids[:4]]

    async def fetch() -> tuple[list[list[Any]], list[list[Any]]]:
        driver = async_driver(neo4j_settings)
        runner = CypherRunner(driver, neo4j_settings.database)
        try:
            [[top, *_]] = await people.name_searches(
                runner.read, [people.NameSearch(names[0], None, None, 50)]
            )
            person = top["person"]
            searches = [people.NameSearch(words, None, None, 50) for words in names] + [
                # Filters, a search nobody matches and one with no searchable word, in the same statement.
                people.NameSearch(names[0], person["birthDate"], person["regionCode"][:4], 50),
                people.NameSearch(names[0], date(1900, 1, 1), None, 50),
                people.NameSearch(("zzzzqqqq",), None, None, 50),
                people.NameSearch(("~*?",), None, None, 50),
            ]
            together = await people.name_searches(runner.read, searches, "golden")
            alone = [(await people.name_searches(runner.read, [s], "golden"))[0] for s in searches]
            return together, alone
        finally:
            await driver.close()

    together, alone = asyncio.run(fetch())
    assert together == alone
    assert all(together[:5]) and together[5:] == [[], [], []]
    assert len(together[4]) < len(together[0])  # the filters applied to that search alone
    assert together[0][0]["person"]["personId"] in world.worker_ids


def test_neighbourhoods_in_one_statement_equal_each_alone(
    world: World, neo4j_settings: Neo4jSettings
) -> None:
    refs = [EntityRef("Person", p) for p in world.worker_ids[:3]] + [EntityRef("Person", "nobody")]

    async def fetch(only: tuple[str, ...] | None) -> tuple[list[Any], list[Any]]:
        driver = async_driver(neo4j_settings)
        try:
            together = await neighbourhoods_async(driver, refs, 2, None, 500, only)
            alone = [await neighbourhood_async(driver, ref, 2, None, 500, only) for ref in refs]
            return together, alone
        finally:
            await driver.close()

    for only in (None, CAPTION_PROPERTIES):
        together, alone = asyncio.run(fetch(only))
        assert together == alone
        assert all(together[:3]) and together[3] is None
        assert len(together[0].nodes) > 1  # a real neighbourhood, not just its start


PERSON = """query($id: ID!) { person(id: $id) { id fullName
    family { relation relative { fullName } } placements { phase destination agency { name } } } }"""
SEARCH = """query($name: String!) { searchPeople(name: $name, first: 5) {
    edges { node { score person { id fullName } } } } }"""
NEIGHBOURHOOD = """query($id: ID!) { neighbourhood(id: $id, hops: 2) { nodes { id } edges { type } } }"""


def test_requests_at_once_share_statements_and_answer_as_alone(
    world: World, neo4j_settings: Neo4jSettings
) -> None:
    ids = world.worker_ids[:6]
    asks = (
        [(PERSON, {"id": i}, "app") for i in ids]
        + [(SEARCH, {"name": world.name_of[i]}, "app") for i in ids]
        + [(NEIGHBOURHOOD, {"id": i}, "investigator") for i in ids]
        + [(PERSON, {"id": "P-unknown"}, "app")]
    )
    app = create_app(neo4j_settings, "registry", auth_settings())

    async def send() -> tuple[list[dict[str, Any]], list[dict[str, Any]], tuple[int, int]]:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:

                async def ask(query: str, variables: dict[str, Any], role: str) -> dict[str, Any]:
                    body = {"query": query, "variables": variables}
                    response = await client.post("/graphql", json=body, headers=headers(role))
                    assert response.status_code == 200, response.text
                    answer: dict[str, Any] = response.json()
                    return answer

                alone = [await ask(*a) for a in asks]
                figures = app.state.coalescer.figures
                before = figures.statements, figures.items
                together = await asyncio.gather(*(ask(*a) for a in asks))
                return alone, together, (figures.statements - before[0], figures.items - before[1])

    alone, together, (statements, items) = asyncio.run(send())
    assert together == alone
    assert all("errors" not in answer for answer in together)
    assert alone[-1]["data"] == {"person": None}
    assert alone[0]["data"]["person"]["id"] == ids[0] and alone[0]["data"]["person"]["placements"]
    assert items == len(asks)
    assert statements < items  # shared: 19 reads of three kinds in at most 4 items per statement
    # Each request still reports the statement it needed.
    assert {answer["extensions"]["cypherRoundTrips"] for answer in together} == {1}
