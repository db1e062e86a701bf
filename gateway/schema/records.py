"""Provenance: the source records behind a golden record, and which record won each field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import strawberry

from graph.extract import camel
from graph.queries.gateway_io import Row
from linkage.canonical import PERSON_FIELDS
from linkage.provenance import field_origins

from ..auth.permissions import READ_PEOPLE, require
from ..context import Info
from ..privacy.fields import MaskedFieldValues


@strawberry.type(description="One identity field as a source said it: standardised and raw.")
class RecordValue:
    field: str = strawberry.field(description="Canonical field name, e.g. fullName, nik, birthDate.")
    value: str | None = strawberry.field(description="The value after standardisation.")
    raw: str | None = strawberry.field(description="The value exactly as the source wrote it.")


@strawberry.federation.type(keys=["key"], description="One row of one source silo, resolved to a person.")
class SourceRecord:
    key: strawberry.ID = strawberry.field(description="<source>:<recordId>, stable across runs.")
    source: str
    record_id: str
    file: str | None
    row_number: int | None
    flags: list[str] = strawberry.field(description="Value problems found while standardising.")
    values: list[RecordValue] = strawberry.field(
        extensions=[MaskedFieldValues(lambda record: f"SourceRecord:{record.key}")]
    )

    @classmethod
    def from_row(cls, row: Row) -> SourceRecord:
        values = [
            RecordValue(field=camel(f), value=row.get(camel(f)), raw=row.get(camel(f"raw_{f}")))
            for f in PERSON_FIELDS
            if row.get(camel(f)) is not None or row.get(camel(f"raw_{f}")) is not None
        ]
        return cls(
            key=strawberry.ID(row["key"]),
            source=row.get("source", ""),
            record_id=row.get("recordId", ""),
            file=row.get("file"),
            row_number=row.get("rowNumber"),
            flags=[f for f in (row.get("flags") or "").split("|") if f],
            values=values,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, key: strawberry.ID) -> SourceRecord | None:
        require(info, READ_PEOPLE)  # `_entities` reaches records without a guarded root field
        row = await info.context.loaders.record.load(str(key))
        return cls.from_row(row) if row else None


@strawberry.type(description="Why the golden record holds a value: the record and rule that chose it.")
class FieldProvenance:
    field: str
    value: str | None
    record_key: str | None
    source: str | None
    rule: str | None = strawberry.field(description="Survivorship criterion that decided, e.g. authority.")


def provenance_from_json(text: str | None, golden: Mapping[str, Any]) -> list[FieldProvenance]:
    """``golden``: the person's values by field (snake case); the provenance names them, not repeats them."""
    return [
        FieldProvenance(
            field=camel(origin.field),
            value=origin.value,
            record_key=origin.record_key,
            source=origin.source,
            rule=origin.rule,
        )
        for origin in field_origins(text, golden)
    ]
