import datetime
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.body.markdown_tree import parse, to_html
from generator.cli import main
from generator.config import SiteConfig
from generator.content.actors import Actor
from generator.content.frontmatter import split_front_matter
from generator.content.loading import load_actors, load_articles
from generator.errors import SeedError
from generator.ingest.ingest import (
    DIGEST_FIELD,
    MAX_SEED_BYTES,
    IngestResult,
    IngestStatus,
    escape_markdown,
    ingest,
    is_unedited,
)
from generator.urls import SLUG_MAX_LENGTH, slugify
from tests.support import REPO

SEEDS = REPO / "seeds"
SHIPPED_NAME = "000_fb03fb027bc92a78.txt"
SHIPPED_TARGET = Path(
    "articles/2023/09/us-threatens-sanctions-if-north-korea-sells-arms-to-russia.md"
)
SOURCES = SiteConfig().source_table

ANNOTATION = (
    "annotations:\n"
    "- quote: multiple United Nations Security Council resolutions\n"
    "  kind: context\n"
    "  note: Resolution 1718 (2006) bans arms sales by North Korea.\n"
)


@pytest.fixture(scope="module")
def registry() -> tuple[Actor, ...]:
    return load_actors(REPO / "content")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return tmp_path / "content"


def make_seed(
    title: str = "Sanctions talks stall in Geneva",
    *,
    date: str = "September 12, 2023",
    source: str = "Reuters",
    quote_line: str = "“We will not accept these terms under any circumstances,” said "
    "Ingrid Halvorsen, a Norwegian envoy.",
) -> str:
    return "\n\n".join(
        [
            "Previous Editions",
            title,
            f"Published in {source}, on {date}, By Jane Doe and John Roe",
            "GENEVA (Reuters) - Talks on sanctions against North Korea stalled on Tuesday.",
            quote_line,
            "The talks are expected to resume next week.",
        ]
    )


def write_seed(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def run(
    paths: list[Path], content: Path, actors: tuple[Actor, ...] = (), *, force: bool = False
) -> tuple[IngestResult, ...]:
    return ingest(paths, content_dir=content, actors=actors, sources=SOURCES, force=force)


def run_shipped(content: Path, registry: tuple[Actor, ...], *, force: bool = False) -> IngestResult:
    (result,) = run([SEEDS], content, registry, force=force)
    return result


def front_of(path: Path) -> dict[str, object]:
    return dict(split_front_matter(path.read_text(encoding="utf-8"), path=path).data)


def stamp(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def add_annotation(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("seed: ", ANNOTATION + "seed: ", 1), encoding="utf-8")


# slugify


def test_slugify_turns_non_ascii_into_an_ascii_slug() -> None:
    assert slugify("Zoë's café: Ōsaka") == "zoe-s-cafe-osaka"


def test_slugify_drops_punctuation_and_collapses_hyphens() -> None:
    assert slugify("  ‘Begging’ — Putin & Kim: 2023!  ") == "begging-putin-kim-2023"


def test_slugify_of_the_shipped_title() -> None:
    assert (
        slugify("US threatens sanctions if North Korea sells arms to Russia")
        == "us-threatens-sanctions-if-north-korea-sells-arms-to-russia"
    )


def test_slugify_of_text_without_latin_letters_is_empty() -> None:
    assert slugify("Путин и Ким") == ""


def test_long_title_is_cut_at_a_word_boundary() -> None:
    title = " ".join(["sanctions", "threatened", "against", "arms"] * 10)
    slug = slugify(title)
    whole = "-".join(title.split())
    assert len(slug) <= SLUG_MAX_LENGTH
    assert whole.startswith(slug)
    assert whole[len(slug)] == "-"  # the cut falls between two words
    assert slug == "sanctions-threatened-against-arms-sanctions-threatened-against-arms-sanctions"


def test_long_single_word_is_cut_at_the_maximum() -> None:
    assert slugify("a" * 200) == "a" * SLUG_MAX_LENGTH


def test_long_title_keeps_every_whole_word_that_fits() -> None:
    words = ["abcdefghij", *["abcdefghi"] * 7]  # 73 letters and 7 hyphens: 80 characters
    title = " ".join([*words, "x"])  # 82 characters in all
    assert len("-".join(words)) == SLUG_MAX_LENGTH
    assert slugify(title) == "-".join(words)


# escape_markdown

TRICKY = [
    "# Not a heading",
    "## Nor this",
    "1. Not a list item",
    "2023. A year to remember",
    "- not a bullet",
    "+ not a bullet either",
    "* not a star bullet",
    "> not a quotation",
    "*stars* around words",
    "_under_ scores",
    "__double__ and **double**",
    "[brackets](x) look like a link",
    "![an image](y.png) too",
    "use `code` and ``more``",
    "a back\\slash, and \\* an escaped star",
    "---",
    "First line\n- a second line that looks like a bullet",
    "First line\n---",
    "US, Russia and North Korea: 10 * 3 = 30, a_b_c",
    "‘Curly’ “quotes” — and a dash",
    "<div>looks like *HTML*</div> but is text",
    "<!-- a comment --> and <b>tags</b>, &copy; &#169; & AT&T",
    "~~~ not a fence",
    "``` nor this",
    "1) a list in another style",
    "Left | right\n--- | ---\nnot | a table",
    "First line\n1. a second line that looks like an ordered item",
    "a trailing backslash \\",
    "<https://looks.like/an/autolink> and <someone@example.org>",
    "***",
    "[^1] is not a footnote, [x]: neither a reference",
    # White space Python's \s knows but Markdown does not, before a rule-like line.
    "First line\n\u2028 -",
    "First line\n\u3000---",
]

SETEXT_EQUALS = ["===", "First line\n==="]


def rendered_text(escaped: str) -> str:
    html = to_html(parse(escaped))
    soup = BeautifulSoup(html, "html.parser")
    assert [tag.name for tag in soup.find_all(recursive=False)] == ["p"], html
    return soup.p.get_text()


@pytest.mark.parametrize("paragraph", TRICKY)
def test_escaped_paragraph_renders_to_exactly_its_text(paragraph: str) -> None:
    assert rendered_text(escape_markdown(paragraph)) == paragraph


@pytest.mark.parametrize("paragraph", SETEXT_EQUALS)
def test_escaped_line_of_equals_signs_renders_to_exactly_its_text(paragraph: str) -> None:
    assert rendered_text(escape_markdown(paragraph)) == paragraph


def test_escape_markdown_leaves_plain_text_alone() -> None:
    text = "Washington, DC – As Russian President Vladimir Putin prepares to meet Kim."
    assert escape_markdown(text) == text


# Ingesting the shipped seed


def test_shipped_seed_is_ingested_into_its_dated_folder(
    content: Path, registry: tuple[Actor, ...]
) -> None:
    result = run_shipped(content, registry)
    assert result.status is IngestStatus.CREATED
    assert result.seed == SEEDS / SHIPPED_NAME
    assert result.target == content / SHIPPED_TARGET
    assert result.error is None
    assert sorted(p.relative_to(content) for p in content.rglob("*.md")) == [SHIPPED_TARGET]


def test_shipped_seed_front_matter(content: Path, registry: tuple[Actor, ...]) -> None:
    front = front_of(run_shipped(content, registry).target)
    assert front["title"] == "US threatens sanctions if North Korea sells arms to Russia"
    assert front["date"] == datetime.date(2023, 9, 11)
    assert front["source"] == "Al Jazeera"
    assert front["authors"] == []
    assert str(front["dek"]).startswith("Biden administration says Vladimir Putin is ‘begging’")
    assert front["dateline"] == "Washington, DC"
    assert front["image"] == {
        "caption": "‘I will remind both countries that any transfer of arms from North Korea "
        "to Russia would be in violation of multiple United Nations Security Council "
        "resolutions,’ US State Department spokesperson Matthew Miller says",
        "credit": "File: Nathan Howard/AP photo",
    }
    assert front["seed"] == SHIPPED_NAME
    assert re.fullmatch(r"[0-9a-f]{16}", str(front[DIGEST_FIELD]))


def test_shipped_seed_suggests_actors_and_quotes(
    content: Path, registry: tuple[Actor, ...]
) -> None:
    front = front_of(run_shipped(content, registry).target)
    actors = front["actors"]
    assert isinstance(actors, list)
    assert actors[:3] == ["united-states", "north-korea", "russia"]
    for actor_id in ("matthew-miller", "vladimir-putin", "kim-jong-un", "sergei-shoigu"):
        assert actor_id in actors
    assert len(actors) == len(set(actors))
    assert set(actors) <= {actor.id for actor in registry}
    quotes = front["quotes"]
    assert isinstance(quotes, list)
    assert quotes[0] == {
        "speaker": "matthew-miller",
        "text": "I will remind both countries that any transfer of arms from North Korea to "
        "Russia would be in violation of multiple United Nations Security Council resolutions",
        "verb": "told reporters",
    }
    assert {quote["speaker"] for quote in quotes} == {"matthew-miller"}


def test_shipped_seed_body_is_the_article_text(content: Path, registry: tuple[Actor, ...]) -> None:
    target = run_shipped(content, registry).target
    body = split_front_matter(target.read_text(encoding="utf-8"), path=target).body
    paragraphs = body.rstrip("\n").split("\n\n")
    assert len(paragraphs) == 18
    assert paragraphs[0].startswith("As Russian President Vladimir Putin prepares")
    assert paragraphs[-1].endswith("near the Korean Peninsula.")
    assert "end of list" not in paragraphs
    assert "Washington, DC –" not in body


def test_ingested_article_loads_as_valid_content(
    content: Path, registry: tuple[Actor, ...]
) -> None:
    run_shipped(content, registry)
    (article,) = load_articles(content, registry)
    assert article.slug == "us-threatens-sanctions-if-north-korea-sells-arms-to-russia"
    assert article.date == datetime.date(2023, 9, 11)
    assert article.source == "Al Jazeera"
    assert article.seed == SHIPPED_NAME


def test_ingested_file_counts_as_unedited(content: Path, registry: tuple[Actor, ...]) -> None:
    target = run_shipped(content, registry).target
    text = target.read_text(encoding="utf-8")
    assert is_unedited(text)
    assert not is_unedited(text.replace("Washington, DC", "Washington, D.C."))


def test_second_ingest_is_unchanged_and_touches_nothing(
    content: Path, registry: tuple[Actor, ...]
) -> None:
    target = run_shipped(content, registry).target
    before = stamp(target)
    result = run_shipped(content, registry)
    assert result.status is IngestStatus.UNCHANGED
    assert result.target == target
    assert stamp(target) == before


def test_reingest_of_an_edited_article_keeps_it(content: Path, registry: tuple[Actor, ...]) -> None:
    target = run_shipped(content, registry).target
    add_annotation(target)
    before = stamp(target)
    result = run_shipped(content, registry)
    assert result.status is IngestStatus.KEPT_EDITED
    assert result.target == target
    assert stamp(target) == before


def test_editor_moving_an_article_is_followed_by_its_seed_name(
    content: Path, registry: tuple[Actor, ...]
) -> None:
    target = run_shipped(content, registry).target
    moved = content / "articles" / "2023" / "09" / "us-sanctions-threat.md"
    target.rename(moved)
    result = run_shipped(content, registry)
    assert result.status is IngestStatus.UNCHANGED
    assert result.target == moved
    assert not target.exists()


def test_forced_reingest_keeps_the_editors_fields(
    content: Path, registry: tuple[Actor, ...]
) -> None:
    target = run_shipped(content, registry).target
    text = target.read_text(encoding="utf-8")
    text = re.sub(r"^actors: .*$", "actors: [russia, north-korea]", text, flags=re.M)
    text = re.sub(
        r"^quotes:\n(?:[ -].*\n)+",
        "quotes:\n- speaker: vladimir-putin\n  text: An editor's quote.\n",
        text,
        flags=re.M,
    )
    text = text.replace("title: US threatens", "title: EDITED US threatens")
    target.write_text(text, encoding="utf-8")
    add_annotation(target)

    result = run_shipped(content, registry, force=True)
    assert result.status is IngestStatus.UPDATED
    assert result.target == target
    front = front_of(target)
    assert front["actors"] == ["russia", "north-korea"]
    assert front["quotes"] == [{"speaker": "vladimir-putin", "text": "An editor's quote."}]
    assert front["annotations"] == [
        {
            "quote": "multiple United Nations Security Council resolutions",
            "kind": "context",
            "note": "Resolution 1718 (2006) bans arms sales by North Korea.",
        }
    ]
    # What the seed owns comes from the seed again.
    assert front["title"] == "US threatens sanctions if North Korea sells arms to Russia"
    (article,) = load_articles(content, registry)
    assert len(article.annotations) == 1


def test_forced_reingest_of_an_unedited_article_is_unchanged(
    content: Path, registry: tuple[Actor, ...]
) -> None:
    target = run_shipped(content, registry).target
    before = stamp(target)
    assert run_shipped(content, registry, force=True).status is IngestStatus.UNCHANGED
    assert stamp(target) == before


def test_plain_ingest_after_a_forced_one_keeps_the_annotations(
    content: Path, registry: tuple[Actor, ...]
) -> None:
    target = run_shipped(content, registry).target
    add_annotation(target)
    run_shipped(content, registry, force=True)
    result = run_shipped(content, registry)
    assert result.status in (IngestStatus.UNCHANGED, IngestStatus.KEPT_EDITED)
    assert "annotations" in front_of(target)


# Several seeds


def test_bad_seed_fails_alone_and_the_good_seeds_are_written(
    tmp_path: Path, content: Path, registry: tuple[Actor, ...]
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEEDS / SHIPPED_NAME, seeds / SHIPPED_NAME)
    bad = write_seed(seeds, "001_bad.txt", "A headline\n\nA paragraph but no byline.\n")
    good = write_seed(seeds, "002_good.txt", make_seed())
    results = {result.seed.name: result for result in run([seeds], content, registry)}
    assert set(results) == {SHIPPED_NAME, "001_bad.txt", "002_good.txt"}

    failed = results["001_bad.txt"]
    assert failed.status is IngestStatus.FAILED
    assert failed.target is None
    assert isinstance(failed.error, SeedError)
    assert failed.error.path == bad
    assert failed.error.line == 3
    assert "Published in" in (failed.error.fix or "")
    assert str(bad) in failed.error.message()

    assert results[SHIPPED_NAME].status is IngestStatus.CREATED
    assert results["002_good.txt"].status is IngestStatus.CREATED
    assert results["002_good.txt"].seed == good
    assert sorted(p.name for p in content.rglob("*.md")) == [
        "sanctions-talks-stall-in-geneva.md",
        "us-threatens-sanctions-if-north-korea-sells-arms-to-russia.md",
    ]


def test_seed_that_is_not_utf8_fails_with_a_fix(tmp_path: Path, content: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    bad = seeds / "latin1.txt"
    bad.write_bytes(make_seed("Zoë at the café", quote_line="Plain text.").encode("latin-1"))
    (result,) = run([seeds], content)
    assert result.status is IngestStatus.FAILED
    assert result.error is not None
    assert result.error.path == bad
    assert result.error.fix == "save the seed as UTF-8 text"


def test_same_title_in_the_same_month_gets_a_numbered_slug(tmp_path: Path, content: Path) -> None:
    seeds = tmp_path / "seeds"
    write_seed(seeds, "001_a.txt", make_seed(date="September 12, 2023"))
    write_seed(seeds, "002_b.txt", make_seed(date="September 30, 2023"))
    first, second = run([seeds], content)
    folder = content / "articles" / "2023" / "09"
    assert first.target == folder / "sanctions-talks-stall-in-geneva.md"
    assert second.target == folder / "sanctions-talks-stall-in-geneva-2.md"
    assert front_of(first.target)["seed"] == "001_a.txt"
    assert front_of(second.target)["seed"] == "002_b.txt"

    # A second run finds each article again by its seed.
    again = run([seeds], content)
    assert [(r.status, r.target) for r in again] == [
        (IngestStatus.UNCHANGED, first.target),
        (IngestStatus.UNCHANGED, second.target),
    ]


def test_same_title_in_another_month_keeps_the_plain_slug(tmp_path: Path, content: Path) -> None:
    seeds = tmp_path / "seeds"
    write_seed(seeds, "001_a.txt", make_seed(date="September 12, 2023"))
    write_seed(seeds, "002_b.txt", make_seed(date="October 2, 2023"))
    first, second = run([seeds], content)
    assert first.target == content / "articles/2023/09/sanctions-talks-stall-in-geneva.md"
    assert second.target == content / "articles/2023/10/sanctions-talks-stall-in-geneva.md"


def test_title_without_latin_letters_takes_its_slug_from_the_seed_name(
    tmp_path: Path, content: Path
) -> None:
    seeds = tmp_path / "seeds"
    write_seed(seeds, "003_Moscow.txt", make_seed("Путин и Ким"))
    (result,) = run([seeds], content)
    assert result.target == content / "articles/2023/09/003-moscow.md"
    assert front_of(result.target)["title"] == "Путин и Ким"


def test_speaker_missing_from_the_registry_is_a_candidate(
    tmp_path: Path, content: Path, registry: tuple[Actor, ...]
) -> None:
    seeds = tmp_path / "seeds"
    write_seed(seeds, "001_geneva.txt", make_seed())
    (result,) = run([seeds], content, registry)
    assert result.status is IngestStatus.CREATED
    assert "Ingrid Halvorsen" in result.candidates
    front = front_of(result.target)
    assert front["quotes"] == [
        {
            "speaker_name": "Ingrid Halvorsen",
            "text": "We will not accept these terms under any circumstances",
            "verb": "said",
        }
    ]
    assert front["actors"] == ["north-korea"]
    assert front["source"] == "Reuters"
    assert front["authors"] == ["Jane Doe", "John Roe"]
    assert (front["dateline"], front["agency"]) == ("GENEVA", "Reuters")


def test_seed_with_markdown_characters_round_trips_through_the_body(
    tmp_path: Path, content: Path
) -> None:
    seeds = tmp_path / "seeds"
    line = "# 1. *Not* a heading, [nor](a link)"
    write_seed(seeds, "001_md.txt", make_seed(quote_line=line))
    (result,) = run([seeds], content)
    body = split_front_matter(result.target.read_text(encoding="utf-8"), path=result.target).body
    html = to_html(parse(body))
    texts = [p.get_text() for p in BeautifulSoup(html, "html.parser").find_all("p")]
    assert line in texts


# The command line


def test_cli_ingest_with_a_bad_seed_exits_1_with_a_readable_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = tmp_path / "seeds"
    write_seed(seeds, "001_good.txt", make_seed())
    write_seed(seeds, "002_broken.txt", "Only a headline\n\nand a paragraph.\n")
    code = main(["--root", str(tmp_path), "ingest"])
    captured = capsys.readouterr()
    assert code == 1
    assert "002_broken.txt" in captured.err
    assert "no byline" in captured.err
    assert "fix: add the byline below the headline" in captured.err
    assert "Traceback" not in captured.err + captured.out
    assert "2 seeds, 1 failed" in captured.err
    assert (tmp_path / "content/articles/2023/09/sanctions-talks-stall-in-geneva.md").is_file()


def test_cli_ingest_of_good_seeds_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = tmp_path / "seeds"
    write_seed(seeds, "001_good.txt", make_seed())
    assert main(["--root", str(tmp_path), "ingest"]) == 0
    err = capsys.readouterr().err
    assert "created" in err
    assert "001_good.txt -> content/articles/2023/09/sanctions-talks-stall-in-geneva.md" in err
    assert "candidate actors not in content/actors.yaml: Ingrid Halvorsen" in err
    assert "1 seeds, 0 failed" in err


# Editors' fields and the digest


EDITOR_FIELDS = (
    "tags: [sanctions, arms trade]\n"
    "events:\n"
    "- subject: united-states\n"
    "  action: threatens sanctions on\n"
    "  object: north-korea\n"
    "desk_note: checked by the night desk\n"
)


def add_editor_fields(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("seed: ", ANNOTATION + EDITOR_FIELDS + "seed: ", 1), "utf-8")


@pytest.mark.parametrize("explicit", [False, True], ids=["seeds folder", "seed path"])
def test_forced_reingest_keeps_every_field_not_from_the_seed(
    content: Path, registry: tuple[Actor, ...], explicit: bool
) -> None:
    target = run_shipped(content, registry).target
    add_editor_fields(target)
    edited = front_of(target)
    paths = [SEEDS / SHIPPED_NAME] if explicit else [SEEDS]
    (result,) = run(paths, content, registry, force=True)
    assert result.status is IngestStatus.UPDATED
    front = front_of(target)
    for key in ("tags", "events", "annotations", "desk_note", "actors", "quotes"):
        assert front[key] == edited[key], key
    assert front["tags"] == ["sanctions", "arms trade"]
    assert front["desk_note"] == "checked by the night desk"


def test_forced_reingest_records_a_digest_so_the_next_ingest_is_unchanged(
    content: Path, registry: tuple[Actor, ...]
) -> None:
    target = run_shipped(content, registry).target
    add_editor_fields(target)
    assert run_shipped(content, registry).status is IngestStatus.KEPT_EDITED
    run_shipped(content, registry, force=True)
    assert is_unedited(target.read_text(encoding="utf-8"))
    before = stamp(target)
    assert run_shipped(content, registry).status is IngestStatus.UNCHANGED
    assert run_shipped(content, registry, force=True).status is IngestStatus.UNCHANGED
    assert stamp(target) == before


def test_forced_article_whose_seed_changed_is_kept_until_forced_again(
    tmp_path: Path, content: Path, registry: tuple[Actor, ...]
) -> None:
    seeds = tmp_path / "seeds"
    seed = write_seed(seeds, "001_geneva.txt", make_seed())
    (created,) = run([seeds], content, registry)
    add_editor_fields(created.target)
    run([seeds], content, registry, force=True)
    seed.write_text(make_seed("Sanctions talks resume in Geneva"), encoding="utf-8")
    before = stamp(created.target)
    # The editor's actors and quotes are not suggestions any more: not refreshed.
    assert run([seeds], content, registry)[0].status is IngestStatus.KEPT_EDITED
    assert stamp(created.target) == before
    (forced,) = run([seeds], content, registry, force=True)
    assert forced.status is IngestStatus.UPDATED
    front = front_of(created.target)
    assert front["title"] == "Sanctions talks resume in Geneva"
    assert front["desk_note"] == "checked by the night desk"


def test_forced_reingest_of_a_file_with_broken_front_matter_fails_and_keeps_it(
    content: Path, registry: tuple[Actor, ...]
) -> None:
    target = run_shipped(content, registry).target
    target.write_text(
        target.read_text(encoding="utf-8").replace("seed: ", "tags: [unclosed\nseed: ", 1),
        encoding="utf-8",
    )
    before = stamp(target)
    result = run_shipped(content, registry, force=True)
    assert result.status is IngestStatus.FAILED
    assert result.error is not None and result.error.path == target
    assert "correct the front matter" in (result.error.fix or "")
    assert stamp(target) == before


def test_shipped_article_is_reported_unchanged(tmp_path: Path, registry: tuple[Actor, ...]) -> None:
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    target = content / SHIPPED_TARGET
    before = stamp(target)
    result = run_shipped(content, registry)
    assert (result.status, result.target) == (IngestStatus.UNCHANGED, target)
    assert stamp(target) == before


# Suggested quotes anchor as the build anchors them


REPEATED = "We will not accept these terms under any circumstances"


def repeated_quote_seed(*paragraphs: str) -> str:
    return "\n\n".join(
        [
            "Sanctions talks stall in Geneva",
            "Published in Reuters, on September 12, 2023",
            *paragraphs,
        ]
    )


def build_project(tmp_path: Path, seed: str) -> Path:
    """A project with the shipped templates and actors, and one seed; ingested and built."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "content").mkdir(parents=True)
    shutil.copy(REPO / "content" / "actors.yaml", root / "content" / "actors.yaml")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    write_seed(root / "seeds", "001_geneva.txt", seed)
    assert main(["--root", str(root), "ingest"]) == 0
    return root


def highlighted_paragraph(root: Path, number: int = 1) -> str:
    assert main(["--root", str(root), "build"]) == 0
    (page,) = (root / "site" / "2023" / "09" / "12").glob("*/index.html")
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    mark = soup.find(id=f"quote-{number}")
    assert mark is not None, "the quote is not highlighted"
    return mark.find_parent("p").get_text()


def test_quote_said_after_the_same_words_gets_a_prefix_and_builds(tmp_path: Path) -> None:
    seed = repeated_quote_seed(
        f"Delegates had agreed: “{REPEATED}” was the line of the day.",
        f"“{REPEATED},” said Ingrid Halvorsen, a Norwegian envoy.",
    )
    root = build_project(tmp_path, seed)
    (article,) = (root / "content" / "articles" / "2023" / "09").glob("*.md")
    (quote,) = front_of(article)["quotes"]
    assert quote["text"] == REPEATED
    assert "prefix" in quote or "suffix" in quote
    assert "said Ingrid Halvorsen" in highlighted_paragraph(root)


def test_each_of_two_identical_quotes_highlights_its_own_place(tmp_path: Path) -> None:
    seed = repeated_quote_seed(
        "GENEVA (Reuters) - Talks on sanctions stalled on Tuesday.",
        f"“{REPEATED},” said Ingrid Halvorsen, a Norwegian envoy.",
        "The talks went on.",
        f"“{REPEATED},” Halvorsen told reporters later.",
    )
    root = build_project(tmp_path, seed)
    (article,) = (root / "content" / "articles" / "2023" / "09").glob("*.md")
    assert len(front_of(article)["quotes"]) == 2
    assert "said Ingrid Halvorsen" in highlighted_paragraph(root, 1)
    assert "told reporters later" in highlighted_paragraph(root, 2)


def test_quote_that_no_prefix_or_suffix_picks_is_left_out_with_a_note(tmp_path: Path) -> None:
    line = f"“{REPEATED},” said Ingrid Halvorsen, a Norwegian envoy."
    seeds = tmp_path / "seeds"
    write_seed(
        seeds,
        "001_geneva.txt",
        repeated_quote_seed("GENEVA (Reuters) - Talks stalled.", line, line, line),
    )
    content = tmp_path / "content"
    (result,) = run([seeds], content)
    # The first is told apart by the words before it; the others by nothing.
    (quote,) = front_of(result.target)["quotes"]
    assert quote["prefix"] == "stalled. “"
    # The two left out make one note.
    (note,) = result.notes
    assert "occur 3 times" in note and "left out" in note and note.endswith("(2 times)")
    (article,) = load_articles(content, ())
    assert len(article.quotes) == 1


# Seeds that cannot be read


def cli_ingest(root: Path, capsys: pytest.CaptureFixture[str], *paths: Path) -> tuple[int, str]:
    code = main(["--root", str(root), "ingest", *map(str, paths)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.err


def test_seed_over_the_size_limit_is_rejected_naming_file_size_and_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    big = seeds / "001_big.txt"
    with big.open("wb") as file:
        file.truncate(MAX_SEED_BYTES + 1)  # sparse: the size alone rejects it
    write_seed(seeds, "002_good.txt", make_seed())
    code, err = cli_ingest(tmp_path, capsys)
    assert code == 1
    assert str(big) in err
    assert f"{MAX_SEED_BYTES + 1:,} bytes" in err
    assert "16 MiB" in err and "fix: a seed is one article" in err
    assert "2 seeds, 1 failed" in err


@pytest.mark.parametrize(
    ("name", "make", "what", "fix"),
    [
        (
            "latin1.txt",
            lambda p: p.write_bytes("Zoë".encode("latin-1")),
            "not UTF-8",
            "as UTF-8 text",
        ),
        ("empty.txt", lambda p: p.write_bytes(b""), "the seed is empty", "paste the article"),
        (
            "blank.txt",
            lambda p: p.write_bytes(b" \n\n\t\n"),
            "the seed is empty",
            "paste the article",
        ),
        ("pipe.txt", lambda p: os.mkfifo(p), "not a regular file", "plain .txt file"),
        (
            "gone.txt",
            lambda p: p.symlink_to(p.with_name("nowhere")),
            "no such seed",
            "check the path",
        ),
    ],
)
def test_seed_that_cannot_be_read_is_a_message_with_the_file_and_a_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, make, what: str, fix: str
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    make(seeds / name)
    write_seed(seeds, "zz_good.txt", make_seed())
    for paths in ((), (seeds / name,)):
        code, err = cli_ingest(tmp_path, capsys, *paths)
        assert code == 1
        assert f"{seeds / name}" in err and what in err
        assert "fix: " in err and fix in err
        assert "Errno" not in err and "codec" not in err


def test_folder_named_like_a_seed_is_walked_for_seeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "seeds" / "old.txt"
    write_seed(folder, "001_geneva.txt", make_seed())
    code, err = cli_ingest(tmp_path, capsys)
    assert code == 0
    assert "created" in err and "1 seeds, 0 failed" in err


def test_unreadable_seed_is_a_message_for_a_user_without_permission(
    request: pytest.FixtureRequest,
) -> None:
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        pytest.skip("needs root and setpriv to run ingest as a user who cannot read the seed")
    # pytest's own temporary folders are root's alone; this one is open to the user.
    tmp_path = Path(tempfile.mkdtemp(prefix="marginalia-unreadable-"))
    request.addfinalizer(lambda: shutil.rmtree(tmp_path, ignore_errors=True))
    seeds = tmp_path / "seeds"
    write_seed(seeds, "001_secret.txt", make_seed()).chmod(0o000)
    tmp_path.chmod(0o777)
    seeds.chmod(0o777)
    done = subprocess.run(
        [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups",
         sys.executable, "-m", "generator", "--root", str(tmp_path), "ingest"],
        capture_output=True, text=True, timeout=120, cwd=REPO,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "001_secret.txt" in done.stderr and "permission denied" in done.stderr
    assert "fix: make it readable" in done.stderr
    assert "Traceback" not in done.stderr


# Linear in the seed's size


def test_seed_with_one_5_mib_paragraph_ingests_in_seconds(tmp_path: Path) -> None:
    sentence = (
        "As Russian President Vladimir Putin prepares to meet North Korean leader Kim Jong Un, "
        "US State Department spokesperson Matthew Miller said “the United States will hold "
        "accountable every entity that helps,” and Foreign Minister Sergei Lavrov replied. "
    )
    paragraph = sentence * (5 * 2**20 // len(sentence.encode()))
    write_seed(tmp_path / "seeds", "001_big.txt", repeated_quote_seed(paragraph))
    shutil.copytree(REPO / "content", tmp_path / "content", ignore=shutil.ignore_patterns("*.md"))
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(tmp_path), "ingest"],
        capture_output=True, text=True, timeout=120, cwd=REPO,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 60  # today's code: hours
    assert "created" in done.stderr


# make site and make serve go on past a bad seed


def make_copy(tmp_path: Path) -> Path:
    """The project as a fresh clone has it, with one bad seed added; make runs on the
    project's venv (its install stamp taken as done)."""
    root = tmp_path / "clone"
    root.mkdir()
    for name in ("seeds", "content", "templates"):
        shutil.copytree(REPO / name, root / name)
    for name in ("site.yaml", "Makefile", "pyproject.toml"):
        shutil.copy2(REPO / name, root / name)
    write_seed(root / "seeds", "001_broken.txt", "Only a headline\n\nand a paragraph.\n")
    return root


MAKE_ARGS = ["-o", ".venv/.installed", f"BIN={REPO / '.venv' / 'bin'}"]


def test_make_site_reports_a_bad_seed_and_builds_the_rest(tmp_path: Path) -> None:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    root = make_copy(tmp_path)
    done = subprocess.run(
        [make, *MAKE_ARGS, "site"], cwd=root, capture_output=True, text=True, timeout=300
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "001_broken.txt" in output and "no byline" in output
    # The shipped article is as ingest left it: a new user is not told to --force.
    assert "2 seeds, 1 failed: 1 unchanged" in output
    assert "kept (edited)" not in output
    assert "--force" not in output
    assert (root / "site" / "index.html").is_file()
    assert (root / "site" / "2023/09/11" / SHIPPED_TARGET.stem / "index.html").is_file()


def test_make_serve_reports_a_bad_seed_and_serves_the_rest(tmp_path: Path) -> None:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    root = make_copy(tmp_path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [make, *MAKE_ARGS, "serve", f"PORT={port}"],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        status = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                    status = answer.status
                    break
            except OSError:
                time.sleep(0.5)
        assert status == 200, "make serve did not serve the site"
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            output, _ = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            output, _ = server.communicate()
    assert "001_broken.txt" in output and "no byline" in output


def test_the_command_shows_each_note_and_the_seed_words_as_they_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Words from a seed are never read as terminal markup: "[/red]" would be an error.
    line = f"“{REPEATED},” said Ingrid Halvorsen, a Norwegian envoy [/red]."
    root = tmp_path / "project"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy2(REPO / "site.yaml", root / "site.yaml")
    write_seed(
        root / "seeds",
        "001_geneva.txt",
        repeated_quote_seed("GENEVA (Reuters) - Talks stalled.", line, line, line),
    )
    assert main(["--root", str(root), "ingest"]) == 0
    shown = capsys.readouterr().err
    assert "left out" in shown and "(2 times)" in shown
    assert "unexpected error" not in shown
