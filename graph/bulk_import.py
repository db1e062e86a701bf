"""First load of a national-scale graph with Neo4j's offline importer (``neo4j-admin database import full``).

The MERGE loader (``graph.load``) pays several statements per source record; the importer writes the
store files directly. The price: it is offline and replaces the whole database, so it is for the first
load (or a full rebuild) only. Afterwards the graph is exactly what ``load_linked`` would have left on
an empty database — same nodes, properties, types, ``loadRun`` stamps and a ``(:LoadRun)`` marked
``complete`` — so later incremental loads use the MERGE loader as usual.

Steps: the linked frames as arrow columns → ``graph.bulk_frames`` (each loader step's result built
column-wise, with the MERGE semantics ``graph.bulk_image`` replays row by row) → typed CSV written by
``graph.bulk_columns`` as each step finishes → the importer, run from the launcher's own jars
(``org.neo4j.cli.AdminTool``, the class the ``neo4j-admin`` script starts) with ``NEO4J_HOME`` = the
local data folder, the home the embedded server uses → start the server, apply the schema and wait
for every index to be online.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Final

from .bulk_csv import ImportFiles
from .bulk_frame_tools import read_linked_columns
from .bulk_frames import build_columns
from .connection import Neo4jSettings, connect
from .jvm_archive import ensure_archive, java_runtime
from .linked_input import REGIONS_FILE, LinkedOutput
from .local_server import LAUNCHER_DIR, LocalNeo4j, build_launcher
from .local_store import StoreInUse, count_store, store_locked
from .schema import apply_schema

DATABASE: Final = "neo4j"  # Community serves one user database, the default one
IMPORTER_CLASS: Final = "org.neo4j.cli.AdminTool"
CONTAINER_FOLDER: Final = PurePosixPath("/import")
ASIDE_DIR: Final = "replaced-by-bulk-import"  # beside data/, holds the old database during an import
IMPORTER_LIB: Final = LAUNCHER_DIR / "target" / "lib"
IMPORTER_ARCHIVE: Final = LAUNCHER_DIR / "target" / "neo4j-import.jsa"


class BulkImportError(RuntimeError):
    """The bulk load was refused or the importer failed; the message says why and what to do."""


@dataclass
class BulkLoadReport:
    """Like ``graph.load.LoadReport``, plus where the time went; ``seconds`` covers everything from
    reading the linked folder to the last index online."""

    run_id: str
    source_records: int
    persons: int
    rows_per_step: dict[str, int] = field(default_factory=dict)
    nodes: int = 0
    relationships: int = 0
    replaced_database: bool = False
    csv_seconds: float = 0.0  # reading, checking the store, building and writing the CSV
    import_seconds: float = 0.0
    start_seconds: float = 0.0
    schema_seconds: float = 0.0
    seconds: float = 0.0
    uri: str = ""  # Bolt URI of the server when it was left running

    @property
    def records_per_second(self) -> float:
        return self.source_records / self.seconds if self.seconds else 0.0


def write_bulk_csv(
    linked_dir: Path, folder: Path, *, regions_file: Path = REGIONS_FILE
) -> tuple[ImportFiles, BulkLoadReport]:
    """Write the importer's CSV files for ``linked_dir`` into ``folder`` (also the remote-server path)."""
    started_at = dt.datetime.now(dt.UTC)
    # A bad folder fails here, before anything is written.
    linked = read_linked_columns(linked_dir, regions_file)
    return _write_linked(linked, linked_dir, folder, started_at)


def _write_linked(
    linked: LinkedOutput, linked_dir: Path, folder: Path, started_at: dt.datetime
) -> tuple[ImportFiles, BulkLoadReport]:
    report = BulkLoadReport(
        run_id=linked.run_id, source_records=len(linked.records), persons=len(linked.persons)
    )
    graph = build_columns(linked, folder)
    report.rows_per_step = graph.rows_per_step
    load_run = {  # what FINISH_RUN leaves on the manifest node of a completed MERGE load
        "runId": linked.run_id,
        "status": "complete",
        "startedAt": started_at,
        "completedAt": dt.datetime.now(dt.UTC),
        "source": str(linked_dir),
        "progress": "{}",
    }
    files = graph.close(load_run)
    report.nodes, report.relationships = files.node_count, files.relationship_count
    return files, report


def container_command(files: ImportFiles, *, overwrite: bool = False) -> list[str]:
    """The importer command for the official image with ``files.folder`` mounted at ``/import``."""
    return ["neo4j-admin", *_import_full(overwrite), *files.importer_arguments(CONTAINER_FOLDER)]


def _import_full(overwrite: bool) -> list[str]:
    # The database name goes before the options: --nodes/--relationships take every later word as a file.
    return ["database", "import", "full", DATABASE, f"--overwrite-destination={str(overwrite).lower()}"]


def importer_command(
    files: ImportFiles,
    *,
    overwrite: bool,
    heap: str,
    memory: str,
    class_archive: Path | None = IMPORTER_ARCHIVE,
    jvm_options: Sequence[str] = (),
) -> list[str]:
    """``neo4j-admin database import full`` from the launcher's jars (built if needed), with its
    class-data-sharing archive (trained if needed) unless ``class_archive`` is None."""
    build_launcher()
    archive = importer_archive(class_archive) if class_archive else None
    return [
        "java",
        f"-Xmx{heap}",
        *([f"-XX:SharedArchiveFile={archive}"] if archive else []),
        *jvm_options,
        "-cp",
        str(IMPORTER_LIB / "*"),  # Java expands the wildcard itself
        IMPORTER_CLASS,
        *_import_full(overwrite),
        f"--max-off-heap-memory={memory}",  # default 90% of free RAM: too greedy on a shared machine
        f"--report-file={files.folder / 'import.report'}",  # default: import.report in the cwd
        *files.importer_arguments(),
    ]


def importer_archive(archive: Path = IMPORTER_ARCHIVE) -> Path | None:
    """The importer's class-data-sharing archive, trained now (one tiny import, a few seconds) if it
    is missing or older than the jars; ``None`` when that failed (logged once)."""
    build_launcher()
    inputs = [*IMPORTER_LIB.glob("*.jar"), *java_runtime()]
    return ensure_archive(archive, inputs, _train_importer)


def tiny_import_files(folder: Path) -> ImportFiles:
    """Two labelled nodes and a relationship in ``folder``: enough to run every importer stage."""
    (folder / "nodes.csv").write_text("id:ID,name,:LABEL\n1,a,Person\n2,b,Person\n")
    (folder / "rels.csv").write_text(":START_ID,:END_ID,:TYPE\n1,2,KNOWS\n")
    return ImportFiles(folder, nodes=[folder / "nodes.csv"], relationships=[folder / "rels.csv"])


def _train_importer(dump_to: Path) -> None:
    # The archive is written when the importer JVM exits.
    with tempfile.TemporaryDirectory(prefix="satu-atap-cds-") as tmp:
        files = tiny_import_files(Path(tmp))
        dump = (f"-XX:ArchiveClassesAtExit={dump_to}", "-Xlog:cds*=error")
        command = importer_command(
            files, overwrite=False, heap="256m", memory="64m", class_archive=None, jvm_options=dump
        )
        run_importer(files, files.folder / "home", command)


def _database_dir(data_dir: Path) -> Path:
    return data_dir / "data" / "databases" / DATABASE


def _check_target(data_dir: Path, overwrite: bool) -> bool:
    """Refuse a running server or a database holding data; True when an existing store is replaced."""
    try:
        with store_locked(data_dir):
            pass
    except StoreInUse as error:
        raise BulkImportError(
            f"a Neo4j server is using {data_dir}: stop it first (`ltsa neo4j stop`); "
            "the importer writes the store files offline"
        ) from error
    if not any(_database_dir(data_dir).glob("neostore*")):
        return False
    if overwrite:
        return True
    nodes, relationships = count_store(data_dir)
    if nodes or relationships:
        raise BulkImportError(
            f"the database in {data_dir} holds {nodes:,} nodes and {relationships:,} relationships; the "
            "importer replaces the whole database: pass --overwrite to do so, or load incrementally "
            "without --bulk"
        )
    return True  # an empty store (a server was started once): replacing it loses nothing


def run_importer(files: ImportFiles, data_dir: Path, command: list[str]) -> None:
    """Run ``command`` (``importer_command`` for ``files``) with ``data_dir`` as its NEO4J_HOME."""
    data_dir.mkdir(parents=True, exist_ok=True)  # NEO4J_HOME must exist
    # Our own config dir, so a NEO4J_CONF of the environment (another installation) is never read.
    conf = files.folder / "conf"
    conf.mkdir(exist_ok=True)
    (conf / "neo4j.conf").write_text(f"server.directories.data={data_dir.resolve() / 'data'}\n")
    env = {**os.environ, "NEO4J_HOME": str(data_dir.resolve()), "NEO4J_CONF": str(conf)}
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).splitlines()
        detail = "\n".join(line for line in output if not line.startswith(".........."))[-3000:]
        raise BulkImportError(f"neo4j-admin database import failed (exit {result.returncode}):\n{detail}")


@contextlib.contextmanager
def _database_set_aside(data_dir: Path, existing: bool) -> Iterator[None]:
    """Move the database (store and transaction logs) aside while the importer writes a new one: it
    comes back if the import fails and is deleted once it succeeded. The importer's own
    ``--overwrite-destination`` deletes first, so a failed import would lose the old graph."""
    parts = [data_dir / "data" / kind / DATABASE for kind in ("databases", "transactions")]
    aside = data_dir / ASIDE_DIR
    if existing:
        if aside.exists():
            raise BulkImportError(
                f"{aside} holds the database an interrupted bulk load set aside; move its folders back "
                f"to {data_dir / 'data'} (databases/, transactions/) or delete it, then retry"
            )
        for part in parts:
            if part.exists():
                (aside / part.parent.name).mkdir(parents=True)
                part.rename(aside / part.parent.name / DATABASE)
    try:
        yield
    except BaseException:
        for part in parts:  # what the failed import left, then the database as it was
            shutil.rmtree(part, ignore_errors=True)
            before = aside / part.parent.name / DATABASE
            if before.exists():
                before.rename(part)
        shutil.rmtree(aside, ignore_errors=True)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def import_files(
    files: ImportFiles, data_dir: Path, *, overwrite: bool = False, heap: str = "1g", memory: str = "1g"
) -> bool:
    """Run the importer on written CSV files into the stopped local store in ``data_dir``.

    Refuses a running server and a database holding data (unless ``overwrite``); if the importer
    fails, the database is as before. Returns whether an existing database was replaced.
    """
    replacing = _check_target(data_dir, overwrite)
    with _database_set_aside(data_dir, replacing):
        run_importer(files, data_dir, importer_command(files, overwrite=False, heap=heap, memory=memory))
    return replacing


def bulk_load(
    linked_dir: Path,
    data_dir: Path,
    *,
    overwrite: bool = False,
    regions_file: Path = REGIONS_FILE,
    csv_dir: Path | None = None,
    heap: str = "1g",
    importer_memory: str = "1g",
    page_cache_mib: int = 256,
    keep_running: bool = False,
) -> tuple[BulkLoadReport, LocalNeo4j | None]:
    """Import ``linked_dir`` into the stopped local store in ``data_dir`` and bring it online.

    Returns the report and, with ``keep_running``, the started server (else it is stopped again).
    ``csv_dir`` keeps the CSV files there; by default they go to a temporary folder, removed after.
    """
    started = time.perf_counter()
    started_at = dt.datetime.now(dt.UTC)
    # A bad folder fails before the store is looked at.
    linked = read_linked_columns(linked_dir, regions_file)
    replacing = _check_target(data_dir, overwrite)  # refuse before spending time on the CSV
    folder = csv_dir or Path(tempfile.mkdtemp(prefix="satu-atap-bulk-"))
    try:
        files, report = _write_linked(linked, linked_dir, folder, started_at)
        del linked  # the rows are in the CSV now; the importer wants the memory
        report.csv_seconds = time.perf_counter() - started
        report.replaced_database = import_files(
            files, data_dir, overwrite=replacing, heap=heap, memory=importer_memory
        )
        report.import_seconds = time.perf_counter() - started - report.csv_seconds
    finally:
        if csv_dir is None:
            shutil.rmtree(folder, ignore_errors=True)
    server = LocalNeo4j(data_dir=data_dir, page_cache_mib=page_cache_mib, heap=heap)
    mark = time.perf_counter()
    report.uri = server.start()
    report.start_seconds = time.perf_counter() - mark
    try:
        driver = connect(Neo4jSettings.from_env(uri=report.uri))
        try:
            mark = time.perf_counter()
            apply_schema(driver, DATABASE)  # constraints, indexes, full-text; waits until all are ONLINE
            report.schema_seconds = time.perf_counter() - mark
        finally:
            driver.close()
    except BaseException:
        server.stop()
        raise
    report.seconds = time.perf_counter() - started
    if not keep_running:
        server.stop()
        report.uri = ""
        return report, None
    return report, server
