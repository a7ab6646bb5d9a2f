"""The evidence plugin added to an existing `mkdocs.yml` as text: the user's file is kept byte
for byte and only gains lines, or it is left alone with the lines to add by hand.

An edit is made only where its place is certain: after the last item of a block-style
`plugins:` list, at that list's indentation, or as a new `plugins:` block at the end of a file
that has none (with `search`, which MkDocs turns off once `plugins` is set). Every edit is
checked by reading both texts back: the config must be the user's, plus the one entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from ..core import mkdocs_yml


@dataclass(frozen=True)
class Outcome:
    """What became of the config: `text` is the edited file when the plugin was added;
    otherwise `present` says it was there already, or `reason` why it is not added and
    `lines` what to add by hand (`where` says where)."""

    text: str | None = None
    present: bool = False
    reason: str = ""
    lines: str = ""
    where: str = ""


def add_plugin(text: str, entry: str, refuse: str = "") -> Outcome:
    """Add `entry` (a `- evidence:` list item written at column 0, its options indented by 4)
    to the config `text`, unless `refuse` gives a reason not to edit it; raises
    mkdocs_yml.ConfigFileError when the text is no config."""
    try:
        root, config = mkdocs_yml.compose(text)
    except yaml.YAMLError as exc:
        raise mkdocs_yml.ConfigFileError(f"invalid YAML: {exc}") from None
    if not isinstance(config, dict) or not isinstance(root, yaml.MappingNode):
        raise mkdocs_yml.ConfigFileError("a MkDocs config is a mapping")
    if mkdocs_yml.plugin_listed(config.get("plugins")):
        return Outcome(present=True)
    node = next((v for k, v in root.value if k.value == "plugins"), None)
    if refuse:
        return _by_hand(refuse, node, entry)
    new, reason = _edit(text, root, node, entry)
    if new is not None and _adds_only(config, new, entry, node is None):
        return Outcome(text=new)
    return _by_hand(reason or "the edited file did not read back as the same config", node, entry)


def _edit(
    text: str, root: yaml.MappingNode, node: yaml.Node | None, entry: str
) -> tuple[str | None, str]:
    if "INHERIT" in {k.value for k, _ in root.value}:
        return None, "it inherits from another file (INHERIT)"
    if root.flow_style or root.start_mark.column != 0:
        return None, "it is not a block mapping from column 1"
    if not text.endswith("\n"):
        text += "\n"
    if node is None:
        return text + "plugins:\n  - search\n" + _indent(entry, 2, 2), ""
    if node.tag.startswith("!") or "python/" in node.tag:
        return None, f"plugins is set with the tag {node.tag}"
    if isinstance(node, yaml.MappingNode):
        return None, "plugins is a mapping"
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        return None, "plugins is empty or not a list"
    if node.flow_style:
        return None, "plugins is written inline ([...])"
    last = node.value[-1]
    # Every `-` of a block list is at the list's column.
    dash = node.start_mark.column
    offset = last.start_mark.column - dash
    lines = text.splitlines(keepends=True)
    # The list ends where the next top-level key starts (column 1), or mid-line at the end of
    # a file without a final newline; the entry goes after its last line that is not blank
    # or a comment.
    end = min(node.end_mark.line + (node.end_mark.column > 0), len(lines))
    after = next(
        (
            i + 1
            for i in range(end - 1, last.start_mark.line - 1, -1)
            if lines[i].strip() and not lines[i].lstrip().startswith("#")
        ),
        None,
    )
    if after is None:
        return None, "the end of the plugins list was not found"
    lines.insert(after, _indent(entry, dash, offset))
    return "".join(lines), ""


def _indent(entry: str, dash: int, offset: int) -> str:
    """`entry` with its `-` at column `dash` and its key `offset` columns after it."""
    first, _, rest = entry.partition("\n")
    head = " " * dash + "-" + " " * (offset - 1) + first[2:] + "\n"
    pad = " " * (dash + offset - 2)
    return head + "".join(pad + line if line else line for line in rest.splitlines(True))


def _adds_only(config: dict[str, Any], new: str, entry: str, fresh: bool) -> bool:
    try:
        _, after = mkdocs_yml.compose(new)
        _, wanted = mkdocs_yml.compose(entry)
    except yaml.YAMLError:
        return False
    if not isinstance(after, dict):
        return False
    plugins = ["search"] if fresh else list(config["plugins"])
    rest = {k: v for k, v in after.items() if k != "plugins"}
    before = {k: v for k, v in config.items() if k != "plugins"}
    return rest == before and after.get("plugins") == [*plugins, *wanted]


def _by_hand(reason: str, node: yaml.Node | None, entry: str) -> Outcome:
    if node is None:
        lines, where = "plugins:\n  - search\n" + _indent(entry, 2, 2), "at the end of the file"
    elif isinstance(node, yaml.MappingNode):
        first, _, rest = entry.partition("\n")
        lines, where = "  " + first[2:] + "\n" + rest, "under plugins:"
    else:
        lines, where = _indent(entry, 2, 2), "to the plugins: list"
    return Outcome(reason=reason, lines=lines, where=where)
