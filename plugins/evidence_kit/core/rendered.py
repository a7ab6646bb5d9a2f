"""Which fields of a typed data file the kit's pages show; the file itself is never copied.

A value the pages never show is never published, so it is neither redacted nor counted as a
redaction (contact emails and phone numbers stay in `oncall.yml`). A type the kit renders no
page for is shown whole, to be safe: a project's own page may print any of it.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Collection

SHOWN: dict[str, tuple[str, ...]] = {
    # pages/oncall.py: the rotation link, the shifts' people, the escalation path, and
    # each contact's name and role (no email, phone or handle).
    "oncall": (
        "$.rotation.name",
        "$.rotation.url",
        "$.shifts.#.primary",
        "$.shifts.#.secondary",
        "$.escalation.#.level",
        "$.escalation.#.contact",
        "$.escalation.#.when",
        "$.contacts.*.name",
        "$.contacts.*.role",
    ),
}
"""Data type -> the JSON paths its page shows (`#` any index, `*` any key)."""

_INDEX = re.compile(r"\[\d+\]")


def shown(doc_type: str, json_path: str, placeholder_keys: Collection[str] = ()) -> bool:
    """Whether a page shows the value at `json_path` of a data file of `doc_type`;
    `placeholder_keys` are the dotted keys placeholders read from that file (`rotation.url`)."""
    patterns = SHOWN.get(doc_type)
    if patterns is None:
        return True
    path = _INDEX.sub(".#", json_path)
    if any(path == f"$.{key}" for key in placeholder_keys):
        return True
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in patterns)
