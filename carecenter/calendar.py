"""Calendar facts the rules need: Spring Festival dates and month arithmetic."""

from __future__ import annotations

from datetime import date

# 春节 (first day of the lunar year). Outside the table, early February is close enough
# for the carry-over rule, which only needs to know which festival year a day falls in.
SPRING_FESTIVAL: dict[int, date] = {
    y: date(y, m, d)
    for y, m, d in (
        (2000, 2, 5), (2001, 1, 24), (2002, 2, 12), (2003, 2, 1), (2004, 1, 22),
        (2005, 2, 9), (2006, 1, 29), (2007, 2, 18), (2008, 2, 7), (2009, 1, 26),
        (2010, 2, 14), (2011, 2, 3), (2012, 1, 23), (2013, 2, 10), (2014, 1, 31),
        (2015, 2, 19), (2016, 2, 8), (2017, 1, 28), (2018, 2, 16), (2019, 2, 5),
        (2020, 1, 25), (2021, 2, 12), (2022, 2, 1), (2023, 1, 22), (2024, 2, 10),
        (2025, 1, 29), (2026, 2, 17), (2027, 2, 6), (2028, 1, 26), (2029, 2, 13),
        (2030, 2, 3), (2031, 1, 23), (2032, 2, 11), (2033, 1, 31), (2034, 2, 19),
        (2035, 2, 8), (2036, 1, 28), (2037, 2, 15), (2038, 2, 4), (2039, 1, 24),
        (2040, 2, 12),
    )
}


def spring_festival(year: int) -> date:
    return SPRING_FESTIVAL.get(year, date(year, 2, 1))


def festival_year_start(day: date) -> date:
    """The Spring Festival that opened the festival year ``day`` lies in."""
    this_year = spring_festival(day.year)
    return this_year if day >= this_year else spring_festival(day.year - 1)


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later; the 31st becomes the month's last day where needed."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
