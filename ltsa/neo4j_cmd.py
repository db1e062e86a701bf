"""``ltsa neo4j start|stop|status``: a local embedded Neo4j that outlives the command that started it.

``graph.local_server.LocalNeo4j`` ties its server to the parent process (the launcher watches its stdin),
which suits tests and ``ltsa demo``. A developer who wants one Neo4j for a whole working session needs the
opposite: a detached server in its own session, without the stdin watch, found again later through a
state file. The state file and the server's log sit beside the data folder (``var/neo4j`` →
``var/neo4j.json`` and ``var/neo4j.log``), so one data folder has exactly one server.

``backup`` and ``restore`` (``ltsa.backup``) work offline on the stopped store.

Exit codes: 0 ok, 1 not running (``status``) or the server failed to come up, 2 usage/configuration error
or a refused backup/restore (server running, store not empty, archive exists), 4 archive rejected
(unreadable, damaged, or from a Neo4j version this launcher cannot open).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from graph.local_server import (
    ERROR_PREFIX,
    READY_PREFIX,
    LocalNeo4j,
    LocalNeo4jError,
    default_data_dir,
    free_port,
)
from graph.local_store import StoreInUse

from .backup import ArchiveRejected, BackupError, create_backup, restore_backup

NOT_RUNNING = 1
CONFIG_ERROR = 2
ARCHIVE_REJECTED = 4
PORT_IN_USE_STATUS = 3  # the launcher's own exit status when its Bolt port is taken

neo4j_app = typer.Typer(help="A local embedded Neo4j running in the background.", no_args_is_help=True)
console = Console(stderr=True)

DataDirOption = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data folder (default: LTSA_NEO4J_DATA, else var/neo4j)."),
]


class Neo4jConfigError(LocalNeo4jError):
    """The operator has to fix something first (port taken, Java or Maven missing, the build failed)."""


@dataclass(frozen=True)
class ServerState:
    """What ``start`` records so that ``status`` and ``stop`` find the server again."""

    pid: int
    uri: str
    data_dir: str
    log: str


def state_path(data_dir: Path) -> Path:
    return data_dir.with_name(data_dir.name + ".json")


def log_path(data_dir: Path) -> Path:
    return data_dir.with_name(data_dir.name + ".log")


def read_state(data_dir: Path) -> ServerState | None:
    """The recorded server, or None when nothing was recorded (a corrupt file counts as nothing)."""
    try:
        raw = json.loads(state_path(data_dir).read_text(encoding="utf-8"))
        return ServerState(pid=int(raw["pid"]), uri=str(raw["uri"]), data_dir=raw["data_dir"], log=raw["log"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_state(data_dir: Path, state: ServerState) -> None:
    # Written to a sibling then renamed, so a reader never sees half a file.
    target = state_path(data_dir)
    partial = target.with_name(target.name + ".tmp")
    partial.write_text(json.dumps(asdict(state), indent=2) + "\n", encoding="utf-8")
    partial.replace(target)


def is_alive(state: ServerState) -> bool:
    """True when the recorded pid is a live launcher for this data folder (not a recycled pid)."""
    proc = Path("/proc") / str(state.pid)
    if not Path("/proc/self").exists():  # no procfs (macOS): existence of the pid is all we can check
        try:
            os.kill(state.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass  # alive, but another user's
        return True
    try:
        cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        process_state = (proc / "stat").read_text().split(") ", 1)[1][0]
    except (OSError, IndexError):
        return False
    return process_state != "Z" and f"-Dneo4j.data={state.data_dir}" in cmdline


def running_server(data_dir: Path) -> ServerState | None:
    state = read_state(data_dir)
    return state if state is not None and is_alive(state) else None


def _wait_until_ready(proc: subprocess.Popen[bytes], log: Path, timeout: float) -> str:
    """The Bolt URI once the launcher says it is ready; ``LocalNeo4jError`` if it exits or stalls."""
    deadline = time.monotonic() + timeout
    while True:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        for line in lines:
            if line.startswith(READY_PREFIX):
                return line[len(READY_PREFIX) :].split()[0]
        if proc.poll() is not None:
            reasons = [line[len(ERROR_PREFIX) :] for line in lines if line.startswith(ERROR_PREFIX)]
            detail = reasons[0] if reasons else "\n".join(lines[-20:])
            failure = Neo4jConfigError if proc.returncode == PORT_IN_USE_STATUS else LocalNeo4jError
            raise failure(f"Neo4j exited with status {proc.returncode}: {detail}")
        if time.monotonic() > deadline:
            raise LocalNeo4jError(f"Neo4j did not become ready within {timeout:.0f} s; see {log}")
        time.sleep(0.2)


def start_detached(server: LocalNeo4j, timeout: float = 180.0) -> ServerState:
    """Start the launcher in its own session, without the stdin watch, and record it once Bolt is up."""
    try:
        command = server.command(server.port or free_port(server.host), watch_stdin=False)
    except LocalNeo4jError as error:  # the launcher could not be built: nothing was started
        raise Neo4jConfigError(str(error)) from error
    server.data_dir.mkdir(parents=True, exist_ok=True)
    log = log_path(server.data_dir)
    try:
        with log.open("wb") as log_file:
            proc = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # survives the terminal and this command; `ltsa neo4j stop` ends it
            )
    except OSError as error:
        raise Neo4jConfigError(f"cannot run {command[0]}: {error}. Install Java 17+.") from error
    try:
        uri = _wait_until_ready(proc, log, timeout)
    except BaseException:  # also Ctrl-C while waiting: never leave an unrecorded server behind
        if proc.poll() is None:
            proc.terminate()
            proc.wait(60)
        raise
    state = ServerState(pid=proc.pid, uri=uri, data_dir=str(server.data_dir), log=str(log))
    _write_state(server.data_dir, state)
    return state


def stop_server(state: ServerState, timeout: float = 60.0) -> bool:
    """SIGTERM (the launcher closes the store cleanly) and wait; SIGKILL only after ``timeout``.

    Returns True for a clean stop, False when it had to be killed.
    """
    try:
        os.kill(state.pid, signal.SIGTERM)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + timeout
    while is_alive(state):
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):  # it may exit on its own meanwhile
                os.kill(state.pid, signal.SIGKILL)
            while is_alive(state):
                time.sleep(0.1)
            return False
        time.sleep(0.2)
    return True


def _resolve(data_dir: Path | None) -> Path:
    path = (data_dir or default_data_dir()).expanduser().resolve()
    if path.exists() and not path.is_dir():
        console.print(f"error: data folder {path} is a file", markup=False, highlight=False)
        raise typer.Exit(CONFIG_ERROR)
    return path


@neo4j_app.command("start")
def start(
    data_dir: DataDirOption = None,
    port: Annotated[int, typer.Option(min=0, max=65535, help="Bolt port; 0 picks a free one.")] = 7687,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    heap: Annotated[str, typer.Option(help="Java heap limit (-Xmx).")] = "1g",
    page_cache_mib: Annotated[int, typer.Option(min=8, help="Page cache in MiB.")] = 256,
) -> None:
    """Start a local Neo4j in the background and print `export NEO4J_URI=…` (idempotent).

    Example: eval "$(ltsa neo4j start)"
    """
    folder = _resolve(data_dir)
    state = running_server(folder)
    if state is None:
        server = LocalNeo4j(data_dir=folder, port=port, host=host, heap=heap, page_cache_mib=page_cache_mib)
        try:
            state = start_detached(server)
        except LocalNeo4jError as error:
            console.print(f"error: {error}", markup=False, highlight=False)
            raise typer.Exit(CONFIG_ERROR if isinstance(error, Neo4jConfigError) else NOT_RUNNING) from None
        console.print(f"Neo4j running at {state.uri} (pid {state.pid}, data {folder})", highlight=False)
    else:
        console.print(f"Neo4j already running at {state.uri} (pid {state.pid})", highlight=False)
    # Only the export goes to stdout, so `eval "$(ltsa neo4j start)"` sets it in the caller's shell.
    print(f"export NEO4J_URI={state.uri}")


@neo4j_app.command("status")
def status(
    data_dir: DataDirOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
) -> None:
    """Say whether the local Neo4j runs (exit 0) or not (exit 1).

    Example: ltsa neo4j status --json
    """
    folder = _resolve(data_dir)
    state = running_server(folder)
    if json_output:
        report: dict[str, object] = {"status": "running" if state else "stopped", "data_dir": str(folder)}
        if state is not None:
            report.update(uri=state.uri, pid=state.pid, log=state.log)
        print(json.dumps(report, indent=2))
    elif state is not None:
        print(f"running  {state.uri}  pid {state.pid}  data {folder}")
    else:
        print(f"stopped  data {folder}")
    if state is None:
        raise typer.Exit(NOT_RUNNING)


@neo4j_app.command("stop")
def stop(
    data_dir: DataDirOption = None,
    timeout: Annotated[float, typer.Option(min=1, help="Seconds to wait before SIGKILL.")] = 60.0,
) -> None:
    """Stop the local Neo4j cleanly (SIGTERM, wait for the store to close); no-op when stopped.

    Example: ltsa neo4j stop
    """
    folder = _resolve(data_dir)
    state = read_state(folder)
    if state is not None and is_alive(state):
        clean = stop_server(state, timeout)
        message = "stopped" if clean else f"did not stop within {timeout:.0f} s; killed"
        console.print(f"Neo4j (pid {state.pid}) {message}", highlight=False)
    else:
        console.print("Neo4j was not running", highlight=False)
    state_path(folder).unlink(missing_ok=True)


def _refuse_if_running(folder: Path) -> None:
    state = running_server(folder)
    if state is not None:
        console.print(
            f"error: Neo4j is running at {state.uri} (pid {state.pid}) on {folder}; run `ltsa neo4j stop` "
            "first (Neo4j Community has no online backup)",
            markup=False,
            highlight=False,
        )
        raise typer.Exit(CONFIG_ERROR)


def _fail(error: BackupError | StoreInUse) -> typer.Exit:
    console.print(f"error: {error}", markup=False, highlight=False)
    return typer.Exit(ARCHIVE_REJECTED if isinstance(error, ArchiveRejected) else CONFIG_ERROR)


@neo4j_app.command("backup")
def backup(
    to: Annotated[Path, typer.Option("--to", help="Archive to write (.tar.gz); must not exist yet.")],
    data_dir: DataDirOption = None,
    counts: Annotated[
        bool, typer.Option(help="Open the store briefly to record node/relationship counts.")
    ] = True,
) -> None:
    """Archive the stopped local store with a manifest (version, date, counts, checksums).

    Example: ltsa neo4j stop && ltsa neo4j backup --to backups/neo4j-$(date +%F).tar.gz
    """
    folder = _resolve(data_dir)
    _refuse_if_running(folder)
    try:
        manifest = create_backup(folder, to.expanduser().resolve(), counts=counts)
    except (BackupError, StoreInUse) as error:
        raise _fail(error) from None
    counted = (
        "" if manifest.nodes is None else f", {manifest.nodes} nodes, {manifest.relationships} relationships"
    )
    console.print(
        f"backed up {folder} to {to} (Neo4j {manifest.neo4j_version}, {len(manifest.files)} files{counted}); "
        f"checksum {manifest.checksum}",
        highlight=False,
    )


@neo4j_app.command("restore")
def restore(
    from_: Annotated[Path, typer.Option("--from", help="Archive written by `ltsa neo4j backup`.")],
    data_dir: DataDirOption = None,
    force: Annotated[
        bool,
        typer.Option(help="Replace an existing store (moved aside to data.replaced-<time>, not deleted)."),
    ] = False,
) -> None:
    """Restore the local store from a backup after verifying its checksums and Neo4j version.

    Example: ltsa neo4j stop && ltsa neo4j restore --from backups/neo4j-2026-11-28.tar.gz --force
    """
    folder = _resolve(data_dir)
    _refuse_if_running(folder)
    try:
        result = restore_backup(from_.expanduser().resolve(), folder, force=force)
    except (BackupError, StoreInUse) as error:
        raise _fail(error) from None
    manifest = result.manifest
    counted = (
        ""
        if manifest.nodes is None
        else f"; expect {manifest.nodes} nodes, {manifest.relationships} relationships"
    )
    console.print(
        f"restored {folder} from {from_} "
        f"(written {manifest.created}, Neo4j {manifest.neo4j_version}{counted})",
        highlight=False,
    )
    if result.replaced is not None:
        console.print(
            f"the previous store is kept in {result.replaced}; delete it when satisfied", highlight=False
        )
