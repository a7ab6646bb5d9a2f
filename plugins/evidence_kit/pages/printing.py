"""The print version: the whole site as one document that a browser saves as a clean PDF.

Built from the pages' rendered HTML, late in the build: a cover (site name, build date,
commit), a table of contents, then every published page in nav order, with links between
pages turned into links inside the document and ids made unique per page.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple
from urllib.parse import SplitResult, urljoin, urlsplit

PRINT_PAGE = "print/index.html"
STYLESHEET = "print/print.css"
_STYLESHEET_SOURCE = Path(__file__).resolve().parent / "print.css"

# Only the site's own pages are ever joined with this base, so it never leaves the string.
_BASE = "https://site.invalid/"
# A heading's permalink, which a printed page has no use for (the print stylesheet hides
# it): left out, so there is no link of it to rewrite and no text of it for the gate.
_PERMALINK = '<a class="headerlink"'
# A start tag with an attribute to rewrite, or a permalink; the other tags (most) are
# skipped by `re`.
_TAG = re.compile(_PERMALINK + r"[^<>]*>[^<]*</a>|<[A-Za-z][^<>]*\s(?:id|href|src)=\"[^<>]*>")
_ATTRIBUTE = re.compile(r'(\s(?:id|href|src))="([^"]*)"')
_SLUG = re.compile(r"[^A-Za-z0-9]+")
_H1 = re.compile(r"\s*<h1[\s>]")


class PrintedPage(NamedTuple):
    """One rendered page of the site: its title (text), URL (as MkDocs gives it) and HTML."""

    title: str
    url: str
    html: str


def stylesheet() -> str:
    """The print stylesheet: page breaks, readable tables, no screen-only widgets."""
    return _STYLESHEET_SOURCE.read_text(encoding="utf-8")


def _folder(url: str) -> str:
    """`a/b/index.html` and `a/b/` both stand for the folder `a/b/`."""
    return url[: -len("index.html")] if url.endswith("index.html") else url


def order(pages: Sequence[PrintedPage], nav_urls: Sequence[str]) -> list[PrintedPage]:
    """Pages in nav order; a page outside the nav follows the nav page of its folder."""
    by_url = {page.url: page for page in pages}
    in_nav = [by_url[url] for url in dict.fromkeys(nav_urls) if url in by_url]
    listed = {page.url for page in in_nav}
    after: dict[int, list[PrintedPage]] = {}
    for page in sorted((p for p in pages if p.url not in listed), key=lambda p: p.url):
        owners = [
            (len(_folder(nav.url)), index)
            for index, nav in enumerate(in_nav)
            if page.url.startswith(_folder(nav.url))
        ]
        # The deepest folder wins; a page under no nav page goes to the end.
        anchor = max(owners)[1] if owners else len(in_nav)
        after.setdefault(anchor, []).append(page)
    result = []
    for index, page in enumerate(in_nav):
        result.append(page)
        result.extend(after.get(index, []))
    result.extend(after.get(len(in_nav), []))
    return result


def anchor(url: str) -> str:
    """The id of a page's section in the print document."""
    slug = _SLUG.sub("-", _folder(url)).strip("-")
    return f"page-{slug or 'home'}"


def rewrite(page: PrintedPage, anchors: Mapping[str, str]) -> str:
    """The page's HTML with ids prefixed by its anchor, every link valid from `print/` and
    no heading permalinks."""
    own = anchors[_folder(page.url)]

    def attribute(match: re.Match[str]) -> str:
        name, value = match.group(1), html.unescape(match.group(2))
        if name.strip() == "id":
            value = f"{own}--{value}"
        elif name.strip() == "href":
            value = _link(value, page.url, own, anchors)
        else:
            value = _asset(value, page.url)
        return f'{name}="{html.escape(value, quote=True)}"'

    def tag(match: re.Match[str]) -> str:
        start = match.group()
        return "" if start.startswith(_PERMALINK) else _ATTRIBUTE.sub(attribute, start)

    return _TAG.sub(tag, page.html)


def _link(href: str, page_url: str, own: str, anchors: Mapping[str, str]) -> str:
    if href.startswith("#"):
        return f"#{own}--{href[1:]}" if len(href) > 1 else f"#{own}"
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return href
    target = _target(href, page_url)
    path = target.path.lstrip("/")
    section = anchors.get(_folder(path))
    if section is None:
        return _asset(href, page_url)
    return f"#{section}--{target.fragment}" if target.fragment else f"#{section}"


def _asset(src: str, page_url: str) -> str:
    """A link to a file of the site, rewritten relative to the print page's folder."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or src.startswith("#"):
        return src
    target = _target(src, page_url)
    relative = posixpath.relpath("/" + target.path.lstrip("/"), "/" + posixpath.dirname(PRINT_PAGE))
    if target.path.endswith("/") and not relative.endswith("/"):
        relative += "/"
    query = f"?{target.query}" if target.query else ""
    fragment = f"#{target.fragment}" if target.fragment else ""
    return relative + query + fragment


def _target(href: str, page_url: str) -> SplitResult:
    """Where `href`, written on the page at `page_url`, points (split)."""
    if href and href[0] not in "?#":
        # Such a link depends only on the page's folder, which most pages share with others
        # that link to the same pages: joined once per folder, not once per page.
        return _joined(href, page_url[: page_url.rfind("/") + 1])
    return urlsplit(urljoin(_BASE + page_url, href))


@functools.lru_cache(maxsize=16384)
def _joined(href: str, folder: str) -> SplitResult:
    return urlsplit(urljoin(_BASE + folder, href))


def _text(value: str) -> str:
    """Escaped text, whether or not it arrived with entities (MkDocs titles may)."""
    return html.escape(html.unescape(value), quote=True)


def write(path: Path, parts: Iterable[str]) -> None:
    """Write the print page a part at a time: the whole site's HTML is never one string."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        out.writelines(parts)


def parts(
    site_name: str,
    built: str,
    commit: str,
    pages: Sequence[PrintedPage],
    description: str = "",
    stylesheets: Sequence[str] = (),
) -> Iterator[str]:
    """The print page: cover, contents, then every page as its own section, a part at a
    time.

    `stylesheets` are the site's own (`extra_css`, site-relative) that style page content;
    an external one is left out, as the print page loads nothing from elsewhere.
    """
    anchors = {_folder(page.url): anchor(page.url) for page in pages}
    contents = "\n".join(
        f'<li><a href="#{anchor(page.url)}">{_text(page.title)}</a> '
        f'<span class="ek-url">/{_text(page.url)}</span></li>'
        for page in pages
    )
    subtitle = f'<p class="ek-subtitle">{_text(description)}</p>\n' if description else ""
    yield (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_text(site_name)}: print version</title>\n"
        + "".join(
            f'<link rel="stylesheet" href="{_text(_asset(css, ""))}">\n'
            for css in stylesheets
            if not urlsplit(css).scheme and not urlsplit(css).netloc and not css.startswith("/")
        )
        + f'<link rel="stylesheet" href="{posixpath.basename(STYLESHEET)}">\n'
        "</head>\n<body>\n"
        '<section class="ek-cover">\n'
        f"<h1>{_text(site_name)}</h1>\n{subtitle}"
        "<dl>\n"
        f"<dt>Built</dt><dd>{_text(built)}</dd>\n"
        f"<dt>Commit</dt><dd>{_text(commit)}</dd>\n"
        f"<dt>Pages</dt><dd>{len(pages)}</dd>\n"
        "</dl>\n</section>\n"
        f'<nav class="ek-toc">\n<h2>Contents</h2>\n<ol>\n{contents}\n</ol>\n</nav>\n'
        "<main>\n"
    )
    for index, page in enumerate(pages):
        body = rewrite(page, anchors)
        if not _H1.match(body):
            body = f"<h1>{_text(page.title)}</h1>\n{body}"
        yield (
            ("\n" if index else "") + f'<article class="ek-page" id="{anchor(page.url)}">\n'
            f'<p class="ek-where">{_text(page.title)} · /{_text(page.url)}</p>\n{body}\n</article>'
        )
    yield "\n</main>\n</body>\n</html>\n"
