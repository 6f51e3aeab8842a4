"""An actor's events by month beside their mentions, and "On this day" on the home page."""

from __future__ import annotations

import datetime

from generator.content.types import Event
from generator.plan.charts import timeline
from generator.plan.contexts import ActorPage, EditionSummary, HomePage
from generator.plan.model import MonthCount, build_site
from generator.plan.pages import ON_THIS_DAY_SHOWN, plan_pages
from tests.support.sample_archive import ACTORS, article

MONTHS = (MonthCount(2023, 8, 2), MonthCount(2023, 9, 0), MonthCount(2023, 10, 4))


def test_events_are_a_second_row_on_the_same_months() -> None:
    chart = timeline(MONTHS, events=((2023, 8), (2023, 10), (2023, 10), (2023, 10)))
    assert chart is not None and chart.events is not None
    row = chart.events
    assert (row.total, row.peak) == (4, 3)
    assert [bar.label for bar in row.bars] == ["August 2023: 1 event", "October 2023: 3 events"]
    # The same slot as the month's mention bar, so the rows line up.
    assert [bar.x for bar in row.bars] == [chart.bars[0].x, chart.bars[2].x]
    assert row.bars[1].height == row.height  # the busiest month fills the row
    assert "4 in all" in row.description and "Aug 2023" in row.description


def test_no_events_no_second_row() -> None:
    chart = timeline(MONTHS)
    assert chart is not None and chart.events is None


def plan(articles, **options):
    site = build_site(articles, ACTORS)
    pages = plan_pages(
        site, body_keys={a.path: "" for a in articles}, page_size=10, home_editions=3, **options
    )
    return {page.path: page for page in pages}


def test_actor_page_timeline_counts_events_as_subject_and_object_once_each() -> None:
    events = (
        Event(subject="russia", object="north-korea", action="meets"),
        Event(subject="north-korea", object="russia", action="answers"),
        Event(subject="russia", object="russia", action="reorganises"),
    )
    pages = plan(
        (
            article("a", "A", datetime.date(2023, 8, 1), actors=("russia",), events=events),
            article("b", "B", datetime.date(2023, 10, 1), actors=("russia",)),
        )
    )
    context = pages["actors/russia/"].context
    assert isinstance(context, ActorPage) and context.timeline is not None
    assert context.timeline.events is not None
    assert context.timeline.events.total == 3
    assert [bar.label for bar in context.timeline.events.bars] == ["August 2023: 3 events"]
    north_korea = pages["actors/north-korea/"].context
    assert isinstance(north_korea, ActorPage) and north_korea.timeline is not None
    assert north_korea.timeline.events is not None
    assert north_korea.timeline.events.total == 2


def home(articles) -> HomePage:
    context = plan(articles)[""].context
    assert isinstance(context, HomePage)
    return context


def test_on_this_day_shows_the_newest_days_month_and_day_in_earlier_years() -> None:
    newest = article("new", "New", datetime.date(2024, 3, 1))
    same_2023 = article("y23", "Y23", datetime.date(2023, 3, 1))
    same_2021 = article("y21", "Y21", datetime.date(2021, 3, 1))
    other_day = article("other", "Other", datetime.date(2023, 3, 2))
    on_this_day = home((other_day, same_2021, newest, same_2023)).on_this_day
    assert on_this_day is not None
    assert on_this_day.day == datetime.date(2024, 3, 1)
    assert on_this_day.label == "1 March"
    assert [s.title for s in on_this_day.articles] == ["Y23", "Y21"]
    assert on_this_day.editions == (
        EditionSummary(datetime.date(2023, 3, 1), 1),
        EditionSummary(datetime.date(2021, 3, 1), 1),
    )


def test_no_earlier_year_on_the_same_day_no_section() -> None:
    assert home((article("new", "New", datetime.date(2024, 3, 1)),)).on_this_day is None
    assert home(()).on_this_day is None
    # The newest day's own other articles are the latest edition, not "on this day".
    same_day = (
        article("a", "A", datetime.date(2024, 3, 1)),
        article("b", "B", datetime.date(2024, 3, 1)),
    )
    assert home(same_day).on_this_day is None


def test_on_this_day_shows_a_few_and_counts_them_all() -> None:
    earlier = tuple(
        article(f"y{year}-{n}", f"Y{year} {n}", datetime.date(year, 3, 1))
        for year in range(2010, 2024)
        for n in range(2)
    )
    on_this_day = home((article("new", "New", datetime.date(2024, 3, 1)), *earlier)).on_this_day
    assert on_this_day is not None
    assert len(on_this_day.articles) == ON_THIS_DAY_SHOWN
    assert ON_THIS_DAY_SHOWN == 10  # the README's "up to ten"
    assert on_this_day.articles[0].date.year == 2023
    assert on_this_day.total == 28 and len(on_this_day.editions) == 14
