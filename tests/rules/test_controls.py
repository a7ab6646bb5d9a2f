"""Control catalogues, the `control-unknown` rule, the controls matrix and the evidence index."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO, build, edit, kit_check_output, make_project, run_cli
from evidence_kit import cli, pipeline
from evidence_kit.core.evidence import Evidence
from evidence_kit.core.model import Document
from evidence_kit.core.options.controls import catalogues
from evidence_kit.pages import controls as control_pages
from evidence_kit.rules import controls

RUNBOOK = "evidence/05-backups-recovery/incident-runbook.md"
CATALOGUE_FILES = REPO / "plugins/evidence_kit/rules/catalogues"
RUNBOOK_CONTROLS = {
    "SOC2:CC7.3",
    "SOC2:CC7.4",
    "SOC2:CC7.5",
    "ISO27001:A.5.24",
    "ISO27001:A.5.25",
    "ISO27001:A.5.26",
    "ISO27001:A.5.27",
    "ISO27001:A.5.28",
}


class _Tables(HTMLParser):
    """The tables of a built page: rows of (cell text, [(link text, href)])."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[tuple[str, list[tuple[str, str]]]]]] = []
        self._cell: list[str] | None = None
        self._links: list[tuple[str, str]] = []
        self._href: str | None = None
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts += 1
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell, self._links = [], []
        elif tag == "a" and self._cell is not None:
            self._href = dict(attrs).get("href") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(("".join(self._cell).strip(), self._links))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
            if self._href is not None:
                self._links.append((data, self._href))
                self._href = None


def tables(html: str) -> _Tables:
    parser = _Tables()
    parser.feed(html)
    return parser


def matrix_rows(html: str) -> dict[str, tuple[list[str], str]]:
    """Control ref -> (titles of the documents evidencing it, state), from the built page."""
    rows = {}
    for table in tables(html).tables[1:]:
        for row in table[1:]:
            ref, _title, evidence, state = row
            rows[ref[0]] = ([text for text, _ in evidence[1]], state[0])
    return rows


def shipped(name: str) -> dict[str, Any]:
    """A catalogue as its YAML file says, read without the kit's loader."""
    data: dict[str, Any] = yaml.safe_load((CATALOGUE_FILES / name).read_text(encoding="utf-8"))
    return data


def shipped_refs(name: str) -> list[str]:
    """`ISO27001:A.5.24`, ... in the file's order."""
    data = shipped(name)
    return [f"{data['id']}:{c['id']}" for c in data["controls"]]


def kit_evidence(kit: Path) -> Evidence:
    return pipeline.run(cli.load_settings(kit, None))


# --- the shipped kit -------------------------------------------------------------------


KIT_POSTMORTEMS = [
    "Nightly customer export delivered six hours late",
    "Primary database failover during storage degradation",
    "Sign-in errors after an identity provider certificate rotation",
    "Public API unavailable after a load balancer configuration change",
]
"""The kit's sanitized postmortems, oldest first (the draft of November is withheld)."""


def test_kit_matrix_shows_the_runbook_under_its_controls(kit: Path) -> None:
    result = build(kit)
    assert result.returncode == 0, result.log
    rows = matrix_rows(result.page("controls/index.html"))
    assert {ref for ref, (docs, _) in rows.items() if "Incident runbook" in docs} == (
        RUNBOOK_CONTROLS
    )
    assert rows["SOC2:CC7.4"] == (["Incident runbook", *KIT_POSTMORTEMS], "evidenced")
    assert rows["SOC2:A1.2"] == (["Restore test"], "evidenced")
    # The kit's SEV1 came from a change: it evidences change management too.
    assert rows["SOC2:CC8.1"] == ([KIT_POSTMORTEMS[3]], "evidenced")
    assert rows["SOC2:CC6.1"] == ([], "gap")
    assert rows["ISO27001:A.8.32"] == ([], "gap")
    summary = tables(result.page("controls/index.html")).tables[0]
    assert [[cell for cell, _ in row] for row in summary] == [
        ["Catalogue", "Controls", "Evidenced", "Stale", "Gaps"],
        ["SOC 2 Trust Services Criteria", "61", "6", "0", "55"],
        ["ISO/IEC 27001:2022 Annex A", "93", "6", "0", "87"],
    ]


def test_kit_matrix_links_reach_the_documents(kit: Path) -> None:
    result = build(kit)
    html = result.page("controls/index.html")
    hrefs = {
        href for table in tables(html).tables for row in table for _, ls in row for _, href in ls
    }
    assert hrefs == {
        "../05-backups-recovery/incident-runbook/",
        "../05-backups-recovery/restore-test/",
        "../05-backups-recovery/postmortems/2026-01-21-nightly-export-delay/",
        "../05-backups-recovery/postmortems/2026-03-06-database-failover/",
        "../05-backups-recovery/postmortems/2026-05-19-login-errors/",
        "../05-backups-recovery/postmortems/2026-06-02-api-outage/",
    }
    for href in hrefs:
        assert (result.site / "controls" / href / "index.html").resolve().is_file()


def test_overdue_runbook_turns_its_controls_stale(kit: Path) -> None:
    # The seam: statuses come in as a function, as the review lifecycle will give them.
    evidence = kit_evidence(kit)

    def status(doc: Document) -> str:
        if doc.doc_type == "postmortem":
            return ""
        return "overdue" if doc.path == RUNBOOK else "current"

    items = control_pages.evidence_items(evidence, status)
    sections = control_pages.matrix(["SOC2", "ISO27001"], items)
    states = {row.control.ref: row.state for _, rows in sections for row in rows}
    assert {ref for ref, state in states.items() if state == "stale"} == RUNBOOK_CONTROLS
    assert states["SOC2:A1.3"] == "evidenced"
    page = control_pages.render_matrix(sections)
    assert (
        "<tr><td>SOC2:CC7.4</td> "
        "<td>Respond to security incidents with a defined incident-response programme</td> "
        '<td><a href="05-backups-recovery/incident-runbook.md">Incident runbook</a> (overdue)'
        '<br><a href="05-backups-recovery/postmortems/2026-01-21-nightly-export-delay.md">'
        "Nightly customer export delivered six hours late</a> (—)"
        '<br><a href="05-backups-recovery/postmortems/2026-03-06-database-failover.md">'
        "Primary database failover during storage degradation</a> (—)"
        '<br><a href="05-backups-recovery/postmortems/2026-05-19-login-errors.md">'
        "Sign-in errors after an identity provider certificate rotation</a> (—)"
        '<br><a href="05-backups-recovery/postmortems/2026-06-02-api-outage.md">'
        "Public API unavailable after a load balancer configuration change</a> (—)</td> "
        "<td><strong>stale</strong></td></tr>"
    ) in page.splitlines()
    assert "| SOC 2 Trust Services Criteria | 61 | 3 | 3 | 55 |" in page.splitlines()


def test_overdue_runbook_shows_stale_in_the_built_matrix(kit: Path) -> None:
    edit(
        kit.parent / RUNBOOK,
        lambda s: s.replace("last_reviewed: 2026-06-15", "last_reviewed: 2025-06-15"),
    )
    result = build(kit, strict=False)
    rows = matrix_rows(result.page("controls/index.html"))
    assert {ref for ref, (_, state) in rows.items() if state == "stale"} == RUNBOOK_CONTROLS


def test_kit_evidence_index_lists_every_published_document(kit: Path) -> None:
    result = build(kit)
    found = tables(result.page("evidence-index/index.html")).tables
    listed = [[cell for cell, _ in row] for table in found for row in table[1:]]
    assert listed == [
        ["Compliance evidence", "page", "—", "—", "—"],
        ["Review status", "generated", "—", "—", "—"],
        ["Backups and recovery", "section", "Platform team", "—", "—"],
        ["Incident runbook", "runbook", "Platform team", "2026-06-15", "current"],
        ["Restore test", "procedure", "Platform team", "2026-06-15", "current"],
        ["Platform on-call", "oncall", "—", "—", "—"],
        ["Postmortems", "generated", "—", "—", "—"],
        [KIT_POSTMORTEMS[3], "postmortem", "Platform team", "2026-06-05", "—"],
        [KIT_POSTMORTEMS[2], "postmortem", "Identity team", "2026-05-22", "—"],
        [KIT_POSTMORTEMS[1], "postmortem", "Platform team", "2026-03-06", "—"],
        [KIT_POSTMORTEMS[0], "postmortem", "Data team", "2026-01-23", "—"],
        ["Incident response report", "generated", "—", "—", "—"],
        ["Restore tests", "generated", "—", "—", "—"],
        *(
            [f"Restore test {day}", "restore-test", "Platform team", day, "—"]
            for day in ("2026-10-08", "2026-07-09", "2026-04-09", "2026-01-08", "2025-12-04")
        ),
    ]
    for table in found:
        for row in table[1:]:
            ((_, href),) = row[0][1]
            assert (result.site / "evidence-index" / href / "index.html").resolve().is_file()


def test_kit_nav_has_the_auditor_pages(kit: Path) -> None:
    html = build(kit).page("index.html")
    assert 'href="controls/"' in html
    assert 'href="evidence-index/"' in html


# --- the rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "problem"),
    [
        ("SOC2:CC7.3", ""),
        ("ISO27001:A.8.13", ""),
        (
            "SOC2:CC73",
            "unknown control SOC2:CC73 in SOC 2 Trust Services Criteria; did you mean SOC2:CC7.3?",
        ),
        (
            "SOC2:A.5.26",
            "unknown control SOC2:A.5.26 in SOC 2 Trust Services Criteria; "
            "did you mean ISO27001:A.5.26?",
        ),
        (
            "ISO27002:A.5.26",
            "unknown control catalogue 'ISO27002' in ISO27002:A.5.26; did you mean ISO27001:A.5.26?",
        ),
        ("PCI:1.2", "unknown control catalogue 'PCI' in PCI:1.2; use ISO27001 or SOC2"),
        (
            "SOC2:XYZ",
            "unknown control SOC2:XYZ in SOC 2 Trust Services Criteria; "
            "`evidence-kit controls SOC2` lists its controls",
        ),
    ],
)
def test_unknown_control_names_a_fix(ref: str, problem: str) -> None:
    assert controls.unknown_control(ref, catalogues()) == problem


def test_unknown_control_fails_check_and_build(kit: Path) -> None:
    edit(
        kit.parent / RUNBOOK,
        lambda s: s.replace("  - SOC2:CC7.3\n", "  - SOC2:CC73\n").replace(
            "  - ISO27001:A.5.27\n", "  - SOC2:A.5.27\n"
        ),
    )
    expected = [
        f"{RUNBOOK}:10:5: control-unknown: $.controls[0]: unknown control SOC2:CC73 in "
        "SOC 2 Trust Services Criteria; did you mean SOC2:CC7.3?",
        f"{RUNBOOK}:16:5: control-unknown: $.controls[6]: unknown control SOC2:A.5.27 in "
        "SOC 2 Trust Services Criteria; did you mean ISO27001:A.5.27?",
    ]
    run = run_cli("check", "--config", str(kit))
    assert (run.exit_code, run.output) == (1, kit_check_output(*expected))
    result = build(kit)
    assert result.returncode == 1
    assert result.warnings() == expected


def test_malformed_control_is_left_to_the_schema(tmp_path: Path) -> None:
    doc = "---\ntitle: S\ntype: section\ncontrols: [soc2-cc7.3, 7]\n---\n# S\n"
    config = make_project(tmp_path, {"s.md": doc})
    run = run_cli("check", "--config", str(config))
    assert [line.split(": ")[1] for line in run.output.splitlines()[:-1]] == ["schema", "schema"]


def test_a_page_named_like_a_generated_one_wins_with_a_warning(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"index.md": "# Home\n", "controls.md": "# Our controls\n"})
    run = run_cli("check", "--config", str(config))
    assert (run.exit_code, run.output) == (
        0,
        "docs/controls.md:1:1: page-name-taken: controls.md is where the generated controls "
        "matrix goes; this page replaces it, so rename the page to publish the generated one\n"
        "0 errors, 1 warning\n",
    )
    result = build(config)
    assert result.returncode == 0, result.log
    assert "Our controls" in result.page("controls/index.html")
    assert "Evidence index" in result.page("evidence-index/index.html")


# --- options -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (
            {"catalogues": ["SOC2", "PCI"]},
            "controls: catalogues: 'PCI' is not a shipped catalogue; use ISO27001 or SOC2, "
            "or name a .yml file of your own",
        ),
        (
            {"catalogue": ["SOC2"]},
            "controls: catalogue: unknown option; did you mean 'catalogues'?",
        ),
        (
            {"catalogues": "SOC2"},
            "controls: catalogues: expected a list of catalogue ids, e.g. [SOC2]",
        ),
        (["SOC2"], "controls: expected a mapping, e.g. {catalogues: [SOC2, ISO27001]}"),
    ],
)
def test_bad_controls_option_stops_check_and_build(
    tmp_path: Path, option: object, message: str
) -> None:
    config = make_project(tmp_path, {"index.md": "# Home\n"}, {"controls": option})
    run = run_cli("check", "--config", str(config))
    assert (run.exit_code, run.stderr) == (2, f"evidence-kit: error: {message}\n")
    if isinstance(option, dict):
        result = build(config)
        assert result.returncode == 1
        assert f"ERROR   -  evidence: invalid plugin options: {message}" in result.log.splitlines()


def test_scope_limits_the_matrix_to_the_chosen_catalogues(tmp_path: Path) -> None:
    doc = "---\ntitle: R\ntype: section\ncontrols: [SOC2:CC8.1, ISO27001:A.8.32]\n---\n# R\n"
    config = make_project(
        tmp_path, {"index.md": "# Home\n", "r.md": doc}, {"controls": {"catalogues": ["ISO27001"]}}
    )
    result = build(config)
    assert result.returncode == 0, result.log
    rows = matrix_rows(result.page("controls/index.html"))
    assert list(rows) == shipped_refs("iso27001.yml")
    assert len(rows) == 93
    assert rows["ISO27001:A.8.32"] == (["R"], "evidenced")


# --- the pages -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statuses", "state"),
    [
        ([], "gap"),
        (["current"], "evidenced"),
        (["overdue"], "stale"),
        (["overdue", "overdue"], "stale"),
        (["overdue", "current"], "evidenced"),
        (["overdue", "due-soon"], "evidenced"),
        (["overdue", "review-required"], "evidenced"),
        (["overdue", ""], "stale"),
        (["overdue", "unknown"], "stale"),
        (["unknown"], "evidenced"),
        ([""], "evidenced"),
    ],
)
def test_control_state(statuses: list[str], state: str) -> None:
    assert control_pages.control_state(statuses) == state


def test_titles_and_owners_stay_text_on_the_pages(tmp_path: Path) -> None:
    doc = (
        "---\ntitle: '<script>alert(1)</script> | *x* [y](z)'\ntype: section\n"
        "owner: 'A & B <b>'\ncontrols: [SOC2:CC8.1]\n---\n# Change\n"
    )
    config = make_project(tmp_path, {"index.md": "# Home\n", "c.md": doc})
    result = build(config)
    assert result.returncode == 0, result.log
    for page in ("controls/index.html", "evidence-index/index.html"):
        parsed = tables(result.page(page))
        links = [text for t in parsed.tables for row in t for _, ls in row for text, _ in ls]
        assert "<script>alert(1)</script> | *x* [y](z)" in links
        assert parsed.scripts == len(re.findall(r"<script\b", result.page("index.html")))
    index = tables(result.page("evidence-index/index.html")).tables
    assert [row[2][0] for t in index for row in t[1:] if row[1][0] == "section"] == ["A & B <b>"]


def test_index_lists_records_newest_first_and_skips_unpublishable_pages(tmp_path: Path) -> None:
    def postmortem(day: str) -> str:
        return (
            (REPO / "evidence/05-backups-recovery/postmortems/2026-03-06-database-failover.md")
            .read_text()
            .replace("date: 2026-03-06", f"date: 2026-03-{day}")
            .replace("title: Primary database", f"title: {day} Primary database")
        )

    config = make_project(
        tmp_path,
        {
            "index.md": "# Home\n",
            "pm/index.md": "---\ntitle: Postmortems\ntype: section\n---\n# P\n",
            "pm/a.md": postmortem("05"),
            "pm/b.md": postmortem("20"),
            "pm/c.md": postmortem("12"),
            "pm/broken.md": "---\ntitle: [Broken\n---\n# Broken\n",
        },
        {"types": {"pm/*.md": "postmortem"}},
    )
    result = build(config, strict=False)
    (_, postmortems) = tables(result.page("evidence-index/index.html")).tables
    assert [row[0][0][:2] for row in postmortems[1:]] == ["Po", "20", "12", "05", "In"]
    assert "Broken" not in result.page("evidence-index/index.html")


def test_catalogues_are_well_formed() -> None:
    pattern = re.compile(
        json.loads((REPO / "schemas/_defs.schema.json").read_text())["$defs"]["control"]["pattern"]
    )
    found = catalogues()
    assert list(found) == ["ISO27001", "SOC2"]
    files = sorted(p.name for p in CATALOGUE_FILES.iterdir())
    assert files == ["iso27001.yml", "soc2.yml"]
    assert {
        cat.id: (cat.name, [(c.catalogue, c.id, c.title) for c in cat.controls])
        for cat in found.values()
    } == {
        data["id"]: (data["name"], [(data["id"], c["id"], c["title"]) for c in data["controls"]])
        for data in map(shipped, files)
    }
    for catalogue in found.values():
        refs = [c.ref for c in catalogue.controls]
        assert len(refs) == len(set(refs))
        assert all(
            pattern.match(ref) and c.title for ref, c in zip(refs, catalogue.controls, strict=True)
        )
    required = {
        *(f"SOC2:CC7.{n}" for n in range(1, 6)),
        "SOC2:CC8.1",
        *(f"SOC2:A1.{n}" for n in range(1, 4)),
        *(f"ISO27001:A.5.{n}" for n in range(24, 31)),
        "ISO27001:A.8.13",
        "ISO27001:A.8.32",
    }
    assert required <= {c.ref for cat in found.values() for c in cat.controls}


def test_controls_command_lists_a_catalogue() -> None:
    run = run_cli("controls", "ISO27001")
    assert run.exit_code == 0
    lines = run.output.splitlines()
    assert lines[0] == "# ISO/IEC 27001:2022 Annex A"
    assert lines[1] == "ISO27001:A.5.1\tWrite, approve and share information security policies"
    iso = shipped("iso27001.yml")
    assert lines == [
        f"# {iso['name']}",
        *(f"ISO27001:{c['id']}\t{c['title']}" for c in iso["controls"]),
    ]
    assert len(lines) == 1 + 93
    bad = run_cli("controls", "PCI")
    assert (bad.exit_code, bad.stderr) == (
        2,
        "evidence-kit: error: unknown catalogue 'PCI'; use ISO27001 or SOC2\n",
    )


def test_unsanitized_postmortems_stay_off_the_auditor_pages(kit: Path) -> None:
    postmortem = (
        kit.parent / "evidence/05-backups-recovery/postmortems/2026-03-06-database-failover.md"
    )
    edit(postmortem, lambda s: s.replace("sanitized: true", "sanitized: false"))
    evidence = kit_evidence(kit)
    assert "Primary database failover" not in evidence.generated[controls.INDEX_PAGE]
    assert "Primary database failover" not in evidence.generated[controls.MATRIX_PAGE]
    rows = {
        row.control.ref: row
        for _, rs in control_pages.matrix(["SOC2"], control_pages.evidence_items(evidence))
        for row in rs
    }
    titles = [item.title for item in rows["SOC2:CC7.4"].items]
    assert titles == ["Incident runbook", *KIT_POSTMORTEMS[:1], *KIT_POSTMORTEMS[2:]]


# --- whole catalogues and the project's own -------------------------------------------------


def test_catalogues_are_whole() -> None:
    found = catalogues()
    soc2 = [c.id for c in found["SOC2"].controls]
    series = {"CC1": 5, "CC2": 3, "CC3": 4, "CC4": 2, "CC5": 3, "CC6": 8, "CC7": 5, "CC8": 1}
    series |= {"CC9": 2, "A1": 3, "C1": 2, "PI1": 5, "P1": 1, "P2": 1, "P3": 2, "P4": 3}
    series |= {"P5": 2, "P6": 7, "P7": 1, "P8": 1}
    assert soc2 == [f"{s}.{n}" for s, count in series.items() for n in range(1, count + 1)]
    iso = [c.id for c in found["ISO27001"].controls]
    themes = {5: 37, 6: 8, 7: 14, 8: 34}
    assert iso == [f"A.{t}.{n}" for t, count in themes.items() for n in range(1, count + 1)]
    assert len(iso) == 93
    groups = {c.group for cat in found.values() for c in cat.controls}
    assert "" not in groups
    assert {c.group for c in found["ISO27001"].controls} == {
        "Organizational controls",
        "People controls",
        "Physical controls",
        "Technological controls",
    }


ACCESS_REVIEW = """---
title: Quarterly access review
type: procedure
owner: Security team
last_reviewed: 2026-10-01
review_every: 3 months
controls:
  - SOC2:CC6.2
  - ISO27001:A.5.15
  - POL:POL-7
---

# Quarterly access review
"""

POLICIES = """# Our internal policies, cited as POL:POL-7.
id: POL
name: Internal policies
controls:
  - id: POL-1
    title: Every laptop has disk encryption on
    group: Devices
  - id: POL-7
    title: Access is reviewed every quarter
    group: Access
"""


def _with_policies(tmp_path: Path, catalogue: str = POLICIES) -> Path:
    config = make_project(
        tmp_path,
        {"index.md": "# Home\n", "access-review.md": ACCESS_REVIEW},
        {"controls": {"catalogues": ["SOC2", "ISO27001", "policies/catalogue.yml"]}},
    )
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies/catalogue.yml").write_text(catalogue, encoding="utf-8")
    return config


def test_an_access_review_cites_the_whole_catalogues_and_the_projects_own(tmp_path: Path) -> None:
    config = _with_policies(tmp_path)
    run = run_cli("check", "--strict", "--config", str(config))
    assert (run.exit_code, run.output) == (0, "0 errors, 0 warnings\n")
    result = build(config)
    assert result.returncode == 0, result.log
    page = result.page("controls/index.html")
    rows = matrix_rows(page)
    assert rows["POL:POL-7"] == (["Quarterly access review"], "evidenced")
    assert rows["POL:POL-1"] == ([], "gap")
    assert rows["SOC2:CC6.2"] == (["Quarterly access review"], "evidenced")
    assert rows["ISO27001:A.5.15"] == (["Quarterly access review"], "evidenced")
    summary = tables(page).tables[0]
    assert [[cell for cell, _ in row] for row in summary][1:] == [
        ["SOC 2 Trust Services Criteria", "61", "1", "0", "60"],
        ["ISO/IEC 27001:2022 Annex A", "93", "1", "0", "92"],
        ["Internal policies", "2", "1", "0", "1"],
    ]
    text = re.sub(r"<[^>]+>", "", page)
    assert (
        "Scope: SOC 2 Trust Services Criteria (SOC2), ISO/IEC 27001:2022 Annex A (ISO27001) and "
        "Internal policies (POL, from policies/catalogue.yml): 156 controls, 3 with evidence."
    ) in text
    listed = run_cli("controls", "POL", "--config", str(config))
    assert listed.output.splitlines() == [
        "# Internal policies",
        "POL:POL-1\tEvery laptop has disk encryption on",
        "POL:POL-7\tAccess is reviewed every quarter",
    ]


def test_a_control_missing_from_the_projects_catalogue_is_unknown(tmp_path: Path) -> None:
    config = _with_policies(tmp_path, POLICIES.replace("POL-7", "POL-8"))
    run = run_cli("check", "--config", str(config))
    assert run.output.splitlines()[0] == (
        "docs/access-review.md:10:5: control-unknown: $.controls[2]: unknown control POL:POL-7 "
        "in Internal policies; did you mean POL:POL-8?"
    )


@pytest.mark.parametrize(
    ("catalogue", "problems"),
    [
        (
            "id: pol\nname: P\ncontrols:\n  - {id: POL-1, title: T}\n",
            ["policies/catalogue.yml:1:1: id: capital letters and digits, e.g. POL"],
        ),
        (
            "id: POL\nname: P\ncontrols:\n  - id: POL-1\n    title: T\n"
            "  - id: POL-1\n    titel: U\n",
            [
                "policies/catalogue.yml:6:5: duplicate id 'POL-1' (first at line 4)",
                "policies/catalogue.yml:6:5: title: text saying what the control asks",
                "policies/catalogue.yml:7:5: unknown key 'titel'; a control has id, title and group",
            ],
        ),
        (
            "id: SOC2\nname: P\ncontrols:\n  - {id: POL-1, title: T}\n",
            [
                "policies/catalogue.yml:1:1: id 'SOC2' is taken by another catalogue; "
                "give this one its own id"
            ],
        ),
        (
            "id: POL\nname: P\ncontrols: [\n",
            [
                "policies/catalogue.yml:4:1: did not find expected node content "
                "while parsing a flow node; fix the YAML here"
            ],
        ),
    ],
)
def test_a_bad_project_catalogue_names_file_and_line(
    tmp_path: Path, catalogue: str, problems: list[str]
) -> None:
    config = _with_policies(tmp_path, catalogue)
    run = run_cli("check", "--config", str(config))
    expected = "; ".join(f"controls: catalogues: {p}" for p in problems)
    assert (run.exit_code, run.stderr) == (2, f"evidence-kit: error: {expected}\n")
    result = build(config)
    assert result.returncode == 1
    assert expected.split("; ")[0] in result.log


def test_a_missing_project_catalogue_is_named(tmp_path: Path) -> None:
    config = make_project(
        tmp_path, {"index.md": "# Home\n"}, {"controls": {"catalogues": ["mine.yml"]}}
    )
    run = run_cli("check", "--config", str(config))
    assert run.stderr == (
        "evidence-kit: error: controls: catalogues: mine.yml: no such file; "
        "write its path relative to mkdocs.yml\n"
    )


@pytest.mark.parametrize("page", ["evidence-index", "review-status"])
def test_kit_listing_links_reach_the_documents(kit: Path, page: str) -> None:
    result = build(kit)
    hrefs = {
        href
        for table in tables(result.page(f"{page}/index.html")).tables
        for row in table
        for _, links in row
        for _, href in links
    }
    assert "../05-backups-recovery/incident-runbook/" in hrefs
    assert all(".md" not in href for href in hrefs), hrefs
    for href in hrefs:
        assert (result.site / page / href / "index.html").resolve().is_file(), href
