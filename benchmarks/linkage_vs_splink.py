"""Satu Atap's linkage engine vs Splink 5 (DuckDB backend), side by side on the same data and config.

Data: ``ltsa synth --people N`` silos read back with ``linkage.ingest.run_ingest`` (the canonical table),
or FEBRL 4 with ``--febrl4`` when synthetic data is not wanted. Each tool runs in its own process (so
peak memory is its own) over the same records, the same derived blocking keys and the same blocking
rules; Splink gets the translation of our comparisons into its comparison levels (same fields, same
thresholds, term-frequency adjustment on the same levels), u from 1e6 random pairs like ours, λ from a
deterministic rule and EM sessions blocked on birth date and on the first rule. Both end with connected
components at the same match weight (our auto-match weight), then pairwise and B-cubed F1 vs the truth.

    .venv/bin/python benchmarks/linkage_vs_splink.py --people 20000
    .venv/bin/python benchmarks/linkage_vs_splink.py --febrl4
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

from linkage.blocking import BlockingRule, blocking_keys
from linkage.comparison.base import Comparison
from linkage.comparison.dates import DateComparison
from linkage.comparison.identifiers import ExactComparison, IdentifierComparison, PrefixComparison
from linkage.comparison.names import NameComparison, StringComparison
from linkage.comparison.nik import PREFIX, NikComparison
from linkage.engine import LinkConfig, score
from linkage.evaluate import evaluate_clusters
from linkage.febrl import connected_clusters

U_SAMPLE_PAIRS = 1_000_000


def prepare_synthetic(people: int, seed: int, workdir: Path) -> tuple[Path, Path]:
    """Silos, then the canonical table; reused when the folder already holds them."""
    from linkage.ingest import run_ingest
    from linkage.synth import generate

    silos, ingested = workdir / f"synth-{people}-{seed}", workdir / f"ingest-{people}-{seed}"
    if not (silos / "truth.parquet").exists():
        generate(people, seed, silos)
    if not (ingested / "canonical.parquet").exists():
        run_ingest(silos / "manifest.toml", ingested)
    return ingested / "canonical.parquet", silos / "truth.parquet"


def prepare_febrl4(workdir: Path) -> tuple[Path, Path]:
    from linkage.febrl import load

    records, truth = load(4)
    canonical, truth_path = workdir / "febrl4.parquet", workdir / "febrl4-truth.parquet"
    records.to_parquet(canonical, index=False)
    truth.rename("person_id").rename_axis("record_key").reset_index().to_parquet(truth_path, index=False)
    return canonical, truth_path


def link_config(febrl4: bool) -> LinkConfig:
    if febrl4:
        from linkage.febrl import config

        return config(cross_source_only=True)
    return LinkConfig.default()


def run_ours(records: pd.DataFrame, config: LinkConfig) -> tuple[pd.Series, dict[str, float], dict[str, int]]:
    stages: dict[str, float] = {}
    start = time.perf_counter()
    scored = score(records, config)
    stages["block+compare+score"] = time.perf_counter() - start
    start = time.perf_counter()
    clusters = connected_clusters(records["record_key"], scored.pairs, config.auto_match_weight)
    stages["cluster"] = time.perf_counter() - start
    counts = {"candidate_pairs": int(scored.report["total_pairs"]), "returned_pairs": len(scored.pairs)}
    return clusters, stages, counts


def run_product(canonical: Path, config: LinkConfig) -> tuple[pd.Series, dict[str, float], dict[str, int]]:
    """The whole of `ltsa link`: the same scoring, then the product's clustering (cannot-links,
    sole-candidate attachment), stable IDs, golden records, the review queue and the written folder."""
    from linkage.link import run_link

    with tempfile.TemporaryDirectory(prefix="ltsa-bench-link-") as out:
        run = run_link(canonical, Path(out), config=config)
        linked = pd.read_parquet(Path(out) / "records.parquet", columns=["record_key", "person_id"])
    seconds = run.summary.get("seconds", {})
    stages = {str(k): float(v) for k, v in seconds.items()} if isinstance(seconds, dict) else {}
    counts = {"candidate_pairs": run.counts["scored_pairs"], "returned_pairs": run.counts["scored_pairs"]}
    return linked.set_index("record_key")["person_id"], stages, counts


def splink_comparison(comparison: Comparison) -> Any:
    """Our comparison as Splink comparison levels (same columns, thresholds and TF settings)."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    def custom(column: str, levels: list[Any]) -> Any:
        return cl.CustomComparison(
            output_column_name=comparison.name,
            comparison_levels=[cll.NullLevel(column), *levels, cll.ElseLevel()],
        )

    tf = comparison.tf_column is not None
    if isinstance(comparison, NameComparison):
        return custom(
            comparison.column,
            [
                cll.ExactMatchLevel(comparison.column, term_frequency_adjustments=tf),
                cll.ExactMatchLevel(comparison.sorted_keys_column),
                cll.Or(
                    cll.JaroWinklerLevel(comparison.informative_column, comparison.close),
                    cll.JaroWinklerLevel(comparison.sorted_column, comparison.close),
                ),
                cll.Or(
                    cll.JaroWinklerLevel(comparison.informative_column, comparison.similar),
                    cll.JaroWinklerLevel(comparison.sorted_column, comparison.similar),
                ),
            ],
        )
    if isinstance(comparison, StringComparison):
        levels: list[Any] = [cll.ExactMatchLevel(comparison.column, term_frequency_adjustments=tf)]
        levels += [cll.JaroWinklerLevel(comparison.column, t) for t in comparison.thresholds]
        return custom(comparison.column, levels)
    if isinstance(comparison, NikComparison):
        c = comparison.column
        return custom(
            c,
            [
                cll.ExactMatchLevel(c),
                cll.DamerauLevenshteinLevel(c, 1),
                cll.CustomLevel(f"substr({c}_l, 1, {PREFIX.stop}) = substr({c}_r, 1, {PREFIX.stop})"),
                cll.CustomLevel(f"substr({c}_l, 7, 6) = substr({c}_r, 7, 6)"),
            ],
        )
    if isinstance(comparison, DateComparison):
        c = comparison.column
        swap = " AND ".join(
            f"substr({c}_l, {a}, {n}) = substr({c}_r, {b}, {n})"
            for a, b, n in ((1, 1, 4), (6, 9, 2), (9, 6, 2))
        )
        return custom(
            c,
            [
                cll.ExactMatchLevel(c),
                cll.CustomLevel(swap),
                cll.LevenshteinLevel(c, 1),
                cll.CustomLevel(f"substr({c}_l, 1, 4) = substr({c}_r, 1, 4)"),
            ],
        )
    if isinstance(comparison, IdentifierComparison):
        c = comparison.column
        levels = [cll.ExactMatchLevel(c, term_frequency_adjustments=tf), cll.LevenshteinLevel(c, 1)]
        own = comparison.disagreement_column
        if own is None:
            return custom(c, levels)
        # Differing values count only between two records that both carry their own (the phone a
        # relative reported on a complaint is no evidence against the worker's own).
        unknown = cll.CustomLevel(
            f"{c}_l IS NULL OR {c}_r IS NULL OR ({c}_l <> {c}_r AND ({own}_l IS NULL OR {own}_r IS NULL))"
        ).configure(is_null_level=True)
        return cl.CustomComparison(
            output_column_name=comparison.name, comparison_levels=[unknown, *levels, cll.ElseLevel()]
        )
    if isinstance(comparison, ExactComparison):
        return custom(
            comparison.column, [cll.ExactMatchLevel(comparison.column, term_frequency_adjustments=tf)]
        )
    if isinstance(comparison, PrefixComparison):
        c = comparison.column
        prefixes = [
            cll.CustomLevel(
                f"substr(replace({c}_l, '.', ''), 1, {p}) = substr(replace({c}_r, '.', ''), 1, {p})"
            )
            for p in comparison.prefixes
        ]
        return custom(c, [cll.ExactMatchLevel(c), *prefixes])
    raise TypeError(f"no Splink translation for {comparison!r}")


def splink_connection(memory_gb: float | None, spill_dir: Path | None) -> Any:
    """A DuckDB connection for Splink; with a memory limit DuckDB spills to ``spill_dir`` instead of
    growing until the kernel kills it (its default limit is 80 % of RAM, too much on a shared box)."""
    import duckdb

    connection = duckdb.connect()
    if memory_gb:
        connection.execute(f"SET memory_limit = '{memory_gb}GB'")
        connection.execute("SET preserve_insertion_order = false")
    if spill_dir:
        spill_dir.mkdir(parents=True, exist_ok=True)
        connection.execute(f"SET temp_directory = '{spill_dir}'")
    return connection


def splink_blocking_rule(rule: BlockingRule) -> Any:
    """The same pass in Splink: equal keys, and for a rule that exists for records lacking a column,
    no pair whose two records both have it."""
    from splink import block_on
    from splink.blocking_rule_library import CustomRule

    if rule.unless_both_have is None:
        return block_on(*rule.on)
    equal = " AND ".join(f"l.{c} = r.{c}" for c in rule.on)
    lacking = rule.unless_both_have
    return CustomRule(f"{equal} AND (l.{lacking} IS NULL OR r.{lacking} IS NULL)")


def run_splink(
    records: pd.DataFrame,
    config: LinkConfig,
    memory_gb: float | None = None,
    spill_dir: Path | None = None,
    em_on: tuple[str, ...] = ("birth_date",),
) -> tuple[pd.Series, dict[str, float], dict[str, int]]:
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    stages: dict[str, float] = {}
    start = time.perf_counter()
    keys = blocking_keys(records).rename(columns={"record_key": "unique_id"})
    # Only what the rules and comparisons read (as our engine does): DuckDB carries every registered
    # column through blocking, and at a million records the raw and context columns cost gigabytes.
    needed = {"unique_id", "source", *(c for rule in config.blocking_rules for c in rule.columns())}
    needed |= {v for c in config.comparisons for v in vars(c).values() if isinstance(v, str)}
    keys = keys[[c for c in keys.columns if c in needed and keys[c].dtype == object]].fillna("")
    keys = keys.replace("", None)  # Splink's null levels expect SQL NULL for "missing"
    rules: list[Any] = [splink_blocking_rule(rule) for rule in config.blocking_rules]
    settings = SettingsCreator(
        link_type="link_only" if config.cross_source_only else "dedupe_only",
        blocking_rules_to_generate_predictions=rules,
        comparisons=[splink_comparison(c) for c in config.comparisons],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    db_api = DuckDBAPI(splink_connection(memory_gb, spill_dir))
    inputs: Any = (
        [db_api.register(frame) for _, frame in keys.groupby("source", sort=True)]
        if config.cross_source_only
        else db_api.register(keys)
    )
    linker = Linker(inputs, settings, log_level=40)
    stages["setup"] = time.perf_counter() - start
    start = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match([rules[0]], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on(*em_on))
    linker.training.estimate_parameters_using_expectation_maximisation(rules[0])
    stages["train"] = time.perf_counter() - start
    start = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_weight=config.floor_weight)
    stages["predict"] = time.perf_counter() - start
    start = time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_weight=config.auto_match_weight
    ).as_pandas_dataframe()
    stages["cluster"] = time.perf_counter() - start
    returned = int(predictions.as_duckdbpyrelation().count("*").fetchall()[0][0])
    return clusters.set_index("unique_id")["cluster_id"], stages, {"returned_pairs": returned}


def run_tool(
    tool: str,
    canonical: Path,
    truth_path: Path,
    febrl4: bool,
    splink_memory_gb: float | None = None,
    splink_em_on: tuple[str, ...] = ("birth_date",),
) -> dict[str, Any]:
    """One tool in this process: time it, evaluate it, report peak RSS."""
    # The product reads the canonical table itself; holding a second copy would inflate its peak.
    records = pd.read_parquet(canonical, columns=["record_key"] if tool == "product" else None)
    truth = pd.read_parquet(truth_path).set_index("record_key")["person_id"]
    truth = truth.reindex(records["record_key"]).dropna()
    config = link_config(febrl4)
    start = time.perf_counter()
    if tool == "ours":
        clusters, stages, counts = run_ours(records, config)
    elif tool == "product":
        clusters, stages, counts = run_product(canonical, config)
    else:
        spill = canonical.parent / "splink-spill"
        clusters, stages, counts = run_splink(records, config, splink_memory_gb, spill, splink_em_on)
    total = time.perf_counter() - start
    metrics = evaluate_clusters(clusters, truth)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "tool": tool,
        "records": len(records),
        **counts,
        "seconds": total,
        "stages": stages,
        "pairwise": metrics["pairwise"],
        "bcubed": metrics["bcubed"],
        "peak_rss_mb": peak_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--febrl4", action="store_true", help="FEBRL 4 instead of synthetic silos")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "ltsa-bench")
    parser.add_argument("--tools", default="ours,splink")
    parser.add_argument(
        "--splink-memory-gb",
        type=float,
        help="cap DuckDB's memory (it spills to disk beyond it); without it DuckDB may take 80%% of RAM",
    )
    parser.add_argument(
        "--splink-em-on",
        default="birth_date",
        help="columns of Splink's first EM session's blocking rule (comma-separated); at a million "
        "records birth_date alone gives ~10^8 training pairs, birth_date,region_code ~10^5",
    )
    parser.add_argument("--run", choices=("ours", "product", "splink"), help=argparse.SUPPRESS)
    parser.add_argument("--canonical", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--truth", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        em_on = tuple(args.splink_em_on.split(","))
        result = run_tool(args.run, args.canonical, args.truth, args.febrl4, args.splink_memory_gb, em_on)
        print(json.dumps(result))
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    canonical, truth = (
        prepare_febrl4(args.workdir)
        if args.febrl4
        else prepare_synthetic(args.people, args.seed, args.workdir)
    )
    print(f"data ready in {time.perf_counter() - start:.1f} s: {canonical}", file=sys.stderr)
    results = []
    for tool in args.tools.split(","):
        command = [
            sys.executable,
            __file__,
            "--run",
            tool,
            "--canonical",
            str(canonical),
            "--truth",
            str(truth),
        ]
        command += ["--febrl4"] if args.febrl4 else []
        if args.splink_memory_gb:
            command += ["--splink-memory-gb", str(args.splink_memory_gb)]
        command += ["--splink-em-on", args.splink_em_on]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
        # Each tool's figures as soon as it finishes: a later tool killed for memory loses nothing.
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    print_table(results, "FEBRL 4" if args.febrl4 else f"synth --people {args.people} --seed {args.seed}")


def print_table(results: list[dict[str, Any]], data: str) -> None:
    candidates = max(r.get("candidate_pairs", 0) for r in results)
    print(f"data: {data}; records: {results[0]['records']:,}; candidate pairs (same rules): {candidates:,}")
    print(
        f"{'tool':8} {'returned':>10} {'seconds':>8} {'µs/cand':>8} {'pair P':>7} {'pair R':>7} "
        f"{'pair F1':>7} {'B3 F1':>7} {'peak MB':>8}  stages"
    )
    for r in results:
        per_pair = 1e6 * r["seconds"] / max(candidates, 1)
        p = r["pairwise"]
        stages = ", ".join(f"{k} {v:.2f}" for k, v in r["stages"].items())
        print(
            f"{r['tool']:8} {r['returned_pairs']:>10,} {r['seconds']:>8.2f} {per_pair:>8.2f} "
            f"{p['precision']:>7.4f} {p['recall']:>7.4f} {p['f1']:>7.4f} {r['bcubed']['f1']:>7.4f} "
            f"{r['peak_rss_mb']:>8.0f}  {stages}"
        )
    peers = [r for r in results if r["tool"] == "splink"]
    for ours in (r for r in results if peers and r["tool"] != "splink"):
        peer = peers[0]
        print(
            f"ratio {ours['tool']}/splink: time {ours['seconds'] / peer['seconds']:.2f}, "
            f"peak memory {ours['peak_rss_mb'] / peer['peak_rss_mb']:.2f}, "
            f"pairwise F1 {ours['pairwise']['f1'] - peer['pairwise']['f1']:+.4f}"
        )


if __name__ == "__main__":
    main()
