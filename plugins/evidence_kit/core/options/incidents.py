"""The `incidents` option: the runbook's promises per severity, deadlines, audit period."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import workdays
from ..model import Severity
from ..moments import as_date
from . import unknown_options

TYPE = "postmortem"
SEVERITIES = ("SEV1", "SEV2", "SEV3")
"""The default scale, the kit runbook's severity table, most severe first."""
OPEN_STATUSES = ("open", "in-progress")
ALERT = "alert fired"


@dataclass(frozen=True)
class Promise:
    """One response time the runbook promises, measured from the alert to a timeline event."""

    key: str
    """The option that sets it (`<key>_minutes`)."""
    rule: str
    event: str
    label: str
    """How a page names it."""


PROMISES = (
    Promise("acknowledge", "sla-acknowledge", "on-call acknowledged", "Acknowledged"),
    Promise("war_room", "sla-war-room", "war room opened", "War room opened"),
    Promise("notify", "sla-notify", "customers notified", "Customers notified"),
)
DEADLINE = "postmortem-deadline"
ABOUT_THE_PAST = (*(p.rule for p in PROMISES), DEADLINE)
"""Rules about what already happened, which a postmortem's `acknowledged:` list may name
(the postmortem schema's enum says the same)."""


@dataclass(frozen=True)
class IncidentPolicy:
    """The runbook's promises and the limits the incident and on-call rules apply."""

    severities: tuple[str, ...] = SEVERITIES
    """The severity scale, most severe first: the only levels a postmortem may name."""
    # The runbook's severity table: a mapping replaces the default whole, so leaving a
    # severity out means the runbook promises nothing for it. A SEV3 is a ticket handled the
    # next business day (the kit's runbook): no minute promise at all.
    acknowledge_minutes: Mapping[str, int] = field(default_factory=lambda: {"SEV1": 5, "SEV2": 5})
    war_room_minutes: Mapping[str, int] = field(default_factory=lambda: {"SEV1": 15, "SEV2": 60})
    notify_minutes: Mapping[str, int] = field(default_factory=lambda: {"SEV1": 30, "SEV2": 120})
    postmortem_business_days: int = 5
    holidays: str | None = None
    """ISO 3166 code (`GB`, `US-CA`) whose public holidays are not business days."""
    breach: Severity = Severity.WARNING
    """What a missed promise is: a warning the audit shows, or an error that fails CI."""
    action_item_grace_days: int = 30
    horizon_days: int = 14
    audit_period: tuple[dt.date, dt.date] | None = None
    """None: the 12 months up to today."""

    def promise_minutes(self, promise: Promise, severity: str) -> int | None:
        minutes: Mapping[str, int] = getattr(self, f"{promise.key}_minutes")
        return minutes.get(severity)

    def period(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """The audit period of the incident report."""
        if self.audit_period:
            return self.audit_period
        try:
            year_ago = today.replace(year=today.year - 1)
        except ValueError:  # 29 February
            year_ago = today.replace(year=today.year - 1, day=28)
        return year_ago, today

    def holiday_dates(self, *days: dt.date | None) -> frozenset[dt.date]:
        known = [d for d in days if d is not None]
        return workdays.holidays_for(self.holidays, workdays.years_around(known))


# --- the `incidents` option -------------------------------------------------------------

_MINUTE_KEYS = tuple(f"{p.key}_minutes" for p in PROMISES)
_INT_KEYS = ("postmortem_business_days", "action_item_grace_days", "horizon_days")
OPTION_KEYS = ("severities", *_MINUTE_KEYS, *_INT_KEYS, "breach", "audit_period")
_LEVEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,30}$")


def parse_policy(options: Any, errors: list[str], holidays: str | None = None) -> IncidentPolicy:
    """The `incidents` plugin option as a policy; problems are appended to `errors`.
    `holidays` is the plugin's one holiday country, checked by the caller."""
    if options is None:
        return IncidentPolicy(holidays=holidays)
    if not isinstance(options, Mapping):
        errors.append("incidents: expected a mapping of options (see the README)")
        return IncidentPolicy(holidays=holidays)
    values: dict[str, Any] = {"holidays": holidays}
    scale: tuple[str, ...] = SEVERITIES
    own: dict[str, dict[str, int]] = {}
    if "severities" in options:
        scale, own = _scale(options["severities"], errors)
        values["severities"] = scale
        # A scale of its own starts without promises: the defaults name SEV levels.
        values.update({key: {} for key in _MINUTE_KEYS})
    for key, value in options.items():
        where = f"incidents: {key}"
        if key not in OPTION_KEYS:
            errors += unknown_options("incidents: ", [key], OPTION_KEYS)
        elif key == "severities":
            continue
        elif key in _MINUTE_KEYS:
            minutes = _promise_minutes(value, where, errors, scale)
            if minutes is not None:
                values[key] = minutes
        elif key in _INT_KEYS:
            if _is_count(value, minimum=0 if key == "action_item_grace_days" else 1):
                values[key] = value
            else:
                errors.append(f"{where}: expected a whole number of days, got {value!r}")
        elif key == "breach":
            if value in (Severity.WARNING.value, Severity.ERROR.value):
                values[key] = Severity(value)
            else:
                errors.append(f"{where}: expected warning or error, got {value!r}")
        else:
            period = _period(value, where, errors)
            if period:
                values[key] = period
    # A level's own promises win over the per-promise maps.
    for key in _MINUTE_KEYS:
        for level, promises in own.items():
            if key in promises:
                values[key] = {**values.get(key, {}), level: promises[key]}
    return IncidentPolicy(**values)


def _scale(value: Any, errors: list[str]) -> tuple[tuple[str, ...], dict[str, dict[str, int]]]:
    """`severities:` as the scale's names, most severe first, and each level's own promises:
    a list of names (`[P1, P2, P3, P4]`), or a mapping of name -> {acknowledge_minutes, ...}."""
    where = "incidents: severities"
    if isinstance(value, list):
        value = dict.fromkeys(value)
    if not isinstance(value, Mapping) or not value:
        errors.append(f"{where}: expected a list of levels, most severe first, e.g. [P1, P2, P3]")
        return SEVERITIES, {}
    names: list[str] = []
    own: dict[str, dict[str, int]] = {}
    for name, promises in value.items():
        if not isinstance(name, str) or not _LEVEL.match(name):
            errors.append(f"{where}: {name!r} is not a level name; write e.g. P1 or SEV1")
            continue
        if name in names:
            errors.append(f"{where}: {name} is listed twice")
            continue
        names.append(name)
        if promises is None:
            continue
        if not isinstance(promises, Mapping):
            errors.append(f"{where}: {name}: expected a mapping of {', '.join(_MINUTE_KEYS)}")
            continue
        errors += unknown_options(f"{where}: {name}: ", promises, _MINUTE_KEYS)
        for key, minutes in promises.items():
            if key not in _MINUTE_KEYS:
                continue
            if _is_count(minutes, 1):
                own.setdefault(name, {})[key] = minutes
            else:
                errors.append(
                    f"{where}: {name}: {key}: expected a positive whole number of minutes"
                )
    return (tuple(names) or SEVERITIES), own


def _is_count(value: Any, minimum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def _promise_minutes(
    value: Any, where: str, errors: list[str], scale: tuple[str, ...]
) -> dict[str, int] | None:
    if _is_count(value, 1):
        return dict.fromkeys(scale, value)
    if not isinstance(value, Mapping):
        errors.append(f"{where}: expected minutes, or a mapping of {'/'.join(scale)} to minutes")
        return None
    result = {}
    for severity, minutes in value.items():
        if severity not in scale:
            errors.append(f"{where}: {severity!r} is not one of {', '.join(scale)}")
        elif not _is_count(minutes, 1):
            errors.append(f"{where}: {severity}: expected a positive whole number of minutes")
        else:
            result[severity] = minutes
    return result


def _period(value: Any, where: str, errors: list[str]) -> tuple[dt.date, dt.date] | None:
    if not isinstance(value, Mapping) or set(value) != {"start", "end"}:
        errors.append(f"{where}: expected start and end dates (YYYY-MM-DD)")
        return None
    start, end = as_date(value["start"]), as_date(value["end"])
    if start is None or end is None:
        errors.append(f"{where}: start and end must be dates written YYYY-MM-DD")
        return None
    if end < start:
        errors.append(f"{where}: end {end} is before start {start}")
        return None
    return start, end
