import datetime
from pathlib import Path

import pytest

from generator.content.frontmatter import describe, render_front_matter, split_front_matter
from generator.errors import ContentError

PATH = Path("content/articles/2023/09/an-article.md")


def split(text: str):
    return split_front_matter(text, path=PATH)


# Splitting


def test_plain_file_splits_into_data_and_body() -> None:
    front = split("---\ntitle: A headline\ndate: 2023-09-11\n---\nFirst paragraph.\n")
    assert front.data == {"title": "A headline", "date": datetime.date(2023, 9, 11)}
    assert front.body == "First paragraph.\n"
    assert front.body_line == 5


def test_crlf_line_endings_split_like_lf() -> None:
    front = split("---\r\ntitle: A headline\r\nactors: [a, b]\r\n---\r\nLine one.\r\nLine two.\r\n")
    assert front.data == {"title": "A headline", "actors": ["a", "b"]}
    assert front.body == "Line one.\nLine two.\n"
    assert "\r" not in front.body
    assert front.key_lines == {"title": 2, "actors": 3}
    assert front.body_line == 5


def test_byte_order_mark_before_the_fence_is_ignored() -> None:
    front = split("\ufeff---\ntitle: A headline\n---\nBody.")
    assert front.data == {"title": "A headline"}
    assert front.body == "Body."
    assert front.key_lines == {"title": 2}


def test_bom_and_crlf_together() -> None:
    front = split("\ufeff---\r\ntitle: Zoë\r\n---\r\nBody.\r\n")
    assert front.data == {"title": "Zoë"}
    assert front.body == "Body.\n"


def test_empty_front_matter_gives_empty_data() -> None:
    front = split("---\n---\nBody.")
    assert front.data == {}
    assert front.body == "Body."
    assert front.body_line == 3


def test_dots_close_the_front_matter_too() -> None:
    front = split("---\ntitle: T\n...\nBody.")
    assert front.data == {"title": "T"}
    assert front.body == "Body."


def test_missing_opening_fence_is_an_error_on_line_1() -> None:
    with pytest.raises(ContentError) as caught:
        split("title: A headline\n---\nBody.")
    error = caught.value
    assert error.path == PATH
    assert error.line == 1
    assert "does not start with front matter" in error.what
    assert error.fix is not None and "'---'" in error.fix
    assert f"{PATH}:1" in error.message()


def test_unclosed_front_matter_is_an_error_with_a_line() -> None:
    with pytest.raises(ContentError) as caught:
        split("---\ntitle: A headline\ndate: 2023-09-11\nBody without a fence.\n")
    error = caught.value
    assert error.path == PATH
    assert error.line == 1
    assert "never closed" in error.what
    assert error.fix is not None and "---" in error.fix


def test_yaml_syntax_error_names_the_line_in_the_file_not_in_the_yaml() -> None:
    # The bad line is line 4 of the file, and line 3 of the YAML between the fences.
    text = "---\ntitle: A headline\ndate: 2023-09-11\nactors: [a, }\nseed: x.txt\n---\nBody.\n"
    with pytest.raises(ContentError) as caught:
        split(text)
    error = caught.value
    assert error.path == PATH
    assert error.what.startswith("invalid YAML")
    assert error.line == 4
    assert f"{PATH}:4:" in error.message()
    assert error.fix is not None


def test_yaml_error_line_is_offset_by_the_opening_fence() -> None:
    # A tab-indented key: the scanner fails on the line of the tab itself.
    text = "---\ntitle: A headline\nsource: X\nimage:\n\tcaption: c\n---\nBody.\n"
    with pytest.raises(ContentError) as caught:
        split(text)
    assert caught.value.line == 5


def test_yaml_error_on_a_colon_in_a_value_names_its_file_line() -> None:
    text = "---\ntitle: A headline\ndate: 2023-09-11\ndek: a: b\n---\nBody.\n"
    with pytest.raises(ContentError) as caught:
        split(text)
    assert caught.value.line == 4
    assert "quotes" in (caught.value.fix or "")


def test_front_matter_that_is_not_a_mapping_is_an_error() -> None:
    with pytest.raises(ContentError) as caught:
        split("---\n- a\n- b\n---\nBody.")
    assert caught.value.line == 2
    assert "mapping" in caught.value.what


# Line numbers


def test_key_lines_are_one_based_lines_in_the_file() -> None:
    text = (
        "---\n"  # 1
        "title: A headline\n"  # 2
        "date: 2023-09-11\n"  # 3
        "\n"  # 4
        "image:\n"  # 5
        "  caption: A caption\n"  # 6
        "  credit: 'AP'\n"  # 7
        "actors: [a, b]\n"  # 8
        "---\n"  # 9
        "Body.\n"
    )
    front = split(text)
    assert front.key_lines == {"title": 2, "date": 3, "image": 5, "actors": 8}
    assert front.body_line == 10
    assert front.line_of("image") == 5
    assert front.line_of("missing") is None


def test_item_lines_point_at_each_block_list_item() -> None:
    text = (
        "---\n"  # 1
        "title: T\n"  # 2
        "quotes:\n"  # 3
        "  - speaker: a\n"  # 4
        "    text: First quote.\n"  # 5
        "  - speaker: b\n"  # 6
        "    text: Second quote.\n"  # 7
        "annotations:\n"  # 8
        "- quote: words\n"  # 9
        "  note: |\n"  # 10
        "    - a bullet inside the note\n"  # 11
        "  kind: note\n"  # 12
        "- quote: other words\n"  # 13
        "  note: n\n"  # 14
        "---\n"
        "Body.\n"
    )
    front = split(text)
    assert front.item_lines["quotes"] == (4, 6)
    assert front.item_lines["annotations"] == (9, 13)
    assert front.item_lines["title"] == ()
    assert front.line_of("quotes", 1) == 6
    assert front.line_of("annotations", 0) == 9


def test_line_of_an_item_past_the_list_falls_back_to_the_key() -> None:
    front = split("---\nactors: [a, b]\n---\n")
    assert front.item_lines["actors"] == ()
    assert front.line_of("actors", 1) == 2


# Rendering


def test_render_then_split_round_trips_data_and_body() -> None:
    data = {
        "title": "US threatens sanctions: a test",
        "date": datetime.date(2023, 9, 11),
        "source": "Al Jazeera",
        "authors": [],
        "dek": "Yes",
        "image": {"caption": "A caption", "credit": "File: Nathan Howard/AP photo"},
        "actors": ["united-states", "north-korea"],
        "quotes": [{"speaker": "matthew-miller", "text": "I will remind both countries."}],
        "annotations": [{"quote": "x", "kind": "context", "note": "# not a heading\n- nor a list"}],
        "seed": "000_fb03fb027bc92a78.txt",
    }
    body = "First paragraph.\n\nSecond paragraph.\n---\nnot a fence"
    text = render_front_matter(data, body)
    front = split(text)
    assert front.data == data
    assert front.body == body + "\n"
    assert list(front.data) == list(data)  # key order kept


def test_render_puts_each_top_level_key_on_its_own_line() -> None:
    text = render_front_matter({"title": "T", "date": datetime.date(2023, 9, 11)}, "Body.")
    assert text == "---\ntitle: T\ndate: 2023-09-11\n---\nBody.\n"


def test_lists_of_scalars_are_rendered_in_flow_style() -> None:
    text = render_front_matter({"actors": ["russia", "north-korea"], "authors": []}, "B")
    assert "actors: [russia, north-korea]\n" in text
    assert "authors: []\n" in text


def test_lists_of_mappings_are_rendered_as_blocks() -> None:
    text = render_front_matter({"quotes": [{"speaker": "a", "text": "b"}]}, "B")
    assert "quotes:\n- speaker: a\n  text: b\n" in text


def test_unicode_is_kept_readable_not_escaped() -> None:
    data = {"title": "Zoë’s café in Ōsaka — “quoted”", "authors": ["Søren Kierkegaard"]}
    text = render_front_matter(data, "Ünïcödé body")
    assert "Zoë’s café in Ōsaka — “quoted”" in text
    assert "Søren Kierkegaard" in text
    assert "\\u" not in text and "\\x" not in text
    assert split(text).data == data


def test_long_values_are_not_folded_over_lines() -> None:
    long_title = " ".join(["word"] * 200)
    text = render_front_matter({"title": long_title}, "B")
    assert f"title: {long_title}\n" in text


def test_render_strips_trailing_blank_lines_of_the_body() -> None:
    assert render_front_matter({"title": "T"}, "Body.\n\n\n").endswith("---\nBody.\n")


# Hostile front matter: nothing silently lost, nothing unbounded


def test_a_key_written_twice_is_an_error_naming_both_lines() -> None:
    text = "---\ntitle: First\ndate: 2024-01-02\ntitle: Second\n---\nBody\n"
    with pytest.raises(ContentError) as caught:
        split_front_matter(text, path=PATH)
    error = caught.value
    assert error.line == 4
    assert error.what == "the key 'title' is written twice (first on line 2)"
    assert "drop" in (error.fix or "")


def test_a_key_written_twice_inside_an_entry_is_an_error_on_its_line() -> None:
    text = "---\nquotes:\n- text: a\n  speaker: x\n  text: b\n---\n"
    with pytest.raises(ContentError) as caught:
        split_front_matter(text, path=PATH)
    assert (caught.value.line, caught.value.what) == (
        5,
        "the key 'text' is written twice (first on line 3)",
    )


def test_a_merge_key_may_be_overridden_by_the_keys_after_it() -> None:
    text = "---\nbase: &b {caption: a, credit: b}\nimage:\n  <<: *b\n  credit: c\n---\n"
    data = split_front_matter(text, path=PATH).data
    assert data["image"] == {"caption": "a", "credit": "c"}


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("1e3", "1e3"),
        ("0312", "0312"),
        ("1_000", "1_000"),
        (".inf", ".inf"),
        ("7" * 5000, "7" * 5000),
    ],
)
def test_numbers_stay_the_text_the_editor_wrote(written: str, kept: str) -> None:
    data = split_front_matter(f"---\ndek: {written}\n---\n", path=PATH).data
    assert data["dek"] == kept


def test_dates_are_still_dates() -> None:
    data = split_front_matter("---\ndate: 2024-01-02\n---\n", path=PATH).data
    assert data["date"] == datetime.date(2024, 1, 2)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (None, "nothing (null)"),
        (True, "a yes/no value (true)"),
        (datetime.date(2023, 9, 11), "the date 2023-09-11"),
        (b"\x00", "binary data"),
        ({"a": 1}, "a mapping"),
        ({"a"}, "a set"),
        ([1, [2]], "a list"),
        ("a  long\ntext " * 20, "the text '" + ("a long text " * 5)[:59] + "…'"),
    ],
)
def test_values_are_described_in_words_never_as_python_reprs(value: object, words: str) -> None:
    assert describe(value) == words


def test_a_number_too_long_for_python_to_print_is_described_without_failing() -> None:
    assert describe(10**5000) == "the number (too long to show)"


def test_describing_aliases_that_expand_to_a_billion_items_is_instant() -> None:
    value: list[object] = ["lol"] * 10
    for _ in range(9):
        value = [value] * 10
    assert describe(value) == "a list"
