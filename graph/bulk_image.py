"""The graph that ``graph.load`` would write on an empty database, built in memory from the same rows.

The bulk path cannot run Cypher, so each step of ``graph.load.STEPS`` is replayed here with the
semantics of its statements in ``graph.load_cypher``: ``MERGE`` creates a node holding only its key
(and nothing else) when it is missing, ``MATCH`` drops the row when a node is missing, ``SET n = map``
replaces every property, ``SET n += map`` and ``SET n.x = null`` remove what is null. Each statement
runs over all rows of its step before the next one, i.e. the MERGE loader with one batch per step;
the rows of a step have unique keys, so batch size does not change what the MERGE loader writes.

The bulk equivalence test (tests/integration/test_graph_bulk_import.py) compares the two loaders'
graphs property by property; a change in ``load_cypher`` that is not mirrored here fails it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from .extract import Extraction, Row
from .load import STEPS

# The unique key of every label the loader writes (graph.schema holds the matching constraints).
NODE_KEYS: Final = {
    "Region": "code",
    "LtsaOffice": "officeId",
    "Person": "personId",
    "SourceRecord": "key",
    "Phone": "e164",
    "Passport": "number",
    "Address": "normalised",
    "Agency": "agencyId",
    "Employer": "employerId",
    "Broker": "brokerId",
    "Placement": "placementId",
    "Complaint": "complaintId",
    "StewardDecision": "decisionId",
}

NodeRef = tuple[str, str]  # (label, key value)
Pattern = tuple[tuple[str, Any], ...]  # properties named in a MERGE pattern, e.g. FAMILY_OF's relation
# (start label, start key, type, end label, end key, pattern): what one MERGE of a relationship
# matches. Flat, because millions of them are held at once.
RelRef = tuple[str, Any, str, str, Any, Pattern]
# Relationship types whose statements delete stale ties (LIVES_IN, RESOLVES_TO): only these need an
# index from the start node to its relationships.
_REPOINTED: Final = frozenset({"LIVES_IN", "RESOLVES_TO"})


@dataclass
class GraphImage:
    """Nodes and relationships with their properties, as the MERGE loader leaves them.

    Every relationship carries ``loadRun = run`` (every statement sets it), so ``relationships`` maps
    each one to its *other* properties only, or ``None``: a dict per relationship would dominate the
    memory of a national load. ``relationship_properties`` gives the full map.
    """

    run: str
    nodes: dict[NodeRef, dict[str, Any]] = field(default_factory=dict)
    extra_labels: dict[NodeRef, tuple[str, ...]] = field(default_factory=dict)
    relationships: dict[RelRef, dict[str, Any] | None] = field(default_factory=dict)
    _outgoing: dict[tuple[NodeRef, str], list[RelRef]] = field(default_factory=dict, repr=False)

    # --- node operations (Cypher MERGE / MATCH / SET) --------------------------------------------

    def merge(self, label: str, key: Any) -> NodeRef:
        if key is None:  # Cypher refuses ``MERGE (n {k: null})`` too; the load would fail the same way
            raise ValueError(f"cannot merge a {label} without its {NODE_KEYS[label]}")
        ref = (label, key)
        self.nodes.setdefault(ref, {NODE_KEYS[label]: key})
        return ref

    def match(self, label: str, key: Any) -> NodeRef | None:
        ref = (label, key)
        return ref if ref in self.nodes else None

    def update(self, ref: NodeRef, values: dict[str, Any]) -> None:
        """``SET n += values`` (and ``SET n.a = …, n.b = …``): a null removes the property."""
        _update(self.nodes[ref], values)

    def replace(self, ref: NodeRef, values: dict[str, Any]) -> None:
        """``SET n = values, n.loadRun = $run``: nothing of the old property map survives."""
        self.nodes[ref] = {k: v for k, v in values.items() if v is not None}
        self.nodes[ref]["loadRun"] = self.run

    def stamp(self, ref: NodeRef, values: dict[str, Any] | None = None) -> None:
        self.update(ref, {**(values or {}), "loadRun": self.run})

    # --- relationship operations ---------------------------------------------------------------------

    def relate(
        self,
        start: NodeRef,
        rel_type: str,
        end: NodeRef,
        values: dict[str, Any] | None = None,
        pattern: Pattern = (),
    ) -> None:
        """``MERGE (start)-[rel:TYPE {pattern}]->(end) SET rel.… = values, rel.loadRun = $run``."""
        ref: RelRef = (start[0], start[1], rel_type, end[0], end[1], pattern)
        if ref not in self.relationships:
            self.relationships[ref] = dict(pattern) if pattern else None
            if rel_type in _REPOINTED:
                self._outgoing.setdefault((start, rel_type), []).append(ref)
        if values:
            properties = self.relationships[ref] or {}
            _update(properties, values)
            self.relationships[ref] = properties or None

    def relationship_properties(self, ref: RelRef) -> dict[str, Any]:
        return {**(self.relationships[ref] or {}), "loadRun": self.run}

    def unrelate(self, start: NodeRef, rel_type: str, keep: NodeRef | None) -> None:
        """``MATCH (start)-[old:TYPE]->(end) WHERE end <> keep DELETE old`` (all of them if no ``keep``)."""
        if rel_type not in _REPOINTED:
            raise ValueError(f"{rel_type} is not indexed for re-pointing; add it to _REPOINTED")
        leaving = self._outgoing.get((start, rel_type), [])
        for ref in [r for r in leaving if (r[3], r[4]) != keep]:
            del self.relationships[ref]
            leaving.remove(ref)

    def labels(self, ref: NodeRef) -> tuple[str, ...]:
        return (ref[0], *self.extra_labels.get(ref, ()))


def _update(properties: dict[str, Any], values: dict[str, Any]) -> None:
    for name, value in values.items():
        if value is None:
            properties.pop(name, None)
        else:
            properties[name] = value


# --- one function per loader step, mirroring its statements in graph.load_cypher ----------------------


def _regions(g: GraphImage, rows: list[Row]) -> None:
    for row in rows:
        region = g.merge("Region", row["code"])
        g.stamp(region, {"name": row["name"], "kind": row["kind"]})
        if row["parent"] is not None:
            g.relate(region, "PART_OF", g.merge("Region", row["parent"]))


def _offices(g: GraphImage, rows: list[Row]) -> None:
    for row in rows:
        office = g.merge("LtsaOffice", row["officeId"])
        g.stamp(office, {"name": row["name"], "isLtsa": row["isLtsa"]})
        region = g.match("Region", row["region"]) if row["region"] is not None else None
        if region:
            g.relate(office, "LOCATED_IN", region)


def _persons(g: GraphImage, rows: list[Row]) -> None:
    for row in rows:
        person = g.merge("Person", row["personId"])
        g.replace(person, row["props"])
        g.extra_labels[person] = ("Worker",) if row["props"].get("isWorker") else ()
    for row in rows:
        person = ("Person", row["personId"])
        g.unrelate(person, "LIVES_IN", keep=None if row["region"] is None else ("Region", row["region"]))
    for row in rows:
        region = g.match("Region", row["region"]) if row["region"] is not None else None
        if region:
            g.relate(("Person", row["personId"]), "LIVES_IN", region)


def _records(g: GraphImage, rows: list[Row]) -> None:
    for row in rows:
        if g.match("SourceRecord", row["key"]):
            g.unrelate(("SourceRecord", row["key"]), "RESOLVES_TO", keep=("Person", row["personId"]))
    for row in rows:
        person = g.match("Person", row["personId"])
        if person:
            record = g.merge("SourceRecord", row["key"])
            g.replace(record, row["props"])
            g.relate(record, "RESOLVES_TO", person)


def _identifiers(label: str, key: str, rel_type: str) -> Callable[[GraphImage, list[Row]], None]:
    """Phones, passports and addresses: a shared node, tied to each person with the sources that say so."""

    def apply(g: GraphImage, rows: list[Row]) -> None:
        for row in rows:
            person = g.match("Person", row["personId"])
            if person:
                node = g.merge(label, row[key])
                g.stamp(node)
                g.relate(person, rel_type, node, {"sources": row["sources"]})

    return apply


def _organisations(label: str, key: str, fields: tuple[str, ...]) -> Callable[[GraphImage, list[Row]], None]:
    def apply(g: GraphImage, rows: list[Row]) -> None:
        for row in rows:
            g.stamp(g.merge(label, row[key]), {f: row[f] for f in fields})

    return apply


def _brokers(g: GraphImage, rows: list[Row]) -> None:
    for row in rows:
        broker = g.merge("Broker", row["brokerId"])
        g.stamp(broker, {"name": row["name"], "phone": row["phone"]})
        if row["phone"] is not None:
            phone = g.merge("Phone", row["phone"])
            g.stamp(phone)
            g.relate(broker, "HAS_PHONE", phone)


def _recruitments(g: GraphImage, rows: list[Row]) -> None:
    for row in rows:
        broker, person = g.match("Broker", row["brokerId"]), g.match("Person", row["personId"])
        if broker and person:
            g.relate(broker, "RECRUITED", person)


def _placements(g: GraphImage, rows: list[Row]) -> None:
    for row in rows:
        person = g.match("Person", row["personId"])
        if person:
            created = g.merge("Placement", row["placementId"])
            g.replace(created, row["props"])
            g.relate(person, "HAS_PLACEMENT", created)
    for column, label, rel_type in (
        ("agencyId", "Agency", "THROUGH_AGENCY"),
        ("employerId", "Employer", "WITH_EMPLOYER"),
    ):
        for row in rows:
            placement = g.match("Placement", row["placementId"])
            if row[column] is not None and placement:
                g.relate(placement, rel_type, g.merge(label, row[column]))
    for row in rows:
        placement = g.match("Placement", row["placementId"])
        if placement:
            for record in _matched(g, "SourceRecord", row["recordKeys"]):
                g.relate(record, "DESCRIBES", placement)


def _family(g: GraphImage, rows: list[Row]) -> None:
    for row in rows:
        a, b = g.match("Person", row["from"]), g.match("Person", row["to"])
        if a and b:
            g.relate(a, "FAMILY_OF", b, {"basis": row["basis"]}, pattern=(("relation", row["relation"]),))


def _complaints(g: GraphImage, rows: list[Row]) -> None:
    for row in rows:
        complaint = g.merge("Complaint", row["complaintId"])
        g.stamp(complaint, row["props"])
        record = g.match("SourceRecord", row["recordKey"])
        if not record:
            continue
        g.relate(record, "REPORTS", complaint)
        filer, concerns = g.match("Person", row["filerId"]), g.match("Person", row["concernsId"])
        if not (filer and concerns):
            continue
        g.relate(filer, "FILED", complaint)
        g.relate(complaint, "CONCERNS", concerns)
        for column, label in (("agencyId", "Agency"), ("brokerId", "Broker")):
            if row[column] is not None:
                g.relate(complaint, "AGAINST", g.merge(label, row[column]))


def _office_visits(g: GraphImage, rows: list[Row]) -> None:
    for row in rows:
        person, office = g.match("Person", row["personId"]), g.match("LtsaOffice", row["officeId"])
        if person and office:
            g.relate(person, "SERVED_AT", office)


def _decisions(g: GraphImage, rows: list[Row]) -> None:
    for row in rows:
        decision = g.merge("StewardDecision", row["decisionId"])
        g.replace(decision, row["props"])
        for record in _matched(g, "SourceRecord", row["keys"]):
            g.relate(decision, "ABOUT", record)


def _matched(g: GraphImage, label: str, keys: Iterable[Any]) -> list[NodeRef]:
    return [ref for ref in (g.match(label, k) for k in keys) if ref]


STEP_IMAGES: Final[dict[str, Callable[[GraphImage, list[Row]], None]]] = {
    "regions": _regions,
    "offices": _offices,
    "persons": _persons,
    "records": _records,
    "phones": _identifiers("Phone", "e164", "HAS_PHONE"),
    "passports": _identifiers("Passport", "number", "HAS_PASSPORT"),
    "addresses": _identifiers("Address", "normalised", "HAS_ADDRESS"),
    "agencies": _organisations("Agency", "agencyId", ("name", "licence")),
    "employers": _organisations("Employer", "employerId", ("name", "country")),
    "brokers": _brokers,
    "recruitments": _recruitments,
    "placements": _placements,
    "family": _family,
    "complaints": _complaints,
    "office_visits": _office_visits,
    "decisions": _decisions,
}


def build_image(extraction: Extraction, run: str) -> tuple[GraphImage, dict[str, int]]:
    """The graph of one linked output and the number of rows per step (as ``LoadReport`` counts them)."""
    unknown = [name for name, _statements, _rows in STEPS if name not in STEP_IMAGES]
    if unknown:  # a step added to graph.load needs its mirror here before the bulk path can be trusted
        raise NotImplementedError(f"graph.load steps without a bulk image: {', '.join(unknown)}")
    image = GraphImage(run=run)
    rows_per_step: dict[str, int] = {}
    for name, _statements, rows_of in STEPS:
        rows = rows_of(extraction)
        rows_per_step[name] = len(rows)
        STEP_IMAGES[name](image, rows)
    return image, rows_per_step
