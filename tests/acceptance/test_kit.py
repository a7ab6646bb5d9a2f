"""The shipped kit, built for real: what a new user checks on a fresh clone."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from conftest import build, edit, kit_check_output, make_project, run_cli
from evidence_kit.publish import detectors

RUNBOOK = "evidence/05-backups-recovery/incident-runbook.md"
POSTMORTEM = "evidence/05-backups-recovery/postmortems/2026-03-06-database-failover.md"


class _Text(HTMLParser):
    """The text and links of a page outside <code>, <pre>, <script> and <style>."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.text: list[str] = []
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("code", "pre", "script", "style"):
            self.depth += 1
        if tag == "a":
            self._href = dict(attrs).get("href") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("code", "pre", "script", "style"):
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth == 0:
            self.text.append(data)
            if self._href is not None:
                self.links.append((self._href, data))
                self._href = None


def page_text(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def test_kit_builds_strictly_with_rotation_link_and_no_blanks(kit: Path) -> None:
    result = build(kit)
    assert result.returncode == 0, result.log
    assert result.warnings() == []
    runbook = page_text(result.page("05-backups-recovery/incident-runbook/index.html"))
    rotation = "https://oncall.example.com/schedules/platform"
    assert (rotation, rotation) in runbook.links
    assert "<<" not in "".join(runbook.text)
    assert ">>" not in "".join(runbook.text)
    assert "Post in #incidents a one-line description" in " ".join("".join(runbook.text).split())
    # The search index reads a generated table's cells as words, not run together.
    index = json.loads((result.site / "search/search_index.json").read_text(encoding="utf-8"))
    texts = {doc["location"]: doc["text"] for doc in index["docs"]}
    postmortem = "05-backups-recovery/postmortems/2026-03-06-database-failover/"
    assert (
        "Acknowledged within 5 min 3 min met" in texts[f"{postmortem}#response-against-the-runbook"]
    )
    assert "Item Owner Due Status Ticket" in texts[f"{postmortem}#action-items"]


def test_kit_keeps_the_template_blanks_in_its_code_block(kit: Path) -> None:
    html = build(kit).page("05-backups-recovery/incident-runbook/index.html")
    assert "title: &lt;&lt;One-line summary of the incident&gt;&gt;" in re.sub(r"<[^>]+>", "", html)


def test_kit_publishes_oncall_as_a_page_and_never_the_raw_data(kit: Path) -> None:
    result = build(kit)
    assert not (result.site / "05-backups-recovery/oncall.yml").exists()
    oncall = page_text(result.page("05-backups-recovery/oncall/index.html"))
    assert "Dana Whitfield (Engineering lead)" in oncall.text


def test_kit_check_is_clean(kit: Path) -> None:
    run = run_cli("check", "--config", str(kit))
    # The kit's year holds three findings worth a warning, and no error.
    assert (run.exit_code, run.output) == (0, kit_check_output())


def test_unknown_placeholder_fails_build_and_check(kit: Path) -> None:
    edit(
        kit.parent / RUNBOOK,
        lambda s: s.replace(
            "## Severity definitions", "Ask <<Unknown value>>.\n\n## Severity definitions"
        ),
    )
    line = (kit.parent / RUNBOOK).read_text().splitlines().index("Ask <<Unknown value>>.") + 1
    expected = (
        f"{RUNBOOK}:{line}:5: placeholder-missing: <<Unknown value>> has no value; "
        "add it under placeholders in the evidence plugin config"
    )
    result = build(kit)
    assert result.returncode == 1
    # The gate finds it in the page too, as Python-Markdown renders it (`&lt;<Name>&gt;`).
    published = (
        "placeholder: an unfilled <<placeholder>> (fingerprint "
        f"{detectors.fingerprint('<<Unknown value>>')}) is published; remove it from the "
        "source and build again, or allow the fingerprint under publish: gate_allow"
    )
    assert result.warnings()[0] == expected
    assert [w.split(": ", 1)[1] for w in result.warnings()[1:]] == [published, published]
    assert [w.split(":")[0] for w in result.warnings()[1:]] == [
        "site/05-backups-recovery/incident-runbook/index.html",
        "site/print/index.html",
    ]
    run = run_cli("check", "--config", str(kit))
    assert run.exit_code == 1
    assert run.output == kit_check_output(expected)


def test_invalid_severity_fails_build_and_check(kit: Path) -> None:
    edit(kit.parent / POSTMORTEM, lambda s: s.replace("severity: SEV2", "severity: SEV9"))
    expected = (
        f"{POSTMORTEM}:4:1: schema: $.severity: 'SEV9' is not one of SEV1, SEV2, SEV3; "
        "use one of them"
    )
    result = build(kit)
    assert result.returncode == 1
    assert result.warnings() == [expected]
    assert run_cli("check", "--config", str(kit)).output.splitlines()[0] == expected


def test_malformed_header_fails_and_is_never_published(kit: Path) -> None:
    edit(kit.parent / POSTMORTEM, lambda s: s.replace("severity: SEV2", "severity: [SEV2"))
    expected = (
        f"{POSTMORTEM}:4:11: yaml-syntax: did not find expected ',' or ']' while parsing a flow "
        "sequence (noticed at line 5); fix the YAML here"
    )
    result = build(kit, strict=False)
    assert result.warnings() == [expected]
    assert not (
        result.site / "05-backups-recovery/postmortems/2026-03-06-database-failover"
    ).exists()
    assert "severity: [SEV2" not in (result.site / "search/search_index.json").read_text()
    run = run_cli("check", "--config", str(kit))
    assert run.exit_code == 1
    assert run.output == kit_check_output(expected)


def test_ordinary_site_builds_unchanged_without_findings(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        {
            "index.md": "# Home\n\nSee [the guide](guide.md). Use `a << b` in code.\n",
            "guide.md": "---\ntitle: Guide\ndescription: How to\n---\n\n# Guide\n\n{{ x.y }}\n",
            "data/settings.yml": "key: value\n",
        },
        # The internal edition copies every file, as plain MkDocs does; the audit
        # edition never publishes data files (tests/publish/test_sanitize.py).
        {"publish": {"audience": "internal"}},
    )
    result = build(config)
    assert result.returncode == 0, result.log
    assert result.warnings() == []
    assert "Guide" in result.page("guide/index.html")
    assert (result.site / "data/settings.yml").exists()
    assert run_cli("check", "--config", str(config)).exit_code == 0


def test_the_default_promises_are_the_runbooks_severity_table() -> None:
    """The kit's runbook and the incident report agree: the same levels, in the same order,
    each promise where the table makes one and none for a ticket (SEV3)."""
    from conftest import REPO
    from evidence_kit.cli import load_settings
    from evidence_kit.core.options.incidents import PROMISES, IncidentPolicy

    text = (REPO / RUNBOOK).read_text(encoding="utf-8")
    table = re.findall(r"^\| \*\*(\w+)\*\* \| [^|]+ \| ([^|]+) \|$", text, flags=re.MULTILINE)
    kit_policy = load_settings(REPO / "mkdocs.yml", "2026-12-01").incidents
    assert kit_policy == IncidentPolicy(audit_period=kit_policy.audit_period)
    policy = IncidentPolicy()
    assert tuple(level for level, _ in table) == policy.severities
    hours = {"15 minutes": 15, "1 hour": 60}
    for level, response in table:
        promised = {p.key: policy.promise_minutes(p, level) for p in PROMISES}
        if response.startswith("Ticket"):
            assert promised == {"acknowledge": None, "war_room": None, "notify": None}
        else:
            war_room = re.search(r"war room within (15 minutes|1 hour)", response)
            assert war_room is not None
            assert promised["war_room"] == hours[war_room.group(1)]
            assert promised["acknowledge"] == 5  # "Acknowledge within 5 minutes" (every page)
