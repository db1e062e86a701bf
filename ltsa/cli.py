"""``ltsa``: the Satu Atap command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(
    name="ltsa",
    help="Satu Atap: one picture of every migrant worker across government silos.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
graph_app = typer.Typer(help="The Neo4j graph: schema and loading.", no_args_is_help=True)
app.add_typer(graph_app, name="graph")
console = Console(stderr=True)


@graph_app.command("init")
def graph_init() -> None:
    """Create the graph's constraints and indexes (idempotent).

    Example: NEO4J_URI=bolt://localhost:7687 ltsa graph init
    """
    from graph.connection import connect
    from graph.schema import apply_schema, describe_schema

    from .neo4j_runtime import neo4j_settings

    with neo4j_settings() as settings:
        driver = connect(settings)
        try:
            apply_schema(driver, settings.database)
            for kind, name in describe_schema(driver, settings.database):
                console.print(f"{kind:10} {name}")
        finally:
            driver.close()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the gateway against NEO4J_URI (or a local Neo4j started for the purpose).

    Example: ltsa serve --port 8000
    """
    from .demo import serve_gateway

    serve_gateway(host=host, port=port)


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    data_dir: Annotated[Path | None, typer.Option(help="Local Neo4j data folder.")] = None,
) -> None:
    """Run the main job on the embedded default: local Neo4j, then the gateway.

    Example: ltsa demo
    """
    from .demo import run_demo

    run_demo(host=host, port=port, data_dir=data_dir)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
