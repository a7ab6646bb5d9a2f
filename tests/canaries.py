"""The canary set: values that must never reach an audit site, in pages any test can build."""

from __future__ import annotations

import gzip
import html
import json
from pathlib import Path

AWS_KEY = "AKIAQ3EGCANARY7X4K2Z"
GITHUB_TOKEN = "ghp_" + "Zq8Kc4nAry7mWx2Lp0Tb" + "R5sV9dF3hJ6kN1yE"
EMAIL = "alice.canary@corp-mail.com"
PHONE = "+44 20 7946 0958"
CUSTOMER = "Globex"
LINK_EMAIL = "bob.canary@corp-mail.com"
BLOCK_TEXT = "canary-block-q7 the vault code is kept here"
PAGE_TEXT = "canary-page-k3 internal notes"

CANARY_DOCS: dict[str, str | bytes] = {
    "index.md": (
        "# Home\n\n"
        "Public introduction.\n\n"
        "<!-- internal -->\n"
        f"{BLOCK_TEXT}. See [the notes](notes.md).\n"
        "<!-- /internal -->\n\n"
        f"## Contact {EMAIL}\n\n"
        "| Role | Phone |\n"
        "| --- | --- |\n"
        f"| On-call phone | {PHONE} |\n\n"
        "```ini\n"
        f"aws_access_key_id = {AWS_KEY}\n"
        "```\n\n"
        f"![{GITHUB_TOKEN}](diagram.png)\n\n"
        "[The outage](outage.md)\n\n"
        f"[Write to {LINK_EMAIL}](mailto:{LINK_EMAIL})\n"
    ),
    "notes.md": f"---\ntitle: {PAGE_TEXT}\nvisibility: internal\n---\n\n# Notes\n\n{PAGE_TEXT}\n",
    "outage.md": f"---\ntitle: Outage for {CUSTOMER} Corporation\n---\n\nWhat happened.\n",
    "diagram.png": b"\x89PNG\r\n\x1a\n",
}
CANARY_OPTIONS = {"publish": {"deny_terms": [CUSTOMER]}}
CANARY_NAV = [{"Home": "index.md"}, {"Notes": "notes.md"}, {f"{CUSTOMER} outage": "outage.md"}]
CANARIES = (
    *(AWS_KEY, GITHUB_TOKEN, EMAIL, PHONE, CUSTOMER, LINK_EMAIL),
    *("canary-block-q7", "canary-page-k3"),
)


def everything(site: Path) -> str:
    """Every published byte as text, also gunzipped, entity-unescaped and JSON-decoded."""
    parts = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        text = data.decode("utf-8", errors="replace")
        parts += [path.relative_to(site).as_posix(), text, html.unescape(text)]
        if path.suffix == ".json":
            parts.append(json.dumps(json.loads(text), ensure_ascii=False))
    return "\n".join(parts)
