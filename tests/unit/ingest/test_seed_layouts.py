"""Seed layouts real outlets print: datelines with agency and date, standfirst or lede,
trailers and credits, dates with weekday, time and zone, bylines with places and outlets.
The texts are written for these tests, in the shape of each outlet's pages."""

from __future__ import annotations

import datetime
import time

import pytest

from generator.errors import SeedError
from generator.ingest.seedtext import Dateline, SeedArticle, parse_seed, split_dateline
from generator.sources import DEFAULT_SOURCES, normalise_source

NBSP = "\xa0"
BODY = ("Second paragraph of the story.", "Third paragraph of the story.")


def seed(
    *blocks: str, source: str = "Example Gazette", date: str = "Sep 18th, 2023", by: str = ""
) -> str:
    byline = f"Published in {source}, on {date}, By {by}"
    return "\n\n".join(["A headline", byline, *blocks]) + "\n"


def parse(*blocks: str, **byline: str) -> SeedArticle:
    return parse_seed(seed(*blocks, **byline), name="layout.txt")


# Datelines: the place, the agency, and no date


@pytest.mark.parametrize(
    ("paragraph", "place", "agency"),
    [
        ("MOSCOW, April 21 (Reuters) - Text.", "MOSCOW", "Reuters"),
        ("SEOUL, Sept. 18 (Yonhap) -- Text.", "SEOUL", "Yonhap"),
        ("VIENNA, Sept 18 (Reuters) - Text.", "VIENNA", "Reuters"),
        ("LONDON, 18 September 2023 (AFP) - Text.", "LONDON", "AFP"),
        ("TOKYO, Sept. 18, 2023 (Kyodo) -- Text.", "TOKYO", "Kyodo"),
        ("DUBAI, United Arab Emirates (AP) — Text.", "DUBAI, United Arab Emirates", "AP"),
        ("UNITED NATIONS (AP) — Text.", "UNITED NATIONS", "AP"),
        ("WASHINGTON -- Text.", "WASHINGTON", None),
        ("NEW DELHI: Text.", "NEW DELHI", None),
        ("MUMBAI, India: Text.", "MUMBAI, India", None),
        ("Kyiv – Text.", "Kyiv", None),
        ("Kyiv — Ukraine’s army said it advanced.", "Kyiv", None),
        ("Tel Aviv – 12 people were hurt.", "Tel Aviv", None),
        ("Gaza City - “We have nothing,” she said.", "Gaza City", None),
        (f"BEIRUT (AP) —{NBSP}Text.", "BEIRUT", "AP"),
        ("ST. PETERSBURG, Russia (AP) — Text.", "ST. PETERSBURG, Russia", "AP"),
        ("(Reuters) - Text.", None, "Reuters"),
    ],
)
def test_dateline_place_and_agency_are_two_facts(
    paragraph: str, place: str | None, agency: str | None
) -> None:
    found, rest = split_dateline(paragraph)
    assert found == Dateline(place, agency)
    assert rest[:1] in {"T", "U", "1", "“"}


@pytest.mark.parametrize(
    "paragraph",
    [
        "He said: “We are ready.”",
        "Officials said: The talks will resume.",
        "The minister added: Nothing is decided.",
        "Biden – who is 80 – said he would run again.",
        "Biden – Ukraine’s closest ally – said he would help.",
        "Joe Biden – The US president – said it again.",
        "NATO – the alliance founded in 1949 – met on Monday.",
        "UPDATE – The story has changed.",
        "Meanwhile – The rain kept falling.",
        "The – odd – word.",
        "Q: What happens next?",
        "WATCH: The moment the bridge fell.",
        "Monday – The first day of talks.",
        "Still, the data – released on Monday – was weak.",
        "Earlier: The talks broke down.",
        "Kyiv: the city where it began.",
    ],
)
def test_sentences_are_not_datelines(paragraph: str) -> None:
    assert split_dateline(paragraph) == (None, paragraph)


def test_dateline_alone_on_the_first_line_of_the_lede() -> None:
    article = parse("SEOUL, Sept. 18 (Yonhap) --\nSouth Korea said on Monday.", *BODY)
    assert (article.dateline, article.agency) == ("SEOUL", "Yonhap")
    assert article.paragraphs[0] == "South Korea said on Monday."


def test_dateline_alone_in_its_own_block() -> None:
    article = parse("SEOUL, Sept. 18 (Yonhap) --", "South Korea said on Monday.", *BODY)
    assert (article.dateline, article.agency) == ("SEOUL", "Yonhap")
    assert article.paragraphs == ("South Korea said on Monday.", *BODY)
    assert article.dek is None


# Standfirst or lede


def test_al_jazeera_standfirst_then_lede_with_dateline() -> None:
    article = parse(
        "Officials say the deal will be signed within weeks as talks resume.",
        "Washington, DC – Talks resumed on Monday.",
        *BODY,
        source="Al Jazeera",
    )
    assert article.dek == "Officials say the deal will be signed within weeks as talks resume."
    assert article.dateline == "Washington, DC"
    assert article.paragraphs[0] == "Talks resumed on Monday."


def test_guardian_standfirst_then_lede_without_dateline() -> None:
    article = parse(
        "Minister admits errors as opposition parties call for an inquiry.",
        "The health minister has admitted that mistakes were made.",
        *BODY,
        source="The Guardian",
    )
    assert article.dek == "Minister admits errors as opposition parties call for an inquiry."
    assert article.paragraphs[0] == "The health minister has admitted that mistakes were made."


def test_standfirst_without_closing_stop_from_an_unknown_outlet() -> None:
    article = parse(
        "Opposition says the plan will cost thousands of jobs",
        "The government unveiled its plan on Monday.",
        *BODY,
        source="Example Gazette",
    )
    assert article.dek == "Opposition says the plan will cost thousands of jobs"
    assert len(article.paragraphs) == 3


@pytest.mark.parametrize("source", ["Reuters", "AP", "Yonhap"])
def test_wire_copy_has_no_dek_and_a_lede_with_dateline(source: str) -> None:
    article = parse("SEOUL (Yonhap) -- The first paragraph.", *BODY, source=source)
    assert article.dek is None
    assert article.paragraphs[0] == "The first paragraph."
    assert len(article.paragraphs) == 3


@pytest.mark.parametrize("source", ["BBC News", "BBC", "Example Gazette"])
def test_one_sentence_lede_without_dateline_is_body_not_dek(source: str) -> None:
    lede = "A man has been charged after a fire destroyed a historic pier."
    article = parse(lede, "Police said the fire started late on Sunday.", *BODY, source=source)
    assert article.dek is None
    assert article.paragraphs[0] == lede
    assert len(article.paragraphs) == 4


def test_bbc_has_no_dek_even_without_a_closing_stop() -> None:
    article = parse("A headline-like first line", *BODY, source="BBC News")
    assert article.dek is None


def test_quoted_speech_is_never_a_standfirst() -> None:
    first = "“We will not give up,” the mayor said on Monday."
    article = parse(first, "Kyiv – The second block.", *BODY, source="Al Jazeera")
    assert article.dek is None
    assert article.paragraphs[0] == first
    assert article.dateline is None


# Trailers and page furniture


@pytest.mark.parametrize(
    "furniture",
    [
        "(END)",
        "(Adds quotes and details)",
        "(Updates with closing prices, paragraph 5)",
        "Our Standards: The Thomson Reuters Trust Principles.",
        "© 2023 Thomson Reuters. All rights reserved.",
        "Copyright 2023 The Associated Press. All rights reserved. This material may not be "
        "published, broadcast, rewritten or redistributed.",
        "Sign up for our weekly newsletter on world news",
        "Follow Ana Lima on X @analima",
        "Follow us on Twitter and Facebook",
        "Related: Oil falls for a third week",
        "Read more: Why the talks failed",
        "READ MORE: What we know so far",
        "Watch: The moment the bridge collapsed",
        "This story has been updated with comments from the ministry.",
        "This is a developing story and will be updated.",
        "Image source, Getty Images",
        "Image caption, Rescue teams at the scene",
        "sjm@yna.co.kr",
        "bur-jm/rsc",
        "To contact the reporter on this story: Ana Lima in Kyiv at alima@example.com",
        "Skip advertisement",
        "Story continues below advertisement",
    ],
)
def test_furniture_is_dropped(furniture: str) -> None:
    article = parse("LONDON (Reuters) - The first paragraph.", furniture, *BODY)
    assert article.paragraphs == ("The first paragraph.", *BODY)
    assert article.credits == ()


@pytest.mark.parametrize(
    ("trailer", "credit"),
    [
        (
            "(Reporting by Ana Lima in Kyiv; Editing by Ben Okafor)",
            "Reporting by Ana Lima in Kyiv; Editing by Ben Okafor",
        ),
        (
            "Reporting by Ana Lima; Writing by Chen Wei",
            "Reporting by Ana Lima; Writing by Chen Wei",
        ),
        (
            "Additional reporting by Omar Haddad in Dubai",
            "Additional reporting by Omar Haddad in Dubai",
        ),
        ("— With assistance from Ana Lima", "With assistance from Ana Lima"),
        (
            "Associated Press writer Ben Okafor in Lagos contributed to this report.",
            "Associated Press writer Ben Okafor in Lagos contributed to this report.",
        ),
        ("Reuters contributed reporting.", "Reuters contributed reporting."),
        ("Editing by Clara Whitfield", "Editing by Clara Whitfield"),
    ],
)
def test_credit_trailers_go_to_credits(trailer: str, credit: str) -> None:
    article = parse("LONDON (Reuters) - The first paragraph.", *BODY, trailer, "(END)")
    assert article.paragraphs == ("The first paragraph.", *BODY)
    assert article.credits == (credit,)


def test_credit_lines_under_the_last_paragraph_are_split_off_in_order() -> None:
    last = "The talks end on Friday.\n(Reporting by Ana Lima)\n(Editing by Ben Okafor)\n(END)"
    article = parse("LONDON (Reuters) - The first paragraph.", *BODY, last)
    assert article.paragraphs[-1] == "The talks end on Friday."
    assert article.credits == ("Reporting by Ana Lima", "Editing by Ben Okafor")


def test_end_mark_at_the_end_of_the_last_paragraph_is_dropped() -> None:
    article = parse("SEOUL (Yonhap) -- The first paragraph.", *BODY, "The talks end soon. (END)")
    assert article.paragraphs[-1] == "The talks end soon."


@pytest.mark.parametrize(
    "sentence",
    [
        "Reporting by the BBC found that the figures were wrong.",
        "Share prices fell after the news.",
        "Follow-up talks are planned for October.",
        "Related talks in Geneva ended without a deal.",
        "Copyright law was changed in 2021 after a long campaign.",
        "Watch the video and you will see the damage.",
        "Sign up numbers rose sharply, officials said.",
        "Russia contributed to the fund last year.",
        "He said he would follow the case on Twitter.",
        "This story has a long history in the town.",
        "Editing by hand took the team three weeks, she said.",
        "The end.",
    ],
)
def test_sentences_using_furniture_words_are_kept(sentence: str) -> None:
    article = parse("LONDON (Reuters) - The first paragraph.", sentence, *BODY)
    assert article.paragraphs == ("The first paragraph.", sentence, *BODY)
    assert article.credits == ()


# Dates


@pytest.mark.parametrize(
    "written",
    [
        "Monday, 18 September 2023 10:31 KST",
        "Sept. 18, 2023 4:05 PM EDT",
        "18 Sep 2023, 10:31 GMT",
        "2023-09-18T10:31:00+09:00",
        "2023-09-18T01:31:00Z",
        "Updated 10:31 AM EDT, Mon September 18, 2023",
        "Published On 18 Sep 2023",
        "Mon 18 Sep 2023 10.31 BST",
        "Sep 18 2023",
        "18/09/2023",
        "09/18/2023",
        "18.09.2023",
        "2023/09/18",
        "September 18, 2023 at 4:05 p.m. ET",
        "18 September 2023 | 10:31 IST",
        "Monday, Sep 18, 2023 · 4:05pm",
        "18 Sep 2023 10:31 (GMT+3)",
    ],
)
def test_dates_with_weekday_time_and_zone_are_read_as_printed(written: str) -> None:
    article = parse("The first paragraph.", date=written, source="Reuters")
    assert article.date == datetime.date(2023, 9, 18)


def test_ambiguous_numeric_date_is_refused_with_a_fix() -> None:
    with pytest.raises(SeedError) as caught:
        parse("The first paragraph.", date="03/04/2023")
    error = caught.value
    assert error.line == 3
    assert "ambiguous" in error.what and "'03/04/2023'" in error.what
    assert error.fix is not None and "month as a word" in error.fix
    assert str(error).startswith("layout.txt:3: ")


@pytest.mark.parametrize(
    "written", ["Sometime in September", "Sept 18, 2023 and a lot of words", "99/99/2023"]
)
def test_unreadable_dates_are_refused(written: str) -> None:
    with pytest.raises(SeedError) as caught:
        parse("The first paragraph.", date=written)
    assert caught.value.line == 3
    assert caught.value.fix


# Bylines


@pytest.mark.parametrize(
    ("written", "authors"),
    [
        ("Ana Lima and Ben Okafor", ("Ana Lima", "Ben Okafor")),
        ("ANA LIMA", ("Ana Lima",)),
        ("ANA LIMA and ZOË O'BRIEN", ("Ana Lima", "Zoë O'Brien")),
        ("Ana Lima in Kyiv", ("Ana Lima",)),
        ("Ana Lima in Kyiv and Ben Okafor in Lagos", ("Ana Lima", "Ben Okafor")),
        ("Ana Lima, BBC News", ("Ana Lima",)),
        ("Ana Lima, BBC News, Seoul", ("Ana Lima",)),
        ("Reuters", ()),
        ("AP", ()),
        ("Ana Lima, Reuters", ("Ana Lima",)),
        ("Al Jazeera and news agencies", ()),
        ("Ana Lima and agencies", ("Ana Lima",)),
        ("Staff and agencies", ()),
        ("Ana Lima; Ben Okafor", ("Ana Lima", "Ben Okafor")),
        ("By Ana Lima", ("Ana Lima",)),
        ("Ana Lima with Ben Okafor", ("Ana Lima", "Ben Okafor")),
    ],
)
def test_authors_are_persons_only(written: str, authors: tuple[str, ...]) -> None:
    assert parse("The first paragraph.", by=written).authors == authors


@pytest.mark.parametrize(
    ("title", "source", "expected"),
    [
        ("UPDATE 2-Oil slides again", "Reuters", "Oil slides again"),
        ("Oil slides again | Reuters", "Reuters", "Oil slides again"),
        ("Oil slides again - BBC News", "BBC News", "Oil slides again"),
        ("Oil slides again - and again", "Reuters", "Oil slides again - and again"),
        ("Why Reuters matters | Opinion", "Reuters", "Why Reuters matters | Opinion"),
    ],
)
def test_wire_labels_and_outlet_suffixes_leave_the_title(
    title: str, source: str, expected: str
) -> None:
    text = seed("The first paragraph.", source=source).replace("A headline", title, 1)
    assert parse_seed(text, name="t.txt").title == expected


def test_bbc_is_the_canonical_name_of_the_bbc() -> None:
    for spelling in ("BBC News", "BBC", "bbc.co.uk", "https://www.bbc.com/news/world"):
        assert normalise_source(spelling, DEFAULT_SOURCES) == "BBC"


# Time: a seed may be one huge paragraph


@pytest.mark.parametrize(
    "unit",
    [
        "Kyiv – Reporting by Ana – said: ",
        "WASHINGTON (AP) -- (Adds) Follow x on X ",
        "Sept. 18, 2023 4:05 PM EDT ",
        "a" * 50 + "\n",
        "(Reporting by Ana Lima in Kyiv)\n",
    ],
)
def test_huge_paragraphs_are_read_in_linear_time(unit: str) -> None:
    small = unit * 20_000
    big = unit * 200_000
    started = time.monotonic()
    parse(small, *BODY)
    small_time = time.monotonic() - started
    started = time.monotonic()
    parse(big, *BODY)
    big_time = time.monotonic() - started
    assert big_time < max(1.0, small_time * 30)
