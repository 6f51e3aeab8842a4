"""Page weight of a built site: its size as GitHub Pages counts it, bytes per article,
and how many articles fit in Pages' 1 GB at that rate.

    .venv/bin/python benchmarks/page_bytes.py SITE_DIR

The size is the tar GitHub Pages is sent (generator/build/site_size.py), so headers and
padding count; an article page is YYYY/MM/DD/<slug>/index.html, an actor page
actors/<id>/index.html (not their /page/N/ listings).
"""

from __future__ import annotations

import argparse
import re
import statistics
from pathlib import Path

from generator.build.site_size import PAGES_LIMIT_BYTES, human_bytes, measure

ARTICLE_PAGE = re.compile(r"^\d{4}/\d{2}/\d{2}/[^/]+/index\.html$")
ACTOR_PAGE = re.compile(r"^actors/[^/]+/index\.html$")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a built site folder")
    site = parser.parse_args().site
    files = sorted(
        (path.relative_to(site).as_posix(), path.stat().st_size)
        for path in site.rglob("*")
        if path.is_file()
    )
    size = measure(files)
    articles = [name for name, _ in files if ARTICLE_PAGE.match(name)]
    if not articles:
        raise SystemExit(f"{site}: no article pages (YYYY/MM/DD/<slug>/index.html) found")
    sizes = dict(files)
    heads = []
    for name in articles:
        page = (site / name).read_bytes()
        heads.append(page.index(b"</head>") - page.index(b"<head>"))
    actors = [sizes[name] for name in sizes if ACTOR_PAGE.match(name)]
    per_article = size.archive_bytes / len(articles)
    print(f"files                   {size.files:,}")
    print(f"site (tar, as Pages)    {human_bytes(size.archive_bytes)} ({size.archive_bytes:,} B)")
    print(f"article pages           {len(articles):,}")
    print(f"  mean page             {statistics.fmean(sizes[n] for n in articles):,.0f} B")
    print(f"  mean <head>           {statistics.fmean(heads):,.0f} B")
    if actors:
        print(f"actor pages mean        {statistics.fmean(actors):,.0f} B ({len(actors):,})")
    print(f"site bytes per article  {per_article:,.0f} B")
    print(f"articles in 1 GB        {PAGES_LIMIT_BYTES / per_article:,.0f}")


if __name__ == "__main__":
    main()
