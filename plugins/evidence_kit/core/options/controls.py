"""The control catalogues shipped as data, and the `controls` option choosing among them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

CATALOGUE_DIR = Path(__file__).resolve().parents[2] / "rules" / "catalogues"


@dataclass(frozen=True)
class Control:
    """One control of a catalogue: `SOC2` + `CC7.3` + what it asks."""

    catalogue: str
    id: str
    """As the catalogue numbers it: `CC7.3`, `A.5.24`."""
    title: str
    """What the control asks, in our own words."""

    @property
    def ref(self) -> str:
        """How documents cite it: `SOC2:CC7.3`."""
        return ":".join((self.catalogue, self.id))


@dataclass(frozen=True)
class Catalogue:
    """A control framework shipped as data (`catalogues/*.yml`)."""

    id: str
    """How documents cite it, before the colon: `SOC2`."""
    name: str
    controls: tuple[Control, ...]

    def get(self, control_id: str) -> Control | None:
        return next((c for c in self.controls if c.id == control_id), None)


@lru_cache(maxsize=1)
def catalogues() -> dict[str, Catalogue]:
    """The shipped catalogues by id, in file-name order."""
    found = {}
    for path in sorted(CATALOGUE_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        cat_id = str(data["id"])
        controls = tuple(Control(cat_id, str(c["id"]), str(c["title"])) for c in data["controls"])
        found[cat_id] = Catalogue(cat_id, str(data["name"]), controls)
    return found


def _all_catalogues() -> tuple[str, ...]:
    return tuple(catalogues())


@dataclass(frozen=True)
class ControlScope:
    """The `controls` plugin option: which catalogues the matrix covers, in order."""

    catalogues: tuple[str, ...] = field(default_factory=_all_catalogues)


def parse_scope(options: Any, errors: list[str]) -> ControlScope:
    """`controls: {catalogues: [SOC2, ISO27001]}`; problems are appended to `errors`."""
    if options is None or options == {}:
        return ControlScope()
    if not isinstance(options, Mapping):
        errors.append("controls: expected a mapping, e.g. {catalogues: [SOC2, ISO27001]}")
        return ControlScope()
    for key in sorted(set(options) - {"catalogues"}, key=str):
        errors.append(f"controls: unknown option {key!r}; the only option is catalogues")
    chosen = options.get("catalogues")
    if chosen is None:
        return ControlScope()
    known = catalogues()
    if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen):
        errors.append("controls: catalogues: expected a list of catalogue ids, e.g. [SOC2]")
        return ControlScope()
    for name in chosen:
        if name not in known:
            errors.append(
                f"controls: catalogues: {name!r} is not a shipped catalogue; "
                f"use {' or '.join(sorted(known))}"
            )
    return ControlScope(tuple(dict.fromkeys(c for c in chosen if c in known)))
