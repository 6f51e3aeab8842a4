"""Turn planned pages and article bodies into text: Jinja2 and Markdown."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2
import markdown
from markupsafe import Markup

from generator import urls
from generator.body.annotations import article_targets
from generator.body.body_markup import ArticleMarkup, EventSpec, NoteSpec, QuoteSpec, render_body
from generator.body.engines import DEFAULT_ENGINE, ExtensionFailed, MarkdownEngine
from generator.config import SiteConfig
from generator.content.actors import Actor, ActorMatcher
from generator.content.loading import read_body
from generator.content.types import Annotation, AnnotationKind, Article, Quote
from generator.dates import long_date
from generator.errors import ContentError, MarginaliaError, TemplateError
from generator.plan.contexts import ArticlePage, GeneratedText, Page
from generator.plan.heads import PageHeads
from generator.plan.model import article_actor_ids
from generator.plan.structured import json_ld, wikidata_url
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


def markdown_engine(config: SiteConfig) -> MarkdownEngine:
    """The site's markdown settings as the body stage takes them."""
    settings = config.markdown
    return MarkdownEngine(settings.engine, settings.extensions, settings.extension_configs)


def markdown_key(config: SiteConfig) -> str:
    """What a rendered body depends on in the markdown settings: they and the version of
    Python-Markdown (extensions are named; their code is not digested)."""
    return f"{config.markdown!r}/{markdown.__version__}"


class BodyRenderer:
    """Markdown to HTML for article bodies."""

    def __init__(
        self,
        matcher: ActorMatcher,
        linker: Linker,
        actors: Mapping[str, Actor],
        engine: MarkdownEngine = DEFAULT_ENGINE,
    ) -> None:
        self._engine = engine
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
            engine=self._engine,
        )
        text = article.body or read_body(article)
        try:
            html = render_body(text, markup)
        except ExtensionFailed as error:
            raise _extension_failed(error, article, text) from None
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
        except MarginaliaError:
            raise  # a filter's own error already says where and what
        except Exception as error:  # any error a template raises is named, with its place
            raise template_error(error, page_template=page.template) from None


# Jinja's own filters and tests, and the ones make_environment adds: named in a fix.
_MARGINALIA_FILTERS = ("link", "long_date", "json_ld", "wikidata_url")


def template_error(error: Exception, *, page_template: str) -> TemplateError:
    """A TemplateError for any exception raised while a page's template renders, naming
    the template file and line where it happened (an included partial, not the page)."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        # Raised while compiling (the page's template, or an include when it is reached),
        # with its own file and line; an unknown filter is one of these.
        return TemplateError(
            f"template syntax error: {_sentence(error.message or str(error))}",
            path=error.filename or _innermost_template(error)[0] or page_template,
            line=error.lineno,
            fix=_filter_fix(error) or "correct the Jinja syntax at that line",
        )
    path, line = _innermost_template(error)
    where = path or page_template
    if isinstance(error, jinja2.TemplateNotFound):
        return TemplateError(
            f"template '{error.name}' not found",
            path=where,
            line=line,
            fix="add the template under templates/, or correct the name at that line"
            if path
            else "add the template under templates/, or restore it from git",
        )
    if isinstance(error, jinja2.UndefinedError):
        return TemplateError(
            f"template uses an undefined value: {_sentence(error.message or str(error))}",
            path=where,
            line=line,
            fix="check the names at that line against what the template is given: page, "
            "meta, head, site (and body_html on article pages)",
        )
    return TemplateError(
        f"template error: {_describe(error)}",
        path=where,
        line=line,
        fix=_filter_fix(error) or "correct the expression at that line",
    )


def _innermost_template(error: BaseException) -> tuple[str | None, int | None]:
    """The template file and line of the innermost template frame of the traceback.

    Jinja rewrites a render error's traceback so template frames carry the template's
    file name and line (jinja2.debug.rewrite_traceback_stack); a frame that was not
    rewritten still maps its compiled line through its template.
    """
    found: tuple[str | None, int | None] = (None, None)
    tb = error.__traceback__
    while tb is not None:
        frame_globals = tb.tb_frame.f_globals
        if "__jinja_exception__" in frame_globals:
            found = (str(frame_globals.get("__file__")), tb.tb_lineno)
        elif (template := frame_globals.get("__jinja_template__")) is not None:
            found = (template.filename, template.get_corresponding_lineno(tb.tb_lineno))
        tb = tb.tb_next
    return found


def _filter_fix(error: Exception) -> str | None:
    if "No filter named" not in str(error):
        return None
    return (
        "use a filter Jinja has (https://jinja.palletsprojects.com/templates/#builtin-filters)"
        f" or one Marginalia adds: {', '.join(_MARGINALIA_FILTERS)}"
    )


def _describe(error: BaseException) -> str:
    """The error in words: its message, never its repr."""
    if isinstance(error, KeyError) and error.args:
        return f"no key {_quoted(error.args[0])}"
    text = _sentence(str(error))
    if text:
        return text
    # No message (e.g. a bare RecursionError): the kind of error, in words.
    return re.sub(r"(?<!^)(?=[A-Z])", " ", type(error).__name__).lower()


def _quoted(value: object) -> str:
    return f"'{value}'" if isinstance(value, str) else str(value)


def _sentence(text: str) -> str:
    return text.strip().rstrip(".")


def site_info(config: SiteConfig, *, assets: Mapping[str, str]) -> SiteInfo:
    return SiteInfo(
        title=config.title,
        description=config.description,
        language=config.language,
        assets=assets,
        search_page=urls.search_path() if config.search else None,
    )


def _extension_failed(error: ExtensionFailed, article: Article, text: str) -> ContentError:
    """The article's file and the line the extension failed on (the body's first line
    when no one block fails alone), naming the extension when its code raised it."""
    # body_line is the line of the body's first text; the text may start with blank lines.
    first = article.body_line - (len(text) - len(text.lstrip("\n")))
    which = (
        f"the Markdown extension '{error.extension}'" if error.extension else "a Markdown extension"
    )
    return ContentError(
        f"{which} failed on this article: {error.what}",
        path=article.path,
        line=first + error.line - 1 if error.line else article.body_line,
        fix=f"remove {repr(error.extension) if error.extension else 'the extension'} from "
        "'markdown.extensions' in site.yaml, or change the text it fails on",
    )
