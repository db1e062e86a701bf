"""A top-level person in one round trip: read the selection set, fetch its parts in one statement.

``person(id)`` asked with family and placements used to cost one batched statement per nested field
(person, family, placements, relatives). Here the selection set decides which parts one statement
brings along (``graph.queries.gateway_projection``) and the rows are primed into the request's
DataLoaders, so the nested resolvers find them there and send nothing. Parts the statement does not
bring (complaints, region, a relative's own family, …) still come through the batched loaders.

Priming puts whole rows into a per-request cache that every later field of the request shares, so a
primed person must carry its source records (its provenance JSON, its golden attributes beyond the
names) whenever the operation asks for ``sourceRecords`` (``provenance``, any such attribute) anywhere
— not only under this field — or a later field would find the person without them.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Final

import strawberry
from graphql import FieldNode
from strawberry.types.base import get_object_definition
from strawberry.types.private import is_private
from strawberry.utils.str_converters import to_camel_case

from graph.queries.family import FamilyTie
from graph.queries.gateway_io import Row
from graph.queries.gateway_projection import (
    PersonKey,
    PersonProperties,
    PersonShape,
    persons_with_parts,
)
from graph.queries.persons import person_view

from .context import Info
from .runner import CypherRunner
from .schema.person import Person
from .selection import Fragments, fields_of, names_asked

# Person fields read straight from a golden property (every field without a resolver of its own),
# by GraphQL name; the names among them come with every person anyway.
_GOLDEN_FIELDS: Final = frozenset(
    to_camel_case(field.python_name)
    for field in get_object_definition(Person, strict=True).fields
    if field.base_resolver is None
    and not (field.type_annotation and is_private(field.type_annotation.annotation))
) - {"id", "fullName", "knownNames"}


def person_properties(info: Info) -> PersonProperties:
    """Which person properties the operation can read, anywhere in it: a person row may be shared by
    every later field of the request (primed loaders), so the whole operation decides, not one field.
    A field of another type that happens to share a name only brings more than needed, never less."""
    return _properties_for(names_asked(info))


def _properties_for(anywhere: set[str]) -> PersonProperties:
    if "provenance" in anywhere:
        return "provenance"
    return "golden" if anywhere & _GOLDEN_FIELDS else "names"


def shape_of(info: Info) -> PersonShape:
    """The parts of a person that the current field's selection set asks for."""
    fragments: Fragments = info._raw_info.fragments
    children: dict[str, list[FieldNode]] = {}
    for node in info._raw_info.field_nodes:
        for field in fields_of(node.selection_set, fragments):
            children.setdefault(field.name.value, []).append(field)
    relatives = any(
        child.name.value == "relative"
        for tie in children.get("family", [])
        for child in fields_of(tie.selection_set, fragments)
    )
    anywhere = names_asked(info)
    return PersonShape(
        records="sourceRecords" in anywhere,
        properties=_properties_for(anywhere),
        family="family" in children,
        relatives=relatives,
        placements="placements" in children,
    )


def _prime(info: Info, row: Row, shape: PersonShape) -> None:
    loaders = info.context.loaders
    person_id = row["id"]
    # Without sourceRecords anywhere in the operation, nothing reads a primed person's records.
    loaders.person.prime(person_id, person_view(row["person"], row.get("records", [])))
    if shape.placements:
        loaders.placements_of_person.prime(person_id, row["placements"])
    if shape.family:
        ties = [
            FamilyTie(
                person_id=person_id,
                relative_id=tie["relativeId"],
                relative_name=tie["relativeName"],
                relation=tie["relation"],
                relative_is_subject=tie["relativeIsSubject"],
                basis=tie["basis"],
            )
            for tie in row["family"]
        ]
        loaders.family_of_person.prime(person_id, ties)
    if shape.relatives:
        for tie in row["family"]:
            loaders.person.prime(tie["relativeId"], person_view(tie["relative"], tie.get("records", [])))


async def _persons_by_id(shape: PersonShape, runner: CypherRunner, ids: Sequence[str]) -> list[list[Row]]:
    """Each id's row (none when unknown), from one statement for all of them."""
    found = {row["id"]: row for row in await persons_with_parts(runner.read, ids, shape, "id")}
    return [[found[i]] if i in found else [] for i in ids]


async def projected_ids(info: Info, key: str, by: PersonKey = "id") -> list[str]:
    """The ids of the persons ``key`` finds (in order), each fetched with every part the current
    field's selection names — one statement — and primed into the request's loaders. Reads by id
    share their statement with other requests' of the same shape (``gateway.coalesce``)."""
    shape = shape_of(info)
    context = info.context
    if by == "id":
        fetch = partial(_persons_by_id, shape)
        rows = await context.coalescer.read(context.runner, ("person", shape), key, fetch)
    else:
        rows = await persons_with_parts(context.runner.read, [key], shape, by)
    for row in rows:
        _prime(info, row, shape)
    return [row["id"] for row in rows]


async def projected_person(info: Info, person_id: str) -> Person | None:
    """The person ``person_id`` with every part its selection names fetched in one statement."""
    if not await projected_ids(info, person_id):
        return None
    # Through the loader (now primed), so the person is built exactly as every other person is.
    return await Person.resolve_reference(info, strawberry.ID(person_id))
