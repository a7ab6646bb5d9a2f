"""Business days: weekends and a country's public holidays are not counted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Iterable
from functools import lru_cache

NoHolidays: frozenset[dt.date] = frozenset()


class UnknownCountry(ValueError):
    """The configured holiday country is not known to the holidays library."""


@lru_cache(maxsize=32)
def holidays_for(country: str | None, years: tuple[int, ...]) -> frozenset[dt.date]:
    """Public holidays of `country` (ISO 3166 code, `GB` or `US-CA`) in `years`."""
    if not country:
        return NoHolidays
    # Imported here, not above: the library's calendars take megabytes that a build (whose
    # pipeline runs in a child process, `core.isolated`) should not keep for its length.
    import holidays as _holidays

    code, _, subdivision = country.partition("-")
    try:
        found = _holidays.country_holidays(code, subdiv=subdivision or None, years=years)
    except NotImplementedError:
        raise UnknownCountry(f"{country!r} is not a country the holidays library knows") from None
    return frozenset(found)


def country(value: object) -> str | None:
    """`value` checked as a holiday country code (None for none); raises UnknownCountry."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise UnknownCountry(f"{value!r} is not a country code")
    holidays_for(value, (2000,))
    return value


def years_around(days: Iterable[dt.date], margin: int = 1) -> tuple[int, ...]:
    """The years of `days`, widened by `margin` so holiday look-ups cover spans."""
    years = {d.year for d in days}
    if not years:
        return ()
    return tuple(range(min(years) - margin, max(years) + margin + 1))


def is_business_day(day: dt.date, holidays: Container[dt.date] = NoHolidays) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_business_days(
    start: dt.date, count: int, holidays: Container[dt.date] = NoHolidays
) -> dt.date:
    """The day `count` business days after `start` (start itself not counted)."""
    day = start
    remaining = count
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_business_day(day, holidays):
            remaining -= 1
    return day


def business_days_between(
    start: dt.date, end: dt.date, holidays: Container[dt.date] = NoHolidays
) -> int:
    """Business days after `start` up to and including `end` (negative when end is before)."""
    if end < start:
        return -business_days_between(end, start, holidays)
    # Whole weeks count five days each, so long spans cost no more than short ones.
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    day = start + dt.timedelta(days=weeks * 7)
    for _ in range(rest):
        day += dt.timedelta(days=1)
        count += day.weekday() < 5
    if holidays:
        count -= sum(
            1
            for offset in range(1, days + 1)
            if (d := start + dt.timedelta(days=offset)) in holidays and d.weekday() < 5
        )
    return count
