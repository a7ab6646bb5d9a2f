"""`evidence-kit init`: a new evidence repository from the kit, its blanks left to fill.

The home page, the runbook and the restore test are the kit's own files (one source: the kit
is what the tests build), marked `last_reviewed: never` without a reviewer: `init` writes no
review nobody made, and `evidence-kit review` records the first one; the files that only
make sense in a new repository (config, a section page without the pages generated from
postmortems, an empty postmortems index, an on-call page until there is rotation data) come
from `starter/`. Nothing is ever overwritten.

A folder that already holds a MkDocs project (`mkdocs.yml`) keeps its config and its pages:
the evidence pages go below its `docs_dir`, and the plugin is added to its `plugins` when
that can be done without rewriting the file (`config_edit`); else `init` says what to add.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..core import mkdocs_yml
from . import config_edit

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "starter"

KIT_FILES = (
    "index.md",
    "05-backups-recovery/incident-runbook.md",
    "05-backups-recovery/restore-test.md",
)
"""Files of the kit's `evidence/` that a new repository starts from, as they are."""

_DOCS = "evidence"
"""The starter's docs_dir."""

# Dotfiles are kept under plain names so every packaging tool ships them.
_RENAMED = {"gitignore": ".gitignore"}
_EXAMPLE_COMPANY = "Example Co"
_LAST_REVIEWED = re.compile(r"^last_reviewed: .*$", re.MULTILINE)
_REVIEWED_BY = re.compile(r"^reviewed_by: .*\n", re.MULTILINE)
# The kit's recovery targets come with a year of restore-test records; a new repository has
# none, so it states its targets when it records its first test.
_TARGETS = re.compile(r"^# The targets each .*\nrecovery_targets: .*\n", re.MULTILINE)


def kit_dir() -> Path:
    """The kit's evidence folder: in the wheel (`evidence_kit/kit`), else the repository's."""
    packaged = HERE / "kit"
    return packaged if packaged.is_dir() else HERE.parents[2] / "evidence"


def files() -> dict[str, str]:
    """Every file of a new evidence repository: path below it -> content."""
    result = {}
    for path in sorted(TEMPLATES.rglob("*")):
        if path.is_file():
            name = path.relative_to(TEMPLATES).as_posix()
            result[_RENAMED.get(name, name)] = path.read_text(encoding="utf-8")
    for name in KIT_FILES:
        text = (kit_dir() / name).read_text(encoding="utf-8")
        text = _LAST_REVIEWED.sub("last_reviewed: never", text, count=1)
        text = _REVIEWED_BY.sub("", text, count=1)
        text = _TARGETS.sub("", text, count=1)
        result[f"{_DOCS}/{name}"] = text.replace(_EXAMPLE_COMPANY, "<<Company name>>")
    return dict(sorted(result.items()))


def plugin_entry() -> str:
    """The starter's `- evidence:` entry of `plugins` (its types, controls, placeholders to
    fill and publish block), written from column 1: one source with the starter's config."""
    text = (TEMPLATES / "mkdocs.yml").read_text(encoding="utf-8")
    entry = text[text.index("\n  - evidence:\n") + 1 :]
    return "".join(line.removeprefix("  ") for line in entry.splitlines(keepends=True))


@dataclass(frozen=True)
class Written:
    """One file of the scaffold and whether `init` created it or found it there."""

    path: str
    created: bool


@dataclass(frozen=True)
class Result:
    """What `init` did: the files, and for a project's own `mkdocs.yml` what became of it
    (`config` is None when `init` wrote the starter's)."""

    written: list[Written] = field(default_factory=list)
    config: config_edit.Outcome | None = None


class InitError(Exception):
    """The target cannot hold a repository (it is a file, or cannot be written)."""


def init(target: Path) -> Result:
    """Write the scaffold into `target`, keeping every file that already exists; into a
    MkDocs project, write the evidence pages below its docs_dir and add the plugin."""
    if target.exists() and not target.is_dir():
        raise InitError(f"{target} is a file, not a folder")
    config = target / "mkdocs.yml"
    if not config.is_file():
        return Result(_write(target, files()))
    try:
        raw = config.read_bytes()
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InitError(f"{config}: cannot read the MkDocs config: {exc}") from None
    # The file keeps its byte order mark and its line ends: only lines are added.
    crlf = "\r\n" in text and text.count("\r\n") == text.count("\n")
    text = text.replace("\r\n", "\n") if crlf else text
    docs = _docs_dir(config, text)
    pages = {}
    for name, body in files().items():
        if name.startswith(f"{_DOCS}/"):
            name = _below(target, docs / name.removeprefix(f"{_DOCS}/"))
        elif name != ".gitignore":
            continue
        pages[name] = body
    written = _write(target, dict(sorted(pages.items())))
    try:
        # A link is not written through, as no file of the scaffold is.
        link = "it is a symbolic link" if config.is_symlink() else ""
        outcome = config_edit.add_plugin(text, plugin_entry(), refuse=link)
    except mkdocs_yml.ConfigFileError as exc:
        raise InitError(f"{config}: {exc}") from None
    if outcome.text is not None:
        edited = outcome.text.replace("\n", "\r\n") if crlf else outcome.text
        bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
        try:
            config.write_bytes(bom + edited.encode("utf-8"))
        except OSError as exc:
            raise InitError(f"cannot write {config}: {exc.strerror}") from None
    return Result(written, outcome)


def _docs_dir(config: Path, text: str) -> Path:
    """The project's docs_dir (MkDocs' default `docs`), following INHERIT for it; relative
    paths are relative to `config`'s folder, as MkDocs reads them."""
    seen: set[Path] = set()
    path = config
    while True:
        try:
            _, data = mkdocs_yml.compose(text)
        except yaml.YAMLError as exc:
            raise InitError(f"{path}: invalid YAML: {exc}") from None
        if not isinstance(data, dict):
            raise InitError(f"{path}: a MkDocs config is a mapping")
        if data.get("docs_dir"):
            return config.parent / str(data["docs_dir"])
        parent = data.get("INHERIT")
        if not isinstance(parent, str):
            return config.parent / "docs"
        seen.add(path.resolve())
        path = path.parent / parent
        if path.resolve() in seen:
            raise InitError(f"{path}: INHERIT loops back to a file already read")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InitError(f"{path}: cannot read the inherited config: {exc}") from None


def _below(target: Path, path: Path) -> str:
    """`path` as written below `target` (with `..` when the docs_dir is elsewhere)."""
    return Path(os.path.relpath(path, target)).as_posix()


def _write(target: Path, contents: dict[str, str]) -> list[Written]:
    written = []
    for name, content in contents.items():
        path = target / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InitError(f"cannot make the folder {path.parent}: {exc.strerror}") from None
        try:
            # "x" refuses whatever is there (file, folder, link) at the moment of writing.
            with path.open("x", encoding="utf-8") as handle:
                handle.write(content)
        except FileExistsError:
            written.append(Written(name, False))
            continue
        except OSError as exc:
            raise InitError(f"cannot write {path}: {exc.strerror}") from None
        written.append(Written(name, True))
    return written
