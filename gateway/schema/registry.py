"""The registry subgraph: persons, organisations, regions, relationship tracing, risk, coverage.

Resolvers are thin: validate arguments, call one ``graph.queries`` function (or a DataLoader), wrap the
rows in schema types.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Annotated

import strawberry
from graphql import GraphQLError

from graph.queries import gateway_organisations as organisations
from graph.queries import risk
from graph.queries.neighbourhood import check_neighbourhood, neighbourhoods_async
from graph.queries.paths import shortest_paths_async
from graph.queries.views import EntityRef, Subgraph

from ..auth.permissions import CanReadPeople, CanReadReference, CanTraceRelationships, guarded
from ..context import Info
from ..privacy.fields import MaskedGraphView, MaskedRiskSignals
from ..projection import projected_ids, projected_person
from ..runner import CypherRunner
from ..selection import names_asked
from .audit import AuditQuery
from .organisations import Agency, Employer
from .pagination import MAX_PAGE, Connection, PageRequest, connection
from .person import Person
from .records import SourceRecord
from .region import Region, RegionCoverage
from .search import PersonMatch, search_people
from .topology import (
    CAPTION_PROPERTIES,
    GraphView,
    RiskKind,
    RiskSignal,
    entity_reference,
    minor_signal,
    organisation_signal,
    phone_signal,
    view,
)

_NIK = re.compile(r"^\d{16}$")
_PASSPORT = re.compile(r"^[A-Z0-9]{6,9}$")
MAX_VIEW_NODES = 500


async def _only_person(info: Info, ids: list[str], what: str) -> Person | None:
    if len(ids) > 1:
        raise GraphQLError(f"{what} belongs to {len(ids)} persons ({', '.join(ids)}): ask by person(id)")
    return await Person.resolve_reference(info, strawberry.ID(ids[0])) if ids else None


NeighbourhoodShape = tuple[str, int, tuple[str, ...] | None, tuple[str, ...] | None]


async def _neighbourhoods(
    shape: NeighbourhoodShape, runner: CypherRunner, starts: Sequence[EntityRef]
) -> list[Subgraph | None]:
    _, hops, types, only = shape
    return await runner.call(neighbourhoods_async, starts, hops, types, MAX_VIEW_NODES, only)


@strawberry.type
class RegistryQuery(AuditQuery):
    @strawberry.field(
        extensions=[guarded(CanReadPeople)], description="A person by id; null when no such person exists."
    )
    async def person(self, info: Info, id: strawberry.ID) -> Person | None:
        return await projected_person(info, str(id))

    @strawberry.field(
        extensions=[guarded(CanReadPeople)],
        description="The person holding a 16-digit NIK; null when nobody does.",
    )
    async def person_by_nik(self, info: Info, nik: str) -> Person | None:
        if not _NIK.match(nik):
            raise GraphQLError(f"`nik` must be 16 digits, got {nik!r}")
        return await _only_person(info, await projected_ids(info, nik, "nik"), "NIK")

    @strawberry.field(
        extensions=[guarded(CanReadPeople)],
        description="The person holding a passport number; null when nobody does.",
    )
    async def person_by_passport(self, info: Info, number: str) -> Person | None:
        cleaned = number.strip().upper()
        if not _PASSPORT.match(cleaned):
            raise GraphQLError(f"`number` must be 6-9 letters or digits, got {number!r}")
        return await _only_person(info, await projected_ids(info, cleaned, "passport"), "passport")

    @strawberry.field(
        extensions=[guarded(CanReadPeople)],
        description="Fuzzy name search, best match first (see PersonMatch.score).",
    )
    async def search_people(
        self,
        info: Info,
        name: str,
        birth_date: date | None = None,
        region: Annotated[str | None, strawberry.argument(description="Province or regency code.")] = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[PersonMatch]:
        return await search_people(info, name, birth_date, region, PageRequest.of(first, after))

    @strawberry.field(
        extensions=[guarded(CanReadReference)],
        description="Placement agencies, by name (contains), licence, complaints.",
    )
    async def agencies(
        self,
        info: Info,
        name: str | None = None,
        licence: str | None = None,
        min_complaints: int = 0,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Agency]:
        page = PageRequest.of(first, after)
        if min_complaints < 0:
            raise GraphQLError(f"`minComplaints` must be 0 or more, got {min_complaints}")
        total, rows = await organisations.agency_page(
            info.context.runner.read,
            name=name,
            licence=licence,
            min_complaints=min_complaints,
            skip=page.skip,
            limit=page.limit,
        )
        return connection([Agency.from_row(r) for r in rows], total, page)

    @strawberry.field(
        extensions=[guarded(CanReadReference)],
        description="Foreign employers, by name (contains) and country.",
    )
    async def employers(
        self,
        info: Info,
        name: str | None = None,
        country: Annotated[str | None, strawberry.argument(description="ISO 3166-1 alpha-2.")] = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Employer]:
        page = PageRequest.of(first, after)
        if country is not None and not re.match(r"^[A-Z]{2}$", country):
            raise GraphQLError(f"`country` must be an ISO 3166-1 alpha-2 code like MY, got {country!r}")
        total, rows = await organisations.employer_page(
            info.context.runner.read, name=name, country=country, skip=page.skip, limit=page.limit
        )
        return connection([Employer.from_row(r) for r in rows], total, page)

    @strawberry.field(extensions=[guarded(CanReadReference)], description="A region by BPS code.")
    async def region(self, info: Info, code: strawberry.ID) -> Region | None:
        return await Region.resolve_reference(info, code)

    @strawberry.field(
        extensions=[guarded(CanReadPeople)], description="A source record by key (<source>:<recordId>)."
    )
    async def source_record(self, info: Info, key: strawberry.ID) -> SourceRecord | None:
        return await SourceRecord.resolve_reference(info, key)

    @strawberry.field(
        extensions=[guarded(CanReadReference)],
        description="Per regency: workers, how many an LTSA office served, the offices there.",
    )
    async def ltsa_coverage(
        self,
        info: Info,
        province: Annotated[str | None, strawberry.argument(description="2-digit code.")] = None,
    ) -> list[RegionCoverage]:
        if province is not None and not re.match(r"^\d{2}$", province):
            raise GraphQLError(f"`province` must be a 2-digit province code, got {province!r}")
        rows = await organisations.ltsa_coverage(info.context.runner.read, province)
        return [RegionCoverage.from_row(r) for r in rows]

    @strawberry.field(
        extensions=[guarded(CanTraceRelationships), MaskedGraphView()],
        description="Everything within `hops` relationships of a node (Label:key or a person id).",
    )
    async def neighbourhood(
        self,
        info: Info,
        id: strawberry.ID,
        hops: int = 1,
        types: Annotated[
            list[str] | None, strawberry.argument(description="Relationship types to follow.")
        ] = None,
    ) -> GraphView | None:
        # Without a properties JSON in the operation, nodes need only their key and caption.
        only = None if "properties" in names_asked(info) else CAPTION_PROPERTIES
        try:
            start = entity_reference(str(id))
            check_neighbourhood(start, hops, types, MAX_VIEW_NODES)  # bad input joins no shared statement
        except ValueError as exc:
            raise GraphQLError(str(exc)) from exc
        # Sent with other requests' neighbourhoods of this turn that have the same shape.
        shape = (start.label, hops, tuple(types) if types is not None else None, only)
        fetch = partial(_neighbourhoods, shape)
        context = info.context
        found = await context.coalescer.read(context.runner, ("neighbourhood", shape), start, fetch)
        return view([found]) if found else None

    @strawberry.field(
        extensions=[guarded(CanTraceRelationships), MaskedGraphView()],
        description="The shortest paths between two nodes (Label:key or person ids).",
    )
    async def paths(
        self,
        info: Info,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        to: strawberry.ID,
        max_hops: int = 4,
    ) -> GraphView:
        try:
            found = await info.context.runner.call(
                shortest_paths_async,
                entity_reference(str(from_)),
                entity_reference(str(to)),
                max_hops,
                None,
                10,
            )
        except ValueError as exc:
            raise GraphQLError(str(exc)) from exc
        return view(found)

    @strawberry.field(
        extensions=[guarded(CanTraceRelationships), MaskedRiskSignals()],
        description="Risk signals, strongest first, by kind (all kinds when none given).",
    )
    async def risk_signals(
        self,
        info: Info,
        kinds: list[RiskKind] | None = None,
        min_complaints: int = 3,
        min_non_procedural: int = 3,
        min_workers: Annotated[int, strawberry.argument(description="Workers sharing one phone.")] = 3,
        min_regencies: Annotated[int, strawberry.argument(description="Regencies they live in.")] = 2,
        first: int = 50,
    ) -> list[RiskSignal]:
        if not 1 <= first <= MAX_PAGE:
            raise GraphQLError(f"`first` must be between 1 and {MAX_PAGE}, got {first}")
        if min(min_complaints, min_non_procedural, min_workers, min_regencies) < 1:
            raise GraphQLError("risk thresholds must be 1 or more")
        wanted = set(kinds or RiskKind)
        call = info.context.runner.call
        signals: list[RiskSignal] = []
        if wanted & {RiskKind.RISKY_AGENCY, RiskKind.RISKY_BROKER}:
            found = await call(
                risk.risky_organisations_async,
                min_complaints=min_complaints,
                min_non_procedural=min_non_procedural,
                limit=first,
            )
            signals += [s for s in map(organisation_signal, found) if s.kind in wanted]
        if RiskKind.SHARED_PHONE in wanted:
            phones = await call(
                risk.phones_shared_across_regencies_async,
                min_workers=min_workers,
                min_regencies=min_regencies,
                limit=first,
            )
            signals += map(phone_signal, phones)
        if RiskKind.MINOR_AT_PLACEMENT in wanted:
            signals += map(minor_signal, await call(risk.minors_at_placement_async, limit=first))
        signals.sort(key=lambda s: (-s.count, s.kind.value, str(s.subject_id)))
        return signals[:first]
