"""`evidence-kit init`: a new evidence repository from the kit, its blanks left to fill.

The home page, the runbook and the restore test are the kit's own files (one source: the kit
is what the tests build), marked `last_reviewed: never` without a reviewer: `init` writes no
review nobody made, and `evidence-kit review` records the first one; the files that only
make sense in a new repository (config, a section page without the pages generated from
postmortems, an empty postmortems index, an on-call page until there is rotation data) come
from `starter/`. Nothing is ever overwritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "starter"

KIT_FILES = (
    "index.md",
    "05-backups-recovery/incident-runbook.md",
    "05-backups-recovery/restore-test.md",
)
"""Files of the kit's `evidence/` that a new repository starts from, as they are."""

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
        result[f"evidence/{name}"] = text.replace(_EXAMPLE_COMPANY, "<<Company name>>")
    return dict(sorted(result.items()))


@dataclass(frozen=True)
class Written:
    """One file of the scaffold and whether `init` created it or found it there."""

    path: str
    created: bool


class InitError(Exception):
    """The target cannot hold a repository (it is a file, or cannot be written)."""


def init(target: Path) -> list[Written]:
    """Write the scaffold into `target`, keeping every file that already exists."""
    if target.exists() and not target.is_dir():
        raise InitError(f"{target} is a file, not a folder")
    written = []
    for name, content in files().items():
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
