"""Business-day arithmetic at its edges: weekends, holidays, both directions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import make_project, run_cli
from evidence_kit.core.workdays import (
    UnknownCountry,
    add_business_days,
    business_days_between,
    holidays_for,
)

D = dt.date


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 3, 2), D(2026, 3, 6), 4),  # Monday -> Friday of the same week
        (D(2026, 3, 2), D(2026, 3, 9), 5),  # Monday -> next Monday
        (D(2026, 3, 6), D(2026, 3, 9), 1),  # Friday -> Monday skips the weekend
        (D(2026, 3, 7), D(2026, 3, 8), 0),  # Saturday -> Sunday
        (D(2026, 3, 2), D(2026, 3, 2), 0),
        (D(2026, 3, 9), D(2026, 3, 2), -5),
        (D(2026, 1, 1), D(2026, 12, 31), 260),
    ],
)
def test_business_days_between(start: dt.date, end: dt.date, expected: int) -> None:
    assert business_days_between(start, end) == expected


def test_holidays_are_skipped() -> None:
    uk = holidays_for("GB", (2026,))
    # Christmas (Fri 25) and Boxing Day observed (Mon 28) in England.
    assert business_days_between(D(2026, 12, 24), D(2026, 12, 29), uk) == 1
    assert add_business_days(D(2026, 12, 24), 1, uk) == D(2026, 12, 29)


def test_add_business_days_over_a_weekend() -> None:
    assert add_business_days(D(2026, 3, 6), 1) == D(2026, 3, 9)
    assert add_business_days(D(2026, 3, 2), 5) == D(2026, 3, 9)


def test_unknown_country() -> None:
    with pytest.raises(UnknownCountry, match="'XX' is not a country"):
        holidays_for("XX", (2026,))


def test_one_holiday_country_for_the_whole_plugin(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"index.md": "# Home\n"}, {"holidays": "XX"})
    run = run_cli("check", "--config", str(config))
    assert (run.exit_code, run.stderr) == (
        2,
        "evidence-kit: error: holidays: 'XX' is not a country the holidays library knows; "
        "write an ISO 3166 code such as GB or US-CA\n",
    )
    config = make_project(tmp_path, {"index.md": "# Home\n"}, {"holidays": "US-CA"})
    assert run_cli("check", "--config", str(config)).exit_code == 0
