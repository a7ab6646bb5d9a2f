"""Adding the evidence plugin to a project's mkdocs.yml: lines added, nothing rewritten."""

from __future__ import annotations

import pytest
import yaml

from evidence_kit.authoring import config_edit, starter

ENTRY = '- evidence:\n    placeholders:\n      Company name: ""\n'


def added(text: str) -> str:
    outcome = config_edit.add_plugin(text, ENTRY)
    assert outcome.text is not None, outcome.reason
    return outcome.text


def test_the_entry_is_the_starters() -> None:
    config = (starter.TEMPLATES / "mkdocs.yml").read_text(encoding="utf-8")
    entry = starter.plugin_entry()
    assert config.endswith("".join("  " + line for line in entry.splitlines(keepends=True)))
    assert list(yaml.safe_load(entry)[0]) == ["evidence"]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # After the last item, at the list's own indentation, before what follows it.
        (
            "plugins:\n  - search\n  - tags:\n      tags_file: t.md\n# The look\ntheme: x\n",
            "plugins:\n  - search\n  - tags:\n      tags_file: t.md\n"
            '  - evidence:\n      placeholders:\n        Company name: ""\n# The look\ntheme: x\n',
        ),
        (
            "plugins:\n- search\n\nnav: []\n",
            'plugins:\n- search\n- evidence:\n    placeholders:\n      Company name: ""\n\nnav: []\n',
        ),
        (
            "plugins:\n    -   search",
            "plugins:\n    -   search\n"
            '    -   evidence:\n          placeholders:\n            Company name: ""\n',
        ),
        # No plugins: a block at the end, with search kept on.
        (
            "site_name: X # ours\n",
            "site_name: X # ours\nplugins:\n  - search\n"
            '  - evidence:\n      placeholders:\n        Company name: ""\n',
        ),
    ],
    ids=["indented", "indentless", "wide", "none"],
)
def test_the_plugin_is_added_as_lines(before: str, after: str) -> None:
    assert added(before) == after


def test_a_listed_plugin_is_left_alone() -> None:
    for text in ("plugins:\n  - evidence\n", "plugins:\n  evidence: {}\n"):
        assert config_edit.add_plugin(text, ENTRY) == config_edit.Outcome(present=True)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("plugins: [search]\n", "plugins is written inline ([...])"),
        ("plugins:\n", "plugins is empty or not a list"),
        ("plugins:\n  search: {}\n", "plugins is a mapping"),
        ("plugins: !ENV [P, [search]]\n", "plugins is set with the tag !ENV"),
        ("INHERIT: base.yml\n", "it inherits from another file (INHERIT)"),
        ("{site_name: X}\n", "it is not a block mapping from column 1"),
        # Appending after an end-of-document marker would start a second document.
        ("site_name: X\n...\n", "the edited file did not read back as the same config"),
    ],
)
def test_what_it_cannot_edit_it_says(text: str, reason: str) -> None:
    outcome = config_edit.add_plugin(text, ENTRY)
    assert (outcome.text, outcome.present, outcome.reason) == (None, False, reason)
    assert outcome.lines
