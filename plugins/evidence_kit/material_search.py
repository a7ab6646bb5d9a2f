"""Material's search index, made beside the build instead of inside its page loop.

Material's search plugin reads each page's HTML as MkDocs writes the page (`on_page_context`),
with Python's pure-Python HTML parser: at 2,000 documents about a fifth of an audit build,
on the core that renders the pages, and more for an audit build's generated tables than for
prose. Every page is rendered by `on_env`, so another process can index them all then, on
the other core, with Material's own code (`index`), while MkDocs writes the pages. Material's
plugin then writes what that process made (`Offloaded`), byte for byte the index it would
have made itself. In the audit edition the gate's helper reads the index as soon as it is
made, as it reads a page, so that the gate need not read it again once it is written.

The process's index is used only for what it was made from: a page whose HTML is another
string by the time Material's plugin reads it (a plugin changed it after `on_env`) is
indexed here, as Material would, and the index is then put together from both. If the
process failed, the index is made here from what it was given.

The process is a new interpreter, not a fork of the builder (a fork that lives while the
builder writes pages comes to hold a copy of most of its memory): it is handed what
Material's index reads of each page (`_Page`), in a file written at `on_env`.
"""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from material.plugins.search import plugin as material

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

SITE_PATH = "search/search_index.json"
"""Where Material's plugin writes the index, below the site."""
_PACKAGE_ROOT = Path(__file__).resolve().parents[1]
# The process imports the package from where this one found it, and nothing from the
# folder it runs in, which `-c` puts first on the path.
_MAIN = (
    "import sys; sys.path[:] = [sys.argv[1], *filter(None, sys.path)]; "
    "from evidence_kit import material_search; material_search.main()"
)
_META = ("search", "tags", "title")
"""What Material's index reads of a page's front matter."""


def plugin_of(config: MkDocsConfig) -> Any | None:
    """Material's search plugin where it makes this build's index on its own: enabled, with
    Material's own index (not one another plugin put in its place), no earlier build's index
    to merge with (`mkdocs serve --dirty`), and no Chinese segmentation (whose dictionaries
    its plugin loads into this process). None otherwise: the index is left to it."""
    if material.jieba is not None:
        return None
    for plugin in config.plugins.values():
        if (
            isinstance(plugin, material.SearchPlugin)
            and plugin.config.enabled
            and type(getattr(plugin, "search_index", None)) is material.SearchIndex
            and not getattr(plugin, "is_dirty", False)
        ):
            return plugin
    return None


class _Anchor:
    """An entry of a page's table of contents, as Material's index reads it."""

    def __init__(self, id: str, children: list[_Anchor]) -> None:
        self.id = id
        self.children = children

    @property
    def url(self) -> str:
        return "#" + self.id


class _Page:
    """A page, as Material's index reads it."""

    def __init__(
        self, url: str, title: str, meta: dict[str, Any], toc: list[_Anchor], content: str
    ) -> None:
        self.url, self.title, self.meta, self.toc, self.content = url, title, meta, toc, content


def _anchors(toc: Iterable[Any]) -> list[_Anchor]:
    return [_Anchor(anchor.id, _anchors(anchor.children)) for anchor in toc]


def _stand_in(page: Page) -> _Page:
    meta = {key: page.meta[key] for key in _META if key in page.meta}
    return _Page(page.url, page.title or "", meta, _anchors(page.toc), page.content or "")


def index(options: dict[str, Any], pages: str, draft: str) -> list[int]:
    """Write to `draft` the index Material's plugin (with `options`) makes of the pages in
    the file `pages` (`_Page`s, pickled one after another); how many entries each page gave.

    Each page's entries are written as they are made, so that the index is never held whole:
    Material writes it as one JSON value, which is its envelope around its entries, each
    written alone with the same options."""
    made = material.SearchIndex(**options)
    head, tail = made.generate_search_index(None).rsplit("[]", 1)
    counts = []
    with open(pages, "rb") as incoming, open(draft, "w", encoding="utf-8") as out:
        out.write(head + "[")
        first = True
        while True:
            try:
                page = pickle.load(incoming)
            except EOFError:
                break
            made.add_entry_from_context(page)
            counts.append(len(made.entries))
            for entry in made.entries:
                # As Material's index writes JSON (`SearchIndex.generate_search_index`).
                out.write(
                    ("" if first else ",") + json.dumps(entry, separators=(",", ":"), default=str)
                )
                first = False
            made.entries.clear()
        out.write("]" + tail)
    return counts


class Offloaded(material.SearchIndex):
    """Material's index in its plugin: each page's entries come from the indexing process
    while the page's HTML is what it indexed, and are made here otherwise."""

    def __init__(self, options: dict[str, Any], pages: Sequence[Page], folder: Path) -> None:
        super().__init__(**options)
        self.options = options
        self.folder = folder
        self.pages = str(folder / "pages.pickle")
        self.draft = str(folder / "search_index.json")
        self.process: subprocess.Popen[bytes] | None = None
        self.started = False
        self.counts: list[int] | None = None
        """How many entries each page gave (`index`); None until the process has said."""
        self._indexed = {id(page): (n, _same(page)) for n, page in enumerate(pages)}
        self._parts: list[int | list[Any]] = []
        """Each page's entries in the order Material's plugin asked: the process's (the
        page's number) or made here."""

    @classmethod
    def start(cls, plugin: Any, pages: Sequence[Page]) -> Offloaded | None:
        """Put an index in `plugin` that a new process makes from `pages` (rendered, in the
        order MkDocs writes them) once it is started (`spawn`); None where their pages
        cannot be handed over (the index is left to the plugin)."""
        if not sys.executable:
            return None
        offloaded = cls(dict(plugin.config), pages, Path(tempfile.mkdtemp(prefix="evidence-")))
        try:
            with open(offloaded.pages, "wb") as out:
                _write(out, pages)
        except (OSError, pickle.PicklingError):
            offloaded.close()
            return None
        plugin.search_index = offloaded
        return offloaded

    def spawn(self) -> None:
        """Start the process, unless it has been started (where none can be started, the
        index is made here when it is asked for)."""
        if self.started:
            return
        self.started = True
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _MAIN, str(_PACKAGE_ROOT)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            assert self.process.stdin is not None
            with self.process.stdin as stdin:
                stdin.write(pickle.dumps((self.options, self.pages, self.draft)))
        except OSError:
            self._stop()

    def made(self, *, wait: bool) -> bool:
        """Whether the process has ended (with `wait`, once it has): then `counts` holds
        what it made, or None if it failed (the index is made here, from what it was given,
        when it is asked for)."""
        if not self.started:
            if not wait:
                return False
            self.spawn()
        process = self.process
        if process is None:
            return True
        if not wait and process.poll() is None:
            return False
        self.process = None
        try:
            out = _ended(process)
            counts = pickle.loads(out) if process.returncode == 0 else None
        except (OSError, ValueError, pickle.UnpicklingError, EOFError):
            counts = None
        self.counts = counts if isinstance(counts, list) else None
        return True

    def add_entry_from_context(self, page: Page) -> None:
        indexed = self._indexed.get(id(page))
        if indexed is not None and page.content is not None and indexed[1] == _same(page):
            self._parts.append(indexed[0])
            return
        before = len(self.entries)
        super().add_entry_from_context(page)
        self._parts.append(self.entries[before:])
        del self.entries[before:]

    def generate_search_index(self, prev: Any) -> str:
        self.made(wait=True)
        if self.counts is None:
            self.counts = index(self.options, self.pages, self.draft)
        text = Path(self.draft).read_text(encoding="utf-8")
        if prev is None and self._parts == list(range(len(self.counts))):
            return text
        docs = json.loads(text)["docs"]
        pages, start = [], 0
        for count in self.counts:
            pages.append(docs[start : start + count])
            start += count
        self.entries = [
            entry
            for part in self._parts
            for entry in (pages[part] if isinstance(part, int) else part)
        ]
        made: str = super().generate_search_index(prev)
        return made

    def _stop(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            process.kill()
            _ended(process)

    def close(self) -> None:
        """Stop the process if it still runs; remove what it was given and what it wrote.
        Idempotent."""
        self._stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def _ended(process: subprocess.Popen[bytes]) -> bytes:
    """What the process wrote, once it has ended (its input is closed already)."""
    assert process.stdout is not None
    with process.stdout:
        out = process.stdout.read()
    process.wait()
    return out


def _same(page: Page) -> tuple[int, int]:
    """What tells a page's HTML from another string in its place: the string object and its
    hash (an object freed and another made at its address would not have its hash too)."""
    return id(page.content), hash(page.content)


def _write(out: IO[bytes], pages: Sequence[Page]) -> None:
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    for page in pages:
        pickler.dump(_stand_in(page))
        # One page at a time: the pickler would otherwise remember every object it wrote.
        pickler.clear_memo()


def main() -> None:  # pragma: no cover - runs in the indexing process
    options, pages, draft = pickle.load(sys.stdin.buffer)
    sys.stdout.buffer.write(pickle.dumps(index(options, pages, draft)))
    sys.stdout.buffer.flush()
