import dataclasses
import datetime
from pathlib import Path

import pytest

from generator.content.actors import Actor, ActorType
from generator.content.loading import (
    MAX_ARTICLE_BYTES,
    file_stamps,
    load_actors,
    load_articles,
    read_body,
)
from generator.content.types import Annotation, AnnotationKind, Article, ArticleImage, Quote
from generator.errors import BuildErrors, ContentError, MarginaliaError

REGISTRY = (
    Actor(id="united-states", name="United States", type=ActorType.COUNTRY, aliases=("US",)),
    Actor(id="north-korea", name="North Korea", type=ActorType.COUNTRY),
    Actor(
        id="matthew-miller",
        name="Matthew Miller",
        type=ActorType.PERSON,
        short=("Miller",),
        country="united-states",
    ),
    Actor(id="kim-jong-un", name="Kim Jong Un", type=ActorType.PERSON, country="north-korea"),
)

TITLE = "US threatens sanctions if North Korea sells arms to Russia"

VALID = """\
---
title: US threatens sanctions if North Korea sells arms to Russia
date: 2023-09-11
source: Al Jazeera
authors: [Jane Doe, John Roe]
dek: Biden administration says Vladimir Putin is begging Kim Jong Un for weapons.
dateline: Washington, DC
image:
  caption: A caption about arms
  credit: 'File: Nathan Howard/AP photo'
actors:
  - united-states
  - north-korea
  - matthew-miller
quotes:
  - speaker: matthew-miller
    text: I will remind both countries that any transfer of arms is a violation.
    verb: told reporters
  - speaker_name: Jane Roe
    text: We are watching the meeting very closely.
annotations:
  - quote: both countries
    kind: fact-check
    note: Both are under **sanctions**.
    prefix: remind
    suffix: that any
    claim: Both countries are under sanctions
    rating: "True"
seed: 000_fb03fb027bc92a78.txt
---

As Russian President Vladimir Putin prepares to meet North Korean leader Kim Jong Un.

Second paragraph.
"""
# The lines of fields in VALID, for the error tests below.
LINE = {
    "title": 2,
    "date": 3,
    "image": 8,
    "actors": 11,
    "actor 2": 13,
    "actor 3": 14,
    "quote 1": 16,
    "quote 2": 19,
    "annotation 1": 22,
    "body": 32,  # the first line of text after the closing fence and a blank line
}


def content_dir(tmp_path: Path) -> Path:
    return tmp_path / "content"


def write_article(
    tmp_path: Path, text: str, name: str = "us-threatens-sanctions.md", folder: str = "2023/09"
) -> Path:
    path = content_dir(tmp_path) / "articles" / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path) -> tuple[Article, ...]:
    return load_articles(content_dir(tmp_path), REGISTRY)


def load_error(tmp_path: Path, text: str, name: str = "us-threatens-sanctions.md") -> ContentError:
    path = write_article(tmp_path, text, name)
    with pytest.raises(ContentError) as caught:
        load(tmp_path)
    error = caught.value
    assert error.path == path
    assert error.fix
    return error


def edited(old: str, new: str) -> str:
    assert old in VALID, old
    return VALID.replace(old, new, 1)


# A valid article


def test_valid_article_loads_with_every_field(tmp_path: Path) -> None:
    path = write_article(tmp_path, VALID)
    (article,) = load(tmp_path)
    # Loading keeps no bodies; they are read again when their page renders.
    assert read_body(article) == (
        "As Russian President Vladimir Putin prepares to meet North Korean leader "
        "Kim Jong Un.\n\nSecond paragraph."
    )
    assert article.body == ""
    article = dataclasses.replace(article, body=read_body(article))
    # body_line is checked on its own below.
    assert dataclasses.replace(article, body_line=0, digest="") == Article(
        path=path,
        slug="us-threatens-sanctions",
        title="US threatens sanctions if North Korea sells arms to Russia",
        date=datetime.date(2023, 9, 11),
        body=(
            "As Russian President Vladimir Putin prepares to meet North Korean leader "
            "Kim Jong Un.\n\nSecond paragraph."
        ),
        body_line=0,
        source="Al Jazeera",
        authors=("Jane Doe", "John Roe"),
        dek="Biden administration says Vladimir Putin is begging Kim Jong Un for weapons.",
        dateline="Washington, DC",
        image=ArticleImage(caption="A caption about arms", credit="File: Nathan Howard/AP photo"),
        actors=("united-states", "north-korea", "matthew-miller"),
        quotes=(
            Quote(
                text="I will remind both countries that any transfer of arms is a violation.",
                speaker="matthew-miller",
                verb="told reporters",
                line=LINE["quote 1"],
            ),
            Quote(
                text="We are watching the meeting very closely.",
                speaker_name="Jane Roe",
                line=LINE["quote 2"],
            ),
        ),
        annotations=(
            Annotation(
                quote="both countries",
                kind=AnnotationKind.FACT_CHECK,
                note="Both are under **sanctions**.",
                prefix="remind",
                suffix="that any",
                claim="Both countries are under sanctions",
                rating="True",
                line=LINE["annotation 1"],
            ),
        ),
        seed="000_fb03fb027bc92a78.txt",
    )


def test_body_line_of_a_body_right_after_the_fence(tmp_path: Path) -> None:
    write_article(tmp_path, "---\ntitle: T\ndate: 2023-09-11\n---\nBody.\n", "t.md")
    (article,) = load(tmp_path)
    assert article.body_line == 5


def test_body_line_is_the_line_of_the_first_text_of_the_body(tmp_path: Path) -> None:
    write_article(tmp_path, VALID)
    (article,) = load(tmp_path)
    assert article.body_line == LINE["body"]


def test_minimal_article_needs_only_title_and_date(tmp_path: Path) -> None:
    write_article(tmp_path, "---\ntitle: Short\ndate: 2023-09-12\n---\nBody.\n", "short.md")
    (article,) = load(tmp_path)
    assert article.title == "Short"
    assert article.date == datetime.date(2023, 9, 12)
    assert read_body(article) == "Body."
    assert article.authors == article.actors == article.quotes == article.annotations == ()
    assert article.image is article.dek is article.source is article.seed is None


def test_annotation_kind_defaults_to_note(tmp_path: Path) -> None:
    write_article(tmp_path, edited("    kind: fact-check\n", ""))
    (article,) = load(tmp_path)
    assert article.annotations[0].kind is AnnotationKind.NOTE


def test_numbers_in_text_fields_are_kept_as_text(tmp_path: Path) -> None:
    write_article(tmp_path, edited("dateline: Washington, DC", "dateline: 1984"))
    (article,) = load(tmp_path)
    assert article.dateline == "1984"


def test_articles_are_loaded_in_path_order(tmp_path: Path) -> None:
    write_article(tmp_path, "---\ntitle: B\ndate: 2023-09-12\n---\n", "b.md")
    write_article(tmp_path, "---\ntitle: A\ndate: 2023-10-01\n---\n", "a.md", folder="2023/10")
    write_article(tmp_path, "---\ntitle: C\ndate: 2023-09-11\n---\n", "a.md")
    assert [a.title for a in load(tmp_path)] == ["C", "B", "A"]


def test_no_articles_folder_loads_nothing(tmp_path: Path) -> None:
    assert load(tmp_path) == ()


def test_crlf_and_bom_article_loads(tmp_path: Path) -> None:
    path = content_dir(tmp_path) / "articles" / "2023" / "09" / "windows.md"
    path.parent.mkdir(parents=True)
    path.write_bytes("\ufeff---\r\ntitle: Zoë\r\ndate: 2023-09-11\r\n---\r\nBody.\r\n".encode())
    (article,) = load(tmp_path)
    assert article.title == "Zoë"
    assert read_body(article) == "Body."


# Errors: each names the file, the line of the field, and a fix


def test_missing_title_is_an_error(tmp_path: Path) -> None:
    error = load_error(tmp_path, edited(f"title: {TITLE}\n", ""))
    assert error.what == "the article has no title"
    assert "title:" in (error.fix or "")
    assert error.line in (None, 1)  # the field is not there, so no line of its own


def test_empty_title_is_an_error_on_its_line(tmp_path: Path) -> None:
    error = load_error(tmp_path, edited(f"title: {TITLE}", "title: ''"))
    assert error.what == "the article has no title"
    assert error.line == LINE["title"]


@pytest.mark.parametrize("bad", ["yesterday", "11 September 2023", "2023-9-1", "[2023]"])
def test_bad_date_is_an_error_on_the_date_line(tmp_path: Path, bad: str) -> None:
    error = load_error(tmp_path, edited("date: 2023-09-11", f"date: {bad}"))
    assert error.line == LINE["date"]
    assert error.what.startswith("'date' must be a date like 2023-09-11")
    assert "YYYY-MM-DD" in (error.fix or "")
    assert f"{error.path}:{LINE['date']}: " in error.message()


@pytest.mark.parametrize("bad", ["2023-13-45", "2023-02-30"])
def test_impossible_date_is_an_error_on_the_date_line(tmp_path: Path, bad: str) -> None:
    error = load_error(tmp_path, edited("date: 2023-09-11", f"date: {bad}"))
    assert error.line == LINE["date"]
    assert bad in error.what


def test_missing_date_is_an_error(tmp_path: Path) -> None:
    error = load_error(tmp_path, edited("date: 2023-09-11\n", ""))
    assert error.what == "'date' must be a date like 2023-09-11, got nothing"


def test_unknown_actor_id_is_an_error_on_its_item_line_with_a_suggestion(tmp_path: Path) -> None:
    error = load_error(tmp_path, edited("  - matthew-miller\n", "  - matthew-millr\n"))
    assert error.line == LINE["actor 3"]
    assert error.what == "unknown actor id 'matthew-millr' (did you mean 'matthew-miller'?)"
    assert "actors.yaml" in (error.fix or "")


def test_unknown_actor_id_in_a_flow_list_is_an_error_on_the_key_line(tmp_path: Path) -> None:
    text = edited(
        "actors:\n  - united-states\n  - north-korea\n  - matthew-miller\n",
        "actors: [united-states, nort-korea]\n",
    )
    error = load_error(tmp_path, text)
    assert error.line == LINE["actors"]
    assert "did you mean 'north-korea'?" in error.what


def test_unknown_actor_far_from_every_id_has_no_suggestion(tmp_path: Path) -> None:
    error = load_error(tmp_path, edited("  - north-korea\n", "  - zzzzzz\n"))
    assert error.line == LINE["actor 2"]
    assert error.what == "unknown actor id 'zzzzzz'"


def test_unknown_field_is_an_error_with_did_you_mean(tmp_path: Path) -> None:
    error = load_error(tmp_path, edited("actors:\n", "actros:\n"))
    assert error.line == LINE["actors"]
    assert error.what == "unknown field 'actros' (did you mean 'actors'?)"
    assert "title, date" in (error.fix or "")


def test_quote_without_text_is_an_error_on_its_item_line(tmp_path: Path) -> None:
    text = edited("    text: We are watching the meeting very closely.\n", "")
    error = load_error(tmp_path, text)
    assert error.line == LINE["quote 2"]
    assert error.what == "quote 2 has no 'text'"
    assert "text:" in (error.fix or "")


def test_quote_with_unknown_speaker_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    error = load_error(tmp_path, edited("- speaker: matthew-miller", "- speaker: mathew-miller"))
    assert error.line == LINE["quote 1"]
    assert error.what == (
        "quote 1 has an unknown speaker 'mathew-miller' (did you mean 'matthew-miller'?)"
    )
    assert "speaker_name" in (error.fix or "")


def test_quote_without_any_speaker_is_an_error(tmp_path: Path) -> None:
    error = load_error(tmp_path, edited("  - speaker_name: Jane Roe\n    text:", "  - text:"))
    assert error.line == LINE["quote 2"]
    assert error.what == "quote 2 has no speaker"


def test_annotation_with_unknown_kind_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    error = load_error(tmp_path, edited("kind: fact-check", "kind: factcheck"))
    assert error.line == LINE["annotation 1"]
    assert error.what == "annotation 1 has an unknown kind 'factcheck' (did you mean 'fact-check'?)"
    assert error.fix == "use one of: context, fact-check, correction, note"


def test_annotation_without_note_is_an_error(tmp_path: Path) -> None:
    error = load_error(tmp_path, edited("    note: Both are under **sanctions**.\n", ""))
    assert error.line == LINE["annotation 1"]
    assert error.what == "annotation 1 has no 'note'"


def test_image_without_caption_is_an_error_on_the_image_line(tmp_path: Path) -> None:
    error = load_error(tmp_path, edited("  caption: A caption about arms\n", ""))
    assert error.line == LINE["image"]
    assert "'image' must have a 'caption'" in error.what
    assert "caption:" in (error.fix or "")


def test_file_name_that_is_not_a_slug_is_an_error(tmp_path: Path) -> None:
    error = load_error(tmp_path, VALID, name="US Threatens_Sanctions.md")
    assert error.what == "the file name 'US Threatens_Sanctions.md' is not a slug"
    assert "rename" in (error.fix or "")
    assert error.line == 1  # about the file, so it points at the start of it


def test_file_without_front_matter_is_an_error_on_line_1(tmp_path: Path) -> None:
    error = load_error(tmp_path, "Just a body.\n")
    assert error.line == 1


def test_invalid_yaml_is_an_error_on_its_file_line(tmp_path: Path) -> None:
    error = load_error(tmp_path, edited("dateline: Washington, DC", "dateline: [Washington, }"))
    assert error.line == 7
    assert error.what.startswith("invalid YAML")


def test_every_problem_of_one_file_is_reported(tmp_path: Path) -> None:
    text = edited("kind: fact-check", "kind: opinion").replace("actors:\n", "actros:\n")
    write_article(tmp_path, text)
    with pytest.raises(BuildErrors) as caught:
        load(tmp_path)
    lines = sorted((error.line, error.what) for error in caught.value.errors)
    assert lines == [
        (LINE["actors"], "unknown field 'actros' (did you mean 'actors'?)"),
        (LINE["annotation 1"], "annotation 1 has an unknown kind 'opinion'"),
    ]


def test_errors_in_several_files_are_all_reported_together(tmp_path: Path) -> None:
    first = write_article(tmp_path, edited("date: 2023-09-11", "date: yesterday"), "first.md")
    second = write_article(tmp_path, edited("  - north-korea\n", "  - north-kora\n"), "second.md")
    third = write_article(tmp_path, "---\ntitle: Fine\ndate: 2023-09-12\n---\n", "third.md")
    fourth = write_article(tmp_path, "---\ntitle: [\n---\n", "fourth.md", folder="2023/10")
    with pytest.raises(BuildErrors) as caught:
        load(tmp_path)
    errors = caught.value.errors
    assert [(error.path, error.line) for error in errors] == [
        (first, LINE["date"]),
        (second, LINE["actor 2"]),
        (fourth, 3),
    ]
    assert third not in {error.path for error in errors}
    assert caught.value.what == "3 errors in the content"
    message = caught.value.message()
    for error in errors:
        assert error.message() in message
    assert f"{first}:{LINE['date']}: 'date' must be a date" in message
    assert f"{second}:{LINE['actor 2']}: unknown actor id 'north-kora'" in message
    assert message.count("fix: ") == 3


def test_same_date_and_slug_twice_is_an_error(tmp_path: Path) -> None:
    first = write_article(tmp_path, VALID, "same-story.md")
    second = write_article(tmp_path, VALID, "same-story.md", folder="moved")
    with pytest.raises(ContentError) as caught:
        load(tmp_path)
    error = caught.value
    assert error.path == second
    assert str(first) in error.what
    assert "2023-09-11" in error.what and "'same-story'" in error.what
    assert error.fix == "rename one of the files"


def test_same_slug_on_different_dates_is_fine(tmp_path: Path) -> None:
    write_article(tmp_path, VALID, "same-story.md")
    write_article(tmp_path, edited("2023-09-11", "2023-09-12"), "same-story.md", folder="moved")
    assert len(load(tmp_path)) == 2


def test_non_utf8_file_is_an_error(tmp_path: Path) -> None:
    path = content_dir(tmp_path) / "articles" / "2023" / "09" / "latin1.md"
    path.parent.mkdir(parents=True)
    path.write_bytes("---\ntitle: Zoë\ndate: 2023-09-11\n---\n".encode("latin-1"))
    with pytest.raises(ContentError) as caught:
        load(tmp_path)
    assert caught.value.path == path
    assert "not UTF-8" in caught.value.what
    assert caught.value.fix == "save the file as UTF-8"


def test_non_utf8_file_is_reported_with_the_other_errors(tmp_path: Path) -> None:
    bad = content_dir(tmp_path) / "articles" / "2023" / "09" / "a-latin1.md"
    bad.parent.mkdir(parents=True)
    bad.write_bytes("---\ntitle: Zoë\ndate: 2023-09-11\n---\n".encode("latin-1"))
    other = write_article(tmp_path, edited("date: 2023-09-11", "date: soon"), "b-other.md")
    with pytest.raises(BuildErrors) as caught:
        load(tmp_path)
    assert [error.path for error in caught.value.errors] == [bad, other]


# Bounded: an article file over the size limit is reported, not read


def test_an_article_over_16_mib_is_an_error_naming_the_file_its_size_and_the_limit(
    tmp_path: Path,
) -> None:
    assert MAX_ARTICLE_BYTES == 16 * 1024 * 1024  # as the README and ingest's seeds say
    error = load_error(tmp_path, VALID + "word " * (MAX_ARTICLE_BYTES // 5), "huge.md")
    size = error.path.stat().st_size
    assert error.what == (
        f"the file is 16.0 MiB ({size:,} bytes), over the limit of "
        f"16.0 MiB ({MAX_ARTICLE_BYTES:,} bytes) for an article"
    )
    assert "split it" in (error.fix or "")


def test_an_article_that_grew_past_the_limit_since_its_size_was_taken_is_not_read_whole(
    tmp_path: Path,
) -> None:
    path = write_article(tmp_path, VALID, "grown.md")
    stamps = file_stamps(content_dir(tmp_path) / "articles")
    path.write_text(VALID + "x" * MAX_ARTICLE_BYTES, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_articles(content_dir(tmp_path), REGISTRY, stamps=stamps)
    assert caught.value.path == path
    assert "over the limit" in caught.value.what


def test_an_article_over_the_limit_is_reported_with_the_other_errors(tmp_path: Path) -> None:
    big = write_article(tmp_path, VALID + "x" * MAX_ARTICLE_BYTES, "a-big.md")
    other = write_article(tmp_path, edited("date: 2023-09-11", "date: soon"), "b-other.md")
    with pytest.raises(BuildErrors) as caught:
        load(tmp_path)
    assert [error.path for error in caught.value.errors] == [big, other]


def test_errors_are_marginalia_errors_so_the_cli_can_report_them(tmp_path: Path) -> None:
    write_article(tmp_path, edited("date: 2023-09-11", "date: soon"))
    with pytest.raises(MarginaliaError):
        load(tmp_path)


# The actor registry file


def test_load_actors_reads_the_registry(tmp_path: Path) -> None:
    folder = content_dir(tmp_path)
    folder.mkdir()
    (folder / "actors.yaml").write_text(
        "# registry\n"
        "- id: kim-jong-un\n"
        "  name: Kim Jong Un\n"
        "  type: person\n"
        "  aliases: [Kim Jong-un]\n"
        "  country: north-korea\n"
        "- id: north-korea\n"
        "  name: North Korea\n"
        "  type: country\n",
        encoding="utf-8",
    )
    assert load_actors(folder) == (
        Actor(
            id="kim-jong-un",
            name="Kim Jong Un",
            type=ActorType.PERSON,
            aliases=("Kim Jong-un",),
            country="north-korea",
        ),
        Actor(id="north-korea", name="North Korea", type=ActorType.COUNTRY),
    )


def test_missing_registry_is_empty(tmp_path: Path) -> None:
    assert load_actors(tmp_path) == ()


def test_registry_error_names_the_line_of_the_entry(tmp_path: Path) -> None:
    folder = content_dir(tmp_path)
    folder.mkdir()
    path = folder / "actors.yaml"
    path.write_text(
        "# registry\n\n- id: russia\n  name: Russia\n  type: country\n\n"
        "- id: kim\n  name: Kim\n  type: persn\n",
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as caught:
        load_actors(folder)
    assert caught.value.path == path
    assert caught.value.line == 7
    assert "did you mean 'person'?" in (caught.value.fix or "")


def test_registry_yaml_error_names_the_line(tmp_path: Path) -> None:
    folder = content_dir(tmp_path)
    folder.mkdir()
    (folder / "actors.yaml").write_text("- id: a\n  name: A\n  aliases: [x, }\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_actors(folder)
    assert caught.value.line == 3


def test_loaded_registry_validates_article_actors(tmp_path: Path) -> None:
    folder = content_dir(tmp_path)
    folder.mkdir()
    (folder / "actors.yaml").write_text(
        "- id: russia\n  name: Russia\n  type: country\n", encoding="utf-8"
    )
    write_article(tmp_path, "---\ntitle: T\ndate: 2023-09-11\nactors: [russia]\n---\n", "t.md")
    (article,) = load_articles(folder, load_actors(folder))
    assert article.actors == ("russia",)


def test_unknown_actor_ids_get_a_suggestion_for_the_first_few_only_so_a_big_file_is_quick(
    tmp_path: Path,
) -> None:
    import time

    known = tuple(Actor(f"person-{n}", f"P {n}", ActorType.PERSON) for n in range(2000))
    ids = ", ".join(f"persn-{n}" for n in range(2000))
    block = "actors:\n  - united-states\n  - north-korea\n  - matthew-miller\n"
    write_article(tmp_path, edited(block, f"actors: [{ids}]\n"))
    started = time.perf_counter()
    with pytest.raises(BuildErrors) as caught:
        load_articles(content_dir(tmp_path), known)
    assert time.perf_counter() - started < 10  # every one of 2,000 against 2,000: a minute
    whats = [error.what for error in caught.value.errors]
    assert whats[0] == "unknown actor id 'persn-0' (did you mean 'person-0'?)"
    assert "unknown actor id 'persn-1999'" in whats


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("!!binary aGVsbG8=", "'date' must be a date like 2023-09-11, got binary data"),
        ("[2023, 9, 11]", "'date' must be a date like 2023-09-11, got a list"),
        ("{year: 2023}", "'date' must be a date like 2023-09-11, got a mapping"),
        ("null", "'date' must be a date like 2023-09-11, got nothing (null)"),
    ],
)
def test_a_wrong_date_is_described_in_words_not_as_a_python_repr(
    tmp_path: Path, value: str, what: str
) -> None:
    assert load_error(tmp_path, edited("date: 2023-09-11", f"date: {value}")).what == what


def test_a_list_with_a_wrong_item_names_the_item_and_its_line(tmp_path: Path) -> None:
    text = edited("authors: [Jane Doe, John Roe]", "authors:\n- Jane Doe\n- [a, b]")
    error = load_error(tmp_path, text)
    assert error.what == "'authors' must be a list of names, but item 2 is a list"
    assert error.line == 7


def test_a_title_that_yaml_reads_as_a_number_or_a_date_is_kept_as_written(tmp_path: Path) -> None:
    write_article(
        tmp_path, edited(f"title: {TITLE}", "title: 1e3").replace("dek: ", "dek: 2024-01-02 #")
    )
    (article,) = load(tmp_path)
    assert article.title == "1e3"
    assert article.dek == "2024-01-02"


def test_an_event_code_with_a_leading_zero_is_not_read_as_an_octal_number(tmp_path: Path) -> None:
    write_article(
        tmp_path,
        VALID.replace(
            "annotations:",
            "events:\n- subject: united-states\n  object: north-korea\n"
            "  action: threatens\n  code: 0312\nannotations:",
            1,
        ),
    )
    (article,) = load(tmp_path)
    assert article.events[0].code == "0312"
