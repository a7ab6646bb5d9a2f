"""The parser against SECURITY.md's bad inputs: each gets a finding at its line, never a crash."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence_kit.core import yamlio
from evidence_kit.core.loader import load_tree
from evidence_kit.core.model import texts_of
from evidence_kit.core.settings import Settings

TODAY = dt.date(2026, 11, 26)


def findings(text: str) -> list[str]:
    return [str(f) for f in yamlio.load(text, "f.yml").findings]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a: [b\nc: d\n",
            "f.yml:1:4: yaml-syntax: did not find expected ',' or ']' while parsing a flow "
            "sequence (noticed at line 2); fix the YAML here",
        ),
        (
            "a: b: c\n",
            "f.yml:1:5: yaml-syntax: mapping values are not allowed in this context; "
            "fix the YAML here",
        ),
        (
            "a:\n\t- b\n",
            "f.yml:2:1: yaml-syntax: found character that cannot start any token while scanning "
            "for the next token; indent with spaces, not tabs; fix the YAML here",
        ),
        (
            "a: 1\nb: 2\na: 3\n",
            "f.yml:3:1: yaml-duplicate-key: $.a: duplicate key 'a' (lines 1 and 3); keep one",
        ),
        (
            "x: !!python/object:os.system {}\n",
            "f.yml:1:4: yaml-tag: $.x: the tag 'tag:yaml.org,2002:python/object:os.system' is "
            "not allowed; evidence files hold plain data",
        ),
        (
            "x: !custom value\n",
            "f.yml:1:4: yaml-tag: $.x: the tag '!custom' is not allowed; evidence files hold "
            "plain data",
        ),
        (
            "a: &x [1, 2]\nb: *x\n",
            "f.yml:2:1: yaml-alias: $.b: anchors and aliases are not allowed in evidence files; "
            "write the value out",
        ),
        (
            "base: &b {x: 1}\nother:\n  <<: *b\n",
            "f.yml:3:3: yaml-alias: $.other: merge keys (<<) are not allowed; write the keys out",
        ),
    ],
)
def test_bad_yaml_is_a_finding_at_its_line(text: str, expected: str) -> None:
    assert findings(text) == [expected]


def test_billion_laughs_is_rejected_at_the_first_alias() -> None:
    rows = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        rows.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    found = findings("\n".join(rows) + "\n")
    assert found[0] == (
        "f.yml:1:4: yaml-alias: $.b[0]: anchors and aliases are not allowed in evidence files; "
        "write the value out"
    )
    assert {f.split(": ")[1] for f in found} == {"yaml-alias"}


def test_deep_nesting_is_refused() -> None:
    text = "a: " + "[" * 70 + "]" * 70 + "\n"
    assert (
        findings(text)[0]
        == "f.yml:1:68: yaml-too-deep: $.a" + "[0]" * 64 + ": nested deeper than 64 levels"
    )
    libyaml_limit = "a: " + "[" * 2000 + "]" * 2000 + "\n"
    assert findings(libyaml_limit) == [
        "f.yml:1:1003: yaml-syntax: exceeded maximum nesting depth while increasing flow level; fix the YAML here"
    ]


def test_scalars_keep_yaml_types_and_remember_their_text() -> None:
    parsed = yamlio.load(
        "d: 2026-01-10\nt: 2026-03-02T14:05:00+00:00\nn: NO\nz: 01234\nf: 1.10\n", "f"
    ).parsed
    assert parsed is not None
    assert parsed.value == {
        "d": "2026-01-10",
        "t": "2026-03-02T14:05:00+00:00",
        "n": False,
        "z": 668,
        "f": 1.1,
    }
    assert parsed.raw == {
        "$.n": ("NO", "boolean"),
        "$.z": ("01234", "integer"),
        "$.f": ("1.10", "number"),
    }
    assert parsed.mark("$.f").line == 5


@pytest.mark.parametrize(
    ("text", "front", "body", "line"),
    [
        ("---\na: 1\n---\n\n# T\n", "a: 1\n", "# T\n", 5),
        ("---\na: 1\n...\nbody\n", "a: 1\n", "body\n", 4),
        ("# No front matter\n", None, "# No front matter\n", 1),
        ("---\n\nText after a rule\n", None, "---\n\nText after a rule\n", 1),
    ],
)
def test_front_matter_split_matches_mkdocs(
    text: str, front: str | None, body: str, line: int
) -> None:
    split = yamlio.split_front_matter(text)
    assert (split.yaml_text, split.body, split.body_line, split.unclosed) == (
        front,
        body,
        line,
        False,
    )


def tree_findings(tmp_path: Path, files: dict[str, bytes], **options: object) -> list[str]:
    docs = tmp_path / "docs"
    for name, content in files.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_bytes(content)
    settings = Settings(root=tmp_path, docs_dir=docs, today=TODAY, **options)
    return [str(f) for f in load_tree(settings).findings]


def test_file_problems_name_the_file(tmp_path: Path) -> None:
    found = tree_findings(
        tmp_path,
        {
            "latin1.md": "---\ntitle: Caf\xe9\n---\n".encode("latin-1"),
            "big.md": b"x" * 2048,
            "list.md": b"---\n- a\n- b\n---\n# L\n",
            "scalar.md": b"---\njust text\n---\n",
            "unclosed.md": b"---\ntitle: x\n\n# Body\n",
            "bom-crlf.md": b"\xef\xbb\xbf---\r\ntitle: ok\r\n---\r\n\r\n# Fine\r\n",
        },
        max_file_size=1024,
    )
    assert found == [
        "docs/big.md:1:1: file-too-large: 2048 bytes is over the 1024-byte limit (max_file_size); split the file",
        "docs/latin1.md:2:11: file-encoding: not UTF-8 (byte 0xe9); save the file as UTF-8",
        "docs/list.md:2:1: front-matter-shape: front matter is a list, not a mapping; write key: value lines",
        "docs/scalar.md:2:1: front-matter-shape: front matter is a text, not a mapping; write key: value lines",
        "docs/unclosed.md:1:1: front-matter-unclosed: front matter opened with --- is never closed; end it with a line of ---",
    ]


def test_bom_and_crlf_are_read(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_bytes(b"\xef\xbb\xbf---\r\ntitle: ok\r\nx: 1\r\n---\r\n\r\n# Fine\r\n")
    settings = Settings(root=tmp_path, docs_dir=docs, today=TODAY)
    doc = load_tree(settings).documents["a.md"]
    assert (doc.meta.value, doc.body, doc.body_line, doc.meta.mark("$.x").line) == (
        {"title": "ok", "x": 1},
        "# Fine\n",
        6,
        3,
    )


def test_symlink_outside_the_repository_is_an_error(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# Secret\n")
    repo = tmp_path / "repo"
    (repo / "docs").mkdir(parents=True)
    (repo / "docs" / "inside.md").write_text("# In\n")
    (repo / "docs" / "leak.md").symlink_to(outside / "secret.md")
    (repo / "docs" / "leakdir").symlink_to(outside, target_is_directory=True)
    (repo / "docs" / "ok.md").symlink_to(repo / "docs" / "inside.md")
    settings = Settings(root=repo, docs_dir=repo / "docs", today=TODAY)
    tree = load_tree(settings)
    message = (
        "symlink-outside: links to a file outside the repository, which would be published; "
        "copy the content in or remove the link"
    )
    assert sorted(str(f) for f in tree.findings) == [
        f"docs/leak.md:1:1: {message}",
        f"docs/leakdir:1:1: {message}",
    ]
    assert sorted(tree.documents) == ["inside.md", "ok.md"]
    assert tree.unpublishable == {"leak.md", "leakdir"}


VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(VALUES)
def test_the_texts_the_reader_keeps_are_the_values_strings(value: object) -> None:
    # The audit check reads front matter strings from `texts`, not by walking the value.
    parsed = yamlio.load(yaml.safe_dump(value, allow_unicode=True), "x.yml").parsed
    assert parsed is not None
    assert parsed.texts == tuple(texts_of(parsed.value))


def test_texts_skip_what_the_reader_refuses() -> None:
    text = "a: &x one\nb: *x\nc: two\nc: three\nd: [four, 5, 2026-01-02]\n"
    loaded = yamlio.load(text, "x.yml")
    assert loaded.parsed is not None
    assert loaded.parsed.texts == ("one", "two", "four", "2026-01-02")
    assert loaded.parsed.texts == tuple(texts_of(loaded.parsed.value))
