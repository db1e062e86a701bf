"""Local Neo4j without Docker: build the embedded launcher once, run it as a child process.

The launcher lives in ``deploy/neo4j-local`` (a small Maven project). It is built once into
``deploy/neo4j-local/target`` (jar + lib/, so later runs are offline) and started on a free loopback
port, mapping a class-data-sharing archive trained once per build (``graph.jvm_archive``) when it can.
The child is tied to us: it is stopped on ``stop()``, at interpreter exit, and — because it watches
its stdin — also when we die without cleaning up (SIGKILL), so no orphaned Java is left.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .jvm_archive import ensure_archive, java_runtime

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LAUNCHER_DIR = PROJECT_ROOT / "deploy" / "neo4j-local"
LAUNCHER_JAR = LAUNCHER_DIR / "target" / "neo4j-local.jar"
LAUNCHER_ARCHIVE = LAUNCHER_DIR / "target" / "neo4j-local.jsa"
READY_PREFIX = "NEO4J_READY "
ERROR_PREFIX = "NEO4J_ERROR "


class LocalNeo4jError(RuntimeError):
    """The local Neo4j could not be built or started; the message says why."""


def require_tools() -> None:
    """Say clearly which prerequisite is missing instead of failing deep inside a build."""
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        raise LocalNeo4jError(
            f"missing prerequisite(s): {', '.join(missing)}. Install Java 17+ and Maven "
            "(Debian: apt-get install openjdk-17-jdk-headless maven)."
        )


def _sources_newer_than_jar() -> bool:
    if not LAUNCHER_JAR.exists():
        return True
    built = LAUNCHER_JAR.stat().st_mtime
    inputs = [LAUNCHER_DIR / "pom.xml", *(LAUNCHER_DIR / "src").rglob("*.java")]
    return any(p.stat().st_mtime > built for p in inputs)


def build_launcher(*, quiet: bool = True) -> Path:
    """Build the launcher jar if it is missing or stale; return its path."""
    if not _sources_newer_than_jar():
        return LAUNCHER_JAR
    require_tools()
    cmd = ["mvn", "-B", "package", "-DskipTests"]
    if quiet:
        cmd.insert(1, "-q")
    result = subprocess.run(cmd, cwd=LAUNCHER_DIR, capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-25:])
        raise LocalNeo4jError(f"building {LAUNCHER_DIR} with Maven failed:\n{tail}")
    return LAUNCHER_JAR


def launcher_inputs() -> list[Path]:
    """What a launcher archive is only valid for: the jar, the jars it loads, the JDK."""
    return [LAUNCHER_JAR, *(LAUNCHER_DIR / "target" / "lib").glob("*.jar"), *java_runtime()]


def launcher_archive(archive: Path = LAUNCHER_ARCHIVE) -> Path | None:
    """The launcher's class-data-sharing archive, trained now (one start and stop, ~15 s) if it is
    missing or older than the jars; ``None`` when that failed (logged once), so start without it."""
    build_launcher()
    return ensure_archive(archive, launcher_inputs(), _train_launcher)


def _train_launcher(dump_to: Path) -> None:
    # An empty store exercises the whole start; the JVM writes the archive at its normal exit.
    with tempfile.TemporaryDirectory(prefix="satu-atap-cds-") as data:
        server = LocalNeo4j(
            data_dir=Path(data),
            class_archive=None,
            jvm_options=(f"-XX:ArchiveClassesAtExit={dump_to}", "-Xlog:cds*=error"),
        )
        server.start()
        server.stop(timeout=300)  # writing the ~100 MB archive follows the shutdown
        status = server.process.returncode if server.process else None
        if status != 128 + signal.SIGTERM:  # Java's exit status after SIGTERM and its shutdown hooks
            raise LocalNeo4jError(f"training run exited with status {status}\n{server._tail()}")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass
class LocalNeo4j:
    """A running embedded Neo4j child process."""

    data_dir: Path
    port: int = 0
    host: str = "127.0.0.1"
    password: str = ""
    page_cache_mib: int = 64
    heap: str = "768m"
    tx_timeout_s: int = 0
    class_archive: Path | None = LAUNCHER_ARCHIVE  # None: start without class-data sharing
    jvm_options: tuple[str, ...] = ()
    process: subprocess.Popen[str] | None = field(default=None, repr=False)
    uri: str = ""
    _log: list[str] = field(default_factory=list, repr=False)

    def command(self, port: int, *, watch_stdin: bool = True) -> list[str]:
        """The launcher's command line (builds the jar and its archive if needed); ``watch_stdin`` ties
        it to its parent."""
        jar = build_launcher()
        archive = launcher_archive(self.class_archive) if self.class_archive else None
        return [
            "java",
            f"-Xmx{self.heap}",
            "-XX:+UseSerialGC",
            *([f"-XX:SharedArchiveFile={archive}"] if archive else []),
            *self.jvm_options,
            f"-Dneo4j.watch_stdin={str(watch_stdin).lower()}",
            f"-Dneo4j.data={self.data_dir}",
            f"-Dneo4j.host={self.host}",
            f"-Dneo4j.port={port}",
            f"-Dneo4j.password={self.password}",
            f"-Dneo4j.pagecache={self.page_cache_mib}",
            f"-Dneo4j.txtimeout={self.tx_timeout_s}",
            "-jar",
            str(jar),
        ]

    def start(self, timeout: float = 120.0) -> str:
        """Start the server and wait until Bolt accepts connections; return the Bolt URI."""
        cmd = self.command(self.port or free_port(self.host))
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,  # closed when we die: the launcher then shuts down
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # Ctrl-C in a terminal reaches us; we stop the child ourselves
        )
        atexit.register(self.stop)
        ready = threading.Event()
        threading.Thread(target=self._pump, args=(ready,), daemon=True).start()
        deadline = time.monotonic() + timeout
        while not ready.wait(0.2):
            if self.process.poll() is not None:
                raise LocalNeo4jError(self._failure_message())
            if time.monotonic() > deadline:
                self.stop()
                raise LocalNeo4jError(f"Neo4j did not become ready within {timeout:.0f} s\n{self._tail()}")
        return self.uri

    def _pump(self, ready: threading.Event) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            line = line.rstrip("\n")
            self._log.append(line)
            del self._log[:-200]
            if line.startswith(READY_PREFIX):
                self.uri = line[len(READY_PREFIX) :].split()[0]
                ready.set()

    def _tail(self) -> str:
        return "\n".join(self._log[-20:])

    def _failure_message(self) -> str:
        time.sleep(0.2)  # let the pump thread read the last lines
        for line in self._log:
            if line.startswith(ERROR_PREFIX):
                return line[len(ERROR_PREFIX) :]
        return f"Neo4j exited with status {self.process.returncode if self.process else '?'}\n{self._tail()}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 60.0) -> None:
        """Stop cleanly (SIGTERM → store closed); SIGKILL only if it does not stop in time."""
        proc = self.process
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def default_data_dir() -> Path:
    return Path(os.environ.get("LTSA_NEO4J_DATA", PROJECT_ROOT / "var" / "neo4j"))
