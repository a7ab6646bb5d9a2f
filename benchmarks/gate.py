"""Throughput of the post-build gate over a built site, without MkDocs.

    python -m benchmarks.gate SITE_DIR [--config mkdocs.yml] [--repeat 3] [--profile]

Prints the site's size, the gate's median time and MB/s, and its findings count. The gate
is what `evidence-kit scan` and every audit build run after the build.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from evidence_kit.cli import load_settings
from evidence_kit.publish import gate


def throughput(site: Path, config: Path, repeat: int = 3) -> dict[str, float | int]:
    """The gate's median seconds over `site` (scanned as `config` says), its MB/s and its
    finding count; and the same in one process, without the helper that reads part of the
    site on another core. The two are interleaved, so that both see the same load."""
    settings = load_settings(config, None)
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    shared_from = gate.SHARED_FROM
    times: dict[bool, list[float]] = {True: [], False: []}
    findings = []
    try:
        for _ in range(repeat):
            for helper in (True, False):
                gate.SHARED_FROM = shared_from if helper else sys.maxsize
                started = time.perf_counter()
                findings = gate.scan(site, settings, "site")
                times[helper].append(time.perf_counter() - started)
    finally:
        gate.SHARED_FROM = shared_from
    seconds = statistics.median(times[True])
    alone = statistics.median(times[False])
    return {
        "site_megabytes": round(size / 1e6, 2),
        "seconds": round(seconds, 3),
        "mb_per_s": round(size / 1e6 / seconds, 1),
        "one_process_seconds": round(alone, 3),
        "one_process_mb_per_s": round(size / 1e6 / alone, 1),
        "findings": len(findings),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--one-process", action="store_true", help="without the helper that shares the site"
    )
    args = parser.parse_args(argv)
    if args.one_process:
        gate.SHARED_FROM = sys.maxsize
    settings = load_settings(args.config, None)
    size = sum(p.stat().st_size for p in args.site.rglob("*") if p.is_file())
    times = []
    findings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        if args.profile:
            profile = cProfile.Profile()
            findings = profile.runcall(gate.scan, args.site, settings, "site")
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        else:
            findings = gate.scan(args.site, settings, "site")
        times.append(time.perf_counter() - started)
    seconds = statistics.median(times)
    print(
        f"site {size / 1e6:.1f} MB, gate {seconds:.2f} s (median of {len(times)}), "
        f"{size / 1e6 / seconds:.1f} MB/s, {len(findings)} findings"
    )
    for finding in findings[:10]:
        print(f"  {finding.path}:{finding.line}: {finding.rule}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
