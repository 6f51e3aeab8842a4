"""Turn planned pages and article bodies into text: Jinja2 and Markdown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from generator import urls
from generator.actors import Actor, ActorMatcher
from generator.annotations import article_targets
from generator.body_markup import ArticleMarkup, EventSpec, NoteSpec, QuoteSpec, render_body
from generator.config import SiteConfig
from generator.content import Annotation, AnnotationKind, Article, Quote, read_body
from generator.dates import long_date
from generator.errors import ContentError, TemplateError
from generator.model import article_actor_ids
from generator.pages import ArticlePage, GeneratedText, Page, PageHeads
from generator.structured import json_ld, wikidata_url
from generator.urls import Linker


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """What every template may know of the site: never the whole settings."""

    title: str
    description: str
    language: str
    assets: Mapping[str, str]  # file under static/ -> its page path, versioned for caches
    search_page: str | None  # the masthead links to it when there is one


def make_environment(templates_dir: Path, linker: Linker) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # A build renders with the templates it started with; checking every include's
        # file for changes costs a stat per include. An edited template means a new build,
        # and a new environment.
        auto_reload=False,
    )
    env.filters["link"] = linker.link
    env.filters["long_date"] = long_date
    env.filters["json_ld"] = json_ld
    env.filters["wikidata_url"] = wikidata_url
    env.globals["urls"] = urls
    return env


NOTE_LABELS = {
    AnnotationKind.CONTEXT: "Context",
    AnnotationKind.FACT_CHECK: "Fact-check",
    AnnotationKind.CORRECTION: "Correction",
    AnnotationKind.NOTE: "Note",
}


@dataclass(frozen=True, slots=True)
class RenderedBody:
    html: str
    problems: tuple[ContentError, ...] = ()


class BodyRenderer:
    """Markdown to HTML for article bodies."""

    def __init__(self, matcher: ActorMatcher, linker: Linker, actors: Mapping[str, Actor]) -> None:
        self._actors = actors
        self._matcher = matcher
        self._actor_href = lambda actor_id: linker.link(urls.actor_path(actor_id))

    def render(self, article: Article) -> RenderedBody:
        targets = article_targets(article.annotations, article.quotes, article.events)
        notes = targets[: len(article.annotations)]
        quotes = targets[len(notes) : len(notes) + len(article.quotes)]
        events = targets[len(notes) + len(quotes) :]
        # Only events that cite a passage have a target; their numbers are as listed.
        cited = [number for number, event in enumerate(article.events, 1) if event.quote]
        markup = ArticleMarkup(
            matcher=self._matcher,
            href=self._actor_href,
            actor_ids=frozenset(article_actor_ids(article)),
            notes=tuple(
                NoteSpec(target, note.kind.value, self._note_label(note), note.note)
                for target, note in zip(notes, article.annotations, strict=True)
            ),
            quotes=tuple(
                QuoteSpec(target, number, *self._speaker(quote))
                for number, (target, quote) in enumerate(
                    zip(quotes, article.quotes, strict=True), 1
                )
            ),
            events=tuple(
                EventSpec(target, number) for target, number in zip(events, cited, strict=True)
            ),
        )
        html = render_body(article.body or read_body(article), markup)
        lines = {
            **{f"annotation {n}": a.line for n, a in enumerate(article.annotations, 1)},
            **{f"quote {n}": q.line for n, q in enumerate(article.quotes, 1)},
            **{f"event {n}": e.line for n, e in enumerate(article.events, 1)},
        }
        problems = tuple(
            ContentError(
                f"{report.label}: {report.what}",
                path=article.path,
                line=lines.get(report.label),
                fix=report.fix,
            )
            for report in markup.problems
        )
        return RenderedBody(html, problems)

    @staticmethod
    def _note_label(annotation: Annotation) -> str:
        label = NOTE_LABELS[annotation.kind]
        return f"{label}: {annotation.rating}" if annotation.rating else label

    def _speaker(self, quote: Quote) -> tuple[str, str | None]:
        actor = self._actors.get(quote.speaker) if quote.speaker else None
        if actor is None:
            return quote.speaker_name or "", None
        return actor.name, self._actor_href(actor.id)


class PageRenderer:
    """Renders one planned page to text; article bodies come from a cache or Markdown."""

    def __init__(
        self,
        env: jinja2.Environment,
        site: SiteInfo,
        bodies: BodyRenderer,
        cached_bodies: Mapping[str, str],
        heads: PageHeads,
    ) -> None:
        self._env = env
        self._site = site
        self._heads = heads
        self._bodies = bodies
        self._cached_bodies = cached_bodies
        self.new_bodies: dict[str, str] = {}
        self.problems: list[ContentError] = []

    def body_html(self, context: ArticlePage) -> str:
        key = context.body_key
        html = self._cached_bodies.get(key) or self.new_bodies.get(key)
        if html is None:
            body = self._bodies.render(context.article)
            if body.problems:
                self.problems.extend(body.problems)  # reported once every page has rendered
            else:
                self.new_bodies[key] = body.html  # only a body without problems is cached
            html = body.html
        return html

    def render(self, page: Page) -> str:
        if isinstance(page.context, GeneratedText):
            return page.context.text
        extra = (
            {"body_html": Markup(self.body_html(page.context))}
            if isinstance(page.context, ArticlePage)
            else {}
        )
        try:
            template = self._env.get_template(page.template)
            head = self._heads.head(page)
            return template.render(
                page=page.context, meta=page, head=head, site=self._site, **extra
            )
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


def site_info(config: SiteConfig, *, assets: Mapping[str, str]) -> SiteInfo:
    return SiteInfo(
        title=config.title,
        description=config.description,
        language=config.language,
        assets=assets,
        search_page=urls.search_path() if config.search else None,
    )
