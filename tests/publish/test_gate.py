"""The post-build gate and `evidence-kit scan` / `verify` on real, finished sites."""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import random
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import build, make_project, run_cli
from evidence_kit.core.options.publish import parse_publish
from evidence_kit.publish import detectors, fastscan, gate, manifest
from evidence_kit.publish.fastscan import Seen

AWS_KEY = "AKIAQ3EGCANARY7X4K2Z"
AWS_FINGERPRINT = detectors.fingerprint(AWS_KEY)
GATE_MESSAGE = (
    "is published; remove it from the source and build again, or allow the fingerprint "
    "under publish: gate_allow"
)


def site(tmp_path: Path, **options: object) -> tuple[Path, Path]:
    """A small project built strictly: (mkdocs.yml, site)."""
    config = make_project(tmp_path, {"index.md": "# Home\n\nHello.\n"}, dict(options))
    result = build(config)
    assert result.returncode == 0, result.log
    return config, result.site


def plant(page: Path, html: str) -> int:
    """Write `html` after the page's `Hello.` paragraph; returns its line number."""
    lines = page.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if "<p>Hello.</p>" in line) + 1
    lines.insert(at, html)
    page.write_text("\n".join(lines), encoding="utf-8")
    return at + 1


def test_a_fresh_audit_site_passes_scan_and_verify(tmp_path: Path) -> None:
    config, built = site(tmp_path)
    scan = run_cli("scan", str(built), "--config", str(config))
    assert (scan.exit_code, scan.output) == (0, "0 errors, 0 warnings\n")
    verify = run_cli("verify", str(built))
    assert (verify.exit_code, verify.output) == (0, "0 errors, 0 warnings\n")


def test_a_secret_written_after_the_build_fails_scan_and_verify(tmp_path: Path) -> None:
    config, built = site(tmp_path)
    line = plant(built / "index.html", f"<p>key {AWS_KEY}</p>")
    scan = run_cli("scan", str(built), "--config", str(config))
    assert scan.exit_code == 1
    assert scan.output == (
        f"{built.as_posix()}/index.html:{line}:8: aws-access-key: an AWS access key id "
        f"(fingerprint {AWS_FINGERPRINT}) {GATE_MESSAGE}\n1 error, 0 warnings\n"
    )
    assert AWS_KEY not in scan.output
    verify = run_cli("verify", str(built))
    assert verify.exit_code == 1
    assert verify.output == (
        f"{built.as_posix()}/index.html:1:1: file-changed: differs from its SHA-256 in the "
        "manifest: it was changed after the build\n1 error, 0 warnings\n"
    )


def test_verify_reports_added_and_removed_files(tmp_path: Path) -> None:
    _, built = site(tmp_path)
    (built / "extra.html").write_text("<p>late</p>\n", encoding="utf-8")
    (built / "404.html").unlink()
    verify = run_cli("verify", str(built), "--format", "json")
    assert verify.exit_code == 1
    found = [(f["path"], f["rule"]) for f in json.loads(verify.output)["findings"]]
    assert found == [
        (f"{built.as_posix()}/404.html", "file-removed"),
        (f"{built.as_posix()}/extra.html", "file-added"),
    ]


def test_the_gate_fails_a_site_without_its_manifest(tmp_path: Path) -> None:
    config, built = site(tmp_path)
    (built / "manifest.json").unlink()
    expected = (
        f"{built.as_posix()}/manifest.json:1:1: manifest-missing: the site has no readable "
        "manifest.json, so it was not built by the evidence plugin or was changed after the "
        "build; build it again with mkdocs build\n1 error, 0 warnings\n"
    )
    scan = run_cli("scan", str(built), "--config", str(config))
    assert (scan.exit_code, scan.output) == (1, expected)
    verify = run_cli("verify", str(built))
    assert (verify.exit_code, verify.output) == (1, expected)


def test_a_site_built_without_the_plugin_fails_the_gate(tmp_path: Path) -> None:
    docs = {"index.md": "# Home\n\nMail alice.canary@corp-mail.com.\n"}
    config = make_project(tmp_path, docs, {"enabled": False})
    result = build(config)
    assert result.returncode == 0, result.log
    scan = run_cli("scan", str(result.site), "--config", str(config), "--format", "json")
    assert scan.exit_code == 1
    rules = {(f["path"].rsplit("/", 1)[-1], f["rule"]) for f in json.loads(scan.output)["findings"]}
    assert ("manifest.json", "manifest-missing") in rules
    assert ("index.html", "email") in rules
    assert ("search_index.json", "email") in rules


def test_the_internal_edition_never_passes_the_gate(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"index.md": "# Home\n"})
    result = build(config, env={"EVIDENCE_AUDIENCE": "internal"})
    assert result.returncode == 0, result.log
    scan = run_cli("scan", str(result.site), "--config", str(config))
    assert scan.exit_code == 1
    assert scan.output == (
        f"{result.site.as_posix()}/manifest.json:1:1: audience-internal: the site is the internal "
        "edition, which must not be published; build it with publish: audience: audit (and "
        "EVIDENCE_AUDIENCE unset)\n1 error, 0 warnings\n"
    )


def _rules_found(output: str) -> list[tuple[str, str]]:
    """(file name, rule) of each finding line of the CLI's text output."""
    found = [line.split(": ", 2)[:2] for line in output.splitlines()[:-1]]
    return [(where.split(":", 1)[0].rsplit("/", 1)[-1], rule) for where, rule in found]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"files": {"index.html": ""}}, id="empty-hash"),
        pytest.param({"files": {"index.html": "X" * 64}}, id="upper-case-hash"),
        pytest.param({"build": "audit"}, id="build-not-a-mapping"),
    ],
)
def test_a_manifest_not_of_the_shape_written_is_refused(
    tmp_path: Path, change: dict[str, object]
) -> None:
    # An empty hash once matched the gate's "not read elsewhere", so the page went unread.
    config, built = site(tmp_path)
    plant(built / "index.html", f"<p>key {AWS_KEY}</p>")
    recorded = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    for key, value in change.items():
        recorded[key] = recorded[key] | value if isinstance(value, dict) else value
    (built / "manifest.json").write_text(json.dumps(recorded), encoding="utf-8")
    scan = run_cli("scan", str(built), "--config", str(config))
    assert scan.exit_code == 1
    assert _rules_found(scan.output) == [
        ("index.html", "aws-access-key"),
        ("manifest.json", "manifest-missing"),
    ]


@contextlib.contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    """Fail, rather than hang, if the block takes longer than `seconds`."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_links_and_pipes_in_the_site_fail_scan_and_verify(tmp_path: Path) -> None:
    config, built = site(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "notes.html").write_text(f"<p>key {AWS_KEY}</p>\n", encoding="utf-8")
    (built / "linked").symlink_to(outside)
    os.mkfifo(built / "pipe.html")  # opening it to read would wait forever
    expected = [("linked", "file-irregular"), ("pipe.html", "file-irregular")]
    with _deadline(60):  # a gate that opens the pipe waits for a writer forever
        scan = run_cli("scan", str(built), "--config", str(config))
    assert (scan.exit_code, _rules_found(scan.output)) == (1, expected)
    assert f"{built.as_posix()}/pipe.html:1:1: file-irregular: is a pipe, socket or device" in (
        scan.output
    )
    verify = run_cli("verify", str(built))
    assert (verify.exit_code, _rules_found(verify.output)) == (1, expected)


@pytest.mark.parametrize(
    "name, encoded",
    [
        ("notes.html", lambda text: text.encode("utf-16")),
        ("notes.txt", lambda text: text.encode("utf-32")),
        ("app.js", lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be")),
        ("feed.xml.gz", lambda text: gzip.compress(text.encode("utf-16"))),
    ],
)
def test_a_text_in_utf16_or_utf32_is_read_as_such(
    tmp_path: Path, name: str, encoded: Callable[[str], bytes]
) -> None:
    # Read as UTF-8, each letter has a NUL beside it and no rule matches; a browser reads
    # the byte order mark.
    config, built = site(tmp_path)
    (built / name).write_bytes(encoded(f"<p>Rotated.</p>\n<p>key {AWS_KEY}</p>\n"))
    manifest.write(built, manifest.finish(manifest.read(built) or {}, built))
    scan = run_cli("scan", str(built), "--config", str(config))
    assert scan.exit_code == 1
    assert scan.output.startswith(f"{built.as_posix()}/{name}:2:8: aws-access-key: ")
    if name.endswith(".html"):
        seen = gate.Seen()
        assert fastscan.clean_sha256(built / name, rules(), seen) is None
        clean = built / "clean.html"
        clean.write_bytes("<p>Rotated.</p>\n".encode("utf-16"))
        assert fastscan.clean_sha256(clean, rules(), seen) == manifest.sha256(clean)


def test_a_file_name_that_is_not_utf8_is_reported_in_every_format(tmp_path: Path) -> None:
    config, built = site(tmp_path)
    (built / os.fsdecode(b"caf\xe9.html")).write_text(f"<p>key {AWS_KEY}</p>\n", "utf-8")
    scan = run_cli("scan", str(built), "--config", str(config), "--format", "sarif")
    assert scan.exit_code == 1
    results = json.loads(scan.output)["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["aws-access-key"]
    uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.endswith("/site/caf%EF%BF%BD.html")  # the odd byte as U+FFFD, URL-encoded


def test_a_file_gone_before_it_is_read_fails_the_gate(tmp_path: Path) -> None:
    found = gate._read_found("gone.html", tmp_path / "gone.html", "site", set(), rules(), Seen())
    assert [str(f) for f in found] == [
        "site/gone.html:1:1: file-unchecked: cannot be read (No such file or directory), so "
        "what it publishes is unchecked; build the site again, or make the file readable"
    ]


def test_google_fonts_fail_the_audit_build(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"index.md": "# Home\n"}, theme={"name": "material"})
    result = build(config)
    assert result.returncode == 1
    hosts = {w.split(" loads an asset from ")[1].split(",")[0] for w in result.warnings()}
    assert hosts == {"fonts.googleapis.com", "fonts.gstatic.com"}
    assert all(": external-asset: <link href> " in w for w in result.warnings())


def test_an_allowed_fingerprint_passes_until_it_expires(tmp_path: Path) -> None:
    entry = {
        "fingerprint": AWS_FINGERPRINT,
        "owner": "Security team",
        "reason": "a documented test key",
        "expires": "2026-12-31",
    }
    config, built = site(tmp_path, publish={"gate_allow": [entry]})
    plant(built / "index.html", f"<p>key {AWS_KEY}</p>")
    assert run_cli("scan", str(built), "--config", str(config)).exit_code == 0
    later = run_cli("scan", str(built), "--config", str(config), "--today", "2027-01-01")
    assert later.exit_code == 1
    lines = later.output.splitlines()
    line = config.read_text().splitlines().index("      - fingerprint: " + AWS_FINGERPRINT) + 1
    assert lines[1] == (
        f"mkdocs.yml:{line}:9: allowlist-expired: $.publish.gate_allow[0]: the gate exception "
        f"for fingerprint {AWS_FINGERPRINT} (owner Security team) expired on 2026-12-31; "
        "remove the value from the site or renew the exception with a new expiry"
    )
    assert ": aws-access-key: " in lines[0]
    assert lines[-1] == "2 errors, 0 warnings"


def rules() -> detectors.Detectors:
    publish = parse_publish(
        {"internal_hosts": ["*.corp.example.com"], "deny_terms": ["Globex"]},
        [],
        detectors.RULE_IDS,
        env={},
    )
    return detectors.Detectors.of(publish)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "highlighted.html",
            '<pre><code><span class="s">AKIAQ3EG</span><span>CANARY7X4K2Z</span></code></pre>',
            [("aws-access-key", 1)],
        ),
        ("entities.html", "<p>\n\nalice.canary&#64;corp-mail.com</p>", [("email", 3)]),
        (
            "attributes.html",
            '<p>x</p>\n<img alt="ghp_Zq8Kc4nAry7mWx2Lp0TbR5sV9dF3hJ6kN1yE" src="a.png">',
            [("github-token", 2)],
        ),
        ("anchor.html", '<h2 id="globex-outage">Outage</h2>', [("deny-term", 1)]),
        (
            "search/search_index.json",
            json.dumps({"docs": [{"text": "<p>mail alice.canary\u0040corp-mail.com</p>"}]}),
            [("email", 1)],
        ),
        (
            "sitemap.xml.gz",
            gzip.compress(
                b"<urlset><url><loc>https://wiki.corp.example.com/x</loc></url></urlset>"
            ),
            [("internal-host", 1)],
        ),
        ("prose.html", "<p>Ask &lt;&lt;Security lead&gt;&gt;.</p>", [("placeholder", 1)]),
        ("code.html", "<pre><code>title: &lt;&lt;Summary&gt;&gt;</code></pre>", []),
        # Zensical escapes only the outer brackets in prose, and puts front matter raw
        # into <meta name="description">.
        ("zensical.html", "<p>Ask\n&lt;<Security lead>&gt;.</p>", [("placeholder", 2)]),
        ("zensical-code.html", "<pre><code>&lt;<Summary>&gt;</code></pre>", []),
        (
            "meta.html",
            '<p>x</p>\n<meta name="description" content="Runbook of <<Company name>>.">',
            [("placeholder", 2)],
        ),
        ("tag.html", "<p>a &lt;<em>b</em>&gt; c</p>", []),
        (
            "search.json",
            json.dumps({"items": [{"text": "<p>mail alice.canary@corp-mail.com</p>"}]}),
            [("email", 1)],
        ),
        ("table.html", "<table><tr><td>555</td><td>0100</td></tr></table>", []),
        (
            "bundle.js",
            'var a="alice@example.org",b="AKIAQ3EGCANARY7X4K2Z";',
            [("aws-access-key", 1)],
        ),
        ("logo.png", b"\x89PNG\x00\x01-----BEGIN RSA PRIVATE KEY-----\x00", [("private-key", 1)]),
    ],
    ids=lambda v: v if isinstance(v, str) and "." in v and "<" not in v and "{" not in v else "",
)
def test_the_gate_reads_every_form_a_value_takes(
    name: str, content: str | bytes, expected: list[tuple[str, int]]
) -> None:
    data = content.encode() if isinstance(content, str) else content
    hits = gate.scan_file(name, data, rules())
    assert [(hit.rule, hit.line) for hit in hits] == expected


GATE_CASES = [
    (
        "highlighted.html",
        '<pre><code><span class="s">AKIAQ3EG</span><span>CANARY7X4K2Z</span></code></pre>',
    ),
    # Tags in upper case (raw HTML in a page) are inline tags all the same.
    ("upper.html", "<P>key <SPAN>AKIAQ3EG</SPAN><Em>CANARY7X4K2Z</Em></P>"),
    ("mixed-case.html", "<p>key AKIAQ3EG<sPan>CANARY7X4K2Z</sPan></p>"),
    ("mixed-case-asset.html", '<p>x</p>\n<iMg src="https://cdn.example.net/x.png">'),
    # An inline tag's attributes, entities decoded; a quoted `>` ends no tag.
    (
        "inline-attribute.html",
        '<p>x</p>\n<p><a href="mailto:alice.canary&#64;corp-mail.com">m</a></p>',
    ),
    (
        "quoted-angle.html",
        '<p>x</p>\n<p><span title="password>Zq8Kc4nAry7mWx2Lp0TbR5">x</span></p>',
    ),
    ("quoted-angle-text.html", '<p>AKIAQ3EG<a title=">">CANARY7X4K2Z</a></p>'),
    # Markup that a browser and the exact reading read apart is read the exact way: a quote
    # that opens no value, a `<` in a tag's name.
    ("stray-quote.html", '<a title=""password: Zq8Kc4nAry7mWx2Lp0TbR5">'),
    ("angle-in-name.html", "<AKIAQ3EG<a>password: Zq8Kc4nAry7mWx2Lp0TbR5"),
    # A parser drops the attributes of a table part out of its table (a page's new lines)
    # and keeps a template's content out of the tree; ignores a stray end tag; reads a
    # textarea's tags as text.
    ("cell.html", '<p>x</p>\n<td title="alice.canary@corp-mail.com">y</td>'),
    ("template.html", "<template><p>mail alice.canary@corp-mail.com</p></template>"),
    ("mixed-case-template.html", "<tEmplate><p>alice.canary@corp-mail.com</p></tEmplate>"),
    ("stray-end.html", "password: Zq8Kc4nAry7mWx2Lp0TbR5</div>alice.canary"),
    ("textarea.html", '<textarea><a title="password: Zq8Kc4nAry7mWx2Lp0TbR5">'),
    ("script.html", '<script><a class="alice.canary@corp-mail.com">'),
    # A `<` before an inline tag; a tag written as text between `&lt;` and `&gt;`.
    ("stray-angle.html", "<<a>password: Zq8Kc4nAry7mWx2Lp0TbR5"),
    ("tag-as-text.html", "&lt;<br>&gt;"),
    ("entities.html", "<p>\n\nalice.canary&#64;corp-mail.com</p>"),
    (
        "attributes.html",
        '<p>x</p>\n<img alt="ghp_Zq8Kc4nAry7mWx2Lp0TbR5sV9dF3hJ6kN1yE" src="a.png">',
    ),
    ("comment.html", "<p>x</p>\n<!-- ask alice.canary@corp-mail.com -->"),
    ("anchor.html", '<h2 id="globex-outage">Outage</h2>'),
    (
        "search/search_index.json",
        json.dumps({"docs": [{"text": "mail alice.canary@corp-mail.com"}]}),
    ),
    # A key and its value, or an attribute in markup in a string, read as written.
    ("config.json", json.dumps({"password": "Zq8Kc4nAry7mWx2Lp0TbR5"})),
    ("class.json", json.dumps({"text": '<a class="password: Zq8Kc4nAry7mWx2Lp0TbR5">x</a>'})),
    ("prose.html", "<p>Ask &lt;&lt;Security lead&gt;&gt;.</p>"),
    ("code.html", "<pre><code>title: &lt;&lt;Summary&gt;&gt;</code></pre>"),
    ("table.html", "<table><tr><td>555</td><td>0100</td></tr></table>"),
    ("font.html", '<link rel="stylesheet" href="https://fonts.googleapis.com/css">'),
    # A browser shows the text on either side of a comment, an unknown or a custom element
    # as one.
    ("comment-split.html", "<p>key AKIAQ3EG<!-- -->CANARY7X4K2Z</p>"),
    ("font-split.html", "<p>key AKIAQ3EG<font>CANARY7X4K2Z</font></p>"),
    ("custom-split.html", "<p>key AKIAQ3EG<x-k>CANARY7X4K2Z</x-k></p>"),
    ("unknown-split.html", "<p>x</p>\n<p>key AKIAQ3EG<TT>CANARY7X4K2Z</TT></p>"),
]


@pytest.mark.parametrize(("name", "content"), GATE_CASES, ids=[n for n, _ in GATE_CASES])
def test_the_quick_reading_finds_what_the_exact_one_finds(name: str, content: str) -> None:
    exact = gate.scan_file(name, content.encode(), rules())
    assert exact or name in ("code.html", "table.html")
    assert gate.scan_file(name, content.encode(), rules(), gate.Seen()) == exact


_PIECES = [
    *("AKIAQ3EG", "CANARY7X4K2Z", "alice.canary", "@corp-mail.com", "&#64;", "password"),
    *(": Zq8Kc4nAry7mWx2Lp0TbR5", "https://wiki.corp.example.com/x", "Globex", " ", "\n"),
    *(">", "<", '"', "'", "=", "&amp;", "&lt;", "&gt;", "<<", ">>", "x"),
]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=4).map("".join)
_ATTRIBUTES = st.lists(
    st.builds(
        "{3}{0}={2}{1}{2}".format,
        st.sampled_from(["title", "href", "data-k", "class", "alt", "d", "src", "rel", "TITLE"]),
        _TEXT,
        st.sampled_from(['"', "'", ""]),
        st.sampled_from([" ", "\n"]),
    ),
    max_size=2,
).map("".join)
_TAGS = [
    *("a", "span", "em", "code", "SPAN", "sPan", "b", "p", "div", "td", "tr", "img", "h2"),
    *("pre", "meta", "link", "script", "style", "textarea", "select", "template", "body"),
    *("svg", "tEmplate", "iMg", "font", "x-k", "TT"),
]
_MARKUP = st.lists(
    st.one_of(
        _TEXT,
        st.builds("<{}{}>".format, st.sampled_from(_TAGS), _ATTRIBUTES),
        st.sampled_from([f"</{tag}>" for tag in _TAGS]),
        st.sampled_from(["<!-- ", " -->", "<![CDATA[", "]]>", "<!doctype html>", "<br>"]),
    ),
    max_size=16,
).map("".join)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(_MARKUP, st.booleans())
def test_the_quick_reading_finds_whatever_the_exact_one_finds(markup: str, indexed: bool) -> None:
    # A law over markup of any shape, broken included, in a page or in a search index: the
    # quick reading only decides which files the exact one reads, and must never pass one
    # where the exact one finds something.
    if indexed:
        name, data = "search/search_index.json", json.dumps({"docs": [{"text": markup}]})
    else:
        name, data = "a.html", markup
    exact = gate.scan_file(name, data.encode(), rules())
    assert gate.scan_file(name, data.encode(), rules(), gate.Seen()) == exact


# Material's inline icons (the footer's social links): path data like `9.5.5.08`.
ICON = (
    '<a href="https://github.com/acme" title="github.com" class="md-social__link">'
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 496 512"><path d="M165.9 397.4c0 '
    "2-2.3 3.6-5.2 3.6-3.3.3-5.6-1.3-5.6-3.6 0-2 2.3-3.6 5.2-3.6 3-.3 5.6 1.3 5.6 3.6m-31.1-4.5c-"
    '.7 2 1.3 4.3 4.3 4.9 2.6 1 5.6 0 6.2-2s-1.3-4.3-4.3-5c-2.6-.7-5.5.3-6.2 2.3M9.5.5.08 8.8.8.8z"'
    ' points="9.5.5.08 1.2.3.4" transform="translate(8.8.4.4)"/></svg></a>'
)


@pytest.mark.parametrize("seen", [None, gate.Seen()], ids=["exact", "quick"])
def test_svg_geometry_is_not_data(seen: gate.Seen | None) -> None:
    assert gate.scan_file("index.html", f"<footer>{ICON}</footer>".encode(), rules(), seen) == []


def test_repeated_text_is_read_once_and_reported_in_every_file() -> None:
    seen = gate.Seen()
    chrome = "<header><p>Evidence</p></header>\n<nav><a href='/'>Home</a></nav>\n"
    first = chrome + "<p>mail alice.canary@corp-mail.com</p>\n"
    assert [(h.rule, h.line) for h in gate.scan_file("a.html", first.encode(), rules(), seen)] == [
        ("email", 3)
    ]
    # Known lines and texts are not read again, yet a known value is reported again.
    assert gate.scan_file("b.html", chrome.encode(), rules(), seen) == []
    again = gate.scan_file("c.html", first.encode(), rules(), seen)
    assert [(h.rule, h.line) for h in again] == [("email", 3)]
    index = json.dumps({"docs": [{"text": "<p>mail alice.canary@corp-mail.com</p>"}]})
    assert [
        h.rule for h in gate.scan_file("search/search_index.json", index.encode(), rules(), seen)
    ] == ["email"]
    # A new value on a new line between known lines is read, with its line.
    later = chrome + "<p>key AKIAQ3EGCANARY7X4K2Z</p>\n" + chrome
    hits = gate.scan_file("d.html", later.encode(), rules(), seen)
    assert [(h.rule, h.line) for h in hits] == [("aws-access-key", 3)]


@pytest.mark.parametrize("chunk", [1, 40, 200])
def test_a_large_page_is_read_in_pieces_without_losing_a_value(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fastscan, "CHUNK", chunk)
    filler = [f"<p>line {i} of the print view</p>" for i in range(30)]
    # A deny-listed name wrapped over two lines, in the middle of the page.
    page = "\n".join([*filler[:15], "<p>for Initech", "Corporation.</p>", *filler[15:]])
    names = detectors.Detectors.of(
        parse_publish({"deny_terms": ["Initech Corporation"]}, [], detectors.RULE_IDS, env={})
    )
    hits = gate.scan_file("print/index.html", page.encode(), names, gate.Seen())
    assert [(h.rule, h.line) for h in hits] == [("deny-term", 16)]


def test_a_value_the_search_index_unwraps_is_found_there() -> None:
    # The page wraps the number over two lines (not a phone number as written); the search
    # index has the paragraph with spaces, where it is one.
    seen = gate.Seen()
    page = "<p>call +1 415 555\n\n2671 now</p>"
    assert gate.scan_file("a.html", page.encode(), rules(), seen) == []
    index = json.dumps({"docs": [{"text": "<p>call +1 415 555 2671 now</p>"}]})
    hits = gate.scan_file("search/search_index.json", index.encode(), rules(), seen)
    assert [h.rule for h in hits] == ["phone"]


def test_a_mark_before_an_at_sign_in_the_search_index_is_no_email() -> None:
    # Material writes the mark's `⟧` as `\u27e7`: read raw, `u27e7@db.acmecorp.io`.
    text = "postgres://\u27e6redacted-secret\u27e7@db.acmecorp.io/app"
    index = json.dumps({"docs": [{"text": text}]})
    assert "\\u27e7@" in index
    assert gate.scan_file("search/search_index.json", index.encode(), rules(), Seen()) == []


def test_an_email_after_an_escape_in_the_search_index_is_found() -> None:
    index = json.dumps({"docs": [{"text": "on call:\nalice.smith@corp-mail.com"}]})
    hits = gate.scan_file("search/search_index.json", index.encode(), rules(), Seen())
    assert [h.rule for h in hits] == ["email"]
    expected = detectors.fingerprint("alice.smith@corp-mail.com")
    assert {h.fingerprint for h in hits} == {expected}


def test_gate_findings_never_show_the_value(tmp_path: Path) -> None:
    config, built = site(tmp_path)
    plant(built / "index.html", "<p>write to alice.canary@corp-mail.com</p>")
    scan = run_cli("scan", str(built), "--config", str(config))
    assert scan.exit_code == 1
    assert "alice" not in scan.output and "corp-mail" not in scan.output
    fingerprint = detectors.fingerprint("alice.canary@corp-mail.com")
    assert f": email: an email address (fingerprint {fingerprint}) {GATE_MESSAGE}" in scan.output


def test_scan_needs_an_existing_site_folder(tmp_path: Path) -> None:
    run = run_cli("scan", str(tmp_path / "nowhere"))
    assert run.exit_code == 2
    assert "does not exist" in run.stderr


def test_allow_entries_take_dates_from_yaml(tmp_path: Path) -> None:
    errors: list[str] = []
    entry = {
        "fingerprint": AWS_FINGERPRINT,
        "owner": "a",
        "reason": "b",
        "expires": dt.date(2027, 1, 1),
    }
    publish = parse_publish({"gate_allow": [entry]}, errors, detectors.RULE_IDS, env={})
    assert errors == []
    assert publish.gate_allow[0].expires == dt.date(2027, 1, 1)


def megabyte_markup() -> dict[str, str]:
    """Single lines of 1 MB of broken markup that a tag pattern reading to the next `>`
    from every `<` would take quadratic time over."""
    size = 1_000_000
    return {
        "unclosed-inline-tags": "<a " * (size // 3),
        "unclosed-tags": "<p " * (size // 3),
        "unclosed-quotes": '<p a="' * (size // 6),
        "angle-brackets": "<" * size,
        "comment-starts": "<!--" * (size // 4),
        "spans": "<span>x" * (size // 7),
    }


@pytest.mark.parametrize("name", sorted(megabyte_markup()))
@pytest.mark.parametrize("quick", [True, False], ids=["quick", "exact"])
def test_a_megabyte_of_broken_markup_is_read(name: str, quick: bool) -> None:
    # Timed in the report (README), not here: tests never time.
    data = megabyte_markup()[name].encode()
    assert gate.scan_file("page.html", data, rules(), gate.Seen() if quick else None) == []


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet="ab\n", max_size=80), st.integers(min_value=1, max_value=30))
def test_windows_hold_every_line_once_with_its_neighbours(text: str, chunk: int) -> None:
    lines = text.split("\n")
    own: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fastscan, "CHUNK", chunk)
        for window, mine in fastscan.windows(fastscan.reader(text)):
            first = len(own)
            own.extend(window[i] for i in mine)
            # The line before and the line after a window come with it.
            assert window[: mine.start] == lines[max(0, first - 1) : first]
            assert window[mine.stop :] == lines[len(own) : len(own) + 1][: len(window) - mine.stop]
    assert own == lines


def test_a_search_index_is_read_in_batches_without_losing_a_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fastscan, "CHUNK", 30)
    docs = [{"location": f"p{i}/", "text": f"<p>page {i} of the site</p>"} for i in range(20)]
    docs[13]["text"] = "<p>mail alice.canary@corp-mail.com</p>"
    index = json.dumps({"config": {"lang": ["en"]}, "docs": docs}).encode()
    exact = gate.scan_file("search/search_index.json", index, rules())
    assert [(h.rule, h.field) for h in exact] == [("email", "$.docs[13].text")]
    assert gate.scan_file("search/search_index.json", index, rules(), gate.Seen()) == exact


def test_a_gzip_file_is_read_up_to_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gate, "MAX_GUNZIPPED", 1000)
    assert gate._gunzip(gzip.compress(b"a" * 1000)) == b"a" * 1000
    with pytest.raises(gate.Unread, match=r"^\('unpacks to more than 1,000 bytes"):
        gate._gunzip(gzip.compress(b"a" * 1001))
    assert gate._gunzip(b"not gzip") == b"not gzip"


def test_what_unpacks_of_a_gzip_file_cut_short_or_joined_is_read() -> None:
    # Python's gzip module keeps nothing of a file cut short: the key was never read.
    noise = random.Random(7).randbytes(200_000)
    cut = gzip.compress(f"<url>{AWS_KEY}</url>\n".encode() + noise)[:100_000]
    joined = gzip.compress(b"<url>/</url>\n") + gzip.compress(f"<url>{AWS_KEY}</url>".encode())
    for data, line in ((cut, 1), (joined, 2), (joined + b"trailing bytes", 2)):
        found = [(h.rule, h.line, h.column) for h in gate.scan_file("f.xml.gz", data, rules())]
        # The noise is stored as it is, and the key with it: found there too.
        assert ("aws-access-key", line, 6) in found


def test_json_nested_past_the_decoder_is_read_as_text() -> None:
    # A bad input, not a traceback: the raw reading still finds what is in it.
    nested = "[" * 200_000 + '"mail alice.canary@corp-mail.com"' + "]" * 200_000
    data = json.dumps({"docs": "x"}).replace('"x"', nested).encode()
    for seen in (None, gate.Seen()):
        hits = gate.scan_file("search/search_index.json", data, rules(), seen)
        assert [h.rule for h in hits] == ["email"]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(
    st.text(alphabet="ab\né", max_size=80),
    st.integers(min_value=1, max_value=30),
    st.integers(min_value=1, max_value=90),
    st.integers(min_value=0, max_value=90),
)
def test_parts_hold_every_line_once_with_its_neighbours(
    text: str, chunk: int, first: int, more: int
) -> None:
    # Three parts cut at two bytes, as the gate and its helper read a large page in two.
    data = text.encode()
    lines = text.split("\n")
    whole = [
        (lines[i - 1] if i else None, line, lines[i + 1] if i + 1 < len(lines) else None)
        for i, line in enumerate(lines)
    ]
    read = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fastscan, "CHUNK", chunk)
        for part in ((0, first), (first, first + more), (first + more, None)):
            reading = fastscan._Hashing(io.BytesIO(data).read, part)
            for window, mine in reading.own(fastscan.windows(reading)):
                read.extend(
                    (
                        window[i - 1] if i else None,
                        window[i],
                        window[i + 1] if i + 1 < len(window) else None,
                    )
                    for i in mine
                )
            assert reading.hexdigest() == hashlib.sha256(data).hexdigest()
    assert read == whole
