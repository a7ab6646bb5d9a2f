"""Placeholders: found outside code, filled as safe text, every gap reported."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import build, make_project, run_cli

RUNBOOK = "---\ntitle: <<Team>> runbook\n---\n\n# Runbook\n\n"


def check_lines(config: Path, *extra: str) -> list[str]:
    return run_cli("check", "--config", str(config), *extra).output.splitlines()


def test_every_missing_value_is_listed_with_its_place(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        {
            "a.md": RUNBOOK + "Call <<Security lead>> or <<Engineering lead>>.\n",
            "b.md": "# B\n\nAsk <<Security lead>> and <<Empty>>.\n",
        },
        {"placeholders": {"Team": "Platform", "Empty": "  "}},
    )
    assert check_lines(config) == [
        "docs/a.md:7:6: placeholder-missing: <<Security lead>> has no value; add it under placeholders in the evidence plugin config",
        "docs/a.md:7:27: placeholder-missing: <<Engineering lead>> has no value; add it under placeholders in the evidence plugin config",
        "docs/b.md:3:5: placeholder-missing: <<Security lead>> has no value; add it under placeholders in the evidence plugin config",
        "docs/b.md:3:27: placeholder-missing: <<Empty>> is empty; give it a value",
        "4 errors, 0 warnings",
    ]


def test_code_is_left_alone_and_escapes_are_literal(tmp_path: Path) -> None:
    body = (
        "Inline `<<Not filled>>` and\n\n"
        "```yaml\nowner: <<Template blank>>\n```\n\n"
        "~~~~\n```\n<<Still code>>\n```\n~~~~\n\n"
        "Literal \\<<Shown as is>> here.\n"
    )
    config = make_project(tmp_path, {"index.md": "# Home\n\n" + body})
    assert check_lines(config) == ["0 errors, 0 warnings"]
    # The internal edition: the audit edition's gate rejects any <<...>> left in the site,
    # even a literal one, and leaves nothing to read.
    html = build(config, env={"EVIDENCE_AUDIENCE": "internal"}).page("index.html")
    assert "<code>&lt;&lt;Not filled&gt;&gt;</code>" in html
    assert "&lt;&lt;Template blank&gt;&gt;" in html
    assert "&lt;&lt;Still code&gt;&gt;" in html
    assert "Literal &lt;&lt;Shown as is&gt;&gt; here." in html


def test_unused_value_is_a_warning_with_did_you_mean(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        {"index.md": "# Home\n\n<<Security lead>>\n"},
        {"placeholders": {"Security lead": "Ravi", "Securty lead": "Ravi", "Spare": "x"}},
    )
    lines = (tmp_path / "mkdocs.yml").read_text().splitlines()
    typo = next(i for i, line in enumerate(lines, 1) if "Securty lead" in line)
    spare = next(i for i, line in enumerate(lines, 1) if "Spare" in line)
    expected = [
        f"mkdocs.yml:{typo}:7: placeholder-unused: <<Securty lead>> has a value but no page uses it; did you mean <<Security lead>>?",
        f"mkdocs.yml:{spare}:7: placeholder-unused: <<Spare>> has a value but no page uses it; remove it or use it",
    ]
    run = run_cli("check", "--config", str(config))
    assert (run.exit_code, run.output.splitlines()) == (0, [*expected, "0 errors, 2 warnings"])
    result = build(config)
    assert result.returncode == 0, result.log
    assert [f"INFO    -  evidence: {line}" for line in expected] == [
        line for line in result.log.splitlines() if "placeholder-unused" in line
    ]


def test_seed_style_is_reported_with_the_fix(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        {"index.md": "# Home\n\nOwner: {{Security lead}}, not `{{Code}}`, {{ page.title }}\n"},
    )
    assert check_lines(config) == [
        "docs/index.md:3:8: placeholder-syntax: {{Security lead}} is not a placeholder; write <<Security lead>>",
        "1 error, 0 warnings",
    ]


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")
        self._in_title = tag == "title"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
            self._in_title = False


def test_values_are_text_urls_are_links_and_sources_are_env_and_data(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        {
            "index.md": "---\ntitle: <<Evil>> & co\n---\n\n# Home\n\n"
            "| Who | Where |\n| --- | --- |\n| <<Evil>> | <<Pipe>> |\n\n"
            "See <<Status page>>, key <<Api key>>, rotation <<Rotation>>.\n",
            "oncall.yml": "rotation:\n  url: https://oncall.example.com/s/1\n",
        },
        {
            "types": {"oncall.yml": "rota"},
            "schemas_dir": "schemas",
            "placeholders": {
                "Evil": '<script>alert("x")</script>*bold*',
                "Pipe": "a|b O'Brien",
                "Status page": {"value": "https://status.example.com/?a=1&b=2", "url": True},
                "Api key": {"env": "EVIDENCE_TEST_KEY"},
                "Rotation": {"data": "oncall.yml", "key": "rotation.url", "url": True},
            },
        },
    )
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "rota.schema.json").write_text(
        json.dumps(
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "$id": "https://x.example/rota.schema.json",
                "type": "object",
            }
        )
    )
    assert check_lines(config) == [
        "docs/index.md:11:26: placeholder-missing: <<Api key>> has no value: environment variable EVIDENCE_TEST_KEY is not set",
        "1 error, 0 warnings",
    ]
    result = build(config, env={"EVIDENCE_TEST_KEY": "k-123"})
    assert result.returncode == 0, result.log
    html = result.page("index.html")
    parsed = _Collect()
    parsed.feed(html)
    assert "<script>alert" not in html
    assert '<td>&lt;script&gt;alert&#40;"x"&#41;&lt;/script&gt;&#42;bold&#42;</td>' in html
    assert "<td>a&#124;b O'Brien</td>" in html
    assert "https://status.example.com/?a=1&b=2" in parsed.links
    assert "https://oncall.example.com/s/1" in parsed.links
    assert "key k-123," in html
    # MkDocs puts titles into HTML unescaped: the value must arrive escaped.
    assert parsed.title == '<script>alert("x")</script>*bold* & co - Test evidence'
    assert "<title>&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            {"Bad": {"value": "javascript:alert(1)", "url": True}},
            "placeholders: 'Bad': 'javascript:alert(1)' is not an absolute https/http/mailto URL",
        ),
        (
            {"Bad": {"value": "a", "env": "B"}},
            "placeholders: 'Bad': give exactly one of value, env or data",
        ),
        (
            {"Bad": {"data": "x.yml"}},
            "placeholders: 'Bad': data needs a key, the dotted path of the value in the file",
        ),
        (
            {"Bad": {"colour": "red"}},
            "placeholders: 'Bad': expected a text value or a mapping with value, env or data (+ key), and url",
        ),
        ({"<Bad>": "x"}, "placeholders: '<Bad>': a name is letters, digits, spaces and . _ / -"),
    ],
)
def test_bad_placeholder_config_is_a_config_error(
    tmp_path: Path, spec: dict[str, object], message: str
) -> None:
    config = make_project(tmp_path, {"index.md": "# Home\n"}, {"placeholders": spec})
    run = run_cli("check", "--config", str(config))
    assert (run.exit_code, run.stderr) == (2, f"evidence-kit: error: {message}\n")
    result = build(config)
    assert result.returncode == 1
    assert (
        f"Config value 'plugins': Plugin 'evidence' option '': {message}" in result.log
        or message in result.log
    )
