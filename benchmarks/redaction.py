"""The redaction pass's share of `check`, measured inside one run.

    python -m benchmarks.redaction PROJECT/mkdocs.yml [TODAY] [--repeat 3]

`check` of the audit edition runs every rule once; the steps of the publication rule that
look for what the audit edition redacts (which documents hold something to redact, where in
each, and in the typed data files) are timed as they run, and their share is taken of the
whole run's time in that same run. Load on the machine stretches both alike. The other way,
an audit `check` against an internal one (no redaction) as two runs seconds apart, read
6.5% to 14.5% on unchanged code, and it also counts the audit edition's other rules.
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from evidence_kit import pipeline
from evidence_kit.cli import load_settings
from evidence_kit.publish import findings

from . import corpus

REDACTION_STEPS = ("_redactable", "_redactions", "_data_findings")
"""The publication rule's steps that search for redactions; none calls another."""


def share(config: Path, today: str, repeat: int = 3) -> dict[str, float]:
    """The median share of the audit `check` of `config`'s project spent in the redaction
    steps, over `repeat` runs, each in a fresh process as `evidence-kit check` runs (the
    detectors are compiled on first use, in the redaction steps' time), with the median
    times."""
    runs = []
    for _ in range(repeat):
        command = [sys.executable, "-m", "benchmarks.redaction", str(config), today, "--once"]
        out = subprocess.run(command, cwd=corpus.REPO, capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout))
    return {
        key: round(statistics.median(run[key] for run in runs), 4)
        for key in ("share", "check_seconds", "redaction_seconds")
    }


def once(config: Path, today: str) -> dict[str, float]:
    """One audit `check` of `config`'s project in this process, the redaction steps timed."""
    settings = load_settings(config, today)
    spent = 0.0

    def timed(step: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(step)
        def run(*args: Any, **kwargs: Any) -> Any:
            nonlocal spent
            started = time.perf_counter()
            try:
                return step(*args, **kwargs)
            finally:
                spent += time.perf_counter() - started

        return run

    for name in REDACTION_STEPS:
        setattr(findings, name, timed(getattr(findings, name)))
    started = time.perf_counter()
    pipeline.assess(settings)
    total = time.perf_counter() - started
    return {"share": spent / total, "check_seconds": total, "redaction_seconds": spent}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("config", type=Path, help="a benchmark project's mkdocs.yml")
    parser.add_argument("today", nargs="?", default=corpus.TODAY.isoformat())
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--once", action="store_true", help="one run here, as JSON")
    args = parser.parse_args(argv)
    if args.once:
        print(json.dumps(once(args.config, args.today)))
        return 0
    result = share(args.config, args.today, args.repeat)
    print(
        f"redaction {result['share']:.1%} of check: {result['redaction_seconds']} s of "
        f"{result['check_seconds']} s (median of {args.repeat} processes)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
