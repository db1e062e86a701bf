"""Concurrent requests' reads of one kind, sent to Neo4j as one statement.

Most of a top-level read's cost is the statement (a Bolt exchange, a transaction, the driver's
session), not the item. ``benchmarks/read_coalescing.py`` (100k persons, steady state): a person with
family and placements costs Neo4j 0.33 ms and the gateway 0.48 ms of CPU alone, and 0.16 and 0.24 ms
per person four to a statement; a name search 0.64× and 0.59× of alone, a neighbourhood 0.52× and
0.65×. Under load, requests reach the same read in the same turn of the event loop, so each kind of
read collects the items asked for in that turn and sends them together at its end.

What a caller can rely on:
- **No staleness.** A batch is sent only after every item in it was asked for, and a read is never
  attached to a statement already running, so each request reads the graph as of after its arrival,
  as it would alone.
- **No delay for a lone request.** It waits one turn of the loop (microseconds), not a time window.
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


# At most this many items per statement; a full batch goes at once and the next one opens. Four
# bring most of the saving, and a statement that stalls (a Neo4j pause) delays every request in it:
# with up to sixteen per statement, a few stalls set a loaded gateway's 99th percentile at 0.6–1 s.
MAX_BATCH: Final = 4


@dataclass
class _Batch(Generic[Item, Result]):
    read: BatchRead[Item, Result]
    runner: CypherRunner  # the first caller's: its retry window and observer send the statement
    items: list[Item] = field(default_factory=list)
    waiting: list[asyncio.Future[Result]] = field(default_factory=list)
    scheduled: bool = False  # to be sent at the end of this turn of the loop


@dataclass
class CoalescerFigures:
    """Statements sent against items asked for, since start (``app.state.coalescer.figures``; the tests
    read it to tell shared statements from one per request)."""

    statements: int = 0
    items: int = 0
    largest: int = 0


class ReadCoalescer:
    """One per process (one event loop): collects items per kind of read and sends them together.
    ``kind`` must name everything that changes the statement's text (e.g. the selection shape)."""

    def __init__(self, max_batch: int = MAX_BATCH) -> None:
        self.max_batch = max_batch
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
        elif not batch.scheduled:  # sent at the end of this turn, with what else the turn asks
            batch.scheduled = True
            asyncio.get_running_loop().call_soon(self._send_if_open, kind, batch)
        return await future

    def _send_if_open(self, kind: Hashable, batch: _Batch[Any, Any]) -> None:
        if self._open.get(kind) is batch:  # not sent meanwhile for being full
            self._send(kind)

    def _send(self, kind: Hashable) -> None:
        batch = self._open.pop(kind)
        task = asyncio.get_running_loop().create_task(self._answer(batch))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

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
