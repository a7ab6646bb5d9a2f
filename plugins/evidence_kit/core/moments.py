"""Instants and spans as evidence files write them and as pages and findings show them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

UTC = dt.timezone.utc
# fromisoformat alone also takes week dates and `20260101`, which evidence never writes.
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def moment(value: Any) -> dt.datetime | None:
    """An ISO 8601 date-time with its offset, or None when `value` is not one."""
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace(" ", "T"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def as_date(value: Any) -> dt.date | None:
    """A calendar date written YYYY-MM-DD (a string, or a date YAML already read), or None:
    the one date parser of front matter, data and config. A date-time is not a date."""
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value.strip()):
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def start_of(today: dt.date) -> dt.datetime:
    """Midnight UTC at the start of `today`: where the clock's day begins."""
    return dt.datetime.combine(today, dt.time(), tzinfo=UTC)


def utc(when: dt.datetime) -> str:
    """`2026-03-02 14:05 UTC` (seconds shown only when there are any)."""
    shown = when.astimezone(UTC)
    return shown.strftime("%Y-%m-%d %H:%M:%S UTC" if shown.second else "%Y-%m-%d %H:%M UTC")


def duration(seconds: float) -> str:
    """`45 min`, `2 h`, `1 h 15 min`, `5 min 1 s`, `14 days`: the units a reader expects."""
    total = round(seconds)
    sign = "-" if total < 0 else ""
    days, rest = divmod(abs(total), 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' * (days != 1)}")
    if hours:
        parts.append(f"{hours} h")
    if minutes:
        parts.append(f"{minutes} min")
    if secs:
        parts.append(f"{secs} s")
    return sign + (" ".join(parts) if parts else "0 min")
