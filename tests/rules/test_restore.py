"""Restore tests: cadence windows, the generated page and its charts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from conftest import make_project
from evidence_kit import pipeline
from evidence_kit.cli import load_settings
from evidence_kit.core.options.restore import RestoreSettings, parse_restore

CASES = Path(__file__).resolve().parent / "cases"


@pytest.mark.parametrize(
    ("cadence", "labels"),
    [
        ("quarterly", ["2025 Q4", "2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4"]),
        ("half-yearly", ["2025 H2", "2026 H1", "2026 H2"]),
        ("yearly", ["2025", "2026"]),
    ],
)
def test_windows_cover_the_period(cadence: str, labels: list[str]) -> None:
    windows = RestoreSettings(cadence).windows(dt.date(2025, 11, 26), dt.date(2026, 11, 26))
    assert [w.label for w in windows] == labels
    assert windows[0].start <= dt.date(2025, 11, 26) and windows[-1].end >= dt.date(2026, 11, 26)


def test_cadence_option_is_checked() -> None:
    errors: list[str] = []
    parse_restore({"cadence": "weekly", "cadense": 1}, errors)
    assert errors == [
        "restore_tests: cadence: expected one of monthly, quarterly, half-yearly, yearly, "
        "got 'weekly'",
        "restore_tests: cadense: unknown option; did you mean 'cadence'?",
    ]


def test_page_lists_windows_tests_and_charts(tmp_path: Path) -> None:
    spec = yaml.safe_load((CASES / "restore-test-missing.yml").read_text(encoding="utf-8"))
    config = make_project(tmp_path, spec["files"], spec["options"])
    evidence = pipeline.run(load_settings(config, None))
    page = evidence.generated["restore-tests/index.md"]
    assert "| 2026 Q2 | 2026-04-01 | 2026-06-30 | **missing** |" in page
    assert "| 2026 Q1 | 2026-01-01 | 2026-03-31 | 2026-01-14 |" in page
    assert "| 2026 Q4 | 2026-10-01 | 2026-12-31 | open (not ended) |" in page
    assert "RTO 240 min, RPO 15 min. 4 windows, 1 missing." in page
    assert page.count("<svg") == 2 and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert "<title>2026-01-14: 95 min (pass)</title>" in page
