"""The auditor's bundle: the whole audit site as one PDF (cover, contents with page numbers,
every page in nav order, a clickable outline), the manifest, the controls matrix and the
incident population as CSV, and a README; the same site and SOURCE_DATE_EPOCH give the
same bytes.

The PDF engine is the headless Chromium that already prints the site's print page (CI
installs it): the bundle prints exactly what a reader's browser prints, and needs no second
layout engine with its own system libraries (WeasyPrint needs Pango). Chromium cannot number
the contents, so the page is printed twice: once to find where each page starts, once with
those numbers; pypdf then adds the outline and fixes the metadata.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject

from ..pages.printing import PRINT_PAGE
from ..publish.manifest import NAME as MANIFEST

PDF = "evidence.pdf"
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
# Headless Chromium as this machine runs it: without the background-networking flags it
# keeps dialling out to a network that is closed here. (The tests launch it the same way.)
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
_FLAGS = (*CHROMIUM_FLAGS, "--no-pdf-header-footer")
_ENTRY = re.compile(
    r'<li><a href="#([^"]+)">(.*?)</a> <span class="ek-url">/(.*?)</span></li>', re.S
)
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class BundleError(Exception):
    """The site cannot be bundled (no print page, no Chromium, a page not found)."""


class Entry(NamedTuple):
    """One page of the site in nav order: its title, URL and first page in the PDF."""

    title: str
    url: str
    page: int


def source_date(epoch: str | None = None) -> dt.datetime:
    """SOURCE_DATE_EPOCH (or `epoch`) as a UTC time; 1980-01-01 without one."""
    value = epoch if epoch is not None else os.environ.get("SOURCE_DATE_EPOCH")
    if not value:
        return dt.datetime(*_FIXED_ZIP_TIME, tzinfo=dt.timezone.utc)
    try:
        return dt.datetime.fromtimestamp(int(value), tz=dt.timezone.utc)
    except ValueError:
        raise BundleError(f"SOURCE_DATE_EPOCH={value!r} is not a number of seconds") from None


def chromium() -> str:
    for name in CHROMIUM:
        found = shutil.which(name)
        if found:
            return found
    raise BundleError("no Chromium found (chromium, chromium-browser or google-chrome); install it")


def _print(page: Path, out: Path, profile: Path) -> None:
    try:
        subprocess.run(
            [
                chromium(),
                *_FLAGS,
                f"--user-data-dir={profile}",
                f"--print-to-pdf={out}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise BundleError(f"Chromium could not print {page.name}: {exc}") from None


def _entries(print_html: str) -> list[tuple[str, str]]:
    return [(html.unescape(t), html.unescape(u)) for _, t, u in _ENTRY.findall(print_html)]


def _texts(pdf: Path) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages]


def locate(texts: Sequence[str], pages: Sequence[tuple[str, str]]) -> list[Entry]:
    """The first PDF page of each site page, found by the `Title · /url` line each printed
    page starts with, in order, after the contents."""
    found = []
    cursor = 0
    for title, url in pages:
        where = f"· /{url}"
        squeezed = where.replace(" ", "")
        index = next(
            (
                i
                for i in range(cursor, len(texts))
                if where in texts[i] or squeezed in texts[i].replace(" ", "")
            ),
            None,
        )
        if index is None:
            raise BundleError(f"page {title!r} (/{url}) is not in the printed PDF")
        found.append(Entry(title, url, index))
        cursor = index
    return found


def _numbered(print_html: str, entries: Sequence[Entry]) -> str:
    pages = iter(entries)

    def number(match: re.Match[str]) -> str:
        entry = next(pages)
        return (
            match.group(0)[: -len("</li>")]
            + f' <span class="ek-pageno">p. {entry.page + 1}</span></li>'
        )

    return _ENTRY.sub(number, print_html)


def site_pdf(site_dir: Path, when: dt.datetime, title: str) -> tuple[bytes, list[Entry]]:
    """The whole site as one PDF, its contents numbered, with an outline of every page."""
    print_page = site_dir / PRINT_PAGE
    if not print_page.is_file():
        raise BundleError(f"{site_dir}: no {PRINT_PAGE}; build the site with the evidence plugin")
    source = print_page.read_text(encoding="utf-8")
    pages = _entries(source)
    if not pages:
        raise BundleError(f"{print_page}: the print page lists no pages")
    with tempfile.TemporaryDirectory(prefix="evidence-bundle-") as tmp:
        work = Path(tmp)
        numbered = print_page.parent / ".bundle-numbered.html"
        try:
            _print(print_page, work / "first.pdf", work / "profile")
            entries = locate(_texts(work / "first.pdf"), pages)
            for attempt in range(3):
                numbered.write_text(_numbered(source, entries), encoding="utf-8")
                _print(numbered, work / "numbered.pdf", work / "profile")
                again = locate(_texts(work / "numbered.pdf"), pages)
                if again == entries or attempt == 2:
                    entries = again
                    break
                entries = again
        finally:
            numbered.unlink(missing_ok=True)
        reader = PdfReader(work / "numbered.pdf")
        writer = PdfWriter(clone_from=reader)
    for entry in entries:
        writer.add_outline_item(title=entry.title, page_number=entry.page)
    stamp = when.strftime("D:%Y%m%d%H%M%S+00'00'")
    writer.metadata = None
    writer.add_metadata(
        {
            "/Title": title,
            "/Producer": "Evidence Kit",
            "/Creator": "Evidence Kit (Chromium print)",
            "/CreationDate": stamp,
            "/ModDate": stamp,
        }
    )
    writer.page_mode = "/UseOutlines"
    buffer = io.BytesIO()
    writer._ID = None
    writer.write(buffer)
    # A fixed document id from the content: pypdf would otherwise pick a random one.
    digest = hashlib.md5(buffer.getvalue(), usedforsecurity=False).digest()
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue(), entries


class _Tables(HTMLParser):
    """Rows of the first table of the page's article, each cell as text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(page: Path) -> list[list[list[str]]]:
    parser = _Tables()
    parser.feed(page.read_text(encoding="utf-8"))
    return [t for t in parser.tables if t]


def as_csv(rows: Sequence[Sequence[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _controls_csv(site_dir: Path) -> bytes | None:
    page = site_dir / "controls" / "index.html"
    if not page.is_file():
        return None
    # The matrix is the page's largest table (the others sum it up).
    found = max(tables(page), key=len, default=None)
    return as_csv(found) if found else None


def _incidents_csv(site_dir: Path) -> bytes | None:
    rows: list[list[str]] = []
    for page in sorted(site_dir.glob("**/postmortems/index.html")):
        for table in tables(page):
            if table and table[0][:2] == ["Started", "Incident"]:
                folder = page.parent.relative_to(site_dir).as_posix()
                head = ["Folder", *table[0]] if not rows else None
                rows += [head] if head else []
                rows += [[folder, *row] for row in table[1:]]
    return as_csv(rows) if rows else None


def _readme(title: str, entries: Sequence[Entry], when: dt.datetime, names: Sequence[str]) -> bytes:
    lines = [
        f"{title}: evidence bundle for the auditor",
        "",
        f"Made {when:%Y-%m-%d %H:%M} UTC by Evidence Kit from the published audit site.",
        "",
        "What is in it:",
        f"- {PDF}: the whole audit site, every page in the order of the site's navigation, "
        "with a cover, numbered contents and a clickable outline.",
    ]
    described = {
        MANIFEST: "the build's manifest: the SHA-256 of every published file "
        "(evidence-kit verify checks a site against it).",
        "controls-matrix.csv": "the controls matrix: each control and the evidence for it.",
        "incident-population.csv": "the incident population: every listed postmortem with "
        "severity, duration, status and response against the promises.",
    }
    lines += [f"- {name}: {described[name]}" for name in names if name in described]
    lines += ["", "Pages (PDF page numbers):"]
    lines += [f"- p. {e.page + 1}: {e.title}" for e in entries]
    return ("\n".join(lines) + "\n").encode("utf-8")


def bundle(site_dir: Path, *, epoch: str | None = None) -> bytes:
    """The zip of the bundle, every entry in name order with a fixed time."""
    when = source_date(epoch)
    index = site_dir / "index.html"
    title_match = (
        re.search(r"<title>(.*?)</title>", index.read_text(encoding="utf-8"))
        if index.is_file()
        else None
    )
    title = (
        html.unescape(title_match.group(1)).split(" - ")[-1] if title_match else "Audit evidence"
    )
    pdf, entries = site_pdf(site_dir, when, title)
    files: dict[str, bytes] = {PDF: pdf}
    manifest = site_dir / MANIFEST
    if manifest.is_file():
        files[MANIFEST] = manifest.read_bytes()
    for name, content in (
        ("controls-matrix.csv", _controls_csv(site_dir)),
        ("incident-population.csv", _incidents_csv(site_dir)),
    ):
        if content is not None:
            files[name] = content
    files["README.txt"] = _readme(title, entries, when, sorted(files))
    stamp = max(when, dt.datetime(*_FIXED_ZIP_TIME, tzinfo=dt.timezone.utc))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, files[name])
    return out.getvalue()
