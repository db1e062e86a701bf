"""FEBRL 1–4 linkage quality: pair completeness and pairwise/B-cubed P/R/F1 of auto-match clusters.

The peer figures are Splink 5's, measured with the FEBRL settings of Splink's own docs
(docs/linkage-anchors in the reference notes: FEBRL 3 F1 0.9961, FEBRL 4 F1 0.9991 at p ≥ 0.5); run
``benchmarks/linkage_vs_splink.py --febrl4`` for a side-by-side run with an equivalent configuration.
``--without-id`` drops soc_sec_id (the reference baseline compared names, address, dob, postcode, state).

    .venv/bin/python benchmarks/febrl_quality.py [--without-id]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

from linkage import febrl

SPLINK_F1 = {3: 0.9961, 4: 0.9991}  # Splink 5 FEBRL docs settings, p ≥ 0.5 (reference notes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--without-id", action="store_true", help="do not block on or compare soc_sec_id")
    args = parser.parse_args()
    print(
        f"{'data':8} {'cand.':>8} {'PC':>7} {'pair P':>7} {'pair R':>7} {'pair F1':>7} {'B3 F1':>7} "
        f"{'Splink F1':>9} {'s':>6}"
    )
    for number in febrl.DATASETS:
        config = febrl.config(cross_source_only=number == 4)
        if args.without_id:
            config = replace(
                config,
                blocking_rules=tuple(r for r in config.blocking_rules if "soc_sec_id" not in r.on),
                comparisons=tuple(c for c in config.comparisons if c.name != "soc_sec_id"),
            )
        start = time.perf_counter()
        scored, metrics = febrl.run(number, config)
        seconds = time.perf_counter() - start
        pairwise, bcubed = metrics["pairwise"], metrics["bcubed"]
        peer = SPLINK_F1.get(number)
        print(
            f"febrl{number:<3} {scored.report['total_pairs']:>8,} {scored.report['pair_completeness']:>7.4f} "
            f"{pairwise['precision']:>7.4f} {pairwise['recall']:>7.4f} {pairwise['f1']:>7.4f} "
            f"{bcubed['f1']:>7.4f} {peer if peer else '—':>9} {seconds:>6.1f}"
        )


if __name__ == "__main__":
    main()
