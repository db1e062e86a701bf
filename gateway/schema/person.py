"""The person (PMI or family member): golden record, provenance, family, placements, complaints."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from graph.queries.gateway_io import Row
from linkage.canonical import PERSON_FIELDS

from ..auth.permissions import READ_PEOPLE, require
from ..context import Info
from ..privacy.fields import MaskedFieldValues, MaskedIdentifier, ScrubbedText
from ..privacy.masking import IdentifierKind
from .organisations import Agency
from .placement import Placement
from .records import FieldProvenance, SourceRecord, provenance_from_json
from .region import LtsaOffice, Region


@strawberry.enum(description="How to read a family tie's relation.")
class TieDirection(Enum):
    PERSON_IS = "PERSON_IS"  # this person is <relation> of the relative (e.g. istri of the head)
    RELATIVE_IS = "RELATIVE_IS"  # the relative is <relation> of this person


@strawberry.type(description="A family tie from a family card (KK) or a declaration on a form.")
class FamilyTie:
    relation: str = strawberry.field(description="istri, suami, anak, orang tua, … as recorded.")
    direction: TieDirection
    basis: str | None = strawberry.field(description="family_card | declared")
    relative_id: strawberry.Private[str]

    @strawberry.field
    async def relative(self, info: Info) -> Person | None:
        return await _person(info, self.relative_id)


@strawberry.type(description="A complaint to a service desk, filed by someone about a worker.")
class Complaint:
    id: strawberry.ID
    date: date | None
    type: str | None
    text: str | None = strawberry.field(
        extensions=[
            ScrubbedText(
                lambda complaint: f"Person:{complaint.concerns_id}" if complaint.concerns_id else None
            )
        ]
    )
    source: str | None
    against: list[Agency] = strawberry.field(description="Agencies the complaint is against.")
    filer_id: strawberry.Private[str | None]
    concerns_id: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> Complaint:
        return cls(
            id=strawberry.ID(row["complaintId"]),
            date=row.get("date"),
            type=row.get("type"),
            text=row.get("text"),
            source=row.get("source"),
            against=[Agency.from_row(a) for a in row.get("against", []) if a.get("label") == "Agency"],
            filer_id=row.get("filerId"),
            concerns_id=row.get("concernsId"),
        )

    @strawberry.field(description="Who filed it (often a family member).")
    async def filer(self, info: Info) -> Person | None:
        return await _person(info, self.filer_id)

    @strawberry.field(description="The worker the complaint is about.")
    async def concerns(self, info: Info) -> Person | None:
        return await _person(info, self.concerns_id)


async def _person(info: Info, person_id: str | None) -> Person | None:
    if not person_id:
        return None
    view = await info.context.loaders.person.load(person_id)
    return Person.from_row(dict(view.properties)) if view else None


@strawberry.federation.type(keys=["id"], description="One real person: the golden record over every silo.")
class Person:
    id: strawberry.ID
    nik: str | None = strawberry.field(
        extensions=[MaskedIdentifier(IdentifierKind.NIK)],
        description="16-digit national identity number (Dukcapil).",
    )
    kk_number: str | None = strawberry.field(
        extensions=[MaskedIdentifier(IdentifierKind.KK)], description="Family card (Kartu Keluarga) number."
    )
    full_name: str | None
    known_names: list[str] = strawberry.field(description="Every spelling and alias the silos used.")
    birth_date: date | None
    birth_place: str | None
    sex: str | None = strawberry.field(description="L | P")
    mother_name: str | None = strawberry.field(extensions=[MaskedIdentifier(IdentifierKind.MOTHER_NAME)])
    phone: str | None = strawberry.field(
        extensions=[MaskedIdentifier(IdentifierKind.PHONE)], description="E.164"
    )
    address: str | None = strawberry.field(extensions=[MaskedIdentifier(IdentifierKind.ADDRESS)])
    region_code: str | None
    passport_number: str | None = strawberry.field(extensions=[MaskedIdentifier(IdentifierKind.PASSPORT)])
    is_worker: bool = strawberry.field(description="Seen as a migrant worker (not only as family).")
    record_count: int
    provenance_json: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> Person:
        return cls(
            id=strawberry.ID(row["personId"]),
            nik=row.get("nik"),
            kk_number=row.get("kkNumber"),
            full_name=row.get("fullName"),
            known_names=[n for n in (row.get("knownNames") or "").split(" | ") if n],
            birth_date=row.get("birthDate"),
            birth_place=row.get("birthPlace"),
            sex=row.get("sex"),
            mother_name=row.get("motherName"),
            phone=row.get("phone"),
            address=row.get("address"),
            region_code=row.get("regionCode"),
            passport_number=row.get("passportNumber"),
            is_worker=bool(row.get("isWorker")),
            record_count=int(row.get("recordCount") or 0),
            provenance_json=row.get("provenance"),
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Person | None:
        require(info, READ_PEOPLE)  # `_entities` reaches persons without a guarded root field
        return await _person(info, str(id))

    @strawberry.field(
        extensions=[MaskedFieldValues(lambda person: f"Person:{person.id}")],
        description="Per field: the value chosen, the record and source it came from, the rule.",
    )
    def provenance(self) -> list[FieldProvenance]:
        golden = {name: getattr(self, name, None) for name in PERSON_FIELDS}
        return provenance_from_json(self.provenance_json, golden)

    @strawberry.field(description="What each silo said about this person (source, recordId, raw values).")
    async def source_records(self, info: Info) -> list[SourceRecord]:
        view = await info.context.loaders.person.load(str(self.id))
        records = view.records if view else []
        return [SourceRecord.from_row(dict(r.properties)) for r in records]

    @strawberry.field
    async def family(self, info: Info) -> list[FamilyTie]:
        ties = await info.context.loaders.family_of_person.load(str(self.id))
        return [
            FamilyTie(
                relation=tie.relation,
                direction=TieDirection.RELATIVE_IS if tie.relative_is_subject else TieDirection.PERSON_IS,
                basis=tie.basis,
                relative_id=tie.relative_id,
            )
            for tie in ties
        ]

    @strawberry.field
    async def placements(self, info: Info) -> list[Placement]:
        return [
            Placement.from_row(r) for r in await info.context.loaders.placements_of_person.load(str(self.id))
        ]

    @strawberry.field(description="Complaints this person filed or that concern them.")
    async def complaints(self, info: Info) -> list[Complaint]:
        return [
            Complaint.from_row(r) for r in await info.context.loaders.complaints_of_person.load(str(self.id))
        ]

    @strawberry.field(description="Where the person lives (the most precise known region).")
    async def region(self, info: Info) -> Region | None:
        row = await info.context.loaders.region_of_person.load(str(self.id))
        return Region.from_row(row) if row else None

    @strawberry.field(description="LTSA offices that served this person.")
    async def ltsa_offices(self, info: Info) -> list[LtsaOffice]:
        return [
            LtsaOffice.from_row(r) for r in await info.context.loaders.offices_of_person.load(str(self.id))
        ]
