"""The embedded Neo4j's store on disk: where it lives, whether a server holds it, what it counts.

Shared by the offline tools that must not touch a store a server is using: backup and restore
(``ltsa.backup``) and the bulk importer (``graph.bulk_import``).
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from neo4j import GraphDatabase

from .local_server import LocalNeo4j, LocalNeo4jError

STORE_DIR: Final = "data"  # under the data folder; the server's logs/ are not part of the store
STORE_LOCK: Final = Path(STORE_DIR, "databases", "store_lock")


class StoreInUse(RuntimeError):
    """A Neo4j server holds the store: stop it first (Community edition has no online backup or import)."""


def store_has_files(data_dir: Path) -> bool:
    """True once a server has created a store here (empty folders alone hold nothing to keep)."""
    store = data_dir / STORE_DIR
    return store.is_dir() and any(p.is_file() for p in store.rglob("*"))


@contextlib.contextmanager
def store_locked(data_dir: Path) -> Iterator[None]:
    """Hold Neo4j's store lock, or raise ``StoreInUse`` when a server (any process) holds it."""
    lock_path = data_dir / STORE_LOCK
    if not lock_path.exists():  # no store yet: nothing can hold it
        yield
        return
    with lock_path.open("r+b") as lock_file:
        try:
            fcntl.lockf(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            raise StoreInUse(
                f"a Neo4j server is using {data_dir}: stop it first (`ltsa neo4j stop`); "
                "Neo4j Community has no online backup"
            ) from error
        try:
            yield
        finally:
            fcntl.lockf(lock_file, fcntl.LOCK_UN)


def count_store(data_dir: Path) -> tuple[int, int]:
    """Node and relationship counts, read by opening the store briefly on a private loopback port.

    Neo4j keeps both counts in its count store, so the queries are instant; the cost is one server
    start. Opening the store also proves it opens (and recovers it after an unclean stop) before it
    is archived.
    """
    server = LocalNeo4j(data_dir=data_dir)
    try:
        server.start()
        with GraphDatabase.driver(server.uri) as driver:
            records, _, _ = driver.execute_query(
                "CALL () { MATCH (n) RETURN count(n) AS nodes } "
                "CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships } "
                "RETURN nodes, relationships"
            )
        return int(records[0]["nodes"]), int(records[0]["relationships"])
    except LocalNeo4jError as error:
        raise StoreInUse(f"cannot open the store in {data_dir} to count it: {error}") from error
    finally:
        server.stop()
