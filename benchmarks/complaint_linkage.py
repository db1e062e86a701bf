"""Complaint-desk (pengaduan) linkage: the default configuration against the ones before issue #4.

Two peers, both the same engine: ``before`` takes the complaint additions of issue #4 round 1 out — the
household, broker and name-country blocking rules and the address, destination-country, agency and
broker comparisons; ``no-attach`` keeps everything but the sole-candidate attachment of lone complaint
rows (round 2: ``LinkConfig.reported_column=None``). The ratios show what each buys and costs. (The
name comparison's one-key subset test of round 2 is code, in every configuration.)
All link one synthetic population (``ltsa synth`` → ingest). Prints, per configuration: pengaduan and
overall pairwise/B-cubed P/R/F1 of the linked persons, candidate pairs, CPU and wall seconds of the
whole link, complaint rows attached; then the new rules' pairs. CPU seconds are the fair cost figure
on a shared machine.

    .venv/bin/python benchmarks/complaint_linkage.py --people 5000 [--canonical CANONICAL --truth TRUTH]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import pandas as pd
from scratch import scratch_dir

from linkage.engine import LinkConfig
from linkage.evaluate import evaluate_linked
from linkage.ingest import run_ingest
from linkage.link import run_link
from linkage.synth import generate

COMPLAINT_RULES = frozenset(
    {
        "household_first_name",
        "household_last_name",
        "household_name",
        "household_undated",
        "broker_first_name",
        "name_country",
    }
)
COMPLAINT_COMPARISONS = frozenset({"address", "destination_country", "agency", "broker"})


def without_attachment() -> LinkConfig:
    """The default configuration with lone complaint rows left alone (no sole-candidate attachment)."""
    return replace(LinkConfig.default(), reported_column=None)


def before_issue_4() -> LinkConfig:
    """The default configuration without the complaint-desk rules, comparisons and attachment."""
    config = without_attachment()
    return replace(
        config,
        blocking_rules=tuple(r for r in config.blocking_rules if r.name not in COMPLAINT_RULES),
        comparisons=tuple(c for c in config.comparisons if c.name not in COMPLAINT_COMPARISONS),
    )


def _inputs(args: argparse.Namespace) -> tuple[Path, Path]:
    if args.canonical:
        return args.canonical, args.truth
    root = scratch_dir("ltsa-complaints-")
    generate(args.people, args.seed, root / "silos")
    run_ingest(root / "silos" / "manifest.toml", root / "ingest")
    return root / "ingest" / "canonical.parquet", root / "silos" / "truth.parquet"


def _run(canonical: Path, truth: Path, config: LinkConfig, out: Path) -> dict[str, Any]:
    """Link with ``config`` into ``out``; metrics, blocking report and seconds (CPU and wall)."""
    cpu, wall = time.process_time(), time.perf_counter()
    run = run_link(canonical, out, config=config)
    seconds = {"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall}
    report = cast(dict[str, Any], run.summary["scoring_report"])
    attached = run.counts["attached_reports"]
    return {**evaluate_linked(out, truth), "seconds": seconds, "blocking": report, "attached": attached}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--canonical", type=Path, help="an ingested canonical.parquet instead of a new synth")
    parser.add_argument("--truth", type=Path, help="its truth.parquet (with --canonical)")
    args = parser.parse_args()
    canonical, truth = _inputs(args)
    complaints = int((pd.read_parquet(canonical, columns=["source"])["source"] == "pengaduan").sum())
    work = scratch_dir("ltsa-complaint-links-")
    runs = {
        name: _run(canonical, truth, config, work / name)
        for name, config in (
            ("ours", LinkConfig.default()),
            ("no-attach", without_attachment()),
            ("before", before_issue_4()),
        )
    }
    print(f"{canonical}: {complaints:,} complaint rows")
    print(
        f"{'config':9} {'scope':10} {'pair P':>7} {'pair R':>7} {'pair F1':>7} {'B3 P':>7} {'B3 R':>7} "
        f"{'B3 F1':>7} {'pairs':>9} {'cpu s':>7} {'wall s':>7} {'attached':>8}"
    )
    for name, metrics in runs.items():
        for scope, figures in (("pengaduan", metrics["per_source"]["pengaduan"]), ("overall", metrics)):
            pair, b3 = figures["pairwise"], figures["bcubed"]
            values = [pair["precision"], pair["recall"], pair["f1"], b3["precision"], b3["recall"], b3["f1"]]
            line = f"{name:9} {scope:10} " + " ".join(f"{v:7.4f}" for v in values)
            if scope == "overall":
                cpu, wall = metrics["seconds"]["cpu"], metrics["seconds"]["wall"]
                line += f" {metrics['blocking']['total_pairs']:>9,} {cpu:>7.1f} {wall:>7.1f}"
                line += f" {metrics['attached']:>8,}"
            print(line)
    ours = runs["ours"]
    for peer in ("no-attach", "before"):
        theirs = runs[peer]
        recall = [r["per_source"]["pengaduan"]["bcubed"]["recall"] for r in (ours, theirs)]
        pairs = [r["blocking"]["total_pairs"] for r in (ours, theirs)]
        cpu = [r["seconds"]["cpu"] for r in (ours, theirs)]
        print(
            f"ours/{peer}: pengaduan B3 recall {recall[0] / recall[1]:.2f}, "
            f"candidate pairs {pairs[0] / pairs[1]:.2f}, CPU {cpu[0] / cpu[1]:.2f}"
        )
    for rule in ours["blocking"]["rules"]:
        if rule["rule"] in COMPLAINT_RULES:
            print(
                f"  {rule['rule']:20} pairs {rule['pairs']:>9,}  new {rule['new_pairs']:>8,}  "
                f"largest block {rule['largest_block']}"
            )


if __name__ == "__main__":
    main()
