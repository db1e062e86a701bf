"""``graph.queries._run.run_async`` with a record reader (the gateway's auto-commit reads)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pytest
from neo4j import Record

from graph.queries._run import Statement, run_async


def test_a_record_reader_refuses_writes_before_running_anything() -> None:
    asked: list[str] = []

    async def reader(cypher: str, params: Mapping[str, Any]) -> list[Record]:
        asked.append(cypher)
        return []

    read = Statement("MATCH (p:Person) RETURN p", lambda record: record)
    write = Statement("CREATE (:Person)", lambda record: record, write=True)
    with pytest.raises(TypeError, match="reads only"):
        asyncio.run(run_async(reader, read, write))
    assert asked == []  # not even the read ran: a mixed unit is refused as a whole
