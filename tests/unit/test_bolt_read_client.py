"""Which client the gateway reads through (``gateway.app.read_client``), decided without a database.

The lean Bolt reader serves plain ``bolt://`` only: routing (``neo4j://``) and TLS (``bolt+s://``,
``bolt+ssc://``) are the driver's, and ``LTSA_READ_CLIENT=driver`` is the way back to the driver
anywhere. A typo in that variable must stop the start-up, not silently pick one.
"""

from __future__ import annotations

import pytest

from gateway.app import read_client
from gateway.bolt import BoltReader, Credentials, lean_address
from graph.connection import Neo4jSettings


def settings(uri: str, password: str = "") -> Neo4jSettings:
    return Neo4jSettings(uri=uri, user="reader", password=password, connect_timeout_s=3.5)


def test_plain_bolt_reads_through_the_lean_reader_with_the_settings_credentials() -> None:
    reader = read_client(settings("bolt://graph.internal:7688", password="s3cret"), env={})
    assert isinstance(reader, BoltReader)
    assert (reader.host, reader.port) == ("graph.internal", 7688)
    assert reader.credentials == Credentials("reader", "s3cret")
    assert reader.connect_timeout_s == 3.5  # NEO4J_CONNECT_TIMEOUT bounds its waits as the driver's
    assert (reader.opened, reader.size) == (0, 0)  # connections are opened on demand, not at start-up


def test_bolt_without_a_port_uses_the_bolt_default() -> None:
    reader = read_client(settings("bolt://localhost"), env={"LTSA_READ_CLIENT": "bolt"})
    assert isinstance(reader, BoltReader)
    assert (reader.host, reader.port) == ("localhost", 7687)


@pytest.mark.parametrize("value", ["", "  ", " bolt "])
def test_an_empty_or_padded_choice_means_bolt(value: str) -> None:
    assert isinstance(
        read_client(settings("bolt://localhost:7687"), env={"LTSA_READ_CLIENT": value}), BoltReader
    )


@pytest.mark.parametrize(
    "uri",
    ["neo4j://localhost:7687", "neo4j+s://graph.example", "bolt+s://graph.example", "bolt+ssc://h:7687"],
)
def test_routing_and_tls_uris_read_through_the_driver(uri: str) -> None:
    assert lean_address(uri) is None
    assert read_client(settings(uri), env={}) is None


def test_driver_choice_reads_through_the_driver_even_for_plain_bolt() -> None:
    assert read_client(settings("bolt://localhost:7687"), env={"LTSA_READ_CLIENT": "driver"}) is None


@pytest.mark.parametrize("value", ["nonsense", "neo4j", "drivers"])
def test_an_unknown_choice_is_refused_naming_the_variable(value: str) -> None:
    with pytest.raises(ValueError, match="LTSA_READ_CLIENT") as refused:
        read_client(settings("bolt://localhost:7687"), env={"LTSA_READ_CLIENT": value})
    assert repr(value) in str(refused.value)  # says what it got


def test_the_process_environment_is_read_when_no_env_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LTSA_READ_CLIENT", "driver")
    assert read_client(settings("bolt://localhost:7687")) is None
    monkeypatch.setenv("LTSA_READ_CLIENT", "nonsense")
    with pytest.raises(ValueError, match="LTSA_READ_CLIENT"):
        read_client(settings("bolt://localhost:7687"))
    monkeypatch.delenv("LTSA_READ_CLIENT")
    assert isinstance(read_client(settings("bolt://localhost:7687")), BoltReader)


def test_credentials_log_in_as_the_user_only_with_a_password() -> None:
    # A server without authentication refuses a basic token it did not ask for: no password, no user.
    assert Credentials("neo4j", "").token() == {"scheme": "none"}
    assert Credentials("neo4j", "pw").token() == {
        "scheme": "basic",
        "principal": "neo4j",
        "credentials": "pw",
    }


def test_a_pool_needs_at_least_one_connection() -> None:
    with pytest.raises(ValueError, match="max_size=0"):
        BoltReader("localhost", 7687, Credentials(), connect_timeout_s=1.0, max_size=0)
