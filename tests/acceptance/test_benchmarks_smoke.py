"""The benchmark suite still runs: corpus, floor and runner on tiny sizes (no timings)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from benchmarks import corpus, floor
from conftest import REPO, run_cli

EXPECTED_ROWS = {
    "check-5",
    "check-10",
    "check-20",
    "check-internal-20",
    "floor-10",
    "floor-20",
    "build-5",
    "build-10",
    "build-20",
    "plain-10",
    "plain-20",
    "published-20",
    "zensical-10",
    "zensical-20",
    "full-nav-20",
    "scan-20",
}


def test_smoke_run_writes_every_row_and_target(tmp_path: Path) -> None:
    results = tmp_path / "results"
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "benchmarks.run", "--smoke", "--quiet"),
            *("--out", str(tmp_path), "--results", str(results)),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads((results / "latest.json").read_text(encoding="utf-8"))

    rows = {row["id"]: row for row in data["measurements"]}
    assert set(rows) == EXPECTED_ROWS
    for id, row in rows.items():
        assert row["available"], id
        assert "failure" not in row, (id, row.get("failure"))
        assert len(row["samples"]) == 1, id
        assert all(s["returncode"] == 0 for s in row["samples"]), id
    assert [t["bar"] for t in data["targets"]] == [
        "<= 2.0x",
        "<= 1.2x",
        "<= 1.25x",
        ">= 10x",
        "<= 1.25x",
        "<= 1.5x",
        ">= 50 MB/s",
        "<= 10%",
        "reported",
        "reported",
        "reported",
        "reported, %",
        "reported, MB/s",
    ]
    assert all(t["status"] in {"PASS", "FAIL", "n/a"} for t in data["targets"][:-5])
    assert [t["status"] for t in data["targets"][-5:]] == ["reported"] * 5
    assert 0 < data["redaction"]["share"] < 1
    # The baseline renders what the audit build publishes, generated tables and all, with
    # plain Material: no plugin, no manifest.
    published = tmp_path / "corpus-20" / "site-published"
    assert not (published / "manifest.json").exists()
    assert any(
        'data-generated="evidence-kit"' in page.read_text(encoding="utf-8")
        for page in published.rglob("*.html")
    )
    assert data["targets"][8]["value"] > 0 and data["targets"][9]["value"] > 0
    # The gate ran over the large audit site, with its helper and in one process, and found
    # nothing there.
    assert data["gate"]["findings"] == 0
    assert data["gate"]["mb_per_s"] == data["targets"][6]["value"] > 0
    assert data["gate"]["one_process_mb_per_s"] == data["targets"][-1]["value"] > 0
    checked = {c["documents"]: c["check"] for c in data["corpora"] if "check" in c}
    assert checked == {10: {"errors": 0, "warnings": 0}, 20: {"errors": 0, "warnings": 0}}

    # The scan ran over the large audit site, which is clean, and has a throughput.
    assert (rows["scan-20"]["what"], rows["scan-20"]["documents"]) == (
        "evidence-kit scan of the audit site",
        20,
    )
    scanned = data["scan"]
    assert set(scanned) == {"site_megabytes", "mb_per_s"}
    assert scanned["site_megabytes"] > 0
    assert scanned["mb_per_s"] > 0
    site = tmp_path / "corpus-20" / "site-build"
    scan = run_cli("scan", str(site), "--config", str(tmp_path / "corpus-20" / corpus.CONFIG))
    assert (scan.exit_code, scan.output) == (0, "0 errors, 0 warnings\n")

    table = (results / "latest.md").read_text(encoding="utf-8")
    assert table.startswith("Measured ")
    assert "| Target | Bar | Measured | Result |" in table
    assert (
        f"Scan throughput: {scanned['mb_per_s']} MB/s over {scanned['site_megabytes']} MB." in table
    )
    assert proc.stdout.strip() == table.strip()


def test_corpus_checks_clean_and_floor_agrees(tmp_path: Path) -> None:
    project = corpus.generate(tmp_path / "project", 20)

    assert project.documents == 20
    assert len([p for p in project.docs_dir.rglob("*") if p.is_file()]) == 20
    result = run_cli("check", "-f", str(project.root / corpus.CONFIG), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["summary"] == {"errors": 0, "warnings": 0}
    counts = floor.check(project.docs_dir, REPO / "schemas")
    assert counts["files"] == 20
    assert counts["errors"] == 0
    assert counts["validated"] == 16


def test_corpus_is_deterministic_and_the_floor_sees_errors(tmp_path: Path) -> None:
    first = corpus.generate(tmp_path / "a", 12)
    second = corpus.generate(tmp_path / "b", 12)
    files = sorted(p.relative_to(first.root) for p in first.root.rglob("*") if p.is_file())
    assert files == sorted(
        p.relative_to(second.root) for p in second.root.rglob("*") if p.is_file()
    )
    for name in files:
        assert (first.root / name).read_bytes() == (second.root / name).read_bytes(), name

    runbook = next(first.docs_dir.rglob("*-runbook-*.md"))
    text = runbook.read_text(encoding="utf-8")
    broken = re.sub(r"last_reviewed: \S+", "last_reviewed: 2026-02-30\nowner_team: nobody", text)
    runbook.write_text(broken, encoding="utf-8")
    assert floor.check(first.docs_dir, REPO / "schemas")["errors"] == 2
