"""Each page's head: its canonical URL, its OpenGraph kind and its schema.org data. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from generator import urls
from generator.content.actors import Actor, ActorType
from generator.plan.contexts import (
    ActorPage,
    ArticlePage,
    GeneratedText,
    HomePage,
    NotFoundPage,
    Page,
    PageHead,
    TopicPage,
)
from generator.plan.structured import (
    SCHEMA,
    Absolute,
    FactCheck,
    JsonObject,
    breadcrumbs,
    claim_reviews,
    published_time,
    thing,
)


@dataclass(frozen=True, slots=True)
class PageHeads:
    """Makes each page's head when it renders: it follows from the page and the settings,
    which its fingerprint already covers, so planning need not build 100,000 of them."""

    absolute: Absolute
    site_title: str
    description: str

    def head(self, page: Page) -> PageHead | None:
        context = page.context
        if isinstance(context, NotFoundPage | GeneratedText):
            return None
        url = self.absolute(page.path)
        trail = [("Home", self.absolute(urls.home_path()))]
        trail += [(crumb.label, self.absolute(crumb.path)) for crumb in page.crumbs]
        data: list[JsonObject] = [breadcrumbs(trail)] if page.crumbs else []
        if isinstance(context, ArticlePage):
            article = context.article
            known = _actors_by_name(context)
            data[:0] = [
                self._news_article(context, url, known),
                *claim_reviews(
                    self._fact_checks(context, known),
                    page_url=url,
                    publisher=self._site_organization(),
                    date_published=published_time(article.date),
                ),
            ]
            return PageHead(url, "article", article.dek or article.title, tuple(data))
        if isinstance(context, ActorPage):
            actor = context.actor
            about = {"@context": SCHEMA, **self._thing(actor)}
            if actor.role and actor.type is ActorType.PERSON:
                about["jobTitle"] = actor.role
            if context.country is not None:
                key = "nationality" if actor.type is ActorType.PERSON else "location"
                about[key] = self._thing(context.country)
            kind = "profile" if actor.type is ActorType.PERSON else "website"
            description = f"{actor.name}: {actor.role}" if actor.role else actor.name
            return PageHead(url, kind, description, (about, *data))
        if isinstance(context, TopicPage):
            count = context.article_count
            description = f"{count} article{'s' if count != 1 else ''} on {context.topic.name}"
            return PageHead(url, "website", description, tuple(data))
        if isinstance(context, HomePage):
            website = {"@context": SCHEMA, "@type": "WebSite", "name": self.site_title, "url": url}
            return PageHead(url, "website", self.description, (website, *data))
        return PageHead(url, "website", self.description, tuple(data))

    def _thing(self, actor: Actor) -> dict[str, object]:
        return thing(
            actor.type.value,
            actor.name,
            self.absolute(urls.actor_path(actor.id)),
            aliases=actor.aliases,
            wikidata=actor.wikidata,
        )

    def _site_organization(self) -> JsonObject:
        """The archive itself, as the author of its fact-checks."""
        home = self.absolute(urls.home_path())
        return {"@type": "Organization", "name": self.site_title, "url": home}

    def _person_or_organization(self, name: str, known: Mapping[str, Actor]) -> JsonObject:
        """Someone named in front matter: typed and linked when they are one of the
        page's actors (by id, name or alias), else a Person by name, since most claims
        checked and most bylines are someone's words."""
        actor = known.get(name) or known.get(name.casefold())
        if actor is None:
            return {"@type": "Person", "name": name}
        # schema.org authors are people or organisations: a country speaks through its
        # government, an organisation.
        kind = "Person" if actor.type is ActorType.PERSON else "Organization"
        return {"@type": kind, "name": actor.name, "url": self.absolute(urls.actor_path(actor.id))}

    def _fact_checks(
        self, context: ArticlePage, known: Mapping[str, Actor]
    ) -> tuple[FactCheck, ...]:
        return tuple(
            FactCheck(
                note.claim,  # type: ignore[arg-type]  # is_claim_review: both are set
                note.rating,  # type: ignore[arg-type]
                note.note,
                note.quote,
                claim_author=(
                    self._person_or_organization(note.claim_author, known)
                    if note.claim_author
                    else None
                ),
                claim_date=note.claim_date,
            )
            for note in context.article.annotations
            if note.is_claim_review
        )

    def _news_article(
        self, context: ArticlePage, url: str, known: Mapping[str, Actor]
    ) -> JsonObject:
        article = context.article
        data: dict[str, object] = {
            "@context": SCHEMA,
            "@type": "NewsArticle",
            "headline": article.title,
            # No mainEntityOfPage: it would repeat url, the page the item is on, and
            # Google's article documentation asks for neither.
            "url": url,
            "datePublished": published_time(article.date),
            # Google wants dateModified; an article never changed was last changed
            # when it was published.
            "dateModified": published_time(article.updated or article.date),
            "isPartOf": {"@type": "WebSite", "name": self.site_title},
            "mentions": [self._thing(actor) for actor in context.actors],
        }
        # No description: the page's meta description and og:description say it already.
        # schema.org's dateline is the line as printed, agency included: "BEIRUT (AP)".
        dateline = " ".join(
            part
            for part in (article.dateline, f"({article.agency})" if article.agency else None)
            if part
        )
        if dateline:
            data["dateline"] = dateline
        source = {"@type": "NewsMediaOrganization", "name": article.source or self.site_title}
        data["publisher"] = source
        data["author"] = (
            [self._person_or_organization(name, known) for name in article.authors]
            if article.authors
            else source
        )
        # No sourceOrganization: it would repeat the publisher, which is the source.
        if article.url:
            # The page is an annotated copy of the article published at `url`. schema.org
            # defines isBasedOn as "a resource from which this work is derived or from
            # which it is a modification or adaptation": exactly that. sameAs would claim
            # the two pages are one item ("unambiguously indicates the item's identity"),
            # which the copy with its notes is not; Google documents neither for articles.
            data["isBasedOn"] = article.url
        return data


def _actors_by_name(context: ArticlePage) -> dict[str, Actor]:
    """The page's actors and speakers by id, and by name and alias in lower case: who a
    byline or a claim's author can be matched to."""
    actors = [*context.actors, *(quote.speaker for quote in context.quotes if quote.speaker)]
    known: dict[str, Actor] = {}
    for actor in actors:
        for name in (actor.name, *actor.aliases):
            known.setdefault(name.casefold(), actor)
    for actor in actors:
        known[actor.id] = actor
    return known
