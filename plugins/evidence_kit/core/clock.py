"""The one clock: every date rule asks here what today is."""

from __future__ import annotations

import datetime as dt
import os

ENV_VAR = "EVIDENCE_TODAY"


class ClockError(ValueError):
    """`--today` or EVIDENCE_TODAY is not an ISO date."""


def today(override: str | None = None) -> dt.date:
    """`override` (from `--today`), else EVIDENCE_TODAY, else the real date."""
    value = override or os.environ.get(ENV_VAR)
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        source = "--today" if override else ENV_VAR
        raise ClockError(f"{source}={value!r} is not a date; write YYYY-MM-DD") from None
