"""``AcyclicExecutionContext``: a finished execution is freed by reference counting alone."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Iterator
from typing import Any

import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import Info

from gateway.execution import AcyclicExecutionContext


class RequestState:
    """Stands for the request context: what an execution reaches."""

    def __init__(self) -> None:
        self.names = ["SITI AMINAH", "SITI AMINA"]


async def _spelling(name: str) -> str:
    await asyncio.sleep(0)
    return name.lower()


@strawberry.type
class Query:
    @strawberry.field
    def names(self, info: Info[RequestState, None]) -> list[str]:
        return info.context.names

    @strawberry.field
    async def spellings(self, info: Info[RequestState, None]) -> list[str]:
        # graphql-core's helper for awaiting several values as one unit of work, reached through the
        # execution context (weakly, in AcyclicExecutionContext).
        gathered = await info._raw_info.async_helpers.gather([_spelling(n) for n in info.context.names])
        return list(gathered)


def _schema(execution_context_class: type[StrawberryGraphQLCoreExecutionContext]) -> strawberry.Schema:
    return strawberry.Schema(query=Query, execution_context_class=execution_context_class)


@pytest.fixture
def no_collector() -> Iterator[None]:
    """Only reference counting frees anything while the test runs."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _left_for_the_collector(schema: strawberry.Schema, query: str, asynchronous: bool) -> bool:
    state = RequestState()
    freed = weakref.ref(state)
    if asynchronous:
        result: Any = asyncio.run(schema.execute(query, context_value=state))
    else:
        result = schema.execute_sync(query, context_value=state)
    assert result.errors is None, result.errors
    assert result.data in ({"names": state.names}, {"spellings": ["siti aminah", "siti amina"]})
    del state, result
    return freed() is not None


@pytest.mark.usefixtures("no_collector")
@pytest.mark.parametrize(("query", "asynchronous"), [("{ names }", False), ("{ spellings }", True)])
def test_a_finished_execution_is_freed_without_the_collector(query: str, asynchronous: bool) -> None:
    assert not _left_for_the_collector(_schema(AcyclicExecutionContext), query, asynchronous)


@pytest.mark.usefixtures("no_collector")
def test_the_execution_context_it_replaces_waits_for_the_collector() -> None:
    # Why the class exists; should graphql-core drop its cycle, this fails and the class can go.
    assert _left_for_the_collector(_schema(StrawberryGraphQLCoreExecutionContext), "{ names }", False)


def test_helpers_of_a_finished_execution_refuse_with_a_clear_error() -> None:
    captured: list[Any] = []

    @strawberry.type
    class Capture:
        @strawberry.field
        def ok(self, info: Info[None, None]) -> bool:
            captured.append(info._raw_info.async_helpers)
            return True

    schema = strawberry.Schema(query=Capture, execution_context_class=AcyclicExecutionContext)
    assert schema.execute_sync("{ ok }").data == {"ok": True}
    gc.collect()
    with pytest.raises(RuntimeError, match="has finished"):
        captured[0].track([])
