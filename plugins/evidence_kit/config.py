"""The evidence plugin's options, as MkDocs reads them from `mkdocs.yml`."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from .core.settings import DEFAULT_MAX_FILE_SIZE


class EvidenceConfig(base.Config):
    """Options of `plugins: - evidence:`; the engine checks them further in `build_settings`."""

    enabled = c.Type(bool, default=True)
    """Switch the plugin off without removing it (the site then builds as plain MkDocs)."""

    schemas_dir = c.Optional(c.Type(str))
    """A folder of the project's own `<type>.schema.json` files, relative to mkdocs.yml; a
    type named like a shipped one replaces it."""

    types = c.Type(dict, default={})
    """Folder rules: a glob below docs_dir (`**/postmortems/*.md`) -> document type. A
    `type:` key in front matter wins over a rule."""

    placeholders = c.Type(dict, default={})
    """`<<Name>>` -> a text, or `{value|env|data+key, url}`; see the README."""

    max_file_size = c.Type(int, default=DEFAULT_MAX_FILE_SIZE)
    """Files larger than this many bytes are refused before parsing."""

    holidays = c.Optional(c.Type(str))
    """A country (ISO 3166: `GB`, `US-CA`) whose public holidays are not business days, for
    every business-day rule: the review grace period and the postmortem deadline."""

    review = c.Type(dict, default={})
    """The review lifecycle: `cadence` (document type -> `12 months`; runbook and procedure
    by default), `due_soon_days` (30), `grace_business_days` after a triggering postmortem
    (10), `trigger_severities` (levels of the scale; its two most severe by default) and
    `waivers` (a list of {document, rule, reason, approver, expires})."""
    incidents = c.Type(dict, default={})
    """The runbook's promises and limits: `severities` (the scale, most severe first: a list,
    or level -> its promises; SEV1, SEV2, SEV3 by default), `acknowledge_minutes`,
    `war_room_minutes`, `notify_minutes` (minutes, or level -> minutes), `postmortem_business_days`,
    `breach` (warning or error), `action_item_grace_days`,
    `horizon_days` (on-call coverage) and `audit_period` ({start, end}); see the README."""

    publish = c.Type(dict, default={})
    """Publication: `audience` (audit | internal; EVIDENCE_AUDIENCE overrides),
    `allowed_assets`, `private_files`, `internal_hosts`, `deny_terms`, `rules`, `allow` and
    `gate_allow`; see the README."""
    controls = c.Type(dict, default={})
    """`catalogues: [SOC2, ISO27001]`: the control catalogues the controls matrix covers, in
    order (default: every shipped catalogue)."""
    restore_tests = c.Type(dict, default={})
    """`cadence` (monthly | quarterly | half-yearly | yearly; quarterly by default): each
    window of the audit period needs a `restore-test` record of a procedure that states
    `recovery_targets`."""
