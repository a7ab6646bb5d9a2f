"""The `review` option: cadences per document type, due-soon window, grace, waivers."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..model import Mark
from ..moments import as_date
from . import unknown_options
from .incidents import SEVERITIES

OPTION = "review"

# The rules a waiver may name (declared with the other review rules in rules/review.py).
OVERDUE = "review-overdue"
REQUIRED = "review-required"
WAIVABLE = (OVERDUE, REQUIRED)
"""The review errors, whose waivers show on the document's status too. A waiver may name
any rule declared `waivable` (the registry passes their ids in)."""

POSTMORTEM = "postmortem"
_CACHE = "review"
_FIX = "review it and set last_reviewed"
_START = Mark(1, 1)


# --- cadence ------------------------------------------------------------------------------

_CADENCE = re.compile(r"^([1-9][0-9]{0,2}) (day|week|month|year)s?$")


@dataclass(frozen=True)
class Cadence:
    """How often a document is reviewed: a number of days, weeks, months or years."""

    count: int
    unit: str

    def __str__(self) -> str:
        return f"{self.count} {self.unit}{'s' * (self.count != 1)}"

    def after(self, day: dt.date) -> dt.date:
        """The day one period after `day` (the last day of the calendar when past it)."""
        try:
            if self.unit == "day":
                return day + dt.timedelta(days=self.count)
            if self.unit == "week":
                return day + dt.timedelta(weeks=self.count)
            return add_months(day, self.count * (12 if self.unit == "year" else 1))
        except (OverflowError, ValueError):
            return dt.date.max


def parse_cadence(text: Any) -> Cadence | None:
    """`12 months`, `1 year`, `2 weeks`, `90 days` -> Cadence; None for anything else."""
    if not isinstance(text, str):
        return None
    match = _CADENCE.match(text.strip())
    return Cadence(int(match.group(1)), match.group(2)) if match else None


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later, keeping the day of the month or the month's last day when it
    has fewer: Jan 31 + 1 month is Feb 28 (Feb 29 in a leap year), Feb 29 + 1 year Feb 28."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


# --- settings -----------------------------------------------------------------------------

DEFAULT_CADENCE: Mapping[str, Cadence] = {
    "runbook": Cadence(12, "month"),
    "procedure": Cadence(12, "month"),
}
DEFAULT_DUE_SOON_DAYS = 30
DEFAULT_GRACE_BUSINESS_DAYS = 10
DEFAULT_TRIGGER_SEVERITIES = SEVERITIES[:2]
_KEYS = (
    "cadence",
    "due_soon_days",
    "grace_business_days",
    "trigger_severities",
    "waivers",
)
_WAIVER_KEYS = ("document", "rule", "reason", "approver", "expires")


@dataclass(frozen=True)
class Waiver:
    """A time-boxed exception: until `expires` (inclusive), `rule` on `document` is a warning."""

    document: str
    expires: dt.date
    rule: str
    reason: str
    approver: str
    index: int = 0
    """Position in `review.waivers`, so a finding can point at the entry in the config."""

    def active(self, today: dt.date) -> bool:
        return today <= self.expires

    def as_dict(self, today: dt.date) -> dict[str, Any]:
        return {
            "document": self.document,
            "rule": self.rule,
            "reason": self.reason,
            "approver": self.approver,
            "expires": self.expires.isoformat(),
            "active": self.active(today),
        }


@dataclass(frozen=True)
class ReviewSettings:
    """The `review:` plugin option: which types are reviewed, how often, and the exceptions."""

    cadence: Mapping[str, Cadence] = field(default_factory=lambda: dict(DEFAULT_CADENCE))
    """Reviewable document type -> its default cadence (`review_every` overrides it)."""
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS
    grace_business_days: int = DEFAULT_GRACE_BUSINESS_DAYS
    trigger_severities: tuple[str, ...] = DEFAULT_TRIGGER_SEVERITIES
    holidays: str | None = None
    """Country (ISO 3166, `GB`, `US-CA`) whose public holidays are not business days."""
    waivers: tuple[Waiver, ...] = ()


def parse_settings(
    value: Any,
    errors: list[str],
    holidays: str | None = None,
    scale: tuple[str, ...] = SEVERITIES,
    waivable: Collection[str] = WAIVABLE,
) -> ReviewSettings:
    """Check the `review:` option; each problem is appended to `errors`, naming the option.
    `holidays` is the plugin's one holiday country, checked by the caller; `scale` is the
    incidents' severity scale, most severe first (its two first levels trigger by default)."""
    default = ReviewSettings(holidays=holidays, trigger_severities=scale[:2])
    if value is None:
        return default
    if not isinstance(value, Mapping):
        errors.append(f"{OPTION}: expected a mapping with keys {', '.join(_KEYS)}")
        return default
    errors += unknown_options(f"{OPTION}: ", value, _KEYS)
    return ReviewSettings(
        cadence=_cadences(value.get("cadence"), errors),
        due_soon_days=_days(value, "due_soon_days", DEFAULT_DUE_SOON_DAYS, errors),
        grace_business_days=_days(
            value, "grace_business_days", DEFAULT_GRACE_BUSINESS_DAYS, errors
        ),
        trigger_severities=_severities(value.get("trigger_severities"), errors, scale),
        holidays=holidays,
        waivers=tuple(_waivers(value.get("waivers"), errors, waivable or WAIVABLE)),
    )


def _cadences(value: Any, errors: list[str]) -> dict[str, Cadence]:
    """The defaults, with the configured types added or replaced (`null` stops reviewing)."""
    result = dict(DEFAULT_CADENCE)
    if value is None:
        return result
    if not isinstance(value, Mapping):
        errors.append(f"{OPTION}: cadence: expected a mapping of document type -> '12 months'")
        return result
    for doc_type, text in value.items():
        if text is None:
            result.pop(str(doc_type), None)
            continue
        cadence = parse_cadence(text)
        if cadence is None:
            errors.append(
                f"{OPTION}: cadence: {doc_type}: {text!r} is not a cadence; "
                "write a number and a unit, e.g. '12 months' or '2 weeks'"
            )
            continue
        result[str(doc_type)] = cadence
    return result


def _days(value: Mapping[str, Any], key: str, default: int, errors: list[str]) -> int:
    days = value.get(key, default)
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 3660:
        errors.append(f"{OPTION}: {key}: expected a number of days from 0 to 3660, got {days!r}")
        return default
    return days


def _severities(value: Any, errors: list[str], scale: tuple[str, ...]) -> tuple[str, ...]:
    if value is None:
        return scale[:2]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        errors.append(
            f"{OPTION}: trigger_severities: expected a list such as [{', '.join(scale[:2])}]"
        )
        return scale[:2]
    unknown = [v for v in value if v not in scale]
    for level in unknown:
        errors.append(
            f"{OPTION}: trigger_severities: {level!r} is not one of {', '.join(scale)} "
            "(the incidents: severities scale)"
        )
    return tuple(v for v in value if v in scale)


def _waivers(value: Any, errors: list[str], waivable: Collection[str]) -> Iterable[Waiver]:
    if value is None:
        return
    if not isinstance(value, list):
        errors.append(f"{OPTION}: waivers: expected a list of {{{', '.join(_WAIVER_KEYS)}}}")
        return
    for index, entry in enumerate(value):
        where = f"{OPTION}: waivers[{index}]"
        if not isinstance(entry, Mapping):
            errors.append(f"{where}: expected a mapping with {', '.join(_WAIVER_KEYS)}")
            continue
        unknown = unknown_options(f"{where}: ", entry, _WAIVER_KEYS)
        errors += unknown
        problems = [f"{key} is missing" for key in _WAIVER_KEYS if not entry.get(key)]
        rule = entry.get("rule")
        if rule and rule not in waivable:
            problems.append(
                f"rule {rule!r} cannot be waived; use a rule `evidence-kit rules` marks "
                "waivable, such as review-overdue or review-required"
            )
        expires = as_date(entry.get("expires"))
        if entry.get("expires") and expires is None:
            problems.append(f"expires {entry.get('expires')!r} is not a date; write YYYY-MM-DD")
        if problems or expires is None or unknown:
            if problems:
                errors.append(f"{where}: {'; '.join(problems)}")
            continue
        yield Waiver(
            document=str(entry["document"]).strip().lstrip("/"),
            rule=str(rule),
            reason=str(entry["reason"]),
            approver=str(entry["approver"]),
            expires=expires,
            index=index,
        )
