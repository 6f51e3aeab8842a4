"""Small charts drawn at build time as plain geometry, for inline SVG in templates."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from generator.dates import MONTHS, month_label
from generator.plan.model import MonthCount


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # "September 2023: 3 articles"


@dataclass(frozen=True, slots=True)
class EventRow:
    """Events per month on the same months as the mentions above it."""

    height: int
    bars: tuple[Bar, ...]  # only the months with events
    peak: int
    total: int
    first: str  # the label under the left end, as the mentions' row
    last: str  # the label under the right end

    @property
    def description(self) -> str:
        return (
            f"Events per month from {self.first} to {self.last}: "
            f"{self.total} in all; at most {self.peak}."
        )


@dataclass(frozen=True, slots=True)
class Timeline:
    width: int
    height: int
    bars: tuple[Bar, ...]
    first: str  # label under the left end
    last: str  # label under the right end
    peak: int  # the largest monthly count
    events: EventRow | None = None  # the events they take part in, when there are any

    @property
    def description(self) -> str:
        return f"Articles per month from {self.first} to {self.last}; at most {self.peak}."


def timeline(
    months: Sequence[MonthCount],
    *,
    events: Sequence[tuple[int, int]] = (),
    width: int = 640,
    height: int = 96,
    event_height: int = 48,
) -> Timeline | None:
    """A bar per month, scaled to the busiest month. None when there is nothing to draw.

    events: the (year, month) of each event the actor takes part in, drawn as a second
    row on the same months, scaled to its own busiest month: events are far fewer than
    mentions, and on the mentions' scale most would be too small to see."""
    if not months:
        return None
    slot = width / len(months)
    bars = _bars(months, slot, height, "article", "articles")
    first_label, last_label = _short_month(months[0]), _short_month(months[-1])
    return Timeline(
        width=width,
        height=height,
        bars=tuple(bar for bar, _ in bars),
        first=first_label,
        last=last_label,
        peak=max(month.count for month in months) or 1,
        events=_event_row(months, events, slot, event_height, first_label, last_label),
    )


def _short_month(month: MonthCount) -> str:
    """Sep 2023"""
    return f"{MONTHS[month.month - 1][:3]} {month.year}"


def _bars(
    months: Sequence[MonthCount], slot: float, height: int, one: str, many: str
) -> list[tuple[Bar, int]]:
    peak = max(month.count for month in months) or 1
    gap = min(2.0, slot / 4)
    bars = []
    for index, month in enumerate(months):
        bar_height = round(height * month.count / peak, 2)
        noun = one if month.count == 1 else many
        bars.append(
            (
                Bar(
                    x=round(index * slot + gap / 2, 2),
                    y=round(height - bar_height, 2),
                    width=round(slot - gap, 2),
                    height=bar_height,
                    label=f"{month_label(month.year, month.month)}: {month.count} {noun}",
                ),
                month.count,
            )
        )
    return bars


def _event_row(
    months: Sequence[MonthCount],
    events: Sequence[tuple[int, int]],
    slot: float,
    height: int,
    first: str,
    last: str,
) -> EventRow | None:
    if not events:
        return None
    counts = Counter(events)
    on_months = [MonthCount(m.year, m.month, counts.get((m.year, m.month), 0)) for m in months]
    # Every event is in an article that mentions the actor (its subject and object are
    # among the article's actors), so each month with events is one of the months above.
    peak = max(m.count for m in on_months)
    return EventRow(
        height=height,
        bars=tuple(
            bar for bar, count in _bars(on_months, slot, height, "event", "events") if count
        ),
        peak=peak,
        total=len(events),
        first=first,
        last=last,
    )
