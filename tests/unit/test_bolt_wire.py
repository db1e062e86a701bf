"""Bolt framing of the gateway's read client (``gateway.bolt.wire``), byte by byte.

The integration tests talk to a real Neo4j, which sends whatever chunking it likes. Here the framing
is pinned down on its own: chunk sizes, messages split anywhere by the socket, keep-alive chunks, and
the decoding path taken when the driver's Rust codec cannot be called directly.
"""

from __future__ import annotations

import datetime
from typing import Any

import neo4j.time
import pytest
from neo4j._codec.packstream import Structure

from gateway.bolt import wire

RECORD_FIELDS = [["Siti Rahayu", 42, 1.5, None, True, {"nested": [1, "dua"]}, "ṡ" * 10]]


def decoded(
    data: bytes, hooks: dict[type, Any] | None = None, *, step: int | None = None
) -> list[wire.Message]:
    """Every message in ``data``, fed whole or ``step`` bytes at a time (as a socket may deliver it)."""
    messages = wire.Messages()
    pieces = [data] if step is None else [data[i : i + step] for i in range(0, len(data), step)]
    return [message for piece in pieces for message in messages.feed(piece, hooks)]


def chunk_sizes(data: bytes) -> list[int]:
    sizes, at = [], 0
    while at < len(data):
        size = int.from_bytes(data[at : at + 2], "big")
        sizes.append(size)
        at += 2 + size
    return sizes


def test_a_small_message_is_one_chunk_and_an_end_marker() -> None:
    data = wire.message(wire.RECORD, *RECORD_FIELDS)
    sizes = chunk_sizes(data)
    assert sizes[-1] == 0 and len(sizes) == 2
    assert sizes[0] == len(data) - 4


def test_a_large_message_is_split_into_chunks_the_protocol_allows() -> None:
    text = "x" * 200_000  # over three chunks' worth
    data = wire.message(wire.RUN, text, {}, {})
    sizes = chunk_sizes(data)
    assert sizes[-1] == 0
    assert all(0 < size <= 0xFFFF for size in sizes[:-1]) and len(sizes) >= 5
    assert decoded(data) == [(wire.RUN, [text, {}, {}])]


@pytest.mark.parametrize("step", [1, 2, 3, 7, 1000])
def test_messages_split_anywhere_by_the_socket_come_out_whole(step: int) -> None:
    data = (
        wire.message(wire.SUCCESS, {"fields": ["name"]})
        + b"\x00\x00"  # a keep-alive (NOOP) chunk between messages carries nothing
        + wire.message(wire.RECORD, *RECORD_FIELDS)
        + wire.message(wire.SUCCESS, {"type": "r"})
    )
    expected = [
        (wire.SUCCESS, [{"fields": ["name"]}]),
        (wire.RECORD, RECORD_FIELDS),
        (wire.SUCCESS, [{"type": "r"}]),
    ]
    assert decoded(data) == expected
    assert decoded(data, step=step) == expected


def test_without_the_direct_rust_call_the_same_messages_come_out(monkeypatch: pytest.MonkeyPatch) -> None:
    data = wire.message(wire.RECORD, *RECORD_FIELDS) + wire.message(wire.FAILURE, {"code": "Neo.X"})
    direct = decoded(data)
    monkeypatch.setattr(wire, "_unpack_value", None)
    assert decoded(data) == direct == [(wire.RECORD, RECORD_FIELDS), (wire.FAILURE, [{"code": "Neo.X"}])]


def test_something_that_is_not_a_message_is_refused() -> None:
    with pytest.raises(ValueError, match="must be a structure"):
        decoded(bytes([0, 1, 0x01, 0, 0]))  # one chunk holding the integer 1, then the end marker


def test_dates_hydrate_as_the_driver_does_and_as_python_dates_for_plain_rows() -> None:
    days = (datetime.date(1990, 5, 17) - datetime.date(1970, 1, 1)).days
    data = wire.message(wire.RECORD, [Structure(b"D", days), Structure(b"D", -days)])
    [(_, [driver_values])] = decoded(data, wire.new_hydration_hooks())
    [(_, [plain_values])] = decoded(data, wire.new_hydration_hooks(plain=True))
    before_epoch = datetime.date(1970, 1, 1) - datetime.timedelta(days=days)
    assert driver_values == [neo4j.time.Date(1990, 5, 17), neo4j.time.Date.from_native(before_epoch)]
    assert all(type(value) is neo4j.time.Date for value in driver_values)
    assert plain_values == [value.to_native() for value in driver_values]
    assert all(type(value) is datetime.date for value in plain_values)


def test_parameters_are_packed_with_the_drivers_rules() -> None:
    # A tuple goes as a list and a Python date as Bolt's date, as the driver sends them.
    data = wire.message(wire.RUN, "RETURN $d, $t", {"d": datetime.date(2001, 2, 3), "t": (1, 2)}, {})
    [(_, [_, params, _])] = decoded(data, wire.new_hydration_hooks(plain=True))
    assert params == {"d": datetime.date(2001, 2, 3), "t": [1, 2]}


def test_the_servers_version_answer_is_read() -> None:
    assert wire.negotiated(bytes([0, 0, 4, 5])) == (5, 4)
    assert wire.negotiated(bytes(4)) is None  # no version in common
    assert wire.HANDSHAKE[:4] == b"\x60\x60\xb0\x17" and len(wire.HANDSHAKE) == 20
