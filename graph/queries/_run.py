"""The two thin runners every query module shares: one sync, one async, same statement object.

The async runner also takes a ``RecordReader`` instead of a driver or session: a caller that runs
each read statement itself (the gateway sends reads as auto-commit transactions, one round trip each
instead of BEGIN/RUN/COMMIT, and retries them on its own) while the Cypher stays here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Generic, TypeVar

from neo4j import (
    READ_ACCESS,
    WRITE_ACCESS,
    AsyncDriver,
    AsyncManagedTransaction,
    AsyncSession,
    Driver,
    ManagedTransaction,
    NotificationDisabledClassification,
    Record,
    Session,
)

T = TypeVar("T")
# Traversals name every allow-listed relationship type; a graph without, say, any Unmerge yet would
# otherwise log an "unknown relationship type" warning on every call.
_QUIET: Final = [NotificationDisabledClassification.UNRECOGNIZED]
Db = Driver | Session
# Runs one read statement (Cypher text, parameters) on its own and returns all its records.
RecordReader = Callable[[str, Mapping[str, Any]], Awaitable[list[Record]]]
AsyncDb = AsyncDriver | AsyncSession | RecordReader


@dataclass(frozen=True)
class Statement(Generic[T]):
    """A parameterised Cypher statement and how to turn each result record into a row."""

    cypher: str
    mapper: Callable[[Record], T]
    params: Mapping[str, Any] = field(default_factory=dict)
    write: bool = False


def _in_tx(tx: ManagedTransaction, statements: Sequence[Statement[T]]) -> list[T]:
    return [st.mapper(record) for st in statements for record in tx.run(st.cypher, dict(st.params))]


async def _in_async_tx(tx: AsyncManagedTransaction, statements: Sequence[Statement[T]]) -> list[T]:
    rows: list[T] = []
    for st in statements:
        result = await tx.run(st.cypher, dict(st.params))
        rows.extend([st.mapper(record) async for record in result])
    return rows


def run(db: Db, *statements: Statement[T]) -> list[T]:
    """Run the statements in order in one managed transaction (a write one if any writes)."""
    write = any(st.write for st in statements)
    if isinstance(db, Driver):
        with db.session(
            default_access_mode=WRITE_ACCESS if write else READ_ACCESS,
            notifications_disabled_classifications=_QUIET,
        ) as session:
            return run(session, *statements)
    if write:
        return db.execute_write(_in_tx, statements)
    return db.execute_read(_in_tx, statements)


async def run_async(db: AsyncDb, *statements: Statement[T]) -> list[T]:
    """The async twin of ``run``; a ``RecordReader`` runs read statements only, each on its own."""
    write = any(st.write for st in statements)
    if not isinstance(db, AsyncDriver | AsyncSession):
        if write:
            raise TypeError("a RecordReader runs reads only: give writes a driver or a session")
        return [st.mapper(record) for st in statements for record in await db(st.cypher, st.params)]
    if isinstance(db, AsyncDriver):
        async with db.session(
            default_access_mode=WRITE_ACCESS if write else READ_ACCESS,
            notifications_disabled_classifications=_QUIET,
        ) as session:
            return await run_async(session, *statements)
    if write:
        return await db.execute_write(_in_async_tx, statements)
    return await db.execute_read(_in_async_tx, statements)
