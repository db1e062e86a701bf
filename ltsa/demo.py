"""The main job on the embedded default: ingest → link → load → serve, then wait for Ctrl-C.

Neo4j is ``NEO4J_URI`` when set, else a local embedded server in ``var/neo4j``. The data is the bundled
sample (``data/sample``) or, with ``--people N``, silos generated for the purpose. Reruns reuse the work
folder, so person IDs stay stable and steward decisions made in the pages carry over.
"""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
import signal
import threading
from pathlib import Path

import uvicorn
from rich.console import Console
from rich.table import Table

from gateway.app import create_app
from gateway.auth.dev_tokens import mint_token
from gateway.auth.principal import Role
from gateway.http_protocol import WholeResponses
from graph.connection import Neo4jSettings, connect
from graph.schema import apply_schema
from linkage.synth import generate

from .neo4j_runtime import neo4j_settings
from .pipeline import PipelineSummary, run_pipeline
from .stack import Stack, running_stack

console = Console(stderr=True)
PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_MANIFEST = PROJECT_ROOT / "data" / "sample" / "manifest.toml"
DEFAULT_WORK_DIR = PROJECT_ROOT / "var" / "demo"
DEV_TOKEN_TTL_S = 12 * 3600


def _schema_ready(settings: Neo4jSettings) -> None:
    driver = connect(settings)
    try:
        apply_schema(driver, settings.database)
    finally:
        driver.close()


def serve_gateway(host: str, port: int) -> None:
    """The subgraph(s) named in ``LTSA_SUBGRAPH`` over NEO4J_URI or a local Neo4j; the schema is applied
    first."""
    with neo4j_settings() as settings:
        _schema_ready(settings)
        console.print(f"[bold green]Satu Atap[/] gateway on http://{host}:{port}  (health: /healthz)")
        console.print(f"Neo4j: {settings.uri}")
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", http=WholeResponses)


def _dev_secret(work_dir: Path) -> str:
    """LTSA_JWT_SECRET, or one kept in the work folder so tokens printed earlier stay valid."""
    configured = os.environ.get("LTSA_JWT_SECRET", "")
    if configured:
        return configured
    path = work_dir / "dev-jwt-secret"
    if not path.exists():
        work_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _manifest(people: int | None, seed: int, work_dir: Path) -> Path:
    if people is None:
        return SAMPLE_MANIFEST
    silos = work_dir / f"silos-{people}-{seed}"
    if not (silos / "manifest.toml").exists():
        console.rule(f"[bold]generating silos for {people:,} people")
        generate(people, seed, silos)
    return silos / "manifest.toml"


def _summary_table(summary: PipelineSummary) -> Table:
    table = Table(title="Satu Atap — demo run", show_header=False)
    for source, count in summary.records_per_source.items():
        table.add_row(f"records from {source}", f"{count:,}")
    table.add_row("quarantined rows", f"{summary.quarantined:,}")
    table.add_row("source records in the graph", f"{summary.source_records:,}")
    table.add_row("persons resolved", f"{summary.persons:,}")
    table.add_row("auto-matched pairs", f"{summary.auto_matched_pairs:,}")
    table.add_row("pairs waiting for review", f"{summary.review_pairs:,}")
    return table


def _print_addresses(stack: Stack, secret: str) -> None:
    table = Table(title="Open", show_header=False)
    table.add_row("GraphQL (router, both subgraphs)", stack.graphql)
    for page in ("review", "explore", "coverage", "login"):
        table.add_row(f"/{page}", f"{stack.pages}/{page}")
    console.print(table)
    # Printed whole, one per line, so they can be pasted into /login or an Authorization header.
    console.print(f"[bold]Development tokens[/] (valid {DEV_TOKEN_TTL_S // 3600} h):")
    for role in Role:
        token = mint_token(secret, f"demo-{role.value}", role, DEV_TOKEN_TTL_S)
        console.print(f"{role.value:>12}  {token}", soft_wrap=True, highlight=False)
    console.print("Ctrl-C stops everything, the Neo4j child included.")


def run_demo(
    host: str,
    port: int,
    data_dir: Path | None,
    people: int | None = None,
    seed: int = 7,
    work_dir: Path | None = None,
    serve: bool = True,
) -> PipelineSummary:
    """Run the pipeline on the embedded default; serve until interrupted unless ``serve`` is False."""
    work_dir = work_dir or DEFAULT_WORK_DIR
    if host not in ("127.0.0.1", "localhost"):
        console.print("[yellow]the demo stack listens on 127.0.0.1 only[/]")
    manifest = _manifest(people, seed, work_dir)
    with neo4j_settings(data_dir) as settings:
        _schema_ready(settings)
        driver = connect(settings)
        try:
            summary = run_pipeline(manifest, work_dir, driver, settings.database)
        finally:
            driver.close()
        console.print(_summary_table(summary))
        if not serve:
            return summary
        secret = _dev_secret(work_dir)
        env = {"LTSA_JWT_SECRET": secret, "LTSA_DEV_LOGIN": "1"}
        with running_stack(settings.uri, work_dir, env, pages_port=port) as stack:
            # Where everything runs, for scripts and tests (no secrets: tokens are printed only).
            addresses = {"neo4j": settings.uri, **dataclasses.asdict(stack)}
            (work_dir / "stack.json").write_text(json.dumps(addresses, indent=2))
            _print_addresses(stack, secret)
            _wait_for_interrupt()
    return summary


def _wait_for_interrupt() -> None:
    """Block until SIGINT or SIGTERM; the context managers above then stop every child."""
    stopped = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopped.set())
    stopped.wait()
