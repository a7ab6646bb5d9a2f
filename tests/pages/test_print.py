"""The print version: built for real, printed with headless Chromium, read back with pdftotext."""

from __future__ import annotations

import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import REPO, TODAY, build, chromium, make_project, required_tool
from evidence_kit.pages import printing
from evidence_kit.pages.printing import PrintedPage
from evidence_kit.report.bundle import CHROMIUM_FLAGS

KIT_PAGES = [
    ("Home", ""),
    ("Backups and recovery", "05-backups-recovery/"),
    ("Incident runbook", "05-backups-recovery/incident-runbook/"),
    ("Restore test", "05-backups-recovery/restore-test/"),
    ("Restore test records", "05-backups-recovery/restore-tests/"),
    *(
        (f"Restore test {day}", f"05-backups-recovery/restore-tests/{day}/")
        for day in ("2025-12-04", "2026-01-08", "2026-04-09", "2026-07-09", "2026-10-08")
    ),
    ("On-call rotation", "05-backups-recovery/oncall/"),
    ("Postmortems", "05-backups-recovery/postmortems/"),
    (
        "Nightly customer export delivered six hours late",
        "05-backups-recovery/postmortems/2026-01-21-nightly-export-delay/",
    ),
    (
        "Primary database failover during storage degradation",
        "05-backups-recovery/postmortems/2026-03-06-database-failover/",
    ),
    (
        "Sign-in errors after an identity provider certificate rotation",
        "05-backups-recovery/postmortems/2026-05-19-login-errors/",
    ),
    (
        "Public API unavailable after a load balancer configuration change",
        "05-backups-recovery/postmortems/2026-06-02-api-outage/",
    ),
    ("Incident response report", "05-backups-recovery/postmortems/incident-report/"),
    ("Controls matrix", "controls/"),
    ("Evidence index", "evidence-index/"),
    ("Review status", "review-status/"),
    ("Publication report", "publication-report/"),
]


def print_to_pdf(page: Path, out: Path) -> list[str]:
    """Print `page` as a browser's Save as PDF would; the text of each PDF page."""
    pdftotext = required_tool("pdftotext")
    profile = out.parent / "chromium-profile"
    subprocess.run(
        [
            chromium(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    text = subprocess.run(
        [pdftotext, "-layout", str(out), "-"], check=True, capture_output=True, text=True
    ).stdout
    # pdftotext ends every page with a form feed.
    return text.split("\f")[:-1]


class _Print(HTMLParser):
    """Ids, links and sources of the print page, and the titles of its sections."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.where: list[str] = []
        self._in_where = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag in ("a", "link") and found.get("href") is not None:
            self.hrefs.append(str(found["href"]))
        if found.get("src") is not None:
            self.srcs.append(str(found["src"]))
        self._in_where = tag == "p" and found.get("class") == "ek-where"

    def handle_data(self, data: str) -> None:
        if self._in_where:
            self.where.append(data)
            self._in_where = False


def parse(html: str) -> _Print:
    parser = _Print()
    parser.feed(html)
    return parser


def test_print_page_prints_every_published_page_in_nav_order(kit: Path, tmp_path: Path) -> None:
    result = build(kit)
    assert result.returncode == 0, result.log
    rendered = {
        p.parent.relative_to(result.site).as_posix() for p in result.site.rglob("index.html")
    }
    published = {"" if p == "." else f"{p}/" for p in rendered - {"print"}}
    assert published == {url for _, url in KIT_PAGES}

    pages = print_to_pdf(result.site / "print/index.html", tmp_path / "kit.pdf")
    cover = " ".join(pages[0].split())
    assert cover.startswith("Example Co compliance evidence Audit evidence for SOC 2")
    assert f"Built {TODAY} Commit unknown (not a git checkout) Pages {len(KIT_PAGES)}" in cover
    assert "Contents" in pages[1]
    # Each page starts a new sheet headed by its title and address, in nav order; the
    # postmortems and restore tests (not in the nav) follow their folder's index page.
    starts = []
    for title, _ in KIT_PAGES:
        heading = f"{title} · /"
        after = starts[-1] + 1 if starts else 2
        starts.append(
            next(
                i
                for i in range(after, len(pages))
                if " ".join(pages[i].split()).startswith(heading)
            )
        )
    assert starts == sorted(starts)
    assert starts[0] == 2
    assert len(pages) >= 2 + len(KIT_PAGES)
    text = "".join(pages)
    assert "Post in #incidents a one-line description" in " ".join(text.split())
    assert "On-call rotation link" not in text


def test_print_page_links_stay_inside_the_document_or_the_site(kit: Path) -> None:
    result = build(kit)
    html = result.page("print/index.html")
    found = parse(html)
    assert found.where == [f"{title} · /{url}" for title, url in KIT_PAGES]
    internal = [h for h in found.hrefs if h.startswith("#")]
    assert len(internal) > 40
    assert {h[1:] for h in internal} <= found.ids
    assert "page-05-backups-recovery-incident-runbook--postmortem-template" in found.ids
    # A heading's permalink is hidden in print: the print version leaves it out.
    assert 'class="headerlink"' not in html
    for ref in [h for h in found.hrefs + found.srcs if not h.startswith(("#", "https://"))]:
        assert (result.site / "print" / ref.split("#")[0]).resolve().exists(), ref
    external = {h for h in found.hrefs if h.startswith("https://")}
    assert external == {
        "https://status.example.com",
        "https://oncall.example.com/schedules/platform",
    }


def test_print_page_is_self_contained_and_not_indexed(kit: Path) -> None:
    result = build(kit)
    html = result.page("print/index.html")
    css = result.page("print/print.css")
    shipped = REPO / "plugins" / "evidence_kit" / "pages" / "print.css"
    assert (result.site / "print" / "print.css").read_bytes() == shipped.read_bytes()
    assert "@page" in css
    assert "url(" not in css
    assert "@import" not in css
    assert "<script" not in html
    assert '<link rel="stylesheet" href="print.css">' in html
    assert "print/" not in (result.site / "search/search_index.json").read_text()
    assert "print/" not in (result.site / "sitemap.xml").read_text()


def test_print_page_leaves_out_unpublished_pages_and_escapes_names(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        {
            "index.md": "# Home\n\nSee [the guide](guide.md#setup).\n",
            "guide.md": "---\ntitle: 'Guide & <more>'\n---\n\nNo heading here.\n\n## Setup\n",
            "broken.md": "---\ntitle: [Broken\n---\n# Broken page\n",
        },
        site_name="Evidence <script>alert(1)</script>",
    )
    result = build(config, strict=False)
    html = result.page("print/index.html")
    found = parse(html)
    assert found.where == [
        "Home · /",
        "Controls matrix · /controls/",
        "Evidence index · /evidence-index/",
        "Guide & <more> · /guide/",
        "Publication report · /publication-report/",
    ]
    assert "Broken page" not in html
    assert "<script>" not in html
    assert "<h1>Guide &amp; &lt;more&gt;</h1>" in html
    assert '<a href="#page-guide--setup">the guide</a>' in html
    assert 'id="page-guide--setup"' in html


def test_print_page_names_the_commit(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"index.md": "# Home\n"})
    git = ["git", "-C", str(tmp_path), "-c", "user.name=T", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    (tmp_path / ".gitignore").write_text("site/\n")
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "evidence"], check=True)
    head = subprocess.run(
        [*git, "rev-parse", "--short=12", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    assert f"<dt>Commit</dt><dd>{head}</dd>" in build(config).page("print/index.html")
    (tmp_path / "docs/index.md").write_text("# Home, edited\n")
    edited = build(config).page("print/index.html")
    assert f"<dt>Commit</dt><dd>{head} with uncommitted changes</dd>" in edited


def page(url: str, html: str = "", title: str = "") -> PrintedPage:
    return PrintedPage(title or url, url, html)


@pytest.mark.parametrize(
    ("urls", "nav", "expected"),
    [
        (["", "a/", "a/x/", "b/"], ["", "b/", "a/"], ["", "b/", "a/", "a/x/"]),
        (
            ["", "a/", "a/pm/", "a/pm/2/", "a/pm/1/", "a/z/"],
            ["", "a/", "a/pm/"],
            ["", "a/", "a/z/", "a/pm/", "a/pm/1/", "a/pm/2/"],
        ),
        (["x/", "y/"], ["y/"], ["y/", "x/"]),
        (
            ["index.html", "a/index.html", "a/b.html", "c.html"],
            ["index.html", "c.html", "a/index.html"],
            ["index.html", "c.html", "a/index.html", "a/b.html"],
        ),
        (["", "gone/"], ["", "missing/", ""], ["", "gone/"]),
    ],
)
def test_order_follows_the_nav(urls: list[str], nav: list[str], expected: list[str]) -> None:
    ordered = printing.order([page(u) for u in urls], nav)
    assert [p.url for p in ordered] == expected


@pytest.mark.parametrize(
    ("url", "html", "expected"),
    [
        (
            "a/b/",
            '<a href="../c/">c</a>',
            '<a href="#page-a-c">c</a>',
        ),
        (
            "a/b/",
            '<a href="../c/#step-2" title="x">c</a>',
            '<a href="#page-a-c--step-2" title="x">c</a>',
        ),
        ("a/b/", '<h2 id="setup">S</h2>', '<h2 id="page-a-b--setup">S</h2>'),
        (
            "a/b/",
            '<h2 id="setup">Setup<a class="headerlink" href="#setup" title="Permanent link">'
            "&para;</a></h2>",
            '<h2 id="page-a-b--setup">Setup</h2>',
        ),
        (
            "a/b/",
            '<a class="other" href="#setup">¶</a>',
            '<a class="other" href="#page-a-b--setup">¶</a>',
        ),
        (
            "a/b/",
            '<a href="https://x.example/?a=1&amp;b=2">x</a>',
            '<a href="https://x.example/?a=1&amp;b=2">x</a>',
        ),
        (
            "a/b/",
            '<a href="mailto:ops@example.com">m</a>',
            '<a href="mailto:ops@example.com">m</a>',
        ),
        ("a/b/", '<img alt="d" src="../img/d.png">', '<img alt="d" src="../a/img/d.png">'),
        ("a/b/", '<a href="../../">home</a>', '<a href="#page-home">home</a>'),
        ("a/b.html", '<a href="c.html#x">c</a>', '<a href="#page-a-c-html--x">c</a>'),
        ("a/b.html", '<a href="../files/r.pdf">r</a>', '<a href="../files/r.pdf">r</a>'),
        ("a/b/", '<code>&lt;a href="../c/"&gt;</code>', '<code>&lt;a href="../c/"&gt;</code>'),
    ],
)
def test_rewrite_makes_links_work_from_the_print_page(url: str, html: str, expected: str) -> None:
    pages = [page(u) for u in ("", "a/c/", "a/b/", "a/c.html", "a/b.html")]
    anchors = {p.url: printing.anchor(p.url) for p in pages}
    assert printing.rewrite(page(url, html), anchors) == expected


def test_print_page_uses_the_sites_own_stylesheets_only(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        {"index.md": "# Home\n", "css/own.css": ".x { color: red; }\n"},
        extra_css=["css/own.css", "https://cdn.example.com/theme.css", "/abs.css"],
    )
    # The audit gate fails an external stylesheet on every page; the internal edition shows
    # the print page's own choice.
    audit = build(config)
    assert audit.returncode == 1
    assert "site/print/index.html" not in audit.log
    result = build(config, env={"EVIDENCE_AUDIENCE": "internal"})
    assert result.returncode == 0, result.log
    found = parse(result.page("print/index.html"))
    stylesheets = [h for h in found.hrefs if h.endswith(".css")]
    assert stylesheets == ["../css/own.css", "../assets/evidence-kit/review.css", "print.css"]
    for href in stylesheets:
        assert (result.site / "print" / href).resolve().is_file()


def test_kit_print_page_styles_the_review_cards(kit: Path) -> None:
    html = build(kit).page("print/index.html")
    assert '<link rel="stylesheet" href="../assets/evidence-kit/review.css">' in html


def test_the_print_version_written_beside_the_pages_is_put_in_place_whole(
    tmp_path: Path,
) -> None:
    pages = {f"page-{n}.md": f"# Page {n}\n\nThe lead pages the team ({n}).\n" for n in range(40)}
    config = make_project(
        tmp_path, {"index.md": "# Home\n\nHello.\n", **pages}, {"publish": {"audience": "audit"}}
    )
    result = build(config)
    assert result.returncode == 0, result.log
    html = result.page("print/index.html")
    built = [page for page in result.site.rglob("index.html") if page.parent.name != "print"]
    assert html.count('<article class="ek-page"') == len(built) > 41
    assert "The lead pages the team (39)." in html
    assert html.endswith("</main>\n</body>\n</html>\n")
    # The draft the child wrote is the page now; nothing else of it is left in the site.
    assert sorted(p.name for p in (result.site / "print").iterdir()) == ["index.html", "print.css"]
