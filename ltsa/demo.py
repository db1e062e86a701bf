"""The main job on the embedded default. Grows step by step into ingest → link → load → serve."""

from __future__ import annotations

from pathlib import Path

import uvicorn
from rich.console import Console

from gateway.app import create_app
from graph.connection import Neo4jSettings, connect
from graph.schema import apply_schema

from .neo4j_runtime import neo4j_settings

console = Console(stderr=True)


def _serve(settings: Neo4jSettings, host: str, port: int) -> None:
    driver = connect(settings)
    try:
        apply_schema(driver, settings.database)
    finally:
        driver.close()
    console.print(f"[bold green]Satu Atap[/] gateway on http://{host}:{port}  (health: /healthz)")
    console.print(f"Neo4j: {settings.uri}")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


def serve_gateway(host: str, port: int) -> None:
    with neo4j_settings() as settings:
        _serve(settings, host, port)


def run_demo(host: str, port: int, data_dir: Path | None) -> None:
    with neo4j_settings(data_dir) as settings:
        _serve(settings, host, port)
