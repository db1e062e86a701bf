"""Placement agencies (P3MI) and foreign employers."""

from __future__ import annotations

import strawberry

from graph.queries.gateway_io import Row

from ..context import Info


@strawberry.federation.type(keys=["id"], description="A licensed placement agency (P3MI).")
class Agency:
    id: strawberry.ID = strawberry.field(description="LIC:<licence> when known, else NAME:<name>.")
    name: str | None
    licence: str | None

    @classmethod
    def from_row(cls, row: Row) -> Agency:
        return cls(id=strawberry.ID(row["agencyId"]), name=row.get("name"), licence=row.get("licence"))

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Agency | None:
        row = await info.context.loaders.agency.load(str(id))
        return cls.from_row(row) if row else None

    async def _figure(self, info: Info, name: str) -> int:
        figures = await info.context.loaders.agency_figures.load(str(self.id))
        return int(figures[name]) if figures else 0

    @strawberry.field(description="Placements that went through this agency.")
    async def placement_count(self, info: Info) -> int:
        return await self._figure(info, "placements")

    @strawberry.field(description="Complaints filed against this agency.")
    async def complaint_count(self, info: Info) -> int:
        return await self._figure(info, "complaints")

    @strawberry.field(description="Placements a source recorded as non-procedural (unofficial).")
    async def non_procedural_count(self, info: Info) -> int:
        return await self._figure(info, "nonProcedural")


@strawberry.federation.type(keys=["id"], description="A foreign employer of placed workers.")
class Employer:
    id: strawberry.ID
    name: str | None
    country: str | None = strawberry.field(description="ISO 3166-1 alpha-2.")

    @classmethod
    def from_row(cls, row: Row) -> Employer:
        return cls(id=strawberry.ID(row["employerId"]), name=row.get("name"), country=row.get("country"))

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Employer | None:
        row = await info.context.loaders.employer.load(str(id))
        return cls.from_row(row) if row else None

    @strawberry.field(description="Placements with this employer.")
    async def placement_count(self, info: Info) -> int:
        figures = await info.context.loaders.employer_figures.load(str(self.id))
        return int(figures["placements"]) if figures else 0
