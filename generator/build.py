"""Run a build: load, model, plan, render, write."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from generator import urls
from generator.actors import build_matcher
from generator.config import SiteConfig
from generator.content import load_actors, load_articles
from generator.model import build_site
from generator.pages import plan_pages
from generator.render import BodyRenderer, make_environment, render_pages, site_info
from generator.urls import Linker
from generator.writer import write_site

STATIC_DIR = "static"


@dataclass(frozen=True, slots=True)
class BuildReport:
    articles: int
    actors: int
    pages: int
    files: int
    seconds: float
    out_dir: Path


def read_static_files(templates_dir: Path) -> dict[str, bytes]:
    """Site-relative path -> bytes of every file under templates/static/."""
    folder = templates_dir / STATIC_DIR
    if not folder.is_dir():
        return {}
    return {
        urls.static_path(path.relative_to(folder).as_posix()): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _versioned(path: str, data: bytes) -> str:
    # A content hash in the query makes browsers fetch a changed stylesheet at once.
    return f"{path}?v={hashlib.sha256(data).hexdigest()[:10]}"


def build(root: Path, config: SiteConfig) -> BuildReport:
    """Build the whole site into config.output_dir; the previous site stays on failure."""
    started = time.perf_counter()
    content_dir = root / config.content_dir
    templates_dir = root / config.templates_dir
    out_dir = root / config.output_dir

    actors = load_actors(content_dir)
    articles = load_articles(content_dir, actors)
    site = build_site(articles, actors)
    linker = Linker(base_path=config.base_path, base_url=config.base_url)

    renderer = BodyRenderer(build_matcher(actors), linker)
    bodies = {article.path: renderer.render(article) for article in site.articles}
    pages = plan_pages(
        site, bodies=bodies, page_size=config.page_size, home_editions=config.home_editions
    )

    static = read_static_files(templates_dir)
    stylesheet_path = urls.static_path("marginalia.css")
    stylesheet = _versioned(stylesheet_path, static.get(stylesheet_path, b""))
    env = make_environment(templates_dir, linker)
    rendered = render_pages(pages, env=env, site=site_info(config, stylesheet=stylesheet))

    files = {urls.output_file(path): text.encode("utf-8") for path, text in rendered.items()}
    files.update(static)
    write_site(files, out_dir)
    return BuildReport(
        articles=len(articles),
        actors=len(actors),
        pages=len(pages),
        files=len(files),
        seconds=time.perf_counter() - started,
        out_dir=out_dir,
    )
