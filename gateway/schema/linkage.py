"""The linkage subgraph: match candidates with their waterfall, steward decisions, load runs.

It extends ``Person`` (declared by the registry subgraph) with the candidates and decisions about the
person's records, so the two subgraphs deploy apart and meet in the router. ``SourceRecord`` and
``Person`` appear here as references; the registry resolves their fields.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

from graph.queries.gateway_io import Row

from ..auth.permissions import CanReviewMatches, guarded
from ..context import Info


@strawberry.federation.type(keys=[Key(fields=FieldSet("key"), resolvable=False)], name="SourceRecord")
class SourceRecordReference:
    key: strawberry.ID


@strawberry.enum(description="A steward's verdict on a candidate pair (linkage/review.py).")
class DecisionValue(Enum):
    MATCH = "MATCH"
    NON_MATCH = "NON_MATCH"
    UNSURE = "UNSURE"


@strawberry.enum(description="Where a candidate stands.")
class CandidateStatus(Enum):
    AUTO_MATCH = "auto_match"  # scored at or above the auto-match weight: merged by the model
    REVIEW = "review"  # in the steward review band
    DECIDED = "decided"  # a steward decision is in force


@strawberry.type(description="One comparison's contribution to the match weight (the waterfall).")
class WaterfallStep:
    comparison: str
    level: str = strawberry.field(
        description="The agreement level the pair reached, e.g. exact, close, null."
    )
    weight: float = strawberry.field(description="log2(m/u) of that level: evidence for (+) or against (-).")
    cumulative_weight: float = strawberry.field(description="Prior weight plus every step so far.")


@strawberry.type(description="A recorded steward decision.")
class StewardDecision:
    id: strawberry.ID
    candidate_id: str
    left_key: str
    right_key: str
    decision: DecisionValue
    note: str | None
    steward: str | None
    decided_at: str = strawberry.field(description="ISO 8601 UTC.")
    origin: str | None = strawberry.field(
        description="gateway (made here) or null (loaded from decisions.csv)."
    )

    @classmethod
    def from_row(cls, row: Row) -> StewardDecision:
        return cls(
            id=strawberry.ID(row["decisionId"]),
            candidate_id=row["candidateId"],
            left_key=row["leftKey"],
            right_key=row["rightKey"],
            decision=DecisionValue(row["decision"]),
            note=row.get("note"),
            steward=row.get("steward"),
            decided_at=row["decidedAt"],
            origin=row.get("origin"),
        )


@strawberry.type(description="A scored pair of source records that may be the same person.")
class MatchCandidate:
    id: strawberry.ID
    left: SourceRecordReference
    right: SourceRecordReference
    match_weight: float = strawberry.field(description="log2 Bayes factor incl. prior: the ranking score.")
    match_probability: float
    prior_weight: float
    status: CandidateStatus
    version: int = strawberry.field(description="Pass as expectedVersion to decideMatch.")
    explanation_json: strawberry.Private[str]
    left_person_id: strawberry.Private[str | None]
    right_person_id: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> MatchCandidate:
        return cls(
            id=strawberry.ID(row["candidateId"]),
            left=SourceRecordReference(key=strawberry.ID(row["leftKey"])),
            right=SourceRecordReference(key=strawberry.ID(row["rightKey"])),
            match_weight=row["matchWeight"],
            match_probability=row["matchProbability"],
            prior_weight=row["priorWeight"],
            status=CandidateStatus(row["status"]),
            version=int(row.get("version") or 0),
            explanation_json=row.get("explanation") or "[]",
            left_person_id=row.get("leftPersonId"),
            right_person_id=row.get("rightPersonId"),
        )

    @strawberry.field(description="Per comparison, in model order, with the running total.")
    def explanation(self) -> list[WaterfallStep]:
        total = self.prior_weight
        steps = []
        for step in json.loads(self.explanation_json):
            total += float(step["weight"])
            steps.append(
                WaterfallStep(
                    comparison=step["comparison"],
                    level=step["level"],
                    weight=float(step["weight"]),
                    cumulative_weight=round(total, 4),
                )
            )
        return steps

    @strawberry.field(description="The person the left record resolves to now.")
    def left_person(self) -> LinkedPerson | None:
        return LinkedPerson(id=strawberry.ID(self.left_person_id)) if self.left_person_id else None

    @strawberry.field(description="The person the right record resolves to now.")
    def right_person(self) -> LinkedPerson | None:
        return LinkedPerson(id=strawberry.ID(self.right_person_id)) if self.right_person_id else None

    @strawberry.field(description="True when both records already resolve to one person.")
    def same_person(self) -> bool:
        return self.left_person_id is not None and self.left_person_id == self.right_person_id

    @strawberry.field(description="Every decision recorded on this pair, oldest first.")
    async def decisions(self, info: Info) -> list[StewardDecision]:
        rows = await info.context.loaders.decisions_of_candidate.load(str(self.id))
        return [StewardDecision.from_row(r) for r in rows]


@strawberry.federation.type(keys=["id"], name="Person")
class LinkedPerson:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> LinkedPerson:
        return cls(id=id)

    @strawberry.field(
        extensions=[guarded(CanReviewMatches)],
        description="Candidate pairs involving any of this person's records.",
    )
    async def match_candidates(
        self, info: Info, status: CandidateStatus | None = None
    ) -> list[MatchCandidate]:
        rows = await info.context.loaders.candidates_of_person.load(str(self.id))
        return [c for c in map(MatchCandidate.from_row, rows) if status is None or c.status == status]

    @strawberry.field(
        extensions=[guarded(CanReviewMatches)],
        description="Steward decisions about this person's records, oldest first.",
    )
    async def steward_decisions(self, info: Info) -> list[StewardDecision]:
        rows = await info.context.loaders.decisions_of_person.load(str(self.id))
        return [StewardDecision.from_row(r) for r in rows]


@strawberry.type(description="One load of a linkage output into the graph.")
class LoadRun:
    id: strawberry.ID
    status: str | None
    source: str | None
    started_at: datetime | None
    completed_at: datetime | None

    @classmethod
    def from_row(cls, row: Row) -> LoadRun:
        return cls(
            id=strawberry.ID(row["runId"]),
            status=row.get("status"),
            source=row.get("source"),
            started_at=row.get("startedAt"),
            completed_at=row.get("completedAt"),
        )
