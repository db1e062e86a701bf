"""Bolt on the wire: the handshake, messages as chunked PackStream structures, and their values.

Values are packed and unpacked by the Neo4j driver's own codec (its Rust extension ``neo4j-rust-ext``,
a dependency of ours, when it loads) with the driver's own Bolt 5 hydration: a date, a node or a
duration comes back as exactly the object the driver itself would hand over, so every row mapper in
``graph.queries`` reads both clients' records alike. Only the framing and the message exchange are
ours (``gateway.bolt.connection``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, Final

from neo4j._codec.hydration.bolt.v2 import HydrationHandler
from neo4j._codec.packstream import Structure
from neo4j._codec.packstream._common import PackableBuffer, UnpackableBuffer
from neo4j._codec.packstream.v1 import Packer, Unpacker
from neo4j._codec.packstream.v1 import _rust_unpack as _unpack_value  # None without the extension

MAGIC: Final = b"\x60\x60\xb0\x17"
# Bolt 5.4 down to 5.2 (one proposal: major 5, minor 4, range 2). 5.2 brought notification filtering
# per statement; 5.5+ change FAILURE to GQL statuses, which the classic error codes here do not need.
# Neo4j 5.13 and later speak 5.4; ours is 5.26 (deploy/).
PROPOSALS: Final = bytes([0, 2, 4, 5]) + bytes(12)
HANDSHAKE: Final = MAGIC + PROPOSALS

HELLO: Final = b"\x01"
LOGON: Final = b"\x6a"
GOODBYE: Final = b"\x02"
RUN: Final = b"\x10"
PULL: Final = b"\x3f"
SUCCESS: Final = b"\x70"
RECORD: Final = b"\x71"
IGNORED: Final = b"\x7e"
FAILURE: Final = b"\x7f"

Message = tuple[bytes, list[Any]]  # a received message: its tag and its fields

_MAX_CHUNK: Final = 0xFFFF
_END: Final = b"\x00\x00"
_HYDRATION: Final = HydrationHandler()
_EPOCH: Final = date(1970, 1, 1).toordinal()
# Days since 1970 a Python date can hold; Neo4j's range is wider and those go the driver's way.
_MIN_DAYS: Final = date.min.toordinal() - _EPOCH
_MAX_DAYS: Final = date.max.toordinal() - _EPOCH
# Parameters: the driver's dehydration (dates, durations, points).
_DEHYDRATION: Final = _HYDRATION.dehydration_hooks


def negotiated(answer: bytes) -> tuple[int, int] | None:
    """The (major, minor) version the server chose from ``PROPOSALS``, or None if it refused all."""
    if len(answer) != 4 or answer == bytes(4):
        return None
    return answer[3], answer[2]


def _packed(value: Any) -> bytearray:
    buffer = PackableBuffer()
    Packer(buffer).pack(value, _DEHYDRATION)  # the driver's own tuple-as-list rule included
    return buffer.data


def message(tag: bytes, *fields: Any) -> bytes:
    """One message, chunked: 2-byte big-endian sizes, a zero size ending it."""
    body = _packed(Structure(tag, *fields))
    if len(body) <= _MAX_CHUNK:
        return len(body).to_bytes(2, "big") + body + _END
    out = bytearray()
    for start in range(0, len(body), _MAX_CHUNK):
        piece = body[start : start + _MAX_CHUNK]
        out += len(piece).to_bytes(2, "big") + piece
    return bytes(out + _END)


def new_hydration_hooks(plain: bool = False) -> dict[type, Any]:
    """Hooks turning a statement's structures into driver values (nodes of one statement share an
    identity map, as in the driver, so a scope lives for one statement). ``plain``: a date becomes a
    ``datetime.date`` at once, as ``gateway_io.native`` would turn the driver's ``Date`` into one; a
    birth date is on nearly every person row, and the driver's ``Date`` cost ~10 µs to build."""
    hooks: dict[type, Any] = _HYDRATION.new_hydration_scope().hydration_hooks
    if not plain:
        return hooks
    structure = hooks[Structure]

    def hydrate(value: Structure) -> Any:
        if value.tag == b"D" and len(value.fields) == 1:
            days = value.fields[0]
            if _MIN_DAYS <= days <= _MAX_DAYS:
                return date.fromordinal(_EPOCH + days)
        return structure(value)

    return {**hooks, Structure: hydrate}


class Messages:
    """Reassembles chunked messages from whatever the socket delivered and unpacks each whole one."""

    def __init__(self) -> None:
        self._pending = bytearray()  # bytes received, not yet a whole chunk
        self._message = bytearray()  # chunks of the message being assembled

    def feed(self, data: bytes, hooks: dict[type, Any] | None) -> Iterator[Message]:
        pending = self._pending
        pending += data
        at, size_of_all = 0, len(pending)
        try:
            while size_of_all - at >= 2:
                size = (pending[at] << 8) | pending[at + 1]
                if size == 0:
                    at += 2
                    if self._message:  # a zero size alone is a no-op (NOOP keep-alive)
                        body, self._message = self._message, bytearray()
                        yield _unpack(body, hooks)
                    continue
                if size_of_all - at - 2 < size:
                    break
                self._message += pending[at + 2 : at + 2 + size]
                at += 2 + size
        finally:
            del pending[:at]


def _unpack(body: bytearray, hooks: dict[type, Any] | None) -> Message:
    # The message's own structure header (a tiny structure: marker 0xB0 + field count, then its tag),
    # then its fields, each a value: the hooks are for values, not for the message.
    if len(body) < 2 or body[0] & 0xF0 != 0xB0:
        raise ValueError(f"a Bolt message must be a structure, got marker {body[0]:02X}")
    size, tag = body[0] & 0x0F, bytes(body[1:2])
    if _unpack_value is not None:
        fields, at = [], 2
        for _ in range(size):
            value, at = _unpack_value(body, at, hooks)
            fields.append(value)
        return tag, fields
    source = UnpackableBuffer()
    source.data, source.used, source.p = body, len(body), 2  # read in place: the message is ours alone
    unpacker = Unpacker(source)
    return tag, [unpacker.unpack(hooks) for _ in range(size)]
