"""`evidence-kit new postmortem`: a draft from the runbook's template, never over a file.

The template is shipped in the package (`templates/postmortem.md`) and is the same text as
the code block of the kit's incident runbook (a test keeps them equal): the CLI must work in
any project, whatever its runbook is called, and authors who copy by hand get the same file.
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..core.loader import Tree, type_for
from ..core.options.incidents import TYPE
from ..core.settings import Settings

TEMPLATE = Path(__file__).resolve().parent / "templates" / "postmortem.md"
DEFAULT_FOLDER = "postmortems"
GENERATED_NAMES = ("index.md", "incident-report.md")

_FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)
# `key: <<blank>>`, also as the first key of a list item (`- at: <<time>>`).
_BLANK_VALUE = re.compile(r"^(?P<lead>[ \t]*(?:- )?)(?P<key>[A-Za-z_]+): <<(?P<hint>[^\n]*?)>>$")
_BLANK_LINE = re.compile(r"^(?:- )?<<(?P<hint>[^\n]*?)>>$")
_BLANK = re.compile(r"<<(?P<hint>[^\n]*?)>>")


class ScaffoldError(ValueError):
    """The new file cannot be written; the message says why and what to do."""


@dataclass(frozen=True)
class Incident:
    """What the author knows when the postmortem is started."""

    title: str
    severity: str
    start: dt.datetime
    end: dt.datetime | None = None


def template() -> str:
    return TEMPLATE.read_text(encoding="utf-8")


def slug(title: str, limit: int = 60) -> str:
    """`Checkout API: 5xx for EU` -> `checkout-api-5xx-for-eu`."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return words[:limit].rstrip("-") or "incident"


def file_name(incident: Incident) -> str:
    """`YYYY-MM-DD-slug.md`, dated by the start's own calendar day."""
    return f"{incident.start.date().isoformat()}-{slug(incident.title)}.md"


def _yaml_text(value: str) -> str:
    # Single quotes keep backslashes literal, so an escaped `\<<` stays text.
    return "'" + value.replace("<<", "\\<<").replace("'", "''") + "'"


def fill(text: str, incident: Incident) -> str:
    """The template with what is known filled in and every other blank left empty.

    A blank in the front matter becomes an empty value with its hint as a YAML comment
    (drafts may leave them; the schema requires them once the status is final); a blank
    in the body becomes an HTML comment, so no `<<...>>` is left for the checks to refuse.
    """
    match = _FRONT_MATTER.match(text)
    if match is None:
        raise ScaffoldError(f"{TEMPLATE}: the template has no front matter")
    known = {
        "title": _yaml_text(incident.title),
        "severity": incident.severity,
        "start": incident.start.isoformat(),
    }
    if incident.end is not None:
        known["end"] = incident.end.isoformat()
    header = []
    for line in match.group(1).rstrip("\n").split("\n"):
        blank = _BLANK_VALUE.match(line)
        if blank is None:
            header.append(line)
        elif blank["key"] in known:
            header.append(f"{blank['lead']}{blank['key']}: {known[blank['key']]}")
        else:
            header.append(f"{blank['lead']}{blank['key']}:  # {blank['hint']}")
    body = []
    heading = html.escape(incident.title, quote=False)
    titled = False
    for line in text[match.end() :].split("\n"):
        if not titled and line.startswith("# <<"):
            body.append(f"# {heading}")
            titled = True
        elif blank_line := _BLANK_LINE.match(line):
            body.append(f"<!-- {blank_line['hint']} -->")
        else:
            body.append(_BLANK.sub(lambda m: f"<!-- {m['hint']} -->", line))
    return "---\n" + "\n".join(header) + "\n---\n" + "\n".join(body)


def postmortem_folder(tree: Tree, settings: Settings) -> str:
    """The folder below docs_dir that holds the postmortems, when there is exactly one."""
    folders = sorted(
        {
            posixpath.dirname(src_uri)
            for src_uri, doc in tree.documents.items()
            if posixpath.basename(src_uri) not in GENERATED_NAMES
            and (doc.doc_type == TYPE or type_for(src_uri, settings.types) == TYPE)
        }
    )
    if not folders:
        return DEFAULT_FOLDER
    if len(folders) > 1:
        raise ScaffoldError(
            f"postmortems live in several folders ({', '.join(folders)}); choose one with --dir"
        )
    return folders[0]


def checked_folder(folder: str) -> str:
    """`--dir` as a folder inside docs_dir: never absolute, never `..`."""
    path = PurePosixPath(folder.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts:
        raise ScaffoldError(f"--dir {folder!r} must be a folder inside docs_dir")
    return path.as_posix().strip("/") if str(path) != "." else ""


def write_new(path: Path, text: str, shown: str) -> None:
    """Create `path` with `text`; an existing file is never touched."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as out:
            out.write(text)
    except FileExistsError:
        raise ScaffoldError(
            f"{shown} already exists and was not overwritten; edit it, or start another "
            "postmortem with a different --title"
        ) from None
