"""Turn planned pages and article bodies into text: Jinja2 and Markdown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import jinja2

from generator import urls
from generator.actors import ActorMatcher
from generator.config import SiteConfig
from generator.content import Article
from generator.errors import TemplateError
from generator.markdown_ext import ActorLinker, make_markdown
from generator.model import article_actor_ids
from generator.pages import Page
from generator.urls import Linker


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """What every template may know of the site: never the whole settings."""

    title: str
    description: str
    language: str
    stylesheet: str  # page path of the stylesheet, with a version for caches


def long_date(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def short_date(value: dt.date) -> str:
    return f"{value.day} {value:%b %Y}"


def make_environment(templates_dir: Path, linker: Linker) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["link"] = linker.link
    env.filters["absolute"] = linker.absolute
    env.filters["long_date"] = long_date
    env.filters["short_date"] = short_date
    env.globals["urls"] = urls
    return env


class BodyRenderer:
    """Markdown to HTML for article bodies; one Markdown instance, reset between uses."""

    def __init__(self, matcher: ActorMatcher, linker: Linker) -> None:
        self._actor_linker = ActorLinker(
            matcher=matcher, href=lambda actor_id: linker.link(urls.actor_path(actor_id))
        )
        self._markdown = make_markdown(self._actor_linker)

    def render(self, article: Article) -> str:
        self._actor_linker.actor_ids = frozenset(article_actor_ids(article))
        try:
            return self._markdown.reset().convert(article.body)
        finally:
            self._actor_linker.actor_ids = frozenset()


def render_pages(
    pages: Iterable[Page], *, env: jinja2.Environment, site: SiteInfo
) -> dict[str, str]:
    """Page path -> rendered text."""
    rendered: dict[str, str] = {}
    for page in pages:
        try:
            template = env.get_template(page.template)
            rendered[page.path] = template.render(page=page.context, meta=page, site=site)
        except jinja2.TemplateSyntaxError as error:
            raise TemplateError(
                f"template syntax error: {error.message}",
                path=error.filename or page.template,
                line=error.lineno,
                fix="correct the Jinja syntax at that line",
            ) from None
        except jinja2.TemplateNotFound as error:
            raise TemplateError(
                f"template '{error.name}' not found",
                path=page.template,
                fix="add the template under templates/, or restore it from git",
            ) from None
        except jinja2.UndefinedError as error:
            raise TemplateError(
                f"template uses an undefined value: {error.message}",
                path=page.template,
                fix="check the variable names in the template against the page's context",
            ) from None
    return rendered


def site_info(config: SiteConfig, *, stylesheet: str) -> SiteInfo:
    return SiteInfo(
        title=config.title,
        description=config.description,
        language=config.language,
        stylesheet=stylesheet,
    )
