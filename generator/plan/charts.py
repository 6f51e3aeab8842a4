"""Small charts drawn at build time as plain geometry, for inline SVG in templates."""

from __future__ import annotations

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
class Timeline:
    width: int
    height: int
    bars: tuple[Bar, ...]
    first: str  # label under the left end
    last: str  # label under the right end
    peak: int  # the largest monthly count

    @property
    def description(self) -> str:
        return f"Articles per month from {self.first} to {self.last}; at most {self.peak}."


def timeline(
    months: Sequence[MonthCount], *, width: int = 640, height: int = 96
) -> Timeline | None:
    """A bar per month, scaled to the busiest month. None when there is nothing to draw."""
    if not months:
        return None
    peak = max(month.count for month in months) or 1
    slot = width / len(months)
    gap = min(2.0, slot / 4)
    bars = []
    for index, month in enumerate(months):
        bar_height = round(height * month.count / peak, 2)
        noun = "article" if month.count == 1 else "articles"
        bars.append(
            Bar(
                x=round(index * slot + gap / 2, 2),
                y=round(height - bar_height, 2),
                width=round(slot - gap, 2),
                height=bar_height,
                label=f"{month_label(month.year, month.month)}: {month.count} {noun}",
            )
        )
    first, last = months[0], months[-1]
    return Timeline(
        width=width,
        height=height,
        bars=tuple(bars),
        first=f"{MONTHS[first.month - 1][:3]} {first.year}",
        last=f"{MONTHS[last.month - 1][:3]} {last.year}",
        peak=peak,
    )
