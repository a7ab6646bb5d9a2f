"""The audit edition: what it leaves out, redacts and escapes, built for real."""

from __future__ import annotations

import datetime as dt
import html
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from canaries import (
    CANARIES,
    CANARY_DOCS,
    CANARY_NAV,
    CANARY_OPTIONS,
    EMAIL,
    PAGE_TEXT,
    PHONE,
    everything,
)
from conftest import build, make_project, run_cli
from evidence_kit import pipeline


def test_canaries_never_reach_the_audit_site_but_the_internal_edition_shows_them(
    tmp_path: Path,
) -> None:
    config = make_project(tmp_path, CANARY_DOCS, CANARY_OPTIONS, nav=CANARY_NAV)
    audit = build(config)
    assert audit.returncode == 0, audit.log
    assert audit.warnings() == []
    assert (
        "INFO    -  evidence: mkdocs.yml: nav: a deny-listed term is redacted from the audit "
        "edition (fingerprint 9b4ed45bf939450e); remove it from the config"
    ) in audit.log
    published = everything(audit.site)
    for canary in CANARIES:
        assert canary.lower() not in published.lower()
    assert "notes" not in (audit.site / "sitemap.xml").read_text()
    assert not (audit.site / "notes").exists()
    assert "Redacted: internal content is not part of the audit edition." in audit.page(
        "index.html"
    )

    internal = build(config, env={"EVIDENCE_AUDIENCE": "internal"})
    assert internal.returncode == 0, internal.log
    shown = everything(internal.site)
    for canary in CANARIES:
        assert canary in shown
    assert PAGE_TEXT in internal.page("notes/index.html")


def test_check_lists_each_redaction_without_its_value(tmp_path: Path) -> None:
    config = make_project(tmp_path, CANARY_DOCS, CANARY_OPTIONS)
    run = run_cli("check", "--config", str(config))
    assert run.exit_code == 0
    lines = run.output.splitlines()
    assert [line.split(": ")[:2] for line in lines[:-1]] == [
        ["docs/index.md:9:12", "redacted-email"],
        ["docs/index.md:13:19", "redacted-phone"],
        ["docs/index.md:16:21", "redacted-aws-access-key"],
        ["docs/index.md:19:3", "redacted-github-token"],
        ["docs/index.md:23:11", "redacted-email"],
        ["docs/index.md:23:44", "redacted-email"],
        ["docs/outage.md:2:1", "redacted-deny-term"],
    ]
    assert lines[0] == (
        "docs/index.md:9:12: redacted-email: an email address is redacted from the audit "
        "edition (fingerprint 8f28912c5ecfcdf7); remove it from the source, or allow the exact "
        "value under publish: allow: email"
    )
    assert lines[6].startswith("docs/outage.md:2:1: redacted-deny-term: $.title: ")
    assert lines[-1] == "0 errors, 7 warnings"
    for canary in CANARIES:
        assert canary not in run.output


class Tags(HTMLParser):
    """Every element of a page with its attributes, and the text of `<title>`."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.title = ""
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._open = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._open = tag
        if tag == "script":
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._open = ""

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._open == "title":
            self.title += data
        elif self._open == "script":
            self.scripts[-1] += data


def parse(page: str) -> Tags:
    tags = Tags()
    tags.feed(page)
    return tags


POSTMORTEM = (
    "---\ntitle: Draft incident\ntype: postmortem\nseverity: SEV2\nstatus: draft\n"
    "date: 2026-03-06\nowner: Platform team\nincident:\n  start: 2026-03-02T14:05:00+00:00\n"
    "sanitized: false\n---\n\n# Draft incident\n\nnot-yet-sanitized-7c\n"
)


def test_report_page_counts_redactions_per_document_and_lists_withheld(tmp_path: Path) -> None:
    docs = {**CANARY_DOCS, "postmortems/2026-03-06-draft.md": POSTMORTEM}
    options = {**CANARY_OPTIONS, "types": {"postmortems/*.md": "postmortem"}}
    result = build(make_project(tmp_path, docs, options))
    assert result.returncode == 0, result.log
    assert (
        "INFO    -  evidence: docs/postmortems/2026-03-06-draft.md:10:1: postmortem-withheld: "
        in (result.log)
    )
    assert not (result.site / "postmortems/2026-03-06-draft").exists()
    assert "not-yet-sanitized-7c" not in everything(result.site)
    report = " ".join(" ".join(parse(result.page("publication-report/index.html")).text).split())
    assert "Pages marked visibility: internal : 1." in report
    assert "postmortems/2026-03-06-draft.md : a postmortem not marked sanitized: true ." in report
    assert (
        "Document Internal blocks Secrets Emails Phone numbers Deny-listed terms "
        "docs/index.md 1 2 3 1 0 docs/outage.md 0 0 0 0 1"
    ) in report
    assert (
        "evidence: audit edition: 2 documents withheld; redacted: 1 deny-listed term, "
        "3 emails, 1 internal block, 1 phone number, 2 secrets"
    ) in result.log


def test_internal_edition_report_says_nothing_is_withheld(tmp_path: Path) -> None:
    config = make_project(tmp_path, CANARY_DOCS, CANARY_OPTIONS)
    result = build(config, env={"EVIDENCE_AUDIENCE": "internal"})
    report = " ".join(" ".join(parse(result.page("publication-report/index.html")).text).split())
    assert "This is the internal edition , for the team: nothing is withheld or redacted." in (
        report
    )


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (
            "<!-- internal -->\nsecret plans\n",
            3,
            "<!-- internal --> is never closed, so the audit edition does not publish this page; "
            "close the block with <!-- /internal -->",
        ),
        (
            "secret plans\n<!-- /internal -->\n",
            4,
            "<!-- /internal --> closes no block, so the audit edition does not publish this "
            "page; remove it or open the block with <!-- internal -->",
        ),
        (
            "> <!-- internal -->\n> secret plans\n",
            3,
            "an internal marker that is not a line of its own (in a quote, a table or after "
            "text) cuts nothing, so the audit edition does not publish this page; put the "
            "marker on its own line",
        ),
        (
            "<!-- internal -->\n```text\nsecret plans\n<!-- /internal -->\n```\n",
            3,
            "<!-- internal --> is never closed, so the audit edition does not publish this page; "
            "close the block with <!-- /internal -->",
        ),
    ],
    ids=["unclosed", "stray-close", "in-a-quote", "close-inside-code"],
)
def test_unbalanced_markers_are_an_error_and_the_page_is_not_published(
    tmp_path: Path, body: str, line: int, message: str
) -> None:
    docs = {"index.md": "# Home\n\n[Plans](plans.md)\n", "plans.md": "# Plans\n\n" + body}
    config = make_project(tmp_path, docs)
    result = build(config)
    expected = f"docs/plans.md:{line}:1: internal-marker: {message}"
    assert result.returncode == 1
    assert expected in result.warnings()
    assert not (result.site / "plans").exists()
    assert "secret plans" not in everything(result.site)
    run = run_cli("check", "--config", str(config))
    assert (run.exit_code, run.output) == (1, f"{expected}\n1 error, 0 warnings\n")


def test_nested_internal_blocks_are_cut_with_their_outer_block(tmp_path: Path) -> None:
    body = (
        "# Home\n\nbefore\n\n<!-- internal -->\nouter-1\n<!-- internal -->\ninner-2\n"
        "<!-- /internal -->\nouter-3\n<!-- /internal -->\n\nafter\n"
    )
    result = build(make_project(tmp_path, {"index.md": body}))
    assert result.returncode == 0, result.log
    text = " ".join(parse(result.page("index.html")).text)
    assert "before" in text and "after" in text
    assert not any(word in text for word in ("outer-1", "inner-2", "outer-3"))


def test_a_published_page_linking_to_an_internal_page_is_an_error(tmp_path: Path) -> None:
    docs = {
        "index.md": "# Home\n\nRead [the notes](notes.md#top).\n",
        "notes.md": "---\nvisibility: internal\n---\n\n# Notes\n",
    }
    config = make_project(tmp_path, docs, nav=[{"Home": "index.md"}, {"Notes": "notes.md"}])
    expected = (
        "docs/index.md:3:18: link-withheld: links to notes.md, which the audit edition does not "
        "publish (visibility: internal); remove the link or put it in an <!-- internal --> block"
    )
    result = build(config)
    assert result.returncode == 1
    assert result.warnings() == [expected]
    assert 'href="notes/"' not in result.page("index.html")
    assert run_cli("check", "--config", str(config)).output == f"{expected}\n1 error, 0 warnings\n"


def test_data_files_and_unexpected_types_are_never_copied(tmp_path: Path) -> None:
    docs: dict[str, str | bytes] = {
        "index.md": "# Home\n\n![logo](logo.png)\n",
        "logo.png": b"\x89PNG\r\n\x1a\n",
        "exports/customers.csv": "name,email\n",
        "secrets.env": "TOKEN=1\n",
        "debug.log": "trace\n",
        "notes.txt": "plain\n",
        "fixtures/sample.json": "{}\n",
    }
    config = make_project(tmp_path, docs, {"publish": {"private_files": ["fixtures/*"]}})
    result = build(config, strict=False)
    published = sorted(
        p.relative_to(result.site).as_posix()
        for p in result.site.rglob("*")
        if p.is_file()
        and not p.relative_to(result.site).as_posix().startswith(("assets/", "search/"))
    )
    assert published == [
        "404.html",
        "controls/index.html",
        "evidence-index/index.html",
        "index.html",
        "logo.png",
        "manifest.json",
        "print/index.html",
        "print/print.css",
        "publication-report/index.html",
        "sitemap.xml",
        "sitemap.xml.gz",
    ]
    data = (
        "are data and are never copied to the site; move it out of docs/ or list it under "
        "publish: private_files"
    )
    assert result.warnings() == [
        f"docs/debug.log:1:1: file-not-published: not published: .log files {data}",
        f"docs/exports/customers.csv:1:1: file-not-published: not published: .csv files {data}",
        "docs/notes.txt:1:1: file-not-published: not published: .txt files are not an allowed "
        "asset type; add the type to publish: allowed_assets, list the file under publish: "
        "private_files, or move it out of docs/",
        f"docs/secrets.env:1:1: file-not-published: not published: .env files {data}",
    ]


# A typed data file with contact details: an email in free text the on-call page shows
# (line 16), and a contact's email (line 21) and phone number (line 22), which no page shows.
# Findings point at the field's key, as every finding about a field of a YAML file does.
ONCALL_WITH_CONTACTS = f"""rotation:
  name: Platform on-call
  url: https://oncall.example.com/platform
shifts:
  - start: 2026-11-23T09:00:00+00:00
    end: 2026-12-14T09:00:00+00:00
    primary: Alex Rivera
    secondary: Sam Chen
escalation:
  - level: 1
    contact: primary
    after_minutes: 0
  - level: 2
    contact: engineering_lead
    after_minutes: 15
    when: if the primary is silent, write to {EMAIL}
contacts:
  engineering_lead:
    name: Dana Whitfield
    role: Engineering lead
    email: {EMAIL}
    phone: "{PHONE}"
"""


def test_contact_details_in_typed_data_are_reported_where_shown_and_never_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = {"index.md": "# Home\n", "oncall.yml": ONCALL_WITH_CONTACTS}
    config = make_project(tmp_path, docs, {"types": {"oncall.yml": "oncall"}})
    email = (
        "an email address is redacted from the audit edition (fingerprint 8f28912c5ecfcdf7); "
        "remove it from the source, or allow the exact value under publish: allow: email"
    )
    phone = (
        "a phone number is redacted from the audit edition (fingerprint 8326724cd3e7c541); "
        "remove it from the source, or allow the exact value under publish: allow: phone"
    )
    # The contact's own email and phone are never rendered (the page shows names and roles),
    # so nothing is redacted from them and the publication report does not count them.
    expected = [f"docs/oncall.yml:16:5: redacted-email: $.escalation[1].when: {email}"]
    assert phone
    run = run_cli("check", "--config", str(config))
    assert (run.exit_code, run.output.splitlines()) == (0, [*expected, "0 errors, 1 warning"])

    audit = build(config)
    assert audit.returncode == 0, audit.log
    assert [line for line in audit.log.splitlines() if ": redacted-" in line] == [
        f"INFO    -  evidence: {line}" for line in expected
    ]
    summary = "INFO    -  evidence: audit edition: 0 documents withheld; redacted: 1 email"
    assert [line for line in audit.log.splitlines() if line.startswith(summary)] != []
    assert "phone" not in audit.log
    published = everything(audit.site)
    assert "Dana Whitfield (Engineering lead)" in html.unescape(audit.page("oncall/index.html"))
    assert "write to \u27e6redacted-email\u27e7" in published
    for value in (EMAIL, PHONE, "7946", "corp-mail"):
        assert value not in published, value

    monkeypatch.setenv("EVIDENCE_AUDIENCE", "internal")
    internal = run_cli("check", "--config", str(config))
    assert (internal.exit_code, internal.output) == (0, "0 errors, 0 warnings\n")


def test_the_internal_edition_copies_assets_but_never_typed_data(tmp_path: Path) -> None:
    docs = {"index.md": "# Home\n", "notes.txt": "plain\n", "rota.yml": "rotation: {}\n"}
    config = make_project(tmp_path, docs, {"types": {"rota.yml": "oncall"}})
    result = build(config, strict=False, env={"EVIDENCE_AUDIENCE": "internal"})
    assert (result.site / "notes.txt").exists()
    assert not (result.site / "rota.yml").exists()


def test_a_symlink_out_of_the_repository_is_an_error_and_never_published(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# Secret\n\nfar-away-secret-9z\n", encoding="utf-8")
    project = tmp_path / "project"
    config = make_project(project, {"index.md": "# Home\n"})
    os.symlink(outside / "secret.md", project / "docs" / "secret.md")
    result = build(config)
    assert result.returncode == 1
    assert result.warnings() == [
        "docs/secret.md:1:1: symlink-outside: links to a file outside the repository, which "
        "would be published; copy the content in or remove the link"
    ]
    assert "far-away-secret-9z" not in everything(result.site)


def test_raw_active_html_is_an_error_and_never_live(tmp_path: Path) -> None:
    body = (
        "# Home\n\n"
        "<script>alert(1)</script>\n\n"
        '<img src="logo.png" onerror="alert(2)">\n\n'
        "[click](javascript:alert(3)) and <a href='data:text/html;base64,eA=='>d</a>\n\n"
        "[obfuscated](&#106;avascript:alert(4))\n\n"
        "Code is fine: `<script>` and `onerror=`.\n\n"
        "```html\n<script>alert(5)</script>\n```\n"
    )
    config = make_project(tmp_path, {"index.md": body, "logo.png": b"\x89PNG\r\n\x1a\n"})
    result = build(config, strict=False)
    assert result.warnings() == [
        "docs/index.md:3:1: active-html: a raw <script> tag would run in readers' browsers; "
        "remove it",
        "docs/index.md:5:21: active-html: an event-handler attribute onerror= would run in "
        "readers' browsers; remove it",
        "docs/index.md:7:9: active-html: a javascript: URL would run in readers' browsers; "
        "remove it",
        "docs/index.md:7:43: active-html: a data: URL would run in readers' browsers; remove it",
        "docs/index.md:9:14: active-html: a javascript: URL would run in readers' browsers; "
        "remove it",
    ]
    page = parse(result.page("index.html"))
    for tag, attrs in page.elements:
        assert "onerror" not in attrs
        for name in ("href", "src"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "data:")), (tag, attrs)
    assert not any("alert" in script for script in page.scripts)
    assert "<script>alert(1)" in "".join(page.text)  # shown as text, never run


def test_external_assets_are_flagged(tmp_path: Path) -> None:
    body = (
        "# Home\n\n![chart](https://grafana.example.net/render/x.png)\n\n"
        '<img alt="cdn" src="//cdn.example.net/a.png">\n\n[a link is fine](https://example.org/)\n'
    )
    result = build(make_project(tmp_path, {"index.md": body}))
    assert result.returncode == 1
    assert result.warnings()[:2] == [
        "docs/index.md:3:10: external-asset: an asset loaded from grafana.example.net would be "
        "fetched by readers' browsers; copy the file into the evidence folder and link it "
        "relatively",
        "docs/index.md:5:21: external-asset: an asset loaded from cdn.example.net would be "
        "fetched by readers' browsers; copy the file into the evidence folder and link it "
        "relatively",
    ]


def test_titles_descriptions_config_and_placeholder_values_are_escaped(tmp_path: Path) -> None:
    value = 'Tom & Jerry <b>"quoted"</b>'
    docs = {
        "index.md": (
            "---\n"
            'title: A <script>alert(1)</script> & "B" <<Partner>>\n'
            "description: 'x\" onmouseover=\"alert(2)'\n"
            "---\n\n"
            "Partner: <<Partner>>.\n"
        ),
    }
    config = make_project(
        tmp_path,
        docs,
        {"placeholders": {"Partner": value}},
        site_name='Evidence <i>&</i> "Co"',
        nav=[{'Start <em>"here"</em> & now': "index.md"}],
    )
    result = build(config)
    assert result.returncode == 0, result.log
    page = parse(result.page("index.html"))
    assert page.title == f'A <script>alert(1)</script> & "B" {value} - Evidence <i>&</i> "Co"'
    descriptions = [
        a["content"] for t, a in page.elements if t == "meta" and a.get("name") == "description"
    ]
    assert descriptions == ['x" onmouseover="alert(2)']
    injected = {"b", "i", "em"} & {tag for tag, _ in page.elements}
    assert injected == set()
    assert not any("alert" in script for script in page.scripts)
    text = " ".join(page.text)
    assert f"Partner: {value}." in text
    assert 'Start <em>"here"</em> & now' in text
    assert "<script>alert(1)</script>" not in result.page("index.html")


def test_every_page_shows_the_edition_build_date_and_commit(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"index.md": "# Home\n", "a/b.md": "# B\n"}, copyright="© Co")
    for audience, edition in (("audit", "Audit edition"), ("internal", "Internal edition")):
        result = build(
            config, env={"EVIDENCE_AUDIENCE": audience, "SOURCE_DATE_EPOCH": "1767225600"}
        )
        # Every page of the theme; the print version is one document with its own cover.
        pages = sorted(p for p in result.site.rglob("*.html") if p.parent.name != "print")
        assert len(pages) == 6
        for path in pages:
            text = " ".join(" ".join(parse(path.read_text(encoding="utf-8")).text).split())
            assert f"© Co {edition}" in text
            assert "built 2026-01-01 from commit unknown" in text


def test_switched_off_rules_and_allowed_values_are_published(tmp_path: Path) -> None:
    docs = {"index.md": f"# Home\n\nCall {PHONE} or write to security@example.org.\n"}
    options = {"publish": {"rules": {"phone": False}, "allow": {"email": ["security@example.org"]}}}
    config = make_project(tmp_path, docs, options)
    result = build(config)
    assert result.returncode == 0, result.log
    text = " ".join(parse(result.page("index.html")).text)
    assert f"Call {PHONE} or write to security@example.org." in text
    assert run_cli("check", "--config", str(config)).output == "0 errors, 0 warnings\n"
    assert run_cli("scan", str(result.site), "--config", str(config)).exit_code == 0


@pytest.mark.parametrize(
    ("publish", "message"),
    [
        ({"audiense": "audit"}, "publish: audiense: unknown option; did you mean 'audience'?"),
        ({"audience": "public"}, "publish: audience: 'public' is not one of audit, internal"),
        (
            {"allowed_assets": ["png", "yml"]},
            "publish: allowed_assets: .yml files are data and are never published; remove it",
        ),
        (
            {"rules": {"phones": False}},
            "publish: rules: unknown rule 'phones'; did you mean 'phone'?",
        ),
        ({"rules": {"phone": "no"}}, "publish: rules: phone: expected true or false, got 'no'"),
        ({"allow": {"email": "a@b.org"}}, "publish: allow: email: expected a list of texts"),
        (
            {"internal_hosts": ["bad host"]},
            "publish: internal_hosts: 'bad host' is not a host name pattern",
        ),
        (
            {
                "gate_allow": [
                    {"fingerprint": "xyz", "owner": "a", "reason": "b", "expires": "2027-01-01"}
                ]
            },
            "publish: gate_allow[0]: fingerprint: expected the 16 hex digits a finding names",
        ),
        (
            {"gate_allow": [{"fingerprint": "0123456789abcdef", "owner": "a"}]},
            "publish: gate_allow[0]: give exactly fingerprint, owner, reason and expires",
        ),
    ],
)
def test_bad_publish_options_are_config_errors(
    tmp_path: Path, publish: dict[str, Any], message: str
) -> None:
    config = make_project(tmp_path, {"index.md": "# Home\n"}, {"publish": publish})
    run = run_cli("check", "--config", str(config))
    assert (run.exit_code, run.stderr) == (2, f"evidence-kit: error: {message}\n")
    result = build(config)
    assert result.returncode == 1
    assert message in result.log


def test_evidence_audience_overrides_the_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_project(tmp_path, {"index.md": "# Home\n"}, {"publish": {"audience": "audit"}})
    monkeypatch.setenv("EVIDENCE_AUDIENCE", "everyone")
    run = run_cli("check", "--config", str(config))
    assert (run.exit_code, run.stderr) == (
        2,
        "evidence-kit: error: EVIDENCE_AUDIENCE: 'everyone' is not one of audit, internal\n",
    )


def test_kit_oncall_page_publishes_names_and_roles_never_handles(kit: Path) -> None:
    result = build(kit)
    assert result.returncode == 0, result.log
    published = everything(result.site)
    assert "Ravi Okafor (Security lead)" in published
    assert "@dana.w" not in published and "@ravi.o" not in published
    assert "contacts:" not in published and "Mondays at 09:00 UTC" not in published


@pytest.mark.parametrize(
    ("content", "rule"),
    [
        ("---\ntitle: [broken\nphone: bad-front-matter-5m\n---\n\n# Page\n", "yaml-syntax"),
        ("---\n- bad-front-matter-5m\n---\n\n# Page\n", "front-matter-shape"),
        ("---\nbad-front-matter-5m\n---\n\n# Page\n", "front-matter-shape"),
        ("---\ntitle: x\n\tnote: bad-front-matter-5m\n---\n\n# Page\n", "yaml-syntax"),
        ("---\ntitle: bad-front-matter-5m\n\n# never closed\n", "front-matter-unclosed"),
        ("---\ntitle: x\ntitle: bad-front-matter-5m\n---\n\n# Page\n", "yaml-duplicate-key"),
        ("---\nbase: &a bad-front-matter-5m\ntitle: *a\n---\n\n# Page\n", "yaml-alias"),
        ("---\ntitle: !!python/object:os.system bad-front-matter-5m\n---\n", "yaml-tag"),
        ("---\ntitle: " + "[" * 80 + "bad-front-matter-5m" + "]" * 80 + "\n---\n", "yaml-too-deep"),
        (b"# Page\n\nbad-front-matter-5m \xff\n", "file-encoding"),
        ("# Page\n\nbad-front-matter-5m " + "x" * 3000 + "\n", "file-too-large"),
    ],
    ids=[
        *("yaml", "list", "scalar", "tab", "unclosed", "duplicate-key", "alias", "custom-tag"),
        *("too-deep", "not-utf8", "too-large"),
    ],
)
def test_an_unreadable_page_is_an_error_and_publishes_nothing(
    tmp_path: Path, content: str | bytes, rule: str
) -> None:
    docs = {"index.md": "# Home\n\n[Page](page.md)\n", "page.md": content}
    config = make_project(tmp_path, docs, {"max_file_size": 2048})
    result = build(config, strict=False)
    assert any(f": {rule}: " in w and w.startswith("docs/page.md:") for w in result.warnings())
    assert not (result.site / "page").exists()
    assert "bad-front-matter-5m" not in everything(result.site)


def test_the_build_makes_no_network_call(tmp_path: Path) -> None:
    # Every socket connection of the build's Python process is refused and logged.
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(
        "import os, socket\n"
        "def refuse(*args, **kwargs):\n"
        "    with open(os.environ['NETWORK_LOG'], 'a') as log:\n"
        "        log.write(repr(args) + '\\n')\n"
        "    raise OSError('the network is off in this test')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n",
        encoding="utf-8",
    )
    body = "# Home\n\n![chart](https://grafana.example.net/render/x.png)\n"
    project = tmp_path / "project"
    config = make_project(project, {"index.md": body})
    log = tmp_path / "network.log"
    env = {"PYTHONPATH": str(hooks), "NETWORK_LOG": str(log)}
    probe = (
        "import socket\n"
        "try:\n    socket.create_connection(('127.0.0.1', 9))\nexcept OSError:\n    pass\n"
    )
    subprocess.run([sys.executable, "-c", probe], env={**os.environ, **env}, check=True)
    assert log.exists(), "the hook must catch connections, or this test proves nothing"
    log.unlink()
    result = build(config, strict=False, env=env)
    # The gate finds the image in the site, which fails even a build without --strict.
    assert result.returncode == 1, result.log
    assert any(": external-asset: " in w for w in result.warnings())
    assert not log.exists()


def test_a_withheld_document_asked_for_directly_comes_back_empty(tmp_path: Path) -> None:
    docs = {"index.md": "# Home\n", "notes.md": f"---\nvisibility: internal\n---\n\n{PAGE_TEXT}\n"}
    make_project(tmp_path, docs)
    settings = pipeline.settings(
        {}, root=tmp_path, docs_dir=tmp_path / "docs", today=dt.date(2026, 11, 26)
    )
    evidence = pipeline.run(settings)
    withheld = pipeline.page(evidence, "notes.md")
    assert withheld is not None
    assert pipeline.source_of(withheld) == (
        "---\ntitle: Withheld\n---\n\n*Withheld: this document is not part of the audit edition.*\n"
    )
    home = pipeline.page(evidence, "index.md")
    assert PAGE_TEXT not in (pipeline.source_of(home) if home is not None else "")
