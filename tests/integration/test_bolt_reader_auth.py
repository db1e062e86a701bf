"""The gateway's Bolt read client logs in as the driver does, against a Neo4j that requires it.

Production Neo4j has a password (a Secret in deploy/k8s); the session's test server has none. So this
starts its own server with authentication on and checks: the right password reads; a wrong one and
none at all fail with the driver's own ``AuthError``, as a driver session fails, not with a retryable
error the runner would repeat for ten seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import neo4j
import pytest

from gateway.bolt import BoltReader, Credentials, lean_address
from graph.local_server import LocalNeo4j

pytestmark = pytest.mark.neo4j

PASSWORD = "a-test-password-9f3c"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNeo4j]:
    server = LocalNeo4j(data_dir=tmp_path_factory.mktemp("neo4j-auth"), password=PASSWORD)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def read_with(server: LocalNeo4j, credentials: Credentials) -> list[dict[str, object]]:
    address = lean_address(server.uri)
    assert address is not None

    async def scenario() -> list[dict[str, object]]:
        reader = BoltReader(*address, credentials, connect_timeout_s=10)
        try:
            return await reader.rows("RETURN 42 AS answer", {}, database="neo4j", timeout_s=5)
        finally:
            await reader.close()

    return asyncio.run(scenario())


def driver_error(server: LocalNeo4j, auth: tuple[str, str] | None) -> type[BaseException]:
    with (
        neo4j.GraphDatabase.driver(server.uri, auth=auth) as driver,
        pytest.raises(neo4j.exceptions.Neo4jError) as refused,
    ):
        driver.execute_query("RETURN 42 AS answer")
    return type(refused.value)


def test_the_right_password_reads(guarded: LocalNeo4j) -> None:
    assert read_with(guarded, Credentials("neo4j", PASSWORD)) == [{"answer": 42}]


@pytest.mark.parametrize(
    ("credentials", "auth"),
    [
        (Credentials("neo4j", "not-the-password"), ("neo4j", "not-the-password")),
        (Credentials(), None),
    ],
    ids=["wrong password", "no password"],
)
def test_a_refused_login_fails_as_the_driver_does(
    guarded: LocalNeo4j, credentials: Credentials, auth: tuple[str, str] | None
) -> None:
    with pytest.raises(neo4j.exceptions.Neo4jError) as refused:
        read_with(guarded, credentials)
    assert isinstance(refused.value, neo4j.exceptions.AuthError)
    assert not refused.value.is_retryable()
    assert type(refused.value) is driver_error(guarded, auth)
