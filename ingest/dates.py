"""Dates written in text: an article's publication date from its header lines, dateline or
file name, and the calendar date a phrase such as "August 24", "on Monday" or "in March 2023"
stands for.

Dates are ISO strings of the precision the text gives: "2024-08-24", "2023-03" or "2023"; they
sort in time order as strings (a month sorts before the days in it).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
_WEEKDAY = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs?)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?"
# A full written date: "Oct. 26, 2021", "26 October 2021", "2021-10-26", "Tuesday, Oct. 26, 2021".
FULL_DATE = re.compile(
    rf"(?:{_WEEKDAY},?\s+)?(?:(?P<m1>{MONTH})\s+(?P<d1>{_DAY}),?\s+(?P<y1>{_YEAR})"
    rf"|(?P<d2>{_DAY})\s+(?P<m2>{MONTH}),?\s+(?P<y2>{_YEAR})"
    r"|(?P<y3>(?:19|20)\d{2})-(?P<m3>0[1-9]|1[0-2])-(?P<d3>[012]\d|3[01]))(?![\d])",
    re.IGNORECASE,
)


def month_number(word: str) -> int | None:
    """1..12 for a month name or its abbreviation ("Sept."), else None."""
    w = word.lower().rstrip(".")
    return _MONTHS.get(w[:4] if w.startswith("sept") else w[:3]) if len(w) >= 3 else None


def _ymd(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _full(m: re.Match[str]) -> str | None:
    if m.group("y3"):
        return _ymd(int(m.group("y3")), int(m.group("m3")), int(m.group("d3")))
    month = month_number(m.group("m1") or m.group("m2")) or 0
    day = int(re.sub(r"\D", "", m.group("d1") or m.group("d2")))
    return _ymd(int(m.group("y1") or m.group("y2")), month, day)


def first_full_date(text: str) -> str | None:
    """The first complete date (day, month and year) written in `text`, as YYYY-MM-DD."""
    for m in FULL_DATE.finditer(text):
        if found := _full(m):
            return found
    return None


# --- publication dates ---------------------------------------------------------------------

# A wire-style dateline: a place in capitals (optionally ", State" or "(Agency)"), the date,
# then a dash: "WASHINGTON, Oct. 26, 2021 —", "SEOUL, South Korea, 26 October 2021 --".
_DATELINE = re.compile(
    rf"^\s*[A-Z][A-Z .'’-]{{1,40}}(?:,\s*[A-Z][A-Za-z .]{{1,30}})?(?:\s*\([^)\n]{{1,60}}\))?"
    rf",?\s+(?P<date>{FULL_DATE.pattern})\s*(?:[—–]|--?)",
    re.IGNORECASE,
)
_HEAD_CHARS = 2000
_HEAD_LINES = 15
# A line of its own that gives the date near the top ("Admin | May 2, 2025", "June 10, 2023
# Contact: ...", "Thursday, November 13, 2014"): short, the date near its start, no sentence.
_DATE_LINE_MAX = 80
_DATE_LINE_LEAD = 25


def dateline_date(text: str) -> str | None:
    """The publication date given at the top of a plain text: a dateline ("WASHINGTON, Oct.
    26, 2021 —") or a short line of its own that starts with the date; else None."""
    lines = [line.strip() for line in text[:_HEAD_CHARS].splitlines() if line.strip()]
    for line in lines[:_HEAD_LINES]:
        if (m := _DATELINE.match(line)) and (found := first_full_date(m.group("date"))):
            return found
        if len(line) > _DATE_LINE_MAX or line.endswith("."):
            continue
        m2 = FULL_DATE.search(line)
        if m2 and m2.start() <= _DATE_LINE_LEAD and (found := _full(m2)):
            return found
    return None


_NAME_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)"
)


def file_name_date(name: str) -> str | None:
    """A date written in a file name: 2014_11_13_title.txt, 20230216-title.md, report-2021-10-26.txt."""
    m = _NAME_DATE.search(name)
    return _ymd(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


# --- dates of events -----------------------------------------------------------------------

# Words around a date that narrow or soften it but do not move it.
_HEDGES = re.compile(
    r"^(?:(?:as\s+)?(?:early|earlier|late|later|mid|the\s+(?:end|beginning|start|middle)\s+of)"
    r"[\s-]+)+|^(?:on|in|the)\s+",
    re.IGNORECASE,
)
_PART_OF_DAY = re.compile(r"\s+(?:morning|afternoon|evening|night)$", re.IGNORECASE)
_MONTH_DAY = re.compile(rf"^(?:{_WEEKDAY},?\s+)?({MONTH})\s+({_DAY})$", re.IGNORECASE)
_DAY_MONTH = re.compile(rf"^({_DAY})\s+(?:of\s+)?({MONTH})$", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"^({MONTH}),?\s+(?:of\s+)?({_YEAR})$", re.IGNORECASE)
_MONTH_ALONE = re.compile(rf"^(?:this\s+|last\s+)?({MONTH})$", re.IGNORECASE)
_YEAR_ALONE = re.compile(rf"^({_YEAR})$")
_WEEKDAY_ALONE = re.compile(rf"^(?:last\s+|this\s+(?:past\s+)?)?({_WEEKDAY})$", re.IGNORECASE)
_RELATIVE: dict[str, int | str] = {
    "today": 0, "yesterday": -1, "this year": "year0", "last year": "year-1",
    "this month": "month0", "earlier this month": "month0", "last month": "month-1",
    "earlier this year": "year0",
}  # fmt: skip
# A day-month date without a year lies at most this far after the publication date (a trial
# "on March 3" announced in February); further ahead, it is last year's.
_AHEAD = timedelta(days=60)


def resolve_date(phrase: str, published: str | None) -> str | None:
    """The date a DATE phrase stands for, at the precision it gives, or None when it gives
    none (durations, ages, vague times) or needs the publication date and there is none.

    resolve_date("August 24", "2024-09-02") == "2024-08-24"
    resolve_date("Monday", "2024-09-05") == "2024-09-02"
    resolve_date("March 2023", None) == "2023-03"
    """
    text = " ".join(phrase.replace("’", "'").split()).strip(" ,.")
    if (whole := FULL_DATE.fullmatch(text)) is not None:
        return _full(whole)
    anchor = _anchor(published)
    text = _PART_OF_DAY.sub("", _HEDGES.sub("", text)).strip(" ,")
    relative = _RELATIVE.get(text.lower())
    if relative is not None:
        return _relative(relative, anchor) if anchor else None
    if m := _MONTH_YEAR.match(text):
        return f"{int(m.group(2)):04d}-{month_number(m.group(1)):02d}"
    if m := _YEAR_ALONE.match(text):
        return m.group(1)
    if anchor is None:
        return None
    if m := _MONTH_DAY.match(text):
        return _near(anchor, month_number(m.group(1)) or 0, int(re.sub(r"\D", "", m.group(2))))
    if m := _DAY_MONTH.match(text):
        return _near(anchor, month_number(m.group(2)) or 0, int(re.sub(r"\D", "", m.group(1))))
    if m := _WEEKDAY_ALONE.match(text):
        wanted = _weekday(m.group(1))
        back = (anchor.weekday() - wanted) % 7 if wanted is not None else None
        return (anchor - timedelta(days=back)).isoformat() if back is not None else None
    if m := _MONTH_ALONE.match(text):
        month = month_number(m.group(1)) or 0
        year = anchor.year - (month > anchor.month)
        return f"{year:04d}-{month:02d}"
    return None


def _anchor(published: str | None) -> date | None:
    try:
        return date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None


def _relative(kind: int | str, anchor: date) -> str:
    if isinstance(kind, int):
        return (anchor + timedelta(days=kind)).isoformat()
    if kind.startswith("year"):
        return f"{anchor.year + int(kind[4:]):04d}"
    months = anchor.year * 12 + anchor.month - 1 + int(kind[5:])
    return f"{months // 12:04d}-{months % 12 + 1:02d}"


def _near(anchor: date, month: int, day: int) -> str | None:
    for year in (anchor.year, anchor.year - 1):
        try:
            d = date(year, month, day)
        except ValueError:
            return None
        if d <= anchor + _AHEAD:
            return d.isoformat()
    return None


def _weekday(word: str) -> int | None:
    w = word.lower().rstrip(".")[:3]
    return next((i for i, name in enumerate(_WEEKDAYS) if name.startswith(w)), None)
