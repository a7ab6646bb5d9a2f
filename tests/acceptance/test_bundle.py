"""`evidence-kit bundle`: the built kit as a zip for the auditor, read back with pdftotext
and pypdf; two runs with one SOURCE_DATE_EPOCH give the same bytes."""

from __future__ import annotations

import csv
import io
import subprocess
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import build, chromium, required_tool, run_cli

# The kit's nav, in order (tests/test_print.py prints the same pages).
KIT_TITLES = [
    "Home",
    "Backups and recovery",
    "Incident runbook",
    "Restore test",
    "Restore test records",
    *(
        f"Restore test {day}"
        for day in ("2025-12-04", "2026-01-08", "2026-04-09", "2026-07-09", "2026-10-08")
    ),
    "On-call rotation",
    "Postmortems",
    "Nightly customer export delivered six hours late",
    "Primary database failover during storage degradation",
    "Sign-in errors after an identity provider certificate rotation",
    "Public API unavailable after a load balancer configuration change",
    "Incident response report",
    "Controls matrix",
    "Evidence index",
    "Review status",
    "Publication report",
]


@pytest.fixture
def built_kit(kit: Path) -> Path:
    chromium()
    result = build(kit)
    assert result.returncode == 0, result.log
    return result.site


def test_bundle_is_the_whole_site_and_reproducible(
    built_kit: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    first, second = tmp_path / "one.zip", tmp_path / "two.zip"
    for out in (first, second):
        run = run_cli("bundle", str(built_kit), "-o", str(out))
        assert run.exit_code == 0, run.stderr
    assert first.read_bytes() == second.read_bytes()
    archive = zipfile.ZipFile(first)
    assert archive.namelist() == [
        "README.txt",
        "controls-matrix.csv",
        "evidence.pdf",
        "incident-population.csv",
        "manifest.json",
    ]
    assert {i.date_time for i in archive.infolist()} == {(2026, 5, 28, 20, 26, 40)}
    pdf = tmp_path / "evidence.pdf"
    pdf.write_bytes(archive.read("evidence.pdf"))
    titles = KIT_TITLES
    reader = PdfReader(pdf)
    outline = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]
    assert [title for title, _ in outline] == titles
    assert [page for _, page in outline] == sorted(page for _, page in outline)
    text = subprocess.run(
        [required_tool("pdftotext"), str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = text.split("\f")
    # Each title starts the page the outline points at, in nav order.
    for title, page in outline:
        assert title in " ".join(pages[page].split()), title
    contents = " ".join(pages[1].split()) if "Contents" in pages[1] else " ".join(pages[0].split())
    for _title, page in outline:
        assert f"p. {page + 1}" in contents
    readme = archive.read("README.txt").decode()
    assert f"- p. {outline[0][1] + 1}: Home" in readme
    incidents = list(csv.reader(io.StringIO(archive.read("incident-population.csv").decode())))
    assert incidents[0][:4] == ["Folder", "Started", "Incident", "Severity"]
    assert len(incidents) > 1


def test_bundle_needs_a_built_site(tmp_path: Path) -> None:
    run = run_cli("bundle", str(tmp_path), "-o", str(tmp_path / "x.zip"))
    assert (run.exit_code, run.stderr) == (
        2,
        f"evidence-kit: error: {tmp_path}: no print/index.html; build the site with the "
        "evidence plugin\n",
    )
