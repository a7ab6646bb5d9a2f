"""Config text the theme prints raw (site name, nav titles, footer): escaped and, in the
audit edition, redacted."""

from __future__ import annotations

import html
from collections.abc import Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from ..core.options.publish import (
    AUDIT,
    Publish,
)
from . import detectors
from .redact import detector_for

if TYPE_CHECKING:
    pass

# ---------------------------------------------------------------- config text and nav


_CONFIG_TEXTS = ("site_name", "site_description", "site_author")


def publish_config(
    config: MutableMapping[str, Any],
    publish: Publish,
    commit: str,
    built: str,
    modified: bool,
) -> list[str]:
    """Redact (audit edition) and escape the config text MkDocs puts into pages raw (site
    name, description, author, nav titles and links), and add the edition, build date and
    commit to every page's footer. Returns what was redacted, without the values."""
    redacted: list[str] = []

    def text(value: str, where: str) -> str:
        if publish.audit:
            value, spans = detectors.redact(value, detector_for(publish), detectors.note_for)
            redacted.extend(
                f"{where}: {m.rule.description} is redacted from the audit edition "
                f"(fingerprint {m.fingerprint}); remove it from the config"
                for m, _, _ in spans
            )
        return html.escape(value, quote=True)

    for key in _CONFIG_TEXTS:
        if isinstance(config.get(key), str):
            config[key] = text(config[key], key)
    if config.get("nav"):
        config["nav"] = _nav_texts(config["nav"], text)
    config["copyright"] = footer(config.get("copyright"), publish.audience, commit, built, modified)
    return redacted


def _nav_texts(nav: Any, text: Callable[[str, str], str]) -> Any:
    """The `nav` config with its titles (and external links) passed through `text`."""
    if isinstance(nav, list):
        return [_nav_texts(item, text) for item in nav]
    if isinstance(nav, dict):
        return {text(str(k), "nav"): _nav_texts(v, text) for k, v in nav.items()}
    if isinstance(nav, str) and "://" in nav:
        return text(nav, "nav")
    return nav


def footer(
    copyright: str | None, audience: str, commit: str, built: str, modified: bool = False
) -> str:
    """The footer line of every page: edition, build date and commit."""
    changes = " with uncommitted changes" if modified else ""
    edition = "Audit edition" if audience == AUDIT else "Internal edition, not for sharing"
    note = (
        f'<span class="evidence-edition" data-audience="{html.escape(audience, quote=True)}">'
        f"{edition} &middot; built {html.escape(built)} from commit "
        f"<code>{html.escape(commit[:12])}</code>{changes}</span>"
    )
    return f"{copyright}<br>{note}" if copyright else note
