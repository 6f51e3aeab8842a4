"""What a reader sees on the built site, checked through the parsed HTML."""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.support import site_tree as tree_bytes

ARTICLE = "2023/09/11/us-threatens-sanctions-if-north-korea-sells-arms-to-russia/"
ARTICLE_LINK = "/" + ARTICLE
HEADLINE = "US threatens sanctions if North Korea sells arms to Russia"
SEED = "000_fb03fb027bc92a78.txt"
ARTICLE_FILE = (
    "content/articles/2023/09/us-threatens-sanctions-if-north-korea-sells-arms-to-russia.md"
)


def registry(root: Path) -> list[dict]:
    return yaml.safe_load((root / "content" / "actors.yaml").read_text(encoding="utf-8"))


def tree_state(folder: Path) -> dict[str, tuple[bytes, int] | None]:
    """Every file's bytes and mtime, and every folder, under folder."""
    return {
        path.relative_to(folder).as_posix(): (
            (path.read_bytes(), path.stat().st_mtime_ns) if path.is_file() else None
        )
        for path in sorted(folder.rglob("*"))
    }


def expected_body_paragraphs(seed: Path) -> list[str]:
    """The seed's body as a reader should get it: after the dek, artefacts and dateline gone."""
    blocks = [block.strip() for block in seed.read_text(encoding="utf-8").split("\n\n")]
    blocks = [block for block in blocks if block]
    dek = next(i for i, block in enumerate(blocks) if block.startswith("Biden administration"))
    body = [block for block in blocks[dek + 1 :] if block != "end of list"]
    body[0] = re.sub(r"^Washington, DC\s+–\s+", "", body[0])  # the seed has an NBSP
    return [" ".join(block.split()) for block in body]


@pytest.fixture(scope="module")
def article(built_project, soup):
    return soup(built_project / "site" / ARTICLE / "index.html")


@pytest.fixture(scope="module")
def body(article):
    """The article's text as it runs, without what stands in the margin."""
    story = copy.copy(article.select_one("article .story-body"))
    for margin in story.select(".margin-note, .margin-quote, .note-ref"):
        margin.decompose()
    return story


def body_paragraphs(body) -> list:
    return [p for p in body.find_all("p") if "dateline" not in (p.get("class") or [])]


# The site map


def test_every_page_of_the_site_map_is_built(built_project):
    site = built_project / "site"
    expected = [
        "index.html",
        "editions/index.html",
        "editions/2023-09-11/index.html",
        ARTICLE + "index.html",
        "actors/index.html",
        "404.html",
        "static/marginalia.css",
    ]
    expected += [f"actors/{actor['id']}/index.html" for actor in registry(built_project)]
    missing = [path for path in expected if not (site / path).is_file()]
    assert not missing, f"missing from site/: {missing}"


def test_not_found_page_says_so_and_points_to_the_archive(built_project, soup, text):
    page = soup(built_project / "site" / "404.html")
    assert text(page.find("h1")) == "Page not found"
    links = {text(a): a["href"] for a in page.select("main a")}
    assert links["Previous Editions"] == "/editions/"
    assert links["actors"] == "/actors/"


# The article page


def test_article_shows_headline_and_dek(article, text):
    assert text(article.select_one("article h1")) == HEADLINE
    assert text(article.select_one("article .dek")) == (
        "Biden administration says Vladimir Putin is ‘begging’ Kim Jong Un for weapons "
        "due to failures with his Ukraine invasion."
    )


def test_article_title_element_names_the_article_and_the_site(article, text):
    assert text(article.title) == f"{HEADLINE} · Marginalia"


def test_article_shows_dateline_apart_from_the_first_paragraph(body, text):
    assert text(body.select_one(".dateline")) == "Washington, DC"
    assert not text(body_paragraphs(body)[0]).startswith("Washington")


def test_article_shows_caption_and_credit_separately(article, text):
    caption = article.select_one("article figure figcaption")
    credit = caption.select_one(".credit")
    assert text(credit) == "File: Nathan Howard/AP photo"
    credit.extract()
    assert text(caption) == (
        "‘I will remind both countries that any transfer of arms from North Korea to Russia "
        "would be in violation of multiple United Nations Security Council resolutions,’ "
        "US State Department spokesperson Matthew Miller says"
    )


def test_article_body_is_the_seed_text_in_order(built_project, body, text):
    paragraphs = [text(p) for p in body_paragraphs(body)]
    assert paragraphs[0].startswith("As Russian President Vladimir Putin prepares")
    assert paragraphs == expected_body_paragraphs(built_project / "seeds" / SEED)


def test_article_body_drops_seed_artefacts(body, text):
    shown = text(body)
    assert "end of list" not in shown
    assert "Previous Editions" not in shown


def test_first_mention_of_an_actor_links_to_their_page(body):
    first = next(string for string in body.find_all(string=True) if "Putin" in string)
    assert first.parent.name == "a"
    assert first.parent["href"] == "/actors/vladimir-putin/"
    assert str(first) == "Vladimir Putin"


def test_each_actor_is_linked_once_in_the_body(article, body, text):
    links = body.select("a[href^='/actors/']")
    hrefs = [a["href"] for a in links]
    assert len(hrefs) == len(set(hrefs)), f"actors linked more than once: {hrefs}"
    listed = {a["href"] for a in article.select(".story-actors a")}
    assert set(hrefs) <= listed
    by_href = {a["href"]: text(a) for a in links}
    assert by_href["/actors/vladimir-putin/"] == "Vladimir Putin"
    assert by_href["/actors/matthew-miller/"] == "Matthew Miller"
    # Later mentions stay plain text.
    later_putin = [s for s in body.find_all(string=True) if "Putin" in s][1:]
    assert later_putin and all(s.parent.name != "a" for s in later_putin)


def test_quotes_section_lists_matthew_millers_quotes(article, text):
    section = article.select_one("section.story-quotes")
    assert text(section.find("h2")) == "Quotes"
    quotes = {
        text(figure.find("blockquote")): figure.find("figcaption")
        for figure in section.select("figure.quote")
    }
    remind = (
        "I will remind both countries that any transfer of arms from North Korea to Russia "
        "would be in violation of multiple United Nations Security Council resolutions"
    )
    assert remind in quotes
    assert any(quote.startswith("We continue to assess that the Ukrainians") for quote in quotes)
    for caption in quotes.values():
        speaker = caption.find("a")
        assert text(speaker) == "Matthew Miller"
        assert speaker["href"] == "/actors/matthew-miller/"
    assert text(quotes[remind]) == "Matthew Miller told reporters in the text"
    passage = quotes[remind].select_one("a.passage")["href"]
    marked = article.select_one(f"mark{passage}")
    assert marked is not None and remind.startswith(text(marked))


def test_article_lists_its_actors_with_roles(article, text):
    section = article.select_one("section.story-actors")
    assert text(section.find("h2")) == "Actors in this article"
    entries = {text(li.find("a")): li for li in section.select("li")}
    assert entries["Vladimir Putin"].find("a")["href"] == "/actors/vladimir-putin/"
    assert text(entries["Vladimir Putin"]) == "Vladimir Putin President of Russia"
    assert text(entries["Matthew Miller"]) == "Matthew Miller US State Department spokesperson"
    assert "North Korea" in entries


def test_article_shows_source_and_date(article, text):
    byline = article.select_one("article .byline")
    assert text(byline.select_one(".source")) == "Al Jazeera"
    date = byline.find("time")
    assert date["datetime"] == "2023-09-11"
    assert text(date) == "11 September 2023"
    assert date.find_parent("a")["href"] == "/editions/2023-09-11/"


# Listings


def test_home_page_shows_latest_edition_with_its_article(built_project, soup, text):
    page = soup(built_project / "site" / "index.html")
    latest = page.select_one("section.latest-edition")
    heading = latest.find("h2")
    assert text(heading) == "Latest edition: 11 September 2023"
    assert heading.find("a")["href"] == "/editions/2023-09-11/"
    titles = {text(a): a["href"] for a in latest.select(".article-summary-title a")}
    assert titles == {HEADLINE: ARTICLE_LINK}


def test_editions_page_groups_editions_by_year_and_month(built_project, soup, text):
    page = soup(built_project / "site" / "editions" / "index.html")
    assert text(page.find("h1")) == "Previous Editions"
    years = page.select("main section.year")
    assert [text(section.find("h2")) for section in years] == ["2023"]
    months = years[0].find_all("h3")
    assert [text(h3) for h3 in months] == ["September 2023"]
    editions = months[0].find_next_sibling("ul").find_all("li")
    assert len(editions) == 1
    link = editions[0].find("a")
    assert link["href"] == "/editions/2023-09-11/"
    assert text(link) == "11 September 2023"
    assert text(editions[0].select_one(".count")) == "1 article"


def test_edition_page_lists_its_articles(built_project, soup, text):
    page = soup(built_project / "site" / "editions" / "2023-09-11" / "index.html")
    assert text(page.find("h1")) == "Edition of 11 September 2023"
    summaries = page.select("main .article-summary")
    assert len(summaries) == 1
    link = summaries[0].select_one(".article-summary-title a")
    assert (text(link), link["href"]) == (HEADLINE, ARTICLE_LINK)
    assert text(summaries[0].select_one(".source")) == "Al Jazeera"


def test_actors_index_groups_actors_by_type_with_counts(built_project, soup, text):
    page = soup(built_project / "site" / "actors" / "index.html")
    groups = {
        text(section.find("h2")): {
            text(li.find("a")): text(li.select_one(".count")) for li in section.select("li")
        }
        for section in page.select("main section.actor-group")
    }
    assert list(groups) == ["People", "Countries", "Organisations"]
    labels = {"person": "People", "country": "Countries", "organization": "Organisations"}
    for actor in registry(built_project):
        assert actor["name"] in groups[labels[actor["type"]]], actor["id"]
    assert groups["People"]["Matthew Miller"] == "1"
    assert groups["People"]["Vladimir Putin"] == "1"
    assert groups["Countries"]["North Korea"] == "1"
    people = list(groups["People"])
    assert people == sorted(people, key=str.casefold)


def test_actor_page_shows_role_quotes_and_articles(built_project, soup, text):
    page = soup(built_project / "site" / "actors" / "matthew-miller" / "index.html")
    assert text(page.find("h1")) == "Matthew Miller"
    assert text(page.select_one(".actor-meta .role")) == "US State Department spokesperson"
    assert text(page.select_one(".actor-meta .type")) == "People"
    quotes = page.select_one("section.actor-quotes")
    assert text(quotes.find("h2")) == "In their words"
    said = [text(figure.find("blockquote")) for figure in quotes.select("figure")]
    assert any(quote.startswith("I will remind both countries") for quote in said)
    for figure in quotes.select("figure"):
        link = figure.find("figcaption").find("a")["href"]
        assert re.fullmatch(re.escape(ARTICLE_LINK) + r"#quote-\d+", link)
    articles = page.select_one("section.actor-articles")
    assert text(articles.find("h2")) == "Articles (1)"
    links = [(text(a), a["href"]) for a in articles.select(".article-summary-title a")]
    assert links == [(HEADLINE, ARTICLE_LINK)]


# Rules that hold everywhere


def test_building_twice_gives_byte_identical_sites(built_project, tmp_path, cli, new_project):
    root = new_project(tmp_path / "project")
    assert cli(root, "ingest") == 0
    first, second = tmp_path / "first", tmp_path / "second"
    assert cli(root, "build", "--output", str(first)) == 0
    assert cli(root, "build", "--output", str(second)) == 0
    first_files, second_files = tree_bytes(first), tree_bytes(second)
    assert first_files, "the build wrote nothing"
    assert sorted(first_files) == sorted(second_files)
    differing = [name for name in first_files if first_files[name] != second_files[name]]
    assert not differing, f"files differ between two builds: {differing}"
    # Another project folder, another ingest: still the same bytes.
    elsewhere = tree_bytes(built_project / "site")
    assert sorted(elsewhere) == sorted(first_files)
    differing = [name for name in first_files if first_files[name] != elsewhere[name]]
    assert not differing, f"files differ between project folders: {differing}"


def test_failed_build_keeps_previous_site_and_explains(built_project, tmp_path, cli, capsys):
    root = tmp_path / "project"
    shutil.copytree(built_project, root)
    before = tree_bytes(root / "site")
    article_file = root / ARTICLE_FILE
    lines = article_file.read_text(encoding="utf-8").split("\n")
    broken = next(i for i, line in enumerate(lines) if line.startswith("source:"))
    lines[broken] = "source: Al Jazeera: broken: yaml"
    article_file.write_text("\n".join(lines), encoding="utf-8")
    capsys.readouterr()

    assert cli(root, "build") == 1

    assert tree_bytes(root / "site") == before
    err = capsys.readouterr().err
    assert "Traceback" not in err
    where = re.search(re.escape(article_file.name) + r":(\d+)", err)
    assert where, f"the error does not name the file and line:\n{err}"
    assert int(where.group(1)) == broken + 1
    assert "fix" in err


def test_build_never_writes_into_content_or_seeds(tmp_path, cli, new_project):
    root = new_project(tmp_path / "project")
    assert cli(root, "ingest") == 0
    before = {folder: tree_state(root / folder) for folder in ("content", "seeds")}
    assert cli(root, "build") == 0
    after = {folder: tree_state(root / folder) for folder in ("content", "seeds")}
    assert after == before
    assert (root / "site" / "index.html").is_file()
