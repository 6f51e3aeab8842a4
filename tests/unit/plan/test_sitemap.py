"""sitemap.xml against the sitemaps.org 0.9 schema, and robots.txt."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

import pytest
import xmlschema

from generator import urls
from generator.content.actors import Actor, ActorType
from generator.content.types import Article
from generator.plan.contexts import GeneratedText, Page
from generator.plan.feeds import plan_feeds
from generator.plan.model import Site, build_site
from generator.plan.pages import plan_pages
from generator.plan.sitemap import plan_sitemap
from generator.urls import Linker
from tests.support import REPO
from tests.support.sample_archive import build_repo_content

SCHEMA_FILE = REPO / "tests" / "fixtures" / "sitemap" / "sitemap.xsd"
BASE_URL = "https://example.github.io/archive/"
LINKER = Linker(base_path="/archive/", base_url=BASE_URL)
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

AUG_30 = datetime.date(2023, 8, 30)
SEP_11 = datetime.date(2023, 9, 11)
JAN_05 = datetime.date(2024, 1, 5)

NORTH_KOREA = Actor(id="north-korea", name="North Korea", type=ActorType.COUNTRY)
RUSSIA = Actor(id="russia", name="Russia", type=ActorType.COUNTRY)
ACTORS = (RUSSIA, NORTH_KOREA)


def article(slug: str, date: datetime.date, **fields: object) -> Article:
    return Article(
        path=Path(f"content/articles/{date:%Y/%m}/{slug}.md"),
        slug=slug,
        title=slug.title(),
        date=date,
        body="Text.",
        body_line=5,
        **fields,  # type: ignore[arg-type]
    )


ALPHA = article("alpha", AUG_30, actors=("north-korea",))
BRAVO = article("bravo", SEP_11, actors=("russia",))
CHARLIE = article("charlie", SEP_11, actors=("north-korea", "russia"))
DELTA = article("delta", JAN_05, actors=("russia",))
ARTICLES = (ALPHA, BRAVO, CHARLIE, DELTA)


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    # "local": the schema is read from the fixture and nothing is fetched from the network.
    return xmlschema.XMLSchema(str(SCHEMA_FILE), allow="local")


@pytest.fixture(scope="module")
def site() -> Site:
    return build_site(ARTICLES, ACTORS)


def planned(site: Site) -> tuple[Page, ...]:
    """Every page a build plans before the sitemap: HTML pages, feeds and a data file."""
    pages = plan_pages(
        site,
        body_keys={a.path: f"key-{a.slug}" for a in site.articles},
        page_size=2,
        home_editions=10,
    )
    pages += plan_feeds(site, absolute=LINKER.absolute, title="Marginalia", description="")
    data = Page(path="data/archive.json", template="", title="", context=GeneratedText.of("{}"))
    return (*pages, data)


def outputs(pages: Sequence[Page], *, linker: Linker = LINKER) -> dict[str, str]:
    planned_pages = plan_sitemap(pages, absolute=linker.absolute)
    for page in planned_pages:
        assert isinstance(page.context, GeneratedText)
    return {page.path: page.context.text for page in planned_pages}  # type: ignore[union-attr]


def entries(sitemap: str) -> dict[str, str | None]:
    """loc -> lastmod, in document order."""
    root = ET.fromstring(sitemap)
    assert root.tag == f"{NS}urlset"
    return {
        url.findtext(f"{NS}loc", ""): url.findtext(f"{NS}lastmod")
        for url in root.findall(f"{NS}url")
    }


def assert_valid(schema: xmlschema.XMLSchema, sitemap: str) -> None:
    problems = [str(error) for error in schema.iter_errors(sitemap)]
    assert not problems, "\n".join(problems)


def test_plans_sitemap_and_robots(site: Site) -> None:
    assert sorted(outputs(planned(site))) == ["robots.txt", "sitemap.xml"]


def test_sitemap_is_valid_against_the_sitemaps_org_schema(
    site: Site, schema: xmlschema.XMLSchema
) -> None:
    assert_valid(schema, outputs(planned(site))["sitemap.xml"])


def test_schema_rejects_what_the_protocol_forbids(schema: xmlschema.XMLSchema) -> None:
    # The fixture schema really checks: a date in another format and an empty urlset fail.
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    bad_date = (
        f"<urlset {ns}><url><loc>{BASE_URL}</loc><lastmod>11 Sep 2023</lastmod></url></urlset>"
    )
    assert not schema.is_valid(bad_date)
    assert not schema.is_valid(f"<urlset {ns}></urlset>")


def test_sitemap_lists_every_html_page_with_absolute_urls(site: Site) -> None:
    pages = planned(site)
    locs = list(entries(outputs(pages)["sitemap.xml"]))
    html = [p for p in pages if urls.output_file(p.path).endswith(".html") and p.path != "404.html"]
    assert sorted(locs) == sorted(BASE_URL + page.path for page in html)
    assert len(set(locs)) == len(locs)
    assert all(loc.startswith(BASE_URL) for loc in locs)
    assert BASE_URL in locs  # the home page
    for path in ("editions/", "editions/page/2/", "editions/2023-09-11/", "actors/russia/"):
        assert BASE_URL + path in locs, path
    assert f"{BASE_URL}2023/09/11/bravo/" in locs


def test_sitemap_leaves_out_404_feeds_and_data(site: Site) -> None:
    text = outputs(planned(site))["sitemap.xml"]
    locs = entries(text)
    assert f"{BASE_URL}404.html" not in locs
    assert not [loc for loc in locs if loc.endswith((".xml", ".json", ".txt"))]
    assert "feed.xml" not in text and "archive.json" not in text


def test_articles_and_editions_have_their_date_as_lastmod(site: Site) -> None:
    locs = entries(outputs(planned(site))["sitemap.xml"])
    for item in ARTICLES:
        assert locs[f"{BASE_URL}{item.date:%Y/%m/%d}/{item.slug}/"] == item.date.isoformat()
    assert locs[f"{BASE_URL}editions/2023-09-11/"] == "2023-09-11"
    # A listing changes with each new article: no lastmod rather than a wrong one.
    assert locs[BASE_URL] is None
    assert locs[f"{BASE_URL}actors/"] is None


def test_sitemap_order_is_stable(site: Site) -> None:
    pages = planned(site)
    first = outputs(pages)
    assert outputs(pages) == first
    assert outputs(tuple(reversed(pages))) == first  # planning order does not matter
    locs = list(entries(first["sitemap.xml"]))
    assert locs[0] == BASE_URL
    assert first["sitemap.xml"].startswith('<?xml version="1.0" encoding="utf-8"?>\n<urlset ')


def test_robots_txt_names_the_sitemap(site: Site) -> None:
    assert outputs(planned(site))["robots.txt"] == (
        f"User-agent: *\nAllow: /\nSitemap: {BASE_URL}sitemap.xml\n"
    )


def test_site_at_the_root_of_a_custom_domain(site: Site, schema: xmlschema.XMLSchema) -> None:
    linker = Linker(base_path="/", base_url="https://news.example.org/")
    made = outputs(planned(site), linker=linker)
    assert_valid(schema, made["sitemap.xml"])
    assert all(loc.startswith("https://news.example.org/") for loc in entries(made["sitemap.xml"]))
    assert made["robots.txt"].endswith("Sitemap: https://news.example.org/sitemap.xml\n")


# The real content, built by the real command line.


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_repo_content(tmp_path_factory.mktemp("project"), "--base-url", BASE_URL)


def test_built_sitemap_is_valid_and_every_loc_is_a_built_page(
    built_site: Path, schema: xmlschema.XMLSchema
) -> None:
    text = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    assert_valid(schema, text)
    locs = entries(text)
    assert locs, "the sitemap is empty"
    for loc in locs:
        assert loc.startswith(BASE_URL), loc
        built = built_site / urls.output_file(loc.removeprefix(BASE_URL))
        assert built.is_file(), f"{loc} is in the sitemap but {built} was not built"
    assert (built_site / "404.html").is_file()
    assert f"{BASE_URL}404.html" not in locs
    seed = f"{BASE_URL}2023/09/11/us-threatens-sanctions-if-north-korea-sells-arms-to-russia/"
    assert locs[seed] == "2023-09-11"


def test_built_robots_txt_points_to_the_built_sitemap(built_site: Path) -> None:
    robots = (built_site / "robots.txt").read_text(encoding="utf-8")
    assert robots.splitlines()[-1] == f"Sitemap: {BASE_URL}sitemap.xml"
    assert (built_site / "sitemap.xml").is_file()


def test_a_site_past_the_url_limit_gets_an_index_of_sitemaps(
    site: Site, schema: xmlschema.XMLSchema
) -> None:
    pages = planned(site)
    everything = entries(outputs(pages)["sitemap.xml"])
    split = {
        page.path: page.context.text  # type: ignore[union-attr]
        for page in plan_sitemap(pages, absolute=LINKER.absolute, max_urls=3)
    }
    index = ET.fromstring(split["sitemap.xml"])
    assert index.tag == f"{NS}sitemapindex"
    parts = [loc.text for loc in index.iter(f"{NS}loc")]
    assert parts == [f"{BASE_URL}sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
    assert len(parts) == -(-len(everything) // 3)
    listed: dict[str, str | None] = {}
    for number in range(1, len(parts) + 1):
        part = split[f"sitemap-{number}.xml"]
        assert_valid(schema, part)
        assert len(entries(part)) <= 3
        listed.update(entries(part))
    assert listed == everything
