"""Metadata as the builder reads it: fenced YAML and unfenced MultiMarkdown `key: value`
lines, compared with MkDocs' own reader, and what a build does with each."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data

from conftest import build, make_project
from evidence_kit.core.loader import parse_document
from evidence_kit.core.model import Finding, Mark

# Text of one line: letters, punctuation that means something to either syntax, and the
# odd whitespace `str.strip` and `\s` treat as space.
_CHARS = st.sampled_from([*"abcXYZ019 :-_#>*<'\"\t\x0b\x0c\xa0\u2028\u3000", "<<x>>"])
_TEXT = st.lists(_CHARS, max_size=12).map("".join)
_KEY = st.text("abcAB09_-", min_size=1, max_size=6)
_META_LINE = st.builds(
    lambda indent, key, gap, value: f"{' ' * indent}{key}:{gap}{value}",
    st.integers(0, 4),
    _KEY,
    st.sampled_from(["", " ", "  ", "\t"]),
    _TEXT,
)
_MORE_LINE = st.builds(
    lambda lead, value: lead + value, st.sampled_from(["    ", "\t", "     "]), _TEXT
)
_BODY_LINE = st.sampled_from(["", " ", "# Title", "text", "---", "...", "- item", "    code"])
_UNFENCED = st.lists(st.one_of(_META_LINE, _MORE_LINE, _BODY_LINE, _TEXT), max_size=8)
# Fenced YAML: keys of letters and plain values, so both readers build the same mapping
# (YAML-typed scalars like `yes` and `~` included).
_YAML_VALUE = st.one_of(
    st.text("abc xyz", max_size=8), st.sampled_from(["yes", "no", "~", "'q: 1'", "[a, b]"])
)
_YAML_LINE = st.builds(
    lambda key, value: f"{key}: {value}", st.text("abcde", min_size=1, max_size=4), _YAML_VALUE
)
_FENCED = st.builds(
    lambda lines, close, body: ["---", *lines, close, *body],
    st.lists(st.one_of(_YAML_LINE, st.just(""), st.just("# comment")), max_size=5),
    st.sampled_from(["---", "...", "--- "]),
    st.lists(_BODY_LINE, max_size=4),
)


def _ours(text: str) -> tuple[dict[str, object], str] | None:
    """Our reading of a page, or None when it is an error (such a page is never published)."""
    findings: list[Finding] = []
    doc = parse_document(text, "page.md", "docs/page.md", {}, findings)
    if findings or not doc.publishable:
        return None
    assert isinstance(doc.meta.value, dict)
    return doc.meta.value, doc.body


@settings(max_examples=400, deadline=None)
@given(st.one_of(_UNFENCED, _FENCED), st.booleans())
def test_metadata_is_read_as_mkdocs_reads_it(lines: list[str], newline: bool) -> None:
    text = "\n".join(lines) + ("\n" if newline else "")
    ours = _ours(text)
    body, meta = get_data(text)
    if ours is None:
        return  # an error: the page is not published, so nothing can disagree
    assert ours == (meta, body)


def test_unfenced_lines_keep_their_positions() -> None:
    text = "Title: Restore drill\n  owner: Ops\n    team\n\n# Body\n"
    findings: list[Finding] = []
    doc = parse_document(text, "drill.md", "docs/drill.md", {}, findings)
    assert findings == []
    assert doc.meta.value == {"title": "Restore drill", "owner": "Ops team"}
    assert (doc.meta.mark("$.title"), doc.meta.mark("$.owner")) == (Mark(1, 1), Mark(2, 3))
    assert (doc.body, doc.body_line) == ("# Body\n", 5)


UNFENCED_INTERNAL = (
    "visibility: internal\n"
    "title: Vendor escalation contacts\n"
    "\n"
    "# Vendor escalation\n\n"
    "Call the storage vendor's duty manager first.\n"
)


def test_an_unfenced_internal_page_is_withheld_from_the_audit_edition(tmp_path: Path) -> None:
    docs = {"index.md": "# Home\n", "vendors.md": UNFENCED_INTERNAL}
    result = build(make_project(tmp_path, docs))
    assert result.returncode == 0, result.log
    assert not (result.site / "vendors").exists()
    assert "INFO    -  evidence: audit edition: 1 document withheld; redacted: nothing" in (
        result.log
    )
    assert "duty manager" not in (result.site / "search" / "search_index.json").read_text()


def test_an_unfenced_page_keeps_its_title_in_the_internal_edition(tmp_path: Path) -> None:
    docs = {"index.md": "# Home\n", "vendors.md": UNFENCED_INTERNAL}
    config = make_project(tmp_path, docs, options={"publish": {"audience": "internal"}})
    result = build(config)
    assert result.returncode == 0, result.log
    page = result.page("vendors/index.html")
    assert "<title>Vendor escalation contacts - Test evidence</title>" in page
    assert "visibility: internal" not in page
    assert "duty manager" in page
