"""The shapes queries return: plain frozen dataclasses, no driver objects leak out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import neo4j.graph
import neo4j.time

# Each node label the graph holds and the property that identifies it; also the allow-list of labels
# any query accepts from a caller.
KEY_PROPERTY: Final = {
    "Person": "personId",
    "SourceRecord": "key",
    "Agency": "agencyId",
    "Employer": "employerId",
    "Placement": "placementId",
    "Broker": "brokerId",
    "Region": "code",
    "LtsaOffice": "officeId",
    "Complaint": "complaintId",
    "Phone": "e164",
    "Passport": "number",
    "Address": "normalised",
    "StewardDecision": "decisionId",
    "Unmerge": "unmergeId",
}

# Relationship types a caller may name (anything else is rejected before any Cypher is built).
RELATIONSHIP_TYPES: Final = (
    "RESOLVES_TO",
    "HAS_PHONE",
    "HAS_PASSPORT",
    "HAS_ADDRESS",
    "HAS_PLACEMENT",
    "THROUGH_AGENCY",
    "WITH_EMPLOYER",
    "DESCRIBES",
    "RECRUITED",
    "FAMILY_OF",
    "FILED",
    "CONCERNS",
    "AGAINST",
    "REPORTS",
    "ABOUT",
    "KEPT",
    "SPLIT_FROM",
    "SPLIT_INTO",
    "LIVES_IN",
    "SERVED_AT",
    "LOCATED_IN",
    "PART_OF",
)
# Traversals skip geography by default: a regency ties together every one of its residents, which
# says nothing about them and would swamp any neighbourhood or path.
_GEOGRAPHY: Final = frozenset({"LIVES_IN", "SERVED_AT", "LOCATED_IN", "PART_OF"})
EVIDENCE_TYPES: Final = tuple(t for t in RELATIONSHIP_TYPES if t not in _GEOGRAPHY)


def type_pattern(types: Sequence[str] | None) -> str:
    """``A|B|C`` for a relationship pattern, from allow-listed names only."""
    chosen = EVIDENCE_TYPES if types is None else tuple(types)
    unknown = [t for t in chosen if t not in RELATIONSHIP_TYPES]
    if unknown or not chosen:
        raise ValueError(
            f"unknown or no relationship type(s) {unknown}; allowed: {', '.join(RELATIONSHIP_TYPES)}"
        )
    return "|".join(dict.fromkeys(chosen))


def start_pattern(ref: EntityRef, variable: str, parameter: str) -> str:
    """``(v:Label {keyProp: $param})`` for an allow-listed label (checked by ``EntityRef``)."""
    return f"({variable}:{ref.label} {{{ref.key_property}: ${parameter}}})"


# Bookkeeping that is not part of the domain picture.
_HIDDEN: Final = frozenset({"loadRun"})


@dataclass(frozen=True)
class EntityRef:
    """A node named by label and key, e.g. ``EntityRef("Phone", "+6281234567890")``."""

    label: str
    key: str

    def __post_init__(self) -> None:
        if self.label not in KEY_PROPERTY:
            raise ValueError(f"unknown label {self.label!r}; expected one of {', '.join(KEY_PROPERTY)}")

    @property
    def key_property(self) -> str:
        return KEY_PROPERTY[self.label]

    @property
    def ref(self) -> str:
        return f"{self.label}:{self.key}"


@dataclass(frozen=True)
class NodeView:
    label: str
    key: str
    properties: Mapping[str, Any]

    @property
    def ref(self) -> str:
        return f"{self.label}:{self.key}"


@dataclass(frozen=True)
class RelationshipView:
    type: str
    start: str  # NodeView.ref
    end: str
    properties: Mapping[str, Any]


@dataclass(frozen=True)
class Subgraph:
    nodes: Sequence[NodeView]
    relationships: Sequence[RelationshipView]
    truncated: bool = False  # more nodes were reachable than the cap allowed


# Scalars the driver already hands over as Python objects (most values): one set lookup each.
_SCALARS: Final = frozenset({str, int, float, bool, type(None)})


def plain(value: Any) -> Any:
    """Driver temporal values as Python ones, so callers never import neo4j.time."""
    if type(value) in _SCALARS:
        return value
    if isinstance(value, neo4j.time.Date | neo4j.time.DateTime):
        return value.to_native()
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def properties(entity: neo4j.graph.Entity | Mapping[str, Any]) -> dict[str, Any]:
    items = entity.items()
    return {k: plain(v) for k, v in items if k not in _HIDDEN}


def label_and_key(labels: Iterable[str], values: Mapping[str, Any]) -> tuple[str, str]:
    """The node's domain label (the first, sorted, that has a key property) and its key."""
    label = next((lbl for lbl in sorted(labels) if lbl in KEY_PROPERTY), "")
    return label, str(plain(values.get(KEY_PROPERTY.get(label, ""), "")))


def _label_and_key(node: neo4j.graph.Node) -> tuple[str, str]:
    return label_and_key(node.labels, node)


def node_view(node: neo4j.graph.Node) -> NodeView:
    label, key = _label_and_key(node)
    return NodeView(label=label, key=key, properties=properties(node))


def relationship_view(rel: neo4j.graph.Relationship) -> RelationshipView:
    assert rel.start_node is not None and rel.end_node is not None
    # Only the ends' references: converting all their properties again (as node_view would) was a
    # good part of a neighbourhood's CPU in the gateway.
    return RelationshipView(
        type=rel.type,
        start="{}:{}".format(*_label_and_key(rel.start_node)),
        end="{}:{}".format(*_label_and_key(rel.end_node)),
        properties=properties(rel),
    )
