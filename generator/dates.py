"""Dates as readers see them. English names, not the machine's locale, so output is the
same on every machine; and plain formatting, because strftime is slow at archive scale."""

from __future__ import annotations

import datetime as dt

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(value: dt.date) -> str:
    """11 September 2023"""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def month_label(year: int, month: int) -> str:
    """September 2023"""
    return f"{MONTHS[month - 1]} {year}"


def midnight_utc(value: dt.date) -> str:
    """RFC 3339 date-time for a date: articles carry no time of day, so midnight UTC."""
    return f"{value.isoformat()}T00:00:00Z"
