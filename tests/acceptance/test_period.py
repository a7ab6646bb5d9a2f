"""The audit period from git history: a real repository whose history holds two reviews, a
rotation changed in March with a 6-hour gap, and quarterly restore tests with one missing.
The site and `evidence-kit status --format json` report exactly those facts."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import build, make_project, run_cli, table_rows, write
from evidence_kit.core import history

PERIOD = {"start": "2026-01-01", "end": "2026-12-31"}
OPTIONS = {
    "types": {"oncall.yml": "oncall", "restore-tests/*.md": "restore-test"},
    "incidents": {"audit_period": PERIOD},
}


def runbook(reviewed: str, by: str) -> str:
    return (
        f"---\ntitle: Incident runbook\ntype: runbook\nowner: Platform team\n"
        f"last_reviewed: {reviewed}\nreviewed_by: {by}\n---\n\n# Incident runbook\n"
    )


PROCEDURE = (
    "---\ntitle: Restore test\ntype: procedure\nowner: Platform team\n"
    "last_reviewed: 2026-01-05\nreviewed_by: Sam Chen\n"
    "recovery_targets: {rto_minutes: 240, rpo_minutes: 15}\n---\n\n# Restore test\n"
)


def shift(start: str, end: str, primary: str, secondary: str) -> str:
    return (
        f"  - start: {start}\n    end: {end}\n    primary: {primary}\n    secondary: {secondary}\n"
    )


def oncall(*shifts: str) -> str:
    return (
        "rotation:\n  name: Platform on-call\n  url: https://oncall.example.com/platform\n"
        "shifts:\n" + "".join(shifts) + "escalation:\n  - level: 1\n    contact: primary\n"
        "    after_minutes: 0\n"
    )


FIRST = shift("2025-12-01T00:00:00+00:00", "2026-04-01T00:00:00+00:00", "Alex Rivera", "Sam Chen")
SECOND = shift("2026-04-01T00:00:00+00:00", "2027-01-10T00:00:00+00:00", "Sam Chen", "Jo Patel")
# The March change: the second shift starts six hours late.
CHANGED = shift("2026-04-01T06:00:00+00:00", "2027-01-10T00:00:00+00:00", "Sam Chen", "Jo Patel")


def restore_test(day: str, minutes: int) -> str:
    return (
        f"---\ntitle: Restore test {day}\ndate: {day}\nscope: full database\n"
        f"data_set: orders database\nrestored_to: isolated instance\n"
        f"recovery_minutes: {minutes}\ndata_loss_minutes: 5\nresult: pass\n---\n\n# Restore\n"
    )


def commit(root: Path, when: str, message: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
    }
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=root, check=True, env=env)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The history: a review in 2025, the rotation, the procedure and its Q1 test; the
    rotation changed on 15 March; the second review in May (after the due date); the Q3
    test. Q2 has no test; Q4 has not ended on 2026-11-26."""
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=tmp_path, check=True)
    config = make_project(
        tmp_path,
        {
            "index.md": "# Home\n",
            "runbook.md": runbook("2025-03-01", "Alex Rivera"),
            "oncall.yml": oncall(FIRST, SECOND),
        },
        OPTIONS,
    )
    commit(tmp_path, "2025-03-01T10:00:00+00:00", "runbook reviewed, rotation")
    docs = tmp_path / "docs"
    write(
        docs,
        {"restore.md": PROCEDURE, "restore-tests/2026-01-14.md": restore_test("2026-01-14", 95)},
    )
    commit(tmp_path, "2026-01-14T16:00:00+00:00", "Q1 restore test")
    write(docs, {"oncall.yml": oncall(FIRST, CHANGED)})
    commit(tmp_path, "2026-03-15T14:00:00+00:00", "rotation changed")
    write(docs, {"runbook.md": runbook("2026-05-10", "Sam Chen")})
    commit(tmp_path, "2026-05-12T09:30:00+00:00", "runbook reviewed")
    write(docs, {"restore-tests/2026-07-09.md": restore_test("2026-07-09", 110)})
    commit(tmp_path, "2026-07-09T17:00:00+00:00", "Q3 restore test")
    return config


def test_status_json_reports_the_period(repo: Path) -> None:
    run = run_cli("status", "--config", str(repo), "--format", "json")
    period = json.loads(run.output)["audit_period"]
    assert (period["start"], period["end"]) == ("2026-01-01", "2026-12-31")
    reviews = {r["path"]: r for r in period["reviews"]}
    runbook_history = reviews["docs/runbook.md"]
    assert [
        (r["last_reviewed"], r["reviewed_by"], r["committed"]) for r in runbook_history["reviews"]
    ] == [
        ("2025-03-01", "Alex Rivera", "2025-03-01"),
        ("2026-05-10", "Sam Chen", "2026-05-12"),
    ]
    assert runbook_history["reviewed_in_period"] == ["2026-05-10"]
    assert runbook_history["overdue"] == [
        {"from": "2026-03-02", "to": "2026-05-09", "ongoing": False}
    ]
    assert runbook_history["verdict"] == (
        "reviewed in the period (2026-05-10); overdue from 2026-03-02 to 2026-05-09"
    )
    assert reviews["docs/restore.md"]["verdict"] == (
        "reviewed in the period (2026-01-05); never overdue (history from 2026-01-05)"
    )
    [coverage] = period["oncall"]
    assert coverage["versions"] == 2
    assert coverage["gaps"] == [
        {
            "from": "2026-04-01T00:00:00+00:00",
            "to": "2026-04-01T06:00:00+00:00",
            "hours": 6.0,
            "recorded": "2026-03-15T14:00:00+00:00",
            "commit": coverage["gaps"][0]["commit"],
        }
    ]
    assert coverage["hours"] - coverage["hours_with_primary"] == 6.0
    [procedure] = period["restore_tests"]["procedures"]
    assert [(w["window"], w["state"]) for w in procedure["windows"]] == [
        ("2026 Q1", "tested"),
        ("2026 Q2", "missing"),
        ("2026 Q3", "tested"),
        ("2026 Q4", "open"),
    ]
    assert [t["date"] for t in period["restore_tests"]["tests"]] == ["2026-01-14", "2026-07-09"]


def test_check_reports_the_gap_and_the_missing_test(repo: Path) -> None:
    run = run_cli("check", "--config", str(repo))
    lines = [
        line for line in run.output.splitlines() if "period-gap" in line or "restore-test" in line
    ]
    commit_id = subprocess.run(
        ["git", "log", "-1", "--format=%h", "--grep=rotation changed"],
        cwd=repo.parent,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert lines == [
        "docs/oncall.yml:4:1: oncall-period-gap: $.shifts: no primary on call from "
        "2026-04-01 00:00 UTC to 2026-04-01 06:00 UTC (6 h), as the schedule recorded "
        f"2026-03-15 14:00 UTC (commit {commit_id}) had it in the audit period; say in the "
        "incident report how the gap was covered",
        "docs/restore.md:7:1: restore-test-missing: $.recovery_targets: no restore test "
        "recorded in 2026 Q2 (2026-04-01 to 2026-06-30), a quarterly window of the audit "
        "period; run the restore test and add a restore-test record",
    ]


def test_the_site_shows_the_period(repo: Path) -> None:
    result = build(repo, strict=False)
    status = result.page("review-status/index.html")
    rows = {r[0]: r for r in table_rows(status) if len(r) == 3}
    assert rows["Incident runbook"][2] == (
        "reviewed in the period (2026-05-10); overdue from 2026-03-02 to 2026-05-09"
    )
    assert "2025-03-01 by Alex Rivera (commit" in rows["Incident runbook"][1]
    card = result.page("runbook/index.html")
    assert "Audit period 2026-01-01 to 2026-12-31" in card
    assert "2026-05-10 by Sam Chen (commit" in card
    oncall_page = result.page("oncall/index.html")
    gap_rows = [r for r in table_rows(oncall_page) if r and r[0] == "2026-04-01 00:00 UTC"]
    assert [r[:4] for r in gap_rows] == [
        ["2026-04-01 00:00 UTC", "2026-04-01 06:00 UTC", "6 h", "2026-03-15 14:00 UTC"]
    ]
    restore = result.page("restore-tests/index.html")
    assert ["2026 Q2", "2026-04-01", "2026-06-30", "missing"] in table_rows(restore)


def test_a_shallow_clone_says_history_unavailable(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", repo.parent.as_uri(), str(clone)], check=True
    )
    run = run_cli("status", "--config", str(clone / "mkdocs.yml"), "--format", "json")
    period = json.loads(run.output)["audit_period"]
    verdicts = {r["path"]: r["verdict"] for r in period["reviews"]}
    assert verdicts["docs/runbook.md"] == f"{history.UNAVAILABLE} (shallow clone)"
    assert period["oncall"][0]["history"] == "unavailable: shallow clone"


def test_one_git_process_per_question(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, ...]] = []
    real = history.git

    def counting(cwd: Path, *args: str) -> str | None:
        calls.append(args)
        return real(cwd, *args)

    monkeypatch.setattr(history, "git", counting)
    run_cli("status", "--config", str(repo), "--format", "json")
    logs = [c for c in calls if c[0] == "log"]
    assert len(logs) == 2  # the reviews of every document, the versions of the data files
