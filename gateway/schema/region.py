"""Administrative regions (BPS codes), LTSA one-roof service offices and their coverage."""

from __future__ import annotations

import strawberry

from graph.queries.gateway_io import Row

from ..context import Info


@strawberry.federation.type(keys=["code"], description="A province, regency (kabupaten) or city (kota).")
class Region:
    code: strawberry.ID = strawberry.field(description="BPS code: 2 digits province, 4 digits regency.")
    name: str | None
    kind: str | None = strawberry.field(description="provinsi | kabupaten | kota")
    parent_code: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> Region:
        return cls(
            code=strawberry.ID(row["code"]),
            name=row.get("name"),
            kind=row.get("kind"),
            parent_code=row.get("parentCode"),
        )

    @classmethod
    async def resolve_reference(cls, info: Info, code: strawberry.ID) -> Region | None:
        row = await info.context.loaders.region.load(str(code))
        return cls.from_row(row) if row else None

    @strawberry.field(description="The province of a regency or city.")
    async def parent(self, info: Info) -> Region | None:
        if not self.parent_code:
            return None
        found = await info.context.loaders.region.load(self.parent_code)
        return Region.from_row(found) if found else None


@strawberry.type(description="An LTSA one-roof service office.")
class LtsaOffice:
    id: strawberry.ID
    name: str | None
    region_code: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> LtsaOffice:
        return cls(id=strawberry.ID(row["officeId"]), name=row.get("name"), region_code=row.get("regionCode"))

    @strawberry.field
    async def region(self, info: Info) -> Region | None:
        if not self.region_code:
            return None
        row = await info.context.loaders.region.load(self.region_code)
        return Region.from_row(row) if row else None


@strawberry.type(description="How many workers of a regency were served at an LTSA office.")
class RegionCoverage:
    code: str
    name: str | None
    kind: str | None
    province: str | None
    workers: int = strawberry.field(description="Persons seen as migrant workers living in the regency.")
    served: int = strawberry.field(description="Of those, persons served at any LTSA office.")
    offices: list[str] = strawberry.field(description="LTSA offices located in the regency.")

    @strawberry.field(description="served / workers (null when there are no workers).")
    def coverage(self) -> float | None:
        return self.served / self.workers if self.workers else None

    @classmethod
    def from_row(cls, row: Row) -> RegionCoverage:
        return cls(
            **{k: row[k] for k in ("code", "name", "kind", "province", "workers", "served", "offices")}
        )
