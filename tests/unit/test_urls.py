"""The URL scheme in one place: page paths, the files that serve them, and links under a
base path."""

from __future__ import annotations

import datetime as dt

import pytest

from generator import urls
from generator.urls import SLUG_MAX_LENGTH, Linker, slugify

DAY = dt.date(2023, 9, 1)


def test_every_page_path_is_relative_to_the_site_root() -> None:
    paths = [
        urls.home_path(),
        urls.editions_path(),
        urls.editions_path(3),
        urls.edition_path(DAY),
        urls.article_path(DAY, "a-slug"),
        urls.actors_path(),
        urls.actor_path("kim-jong-un"),
        urls.actor_path("kim-jong-un", 2),
        urls.feed_path(),
        urls.actor_feed_path("kim-jong-un"),
        urls.data_path("archive.json"),
        urls.search_path(),
        urls.not_found_path(),
        urls.static_path("site.css"),
    ]
    assert all(not path.startswith("/") for path in paths)
    assert len(set(paths)) == len(paths)


def test_the_first_page_of_a_listing_has_no_page_suffix() -> None:
    assert urls.editions_path(1) == urls.editions_path() == "editions/"
    assert urls.editions_path(2) == "editions/page/2/"
    assert urls.actor_path("russia", 1) == "actors/russia/"
    assert urls.actor_path("russia", 3) == "actors/russia/page/3/"


def test_an_article_path_pads_its_date() -> None:
    assert urls.article_path(dt.date(987, 1, 2), "x") == "0987/01/02/x/"


@pytest.mark.parametrize(
    ("path", "file"),
    [
        ("", "index.html"),
        ("actors/", "actors/index.html"),
        ("2023/09/01/a/", "2023/09/01/a/index.html"),
        ("feed.xml", "feed.xml"),
        ("404.html", "404.html"),
    ],
)
def test_a_folder_path_is_served_by_its_index_and_a_file_path_by_itself(
    path: str, file: str
) -> None:
    assert urls.output_file(path) == file


def test_links_carry_the_base_path_and_absolute_urls_the_base_url() -> None:
    linker = Linker(base_path="/gazette/", base_url="https://example.github.io/gazette/")
    assert linker.link("actors/") == "/gazette/actors/"
    assert linker.link("") == "/gazette/"
    assert linker.absolute("actors/") == "https://example.github.io/gazette/actors/"
    # A path from the host's root leaves the project's folder; a full URL stays as it is.
    assert linker.absolute("/robots.txt") == "https://example.github.io/robots.txt"
    assert linker.absolute("https://example.org/x") == "https://example.org/x"


def test_slugs_are_lowercase_ascii_words_joined_by_hyphens() -> None:
    assert slugify("Kim Jong Un meets Putin!") == "kim-jong-un-meets-putin"
    assert slugify("Élysée  —  Zürich") == "elysee-zurich"
    assert slugify("***") == ""


def test_a_long_slug_is_cut_at_a_word_boundary() -> None:
    slug = slugify(" ".join(["word"] * 40))
    assert len(slug) <= SLUG_MAX_LENGTH
    assert slug.split("-") == ["word"] * len(slug.split("-"))
    assert not slug.endswith("-")
