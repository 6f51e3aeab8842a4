"""A small archive built in code, shared by the model and page-planning tests."""

from __future__ import annotations

import datetime
from pathlib import Path

from generator.actors import Actor, ActorType
from generator.content import Article, Quote

AUG_30 = datetime.date(2023, 8, 30)
SEP_11 = datetime.date(2023, 9, 11)
JAN_05 = datetime.date(2024, 1, 5)

KIM = Actor(id="kim-jong-un", name="Kim Jong Un", type=ActorType.PERSON, country="north-korea")
NORTH_KOREA = Actor(id="north-korea", name="North Korea", type=ActorType.COUNTRY)
RUSSIA = Actor(id="russia", name="Russia", type=ActorType.COUNTRY)
ACTORS = (RUSSIA, KIM, NORTH_KOREA)

KIM_QUOTE = Quote(text="We will stand with Russia.", speaker="kim-jong-un", verb="said")
UNKNOWN_QUOTE = Quote(text="Nobody expected this meeting.", speaker_name="Jane Roe")


def article(slug: str, title: str, date: datetime.date, **fields: object) -> Article:
    return Article(
        path=Path(f"content/articles/{date:%Y/%m}/{slug}.md"),
        slug=slug,
        title=title,
        date=date,
        body=f"The text of {title}.",
        body_line=5,
        **fields,  # type: ignore[arg-type]
    )
