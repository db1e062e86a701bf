"""The lean Bolt reader (``gateway.bolt``) against a real Neo4j: the driver's answers, errors and limits.

It replaced the driver for the gateway's reads, so what row mappers and the runner rely on is checked
against the driver itself: records and plain rows (values and their types), exception classes and
codes, the server's statement timeout. Then the reader's own: connections reused and bounded, a
failed, cancelled or dropped one never reused, bounded waits, and the app answering GraphQL byte for
byte as with the driver. A frozen server: ``test_gateway_statement_deadline.py``, for both clients.
(One file past 400 lines: every test compares with the driver through the same helpers.)
"""

from __future__ import annotations

import asyncio
import datetime
import json
import re
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Final

import neo4j
import pytest
from neo4j import Driver
from neo4j.exceptions import Neo4jError, ServiceUnavailable
from neo4j.graph import Node, Relationship
from neo4j.graph import Path as GraphPath
from starlette.testclient import TestClient

from benchmarks.gateway_vs_neo4j_graphql import GATEWAY_QUERIES, GATEWAY_ROLES, KINDS, variables
from gateway.app import create_app
from gateway.bolt import BoltReader, Credentials, lean_address
from gateway.runner import CypherRunner
from graph.connection import Neo4jSettings, async_driver
from graph.local_server import free_port
from graph.queries.gateway_io import row_of
from graph.timeouts import timed_out
from tests.auth_tokens import auth_settings, headers
from tests.gateway_world import load_world

pytestmark = pytest.mark.neo4j

DATABASE: Final = Neo4jSettings.from_env().database
AGENT: Final = "satu-atap-gateway"  # the user agent the reader says hello with
# Two billion rows: never ends by itself within a test; a per-test marker finds it on the server.
SLOW: Final = "UNWIND range(1, 2000000000) AS x WITH x WHERE x < 0 RETURN count(*) AS n // {}"
CONNECTIONS: Final = (
    "CALL dbms.listConnections() YIELD connectionId AS id, userAgent WHERE userAgent = $a RETURN id"
)
RUNNING: Final = (
    "SHOW TRANSACTIONS YIELD transactionId AS id, currentQuery WHERE currentQuery CONTAINS $m RETURN id"
)


def lean(settings: Neo4jSettings, **options: Any) -> BoltReader:
    address = lean_address(settings.uri)
    if address is None:
        pytest.skip(f"the lean reader serves plain bolt:// only, NEO4J_URI is {settings.uri}")
    options.setdefault("connect_timeout_s", 10.0)
    return BoltReader(*address, Credentials(settings.user, settings.password), **options)


@asynccontextmanager
async def reader_of(settings: Neo4jSettings, **options: Any) -> AsyncIterator[BoltReader]:
    reader = lean(settings, **options)  # a reader's connections belong to one event loop: one per test
    try:
        yield reader
    finally:
        await reader.close()


async def read(reader: BoltReader, query: str, timeout_s: float = 15.0, **params: Any) -> list[neo4j.Record]:
    return await reader.read(query, params, database=DATABASE, timeout_s=timeout_s)


async def rows_of(reader: BoltReader, query: str, **params: Any) -> list[dict[str, Any]]:
    return await reader.rows(query, params, database=DATABASE, timeout_s=15.0)


def data(records: list[neo4j.Record]) -> list[dict[str, Any]]:
    return [record.data() for record in records]


def plain(value: Any) -> Any:
    """A value with its type at every leaf (an int must not come back as a float, a Date as a str);
    graph entities by identity, labels and properties (their ``==`` compares the owning graph too)."""
    if isinstance(value, Node):
        return ("node", value.element_id, sorted(value.labels), plain(dict(value.items())))
    if isinstance(value, Relationship):
        ends = tuple(n.element_id if n else None for n in (value.start_node, value.end_node))
        return ("relationship", value.element_id, value.type, ends, plain(dict(value.items())))
    if isinstance(value, GraphPath):
        return ("path", [plain(n) for n in value.nodes], [plain(r) for r in value.relationships])
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return (type(value), value)


def rows(records: list[neo4j.Record]) -> list[tuple[list[str], list[Any]]]:
    return [(record.keys(), [plain(v) for v in record.values()]) for record in records]


def as_rows(make: Callable[[], Any]) -> Any:
    """Plain rows with their types, or the error making them raised (both paths must fail alike)."""
    try:
        return plain(make())
    except Exception as exc:
        return ("raised", type(exc), str(exc))


def by_driver(driver: Driver, query: str, **params: Any) -> list[neo4j.Record]:
    return list(driver.execute_query(query, params, database_=DATABASE).records)


def gateway_connections(driver: Driver) -> set[str]:
    return {r["id"] for r in by_driver(driver, CONNECTIONS, a=AGENT)}


def running(driver: Driver, marker: str) -> list[str]:
    return [r["id"] for r in by_driver(driver, RUNNING, m=marker)]


async def eventually(check: Callable[[], bool], what: str, within_s: float = 30.0) -> None:
    """Polls the server's view (a thread: the sync driver) until ``check``; a bound for failing, not speed."""
    for _ in range(int(within_s / 0.05)):
        if await asyncio.to_thread(check):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never saw: {what}")


@pytest.fixture()
def marker(neo4j_driver: Driver) -> Iterator[str]:
    """A tag for this test's slow statements; whatever still runs with it is terminated afterwards."""
    tag = f"bolt-reader-{uuid.uuid4().hex}"
    yield tag
    left = running(neo4j_driver, tag)
    if left:
        neo4j_driver.execute_query("TERMINATE TRANSACTIONS $ids", ids=left)


STATEMENTS = {
    "scalars": "RETURN 1 AS one, 9223372036854775807 AS big, -17 AS neg, 3.25 AS f, true AS yes, 'x' AS s",
    "null": "RETURN null AS nothing, [null, 1] AS holes",
    "nested": "RETURN [1, [2, [3, 'a']], {k: [1.5, {m: null}]}] AS nested, {a: {b: {c: [true]}}} AS deep",
    "unicode": "RETURN 'Dewi Lestari — ñ 漢字 😀' AS s, '' AS empty",
    # Plain rows turn dates into Python ones on arrival: at any depth, up to Python's limits.
    "date": "RETURN date('2024-02-29') AS d, [date('1969-12-31'), {d: date('1970-01-01')}] AS ds, "
    "date('0001-01-01') AS first, date('9999-12-31') AS last",
    "datetime utc": "RETURN datetime('2024-03-01T12:34:56.123456789Z') AS utc, "
    "datetime('2024-03-01T01:00+07:00') AS offset",
    # 02:30 on 27 October 2024 happened twice in Berlin (the clocks went back): the zone must decide.
    "datetime zone": "RETURN datetime('2024-10-27T02:30:00[Europe/Berlin]') AS berlin, "
    "datetime('2024-01-01T07:00[Asia/Jakarta]') AS jakarta",
    "localdatetime": "RETURN localdatetime('2024-01-02T03:04:05.000000006') AS ldt",
    # 23:59:59.999999999 is a time Python cannot hold: a plain row of it fails on both paths.
    "time": "RETURN time('12:00:00.5+05:30') AS t, localtime('23:59:59.999999999') AS lt",
    "duration": "RETURN duration('P1Y2M3DT4H5M6.000000007S') AS d, duration({days: -3}) AS back",
    "point": "RETURN point({x: 1.5, y: -2.0}) AS xy, point({longitude: 106.8, latitude: -6.2}) AS geo, "
    "point({x: 1, y: 2, z: 3}) AS xyz",
    "empty": "UNWIND [] AS x RETURN x",
    # Thousands of RECORD messages: answers spread over many socket reads, reassembled.
    "many rows": "UNWIND range(1, 3000) AS i RETURN i, toString(i) AS s",
    # One record of 80,000 + 180,000 bytes: a message over several 64 KiB chunks.
    "big record": "RETURN reduce(s = '', i IN range(1, 8000) | s + 'abcdefghij') AS big, "
    "reduce(s = '', i IN range(1, 20000) | s + 'é€😀') AS wide",
}
SAME: Final = {  # sent and answered as they are; > 70,000 characters or bytes: several chunks each way
    "nested dict": {"a": {"b": [1, {"c": "d"}], "e": []}, "f": 2.5},
    "long string": "satu atap é€😀 " * 5000,  # 70,000 characters, 100,000 bytes
    "long list": list(range(30000)),
    "bytes": b"\x00\xff" * 40000,
}
PARAMETERS = {
    "date": datetime.date(2024, 2, 29),
    "datetime": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
    "tuple": (1, "a", None),  # the driver's rule: a tuple is sent as a list
    **SAME,
}
CASES = {
    **{name: (query, {}) for name, query in STATEMENTS.items()},
    **{f"parameter {name}": ("RETURN $value AS value", {"value": v}) for name, v in PARAMETERS.items()},
}


@pytest.mark.parametrize(("query", "params"), CASES.values(), ids=CASES.keys())
def test_records_and_rows_equal_the_drivers(
    query: str, params: dict[str, Any], neo4j_settings: Neo4jSettings, neo4j_driver: Driver
) -> None:
    expected = by_driver(neo4j_driver, query, **params)

    async def scenario() -> None:
        async with reader_of(neo4j_settings) as reader:
            records = await read(reader, query, **params)
            assert rows(records) == rows(expected)
            if any(params.get("value") is same for same in SAME.values()):
                assert [r["value"] for r in records] == [params["value"]]
            try:
                ours = plain(await rows_of(reader, query, **params))
            except Exception as exc:
                ours = ("raised", type(exc), str(exc))
        # The runner's path: rows built as they arrive, as gateway_io.row_of makes them of records.
        assert ours == as_rows(lambda: [row_of(record) for record in expected])

    asyncio.run(scenario())


def test_graph_entities_equal_the_drivers(neo4j_settings: Neo4jSettings, clean_graph: Driver) -> None:
    clean_graph.execute_query(
        "CREATE (:BoltProbe:Person {name: 'Siti', born: date('1990-05-01'), tags: ['a', 'b'], score: 0.5})"
        "-[:KNOWS {since: 2020}]->(:BoltProbe {name: 'Dewi'})"
    )
    query = "MATCH p = (a:BoltProbe)-[r:KNOWS]->(b) RETURN a, r, b, p, a AS again"
    nodes = "MATCH (a:BoltProbe) RETURN a ORDER BY a.name"
    expected, expected_nodes = by_driver(clean_graph, query), by_driver(clean_graph, nodes)
    with pytest.raises(TypeError) as refused:  # rows are maps: returning a relationship is a bug
        row_of(expected[0])

    async def scenario() -> None:
        async with reader_of(neo4j_settings) as reader:
            [got] = await read(reader, query)
            assert rows([got]) == rows(expected)
            # One statement, one identity map: a node returned twice is one object, as from the driver.
            assert (got["a"] is got["again"]) == (expected[0]["a"] is expected[0]["again"])
            assert plain(await rows_of(reader, nodes)) == plain([row_of(r) for r in expected_nodes])
            with pytest.raises(TypeError, match=re.escape(str(refused.value))):
                await rows_of(reader, query)

    asyncio.run(scenario())


def test_a_date_python_cannot_hold_fails_the_rows_as_it_fails_the_drivers(
    neo4j_settings: Neo4jSettings, neo4j_driver: Driver
) -> None:
    query = "RETURN date('+10000-01-01') AS far"  # Neo4j's dates go far beyond Python's year 9999
    [record] = by_driver(neo4j_driver, query)
    with pytest.raises(neo4j.exceptions.BrokenRecordError):
        row_of(record)

    async def scenario() -> None:
        async with reader_of(neo4j_settings) as reader:
            with pytest.raises((neo4j.exceptions.DriverError, ValueError)):
                await rows_of(reader, query)  # with the bug: [{'far': <BrokenHydrationObject>}]

    asyncio.run(scenario())


ERRORS = {
    "syntax": "RETURN 1 +",
    "division by zero mid-stream": "UNWIND [1, 2, 0] AS x RETURN 10 / x AS y",  # records, then FAILURE
    "unknown function": "RETURN nosuch.fn(1) AS y",
}


@pytest.mark.parametrize("query", ERRORS.values(), ids=ERRORS.keys())
def test_a_failed_statement_raises_the_drivers_error_and_its_connection_is_not_reused(
    query: str, neo4j_settings: Neo4jSettings, neo4j_driver: Driver
) -> None:
    with pytest.raises(Neo4jError) as by_the_driver:
        by_driver(neo4j_driver, query)
    expected = by_the_driver.value

    async def scenario() -> None:
        async with reader_of(neo4j_settings) as reader:
            await read(reader, "RETURN 1 AS warm")
            with pytest.raises(Neo4jError) as failed:
                await read(reader, query)
            assert type(failed.value) is type(expected) and failed.value.code == expected.code
            assert failed.value.is_retryable() == expected.is_retryable()
            assert reader.size == 0  # the failed connection was closed, not pooled
            assert data(await read(reader, "RETURN 2 AS next")) == [{"next": 2}]
            assert reader.opened == 2

    asyncio.run(scenario())


def test_the_servers_statement_timeout_applies(neo4j_settings: Neo4jSettings, marker: str) -> None:
    async def scenario() -> None:
        async with reader_of(neo4j_settings) as reader:
            # The limit asked for, not some default: the bound (20 times it) only keeps a miss from
            # running the two billion rows to their end.
            with pytest.raises(Neo4jError) as failed:
                async with asyncio.timeout(10):
                    await read(reader, SLOW.format(marker), timeout_s=0.5)
            assert timed_out(failed.value), failed.value  # what the runner reports as a statement timeout
            assert reader.size == 0

    asyncio.run(scenario())


def test_sequential_reads_reuse_one_connection_and_concurrent_ones_stay_within_the_bound(
    neo4j_settings: Neo4jSettings,
) -> None:
    async def scenario() -> None:
        async with reader_of(neo4j_settings) as one, reader_of(neo4j_settings, max_size=2) as two:
            assert [data(await read(one, "RETURN $i AS i", i=i)) for i in range(5)] == [
                [{"i": i}] for i in range(5)
            ]
            assert one.opened == 1
            answers = await asyncio.gather(*(read(two, "RETURN $i AS i", i=i) for i in range(10)))
            assert [data(a) for a in answers] == [[{"i": i}] for i in range(10)]  # each its own answer
            assert two.opened == 2 and two.size == 2  # ten at once over two connections, both pooled

    asyncio.run(scenario())


def test_a_read_waits_for_a_free_connection_only_so_long(
    neo4j_settings: Neo4jSettings, neo4j_driver: Driver, marker: str
) -> None:
    async def scenario() -> None:
        async with reader_of(neo4j_settings, max_size=1, connect_timeout_s=0.5) as reader:
            slow = asyncio.create_task(read(reader, SLOW.format(marker), timeout_s=120))
            try:
                await eventually(lambda: bool(running(neo4j_driver, marker)), "the slow read running")
                with pytest.raises(ServiceUnavailable, match="no Bolt connection free"):
                    await read(reader, "RETURN 1 AS one")
                assert not slow.done()  # the refused one did not disturb the one holding the connection
            finally:
                slow.cancel()
                await asyncio.gather(slow, return_exceptions=True)

    asyncio.run(scenario())


def test_a_statement_cancelled_midway_closes_its_connection(
    neo4j_settings: Neo4jSettings, neo4j_driver: Driver, marker: str
) -> None:
    async def scenario() -> None:
        async with reader_of(neo4j_settings) as reader:
            slow = asyncio.create_task(read(reader, SLOW.format(marker), timeout_s=120))
            await eventually(lambda: bool(running(neo4j_driver, marker)), "the slow read running")
            slow.cancel()
            with pytest.raises(asyncio.CancelledError):
                await slow
            assert reader.size == 0
            # Closed on our side, so the server ends the statement: nothing is left running for it.
            await eventually(lambda: not running(neo4j_driver, marker), "the cancelled statement ended")
            assert data(await read(reader, "RETURN 1 AS one")) == [{"one": 1}]
            assert reader.opened == 2

    asyncio.run(scenario())


def test_an_unreachable_server_and_a_closed_reader_are_unavailable(
    neo4j_settings: Neo4jSettings, neo4j_driver: Driver
) -> None:
    port = free_port()  # nothing listens there

    async def scenario() -> None:
        nowhere = BoltReader("127.0.0.1", port, Credentials(), connect_timeout_s=2.0, max_size=1)
        for _ in range(2):  # twice with one slot: a failed connect gives its slot back
            with pytest.raises(ServiceUnavailable, match=f"127.0.0.1:{port}"):
                await read(nowhere, "RETURN 1")
        assert nowhere.size == 0
        reader = lean(neo4j_settings)
        before = await asyncio.to_thread(gateway_connections, neo4j_driver)
        await asyncio.gather(read(reader, "RETURN 0 AS warm"), read(reader, "RETURN 0 AS warm"))
        ours = await asyncio.to_thread(gateway_connections, neo4j_driver) - before
        assert len(ours) == 2 == reader.size  # two connections, idle
        busy = asyncio.create_task(read(reader, "RETURN 1 AS one"))
        await asyncio.sleep(0)  # it took an idle connection and sent its statement
        await reader.close()  # closes the idle one now, the busy one when its statement ends
        assert data(await busy) == [{"one": 1}]  # in flight when the reader closed: it still ends well
        with pytest.raises(ServiceUnavailable, match="closed"):
            await read(reader, "RETURN 1")
        assert reader.size == 0
        # Both closed, as the server sees.
        await eventually(lambda: not ours & gateway_connections(neo4j_driver), "the connections closed")

    asyncio.run(scenario())


def test_a_connection_the_server_dropped_while_idle_is_not_used_again(
    neo4j_settings: Neo4jSettings, neo4j_driver: Driver
) -> None:
    async def scenario() -> None:
        driver = async_driver(neo4j_settings)  # the runner's, for writes; reads go through the reader
        async with reader_of(neo4j_settings) as reader:
            runner = CypherRunner(driver, DATABASE, reader=reader)
            try:
                before = await asyncio.to_thread(gateway_connections, neo4j_driver)
                await runner.read("RETURN 1 AS one", {})
                [ours] = await asyncio.to_thread(gateway_connections, neo4j_driver) - before
                await asyncio.to_thread(neo4j_driver.execute_query, "CALL dbms.killConnection($id)", id=ours)
                await eventually(lambda: ours not in gateway_connections(neo4j_driver), "it dropped")
                assert await runner.read("RETURN 2 AS two", {}) == [{"two": 2}]
                assert reader.opened == 2 and reader.size == 1  # a fresh one, and only that one pooled
            finally:
                await driver.close()

    asyncio.run(scenario())


def test_a_waiter_cancelled_as_it_is_woken_passes_the_free_slot_on(
    neo4j_settings: Neo4jSettings, marker: str
) -> None:
    async def scenario() -> None:
        async with reader_of(neo4j_settings, max_size=1, connect_timeout_s=3.0) as reader:

            async def holder() -> None:
                with pytest.raises(Neo4jError):  # the server's timeout ends it; its slot frees
                    await read(reader, SLOW.format(marker), timeout_s=0.5)
                first.cancel()  # woken by that release, then cancelled before it ran (a deadline)

            holding = asyncio.create_task(holder())
            await asyncio.sleep(0)  # the holder took the only slot; the next two wait for it
            first = asyncio.create_task(read(reader, "RETURN 1 AS who"))
            second = asyncio.create_task(read(reader, "RETURN 2 AS who"))
            await holding
            await asyncio.gather(first, return_exceptions=True)
            # With the bug: "no Bolt connection free within 3 s (1 in use)" while none is in use.
            assert data(await second) == [{"who": 2}]

    asyncio.run(scenario())


def test_graphql_answers_equal_the_drivers_for_each_benchmark_query(
    neo4j_settings: Neo4jSettings, neo4j_driver: Driver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lean(neo4j_settings)  # skips unless NEO4J_URI is plain bolt://
    world = load_world(neo4j_driver, tmp_path / "world", workers=6)
    answers: dict[str, dict[str, bytes]] = {}
    for client in ("bolt", "driver"):
        monkeypatch.setenv("LTSA_READ_CLIENT", client)
        app = create_app(neo4j_settings, ("registry", "linkage"), auth_settings())
        with TestClient(app) as http:
            answers[client] = {}
            for kind in KINDS:  # the benchmark's mix, each asked as the least role it is asked as there
                path = "/linkage/graphql" if kind == "candidates" else "/registry/graphql"
                body = {"query": GATEWAY_QUERIES[kind], "variables": variables(kind, 1, world)}
                response = http.post(path, json=body, headers=headers(GATEWAY_ROLES[kind]))
                assert response.status_code == 200, response.text
                answers[client][kind] = response.content
            reader = app.state.reader
            if client == "bolt":  # the lean app did read through its reader
                assert isinstance(reader, BoltReader) and reader.opened >= 1
            else:
                assert reader is None
    assert answers["bolt"] == answers["driver"]
    # Equal and worth comparing: real answers, no errors.
    found = {kind: json.loads(answers["bolt"][kind]) for kind in KINDS}
    assert all("errors" not in body for body in found.values()), found
    person = found["person"]["data"]["person"]
    assert person["placements"] and person["family"]
    assert found["search"]["data"]["searchPeople"]["edges"]
    assert found["neighbourhood"]["data"]["neighbourhood"]["nodes"]
    assert found["candidates"]["data"]["matchCandidates"]["edges"]
