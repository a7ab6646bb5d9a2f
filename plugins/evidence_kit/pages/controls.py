"""The auditor's controls matrix and evidence index, from the controls documents cite."""

from __future__ import annotations

import html
import posixpath
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ..core import markup, yamlio
from ..core.evidence import Evidence
from ..core.model import Document, text_of
from ..core.options.controls import Catalogue, Control, catalogues
from ..core.options.incidents import TYPE as POSTMORTEM
from ..rules.controls import INDEX_PAGE, MATRIX_PAGE
from .printing import PRINT_PAGE

REVIEW_STATUSES = frozenset({"current", "due-soon", "overdue", "review-required", "never-reviewed"})
"""Statuses of documents that are reviewed on a cadence; records (postmortems) have none."""
STALE_STATUSES = frozenset({"overdue", "never-reviewed"})


def status_of(evidence: Evidence, doc: Document) -> str:
    """A document's review status (`current`, `due-soon`, `review-required`, `overdue`), or
    empty for a document that is not reviewed on a cadence (sections, postmortems)."""
    status = evidence.statuses.get(doc.src_uri)
    return status.status.value if status is not None else ""


def published(evidence: Evidence, doc: Document) -> bool:
    """Whether the auditor's pages may list `doc`: published, and a postmortem only once
    it is marked `sanitized: true` (as the postmortem index does)."""
    if not evidence.publication.publishes(doc.src_uri):
        return False
    return doc.doc_type != POSTMORTEM or doc.field("sanitized") is True


@dataclass(frozen=True)
class Item:
    """A published page as the auditor's pages list it."""

    src_uri: str
    title: str
    doc_type: str
    owner: str = ""
    date: str = ""
    """`last_reviewed` for reviewed documents, `date` for records."""
    status: str = ""
    """The review status; empty for what is not reviewed on a cadence."""
    controls: tuple[str, ...] = ()


StatusOf = Callable[[Document], str]


def evidence_items(evidence: Evidence, status: StatusOf | None = None) -> list[Item]:
    """Every published document and generated data page; `status` defaults to `status_of`."""

    def review(doc: Document) -> str:
        return status_of(evidence, doc)

    status = status or review
    items = []
    for doc in evidence.tree.documents.values():
        if not published(evidence, doc):
            continue
        # Front matter only: rendering every page here would do the build's work twice.
        meta = evidence.filled_meta(doc)
        refs = meta.get("controls")
        items.append(
            Item(
                doc.src_uri,
                evidence.fill(_title(meta, doc.body, doc.src_uri)),
                doc.doc_type or "page",
                text_of(meta.get("owner")) or "",
                text_of(meta.get("last_reviewed") or meta.get("date")) or "",
                status(doc),
                tuple(r for r in refs if isinstance(r, str)) if isinstance(refs, list) else (),
            )
        )
    # Pages made from data (the on-call rotation) or from other pages (indexes, reports).
    data_types = {
        src_uri.rsplit(".", 1)[0] + ".md": data.doc_type
        for src_uri, data in evidence.tree.data.items()
    }
    for page_uri, generated in sorted(evidence.generated.items()):
        if page_uri in (MATRIX_PAGE, INDEX_PAGE) or page_uri in evidence.tree.documents:
            continue
        if not page_uri.endswith(".md"):
            continue  # a generated data file (the review calendar), not a page
        split = yamlio.split_front_matter(generated)
        meta = yamlio.data(split.yaml_text or "") or {}
        title = html.unescape(_title(meta, split.body, page_uri))
        items.append(Item(page_uri, title, data_types.get(page_uri, "generated")))
    return items


def _title(meta: Mapping[str, Any], body: str, src_uri: str) -> str:
    if isinstance(meta.get("title"), str) and meta["title"].strip():
        return str(meta["title"])
    for line in body.split("\n"):
        if line.startswith("# "):
            return line[2:].strip()
    stem = posixpath.splitext(posixpath.basename(src_uri))[0]
    if stem in ("index", "README"):
        stem = posixpath.basename(posixpath.dirname(src_uri)) or "Home"
    return stem.replace("-", " ").replace("_", " ").capitalize()


@dataclass(frozen=True)
class Row:
    """One control of the matrix and the published pages that cite it."""

    control: Control
    items: tuple[Item, ...]

    @property
    def state(self) -> str:
        return control_state([item.status for item in self.items])


def control_state(statuses: Sequence[str]) -> str:
    """`gap` without evidence; `stale` when every reviewed document is overdue; else `evidenced`.

    Records such as postmortems have no review status: they show the control works but do
    not keep its procedure current.
    """
    if not statuses:
        return "gap"
    reviewed = [s for s in statuses if s in REVIEW_STATUSES]
    if reviewed and all(s in STALE_STATUSES for s in reviewed):
        return "stale"
    return "evidenced"


def matrix(
    scope: Iterable[str], items: Iterable[Item], known: Mapping[str, Catalogue] | None = None
) -> list[tuple[Catalogue, list[Row]]]:
    """Per catalogue in scope, every control with the items citing it; `known` defaults to
    the shipped catalogues (a project's own come from `ControlScope.known`)."""
    citing: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        for ref in item.controls:
            citing[ref].append(item)
    known = catalogues() if known is None else known
    return [
        (known[cat], [Row(c, tuple(citing.get(c.ref, ()))) for c in known[cat].controls])
        for cat in scope
        if cat in known
    ]


def _link(item: Item, from_uri: str) -> str:
    return markup.html_link(item.title, markup.relative(item.src_uri, from_uri))


def _shown_status(status: str) -> str:
    return status or "—"


def render_matrix(sections: Sequence[tuple[Catalogue, Sequence[Row]]]) -> str:
    """The controls matrix page."""
    lines = [
        "---",
        "title: Controls matrix",
        "---",
        "",
        "# Controls matrix",
        "",
        "Each control in scope, the published documents that evidence it and their review",
        "status. A control is **stale** when every reviewed document evidencing it is overdue;",
        "records such as postmortems show that a control works but do not keep it current. A",
        "**gap** is a control that no document evidences yet.",
        "",
        _scope_line(sections),
        "",
        "| Catalogue | Controls | Evidenced | Stale | Gaps |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for catalogue, rows in sections:
        states = [row.state for row in rows]
        lines.append(
            f"| {markup.text(catalogue.name)} | {len(rows)} | {states.count('evidenced')} "
            f"| {states.count('stale')} | {states.count('gap')} |"
        )
    for catalogue, rows in sections:
        cells = []
        for row in rows:
            evidence = "<br>".join(
                f"{_link(item, MATRIX_PAGE)} ({markup.text(_shown_status(item.status))})"
                for item in row.items
            )
            state = f"<strong>{row.state}</strong>" if row.state != "evidenced" else row.state
            ref, title = markup.text(row.control.ref), markup.text(row.control.title)
            cells.append([ref, title, evidence or "—", state])
        header = ["Control", "What it asks", "Evidence", "State"]
        lines += ["", f"## {markup.text(catalogue.name)}", "", *markup.html_table(header, cells)]
        gaps = [row.control for row in rows if row.state == "gap"]
        if gaps:
            lines += ["", "No evidence yet:", ""]
            lines += [f"- {markup.text(c.ref)}: {markup.text(c.title)}" for c in gaps]
    lines.append("")
    return "\n".join(lines)


def _scope_line(sections: Sequence[tuple[Catalogue, Sequence[Row]]]) -> str:
    """What the matrix covers: which catalogues, how many controls, how many have evidence."""
    names = [
        f"{markup.text(c.name)} ({markup.text(c.id)}"
        + (f", from `{markup.text(c.source)}`" if c.source else "")
        + ")"
        for c, _ in sections
    ]
    rows = [row for _, catalogue_rows in sections for row in catalogue_rows]
    evidenced = sum(row.state != "gap" for row in rows)
    listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)
    return (
        f"**Scope:** {listed or 'no catalogue'}: {len(rows)} controls, {evidenced} with evidence."
    )


def _is_index(item: Item) -> bool:
    return posixpath.basename(item.src_uri) in ("index.md", "README.md")


def _folder_order(items: Iterable[Item]) -> list[Item]:
    """The folder's index first, then newest first (the "last two postmortems"), then by title."""
    ordered = sorted(items, key=lambda item: item.title.casefold())
    ordered.sort(key=lambda item: item.date, reverse=True)
    ordered.sort(key=lambda item: not _is_index(item))
    return ordered


def render_index(items: Sequence[Item]) -> str:
    """The evidence index page: every published document, folder by folder."""
    folders: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        folders[posixpath.dirname(item.src_uri)].append(item)
    lines = [
        "---",
        "title: Evidence index",
        "---",
        "",
        "# Evidence index",
        "",
        "Every published section and document with its type, owner, review or record date and",
        f"review status. The [controls matrix]({quote(MATRIX_PAGE)}) maps them to controls; the",
        f"[print version]({quote(PRINT_PAGE)}) puts the whole site into one printable document.",
    ]
    for folder in sorted(folders):
        entries = _folder_order(folders[folder])
        heading = entries[0].title if _is_index(entries[0]) else folder or "Home"
        cells = [
            [
                _link(item, INDEX_PAGE),
                markup.text(item.doc_type),
                markup.text(item.owner) or "—",
                markup.text(item.date) or "—",
                markup.text(_shown_status(item.status)),
            ]
            for item in entries
        ]
        header = ["Document", "Type", "Owner", "Date", "Status"]
        lines += ["", f"## {markup.text(heading)}", "", *markup.html_table(header, cells)]
    lines.append("")
    return "\n".join(lines)


def names(evidence: Evidence) -> tuple[str, ...]:
    """The controls matrix and the evidence index, unless the project has pages of those names."""
    return tuple(name for name in (MATRIX_PAGE, INDEX_PAGE) if name not in evidence.tree.documents)


def pages(evidence: Evidence) -> dict[str, str]:
    """The pages `names` names."""
    items = evidence_items(evidence)
    scope = evidence.settings.controls
    result = {}
    for name in names(evidence):
        if name == MATRIX_PAGE:
            result[name] = render_matrix(matrix(scope.catalogues, items, scope.known()))
        else:
            result[name] = render_index(items)
    return result
