"""``ltsa``: the Satu Atap command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .load_cmd import load
from .neo4j_cmd import neo4j_app
from .token_cmd import token

app = typer.Typer(
    name="ltsa",
    help="Satu Atap: one picture of every migrant worker across government silos.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
graph_app = typer.Typer(help="The Neo4j graph: schema and loading.", no_args_is_help=True)
app.add_typer(graph_app, name="graph")
app.add_typer(neo4j_app, name="neo4j")
app.command("token")(token)
app.command("load")(load)
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
    subgraph: Annotated[
        str,
        typer.Option(
            help="Which GraphQL subgraph to serve: registry or linkage, or both in one process "
            "(registry,linkage: each at /<subgraph>/graphql)."
        ),
    ] = "registry",
    log_format: Annotated[
        str | None,
        typer.Option(help="json or text log lines (default: LTSA_LOG_FORMAT; json in production)."),
    ] = None,
    log_level: Annotated[
        str | None, typer.Option(help="DEBUG, INFO, WARNING, … (default: LTSA_LOG_LEVEL, else INFO).")
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes (uvicorn), each with its own Neo4j driver.")
    ] = 1,
) -> None:
    """Serve the gateway against NEO4J_URI (or a local Neo4j started for the purpose).

    Example: ltsa serve --port 8000 --subgraph linkage --log-format json --workers 2
    """
    import os

    from gateway.app import subgraphs_named

    from .demo import serve_gateway

    try:
        subgraphs_named(subgraph)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--subgraph") from exc
    if log_format is not None and log_format not in ("json", "text"):
        raise typer.BadParameter("choose json or text", param_hint="--log-format")
    # Read by gateway.app.create_app (gateway.observability.settings checks the level's name).
    os.environ["LTSA_SUBGRAPH"] = subgraph
    if log_format is not None:
        os.environ["LTSA_LOG_FORMAT"] = log_format
    if log_level is not None:
        os.environ["LTSA_LOG_LEVEL"] = log_level
    if workers > 1:
        _serve_workers(host, port, workers)
        return
    serve_gateway(host=host, port=port)


def _serve_workers(host: str, port: int, workers: int) -> None:
    """``workers`` processes on one port, connections dealt round robin (``gateway.workers``); each
    builds its app from the environment.

    One Python process runs one request's Python at a time; more processes use more cores.
    """
    import os

    from gateway.workers import serve

    from .demo import _schema_ready
    from .neo4j_runtime import neo4j_settings

    with neo4j_settings() as settings:
        _schema_ready(settings)
        os.environ["NEO4J_URI"] = settings.uri  # the workers' create_app reads it (a local server too)
        serve(
            "gateway.app:create_app",
            host=host,
            port=port,
            workers=workers,
            factory=True,
            log_level="warning",
            http="gateway.http_protocol:WholeResponses",  # a response in one send (gateway.http_protocol)
        )


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="Port of the pages server; others get free ports.")] = 8000,
    data_dir: Annotated[Path | None, typer.Option(help="Local Neo4j data folder.")] = None,
    people: Annotated[
        int | None, typer.Option(help="Generate silos for N people instead of the bundled sample.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for --people.")] = 7,
    work_dir: Annotated[Path | None, typer.Option(help="Work folder (default var/demo).")] = None,
    serve: Annotated[bool, typer.Option(help="Serve the API and pages after loading.")] = True,
    json_output: Annotated[bool, typer.Option("--json", help="Print the run summary as JSON.")] = False,
) -> None:
    """Run the main job on the embedded default: ingest → link → load → serve, until Ctrl-C.

    Examples: ltsa demo | ltsa demo --people 100000 | ltsa demo --no-serve --json
    """
    import json

    from .demo import run_demo

    summary = run_demo(
        host="127.0.0.1",
        port=port,
        data_dir=data_dir,
        people=people,
        seed=seed,
        work_dir=work_dir,
        serve=serve,
    )
    if json_output:
        print(json.dumps(summary.to_dict(), indent=2))


@app.command()
def ingest(
    manifest: Annotated[Path, typer.Argument(help="Source manifest (TOML, see docs/sources.md).")],
    out: Annotated[Path, typer.Option(help="Folder for canonical.parquet, quarantine.parquet, report.")],
    json_output: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Read every silo of a manifest into the canonical table; bad rows go to quarantine.

    Example: ltsa ingest silos/manifest.toml --out work/ingest
    """
    import json

    from linkage.ingest import SourceFileError, run_ingest
    from linkage.manifest import ManifestError

    try:
        report = run_ingest(manifest, out)
    except (ManifestError, SourceFileError) as error:
        console.print(f"error: {error}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(code=2) from None
    if json_output:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        Console().print(report.tables())


@app.command()
def link(
    canonical: Annotated[Path, typer.Argument(help="canonical.parquet written by `ltsa ingest`.")],
    out: Annotated[Path, typer.Option(help="Linked folder to write (records, persons, candidates, ...).")],
    decisions: Annotated[
        Path | None, typer.Option(help="Extra steward decisions log (decisions.csv).")
    ] = None,
    previous: Annotated[
        Path | None, typer.Option(help="Previous linked folder: keeps person IDs and its decisions.")
    ] = None,
    manifest: Annotated[
        Path | None, typer.Option(help="Manifest for source trust (default: the one ingest used).")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print run.json to stdout.")] = False,
) -> None:
    """Link records into persons: score, cluster with cannot-links, golden records, review queue.

    Example: ltsa link work/ingest/canonical.parquet --out work/linked --previous work/linked
    """
    import json

    from linkage.link import LinkInputError, manifest_trust, run_link
    from linkage.manifest import ManifestError
    from linkage.review import DecisionError

    try:
        trust = manifest_trust(canonical, manifest)
    except ManifestError as error:
        if manifest is not None:
            console.print(f"error: {error}", markup=False, highlight=False)
            raise typer.Exit(code=2) from None
        # The manifest ingest used has changed or moved since: link anyway, say what is lost.
        console.print(f"warning: no source trust ({error}); every source counts 0.5", markup=False)
        trust = {}
    try:
        result = run_link(
            canonical, out, decisions=decisions, previous=previous, source_trust=trust, show_progress=True
        )
    except (LinkInputError, DecisionError) as error:
        console.print(f"error: {error}", markup=False, highlight=False)
        raise typer.Exit(code=2) from None
    if json_output:
        print(json.dumps(result.summary, indent=2, ensure_ascii=False, default=str))
    else:
        for name, value in result.counts.items():
            console.print(f"{name:20} {value:>12,}")


review_app = typer.Typer(help="The steward review queue, as CSV for offline work.", no_args_is_help=True)
app.add_typer(review_app, name="review")


@review_app.command("export")
def review_export(
    linked: Annotated[Path, typer.Argument(help="Linked folder written by `ltsa link`.")],
    out: Annotated[Path, typer.Option(help="CSV sheet to write.")],
    unsure: Annotated[bool, typer.Option(help="Also pairs whose decision is UNSURE.")] = False,
) -> None:
    """Write the pairs awaiting review as a CSV sheet (fill in decision, note, steward).

    Example: ltsa review export work/linked --out review.csv
    """
    from linkage.review import DecisionError, export_queue

    try:
        count = export_queue(linked, out, include_unsure=unsure)
    except DecisionError as error:
        console.print(f"error: {error}", markup=False, highlight=False)
        raise typer.Exit(code=2) from None
    console.print(f"{count:,} pair(s) written to {out}")


@review_app.command("import")
def review_import(
    linked: Annotated[Path, typer.Argument(help="Linked folder the sheet was exported from.")],
    sheet: Annotated[Path, typer.Argument(help="The filled-in CSV sheet.")],
    steward: Annotated[str, typer.Option(help="Steward for rows whose steward cell is empty.")] = "",
) -> None:
    """Validate a filled-in sheet and append its decisions to the folder's decisions.csv (all or nothing).

    Example: ltsa review import work/linked review.csv --steward rina
    """
    from linkage.review import DecisionError, import_decisions

    try:
        count = import_decisions(linked, sheet, steward=steward)
    except DecisionError as error:
        console.print(f"error: {error}\nNothing was imported.", markup=False, highlight=False)
        raise typer.Exit(code=2) from None
    console.print(f"{count:,} decision(s) appended to {linked / 'decisions.csv'}; rerun `ltsa link` to apply")


@app.command()
def synth(
    people: Annotated[int, typer.Option(min=1, help="How many synthetic people (workers and families).")],
    out: Annotated[Path, typer.Option(help="Folder for the silo files, manifest.toml and truth tables.")],
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives byte-identical files.")] = 7,
) -> None:
    """Generate seven realistic synthetic silos with a manifest and ground truth (no real person).

    Example: ltsa synth --people 2000 --seed 7 --out data/sample
    """
    from linkage.synth import generate

    try:
        result = generate(people, seed, out)
    except (FileNotFoundError, ValueError) as error:
        console.print(f"error: {error}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(code=2) from None
    console.print(f"{result.people} people, {result.workers} workers, {result.placements} placements → {out}")
    for source, rows in result.rows_by_source.items():
        console.print(f"  {source:18} {rows:>9,} rows")


@app.command()
def evaluate(
    linked: Annotated[Path | None, typer.Argument(help="Linked folder written by `ltsa link`.")] = None,
    truth: Annotated[Path | None, typer.Option(help="truth.parquet (record_key, person_id).")] = None,
    febrl: Annotated[int | None, typer.Option(min=1, max=4, help="Instead: link FEBRL 1–4.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the metrics as JSON.")] = False,
) -> None:
    """Pairwise and B-cubed precision/recall/F1 of linked persons against the truth, overall and per source.

    Example: ltsa evaluate work/linked --truth data/sample/truth.parquet
    """
    import json

    from linkage.evaluate import EvaluationInputError, evaluate_linked, report_lines

    try:
        if febrl is not None:
            from linkage.febrl import run as run_febrl

            result = run_febrl(febrl)[1]
        elif linked is not None and truth is not None:
            result = evaluate_linked(linked, truth)
        else:
            raise EvaluationInputError("give a linked folder and --truth, or --febrl N")
    except EvaluationInputError as error:
        console.print(f"error: {error}", markup=False, highlight=False)
        raise typer.Exit(code=2) from None
    if json_output:
        print(json.dumps(result, indent=2, default=str))
    else:
        print("\n".join(report_lines(result)))


steward_app = typer.Typer(
    help="Steward workflow: candidates into the graph, decisions out.", no_args_is_help=True
)
app.add_typer(steward_app, name="steward")


@steward_app.command("load-candidates")
def steward_load_candidates(
    linked_dir: Annotated[Path, typer.Argument(help="Folder written by `ltsa link` (already loaded).")],
) -> None:
    """Load candidates.parquet as (:MatchCandidate) nodes for the review queue.

    Example: ltsa steward load-candidates out/linked
    """
    from graph.connection import connect
    from graph.queries.gateway_candidates import load_candidates

    from .neo4j_runtime import neo4j_settings

    with neo4j_settings() as settings:
        driver = connect(settings)
        try:
            console.print(
                f"{load_candidates(driver, linked_dir, database=settings.database)} candidates loaded"
            )
        finally:
            driver.close()


@steward_app.command("export-decisions")
def steward_export_decisions(
    linked_dir: Annotated[
        Path, typer.Argument(help="Folder whose decisions.csv the next `ltsa link` reads.")
    ],
) -> None:
    """Append the decisions stewards made in the graph to LINKED_DIR/decisions.csv.

    Example: ltsa steward export-decisions out/linked
    """
    from graph.connection import connect
    from graph.queries.gateway_candidates import export_decisions

    from .neo4j_runtime import neo4j_settings

    with neo4j_settings() as settings:
        driver = connect(settings)
        try:
            added = export_decisions(driver, linked_dir, database=settings.database)
            console.print(f"{added} decision(s) appended to {linked_dir / 'decisions.csv'}")
        finally:
            driver.close()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
