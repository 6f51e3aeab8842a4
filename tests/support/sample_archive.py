"""A small archive built in code, shared by the unit tests, and the repository's own
content built by the real command line."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

from generator.cli import main
from generator.content.actors import Actor, ActorType
from generator.content.types import Article, Quote
from tests.support import REPO

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


def build_repo_content(root: Path, *build_args: str) -> Path:
    """The repository's content/, templates/ and site.yaml, copied to root and built by the
    real command line with build_args; returns the built site folder."""
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copy2(REPO / "site.yaml", root / "site.yaml")
    assert main(["--root", str(root), "build", *build_args]) == 0, "build failed"
    return root / "site"
