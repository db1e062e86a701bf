"""A placement: one worker's departure through an agency to an employer abroad."""

from __future__ import annotations

from datetime import date

import strawberry

from graph.queries.gateway_io import Row

from .organisations import Agency, Employer


@strawberry.type(description="One placement cycle (pra → masa → purna) as the silos describe it.")
class Placement:
    id: strawberry.ID
    phase: str | None = strawberry.field(description="pra | masa | purna: the furthest phase any source saw.")
    status: str | None
    procedural: bool | None = strawberry.field(description="False when any source recorded it as unofficial.")
    departure_date: date | None
    return_date: date | None
    destination: str | None = strawberry.field(description="ISO 3166-1 alpha-2 country.")
    sector: str | None
    agency: Agency | None
    employer: Employer | None

    @classmethod
    def from_row(cls, row: Row) -> Placement:
        return cls(
            id=strawberry.ID(row["placementId"]),
            phase=row.get("phase"),
            status=row.get("status"),
            procedural=row.get("procedural"),
            departure_date=row.get("departureDate"),
            return_date=row.get("returnDate"),
            destination=row.get("destination"),
            sector=row.get("sector"),
            agency=Agency.from_row(row["agency"]) if row.get("agency") else None,
            employer=Employer.from_row(row["employer"]) if row.get("employer") else None,
        )
