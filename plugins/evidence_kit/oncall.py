"""The on-call rotation: `oncall.yml` rendered into a page people can read."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable
from typing import Any

from .loader import Tree

TYPE = "oncall"


def pages(tree: Tree, invalid: Iterable[str]) -> dict[str, str]:
    """A markdown page beside every valid on-call file (`oncall.yml` -> `oncall.md`)."""
    skip = set(invalid)
    result = {}
    for src_uri, data in tree.data.items():
        if data.doc_type != TYPE or src_uri in skip:
            continue
        page = src_uri.rsplit(".", 1)[0] + ".md"
        if page not in tree.documents:
            result[page] = render(data.data.value)
    return result


def _text(value: Any) -> str:
    return html.escape(str(value)).replace("|", "&#124;")


def _when(value: str) -> str:
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def render(rotation: dict[str, Any]) -> str:
    """The on-call page: rotation link, shifts and escalation path."""
    info = rotation["rotation"]
    contacts = rotation.get("contacts", {})
    lines = [
        "---",
        f"title: {_yaml_text(html.escape(str(info.get('name', 'On-call rotation'))))}",
        "---",
        "",
        f"# {_text(info.get('name', 'On-call rotation'))}",
        "",
        f'Current schedule: <a href="{html.escape(info["url"], quote=True)}">'
        f"{_text(info['url'])}</a>",
        "",
        "## Shifts",
        "",
        "| Start | End | Primary | Secondary |",
        "| --- | --- | --- | --- |",
    ]
    for shift in rotation.get("shifts", []):
        lines.append(
            f"| {_when(shift['start'])} | {_when(shift['end'])} "
            f"| {_text(shift['primary'])} | {_text(shift['secondary'])} |"
        )
    lines += ["", "## Escalation path", "", "| Level | Who | After |", "| --- | --- | --- |"]
    for step in rotation.get("escalation", []):
        who = step["contact"]
        contact = contacts.get(who)
        name = f"{contact['name']} ({contact['role']})" if contact else who.replace("_", " ")
        lines.append(f"| {step['level']} | {_text(name)} | {step['after_minutes']} min |")
    lines.append("")
    return "\n".join(lines)


def _yaml_text(value: Any) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
