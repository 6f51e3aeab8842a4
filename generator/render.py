"""Turn planned pages and article bodies into text: Jinja2 and Markdown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from generator import urls
from generator.actors import ActorMatcher
from generator.config import SiteConfig
from generator.content import Article
from generator.dates import long_date, short_date
from generator.errors import TemplateError
from generator.markdown_ext import ActorLinker, make_markdown
from generator.model import article_actor_ids
from generator.pages import ArticlePage, Page
from generator.urls import Linker


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """What every template may know of the site: never the whole settings."""

    title: str
    description: str
    language: str
    stylesheet: str  # page path of the stylesheet, with a version for caches


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


class PageRenderer:
    """Renders one planned page to text; article bodies come from a cache or Markdown."""

    def __init__(
        self,
        env: jinja2.Environment,
        site: SiteInfo,
        bodies: BodyRenderer,
        cached_bodies: Mapping[str, str],
    ) -> None:
        self._env = env
        self._site = site
        self._bodies = bodies
        self._cached_bodies = cached_bodies
        self.new_bodies: dict[str, str] = {}

    def body_html(self, context: ArticlePage) -> str:
        key = context.body_key
        html = self._cached_bodies.get(key) or self.new_bodies.get(key)
        if html is None:
            html = self.new_bodies[key] = self._bodies.render(context.article)
        return html

    def render(self, page: Page) -> str:
        extra = (
            {"body_html": Markup(self.body_html(page.context))}
            if isinstance(page.context, ArticlePage)
            else {}
        )
        try:
            template = self._env.get_template(page.template)
            return template.render(page=page.context, meta=page, site=self._site, **extra)
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


def site_info(config: SiteConfig, *, stylesheet: str) -> SiteInfo:
    return SiteInfo(
        title=config.title,
        description=config.description,
        language=config.language,
        stylesheet=stylesheet,
    )
