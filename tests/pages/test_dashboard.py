"""The status page, evidence cards and `evidence-kit status` show the same statuses."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import build, make_project, run_cli
from evidence_kit.pages.dashboard import insert_after_title

TODAY = "2027-05-26"


def doc(doc_type: str, last_reviewed: str, title: str, owner: str = "Platform team") -> str:
    return (
        f"---\ntitle: {json.dumps(title)}\ntype: {doc_type}\nowner: {json.dumps(owner)}\n"
        f"last_reviewed: {last_reviewed}\n---\n\n# {title}\n\nSteps.\n"
    )


POSTMORTEM = (
    "---\ntitle: Checkout outage\ntype: postmortem\nseverity: SEV1\nstatus: draft\n"
    "date: 2027-05-20\nowner: Platform team\nincident:\n  start: 2027-05-20T10:00:00+00:00\n"
    "sanitized: true\nrunbooks:\n  - required\n---\n\n# Checkout outage\n"
)


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """One document in each status on 2027-05-26, in two folders."""
    return make_project(
        tmp_path,
        {
            "index.md": "# Home\n",
            "current.md": doc("runbook", "2027-05-01", "Current runbook"),
            "ops/index.md": "---\ntitle: Operations\ntype: section\n---\n\n# Operations\n",
            "ops/overdue.md": doc("runbook", "2026-04-01", "Overdue runbook"),
            "ops/required.md": doc("runbook", "2026-12-01", "Required runbook"),
            "ops/soon.md": doc("procedure", "2026-06-15", "Soon procedure", owner="Ops"),
            "ops/pm/2027-05-20.md": POSTMORTEM,
        },
        {
            "review": {
                "waivers": [
                    {
                        "document": "ops/overdue.md",
                        "rule": "review-overdue",
                        "reason": "rewrite under way",
                        "approver": "CISO",
                        "expires": "2027-06-30",
                    }
                ]
            }
        },
    )


class Elements(HTMLParser):
    """Start tags with their attributes, and the text of the page outside scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.text).append(data)

    def with_class(self, name: str) -> list[dict[str, str | None]]:
        return [a for _, a in self.tags if name in (a.get("class") or "").split()]


def parse(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


def page_path(src_uri: str) -> str:
    return src_uri.removesuffix(".md") + "/index.html"


def test_dashboard_cards_and_status_json_agree(mixed: Path) -> None:
    run = run_cli("status", "--config", str(mixed), "--today", TODAY, "--format", "json")
    report = json.loads(run.output)
    expected = {d["src_uri"]: (d["status"], d["due"]) for d in report["documents"]}
    assert expected == {
        "ops/overdue.md": ("overdue", "2027-04-01"),
        "ops/soon.md": ("due-soon", "2027-06-15"),
        "ops/required.md": ("review-required", "2027-12-01"),
        "current.md": ("current", "2028-05-01"),
    }
    assert run.exit_code == 0  # the only overdue document is waived
    result = build(mixed, strict=False, env={"EVIDENCE_TODAY": TODAY})
    assert result.returncode == 0, result.log
    dashboard = parse(result.page("review-status/index.html"))
    rows = {
        a["data-src-uri"]: (a["data-review-status"], a["data-review-due"])
        for a in dashboard.with_class("evidence-row")
    }
    assert rows == expected
    counts = {
        a["data-count"]: int(a["data-count-value"] or 0)
        for a in dashboard.with_class("evidence-badge")
        if a.get("data-count")
    }
    assert (
        counts
        == report["counts"]
        == {
            "overdue": 1,
            "never-reviewed": 0,
            "review-required": 1,
            "due-soon": 1,
            "current": 1,
        }
    )
    cards = {}
    for src_uri in expected:
        [card] = parse(result.page(page_path(src_uri))).with_class("evidence-card")
        cards[src_uri] = (card["data-review-status"], card["data-review-due"])
    assert cards == expected


def test_dashboard_groups_by_folder_sorted_by_due_date(mixed: Path) -> None:
    result = build(mixed, strict=False, env={"EVIDENCE_TODAY": TODAY})
    html = result.page("review-status/index.html")
    headings = re.findall(r'<h2 id="[^"]*">([^<]*)<', html)
    assert headings == [
        *("Upcoming reviews", "Top level", "Operations", "Waivers"),
        "Reviews in the audit period",
    ]
    order = [a["data-src-uri"] for a in parse(html).with_class("evidence-row")]
    assert order == ["current.md", "ops/overdue.md", "ops/soon.md", "ops/required.md"]
    assert '<a href="../ops/overdue/">Overdue runbook</a>' in html
    assert (
        '<span data-days-left="-55" data-sort="-55">55 days overdue</span>' in html
        and '<span data-days-left="20" data-sort="20">20 days left</span>' in html
    )
    text = " ".join("".join(parse(html).text).split())
    assert "ops/overdue.md review-overdue 2027-06-30 CISO rewrite under way yes" in text


def test_timeline_is_an_svg_of_the_next_year_built_at_build_time(mixed: Path) -> None:
    result = build(mixed, strict=False, env={"EVIDENCE_TODAY": TODAY})
    html = result.page("review-status/index.html")
    start = html.index("<svg", html.index('<div class="evidence-timeline">'))
    svg = ET.fromstring(html[start : html.index("</svg>", start) + 6])
    ns = "{http://www.w3.org/2000/svg}"
    groups = [g.get("data-src-uri") for g in svg.iter(f"{ns}g")]
    # Due within 365 days, soonest first (an overdue one at today's line).
    assert groups == ["ops/overdue.md", "ops/soon.md", "ops/required.md", "current.md"]
    assert svg.findtext(f"{ns}title") == "Review due dates from 2027-05-26 to 2028-05-25"
    months = [t.text for t in svg.iter(f"{ns}text") if t.text and t.text[:3].isalpha()]
    assert months[:9] == ["Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan 2028", "Feb"]


def test_card_shows_review_data_and_the_triggering_postmortem(mixed: Path) -> None:
    result = build(mixed, strict=False, env={"EVIDENCE_TODAY": TODAY})
    page = result.page("ops/required/index.html")
    text = " ".join("".join(parse(page).text).split())
    assert (
        "Review required: a SEV1 incident on 2027-05-20 may change what this document should "
        "say; it is to be reviewed by 2027-06-03. Owner Platform team Last reviewed 2026-12-01 "
        "Next review due 2027-12-01 (every 12 months) Review status review required Last "
        "changed unknown (not a git checkout) Review triggered by SEV1 postmortem of "
        "2027-05-20: Checkout outage"
    ) in text
    assert '<a href="../pm/2027-05-20/">SEV1 postmortem of 2027-05-20: Checkout outage</a>' in page
    # The card sits right under the title.
    assert re.search(
        r"</h1>\s*<p data-generated=\"evidence-kit\">\s*<span class=\"evidence-card\"", page
    )
    overdue = " ".join("".join(parse(result.page("ops/overdue/index.html")).text).split())
    assert (
        "Overdue: the review of this document was due on 2027-04-01. Until it is reviewed, its "
        "content may be out of date. Waived (review-overdue) until 2027-06-30 by CISO: rewrite "
        "under way."
    ) in overdue


def test_front_matter_values_stay_text_in_cards_and_dashboard(tmp_path: Path) -> None:
    title = 'A <b>bold</b> & *star* [x](y.md) | "q" \'s'
    owner = "<script>alert(1)</script>"
    text = doc("runbook", "2026-06-15", title, owner).replace(f"# {title}", "# Runbook")
    config = make_project(tmp_path, {"runbook.md": text})
    result = build(config)
    assert result.returncode == 0, result.log
    # Only the article: page titles in the nav and <title> are the theme's (and the
    # sanitization rules'), not the review views'.
    for page in ("runbook/index.html", "review-status/index.html"):
        article = re.search(r"<article[^>]*>(.*)</article>", result.page(page), re.S)
        assert article is not None
        html = parse(article.group(1))
        assert not [tag for tag, _ in html.tags if tag == "b"], page
        assert not [s for s in html.scripts if "alert(1)" in s], page
        text = "".join(html.text)
        assert owner in text, page
        if page.startswith("review-status"):
            assert title in text


def test_assets_are_generated_local_files_on_every_page(mixed: Path) -> None:
    result = build(mixed, strict=False, env={"EVIDENCE_TODAY": TODAY})
    script = (result.site / "assets/evidence-kit/review.js").read_text(encoding="utf-8")
    style = (result.site / "assets/evidence-kit/review.css").read_text(encoding="utf-8")
    assert "data-review-due" in script and ".evidence-card" in style
    assert not re.search(r"https?://|//[a-z]", script + style)
    for page in ("index.html", "ops/soon/index.html", "review-status/index.html"):
        html = result.page(page)
        prefix = "../" * page.count("/")
        assert f'<script src="{prefix}assets/evidence-kit/review.js"></script>' in html
        assert f'<link rel="stylesheet" href="{prefix}assets/evidence-kit/review.css">' in html


def test_no_status_page_without_reviewable_documents_or_over_an_own_page(tmp_path: Path) -> None:
    plain = make_project(tmp_path / "plain", {"index.md": "# Home\n"})
    assert not (build(plain).site / "review-status").exists()
    own = make_project(
        tmp_path / "own",
        {
            "runbook.md": doc("runbook", "2026-06-15", "Runbook"),
            "review-status.md": "# Our own page\n",
        },
    )
    result = build(own)
    assert result.returncode == 0, result.log
    assert "Our own page" in result.page("review-status/index.html")


def test_status_text_is_sorted_by_due_date(mixed: Path) -> None:
    run = run_cli("status", "--config", str(mixed), "--today", TODAY)
    assert run.exit_code == 0
    assert run.output == (
        "DUE         STATUS           DAYS             TYPE       OWNER          DOCUMENT\n"
        "2027-04-01  overdue          55 days overdue  runbook    Platform team  "
        "docs/ops/overdue.md\n"
        "            waived: review-overdue until 2027-06-30 by CISO: rewrite under way\n"
        "2027-06-15  due-soon         20 days left     procedure  Ops            "
        "docs/ops/soon.md\n"
        "2027-12-01  review-required  189 days left    runbook    Platform team  "
        "docs/ops/required.md\n"
        "            review required by docs/ops/pm/2027-05-20.md (SEV1, 2027-05-20); "
        "review due by 2027-06-03\n"
        "2028-05-01  current          341 days left    runbook    Platform team  "
        "docs/current.md\n"
        "4 documents as of 2027-05-26: 1 overdue, 1 review required, 1 due soon, 1 current\n"
    )
    late = run_cli("status", "--config", str(mixed), "--today", "2027-07-01")
    assert late.exit_code == 1
    assert "2027-04-01  overdue" in late.output


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Title\n\nText.\n", "# Title\n\nCARD\n\n\nText.\n"),
        ("\n\n# Title {#id}\nText.\n", "\n\n# Title {#id}\n\nCARD\n\nText.\n"),
        ("Intro.\n\n# Title\n", "CARD\n\nIntro.\n\n# Title\n"),
        ("## Section\n", "CARD\n\n## Section\n"),
        ("", "CARD\n\n"),
    ],
)
def test_card_goes_under_a_leading_title(body: str, expected: str) -> None:
    assert insert_after_title(body, "CARD") == expected


def test_a_withheld_document_stays_off_the_audit_edition_status_page(tmp_path: Path) -> None:
    internal = doc("runbook", "2027-05-01", "Bridge PINs", owner="Night shift").replace(
        "type: runbook\n", "type: runbook\nvisibility: internal\n"
    )
    config = make_project(
        tmp_path,
        {
            "index.md": "# Home\n",
            "current.md": doc("runbook", "2027-05-01", "Current runbook"),
            "pins.md": internal,
        },
    )
    env = {"EVIDENCE_TODAY": TODAY}
    audit = build(config, env=env)
    assert audit.returncode == 0, audit.log
    published = "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in audit.site.rglob("*")
        if p.is_file()
    )
    assert "Current runbook" in audit.page("review-status/index.html")
    assert "Bridge PINs" not in published
    assert "Night shift" not in published
    shown = build(config, env={**env, "EVIDENCE_AUDIENCE": "internal"})
    assert "Bridge PINs" in shown.page("review-status/index.html")
