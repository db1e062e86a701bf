"""The read coalescer's rules, with plain async batch functions (no database: what is tested here is
how items are grouped, answered and isolated; tests/integration/test_gateway_coalesce.py sends the
real statements)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from gateway.coalesce import ReadCoalescer
from gateway.runner import CypherRunner, DatabaseUnavailable


class Doubler:
    """A batch read that answers each item with twice its value and remembers every batch it got."""

    def __init__(self, fail_on: int | None = None, unavailable: bool = False) -> None:
        self.batches: list[list[int]] = []
        self.fail_on = fail_on
        self.unavailable = unavailable

    async def __call__(self, runner: CypherRunner, items: Sequence[int]) -> list[int]:
        self.batches.append(list(items))
        await asyncio.sleep(0)  # a real statement suspends
        if self.unavailable:
            raise DatabaseUnavailable("the graph database is unavailable: test")
        if self.fail_on in items:
            raise ValueError(f"bad item {self.fail_on}")
        return [2 * item for item in items]


def runner() -> CypherRunner:
    # The batch reads here never touch the driver; each request gets its own runner, as in the gateway.
    return CypherRunner(driver=None, database="neo4j")  # type: ignore[arg-type]


def test_reads_of_one_turn_share_a_statement_and_each_gets_its_own_answer() -> None:
    async def scenario() -> tuple[list[int], Doubler, list[CypherRunner]]:
        coalescer, read = ReadCoalescer(max_batch=8), Doubler()
        runners = [runner() for _ in range(5)]
        answers = await asyncio.gather(*(coalescer.read(r, "k", n, read) for n, r in enumerate(runners)))
        return answers, read, runners

    answers, read, runners = asyncio.run(scenario())
    assert answers == [0, 2, 4, 6, 8]
    assert read.batches == [[0, 1, 2, 3, 4]]
    assert [r.round_trips for r in runners] == [1] * 5  # each request counts the statement it needed


def test_kinds_are_never_mixed() -> None:
    async def scenario() -> tuple[Doubler, Doubler]:
        coalescer, a, b = ReadCoalescer(), Doubler(), Doubler()
        await asyncio.gather(
            coalescer.read(runner(), "a", 1, a),
            coalescer.read(runner(), "b", 2, b),
            coalescer.read(runner(), "a", 3, a),
        )
        return a, b

    a, b = asyncio.run(scenario())
    assert a.batches == [[1, 3]]
    assert b.batches == [[2]]


def test_a_full_batch_goes_at_once_and_the_rest_follow() -> None:
    async def scenario() -> tuple[list[int], Doubler, ReadCoalescer]:
        coalescer, read = ReadCoalescer(max_batch=4), Doubler()
        answers = await asyncio.gather(*(coalescer.read(runner(), "k", n, read) for n in range(10)))
        return answers, read, coalescer

    answers, read, coalescer = asyncio.run(scenario())
    assert answers == [2 * n for n in range(10)]
    assert read.batches == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert (coalescer.figures.statements, coalescer.figures.items, coalescer.figures.largest) == (3, 10, 4)


def test_a_lone_read_waits_one_turn_not_for_company() -> None:
    async def scenario() -> tuple[int, list[list[int]]]:
        coalescer, read = ReadCoalescer(), Doubler()
        answer = await asyncio.wait_for(coalescer.read(runner(), "k", 21, read), timeout=1.0)
        later = await coalescer.read(runner(), "k", 1, read)  # a later turn: a statement of its own
        assert later == 2
        return answer, read.batches

    answer, batches = asyncio.run(scenario())
    assert answer == 42
    assert batches == [[21], [1]]


def test_a_read_never_joins_a_statement_already_sent() -> None:
    async def scenario() -> list[list[int]]:
        coalescer, running = ReadCoalescer(), asyncio.Event()
        batches: list[list[int]] = []

        async def slow(runner: CypherRunner, items: Sequence[int]) -> list[int]:
            batches.append(list(items))
            await running.wait()  # the statement is at Neo4j until the test lets it finish
            return [2 * item for item in items]

        first = asyncio.ensure_future(coalescer.read(runner(), "k", 1, slow))
        while not batches:
            await asyncio.sleep(0)
        second = asyncio.ensure_future(coalescer.read(runner(), "k", 2, slow))
        while len(batches) < 2:
            await asyncio.sleep(0)
        running.set()
        assert (await first, await second) == (2, 4)
        return batches

    # The second item has a statement of its own: it arrived after the first one was sent, and joining
    # it would answer with a read of the graph as it was before the request came.
    assert asyncio.run(scenario()) == [[1], [2]]


def test_one_bad_item_fails_only_its_own_request() -> None:
    async def scenario() -> tuple[list[object], Doubler]:
        coalescer, read = ReadCoalescer(), Doubler(fail_on=2)
        answers = await asyncio.gather(
            *(coalescer.read(runner(), "k", n, read) for n in (1, 2, 3)), return_exceptions=True
        )
        return answers, read

    answers, read = asyncio.run(scenario())
    assert answers[0] == 2 and answers[2] == 6
    assert isinstance(answers[1], ValueError) and "bad item 2" in str(answers[1])
    assert read.batches == [[1, 2, 3], [1], [2], [3]]  # the shared statement, then each alone


def test_a_lost_database_fails_every_request_at_once() -> None:
    async def scenario() -> tuple[list[object], Doubler]:
        coalescer, read = ReadCoalescer(), Doubler(unavailable=True)
        answers = await asyncio.gather(
            *(coalescer.read(runner(), "k", n, read) for n in (1, 2)), return_exceptions=True
        )
        return answers, read

    answers, read = asyncio.run(scenario())
    assert all(isinstance(a, DatabaseUnavailable) for a in answers)
    assert read.batches == [[1, 2]]  # not retried item by item: each would fail the same way


def test_a_caller_gone_away_does_not_break_the_others() -> None:
    async def scenario() -> list[int]:
        coalescer, read = ReadCoalescer(), Doubler()
        leaving = asyncio.ensure_future(coalescer.read(runner(), "k", 1, read))
        staying = asyncio.ensure_future(coalescer.read(runner(), "k", 2, read))
        await asyncio.sleep(0)
        leaving.cancel()  # a client disconnect cancels its request
        with pytest.raises(asyncio.CancelledError):
            await leaving
        return [await staying]

    assert asyncio.run(scenario()) == [4]


class Gate:
    """A batch read that stays 'at Neo4j' until the test opens it; remembers every batch it got."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.open = asyncio.Event()

    async def __call__(self, runner: CypherRunner, items: Sequence[int]) -> list[int]:
        self.batches.append(list(items))
        if items and items[0] == 1:  # the first statement is the slow one
            await self.open.wait()
        return [2 * item for item in items]

    async def until(self, count: int) -> None:
        while len(self.batches) < count:
            await asyncio.sleep(0)


def test_reads_arriving_while_their_kind_runs_wait_for_it_and_go_together() -> None:
    async def scenario() -> tuple[list[list[int]], list[int]]:
        coalescer, read = ReadCoalescer(max_hold_s=5.0), Gate()
        first = asyncio.ensure_future(coalescer.read(runner(), "k", 1, read))
        await read.until(1)
        later = []
        for n in (2, 3, 4):  # each in a turn of its own, while the first statement runs
            later.append(asyncio.ensure_future(coalescer.read(runner(), "k", n, read)))
            for _ in range(3):
                await asyncio.sleep(0)
        other = await coalescer.read(runner(), "other", 9, read)  # another kind is not held
        assert read.batches == [[1], [9]]  # 2, 3 and 4 wait for the running statement
        read.open.set()
        answers = [await first, *[await f for f in later], other]
        return read.batches, answers

    batches, answers = asyncio.run(scenario())
    assert batches == [[1], [9], [2, 3, 4]]  # sent together once the first was answered
    assert answers == [2, 4, 6, 8, 18]


def test_a_held_read_goes_at_its_deadline_when_the_running_statement_is_slow() -> None:
    async def scenario() -> tuple[list[list[int]], int, bool]:
        coalescer, read = ReadCoalescer(max_hold_s=0.02), Gate()
        first = asyncio.ensure_future(coalescer.read(runner(), "k", 1, read))
        await read.until(1)
        second = await asyncio.wait_for(coalescer.read(runner(), "k", 2, read), timeout=2.0)
        still_running = not first.done()
        read.open.set()
        await first
        return read.batches, second, still_running

    batches, second, still_running = asyncio.run(scenario())
    assert (batches, second, still_running) == ([[1], [2]], 4, True)  # answered while the first ran on


def test_a_full_batch_is_never_held() -> None:
    async def scenario() -> list[list[int]]:
        coalescer, read = ReadCoalescer(max_batch=2, max_hold_s=5.0), Gate()
        first = asyncio.ensure_future(coalescer.read(runner(), "k", 1, read))
        await read.until(1)
        answers = await asyncio.gather(*(coalescer.read(runner(), "k", n, read) for n in (2, 3)))
        assert answers == [4, 6] and not first.done()
        read.open.set()
        await first
        return read.batches

    assert asyncio.run(scenario()) == [[1], [2, 3]]


def test_without_hold_back_a_read_goes_at_the_end_of_its_turn() -> None:
    async def scenario() -> list[list[int]]:
        coalescer, read = ReadCoalescer(hold_back=False), Gate()
        first = asyncio.ensure_future(coalescer.read(runner(), "k", 1, read))
        await read.until(1)
        assert await coalescer.read(runner(), "k", 2, read) == 4
        read.open.set()
        await first
        return read.batches

    assert asyncio.run(scenario()) == [[1], [2]]
