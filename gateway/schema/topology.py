"""Relationship tracing: a neighbourhood or the paths between two nodes as nodes and edges."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

import strawberry
from graphql import GraphQLError

from graph.queries.risk import MinorPlacement, OrganisationRisk, SharedPhoneRisk
from graph.queries.views import KEY_PROPERTY, EntityRef, Subgraph

from ..privacy.masking import masked_json


def properties_json(props: Mapping[str, Any], masked: bool) -> str:
    """Properties as a JSON object, masked (``privacy.masking``) when the viewer may not see them."""
    text = json.dumps(dict(props), default=str, sort_keys=True)
    return masked_json(text) if masked else text


# The property JSON is written only when the field is asked for: a view of a few hundred nodes asked
# for ids and types only (a drawing's first pass) used to spend most of its CPU serialising, then
# masking, JSON nobody read. ``masked`` is set by the MaskedGraphView extension.
@strawberry.type(description="A node of any kind, addressed as Label:key.")
class GraphNode:
    id: strawberry.ID = strawberry.field(description="Label:key, e.g. Person:P-0001, Agency:LIC:123.")
    label: str
    caption: str | None = strawberry.field(description="A human-readable name for the node.")
    property_map: strawberry.Private[Mapping[str, Any]]
    masked: strawberry.Private[bool] = False

    @strawberry.field(description="The node's properties as a JSON object.")
    def properties(self) -> str:
        return properties_json(self.property_map, self.masked)


@strawberry.type(description="A relationship between two nodes of the view.")
class GraphEdge:
    source: strawberry.ID
    target: strawberry.ID
    type: str
    property_map: strawberry.Private[Mapping[str, Any]]
    masked: strawberry.Private[bool] = False

    @strawberry.field(description="The relationship's properties as a JSON object.")
    def properties(self) -> str:
        return properties_json(self.property_map, self.masked)


@strawberry.type(description="Nodes and edges, ready for a graph drawing library.")
class GraphView:
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool = strawberry.field(description="True when the path cap cut the view short.")


CAPTION_PROPERTIES = ("fullName", "name", "e164", "number", "normalised", "key", "decision")


def entity_reference(reference: str) -> EntityRef:
    """``Label:key`` (e.g. ``Agency:LIC:KEP-101/2019``) or a bare person id."""
    label, sep, key = reference.partition(":")
    if sep and label in KEY_PROPERTY:
        return EntityRef(label, key)
    if sep and label.isalpha() and label[:1].isupper():
        raise GraphQLError(f"unknown node label {label!r}; known: {', '.join(KEY_PROPERTY)}")
    return EntityRef("Person", reference)


def view(subgraphs: Sequence[Subgraph]) -> GraphView:
    """One deduplicated view of one or more subgraphs (a neighbourhood, or several shortest paths)."""
    nodes: dict[str, GraphNode] = {}
    edges: dict[tuple[str, str, str], GraphEdge] = {}
    for subgraph in subgraphs:
        for node in subgraph.nodes:
            caption = next(
                (str(node.properties[p]) for p in CAPTION_PROPERTIES if node.properties.get(p)), None
            )
            nodes.setdefault(
                node.ref,
                GraphNode(
                    id=strawberry.ID(node.ref),
                    label=node.label,
                    caption=caption,
                    property_map=node.properties,
                ),
            )
        for rel in subgraph.relationships:
            edges.setdefault(
                (rel.start, rel.end, rel.type),
                GraphEdge(
                    source=strawberry.ID(rel.start),
                    target=strawberry.ID(rel.end),
                    type=rel.type,
                    property_map=rel.properties,
                ),
            )
    truncated = any(s.truncated for s in subgraphs)
    return GraphView(nodes=list(nodes.values()), edges=list(edges.values()), truncated=truncated)


@strawberry.enum(description="Patterns that deserve an investigator's look (graph.queries.risk).")
class RiskKind(Enum):
    RISKY_AGENCY = "RISKY_AGENCY"  # complaints against it, or placements off the books
    RISKY_BROKER = "RISKY_BROKER"  # a broker (calo) with complaints or non-procedural recruits
    SHARED_PHONE = "SHARED_PHONE"  # one number on several workers living in different regencies
    MINOR_AT_PLACEMENT = "MINOR_AT_PLACEMENT"  # a worker under 18 on the departure date


@strawberry.type(description="One risk signal: a subject node, how strong, and why.")
class RiskSignal:
    kind: RiskKind
    subject_id: strawberry.ID = strawberry.field(
        description="Label:key of the subject; use in neighbourhood()."
    )
    subject_name: str | None
    count: int = strawberry.field(description="Strength: complaints + off-book placements, workers, or age.")
    detail: str


def organisation_signal(risk: OrganisationRisk) -> RiskSignal:
    return RiskSignal(
        kind=RiskKind.RISKY_AGENCY if risk.label == "Agency" else RiskKind.RISKY_BROKER,
        subject_id=strawberry.ID(f"{risk.label}:{risk.id}"),
        subject_name=risk.name,
        count=risk.complaints + risk.non_procedural,
        detail=f"{risk.complaints} complaint(s), {risk.non_procedural} non-procedural placement(s), "
        f"{risk.workers} worker(s)",
    )


def phone_signal(risk: SharedPhoneRisk) -> RiskSignal:
    return RiskSignal(
        kind=RiskKind.SHARED_PHONE,
        subject_id=strawberry.ID(f"Phone:{risk.phone}"),
        subject_name=risk.phone,
        count=len(risk.worker_ids),
        detail=f"{len(risk.worker_ids)} worker(s) in regencies {', '.join(risk.regencies)}",
    )


def minor_signal(risk: MinorPlacement) -> RiskSignal:
    return RiskSignal(
        kind=RiskKind.MINOR_AT_PLACEMENT,
        subject_id=strawberry.ID(f"Person:{risk.person_id}"),
        subject_name=risk.full_name,
        count=risk.age_years,
        detail=f"aged {risk.age_years} at departure on {risk.departure_date} (placement {risk.placement_id})",
    )
