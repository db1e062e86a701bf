"""Documents are parsed and validated once per process, and every request is still judged in full."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from graphql import parse

from gateway.documents import Same, _static_errors
from gateway.schema.build import GatewaySchema, build_schema

# Fan-out is paged by $first, so the same document is cheap or too costly depending on its variables.
NESTED = """query($first: Int) { searchPeople(name: "SITI", first: $first) { edges { node { person {
  family { relative { family { relative { family { relative { placements { agency { name } } } } } } } }
} } } } }"""


@pytest.fixture(scope="module")
def schema() -> GatewaySchema:
    return build_schema("registry")


def messages(schema: GatewaySchema, query: str, **variables: Any) -> list[str]:
    result = asyncio.run(schema.execute(query, variable_values=variables))
    return [error.message for error in result.errors or []]


def test_a_repeated_document_is_validated_from_the_cache(schema: GatewaySchema) -> None:
    query = '{ person(id: "P-0000") { fullName knownNames } }'
    messages(schema, query)
    before = _static_errors.cache_info()
    messages(schema, query)
    after = _static_errors.cache_info()
    assert (after.hits, after.misses) == (before.hits + 1, before.misses)


def test_a_repeated_invalid_document_is_refused_every_time(schema: GatewaySchema) -> None:
    query = '{ person(id: "P-0000") { shoeSize } }'
    for _ in range(2):
        assert messages(schema, query) == ["Cannot query field 'shoeSize' on type 'Person'."]


def test_per_request_rules_judge_each_requests_variables(schema: GatewaySchema) -> None:
    # Same text, so the static verdict comes from the cache; the cost check reads $first each time.
    too_costly = [m for m in messages(schema, NESTED, first=100) if "query cost exceeds" in m]
    assert too_costly
    assert not [m for m in messages(schema, NESTED, first=1) if "query cost exceeds" in m]
    assert [m for m in messages(schema, NESTED, first=100) if "query cost exceeds" in m] == too_costly


def test_the_depth_limit_holds_for_a_cached_document(schema: GatewaySchema) -> None:
    # Regions nest without lists, so this is deep but cheap: the depth rule, not the cost, refuses it.
    deep = '{ person(id: "P-0000") { region {' + " parent {" * 12 + " code" + " }" * 13 + " } }"
    for _ in range(2):
        assert any("exceeds maximum operation depth" in m for m in messages(schema, deep))


def test_caches_find_a_document_by_identity_without_walking_it() -> None:
    # graphql-core's nodes hash and compare their whole tree; the caches' keys do neither.
    first, twin = parse("{ person { fullName } }"), parse("{ person { fullName } }")
    assert first == twin  # graphql-core: equal trees
    assert Same(first) == Same(first) and hash(Same(first)) == hash(Same(first))
    assert Same(first) != Same(twin)  # another parse is another key: a miss, never a wrong verdict
    assert Same(first) != first
