"""The `publish` option: audience, copied assets, redaction switches and exceptions."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from ..moments import as_date
from . import unknown_options

AUDIT = "audit"
INTERNAL = "internal"
AUDIENCES = (AUDIT, INTERNAL)
ENV_AUDIENCE = "EVIDENCE_AUDIENCE"

DEFAULT_ASSETS = ("png", "jpg", "jpeg", "gif", "webp", "avif", "ico", "css", "pdf")
# Data and secrets formats: never copied to a site, whatever the config says.
NEVER_ASSETS = frozenset(
    {
        *("yml", "yaml", "json", "jsonl", "csv", "tsv", "env", "log", "ini", "toml", "conf"),
        *("cfg", "sql", "db", "sqlite", "bak", "key", "pem", "p12", "pfx", "jks", "kdbx"),
        *("md", "markdown"),
    }
)
REPORT_PAGE = "publication-report.md"
REDACTED_PREFIX = "redacted-"


# ---------------------------------------------------------------- settings


@dataclass(frozen=True)
class AllowEntry:
    """An exception of the post-build gate: one fingerprint, owned, reasoned, expiring."""

    fingerprint: str
    owner: str
    reason: str
    expires: dt.date
    index: int = 0


@dataclass(frozen=True)
class Publish:
    """The `publish:` option: audience, copied assets and the redaction rules."""

    audience: str = AUDIT
    allowed_assets: frozenset[str] = frozenset(DEFAULT_ASSETS)
    private_files: tuple[str, ...] = ()
    internal_hosts: tuple[str, ...] = ()
    deny_terms: tuple[str, ...] = ()
    disabled: frozenset[str] = frozenset()
    allow: tuple[tuple[str, frozenset[str]], ...] = ()
    """Exact values each detector rule lets through: (rule id, values), in config order."""
    gate_allow: tuple[AllowEntry, ...] = ()

    @property
    def audit(self) -> bool:
        return self.audience == AUDIT


_KEYS = (
    "audience",
    "allowed_assets",
    "private_files",
    "internal_hosts",
    "deny_terms",
    "rules",
    "allow",
    "gate_allow",
)
_FINGERPRINT = re.compile(r"^[0-9a-f]{16}$")
_EXTENSION = re.compile(r"^[a-z0-9][a-z0-9.+-]{0,15}$")


def parse_publish(
    value: Any,
    errors: list[str],
    rule_ids: Collection[str],
    env: Mapping[str, str] | None = None,
) -> Publish:
    """The `publish:` option checked; EVIDENCE_AUDIENCE overrides its audience. `rule_ids`
    are the detector rules that `rules:` and `allow:` may name."""
    env = os.environ if env is None else env
    options = value if value is not None else {}
    if not isinstance(options, Mapping):
        errors.append("publish: expected a mapping of publication options")
        options = {}
    errors += unknown_options("publish: ", options, _KEYS)
    audience = env.get(ENV_AUDIENCE) or options.get("audience", AUDIT)
    if audience not in AUDIENCES:
        source = ENV_AUDIENCE if env.get(ENV_AUDIENCE) else "publish: audience"
        errors.append(f"{source}: {audience!r} is not one of {', '.join(AUDIENCES)}")
        audience = AUDIT
    assets = _assets(options.get("allowed_assets", list(DEFAULT_ASSETS)), errors)
    private = _texts(options.get("private_files", []), "private_files", errors)
    hosts = _texts(options.get("internal_hosts", []), "internal_hosts", errors)
    for pattern in hosts:
        if not valid_host_pattern(pattern):
            errors.append(f"publish: internal_hosts: {pattern!r} is not a host name pattern")
    terms = _texts(options.get("deny_terms", []), "deny_terms", errors)
    disabled = _switches(options.get("rules", {}), rule_ids, errors)
    allow = _allow(options.get("allow", {}), rule_ids, errors)
    gate_allow = _gate_allow(options.get("gate_allow", []), errors)
    return Publish(
        audience=str(audience),
        allowed_assets=assets,
        private_files=tuple(private),
        internal_hosts=tuple(hosts),
        deny_terms=tuple(terms),
        disabled=disabled,
        allow=allow,
        gate_allow=gate_allow,
    )


def _texts(value: Any, name: str, errors: list[str]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        errors.append(f"publish: {name}: expected a list of texts")
        return []
    return [v.strip() for v in value]


def _assets(value: Any, errors: list[str]) -> frozenset[str]:
    result = set()
    for ext in _texts(value, "allowed_assets", errors):
        ext = ext.lower().lstrip(".")
        if not _EXTENSION.match(ext):
            errors.append(f"publish: allowed_assets: {ext!r} is not a file extension")
        elif ext in NEVER_ASSETS:
            errors.append(
                f"publish: allowed_assets: .{ext} files are data and are never published; remove it"
            )
        else:
            result.add(ext)
    return frozenset(result)


def _rule_id(rule: Any, rule_ids: Collection[str], where: str, errors: list[str]) -> bool:
    if rule in rule_ids:
        return True
    close = difflib.get_close_matches(str(rule), list(rule_ids), n=1)
    hint = f"did you mean {close[0]!r}?" if close else "see the README for the rule ids"
    errors.append(f"publish: {where}: unknown rule {rule!r}; {hint}")
    return False


def _switches(value: Any, rule_ids: Collection[str], errors: list[str]) -> frozenset[str]:
    if not isinstance(value, Mapping):
        errors.append("publish: rules: expected a mapping of rule ids to true or false")
        return frozenset()
    off = set()
    for rule, on in value.items():
        if not _rule_id(rule, rule_ids, "rules", errors):
            continue
        if not isinstance(on, bool):
            errors.append(f"publish: rules: {rule}: expected true or false, got {on!r}")
        elif not on:
            off.add(str(rule))
    return frozenset(off)


def _allow(
    value: Any, rule_ids: Collection[str], errors: list[str]
) -> tuple[tuple[str, frozenset[str]], ...]:
    if not isinstance(value, Mapping):
        errors.append("publish: allow: expected a mapping of rule ids to lists of exact values")
        return ()
    result = []
    for rule, values in value.items():
        if _rule_id(rule, rule_ids, "allow", errors):
            result.append((str(rule), frozenset(_texts(values, f"allow: {rule}", errors))))
    return tuple(result)


def _gate_allow(value: Any, errors: list[str]) -> tuple[AllowEntry, ...]:
    if not isinstance(value, list):
        errors.append(
            "publish: gate_allow: expected a list of {fingerprint, owner, reason, expires}"
        )
        return ()
    entries = []
    for index, item in enumerate(value):
        where = f"publish: gate_allow[{index}]"
        if not isinstance(item, Mapping) or set(item) != {
            "fingerprint",
            "owner",
            "reason",
            "expires",
        }:
            errors.append(f"{where}: give exactly fingerprint, owner, reason and expires")
            continue
        fingerprint, owner, reason = item["fingerprint"], item["owner"], item["reason"]
        if not isinstance(fingerprint, str) or not _FINGERPRINT.match(fingerprint):
            errors.append(f"{where}: fingerprint: expected the 16 hex digits a finding names")
            continue
        if not all(isinstance(v, str) and v.strip() for v in (owner, reason)):
            errors.append(f"{where}: owner and reason must be texts")
            continue
        expires = as_date(item["expires"])
        if expires is None:
            errors.append(f"{where}: expires: {item['expires']!r} is not a date (YYYY-MM-DD)")
            continue
        entries.append(AllowEntry(fingerprint, owner.strip(), reason.strip(), expires, index))
    return tuple(entries)


_HOST_GLOB = re.compile(r"^[A-Za-z0-9*?.-]{1,253}$")


def valid_host_pattern(pattern: str) -> bool:
    """A host glob is letters, digits, dots, dashes and `*`/`?` wildcards."""
    return bool(_HOST_GLOB.match(pattern)) and ".." not in pattern
