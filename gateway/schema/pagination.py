"""Relay-style connections: opaque cursors, ``first`` capped at ``MAX_PAGE``, a clear error otherwise.

A cursor encodes the position in a stable order (each query orders by its ranking, then by the node
key), so ``after`` continues where the previous page ended for as long as the data does not change.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

import strawberry
from graphql import GraphQLError

MAX_PAGE: Final = 100
DEFAULT_PAGE: Final = 20
_PREFIX: Final = "position:"

NodeT = TypeVar("NodeT")


@strawberry.federation.type(shareable=True, description="Where a page is in its list.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Items in the whole list, not only this page.")


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{position}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not text.startswith(_PREFIX):
            raise ValueError(text)
        position = int(text[len(_PREFIX) :])
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise GraphQLError(f"`after` is not a cursor returned by this API: {cursor!r}") from exc
    if position < 0:
        raise GraphQLError(f"`after` is not a cursor returned by this API: {cursor!r}")
    return position


@dataclass(frozen=True)
class PageRequest:
    """Where a page starts (``skip``) and how many items it has (``limit``)."""

    skip: int
    limit: int

    @classmethod
    def of(cls, first: int | None, after: str | None) -> PageRequest:
        limit = DEFAULT_PAGE if first is None else first
        if not 1 <= limit <= MAX_PAGE:
            raise GraphQLError(f"`first` must be between 1 and {MAX_PAGE}, got {limit}")
        return cls(skip=0 if after is None else decode_cursor(after) + 1, limit=limit)


def connection(nodes: list[NodeT], total: int, page: PageRequest) -> Connection[NodeT]:
    edges = [Edge(cursor=encode_cursor(page.skip + i), node=node) for i, node in enumerate(nodes)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.skip + len(nodes) < total,
            has_previous_page=page.skip > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )
