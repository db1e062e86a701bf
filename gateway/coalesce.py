"""Concurrent requests' reads of one kind, sent to Neo4j as one statement.

Most of a top-level read's cost is the statement (a Bolt exchange, a transaction, the driver's
session), not the item. ``benchmarks/read_coalescing.py`` (100k persons, steady state): a person with
family and placements costs Neo4j 0.33 ms and the gateway 0.48 ms of CPU alone, and 0.16 and 0.24 ms
per person four to a statement; a name search 0.64× and 0.59× of alone, a neighbourhood 0.52× and
0.65×. Each kind of read collects the items asked for during one turn of the event loop and sends them
together at its end.

That alone rarely batched anything in a mix of kinds: requests of one kind reach their read in
different turns (one statement per item in the benchmark mix, against three per statement when only
one kind was asked). So a read that arrives while a statement of its kind is running is **held back**
until that statement is answered, as Nagle's algorithm holds back small packets while one is unacked:
what arrives meanwhile goes as the next statement, so under load a kind runs about one statement at a
time and each carries what queued behind the last. The mix then sent two to four items per statement
and its CPU per request fell by 11–22% (``benchmarks/coalescing_in_mix.py``, eighth session).

What a caller can rely on:
- **No staleness.** A batch is sent only after every item in it was asked for, and a read is never
  attached to a statement already running, so each request reads the graph as of after its arrival,
  as it would alone.
- **Bounded waiting.** With no statement of its kind running, a read waits one turn of the loop
  (microseconds). With one running, it waits for that statement's answer, for a full batch, or for
  ``MAX_HOLD_S`` (50 ms), whichever comes first: a slow statement cannot stall its kind.
- **Isolation.** A statement that fails for another reason than a lost database is retried item by
  item, so one request's bad input fails only that request. A lost database fails them all, each
  with ``DatabaseUnavailable``.
- **Shared answers are read-only.** Two requests asking the same item in one turn get the same row
  or view; masking copies what it changes (``dataclasses.replace``, new maps), never edits in place.
- **Accounting.** Every request still counts the statement it needed (``CypherRunner.round_trips``);
  the Cypher metrics count the statements actually sent.

Reads only: a write must commit in its own request's transaction.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Generic, TypeVar

from .runner import CypherRunner, DatabaseUnavailable

Item = TypeVar("Item")
Result = TypeVar("Result")
# Answers a batch: one result per item, in the items' order, from one statement sent with the runner.
BatchRead = Callable[[CypherRunner, Sequence[Item]], Awaitable[list[Result]]]


# At most this many items per statement; a full batch goes at once, held back or not, and the next one
# opens. A statement that stalls delays every request in it. An earlier cap of 4 answered tails of
# 0.6–1 s with sixteen per statement, but those stalls were (as found later) Neo4j planning a text for
# the first time (docs/benchmarks.md, seventh session); the batched statements' texts do not depend on
# the number of items (``UNWIND``), so each is planned once. Held back, 8 cost 0.96× the CPU per request
# of 4 at 10 and at 50 clients, the 99th percentile within the noise (benchmarks/coalescing_in_mix.py).
MAX_BATCH: Final = 8
# The longest a read waits for the running statement of its kind. Under load the loop notices an answer
# late: with 10 ms the mix at 50 clients sent 2.5 items per statement, with 50 ms 4.3–4.4.
MAX_HOLD_S: Final = 0.050


@dataclass
class _Batch(Generic[Item, Result]):
    read: BatchRead[Item, Result]
    runner: CypherRunner  # the first caller's: its retry window and observer send the statement
    items: list[Item] = field(default_factory=list)
    waiting: list[asyncio.Future[Result]] = field(default_factory=list)
    scheduled: bool = False  # to be sent at the end of this turn of the loop
    deadline: asyncio.TimerHandle | None = None  # held back: sent then at the latest


@dataclass
class CoalescerFigures:
    """Statements sent against items asked for, since start (``app.state.coalescer.figures``; the tests
    read it to tell shared statements from one per request)."""

    statements: int = 0
    items: int = 0
    largest: int = 0


class ReadCoalescer:
    """One per process (one event loop): collects items per kind of read and sends them together.
    ``kind`` must name everything that changes the statement's text (e.g. the selection shape).
    ``hold_back=False`` sends every batch at the end of its turn (no waiting for a running statement)."""

    def __init__(
        self, max_batch: int = MAX_BATCH, hold_back: bool = True, max_hold_s: float = MAX_HOLD_S
    ) -> None:
        self.max_batch = max_batch
        self.hold_back = hold_back
        self.max_hold_s = max_hold_s
        self._running: dict[Hashable, int] = {}  # statements of each kind sent and not yet answered
        self._open: dict[Hashable, _Batch[Any, Any]] = {}
        self._sending: set[asyncio.Task[None]] = set()  # strong references until each batch is done
        self.figures = CoalescerFigures()

    async def read(
        self, runner: CypherRunner, kind: Hashable, item: Item, read: BatchRead[Item, Result]
    ) -> Result:
        """``read``'s result for ``item``, sent with whatever else of ``kind`` is asked meanwhile."""
        runner.round_trips += 1
        batch = self._open.get(kind)
        if batch is None:
            batch = self._open[kind] = _Batch(read, runner)
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        batch.items.append(item)
        batch.waiting.append(future)
        if len(batch.items) >= self.max_batch:
            self._send(kind)
        elif self.hold_back and self._running.get(kind):
            # A statement of this kind is running: wait for it (the batch grows meanwhile), but no
            # longer than max_hold_s, so one slow statement cannot stall its kind.
            if batch.deadline is None:
                loop = asyncio.get_running_loop()
                batch.deadline = loop.call_later(self.max_hold_s, self._send_if_open, kind, batch)
        elif not batch.scheduled:  # sent at the end of this turn, with what else the turn asks
            self._schedule(kind, batch)
        return await future

    def _schedule(self, kind: Hashable, batch: _Batch[Any, Any]) -> None:
        batch.scheduled = True
        asyncio.get_running_loop().call_soon(self._send_if_open, kind, batch)

    def _send_if_open(self, kind: Hashable, batch: _Batch[Any, Any]) -> None:
        if self._open.get(kind) is batch:  # not sent meanwhile (full, or already due)
            self._send(kind)

    def _send(self, kind: Hashable) -> None:
        batch = self._open.pop(kind)
        if batch.deadline is not None:
            batch.deadline.cancel()
        self._running[kind] = self._running.get(kind, 0) + 1
        task = asyncio.get_running_loop().create_task(self._answer(batch))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)
        task.add_done_callback(lambda _: self._answered(kind))

    def _answered(self, kind: Hashable) -> None:
        """A statement of ``kind`` is done: what was held back for it goes at the end of this turn."""
        self._running[kind] -= 1
        if not self._running[kind]:
            del self._running[kind]
        batch = self._open.get(kind)
        if batch is not None and not batch.scheduled:
            self._schedule(kind, batch)

    async def _answer(self, batch: _Batch[Any, Any]) -> None:
        figures = self.figures
        figures.statements += 1
        figures.items += len(batch.items)
        figures.largest = max(figures.largest, len(batch.items))
        try:
            results = await batch.read(batch.runner.shared(), batch.items)
        except DatabaseUnavailable as exc:
            _fail(batch.waiting, exc)
            return
        except Exception as exc:  # the statement or one item's input: retry item by item
            if len(batch.items) == 1:
                _fail(batch.waiting, exc)
                return
            pairs = zip(batch.items, batch.waiting, strict=True)
            await asyncio.gather(*(self._alone(batch, item, future) for item, future in pairs))
            return
        for future, result in zip(batch.waiting, results, strict=True):
            if not future.done():  # a caller that went away (client gone) no longer waits
                future.set_result(result)

    async def _alone(self, batch: _Batch[Any, Any], item: Any, future: asyncio.Future[Any]) -> None:
        self.figures.statements += 1
        try:
            [result] = await batch.read(batch.runner.shared(), [item])
        except Exception as exc:  # handed to the one caller it belongs to
            _fail([future], exc)
        else:
            if not future.done():
                future.set_result(result)


def _fail(waiting: list[asyncio.Future[Any]], error: BaseException) -> None:
    for future in waiting:
        if not future.done():
            future.set_exception(error)
