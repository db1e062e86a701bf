"""Plain leaf fields read directly (``gateway.leaf_fields``) answer exactly as graphql-core's general way.

The same operations run through Strawberry's own execution context and through the gateway's must give
the same data and the same errors (message, path) — for every kind of leaf, null in nullable and
non-null fields, values a scalar refuses, aliases, ``__typename``, fields with arguments, resolvers or
field extensions (which must keep running). And the fields that should take the direct way do.
"""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Callable
from enum import Enum
from typing import Any

import pytest
import strawberry
from graphql import GraphQLObjectType
from strawberry.extensions import FieldExtension

from gateway import leaf_fields
from gateway.execution import GatewayExecutionContext
from gateway.leaf_fields import plain_leaf


@strawberry.enum
class Phase(Enum):
    PRE = "pre"
    DURING = "during"


class Shout(FieldExtension):
    def resolve(self, next_: Callable[..., Any], source: Any, info: Any, **kwargs: Any) -> Any:
        return str(next_(source, info, **kwargs)).upper()


@strawberry.type
class Worker:
    id: strawberry.ID
    name: str
    nickname: str | None
    age: int
    weight: float | None
    active: bool
    born: datetime.date | None
    phase: Phase
    loud: str = strawberry.field(extensions=[Shout()])

    @strawberry.field
    def greeting(self, prefix: str = "halo") -> str:
        return f"{prefix} {self.name}"


GOOD = Worker(
    id=strawberry.ID("w1"),
    name="Siti",
    nickname=None,
    age=31,
    weight=52.5,
    active=True,
    born=datetime.date(1994, 3, 1),
    phase=Phase.DURING,
    loud="ok",
)
# What a bad row would give: None in non-null fields, a value the Float scalar refuses, a bad enum.
BAD: Any = Worker(
    id=strawberry.ID("w2"),
    name=None,  # type: ignore[arg-type]
    nickname=None,
    age=None,  # type: ignore[arg-type]
    weight="heavy",  # type: ignore[arg-type]
    active=True,
    born=None,
    phase="sideways",  # type: ignore[arg-type]
    loud="x",
)


@strawberry.type
class Query:
    @strawberry.field
    def workers(self) -> list[Worker]:
        return [GOOD, GOOD]

    @strawberry.field
    def bad(self) -> Worker | None:
        return BAD

    @strawberry.field
    def bad_weight(self) -> list[Worker]:
        return [BAD]


def run(context_class: type | None, query: str) -> tuple[Any, list[tuple[str, Any]]]:
    schema = strawberry.Schema(
        query=Query, **({"execution_context_class": context_class} if context_class else {})
    )
    result = asyncio.run(schema.execute(query))
    return result.data, [(e.message, e.path) for e in result.errors or []]


QUERIES = [
    "{ workers { id name nickname age weight active born phase loud greeting } }",
    '{ workers { a: name b: name __typename greeting(prefix: "hai") } }',
    "{ bad { id nickname born } }",
    "{ bad { id name } }",  # null in a non-null field: the error, and bad becomes null
    "{ bad { age } }",
    "{ badWeight { weight } }",  # a value the Float scalar refuses
    "{ bad { phase } }",  # not a member of the enum
]


@pytest.mark.parametrize("query", QUERIES)
def test_same_answers_and_errors_as_the_general_way(query: str) -> None:
    assert run(GatewayExecutionContext, query) == run(None, query)


def test_the_refusals_are_really_errors() -> None:
    # Guards the comparison above from comparing two empty answers.
    data, errors = run(GatewayExecutionContext, "{ bad { id name } }")
    assert data == {"bad": None}
    assert [path for _, path in errors] == [["bad", "name"]]
    assert run(GatewayExecutionContext, QUERIES[0])[0]["workers"][0]["loud"] == "OK"  # extension ran


def test_which_fields_take_the_direct_way() -> None:
    schema = strawberry.Schema(query=Query)
    worker = schema._schema.type_map["Worker"]
    assert isinstance(worker, GraphQLObjectType)
    direct = {name for name, field in worker.fields.items() if plain_leaf(field) is not None}
    assert direct == {"id", "name", "nickname", "age", "weight", "active", "born", "phase"}

    # And an execution consults those plans (a field that never looked one up would miss them), kept
    # for its own schema only.
    schema = strawberry.Schema(query=Query, execution_context_class=GatewayExecutionContext)
    assert asyncio.run(schema.execute("{ workers { name loud } }")).data
    planned = {field: plan is not None for (_, field), plan in leaf_fields._PLANS[schema._schema].items()}
    assert planned == {"workers": False, "name": True, "loud": False}
