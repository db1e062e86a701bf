"""Per-request DataLoaders: every nested field of a kind is fetched in one batched statement.

A DataLoader collects the keys asked for during one tick of the event loop and calls one
``graph.queries`` function with all of them, so a page of 20 persons with their records costs the same
number of round trips as one person. Loaders cache per request only (a new set per request).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import cached_property
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from graph.queries import gateway_candidates as candidates
from graph.queries import gateway_organisations as organisations
from graph.queries import gateway_people as people
from graph.queries.family import FamilyTie, family_of_async
from graph.queries.gateway_io import ReadCypher, Row
from graph.queries.persons import PersonView, persons_by_id_async

from .runner import CypherRunner

V = TypeVar("V")
BatchFunction = Callable[[ReadCypher, Sequence[str]], Awaitable[dict[str, Any]]]


def _loader(runner: CypherRunner, fetch: BatchFunction, default: Callable[[], V]) -> DataLoader[str, V]:
    async def load(keys: list[str]) -> list[V]:
        found = await fetch(runner.read, keys)
        return [found.get(key, default()) for key in keys]

    return DataLoader(load_fn=load)


def _none() -> None:
    return None


def _person_loader(runner: CypherRunner) -> DataLoader[str, PersonView | None]:
    async def load(ids: list[str]) -> list[PersonView | None]:
        found = {view.person_id: view for view in await runner.call(persons_by_id_async, ids)}
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


def _family_loader(runner: CypherRunner) -> DataLoader[str, list[FamilyTie]]:
    async def load(ids: list[str]) -> list[list[FamilyTie]]:
        ties: dict[str, list[FamilyTie]] = {i: [] for i in ids}
        for tie in await runner.call(family_of_async, ids):
            ties[tie.person_id].append(tie)
        return [ties[i] for i in ids]

    return DataLoader(load_fn=load)


class Loaders:
    """One loader per batched lookup; attribute names say what the key is and what comes back.

    Each loader is built on first use: a request touches two or three of them, and building all
    sixteen (each with its cache) for every request was a measurable share of a person read's CPU.
    """

    def __init__(self, runner: CypherRunner) -> None:
        self.runner = runner

    # A person comes with its source records (graph.queries.persons), so sourceRecords is free.
    @cached_property
    def person(self) -> DataLoader[str, PersonView | None]:
        return _person_loader(self.runner)

    @cached_property
    def family_of_person(self) -> DataLoader[str, list[FamilyTie]]:
        return _family_loader(self.runner)

    @cached_property
    def record(self) -> DataLoader[str, Row | None]:
        return _loader(self.runner, people.records_by_key, _none)

    @cached_property
    def placements_of_person(self) -> DataLoader[str, list[Row]]:
        return _loader(self.runner, people.placements_by_person, list)

    @cached_property
    def complaints_of_person(self) -> DataLoader[str, list[Row]]:
        return _loader(self.runner, people.complaints_by_person, list)

    @cached_property
    def offices_of_person(self) -> DataLoader[str, list[Row]]:
        return _loader(self.runner, people.offices_by_person, list)

    @cached_property
    def region_of_person(self) -> DataLoader[str, Row | None]:
        return _loader(self.runner, people.region_of_person, _none)

    @cached_property
    def agency(self) -> DataLoader[str, Row | None]:
        return _loader(self.runner, organisations.agencies_by_id, _none)

    @cached_property
    def employer(self) -> DataLoader[str, Row | None]:
        return _loader(self.runner, organisations.employers_by_id, _none)

    @cached_property
    def region(self) -> DataLoader[str, Row | None]:
        return _loader(self.runner, organisations.regions_by_code, _none)

    @cached_property
    def agency_figures(self) -> DataLoader[str, Row | None]:
        return _loader(self.runner, organisations.agency_figures, _none)

    @cached_property
    def employer_figures(self) -> DataLoader[str, Row | None]:
        return _loader(self.runner, organisations.employer_figures, _none)

    @cached_property
    def candidate(self) -> DataLoader[str, Row | None]:
        return _loader(self.runner, candidates.candidates_by_id, _none)

    @cached_property
    def candidates_of_person(self) -> DataLoader[str, list[Row]]:
        return _loader(self.runner, candidates.candidates_by_person, list)

    @cached_property
    def decisions_of_candidate(self) -> DataLoader[str, list[Row]]:
        return _loader(self.runner, candidates.decisions_by_candidate, list)

    @cached_property
    def decisions_of_person(self) -> DataLoader[str, list[Row]]:
        return _loader(self.runner, candidates.decisions_by_person, list)
