"""Queries and mutations of the linkage subgraph: the review queue and the steward workflow."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated

import strawberry
from graphql import GraphQLError
from neo4j import AsyncManagedTransaction

from graph.queries import gateway_candidates as candidates
from graph.queries import gateway_steward as steward_writes
from graph.queries.gateway_io import Row

from ..auth.permissions import CanDecideMatches, CanReadReference, CanReviewMatches, guarded
from ..context import STEWARD_HEADER, Info
from ..privacy.access_log import DECIDE_MATCH, UNMERGE
from .linkage import CandidateStatus, DecisionValue, LinkedPerson, LoadRun, MatchCandidate, StewardDecision
from .pagination import MAX_PAGE, Connection, PageRequest, connection


@strawberry.type(description="What decideMatch did.")
class DecideMatchResult:
    candidate: MatchCandidate
    decision: StewardDecision
    persons: list[LinkedPerson] = strawberry.field(description="The persons the two records resolve to now.")


@strawberry.type(description="What unmerge did.")
class UnmergeResult:
    person: LinkedPerson = strawberry.field(description="The person the records were taken from.")
    new_person: LinkedPerson = strawberry.field(description="The person made of the split-off records.")
    decisions_recorded: int = strawberry.field(
        description="NON_MATCH decisions recorded, one per record pair."
    )


def _steward(info: Info, given: str | None) -> str:
    who = (given or info.context.steward).strip()
    if not who:
        raise GraphQLError(f"say who decides: pass `steward` or the {STEWARD_HEADER} header")
    return who


async def _write(info: Info, work: Callable[[AsyncManagedTransaction], Awaitable[Row]]) -> Row:
    try:
        return await info.context.runner.write(work)
    except steward_writes.DecisionConflict as exc:
        raise GraphQLError(str(exc), extensions={"code": "CONFLICT", "currentVersion": exc.current}) from exc
    except steward_writes.StewardError as exc:
        raise GraphQLError(str(exc), extensions={"code": "BAD_REQUEST"}) from exc


@strawberry.type
class LinkageQuery:
    @strawberry.field(
        extensions=[guarded(CanReviewMatches)],
        description="The review queue: candidates best first, filtered.",
    )
    async def match_candidates(
        self,
        info: Info,
        status: CandidateStatus | None = None,
        min_score: Annotated[float | None, strawberry.argument(description="Minimum matchWeight.")] = None,
        source: Annotated[
            str | None, strawberry.argument(description="Either record from this source.")
        ] = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[MatchCandidate]:
        page = PageRequest.of(first, after)
        total, rows = await candidates.candidate_page(
            info.context.runner.read,
            status=status.value if status else None,
            min_score=min_score,
            source=source,
            skip=page.skip,
            limit=page.limit,
        )
        return connection([MatchCandidate.from_row(r) for r in rows], total, page)

    @strawberry.field(
        extensions=[guarded(CanReviewMatches)], description="One candidate by id; null when unknown."
    )
    async def match_candidate(self, info: Info, id: strawberry.ID) -> MatchCandidate | None:
        row = await info.context.loaders.candidate.load(str(id))
        return MatchCandidate.from_row(row) if row else None

    @strawberry.field(extensions=[guarded(CanReviewMatches)], description="Steward decisions, newest first.")
    async def steward_decisions(
        self, info: Info, steward: str | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[StewardDecision]:
        page = PageRequest.of(first, after)
        total, rows = await candidates.decision_page(
            info.context.runner.read, steward=steward, skip=page.skip, limit=page.limit
        )
        return connection([StewardDecision.from_row(r) for r in rows], total, page)

    @strawberry.field(
        extensions=[guarded(CanReadReference)],
        description="Loads of linkage outputs into the graph, newest first.",
    )
    async def load_runs(self, info: Info, first: int = 20) -> list[LoadRun]:
        if not 1 <= first <= MAX_PAGE:
            raise GraphQLError(f"`first` must be between 1 and {MAX_PAGE}, got {first}")
        return [LoadRun.from_row(r) for r in await candidates.load_runs(info.context.runner.read, first)]


@strawberry.type
class LinkageMutation:
    @strawberry.mutation(
        extensions=[guarded(CanDecideMatches)],
        description="Decide a candidate pair. MATCH merges the two persons at once, NON_MATCH splits them "
        "when they were one, UNSURE only records. Fails with code CONFLICT when the candidate's version is "
        "no longer expectedVersion (someone else decided first).",
    )
    async def decide_match(
        self,
        info: Info,
        candidate_id: strawberry.ID,
        decision: DecisionValue,
        expected_version: int,
        note: str = "",
        steward: str | None = None,
    ) -> DecideMatchResult:
        decision_input = steward_writes.Decision(
            candidate_id=str(candidate_id),
            decision=decision.value,
            note=note,
            steward=_steward(info, steward),
            decided_at=datetime.now(UTC),
        )

        async def work(tx: AsyncManagedTransaction) -> Row:
            return await steward_writes.decide_candidate(tx, decision_input, expected_version)

        made = await _write(info, work)
        info.context.access_log.record_action(DECIDE_MATCH, made["personIds"])
        row = await info.context.loaders.candidate.load(str(candidate_id))
        assert row is not None  # it was just written in the committed transaction
        return DecideMatchResult(
            candidate=MatchCandidate.from_row(row),
            decision=StewardDecision.from_row(made["decision"]),
            persons=[LinkedPerson(id=strawberry.ID(p)) for p in made["personIds"]],
        )

    @strawberry.mutation(
        extensions=[guarded(CanDecideMatches)],
        description="Take source records off a person into a new person, and record NON_MATCH between "
        "them and the records that stay, so the next linkage run keeps them apart.",
    )
    async def unmerge(
        self,
        info: Info,
        person_id: strawberry.ID,
        source_record_ids: Annotated[list[strawberry.ID], strawberry.argument(description="Record keys.")],
        reason: str,
        steward: str | None = None,
    ) -> UnmergeResult:
        who = _steward(info, steward)

        async def work(tx: AsyncManagedTransaction) -> Row:
            keys = [str(k) for k in source_record_ids]
            return await steward_writes.unmerge(tx, str(person_id), keys, reason, who, datetime.now(UTC))

        done = await _write(info, work)
        info.context.access_log.record_action(UNMERGE, [done["personId"], done["newPersonId"]])
        return UnmergeResult(
            person=LinkedPerson(id=strawberry.ID(done["personId"])),
            new_person=LinkedPerson(id=strawberry.ID(done["newPersonId"])),
            decisions_recorded=done["decisions"],
        )
