"""Error disclosure: internal errors become "Unexpected error.", ours stay and are scrubbed of identifiers."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from gateway.runner import DatabaseUnavailable
from gateway.security.errors import DATABASE_UNAVAILABLE, UNEXPECTED, PublicErrors


@strawberry.type
class Query:
    @strawberry.field
    def internal(self) -> str:
        raise RuntimeError("CypherSyntaxError near 'MATCH (p:Person {nik: $nik})' nik=3201010101900001")

    @strawberry.field
    def refused(self) -> str:
        raise GraphQLError(
            "`number` must be 6-9 letters or digits, got '3201010101900001'", extensions={"code": "X"}
        )

    @strawberry.field
    def unavailable(self) -> str:
        raise DatabaseUnavailable(
            "the graph database is unavailable: couldn't connect to neo4j-prod.internal:7687"
        )


SCHEMA = strawberry.Schema(Query, extensions=[PublicErrors])


def only_error(field: str) -> GraphQLError:
    [error] = SCHEMA.execute_sync(f"{{ {field} }}").errors or []
    return error


def test_an_internal_error_says_nothing() -> None:
    error = only_error("internal")
    assert error.message == UNEXPECTED and not error.extensions and error.path == ["internal"]


def test_our_own_errors_stay_but_are_scrubbed() -> None:
    error = only_error("refused")
    assert error.message == "`number` must be 6-9 letters or digits, got '3201********0001'"
    assert error.extensions == {"code": "X"}


def test_a_lost_database_is_named_without_the_drivers_text() -> None:
    error = only_error("unavailable")
    assert error.message == "the graph database is unavailable; try again later"
    assert error.extensions == {"code": DATABASE_UNAVAILABLE}


def test_validation_errors_pass_through() -> None:
    [error] = SCHEMA.execute_sync("{ nothing }").errors or []
    assert "Cannot query field 'nothing'" in error.message
