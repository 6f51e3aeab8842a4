"""The search index: words, postings, files, the word cache, and the index in a build."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import pickle
import random
import shutil
from array import array
from dataclasses import replace
from itertools import accumulate
from pathlib import Path

import pytest

import generator.build.build
import generator.plan.search
from generator.build.build import build
from generator.build.cache import CACHE_DIR, CODE_DIGEST
from generator.build.search_cache import WORD_CACHE_FILE, read_word_cache, write_word_cache
from generator.config import SiteConfig, load_config, parse_config
from generator.content.actors import Actor, ActorType
from generator.content.loading import read_body
from generator.content.types import Article, ArticleImage, text_digest
from generator.errors import ConfigError, OutputError, TemplateError
from generator.plan.opendata import BodyText
from generator.plan.search import (
    DATA_PATH,
    SHARD_LETTERS,
    ArticleWords,
    Facet,
    Field,
    article_words,
    facet_file,
    facet_value_file,
    find_words,
    index_digest,
    index_files,
    plan_search_index,
    shard_file,
    words,
)
from tests.support import REPO, golden_project, parse_page, visible_text
from tests.support import site_tree as site_files

FIXTURE = REPO / "tests" / "fixtures" / "golden"

SEP_11 = dt.date(2023, 9, 11)
SEP_12 = dt.date(2023, 9, 12)

SHOIGU = Actor(
    id="sergei-shoigu", name="Sergei Shoigu", type=ActorType.PERSON, aliases=("Sergey Shoygu",)
)
RUSSIA = Actor(id="russia", name="Russia", type=ActorType.COUNTRY)
ACTORS = {actor.id: actor for actor in (SHOIGU, RUSSIA)}


def article(slug: str, date: dt.date, body: str, **fields: object) -> Article:
    fields.setdefault("title", slug.replace("-", " ").capitalize())
    return Article(
        path=Path(f"content/articles/{date:%Y/%m}/{slug}.md"),
        slug=slug,
        date=date,
        body=body,
        body_line=5,
        digest=text_digest(f"{slug}\n{body}\n{sorted(fields.items())}"),
        **fields,  # type: ignore[arg-type]
    )


SEED = article(
    "us-threatens-sanctions",
    SEP_11,
    "The Russian president travelled to Vladivostok, where he met Kim in 2019.",
    title="US threatens sanctions",
    dek="Washington warns Moscow.",
    actors=("sergei-shoigu",),
)
LATER = article("talks-resume", SEP_12, "Talks resume in Geneva.", dek="A second round.")
EARLIER = article("ministers-meet", SEP_11, "Ministers meet in Vladivostok.")


def decoded(postings: list[int]) -> list[tuple[int, int]]:
    """(article number, fields) from a word's postings."""
    found, number = [], 0
    for value in postings:
        number += value >> 4
        found.append((number, value & 15))
    return found


def term_file(files: dict[str, str], word: str) -> dict[str, list[int]]:
    return json.loads(files[f"{DATA_PATH}terms/{shard_file(word[:SHARD_LETTERS])}.json"])


def postings_of(files: dict[str, str], word: str) -> list[tuple[int, int]]:
    return decoded(term_file(files, word)[word])


# ---------------------------------------------------------------------------
# Words


def test_words_are_lowercase_unaccented_and_split_at_anything_but_letters_and_digits() -> None:
    assert words("Zürich’s São-Paulo, in 2023: Ελλάδα and МОСКВА!") == [
        "zurich",
        "sao",
        "paulo",
        "in",
        "2023",
        "ελλαδα",
        "and",
        "москва",
    ]


def test_one_letter_words_are_not_kept() -> None:
    assert words("a b Putin’s US") == ["putin", "us"]


def test_decomposed_and_precomposed_accents_give_the_same_word() -> None:
    assert words("Zoe\u0308") == words("Zoë") == ["zoe"]


def test_article_words_skip_link_addresses_but_keep_link_text() -> None:
    found = article_words(
        article(
            "report",
            SEP_11,
            "A [full report](https://example.org/reports/2404) and https://x.io/y.",
        )
    )
    assert set(found.text.split()) == {"full", "report", "and"}


def test_article_words_take_title_dek_and_text_apart() -> None:
    found = article_words(
        replace(
            SEED,
            dateline="Washington, DC",
            source="Al Jazeera",
            authors=("Jane Doe",),
            image=ArticleImage(caption="Miller speaks", credit="AP photo"),
        )
    )
    assert set(found.title.split()) == {"us", "threatens", "sanctions"}
    assert set(found.dek.split()) == {"washington", "warns", "moscow"}
    text = set(found.text.split())
    assert {"vladivostok", "2019", "dc", "jazeera", "jane", "miller", "ap"} <= text


def test_article_words_read_the_body_of_a_loaded_article_from_its_file(tmp_path: Path) -> None:
    text = "---\ntitle: Talks\ndate: 2023-09-12\n---\nDelegates met in Geneva.\n"
    path = tmp_path / "talks.md"
    path.write_text(text, encoding="utf-8")
    loaded = replace(LATER, path=path, body="", digest=text_digest(text))
    found = article_words(loaded, body_text=read_body)
    assert set(found.text.split()) == {"delegates", "met", "in", "geneva"}


def test_many_articles_are_read_alike_in_several_processes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(generator.plan.search, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(generator.plan.search, "BATCH_SIZE", 1)
    articles = [SEED, LATER, EARLIER]
    assert find_words(articles, workers=2) == find_words(articles, workers=1)


# ---------------------------------------------------------------------------
# The index files


def test_articles_are_numbered_by_date_then_path() -> None:
    files = plan_search_index([LATER, SEED, EARLIER], ACTORS).files
    docs = json.loads(files[f"{DATA_PATH}docs/0.json"])
    assert [doc[0] for doc in docs] == [
        "2023/09/11/ministers-meet/",
        "2023/09/11/us-threatens-sanctions/",
        "2023/09/12/talks-resume/",
    ]
    assert docs[1] == [
        "2023/09/11/us-threatens-sanctions/",
        "US threatens sanctions",
        "2023-09-11",
        "",
    ]


def test_meta_lists_the_articles_of_each_date_and_the_term_files() -> None:
    files = plan_search_index([LATER, SEED, EARLIER], ACTORS).files
    meta = json.loads(files[f"{DATA_PATH}meta.json"])
    assert meta["count"] == 3
    assert meta["dates"] == [["2023-09-11", 0, 2], ["2023-09-12", 2, 1]]
    assert meta["shardLetters"] == SHARD_LETTERS
    term_files = {path for path in files if path.startswith(f"{DATA_PATH}terms/")}
    assert term_files == {f"{DATA_PATH}terms/{shard_file(key)}.json" for key in meta["shards"]}


def test_a_word_lists_the_articles_it_is_in_with_the_fields_it_is_in() -> None:
    files = plan_search_index([LATER, SEED, EARLIER], ACTORS).files
    assert postings_of(files, "vladivostok") == [(0, Field.TEXT), (1, Field.TEXT)]
    assert postings_of(files, "sanctions") == [(1, Field.TITLE)]
    assert postings_of(files, "moscow") == [(1, Field.DEK)]
    assert postings_of(files, "geneva") == [(2, Field.TEXT)]


def test_actor_names_and_aliases_are_words_of_the_articles_they_are_in() -> None:
    files = plan_search_index([LATER, SEED, EARLIER], ACTORS).files
    assert postings_of(files, "shoigu") == [(1, Field.ACTOR)]
    assert postings_of(files, "shoygu") == [(1, Field.ACTOR)]
    assert "russia" not in term_file(files, "russia")  # an actor no article names


def test_a_word_in_several_fields_weighs_their_sum() -> None:
    both = replace(SEED, body="Sanctions were threatened.")
    files = plan_search_index([both], ACTORS).files
    assert postings_of(files, "sanctions") == [(0, Field.TITLE | Field.TEXT)]


def test_words_are_filed_by_their_first_three_letters() -> None:
    files = plan_search_index([SEED, LATER, EARLIER], ACTORS).files
    assert set(term_file(files, "vladivostok")) == {"vladivostok"}
    assert {"talks"} <= set(term_file(files, "tal"))
    assert set(term_file(files, "in")) == {"in"}  # a two-letter word has a file of its own
    assert shard_file("zur") == "zur"
    assert shard_file("ελλ") == "x" + "ελλ".encode().hex()


def test_the_same_articles_in_any_order_give_the_same_bytes() -> None:
    articles = [SEED, LATER, EARLIER]
    first = plan_search_index(articles, ACTORS).files
    random.Random(7).shuffle(articles)
    assert plan_search_index(articles, ACTORS).files == first


def test_known_words_are_reused_rather_than_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    cold = plan_search_index([SEED, LATER], ACTORS)
    read = WordsRead(monkeypatch)
    edited = replace(LATER, body="Talks resume in Oslo.", digest="edited")
    warm = plan_search_index([SEED, edited], ACTORS, known_words=cold.words)
    assert read.slugs == ["talks-resume"]
    assert warm.files == plan_search_index([SEED, edited], ACTORS).files
    assert set(warm.words) == {SEED.digest, "edited"}


def test_the_version_changes_with_the_files_and_only_with_them() -> None:
    def version(articles: list[Article], actors: dict[str, Actor]) -> str:
        files = plan_search_index(articles, actors).files
        return json.loads(files[f"{DATA_PATH}meta.json"])["version"]

    base = version([SEED, LATER], ACTORS)
    assert version([SEED, LATER], {**ACTORS, "russia": replace(RUSSIA, name="Rossiya")}) == base
    assert version([SEED, replace(LATER, body="Talks resume in Oslo.")], ACTORS) != base


def test_index_digest_follows_the_articles_files_and_the_actors_names() -> None:
    digest = index_digest([SEED, LATER], ACTORS, "code")
    assert index_digest([LATER, SEED], ACTORS, "code") == digest
    assert index_digest([SEED, replace(LATER, digest="other")], ACTORS, "code") != digest
    assert index_digest([SEED, replace(LATER, slug="moved")], ACTORS, "code") != digest
    renamed = {**ACTORS, SHOIGU.id: replace(SHOIGU, aliases=())}
    assert index_digest([SEED, LATER], renamed, "code") != digest
    assert index_digest([SEED, LATER], ACTORS, "other code") != digest


def test_index_files_are_the_outputs_under_the_search_data_folder() -> None:
    outputs = ["search/index.html", f"{DATA_PATH}meta.json", "data/archive.json", "index.html"]
    assert index_files(outputs) == [f"{DATA_PATH}meta.json"]


# ---------------------------------------------------------------------------
# The word cache


def test_word_cache_round_trips(tmp_path: Path) -> None:
    path = tmp_path / ".cache" / WORD_CACHE_FILE
    entries = plan_search_index([SEED, LATER], ACTORS).words
    write_word_cache(path, entries, code="code")
    assert read_word_cache(path, code="code") == entries


def test_word_cache_appends_new_words_and_reads_them_back(tmp_path: Path) -> None:
    path = tmp_path / WORD_CACHE_FILE
    first = plan_search_index([SEED, LATER], ACTORS).words
    write_word_cache(path, first, code="code")
    size = path.stat().st_size
    second = plan_search_index([EARLIER, SEED, LATER], ACTORS, known_words=first).words
    write_word_cache(path, second, code="code", stored=read_word_cache(path, code="code"))
    assert size < path.stat().st_size < 2 * size  # appended, not rewritten
    assert read_word_cache(path, code="code") == second


def test_word_cache_is_rewritten_once_many_entries_are_unused(tmp_path: Path) -> None:
    path = tmp_path / WORD_CACHE_FILE
    first = plan_search_index([SEED, LATER], ACTORS).words
    write_word_cache(path, first, code="code")
    edited = dataclasses.replace(SEED, body="Other words entirely.", digest="edited")
    second = plan_search_index([edited, LATER], ACTORS, known_words=first).words
    # One of two entries unused is past the share: the file holds the new entries only.
    write_word_cache(path, second, code="code", stored=first)
    assert read_word_cache(path, code="code") == second


def test_word_cache_with_a_broken_append_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / WORD_CACHE_FILE
    write_word_cache(path, plan_search_index([SEED], ACTORS).words, code="code")
    with path.open("ab") as file:
        file.write(pickle.dumps(("code", {"x": ("a", "b", "c")}))[:-3])
    assert read_word_cache(path, code="code") == {}


def test_word_cache_from_other_code_missing_or_broken_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / WORD_CACHE_FILE
    assert read_word_cache(path, code="code") == {}
    write_word_cache(path, plan_search_index([SEED], ACTORS).words, code="old code")
    assert read_word_cache(path, code="code") == {}
    path.write_bytes(b"not a pickle")
    assert read_word_cache(path, code="code") == {}


# ---------------------------------------------------------------------------
# Settings


def test_search_is_on_unless_turned_off() -> None:
    assert SiteConfig().search is True
    assert parse_config({"search": False}, path=None).search is False


def test_search_setting_must_be_true_or_false() -> None:
    with pytest.raises(ConfigError, match="'search' must be true or false"):
        parse_config({"search": "yes"}, path=None)


# ---------------------------------------------------------------------------
# The index in a build


def make_project(tmp_path: Path) -> Path:
    return golden_project(tmp_path / "project")


def build_project(root: Path, **settings: object) -> generator.build.build.BuildReport:
    return build(root, replace(load_config(root), **settings))


def search_files(site: Path) -> dict[str, tuple[bytes, int]]:
    return {
        path.relative_to(site).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted((site / DATA_PATH).rglob("*"))
        if path.is_file()
    }


class Planned:
    """Counts how often a build plans the search index."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        original = generator.build.build.plan_search_index

        def counting(*args: object, **kwargs: object) -> generator.plan.search.SearchIndex:
            self.count += 1
            return original(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(generator.build.build, "plan_search_index", counting)


class WordsRead:
    """Records the slug of each article whose words are read (search.article_words)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.slugs: list[str] = []
        original = generator.plan.search.article_words

        def counting(article: Article, *, body_text: BodyText) -> ArticleWords:
            self.slugs.append(article.slug)
            return original(article, body_text=body_text)

        monkeypatch.setattr(generator.plan.search, "article_words", counting)


def masthead_links(path: Path) -> list[tuple[str, str]]:
    """(text, href) of each link in the masthead's navigation of a built page."""
    nav = parse_page(path).select_one("header.masthead nav.masthead-nav")
    return [(visible_text(link), link["href"]) for link in nav.find_all("a")]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = make_project(tmp_path)
    build_project(root)
    return root


def test_a_build_writes_the_search_page_its_link_and_the_index(project: Path) -> None:
    site = project / "site"
    page = parse_page(site / "search" / "index.html")
    assert page.select_one("form.search-form")["data-index"] == "/gazette/search/data/"
    noscript = page.find("noscript")
    assert noscript is not None and "needs JavaScript" in visible_text(noscript)
    assert ("Search", "/gazette/search/") in masthead_links(site / "index.html")
    meta = json.loads((site / DATA_PATH / "meta.json").read_text(encoding="utf-8"))
    assert meta["count"] == 4
    assert (project / CACHE_DIR / WORD_CACHE_FILE).is_file()


def test_a_rebuild_with_no_change_keeps_every_index_file(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = search_files(project / "site")
    planned = Planned(monkeypatch)
    report = build_project(project)
    assert report.rendered == 0
    assert planned.count == 0
    assert search_files(project / "site") == before


def test_a_template_edit_rebuilds_pages_but_not_the_index(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = search_files(project / "site")
    footer = project / "templates" / "partials" / "footer.html"
    footer.write_text(footer.read_text(encoding="utf-8") + "<!-- edited -->\n", encoding="utf-8")
    planned = Planned(monkeypatch)
    report = build_project(project)
    assert report.rendered > 0
    assert planned.count == 0
    assert search_files(project / "site") == before
    # Recorded as outputs: a build that walks the whole site for strays keeps them.
    build_project(project)
    assert search_files(project / "site") == before


def test_an_article_edit_reindexes_reading_only_that_article(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    river = project / "content" / "articles" / "2024" / "01" / "river-levels-fall.md"
    river.write_text(
        river.read_text(encoding="utf-8") + "Boatmen moored at Vladivostok.\n", encoding="utf-8"
    )
    read = WordsRead(monkeypatch)
    build_project(project)
    assert read.slugs == ["river-levels-fall"]
    files = {
        path: (project / "site" / path).read_text(encoding="utf-8")
        for path in index_files(site_files(project / "site"))
    }
    assert postings_of(files, "vladivostok") == [(1, Field.TEXT)]
    # The same bytes as a clean build of the same inputs.
    clean = tmp_path / "clean"
    shutil.copytree(project, clean, ignore=shutil.ignore_patterns(CACHE_DIR, "site"))
    build_project(clean)
    assert site_files(project / "site") == site_files(clean / "site")


def test_a_failed_build_leaves_the_previous_index_in_place(project: Path) -> None:
    before = search_files(project / "site")
    river = project / "content" / "articles" / "2024" / "01" / "river-levels-fall.md"
    river.write_text(river.read_text(encoding="utf-8") + "New words here.\n", encoding="utf-8")
    (project / "templates" / "search.html").write_text("{% broken", encoding="utf-8")
    with pytest.raises(TemplateError):
        build_project(project)
    assert search_files(project / "site") == before


def test_a_build_that_fails_while_indexing_changes_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = project / "site"
    before = {
        path.relative_to(site).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in site.rglob("*")
        if path.is_file()
    }
    river = project / "content" / "articles" / "2024" / "01" / "river-levels-fall.md"
    river.write_text(river.read_text(encoding="utf-8") + "New words here.\n", encoding="utf-8")

    def failing(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(generator.build.build, "plan_search_index", failing)
    with pytest.raises(OutputError, match="disk full"):
        build_project(project)
    after = {
        path.relative_to(site).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in site.rglob("*")
        if path.is_file()
    }
    assert after == before
    assert not (project / ".site.marginalia" / "staging").exists()


def test_a_touched_index_file_is_put_right(project: Path) -> None:
    site = project / "site"
    before = {path: data for path, (data, _) in search_files(site).items()}
    meta = site / DATA_PATH / "meta.json"
    meta.write_text("{}", encoding="utf-8")
    build_project(project)
    assert {path: data for path, (data, _) in search_files(site).items()} == before


def test_search_off_removes_the_page_the_link_and_the_index(project: Path) -> None:
    with_search = site_files(project / "site")
    build_project(project, search=False)
    site = project / "site"
    assert not (site / "search").exists()
    links = masthead_links(site / "index.html")
    assert "Search" not in [text for text, _ in links]
    assert "/gazette/search/" not in [href for _, href in links]
    build_project(project, search=True)
    assert site_files(site) == with_search


def test_a_full_build_reads_every_article_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = project / CACHE_DIR / WORD_CACHE_FILE
    assert len(read_word_cache(cache, code=CODE_DIGEST)) == 4
    read = WordsRead(monkeypatch)
    build(project, load_config(project), full=True)
    assert len(read.slugs) == 4


def _index_of(articles, *, previous=None, known=None):
    return plan_search_index(articles, ACTORS, previous=previous, known_words=known)


@pytest.mark.parametrize(
    "edited",
    [
        article(
            "us-threatens-sanctions",
            SEP_11,
            "The president travelled to Vladivostok and Khabarovsk, where he met Kim.",
            title="US threatens sanctions",
            dek="Washington warns Moscow.",
            actors=("sergei-shoigu",),
        ),
        article(
            "us-threatens-sanctions",
            SEP_11,
            "The Russian president travelled to Vladivostok, where he met Kim in 2019.",
            title="US threatens new sanctions",
            dek="Washington warns Moscow.",
            actors=("russia",),
        ),
    ],
    ids=["body", "title-and-actors"],
)
def test_an_edit_updates_the_kept_index_to_exactly_a_fresh_one(edited: Article) -> None:
    before = [EARLIER, SEED, LATER]
    first = _index_of(before)
    after = [EARLIER, edited, LATER]
    updated = _index_of(after, previous=first.state, known=first.words)
    fresh = _index_of(after)
    assert updated.files == fresh.files
    assert dict(updated.state.postings) == dict(fresh.state.postings)
    assert updated.words == fresh.words
    assert updated.files != first.files


def test_an_edit_encodes_again_only_the_words_whose_postings_changed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = _index_of([EARLIER, SEED, LATER])
    kept = dict(first.files)
    # One word more ("zanzibar", a shard of its own), the others with the fields they had.
    edited = replace(SEED, body=SEED.body + " Zanzibar.", digest="edited")
    encoded: list[list[int]] = []
    original = generator.plan.search._delta_encoded

    def counting(numbers: array[int]) -> list[int]:
        encoded.append(original(numbers))
        return encoded[-1]

    monkeypatch.setattr(generator.plan.search, "_delta_encoded", counting)
    updated = _index_of([EARLIER, edited, LATER], previous=first.state, known=first.words)
    assert encoded == [[(1 << 4) | Field.TEXT]]
    changed = {path for path, text in updated.files.items() if kept.get(path) != text}
    assert changed == {f"{DATA_PATH}terms/zan.json", f"{DATA_PATH}meta.json"}
    monkeypatch.undo()
    assert updated.files == _index_of([EARLIER, edited, LATER]).files


def test_a_kept_index_that_does_not_match_is_not_trusted() -> None:
    first = _index_of([EARLIER, SEED, LATER])
    broken = dataclasses.replace(first.state, postings={})
    edited = dataclasses.replace(SEED, body="Other words entirely.", digest="changed")
    rebuilt = _index_of([EARLIER, edited, LATER], previous=broken, known=first.words)
    assert rebuilt.files == _index_of([EARLIER, edited, LATER]).files


# ---------------------------------------------------------------------------
# Facets: what a search can be narrowed by


def facet_values(files: dict[str, str], facet: Facet) -> dict[str, tuple[str, list[int]]]:
    """id -> (name, article numbers) from a facet file."""
    values = json.loads(files[facet_file(facet)])
    assert [value[0] for value in values] == sorted(value[0] for value in values)
    return {value_id: (name, list(accumulate(deltas))) for value_id, name, deltas in values}


def test_facets_list_each_actor_source_and_topic_with_its_articles() -> None:
    first = replace(EARLIER, source="Le Monde", tags=("Arms Trade", "water"))
    second = replace(SEED, source="Al Jazeera", tags=("arms trade",), actors=("sergei-shoigu",))
    third = replace(LATER, source="Le Monde", tags=("Arms Trade",), actors=("russia", "nobody"))
    files = _index_of([third, second, first]).files
    # Numbered by date then path: ministers-meet 0, us-threatens-sanctions 1, talks-resume 2.
    assert facet_values(files, Facet.SOURCE) == {
        "Al Jazeera": ("Al Jazeera", [1]),
        "Le Monde": ("Le Monde", [0, 2]),
    }
    assert facet_values(files, Facet.TOPIC) == {
        "arms-trade": ("Arms Trade", [0, 1, 2]),
        "water": ("water", [0]),
    }
    # An actor missing from the registry is still a value, named by its id.
    assert facet_values(files, Facet.ACTOR) == {
        "nobody": ("nobody", [2]),
        "russia": ("Russia", [2]),
        "sergei-shoigu": ("Sergei Shoigu", [1]),
    }


def test_results_carry_their_source() -> None:
    files = _index_of([replace(SEED, source="Al Jazeera")]).files
    assert json.loads(files[f"{DATA_PATH}docs/0.json"])[0][3] == "Al Jazeera"


def test_an_edit_of_source_topics_or_actors_updates_the_facets_in_place() -> None:
    before = [EARLIER, replace(SEED, source="Le Monde", tags=("water",)), LATER]
    first = _index_of(before)
    edited = replace(
        SEED, source="Reuters", tags=("dams",), actors=("russia",), digest="facets edited"
    )
    after = [EARLIER, edited, LATER]
    updated = _index_of(after, previous=first.state, known=first.words)
    assert updated.files == _index_of(after).files
    assert facet_values(updated.files, Facet.SOURCE) == {"Reuters": ("Reuters", [1])}
    assert facet_values(updated.files, Facet.TOPIC) == {"dams": ("dams", [1])}
    assert facet_values(updated.files, Facet.ACTOR) == {"russia": ("Russia", [1])}


def test_each_facet_value_has_a_file_of_its_own_named_safely() -> None:
    first = replace(EARLIER, source="Le Monde", tags=("water",))
    second = replace(SEED, source="le-monde", actors=("sergei-shoigu",))
    files = _index_of([first, second]).files
    assert facet_value_file(Facet.SOURCE, "Le Monde") == (
        f"{DATA_PATH}facets/source/_4c65204d6f6e6465.json"
    )
    assert json.loads(files[facet_value_file(Facet.SOURCE, "Le Monde")]) == [
        ["Le Monde", "Le Monde", [0]]
    ]
    assert json.loads(files[f"{DATA_PATH}facets/source/le-monde.json"]) == [
        ["le-monde", "le-monde", [1]]
    ]
    assert json.loads(files[f"{DATA_PATH}facets/actor/sergei-shoigu.json"]) == [
        ["sergei-shoigu", "Sergei Shoigu", [1]]
    ]
    meta = json.loads(files[f"{DATA_PATH}meta.json"])
    assert meta["facetBytes"]["source"] == len(files[facet_file(Facet.SOURCE)].encode())
