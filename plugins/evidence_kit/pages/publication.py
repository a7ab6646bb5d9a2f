"""The publication report page and the build log's one-line summary of it."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ..core import markup
from ..core.options.publish import (
    REPORT_PAGE,
)
from ..publish.redact import KIND_LABELS, redaction_counts

if TYPE_CHECKING:
    from ..core.evidence import Evidence


def names(evidence: Evidence) -> tuple[str, ...]:
    """The pages `pages` makes, known before the checks run: the publication report, unless
    the project has a page of that name."""
    return () if REPORT_PAGE in evidence.tree.documents else (REPORT_PAGE,)


def pages(evidence: Evidence) -> dict[str, str]:
    """The publication report (it counts what the checks found redacted), unless the
    project has a page of that name."""
    return {name: report_page(evidence) for name in names(evidence)}


def report_page(evidence: Evidence) -> str:
    """The generated page that tells readers what was left out and how much was redacted."""
    lines = ["---", "title: Publication report", "---", "", "# Publication report", ""]
    if not evidence.settings.publish.audit:
        lines += [
            "This is the **internal edition**, for the team: nothing is withheld or redacted.",
            "Do not share it outside the team; the audit edition (`audience: audit`) is the",
            "one to publish.",
            "",
        ]
        return "\n".join(lines)
    lines += [
        "This is the **audit edition**. Before publication, pages and blocks marked internal",
        "were left out, postmortems not marked `sanitized: true` were withheld, and personal",
        "data, secrets, internal host names and deny-listed terms were replaced by a",
        "redaction mark. This page says how much; the values themselves are never published.",
        "",
        "## Withheld documents",
        "",
    ]
    hidden = evidence.publication.withheld
    internal = sum(1 for why in hidden.values() if why == "internal")
    lines.append(f"- Pages marked `visibility: internal`: {internal}.")
    for src_uri, why in sorted(hidden.items()):
        if why == "unsanitized":
            lines.append(f"- `{src_uri}`: a postmortem not marked `sanitized: true`.")
    lines += ["", "## Redactions", ""]
    counts = redaction_counts(evidence)
    if not counts:
        lines += ["Nothing was redacted.", ""]
        return "\n".join(lines)
    kinds = [k for k in KIND_LABELS if any(k in c for c in counts.values())]
    lines.append("| Document | " + " | ".join(KIND_LABELS[k] for k in kinds) + " |")
    lines.append("| --- |" + " ---: |" * len(kinds))
    for path, counter in sorted(counts.items()):
        cells = " | ".join(str(counter.get(k, 0)) for k in kinds)
        lines.append(f"| `{path}` | {cells} |")
    lines.append("")
    return "\n".join(lines)


def summary(evidence: Evidence) -> str:
    """One line for the build log: the edition and what it left out."""
    publish = evidence.settings.publish
    if not publish.audit:
        return "internal edition: nothing withheld or redacted"
    totals: Counter[str] = Counter()
    for counts in redaction_counts(evidence).values():
        totals.update(counts)
    hidden = len(evidence.publication.withheld)
    parts = [markup.count(n, KIND_LABELS[k].lower()) for k, n in sorted(totals.items())]
    redacted = ", ".join(parts) if parts else "nothing"
    return f"audit edition: {markup.count(hidden, 'documents')} withheld; redacted: {redacted}"
