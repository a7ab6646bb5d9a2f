"""The published pages in a real headless Chromium: banners turn overdue without a rebuild."""

from __future__ import annotations

import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import build, chromium, make_project
from evidence_kit.report.bundle import CHROMIUM_FLAGS

RUNBOOK_PAGE = "05-backups-recovery/incident-runbook/index.html"
FLAGS = (*CHROMIUM_FLAGS, "--virtual-time-budget=10000")


def dump_dom(page: Path, query: str, profile: Path) -> str:
    """The DOM of `page` after its scripts ran, as Chromium serializes it."""
    proc = subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={profile}", "--dump-dom", f"{page.as_uri()}{query}"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "</html>" in proc.stdout, proc.stderr
    return proc.stdout


class Dom(HTMLParser):
    """Elements by class, with their attributes and text."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[dict[str, str | None], list[str]]] = []
        self._open: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "img", "input", "link", "meta", "hr", "path", "circle", "line"):
            return
        text: list[str] = []
        self.elements.append((dict(attrs), text))
        self._open.append(text)

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag not in ("br", "img", "input", "link", "meta", "hr"):
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for text in self._open:
            text.append(data)

    def find(self, css_class: str) -> list[tuple[dict[str, str | None], str]]:
        return [
            (attrs, " ".join("".join(text).split()))
            for attrs, text in self.elements
            if css_class in (attrs.get("class") or "").split()
        ]

    def elements_with(self, attribute: str) -> list[tuple[dict[str, str | None], str]]:
        return [
            (attrs, " ".join("".join(text).split()))
            for attrs, text in self.elements
            if attribute in attrs
        ]


def dom(html: str) -> Dom:
    parser = Dom()
    parser.feed(html)
    return parser


@pytest.fixture
def site(kit: Path) -> Path:
    """The kit built on 2026-11-26: the runbook is current, due 2027-06-15."""
    result = build(kit)
    assert result.returncode == 0, result.log
    return result.site


def test_banner_turns_overdue_when_read_after_the_due_date(site: Path, tmp_path: Path) -> None:
    built = dom((site / RUNBOOK_PAGE).read_text(encoding="utf-8"))
    [(card, _)] = built.find("evidence-card")
    assert (card["data-review-status"], card["data-review-due"]) == ("current", "2027-06-15")
    assert built.find("evidence-banner") == []

    page = dom(dump_dom(site / RUNBOOK_PAGE, "?evidence-today=2027-06-16", tmp_path / "p"))
    [(card, _)] = page.find("evidence-card")
    assert card["data-review-status"] == "overdue"
    assert card["data-review-seen"] == "2027-06-16"
    [(banner, text)] = page.find("evidence-banner")
    assert (banner["class"], banner["role"]) == (
        "evidence-banner evidence-banner--overdue",
        "alert",
    )
    assert text == (
        "Overdue: the review of this document was due on 2027-06-15 (today is 2027-06-16). "
        "Until it is reviewed, its content may be out of date."
    )
    assert [text for _, text in page.find("evidence-badge")] == ["overdue"]


def test_no_banner_on_the_due_day_itself(site: Path, tmp_path: Path) -> None:
    page = dom(dump_dom(site / RUNBOOK_PAGE, "?evidence-today=2027-06-15", tmp_path / "p"))
    [(card, _)] = page.find("evidence-card")
    assert card["data-review-status"] == "current"
    assert "data-review-seen" not in card
    assert page.find("evidence-banner") == []
    assert [text for _, text in page.find("evidence-badge")] == ["current"]


def test_status_page_rows_and_counts_turn_overdue(site: Path, tmp_path: Path) -> None:
    page = dom(
        dump_dom(site / "review-status/index.html", "?evidence-today=2027-06-16", tmp_path / "p")
    )
    rows = [attrs["data-review-status"] for attrs, _ in page.find("evidence-row")]
    assert rows == ["overdue", "overdue"]
    counts = [text for attrs, text in page.find("evidence-badge") if attrs.get("data-count")]
    assert counts == [
        "2 overdue",
        "0 never reviewed",
        "0 review required",
        "0 due soon",
        "0 current",
    ]
    days = [text for attrs, text in page.elements_with("data-days-left")]
    assert days == ["1 day overdue", "1 day overdue"]


def test_status_table_sorts_by_a_clicked_column(tmp_path: Path) -> None:
    def runbook(owner: str, reviewed: str) -> str:
        return (
            f"---\ntitle: Runbook {owner}\ntype: runbook\nowner: {owner}\n"
            f"last_reviewed: {reviewed}\n---\n\n# Runbook {owner}\n"
        )

    config = make_project(
        tmp_path,
        {
            "a.md": runbook("Beta", "2026-03-01"),
            "b.md": runbook("Alpha", "2026-05-01"),
            "c.md": runbook("Gamma", "2026-04-01"),
        },
    )
    result = build(config)
    assert result.returncode == 0, result.log
    built = result.page("review-status/index.html")
    # A test-only page: the status page plus a reader who clicks "Days left" twice.
    clicks = (
        "<script>window.addEventListener('load', function () { setTimeout(function () {"
        " var th = Array.prototype.find.call(document.querySelectorAll('thead th'),"
        " function (h) { return h.textContent.trim() === 'Days left'; });"
        " th.click(); th.click(); }, 50); });</script>"
    )
    test_page = result.site / "review-status" / "clicked.html"
    test_page.write_text(built.replace("</body>", clicks + "</body>"), encoding="utf-8")
    before = [a["data-src-uri"] for a, _ in dom(built).find("evidence-row")]
    assert before == ["a.md", "c.md", "b.md"]
    page = dom(dump_dom(test_page, "", tmp_path / "p"))
    after = [a["data-src-uri"] for a, _ in page.find("evidence-row")]
    assert after == ["b.md", "c.md", "a.md"]
    sorted_by = [text for attrs, text in page.elements_with("aria-sort")]
    assert sorted_by == ["Days left"]


def test_missing_chromium_fails_in_ci_and_skips_elsewhere(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"^chromium is not installed; \.ci/run"):
        chromium()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match=r"^chromium is not installed \(apt-get"):
        chromium()
