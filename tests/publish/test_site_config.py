"""Config text themes print: every string of the config escaped, and redacted in the audit
edition, before any page is rendered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from evidence_kit import pipeline
from evidence_kit.publish.site_config import publish_config

TOKEN = "ghp_" + "Q7wR2tY9uI4oP6aS8dF1gH3jK5lZ0xC2vB4n"
PLANTED = f'<b onclick="x()">Acme</b> &amp; {TOKEN}'
# Theme options that name files or a language: not text, left alone.
NOT_TEXT = {"$.theme.name", "$.theme.custom_dir", "$.theme.locale", "$.theme.language"}


def _config() -> dict[str, Any]:
    """A config with the planted text in every string a theme may print."""
    return {
        "site_name": PLANTED,
        "site_description": PLANTED,
        "site_author": PLANTED,
        "copyright": PLANTED,
        "repo_url": f"https://github.com/acme/evidence?t={TOKEN}",
        "repo_name": PLANTED,
        "edit_uri": f"edit/main/docs/?t={TOKEN}",
        "extra": {
            "social": [{"icon": "fontawesome/brands/github", "link": f"https://x.org/{TOKEN}"}],
            "analytics": {"provider": "google", "property": PLANTED},
            "consent": {"title": PLANTED, "description": PLANTED, "actions": [PLANTED]},
            "generator": False,
            "levels": [1, 2.5, None],
        },
        "theme": {
            "name": "material",
            "custom_dir": "overrides",
            "palette": [{"scheme": "default", "toggle": {"name": PLANTED}}],
            "icon": {"repo": "fontawesome/brands/github"},
            "announce": PLANTED,
        },
        "nav": [{PLANTED: "index.md"}, {"Elsewhere": f"https://x.org/{TOKEN}"}],
    }


def _strings(value: Any, path: str = "$") -> Iterator[tuple[str, str]]:
    """(path, text) of every string of the config, keys included."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}#key", str(key)
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def _publish(tmp_path: Path, audience: str) -> Any:
    options = {"publish": {"audience": audience}}
    today = dt.date(2026, 11, 26)
    return pipeline.settings(options, root=tmp_path, docs_dir=tmp_path, today=today).publish


def test_every_string_of_the_config_is_redacted_and_escaped_in_the_audit_edition(
    tmp_path: Path,
) -> None:
    config = _config()
    redacted = publish_config(config, _publish(tmp_path, "audit"), "0" * 40, "2026-11-26", False)
    checked = 0
    for path, text in _strings(config):
        if path in NOT_TEXT or (path.startswith("$.extra.") and path.endswith("#key")):
            continue
        checked += 1
        assert TOKEN not in text, path
        assert "<b onclick" not in text and 'onclick="' not in text, path
    assert checked > 20
    where = {line.split(":", 1)[0] for line in redacted}
    assert {"site_name", "copyright", "repo_url", "edit_uri", "extra.social[0].link"} <= where
    assert {"theme.announce", "theme.palette[0].toggle.name", "nav"} <= where
    assert config["site_name"].startswith("&lt;b onclick=&quot;x()&quot;&gt;Acme&lt;/b&gt; &amp; ")


def test_the_internal_edition_escapes_without_redacting(tmp_path: Path) -> None:
    config = _config()
    redacted = publish_config(config, _publish(tmp_path, "internal"), "0" * 40, "2026-11-26", False)
    assert redacted == []
    assert config["extra"]["consent"]["actions"] == [
        f"&lt;b onclick=&quot;x()&quot;&gt;Acme&lt;/b&gt; &amp; {TOKEN}"
    ]
    assert config["extra"]["levels"] == [1, 2.5, None]
    assert config["theme"]["icon"] == {"repo": "fontawesome/brands/github"}


@pytest.mark.parametrize("entity", ["&copy;", "&#169;", "©"])
def test_an_entity_in_the_copyright_stays_a_symbol(entity: str, tmp_path: Path) -> None:
    config: dict[str, Any] = {"copyright": f"{entity} Acme"}
    publish_config(config, _publish(tmp_path, "audit"), "0" * 40, "2026-11-26", False)
    assert config["copyright"].startswith("© Acme<br>")
