"""Permission classes, identifier masking per role and purpose, and the cost rule, on a small schema."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
import strawberry

from gateway.auth.permissions import (
    CanReadPeople,
    CanTraceRelationships,
    guarded,
    sees_full_identifiers,
)
from gateway.auth.principal import Principal, Role
from gateway.documents import document_caches
from gateway.privacy.access_log import AccessLog, operation_hash
from gateway.privacy.fields import MaskedFieldValues, MaskedIdentifier
from gateway.privacy.masking import IdentifierKind
from gateway.security.cost import CostLimits, QueryCostLimiter, _document_costs
from gateway.security.stack import SecuritySettings, hardening_extensions

NIK = "3201010101900001"


@strawberry.type
class Value:
    field: str
    value: str | None
    raw: str | None


@strawberry.type
class Person:
    id: strawberry.ID
    full_name: str
    nik: str | None = strawberry.field(extensions=[MaskedIdentifier(IdentifierKind.NIK)])
    values: list[Value] = strawberry.field(extensions=[MaskedFieldValues(lambda p: f"Person:{p.id}")])
    relatives: list[Person]


def _person(person_id: str = "P-1") -> Person:
    return Person(
        id=strawberry.ID(person_id),
        full_name="SITI AMINAH",
        nik=NIK,
        values=[
            Value(field="phone", value="+6281234567890", raw="0812-3456-7890"),
            Value(field="sex", value="P", raw="p"),
        ],
        relatives=[],
    )


@strawberry.type
class Query:
    @strawberry.field(description="A person.", extensions=[guarded(CanReadPeople)])
    def person(self) -> Person:
        return _person()

    @strawberry.field(extensions=[guarded(CanTraceRelationships)])
    def neighbourhood(self) -> int:
        return 1

    @strawberry.field(extensions=[guarded(CanReadPeople)])
    def candidates(self, source: str | None = None) -> str:
        return f"from {source}"

    @strawberry.field
    def people(self, first: int = 10) -> list[Person]:
        return [_person(f"P-{n}") for n in range(first)]


@dataclass
class Context:
    principal: Principal | None
    access_log: AccessLog | None = field(default_factory=AccessLog)


SCHEMA = strawberry.Schema(Query, extensions=[lambda: QueryCostLimiter(CostLimits(500, 20, 100, 10))])
PERSON = "{ person { id fullName nik values { field value raw } } }"


def run(query: str, context: Context, variables: dict[str, Any] | None = None) -> Any:
    return SCHEMA.execute_sync(query, context_value=context, variable_values=variables)


def person_as(role: Role, purpose: str | None = None) -> tuple[dict[str, Any], AccessLog | None]:
    context = Context(Principal("u", role, purpose))
    result = run(PERSON, context)
    assert result.errors is None, result.errors
    return result.data["person"], context.access_log


@pytest.mark.parametrize(
    ("role", "purpose"),
    [
        (Role.APP, None),
        (Role.APP, "CASE-2026-0001"),
        (Role.STEWARD, "CASE-2026-0001"),
        (Role.INVESTIGATOR, None),
    ],
)
def test_identifiers_are_masked_without_an_entitled_role_and_a_purpose(
    role: Role, purpose: str | None
) -> None:
    person, log = person_as(role, purpose)
    assert person["nik"] == "3201********0001"
    assert person["values"][0] == {"field": "phone", "value": "+62812*****890", "raw": "0812*******890"}
    assert person["values"][1] == {"field": "sex", "value": "P", "raw": "p"}
    assert not log


def test_an_investigator_with_a_purpose_sees_full_values_and_the_log_records_them() -> None:
    person, log = person_as(Role.INVESTIGATOR, "CASE-2026-0001")
    assert person["nik"] == NIK and person["values"][0]["value"] == "+6281234567890"
    assert log is not None and log.identifier_reads == {"Person:P-1": {"nik", "phone"}}
    events = log.events(Principal("u", Role.INVESTIGATOR, "CASE-2026-0001"), "h", at=datetime.now(UTC))
    assert [(e.person_id, e.fields, e.action, e.purpose) for e in events] == [
        ("P-1", ("nik", "phone"), "read_identifiers", "CASE-2026-0001")
    ]


def test_without_an_access_log_full_values_are_never_shown() -> None:
    context = Context(Principal("u", Role.INVESTIGATOR, "CASE-2026-0001"), access_log=None)
    assert run(PERSON, context).data["person"]["nik"] == "3201********0001"


def test_a_refusal_names_the_role_the_field_and_the_role_needed() -> None:
    result = run("{ neighbourhood }", Context(Principal("u", Role.APP)))
    [error] = result.errors
    assert error.message == "role 'app' may not read neighbourhood; it needs role investigator"
    assert error.extensions == {"code": "FORBIDDEN"}
    assert run("{ neighbourhood }", Context(Principal("u", Role.INVESTIGATOR))).data == {"neighbourhood": 1}


def test_a_guarded_field_may_have_an_argument_named_source() -> None:
    result = run('{ candidates(source: "dukcapil") }', Context(Principal("u", Role.STEWARD)))
    assert result.errors is None and result.data == {"candidates": "from dukcapil"}


def test_no_principal_is_refused_as_unauthenticated() -> None:
    [error] = run(PERSON, Context(None)).errors
    assert error.message == "not authenticated" and error.extensions == {"code": "UNAUTHENTICATED"}


def test_the_sdl_states_the_required_role() -> None:
    sdl = SCHEMA.as_str()
    assert '"""A person. Requires role: app or steward or investigator."""' in sdl
    assert '"""Requires role: investigator."""\n  neighbourhood: Int!' in sdl


def test_only_investigators_with_a_purpose_see_full_identifiers() -> None:
    assert sees_full_identifiers(Principal("u", Role.INVESTIGATOR, "CASE-2026-0001"))
    assert not sees_full_identifiers(Principal("u", Role.INVESTIGATOR))
    assert not sees_full_identifiers(Principal("u", Role.ADMIN, "CASE-2026-0001"))
    assert not sees_full_identifiers(None)


def test_the_operation_hash_covers_document_and_variables() -> None:
    assert operation_hash("{ a }", {"x": 1}) == operation_hash("{ a }", {"x": 1})
    assert (
        len(
            {
                operation_hash("{ a }", {"x": 1}),
                operation_hash("{ a }", {"x": 2}),
                operation_hash("{ b }", {"x": 1}),
            }
        )
        == 3
    )


def test_cost_counts_pages_variables_and_nesting() -> None:
    investigator = Context(Principal("u", Role.INVESTIGATOR))
    assert (
        run("{ people(first: 10) { id relatives { id } } }", investigator).errors is None
    )  # 1 + 10 × (1 + 10×1)
    [error] = run("{ people(first: 50) { id relatives { id } } }", investigator).errors  # 1 + 50 × 11
    assert error.extensions == {"code": "QUERY_TOO_COSTLY"}
    [error] = run(
        "query($n: Int!) { people(first: $n) { id relatives { id } } }", investigator, {"n": 50}
    ).errors
    assert error.extensions == {"code": "QUERY_TOO_COSTLY"}


def test_a_document_is_costed_once_per_page_size() -> None:
    # With the parser's cache, as the subgraphs run: the same text is the same document object.
    cached = strawberry.Schema(
        Query,
        extensions=[*document_caches(), lambda: QueryCostLimiter(CostLimits(500, 20, 100, 10))],
    )
    query = "query($n: Int) { people(first: $n) { id relatives { id } } }"
    context = Context(Principal("u", Role.INVESTIGATOR))

    def refused(variables: dict[str, Any]) -> bool:
        return cached.execute_sync(query, variables, context_value=context).errors is not None

    assert not refused({"n": 10})
    computed = _document_costs.cache_info().misses
    assert not refused({"n": 10})  # the cost found before holds
    assert _document_costs.cache_info().misses == computed
    assert refused({"n": 50})  # another page size is costed on its own: 1 + 50 × 11
    assert not refused({})  # no page size: the list fan-out (10), as before
    assert not refused({"n": 10})


def test_a_fragment_bomb_is_costed_without_expanding_it() -> None:
    levels = 30  # expanded, 2**30 fields: the rule must answer at once from memoised fragment costs
    fragments = (
        "\n".join(f"fragment F{n} on Person {{ ...F{n + 1} ...F{n + 1} }}" for n in range(levels))
        + f"\nfragment F{levels} on Person {{ id }}"
    )
    [error] = run(f"{{ person {{ ...F0 }} }}\n{fragments}", Context(Principal("u", Role.APP))).errors
    assert error.extensions == {"code": "QUERY_TOO_COSTLY"}


@strawberry.type
class PersonConnection:
    edges: list[Person]


@strawberry.type
class PagedQuery:
    @strawberry.field
    def people_page(self, first: int | None = None) -> PersonConnection:
        return PersonConnection(edges=[_person(f"P-{n}") for n in range(first or 20)])


def test_a_connection_costs_its_edges_at_the_page_size_not_twice() -> None:
    paged = strawberry.Schema(PagedQuery, extensions=[lambda: QueryCostLimiter(CostLimits(500, 20, 100, 10))])
    # 1 + 1 + 40 × (1 + 1 + 10 × 1) = 482: under 500 only if edges are not also multiplied by the fan-out.
    assert paged.execute_sync("{ peoplePage(first: 40) { edges { id relatives { id } } } }").errors is None
    [error] = paged.execute_sync("{ peoplePage(first: 45) { edges { id relatives { id } } } }").errors or []
    assert error.extensions == {"code": "QUERY_TOO_COSTLY"}
    assert paged.execute_sync("{ peoplePage { edges { id relatives { id } } } }").errors is None  # default 20


def test_a_fragment_bomb_never_reaches_the_exponential_depth_and_alias_walks() -> None:
    # Strawberry's depth and alias limiters expand fragment spreads without memoising: 2**40 steps.
    # The cost check runs first and stops validation, so this answers at once with the cost error.
    hardened = strawberry.Schema(Query, extensions=hardening_extensions(SecuritySettings(), production=False))
    spreads = " ".join(f"fragment F{n} on Person {{ ...F{n + 1} ...F{n + 1} }}" for n in range(40))
    document = f"{{ person {{ ...F0 }} }} {spreads} fragment F40 on Person {{ a: id b: id }}"
    context = Context(Principal("u", Role.APP))
    [error] = hardened.execute_sync(document, context_value=context).errors or []
    assert error.extensions == {"code": "QUERY_TOO_COSTLY"}
    cycle = "{ person { ...A } } fragment A on Person { ...B } fragment B on Person { id ...A }"
    [error] = hardened.execute_sync(cycle, context_value=context).errors or []
    assert "fragment cycle" in error.message
