"""graphql-core's execution context, freed when its request is done instead of at the next collection.

graphql-core gives every execution context helpers that are bound methods of the context itself
(``async_helpers``: ``gather`` and ``track`` for resolvers). That is a reference cycle, so reference
counting never frees a finished execution: it waits for Python's cyclic collector, and with it waits
everything the execution reaches — the collected fields, the results, the request context with its
loaders, runner and access log. Measured on the benchmark mix, some 150 objects per request were left
for the collector this way, and the collections took 11% of the registry subgraph's CPU at 50 clients
(``docs/benchmarks.md``, 2026-11-28). The helpers here reach the context through a weak reference, so
the cycle is gone and a request's objects go as soon as its response is built.

The helpers only serve resolvers during the execution, while graphql-core itself holds the context.
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Sequence
from typing import Any

from graphql.type.definition import GraphQLResolveInfoHelpers
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from .leaf_fields import PlainLeafFields


class AcyclicExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        context = weakref.ref(self)

        def gather(values: Sequence[Awaitable[Any]]) -> Awaitable[list[Any]]:
            return _alive(context).gather_async_work(values)

        def track(values: Sequence[Any]) -> None:
            _alive(context).track_async_work(values)

        self.async_helpers = GraphQLResolveInfoHelpers(gather=gather, track=track)


def _alive(context: weakref.ref[AcyclicExecutionContext]) -> AcyclicExecutionContext:
    execution = context()
    if execution is None:
        raise RuntimeError("the GraphQL execution these helpers belong to has finished")
    return execution


class GatewayExecutionContext(AcyclicExecutionContext, PlainLeafFields):
    """The execution context of both subgraphs: freed at once, plain leaf fields read directly
    (``gateway.leaf_fields``)."""
