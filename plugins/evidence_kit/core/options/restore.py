"""The `restore_tests` option: how often a procedure with recovery targets must be tested."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .review import add_months

TYPE = "restore-test"
CADENCES = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}
"""Cadence name -> months per window; windows start with the calendar year."""
OPTION_KEYS = ("cadence",)


@dataclass(frozen=True)
class Window:
    """One cadence window: the days a restore test must fall in."""

    start: dt.date
    end: dt.date
    """The last day of the window."""
    label: str

    def holds(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class RestoreSettings:
    """How often a procedure that states recovery targets is tested."""

    cadence: str = "quarterly"

    @property
    def months(self) -> int:
        return CADENCES[self.cadence]

    def windows(self, first: dt.date, last: dt.date) -> list[Window]:
        """The calendar windows (quarters by default) that overlap `first`..`last`."""
        months = self.months
        start = dt.date(first.year, (first.month - 1) // months * months + 1, 1)
        result = []
        while start <= last:
            after = add_months(start, months)
            result.append(Window(start, after - dt.timedelta(days=1), self._label(start)))
            start = after
        return result

    def _label(self, start: dt.date) -> str:
        index = (start.month - 1) // self.months + 1
        if self.cadence == "quarterly":
            return f"{start.year} Q{index}"
        if self.cadence == "half-yearly":
            return f"{start.year} H{index}"
        if self.cadence == "monthly":
            return f"{start:%Y-%m}"
        return str(start.year)


def parse_restore(options: Any, errors: list[str]) -> RestoreSettings:
    """The `restore_tests` plugin option; problems are appended to `errors`."""
    if options is None:
        return RestoreSettings()
    if not isinstance(options, Mapping):
        errors.append("restore_tests: expected a mapping of options (see the README)")
        return RestoreSettings()
    values: dict[str, Any] = {}
    for key, value in options.items():
        if key not in OPTION_KEYS:
            close = difflib.get_close_matches(str(key), OPTION_KEYS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else "one of " + ", ".join(OPTION_KEYS)
            errors.append(f"restore_tests: {key}: unknown option; {hint}")
        elif value not in CADENCES:
            errors.append(
                f"restore_tests: cadence: expected one of {', '.join(CADENCES)}, got {value!r}"
            )
        else:
            values[key] = value
    return RestoreSettings(**values)
