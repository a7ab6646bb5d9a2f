"""Recall and false positives of the detection rules over the corpus in tests/data, and the
time of a redaction pass.

    python -m benchmarks.detection

Recall: the share of a rule's `find` examples where that rule reports a value. False
positives: the `leave` examples (placeholders, documented examples, look-alikes) where any
rule reports something. `make bench` prints the same table.
"""

from __future__ import annotations

import random
import statistics
import string
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from benchmarks import corpus
from evidence_kit.publish import detectors
from evidence_kit.publish.detectors import Detector

CORPUS = corpus.REPO / "tests" / "data" / "detection-corpus.yml"
REAL_TEXT = CORPUS.parent / "real-text"


def measure() -> dict[str, Any]:
    """Per rule: examples, found, look-alikes, reported; and the redaction pass's speed."""
    cases = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    detector = Detector.configure()
    rows = []
    for rule, examples in sorted(cases.items()):
        finds = examples.get("find", [])
        leaves = examples.get("leave", [])
        found = sum(rule in [m.rule.id for m in detector.find(t)] for t in finds)
        false = sum(bool(detector.find(t)) for t in leaves)
        rows.append(
            {"rule": rule, "examples": len(finds), "found": found, "look_alikes": len(leaves)}
            | {"false_positives": false}
        )
    with tempfile.TemporaryDirectory() as tmp:
        generated = corpus.generate(Path(tmp), 200)
        typical = [p.read_text(encoding="utf-8") for p in sorted(generated.root.rglob("*.md"))]
    dense = [p.read_text(encoding="utf-8") for p in sorted(REAL_TEXT.glob("*.md"))] * 50
    return {
        "rules": rows,
        "recall": sum(r["found"] for r in rows) / max(1, sum(r["examples"] for r in rows)),
        "false_positives": sum(r["false_positives"] for r in rows),
        "look_alikes": sum(r["look_alikes"] for r in rows),
        "redaction_mb_per_s": _redaction_speed(typical, detector),
        "redaction_dense_mb_per_s": _redaction_speed(dense, detector),
        "megabyte_line": _slowest_line(detector),
    }


def megabyte_lines() -> dict[str, str]:
    """Single lines of 1 MB that would make a backtracking pattern crawl."""
    size = 1_000_000
    rng = random.Random(5)
    return {
        "letters": "a" * size,
        "digits": "1" * size,
        "digit-space": "1 " * (size // 2),
        "random": "".join(rng.choices(string.printable[:94] + " ", k=size)),
        "jwt-starts": "eyJ" * (size // 3),
        "at-signs": "a@" * (size // 2),
        "dotted": "a." * (size // 2),
        "keywords": "password=" * (size // 9),
        "key-headers": "-----BEGIN RSA PRIVATE KEY-----" * (size // 31),
        "plus-digits": "+1 " * (size // 3),
    }


def _slowest_line(detector: Detector) -> tuple[str, float]:
    """The 1 MB single line that takes the detectors longest, and its seconds."""
    times = {}
    for name, text in megabyte_lines().items():
        started = time.perf_counter()
        detector.find(text)
        times[name] = time.perf_counter() - started
    name = max(times, key=times.__getitem__)
    return name, round(times[name], 3)


def _redaction_speed(texts: list[str], detector: Detector) -> float:
    """MB/s of the redaction pass over texts, one call per document as the build does."""
    size = sum(len(text.encode()) for text in texts)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        for text in texts:
            detectors.redact(text, detector, detectors.note_for)
        times.append(time.perf_counter() - started)
    return round(size / 1e6 / statistics.median(times), 1)


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"Detection corpus: recall {result['recall']:.0%}, "
        f"{result['false_positives']} false positives in {result['look_alikes']} look-alikes; "
        f"redaction pass {result['redaction_mb_per_s']} MB/s over 200 generated documents, "
        f"{result['redaction_dense_mb_per_s']} MB/s over the keyword-dense real-text pages; "
        f"the slowest 1 MB single line ({result['megabyte_line'][0]}) takes "
        f"{result['megabyte_line'][1]} s.",
        "",
        "| Rule | Found | False positives |",
        "| --- | --- | --- |",
    ]
    for row in result["rules"]:
        lines.append(
            f"| `{row['rule']}` | {row['found']}/{row['examples']} "
            f"| {row['false_positives']}/{row['look_alikes']} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(measure()))
