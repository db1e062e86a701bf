"""Hooks classified once per extension class run exactly as Strawberry's own runner runs them.

``gateway.extension_hooks`` caches, per (extension class, phase), what Strawberry works out on every
request. The same operations run through a schema using it and through a plain Strawberry schema must
call the same hooks of the same instances in the same order, for every kind of hook (generator, async
generator, plain function, coroutine function), in async and sync execution.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.types import ExecutionContext

from gateway.extension_hooks import ClassifiedHooksRunner

Events = list[tuple[str, ...]]


@strawberry.type
class Query:
    @strawberry.field
    def greeting(self, name: str) -> str:
        return f"halo {name}"


def recording(events: Events, tag: str) -> list[type[SchemaExtension]]:
    """Four extension classes, one per hook style, each recording which instance ran which phase."""

    class Generators(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            events.append((tag, "generator", "operation", "enter"))
            yield
            events.append((tag, "generator", "operation", "exit"))

        def on_execute(self) -> Iterator[None]:
            events.append((tag, "generator", "execute", "enter"))
            yield
            events.append((tag, "generator", "execute", "exit"))

    class AsyncGenerators(SchemaExtension):
        async def on_validate(self) -> AsyncIterator[None]:
            events.append((tag, "async generator", "validate", "enter"))
            yield
            events.append((tag, "async generator", "validate", "exit"))

    class Plain(SchemaExtension):
        def on_parse(self) -> None:  # type: ignore[override]
            events.append((tag, "plain", "parse", str(self.execution_context.query)))

    class Coroutines(SchemaExtension):
        async def on_operation(self) -> None:  # type: ignore[override]
            events.append((tag, "coroutine", "operation", str(id(self) > 0)))

    return [Generators, AsyncGenerators, Plain, Coroutines]


class ClassifiedSchema(strawberry.Schema):
    def create_extensions_runner(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> SchemaExtensionsRunner:
        return ClassifiedHooksRunner(execution_context=execution_context, extensions=extensions)


def _events(schema_class: type[strawberry.Schema], sync: bool) -> Events:
    events: Events = []
    schema = schema_class(query=Query, extensions=recording(events, "x"))
    query = '{ greeting(name: "Siti") }'
    results: list[Any] = []
    for _ in range(2):  # the second request finds the factories cached
        if sync:
            results.append(schema.execute_sync(query).data)
        else:
            results.append(asyncio.run(schema.execute(query)).data)
    assert results == [{"greeting": "halo Siti"}] * 2
    return events


def test_async_execution_runs_the_same_hooks_in_the_same_order() -> None:
    expected = _events(strawberry.Schema, sync=False)
    assert expected  # every style of hook ran
    assert {event[1] for event in expected} == {"generator", "async generator", "plain", "coroutine"}
    assert _events(ClassifiedSchema, sync=False) == expected


def test_sync_execution_runs_the_same_hooks_in_the_same_order() -> None:
    # Sync execution refuses async hooks; only the sync styles take part.
    def sync_only(schema_class: type[strawberry.Schema]) -> Events:
        events: Events = []
        generators, _, plain, _ = recording(events, "s")
        schema = schema_class(query=Query, extensions=[generators, plain])
        for _ in range(2):
            assert schema.execute_sync('{ greeting(name: "Ani") }').data == {"greeting": "halo Ani"}
        return events

    expected = sync_only(strawberry.Schema)
    assert len(expected) == 2 * 5  # operation in/out, parse, execute in/out — per request
    assert sync_only(ClassifiedSchema) == expected


def test_each_class_gets_its_own_hooks() -> None:
    # Two classes with the same hook names: the cache is per class, so each runs its own body.
    first: Events = []
    second: Events = []
    schema = ClassifiedSchema(query=Query, extensions=[*recording(first, "a"), *recording(second, "b")])
    assert asyncio.run(schema.execute('{ greeting(name: "Rina") }')).data == {"greeting": "halo Rina"}
    assert first and second
    assert {event[0] for event in first} == {"a"}
    assert {event[0] for event in second} == {"b"}
