"""Control rules: a cited control must be in a catalogue; generated pages keep their names."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

from ..core.evidence import Evidence
from ..core.model import Finding, Severity
from ..core.options.controls import Catalogue
from . import Rule, table

MATRIX_PAGE = "controls.md"
INDEX_PAGE = "evidence-index.md"

# CATALOGUE:ID; the schema's `control` pattern checks the finer form.
_REF = re.compile(r"^([A-Z0-9]+):(\S+)$")

RULES: tuple[Rule, ...] = table(
    """
    control-unknown  control  error  waivable
        A cited control that is in no catalogue.
    page-name-taken  page     warning
        A page has the name of a generated page.
    """
)


def unknown_control(ref: str, known: Mapping[str, Catalogue]) -> str:
    """Why `ref` names no control, with a guess; empty when it does."""
    cat_id, _, control_id = ref.partition(":")
    catalogue = known.get(cat_id)
    if catalogue is not None and catalogue.get(control_id) is not None:
        return ""
    # The same id in another catalogue is the likeliest slip (`SOC2:A.5.26`).
    guesses = [c.ref for other in known.values() if (c := other.get(control_id)) is not None]
    if catalogue is None:
        names = difflib.get_close_matches(cat_id, sorted(known), n=1, cutoff=0.6)
        guesses += [f"{name}:{control_id}" for name in names]
        hint = f"did you mean {guesses[0]}?" if guesses else f"use {' or '.join(sorted(known))}"
        return f"unknown control catalogue {cat_id!r} in {ref}; {hint}"
    ids = [c.id for c in catalogue.controls]
    guesses += [f"{cat_id}:{i}" for i in difflib.get_close_matches(control_id, ids, n=1)]
    hint = (
        f"did you mean {guesses[0]}?"
        if guesses
        else f"`evidence-kit controls {cat_id}` lists its controls"
    )
    return f"unknown control {ref} in {catalogue.name}; {hint}"


def check(evidence: Evidence) -> list[Finding]:
    """Every cited control exists; a page named like a generated one is reported."""
    known = evidence.settings.controls.known()
    findings = []
    for doc in evidence.tree.documents.values():
        refs = doc.field("controls")
        if not isinstance(refs, list):
            continue
        for index, ref in enumerate(refs):
            # Anything not CATALOGUE:ID is the schema's to report.
            if not isinstance(ref, str) or not _REF.match(ref):
                continue
            problem = unknown_control(ref, known)
            if problem:
                json_path = f"$.controls[{index}]"
                at = doc.meta.mark(json_path)
                findings.append(
                    Finding(
                        doc.path, at.line, at.column, "control-unknown", problem, field=json_path
                    )
                )
    for src_uri, what in ((MATRIX_PAGE, "controls matrix"), (INDEX_PAGE, "evidence index")):
        taken = evidence.tree.documents.get(src_uri)
        if taken is not None:
            message = (
                f"{src_uri} is where the generated {what} goes; this page replaces it, "
                "so rename the page to publish the generated one"
            )
            findings.append(
                Finding(taken.path, 1, 1, "page-name-taken", message, severity=Severity.WARNING)
            )
    return findings
