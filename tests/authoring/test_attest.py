"""`evidence-kit review`: a review recorded in the front matter, every other byte kept."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import TODAY, make_project, run_cli
from evidence_kit.authoring.attest import scalar, set_fields

DOC = """---
title: Restore test   # the quarterly one
type: procedure
owner: 'Platform team'
last_reviewed: never
controls: [SOC2:A1.3]
---

# Restore test

last_reviewed: never (the body is not front matter)
"""


def project(tmp_path: Path, doc: str = DOC) -> tuple[Path, Path]:
    config = make_project(tmp_path, {"index.md": "# Home\n", "restore.md": doc})
    return config, tmp_path / "docs/restore.md"


def review(config: Path, path: Path, *args: str) -> tuple[int, str]:
    run = run_cli("review", str(path), "--config", str(config), *args)
    return run.exit_code, run.output + run.stderr


def test_review_edits_only_its_fields(tmp_path: Path) -> None:
    config, path = project(tmp_path)
    assert review(config, path, "--by", "Kim Lopez", "--date", "2026-11-20") == (
        0,
        "reviewed: docs/restore.md on 2026-11-20 by Kim Lopez (was never)\n",
    )
    assert path.read_text() == DOC.replace(
        "last_reviewed: never\n", "last_reviewed: 2026-11-20\nreviewed_by: Kim Lopez\n", 1
    )
    assert run_cli("check", "--strict", "--config", str(config)).exit_code == 0
    # A second review replaces the values in place and adds the note after them.
    assert review(config, path, "--by", "Ola: Berg", "--note", "Restore took 41 min") == (
        0,
        f"reviewed: docs/restore.md on {TODAY} by Ola: Berg (was 2026-11-20)\n",
    )
    assert path.read_text() == DOC.replace(
        "last_reviewed: never\n",
        f'last_reviewed: {TODAY}\nreviewed_by: "Ola: Berg"\nreview_note: Restore took 41 min\n',
        1,
    )
    # A review without a note drops the last review's note: it belonged to that review.
    review(config, path, "--by", "Kim Lopez")
    assert "review_note" not in path.read_text()


def test_review_keeps_crlf_and_replaces_a_block_value(tmp_path: Path) -> None:
    doc = DOC.replace(
        "last_reviewed: never\n", "reviewed_by: >\n  Somebody\n  Else\nlast_reviewed: 2026-01-05\n"
    )
    config, path = project(tmp_path, doc.replace("\n", "\r\n"))
    path.write_bytes(doc.replace("\n", "\r\n").encode())
    assert review(config, path, "--by", "Kim Lopez")[0] == 0
    expected = doc.replace(
        "reviewed_by: >\n  Somebody\n  Else\nlast_reviewed: 2026-01-05\n",
        f"reviewed_by: Kim Lopez\nlast_reviewed: {TODAY}\n",
    )
    assert path.read_bytes() == expected.replace("\n", "\r\n").encode()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--by", " "], "--by: name the person who reviewed the document"),
        (
            ["--by", "K", "--date", "2026-12-01"],
            "--date: 2026-12-01 is after today (2026-11-26); record the day the review took place",
        ),
        (["--by", "K", "--date", "soon"], "--date: 'soon' is not a date; write YYYY-MM-DD"),
    ],
)
def test_review_refuses_bad_input(tmp_path: Path, args: list[str], message: str) -> None:
    config, path = project(tmp_path)
    assert review(config, path, *args) == (2, f"evidence-kit: error: {message}\n")
    assert path.read_text() == DOC


def test_review_refuses_what_is_not_reviewed_on_a_cadence(tmp_path: Path) -> None:
    config, _ = project(tmp_path)
    code, out = review(config, tmp_path / "docs/index.md", "--by", "K")
    assert (code, out) == (
        2,
        "evidence-kit: error: docs/index.md: a page without a type is not reviewed on a "
        "cadence; only a runbook or procedure is\n",
    )
    config, path = project(tmp_path, DOC.replace("never", "2026-11-25"))
    assert review(config, path, "--by", "K", "--date", "2026-11-01") == (
        2,
        "evidence-kit: error: docs/restore.md: already reviewed on 2026-11-25, after "
        "2026-11-01; record a later review\n",
    )


@pytest.mark.parametrize(
    "value", ["Kim Lopez", "yes", "12", "a: b", "#x", "O'Neil", "<<Lead>>", " x"]
)
def test_scalars_read_back_as_written(value: str) -> None:
    text = set_fields("---\nreviewed_by: x\n---\n", {"reviewed_by": scalar(value)})
    assert yaml.safe_load(text.split("---\n")[1]) == {"reviewed_by": value}
