"""Render bench/RESULTS.md's tables from the JSON each run wrote to bench/out/."""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).parent / "out"


def table(result: dict) -> str:
    imp, ide = result["import"], result["identify"]
    lines = [
        f"### {result['store']}, {result['n']:,} weapons — {result['date'][:10]}, {result['machine']}",
        "",
        "| import | rows/s | ratio |",
        "|---|---:|---:|",
        f"| `armtrace import`, {imp['rows']:,} rows timed (validation, normalisation, hash chain) "
        f"| {imp['rows_per_s']:,} | |",
        f"| raw store: the same weapons, events and marks written again, one transaction "
        f"| {imp['raw_store_rows_per_s']:,} "
        f"| **{imp['ratio']:.2f}** (target ≥ 0.25) |",
        f"| bare unindexed table of the CSV rows | {imp['bare_table_rows_per_s']:,} | {imp['ratio_to_bare']:.3f} |",
        "",
        f"Rows imported before the timed ones: {imp['preload_rows']:,} ({imp['preload_seconds']:,} s).",
        "",
        "| identify | p50 ms | p95 ms | recall@1 | recall@5 |",
        "|---|---:|---:|---:|---:|",
        f"| armtrace identify, {ide['queries']:,} queries | {ide['p50_ms']} | **{ide['p95_ms']}** (target < 20) "
        f"| {ide['recall@1']} | **{ide['recall@5']}** (target ≥ 0.99) |",
        f"| full rapidfuzz scan of every serial, {ide['scan_queries']} queries | {ide['scan_p50_ms']} "
        f"| {ide['scan_p95_ms']} | | {ide['scan_recall@5']} |",
        "",
        "| query kind | queries | p95 ms | recall@1 | recall@5 |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind, k in ide["by_kind"].items():
        lines.append(
            f"| {kind.replace('_', ' ')} | {k['queries']} | {k['p95_ms']} | {k['recall@1']} | {k['recall@5']} |"
        )
    if "misses" in ide:
        unresolvable = ide["misses_unresolvable"]
        lines += [
            "",
            f"Misses (the right record not in the top five): {len(ide['misses'])}, of which {unresolvable} "
            "unresolvable — five or more other records fit the reading as well as the right one, given the "
            f"maker and model it states (`bench/oracle.py`). Recall@5 over the resolvable readings: "
            f"**{ide['recall@5_resolvable']}**.",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    for path in sorted(OUT.glob("*.json")) if len(sys.argv) < 2 else map(Path, sys.argv[1:]):
        print(table(json.loads(path.read_text(encoding="utf-8"))))
