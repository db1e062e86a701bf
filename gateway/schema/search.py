"""Fuzzy name search: full-text recall in Neo4j, then ranking with the linkage name comparison.

Recall: the ``person_names`` full-text index (golden name and every known spelling), each query word
also matched with one edit (any word may match: a dropped middle name must not hide a person).
Ranking: the similarity ``linkage.comparison.names.name_similarity`` gives — the Jaro–Winkler (plain
or on token-sorted names, whichever is higher) the linkage model compares names with — between the
standardised query (``linkage.standardise.names.parse_name``) and each of the person's known names;
the best one is the score. Ties fall back to the full-text score, then the person id, so the order
(and the cursors) are stable.

``name_similarity`` works on a frame of candidate pairs and spreads ``cpdist`` over every core, which
suits millions of linkage pairs; one query against a few hundred names spent most of its time
building the frame and starting threads (~7 ms of a search's ~12 ms of CPU). ``query_similarity``
computes the same figure as one 1×N row on the request's own thread; a unit test holds the two equal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Final

import numpy as np
import strawberry
from graphql import GraphQLError
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from graph.queries import gateway_people as people
from graph.queries.gateway_io import Row
from graph.queries.gateway_projection import PersonProperties
from linkage.standardise.names import parse_name

from ..context import Info
from ..projection import person_properties
from ..runner import CypherRunner
from .pagination import Connection, PageRequest, connection
from .person import Person

# Full-text hits ranked per search: a name search wants the best few, and every hit ranked costs
# CPU on each request (500 hits took ~45 ms, 50 take ~3 ms). A page reaching deeper widens the recall
# to its end, up to MAX_RECALL.
RECALL_LIMIT: Final = 50
MAX_RECALL: Final = 500


@strawberry.type(description="A person found by name, with how well the name matched.")
class PersonMatch:
    score: float = strawberry.field(description="Name similarity 0..1 (linkage name comparison).")
    matched_name: str = strawberry.field(description="The known name that matched best.")
    full_text_score: float = strawberry.field(description="Lucene relevance, used to break ties.")
    person: Person


def recall_limit(page: PageRequest) -> int:
    return min(MAX_RECALL, max(RECALL_LIMIT, page.skip + page.limit))


def _token_sorted(name: str) -> str:
    return " ".join(sorted(name.split()))


def query_similarity(query_name: str, names: list[str]) -> np.ndarray:
    """Jaro–Winkler of ``query_name`` and each name, or of their token-sorted forms when higher."""

    def row(query: str, choices: list[str]) -> np.ndarray:
        scores = process.cdist(
            [query], choices, scorer=JaroWinkler.normalized_similarity, workers=1, dtype=np.float64
        )
        return np.asarray(scores[0], dtype=np.float64)

    plain = row(query_name, names)
    swapped = row(_token_sorted(query_name), [_token_sorted(n) for n in names])
    return np.maximum(plain, swapped)


def rank(query_name: str, hits: list[Row]) -> list[tuple[float, str, int]]:
    """(score, matched name, hit index) for every hit, by its best-matching known name, best first."""
    names: list[str] = []
    owners: list[int] = []
    for index, hit in enumerate(hits):
        person = hit["person"]
        known = {person.get("fullName") or "", *(person.get("knownNames") or "").split(" | ")} - {""}
        for name in sorted(known):
            names.append(name)
            owners.append(index)
    if not names:
        return []
    similarity = query_similarity(query_name, names)
    # Each hit's best name: highest similarity, the alphabetically first among equals.
    owner_of = np.asarray(owners, dtype=np.int64)
    order = np.lexsort((np.arange(len(names)), -similarity, owner_of))
    firsts = order[np.unique(owner_of[order], return_index=True)[1]]
    best = [(round(float(similarity[k]), 4), names[k], owners[k]) for k in firsts]
    return sorted(
        best, key=lambda b: (-b[0], -float(hits[b[2]]["score"]), str(hits[b[2]]["person"]["personId"]))
    )


async def _name_searches(
    properties: PersonProperties, runner: CypherRunner, searches: Sequence[people.NameSearch]
) -> list[list[Row]]:
    return await people.name_searches(runner.read, searches, properties)


async def search_people(
    info: Info, name: str, birth_date: date | None, region: str | None, page: PageRequest
) -> Connection[PersonMatch]:
    parsed = parse_name(name)
    if not parsed.display:
        raise GraphQLError(f"`name` has no searchable name in it: {name!r}")
    if region is not None and not (region.isdigit() and len(region) in (2, 4)):
        raise GraphQLError(f"`region` must be a 2-digit province or 4-digit regency code, got {region!r}")
    search = people.NameSearch(tuple(parsed.display.split()), birth_date, region, recall_limit(page))
    properties = person_properties(info)
    context = info.context
    # Sent with other requests' searches of this turn that read the same person properties.
    fetch = partial(_name_searches, properties)
    hits = await context.coalescer.read(context.runner, ("search", properties), search, fetch)
    ranked = rank(parsed.display, hits)
    # Schema objects for the page only: building them is the costly part of a long hit list.
    matches = [
        PersonMatch(
            score=score,
            matched_name=name,
            full_text_score=float(hits[i]["score"]),
            person=Person.from_row(hits[i]["person"]),
        )
        for score, name, i in ranked[page.skip : page.skip + page.limit]
    ]
    return connection(matches, len(ranked), page)
