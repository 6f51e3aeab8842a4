import dataclasses
import datetime
import logging
import time
from pathlib import Path

import pytest

from generator.errors import SeedError
from generator.ingest.seedtext import (
    ARTEFACTS,
    Dateline,
    SeedArticle,
    SeedImage,
    is_artefact,
    parse_seed,
    split_dateline,
)
from generator.sources import DEFAULT_SOURCES, normalise_source
from tests.support import REPO

FIXTURES = REPO / "tests" / "fixtures" / "seeds"
SHIPPED = REPO / "seeds" / "000_fb03fb027bc92a78.txt"
NBSP = "\xa0"


def parse_fixture(name: str) -> SeedArticle:
    return parse_seed((FIXTURES / name).read_text(encoding="utf-8"), name=Path(name).name)


def make_seed(*, byline: str = "Published in Reuters, on Sep 11th, 2023, By Jane Doe") -> str:
    return "\n\n".join(
        [
            "A headline",
            byline,
            "LONDON (Reuters) - The first paragraph.",
            "The second paragraph.",
        ]
    )


@pytest.fixture(scope="module")
def shipped() -> SeedArticle:
    return parse_seed(SHIPPED.read_text(encoding="utf-8"), name=SHIPPED.name)


# The shipped seed


def test_shipped_seed_header_is_read(shipped: SeedArticle) -> None:
    assert shipped.seed_name == "000_fb03fb027bc92a78.txt"
    assert shipped.title == "US threatens sanctions if North Korea sells arms to Russia"
    assert shipped.date == datetime.date(2023, 9, 11)
    assert shipped.source == "AlJazeera"
    assert normalise_source(shipped.source, DEFAULT_SOURCES) == "Al Jazeera"
    assert shipped.authors == ()


def test_shipped_seed_dek_is_the_block_after_the_byline(shipped: SeedArticle) -> None:
    assert shipped.dek is not None
    assert shipped.dek.startswith("Biden administration says Vladimir Putin is ‘begging’")


def test_caption_credit_in_brackets_is_split_off(shipped: SeedArticle) -> None:
    assert shipped.image is not None
    assert shipped.image.caption.startswith("‘I will remind both countries")
    assert shipped.image.caption.endswith("US State Department spokesperson Matthew Miller says")
    assert shipped.image.credit == "File: Nathan Howard/AP photo"


def test_dateline_is_split_from_first_paragraph(shipped: SeedArticle) -> None:
    assert shipped.dateline == "Washington, DC"
    assert shipped.paragraphs[0].startswith("As Russian President Vladimir Putin prepares")


def test_artefact_blocks_are_dropped_from_the_body(shipped: SeedArticle) -> None:
    assert "end of list" not in shipped.paragraphs
    assert "Previous Editions" not in (shipped.title, *shipped.paragraphs)


def test_every_real_body_block_becomes_one_paragraph(shipped: SeedArticle) -> None:
    blocks = [block.strip() for block in SHIPPED.read_text(encoding="utf-8").split("\n\n")]
    after_dek = blocks[blocks.index(shipped.dek) + 1 :]
    real = [block for block in after_dek if block and block != "end of list"]
    assert len(shipped.paragraphs) == len(real) == 18
    assert shipped.paragraphs[1:] == tuple(real[1:])
    assert shipped.paragraphs[-1].endswith("near the Korean Peninsula.")


def test_nbsp_inside_a_paragraph_is_kept(shipped: SeedArticle) -> None:
    assert f"its{NBSP}war in Ukraine." in shipped.paragraphs[0]


def test_seed_article_is_frozen(shipped: SeedArticle) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        shipped.title = "changed"  # type: ignore[misc]
    assert isinstance(shipped.paragraphs, tuple)


# Fixture seeds

VALID = sorted(path.name for path in FIXTURES.glob("*.txt"))


@pytest.mark.parametrize("name", VALID)
def test_paragraph_lines_point_at_the_paragraph_in_the_seed(name: str) -> None:
    article = parse_fixture(name)
    lines = (FIXTURES / name).read_text(encoding="utf-8").split("\n")
    assert len(article.paragraph_lines) == len(article.paragraphs)
    for paragraph, line in zip(article.paragraphs, article.paragraph_lines, strict=True):
        first_line = paragraph.split("\n")[0]
        assert first_line in lines[line - 1]


def test_single_author_with_caption_dek_and_dateline() -> None:
    article = parse_fixture("single_author_nyt.txt")
    assert article.title == "City council approves new tram line after a decade of delays"
    assert article.source == "The New York Times"
    assert article.authors == ("Jane Doe",)
    assert article.image == SeedImage(
        caption="A test tram runs on a new section of track in the city centre",
        credit="Mara Lind/Example Photo Agency",
    )
    assert article.dek == (
        "The vote ends years of argument over cost and route, but opponents say they will appeal."
    )
    assert article.dateline == "RIVERTON, Ore."
    assert article.paragraphs[0].startswith("The city council voted 7 to 2")
    assert "Advertisement" not in article.paragraphs
    assert len(article.paragraphs) == 3


def test_agency_dateline_is_split_from_first_paragraph() -> None:
    article = parse_fixture("two_authors_ap.txt")
    assert (article.dateline, article.agency) == ("PORT ELLIS", "AP")
    assert article.paragraphs[0].startswith("The harbour reopened to shipping on Monday")


def test_block_opening_with_a_dateline_is_not_a_dek() -> None:
    article = parse_fixture("two_authors_ap.txt")
    assert article.dek is None
    assert article.image is None
    assert article.authors == ("Jane Doe", "John Roe")
    assert article.date == datetime.date(2023, 9, 11)
    assert len(article.paragraphs) == 3


def test_reuters_dateline_with_date_and_byline_without_commas() -> None:
    article = parse_fixture("three_authors_reuters.txt")
    assert article.source == "Reuters"
    assert article.date == datetime.date(2023, 9, 11)
    assert article.authors == ("Ana Lima", "Ben Okafor", "Chen Wei")
    assert (article.dateline, article.agency) == ("UNITED NATIONS", "Reuters")
    assert article.paragraphs[0].startswith("Talks on reopening a grain corridor")
    assert article.image == SeedImage(
        caption="Delegates leave the conference hall on Monday", credit="Reuters"
    )


def test_artefacts_are_dropped_but_sentences_using_their_words_are_kept() -> None:
    article = parse_fixture("three_authors_reuters.txt")
    assert article.paragraphs[1:] == (
        "The talks - the third round this year - ended without a joint statement.",
        "Read more about the corridor in the council's report, published last week.",
        "Share prices of grain traders fell after the news.",
        "Diplomats said a fourth round could be held in October.",
    )


def test_non_ascii_author_names_are_kept() -> None:
    article = parse_fixture("non_ascii_authors_bbc.txt")
    assert article.authors == ("José Ñúñez", "Zoë O'Brien-Smith")
    assert article.source == "BBC News"
    assert normalise_source(article.source, DEFAULT_SOURCES) == "BBC"
    assert article.image == SeedImage(
        caption="Members of the choir rehearse in the village hall", credit="Photo: Ilse Brandt"
    )


def test_sentence_with_an_aside_in_dashes_has_no_dateline() -> None:
    article = parse_fixture("non_ascii_authors_bbc.txt")
    assert article.dateline is None
    assert article.paragraphs[1].startswith("The choir – founded in 1952")


def test_bbc_prints_no_standfirst_so_its_first_block_is_the_lede() -> None:
    article = parse_fixture("non_ascii_authors_bbc.txt")
    assert article.dek is None
    assert article.paragraphs[0].startswith("A choir of forty singers")
    assert len(article.paragraphs) == 4
    assert "Share" not in article.paragraphs


def test_block_after_byline_is_not_a_dek_when_only_two_blocks_follow() -> None:
    article = parse_fixture("iso_date_no_authors.txt")
    assert article.dek is None
    assert article.dateline is None
    assert article.image is None
    assert article.date == datetime.date(2023, 9, 11)
    assert article.authors == ()
    assert article.source == "Deutsche Welle"
    assert article.paragraphs == (
        "The union and the rail operator reached an agreement shortly before midnight.",
        "Trains are expected to run normally from Tuesday.",
    )


def test_markup_in_a_seed_is_kept_as_plain_text() -> None:
    article = parse_fixture("hostile_script.txt")
    assert article.title == "<script>alert(1)</script> Breaking news"
    assert article.paragraphs == (
        "This paragraph hides <script>alert(1)</script> in plain sight.",
        "Another one has <img src=x onerror=alert(1)> & an ampersand.",
    )
    assert article.authors == ("Mallory <b>Evil</b>",)
    assert article.source == "Example Gazette"


def test_inner_line_breaks_are_kept_and_block_edges_stripped() -> None:
    article = parse_fixture("multiline_and_nbsp.txt")
    assert article.title == "Museum returns looted bronzes"
    assert article.paragraphs[1] == (
        "A second paragraph that was\ncopied with its line breaks\nkept as they were."
    )
    assert article.paragraphs[2] == f"Inside, a visitor{NBSP}paused in front of the first plaque."


def test_byline_with_extra_whitespace_and_nbsp_is_read() -> None:
    article = parse_fixture("multiline_and_nbsp.txt")
    assert article.source == "The Guardian"
    assert article.date == datetime.date(2023, 9, 11)
    assert article.authors == ("Kofi Mensah", "Lea Fischer")
    assert article.dateline == "KUMASI, Ghana"
    assert (
        article.paragraphs[0] == "The museum handed back 32 bronze plaques at a ceremony on Monday."
    )


def test_first_block_is_headline_and_last_before_byline_is_caption(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="generator.ingest.seedtext"):
        article = parse_fixture("multiline_and_nbsp.txt")
    assert article.image == SeedImage(
        caption="The bronzes on display before their return", credit=None
    )
    assert "lines 3" in caplog.text


def test_agency_dateline_in_the_paragraph_after_a_dek() -> None:
    article = parse_fixture("agency_after_dek.txt")
    assert article.dek == "Engineers expect most homes to be reconnected by Wednesday."
    assert (article.dateline, article.agency) == ("KYIV, Ukraine", "AP")
    assert article.paragraphs[0].startswith("Floods caused by three days of rain")
    assert article.authors == ("Oksana Kovalenko", "Mark Stone")
    assert normalise_source(article.source, DEFAULT_SOURCES) == "Associated Press"


def test_crlf_line_endings_and_bom_are_normalised(tmp_path: Path) -> None:
    lines = [
        "Previous Editions",
        "",
        "Headline with CRLF",
        "",
        "Published in AP, on Sep 11th, 2023, By Jane Doe",
        "",
        "BEIRUT (AP) — First paragraph",
        "over two lines.",
        "",
        "Second paragraph.",
    ]
    seed = tmp_path / "crlf.txt"
    seed.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    article = parse_seed(seed.read_bytes().decode("utf-8"), name=seed.name)
    assert article.title == "Headline with CRLF"
    assert (article.dateline, article.agency) == ("BEIRUT", "AP")
    assert article.paragraphs == ("First paragraph\nover two lines.", "Second paragraph.")
    assert article.paragraph_lines == (7, 10)


def test_old_mac_cr_line_endings_are_normalised() -> None:
    article = parse_seed(make_seed().replace("\n", "\r"), name="cr.txt")
    assert article.title == "A headline"
    assert article.paragraphs == ("The first paragraph.", "The second paragraph.")
    assert article.paragraph_lines == (5, 7)


# Byline variations


@pytest.mark.parametrize(
    "written",
    [
        "Sep 11th, 2023",
        "Sept. 11, 2023",
        "Sept 11, 2023",
        "11 September 2023",
        "September 11, 2023",
        "September 11th 2023",
        "2023-09-11",
        "11th Sep 2023",
        "11th of September, 2023",
        "Monday, September 11, 2023",
        "Mon, Sep 11, 2023",
        "Monday 11 September 2023",
    ],
)
@pytest.mark.parametrize(
    "template",
    [
        "Published in Reuters, on {date}, By Jane Doe",
        "Published in Reuters on {date} By Jane Doe",
        "Published in Reuters on {date}",
    ],
)
def test_date_styles_are_read(written: str, template: str) -> None:
    article = parse_seed(make_seed(byline=template.format(date=written)), name="x.txt")
    assert article.date == datetime.date(2023, 9, 11)
    assert article.source == "Reuters"


@pytest.mark.parametrize(
    ("written", "authors"),
    [
        ("By", ()),
        (f"By{NBSP}", ()),
        ("By Jane Doe", ("Jane Doe",)),
        ("By Jane Doe and John Roe", ("Jane Doe", "John Roe")),
        ("By Ana Lima, Ben Okafor and Chen Wei", ("Ana Lima", "Ben Okafor", "Chen Wei")),
        ("By Ana Lima, Ben Okafor, and Chen Wei", ("Ana Lima", "Ben Okafor", "Chen Wei")),
        ("By Ana Lima, Ben Okafor", ("Ana Lima", "Ben Okafor")),
        ("By Ana Lima & Ben Okafor", ("Ana Lima", "Ben Okafor")),
        ("By José Ñúñez and Zoë O'Brien-Smith", ("José Ñúñez", "Zoë O'Brien-Smith")),
        (f"By{NBSP} Jane{NBSP}Doe  and   Alexander Sand ", ("Jane Doe", "Alexander Sand")),
    ],
)
def test_author_styles_are_read(written: str, authors: tuple[str, ...]) -> None:
    byline = f"Published in AlJazeera, on Sep 11th, 2023, {written}"
    assert parse_seed(make_seed(byline=byline), name="x.txt").authors == authors


@pytest.mark.parametrize(
    "source",
    [
        "The New York Times",
        "Reuters",
        "AP",
        "BBC News",
        "Radio Free Europe/Radio Liberty",
        "U.S. News",
    ],
)
def test_source_is_kept_as_written(source: str) -> None:
    byline = f"Published in {source}, on Sep 11th, 2023, By Jane Doe"
    assert parse_seed(make_seed(byline=byline), name="x.txt").source == source


# Datelines


@pytest.mark.parametrize(
    ("paragraph", "place", "agency", "rest"),
    [
        ("Washington, DC – As Russian", "Washington, DC", None, "As Russian"),
        (f"Washington, DC –{NBSP}As Russian", "Washington, DC", None, "As Russian"),
        ("BEIRUT (AP) — Text here.", "BEIRUT", "AP", "Text here."),
        ("LONDON (Reuters) - Text here.", "LONDON", "Reuters", "Text here."),
        ("KYIV, Ukraine (AP) — Text here.", "KYIV, Ukraine", "AP", "Text here."),
        ("UNITED NATIONS, Sept 11 (Reuters) - Text.", "UNITED NATIONS", "Reuters", "Text."),
        ("WASHINGTON — Text here.", "WASHINGTON", None, "Text here."),
        ("SÃO PAULO, Brazil (AP) — Text.", "SÃO PAULO, Brazil", "AP", "Text."),
        ("Rio de Janeiro, Brazil – Text.", "Rio de Janeiro, Brazil", None, "Text."),
        ("Washington, D.C. – Text.", "Washington, D.C.", None, "Text."),
        ("Paris (AFP) - Text.", "Paris", "AFP", "Text."),
    ],
)
def test_dateline_shapes_are_recognised(
    paragraph: str, place: str, agency: str | None, rest: str
) -> None:
    assert split_dateline(paragraph) == (Dateline(place, agency), rest)


@pytest.mark.parametrize(
    "paragraph",
    [
        "Miller argued that, by turning to Kim — an “international pariah” — for help, Putin is",
        "President Joe Biden – who is 80 – said he would run again.",
        "Kim Jong Un — the country’s leader — travelled by train.",
        "The choir – founded in 1952 by a local teacher – beat 60 other groups.",
        "He left. Then — nothing.",
        "“We are ready,” Miller said – and left.",
        "Washington, DC said on Monday that the city – like others – would comply.",
        "The US, which provides aid to Ukraine, has been warning its competitors — including",
        "A plain paragraph without any dash.",
        "KYIV, Ukraine (AP)— no space before the text is not a dateline separator.",
    ],
)
def test_sentence_with_a_dash_has_no_dateline(paragraph: str) -> None:
    assert split_dateline(paragraph) == (None, paragraph)


# Artefacts


@pytest.mark.parametrize(
    "block",
    [
        "Previous Editions",
        "end of list",
        "Advertisement",
        "ADVERTISEMENT",
        "Recommended Stories",
        "list of 4 items",
        "List of 12 items",
        "Read more",
        "Read More:",
        "Skip to content",
        "Share",
        "Subscribe",
        f"  Advertisement{NBSP}",
    ],
)
def test_artefact_blocks_are_recognised(block: str) -> None:
    assert is_artefact(block)


@pytest.mark.parametrize(
    "block",
    [
        "Share prices fell sharply.",
        "Read more about it in the report.",
        "Advertisement revenue fell.",
        "The list of 4 items was published.",
        "Subscribers were told on Monday.",
    ],
)
def test_sentences_using_artefact_words_are_kept(block: str) -> None:
    assert not is_artefact(block)


def test_artefacts_are_compiled_patterns() -> None:
    assert isinstance(ARTEFACTS, tuple)
    assert all(hasattr(pattern, "fullmatch") for pattern in ARTEFACTS)


# Errors


@pytest.mark.parametrize(
    ("name", "line", "what"),
    [
        ("no_byline.txt", 3, "no byline"),
        ("bad_date.txt", 3, "cannot read the date 'Smarch 41st, 2023'"),
        ("empty.txt", 1, "the seed is empty"),
        ("no_headline.txt", 3, "no headline"),
        ("no_body.txt", 3, "no body paragraphs"),
    ],
)
def test_invalid_seed_error_names_file_line_and_fix(name: str, line: int, what: str) -> None:
    with pytest.raises(SeedError) as caught:
        parse_fixture(f"invalid/{name}")
    error = caught.value
    assert error.line == line
    assert str(error.path) == name
    assert what in error.what
    assert error.fix
    assert str(error).startswith(f"{name}:{line}: ")
    assert "fix: " in str(error)


def test_empty_text_is_an_error() -> None:
    with pytest.raises(SeedError, match="the seed is empty"):
        parse_seed("", name="blank.txt")


def test_impossible_date_is_an_error() -> None:
    with pytest.raises(SeedError, match="not a real date") as caught:
        parse_seed(make_seed(byline="Published in AP, on Feb 30th, 2023, By Jane"), name="x.txt")
    assert caught.value.line == 3


def test_byline_without_date_explains_the_expected_shape() -> None:
    with pytest.raises(SeedError, match="cannot read the byline") as caught:
        parse_seed(make_seed(byline="Published in Reuters By Jane Doe"), name="x.txt")
    assert caught.value.fix is not None
    assert "Published in <Source>, on <Mon DDth, YYYY>, By <Authors>" in caught.value.fix


@pytest.mark.parametrize(
    ("caption", "expected_caption", "expected_credit"),
    [
        (
            "Firefighters tackle a blaze near Athens. Photograph: Petros Giannakouris/AP",
            "Firefighters tackle a blaze near Athens.",
            "Photograph: Petros Giannakouris/AP",
        ),
        ("Smoke rises. (Photo: Reuters)", "Smoke rises.", "Photo: Reuters"),
        ("Smoke rises. Photo by Jane Doe/Getty", "Smoke rises.", "Photo by Jane Doe/Getty"),
        ("Photograph of the day shows a cat", "Photograph of the day shows a cat", None),
    ],
)
def test_caption_credit_without_brackets_is_split_off(
    caption: str, expected_caption: str, expected_credit: str | None
) -> None:
    seed = (
        f"Headline here\n\n{caption}\n\nPublished in The Guardian, on Jul 18th, 2023, By Jon Doe"
        "\n\nThe first paragraph.\n"
    )
    article = parse_seed(seed, name="guardian.txt")
    assert article.image is not None
    assert article.image.caption == expected_caption
    assert article.image.credit == expected_credit


@pytest.mark.parametrize(
    ("byline_authors", "expected"),
    [
        ("Chris Mason, Political editor", ("Chris Mason",)),
        ("Jon Henley Europe correspondent", ("Jon Henley",)),
        ("Al Jazeera Staff", ()),
        ("Joe Cash, Ellen Zhang and Kevin Yao", ("Joe Cash", "Ellen Zhang", "Kevin Yao")),
    ],
)
def test_job_titles_after_author_names_are_not_authors(
    byline_authors: str, expected: tuple[str, ...]
) -> None:
    seed = (
        f"Headline here\n\nPublished in BBC News, on 2 October 2023, By {byline_authors}"
        "\n\nThe first paragraph.\n"
    )
    assert parse_seed(seed, name="bbc.txt").authors == expected


# Long and hostile seeds


def seed_with_caption(caption: str) -> str:
    return "\n\n".join(
        ["A headline", caption, "Published in Reuters, on Sep 11th, 2023", "Body text."]
    )


def test_long_caption_is_read_in_time_linear_in_its_length() -> None:
    # The credit patterns once ran over the whole caption from every position in it.
    caption = "Crowds outside" + " \u00a0" * 50_000 + " Photo: "
    started = time.monotonic()
    article = parse_seed(seed_with_caption(caption), name="x.txt")
    assert time.monotonic() - started < 2  # before: minutes
    assert article.image is not None and article.image.credit is None


def test_credit_at_the_end_of_a_long_caption_is_still_found() -> None:
    caption = "Crowds outside the embassy " * 5_000 + "[File: Nathan Howard/AP photo]"
    article = parse_seed(seed_with_caption(caption), name="x.txt")
    assert article.image == SeedImage(
        caption=caption.rsplit(" [", 1)[0], credit="File: Nathan Howard/AP photo"
    )


@pytest.mark.parametrize(
    ("byline", "what"),
    [
        ("Published in Reuters " + "and more words " * 100_000, "cannot read the byline '"),
        ("Published in Reuters, on " + "Smarch " * 100_000, "cannot read the date '"),
    ],
)
def test_error_quotes_a_long_byline_in_short(byline: str, what: str) -> None:
    with pytest.raises(SeedError) as caught:
        parse_seed(make_seed(byline=byline), name="x.txt")
    message = caught.value.message()
    assert what in message
    assert "…'" in message
    assert len(message) < 500
