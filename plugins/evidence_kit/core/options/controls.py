"""The control catalogues shipped as data, the project's own, and the `controls` option."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from .. import yamlio
from ..model import Mark, Parsed
from . import unknown_options

CATALOGUE_DIR = Path(__file__).resolve().parents[2] / "rules" / "catalogues"

# The same forms the schema's `control` pattern accepts (`CATALOGUE:ID`).
_CATALOGUE_ID = re.compile(r"^[A-Z0-9]{1,20}$")
_CONTROL_ID = re.compile(r"^[A-Z0-9][A-Za-z0-9.-]{0,40}$")
_FILE_KEYS = ("id", "name", "controls")
_CONTROL_KEYS = ("id", "title", "group")
MAX_CATALOGUE_SIZE = 1024 * 1024


class Control(NamedTuple):
    """One control of a catalogue: `SOC2` + `CC7.3` + what it asks."""

    catalogue: str
    id: str
    """As the catalogue numbers it: `CC7.3`, `A.5.24`."""
    title: str
    """What the control asks, in our own words."""
    group: str = ""
    """The catalogue's heading it sits under: `System operations`, `People controls`."""

    @property
    def ref(self) -> str:
        """How documents cite it: `SOC2:CC7.3`."""
        return ":".join((self.catalogue, self.id))


@dataclass(frozen=True)
class Catalogue:
    """A control framework as data: shipped (`catalogues/*.yml`) or the project's own file."""

    id: str
    """How documents cite it, before the colon: `SOC2`."""
    name: str
    controls: tuple[Control, ...]
    source: str = ""
    """The project's file it was read from (`policies/catalogue.yml`); empty when shipped."""

    def get(self, control_id: str) -> Control | None:
        return next((c for c in self.controls if c.id == control_id), None)


def _catalogue(data: Mapping[str, Any], source: str = "") -> Catalogue:
    cat_id = str(data["id"])
    controls = tuple(
        Control(cat_id, str(c["id"]), str(c["title"]), str(c.get("group") or ""))
        for c in data["controls"]
    )
    return Catalogue(cat_id, str(data["name"]), controls, source)


@lru_cache(maxsize=1)
def catalogues() -> dict[str, Catalogue]:
    """The shipped catalogues by id, in file-name order."""
    found = {}
    for path in sorted(CATALOGUE_DIR.glob("*.yml")):
        catalogue = _catalogue(yamlio.data(path.read_text(encoding="utf-8")))
        found[catalogue.id] = catalogue
    return found


def _all_catalogues() -> tuple[str, ...]:
    return tuple(catalogues())


@dataclass(frozen=True)
class ControlScope:
    """The `controls` plugin option: which catalogues the matrix covers, in order."""

    catalogues: tuple[str, ...] = field(default_factory=_all_catalogues)
    own: Mapping[str, Catalogue] = field(default_factory=dict)
    """The project's catalogue files by catalogue id, read once when the options are."""

    def known(self) -> dict[str, Catalogue]:
        """Every catalogue a document may cite: the shipped ones, then the project's."""
        return {**catalogues(), **self.own}


def parse_scope(options: Any, errors: list[str], root: Path | None = None) -> ControlScope:
    """`controls: {catalogues: [SOC2, ISO27001, policies/catalogue.yml]}`; a `.yml` entry is a
    file of the project's own, relative to `root`; problems are appended to `errors`."""
    if options is None or options == {}:
        return ControlScope()
    if not isinstance(options, Mapping):
        errors.append("controls: expected a mapping, e.g. {catalogues: [SOC2, ISO27001]}")
        return ControlScope()
    errors += unknown_options("controls: ", options, ("catalogues",))
    chosen = options.get("catalogues")
    if chosen is None:
        return ControlScope()
    known = catalogues()
    if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen):
        errors.append("controls: catalogues: expected a list of catalogue ids, e.g. [SOC2]")
        return ControlScope()
    scope: list[str] = []
    own: dict[str, Catalogue] = {}
    for name in chosen:
        if name.endswith((".yml", ".yaml")):
            catalogue = read_catalogue(name, root, errors)
            if catalogue is None:
                continue
            if catalogue.id in known or catalogue.id in own:
                errors.append(
                    f"controls: catalogues: {name}:1:1: id {catalogue.id!r} is taken by "
                    "another catalogue; give this one its own id"
                )
                continue
            own[catalogue.id] = catalogue
            scope.append(catalogue.id)
        elif name in known:
            scope.append(name)
        else:
            errors.append(
                f"controls: catalogues: {name!r} is not a shipped catalogue; use "
                f"{' or '.join(sorted(known))}, or name a .yml file of your own"
            )
    return ControlScope(tuple(dict.fromkeys(scope)), own)


def read_catalogue(name: str, root: Path | None, errors: list[str]) -> Catalogue | None:
    """The project's catalogue file `name` (relative to `root`), or None with its problems
    in `errors`, each naming the file and line."""
    where = f"controls: catalogues: {name}"
    base = (root or Path.cwd()).resolve()
    path = (base / name).resolve()
    if not path.is_relative_to(base):
        errors.append(f"{where}: the file must be inside the project")
        return None
    if not path.is_file():
        errors.append(f"{where}: no such file; write its path relative to mkdocs.yml")
        return None
    if path.stat().st_size > MAX_CATALOGUE_SIZE:
        errors.append(f"{where}: larger than {MAX_CATALOGUE_SIZE} bytes")
        return None
    try:
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        errors.append(f"{where}: not UTF-8 text")
        return None
    loaded = yamlio.load(text, name)
    if loaded.findings or loaded.parsed is None:
        errors += [
            f"controls: catalogues: {f.path}:{f.line}:{f.column}: {f.message}"
            for f in loaded.findings
        ]
        return None
    problems = _catalogue_problems(loaded.parsed)
    if problems:
        errors += [f"controls: catalogues: {name}:{at}: {problem}" for at, problem in problems]
        return None
    return _catalogue(loaded.parsed.value, name)


def _catalogue_problems(parsed: Parsed) -> list[tuple[str, str]]:
    """What keeps a catalogue file from being used: (line:column, message) each."""
    found: list[tuple[Mark, str]] = []

    def add(json_path: str, message: str) -> None:
        found.append((parsed.mark(json_path), message))

    _check_catalogue(parsed.value, add, parsed)
    found.sort(key=lambda problem: problem[0])
    return [(f"{at.line}:{at.column}", message) for at, message in found]


def _unknown_keys(
    data: Mapping[str, Any],
    known: Collection[str],
    at: str,
    has: str,
    add: Callable[[str, str], None],
) -> None:
    for key in data:
        if key not in known:
            add(f"{at}.{key}", f"unknown key {key!r}; {has}")


def _check_catalogue(data: Any, add: Callable[[str, str], None], parsed: Parsed) -> None:
    example = "e.g. id: POL, name: Internal policies, controls: [{id: POL-1, title: ...}]"
    if not isinstance(data, dict):
        add("$", f"expected a mapping with {', '.join(_FILE_KEYS)}; {example}")
        return
    _unknown_keys(data, _FILE_KEYS, "$", f"a catalogue has {', '.join(_FILE_KEYS)}", add)
    cat_id = data.get("id")
    if not isinstance(cat_id, str) or not _CATALOGUE_ID.match(cat_id):
        add("$.id" if "id" in data else "$", "id: capital letters and digits, e.g. POL")
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        add("$.name" if "name" in data else "$", "name: the catalogue's name as text")
    controls = data.get("controls")
    if not isinstance(controls, list) or not controls:
        add(
            "$.controls" if "controls" in data else "$",
            "controls: a list of controls, each with id and title (and optionally group)",
        )
        return
    seen: dict[str, str] = {}
    for index, control in enumerate(controls):
        at = f"$.controls[{index}]"
        if not isinstance(control, dict):
            add(at, "expected a mapping with id and title (and optionally group)")
            continue
        _unknown_keys(control, _CONTROL_KEYS, at, "a control has id, title and group", add)
        control_id = control.get("id")
        if not isinstance(control_id, str) or not _CONTROL_ID.match(control_id):
            add(
                f"{at}.id" if "id" in control else at,
                "id: letters, digits, dots and dashes, starting with a capital or digit, "
                "e.g. POL-7 (quote a number)",
            )
        elif control_id in seen:
            add(f"{at}.id", f"duplicate id {control_id!r} (first at line {seen[control_id]})")
        else:
            seen[control_id] = str(parsed.mark(f"{at}.id").line)
        for key in ("title", "group"):
            value = control.get(key)
            required = key == "title"
            if (value is None and required) or (
                value is not None and (not isinstance(value, str) or not value.strip())
            ):
                add(
                    f"{at}.{key}" if key in control else at,
                    f"{key}: text saying "
                    + ("what the control asks" if required else "the heading it sits under"),
                )
