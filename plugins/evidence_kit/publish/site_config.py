"""Config text themes print raw (site name, copyright, repository links, `extra`, theme
options, nav titles, footer): escaped and, in the audit edition, redacted."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

from ..core.options.publish import (
    AUDIT,
    Publish,
)
from . import detectors
from .detectors import detector_for

if TYPE_CHECKING:
    pass

# ---------------------------------------------------------------- config text and nav


_CONFIG_TEXTS = (
    "site_name",
    "site_description",
    "site_author",
    "copyright",
    "repo_url",
    "repo_name",
    "edit_uri",
    "edit_uri_template",
    "extra",
)
"""Config keys whose strings (at any depth) themes print into pages as they are."""
_THEME_FILES = frozenset({"name", "custom_dir", "static_templates", "locale", "language"})
"""Theme options that name files or a language rather than text a page shows."""


def publish_config(
    config: MutableMapping[str, Any],
    publish: Publish,
    commit: str,
    built: str,
    modified: bool,
    as_of: str = "",
) -> list[str]:
    """Redact (audit edition) and escape the config text themes put into pages raw: site
    name, description and author, copyright, repository and edit links, every string under
    `extra` (social links included) and the theme's own options, nav titles and links; then
    add the edition, build date and commit to every page's footer. Returns what was
    redacted, without the values."""
    redacted: list[str] = []

    def escaped(value: str, where: str) -> str:
        if publish.audit:
            value, spans = detectors.redact(value, detector_for(publish), detectors.note_for)
            redacted.extend(
                f"{where}: {m.rule.description} is redacted from the audit edition "
                f"(fingerprint {m.fingerprint}); remove it from the config"
                for m, _, _ in spans
            )
        return html.escape(value, quote=True)

    def text(value: str, where: str) -> str:
        # Entities first, so `&copy;` stays a symbol and an entity-encoded secret is found.
        return escaped(html.unescape(value), where)

    for key in _CONFIG_TEXTS:
        value = config.get(key)
        if isinstance(value, MutableMapping):
            # Changed in place: MkDocs' `extra` is a config object other plugins read too.
            for name in list(value):
                value[name] = _texts(value[name], f"{key}.{name}", text)
        elif value is not None:
            config[key] = _texts(value, key, text)
    theme = config.get("theme")
    if theme is not None and not isinstance(theme, str):
        for name in list(theme):
            if name not in _THEME_FILES:
                theme[name] = _texts(theme[name], f"theme.{name}", text)
    if config.get("nav"):
        config["nav"] = _nav_texts(config["nav"], text)
    config["copyright"] = footer(
        config.get("copyright"), publish.audience, commit, built, modified, as_of
    )
    return redacted


def _texts(value: Any, where: str, text: Callable[[str, str], str]) -> Any:
    """`value` with every string at any depth passed through `text` (keys are kept)."""
    if isinstance(value, str):
        return text(value, where)
    if isinstance(value, Mapping):
        return {k: _texts(v, f"{where}.{k}", text) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_texts(v, f"{where}[{i}]", text) for i, v in enumerate(value)]
    return value


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
    copyright: str | None,
    audience: str,
    commit: str,
    built: str,
    modified: bool = False,
    as_of: str = "",
) -> str:
    """The footer line of every page: edition, build date and commit (and the day the
    evidence was taken as of, for a build of the past)."""
    changes = " with uncommitted changes" if modified else ""
    if as_of:
        changes = f", the evidence as of {html.escape(as_of)}"
    edition = "Audit edition" if audience == AUDIT else "Internal edition, not for sharing"
    note = (
        f'<span class="evidence-edition" data-audience="{html.escape(audience, quote=True)}">'
        f"{edition} &middot; built {html.escape(built)} from commit "
        f"<code>{html.escape(commit[:12])}</code>{changes}</span>"
    )
    return f"{copyright}<br>{note}" if copyright else note
