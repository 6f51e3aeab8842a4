"""One content file's text -> an Article, or every problem found in it, each with its line."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from generator.content.actors import SLUG, Actor
from generator.content.frontmatter import (
    FrontMatter,
    describe,
    split_front_matter,
    yaml_text,
)
from generator.content.types import (
    ACTORS_FILE,
    ARTICLE_FIELDS,
    Annotation,
    AnnotationKind,
    Article,
    ArticleImage,
    Event,
    Quote,
    text_digest,
)
from generator.errors import (
    ContentError,
    MarginaliaError,
    did_you_mean,
)
from generator.urls import slugify

T = TypeVar("T")


_SUGGESTIONS = 10  # "did you mean"s per file among many choices (the actor ids)
_FEW_CHOICES = 50  # choices always worth a suggestion: the fields, the kinds


class _Problems:
    """Collects every error in a file, so one build reports them all."""

    def __init__(self, path: Path, front: FrontMatter) -> None:
        self.path = path
        self.front = front
        self.errors: list[MarginaliaError] = []
        self._suggestions = _SUGGESTIONS

    def did_you_mean(self, word: str, choices: Collection[str]) -> str:
        """errors.did_you_mean, for the first few mistakes of a file among many choices:
        each looks at every choice, and 10,000 unknown ids against a registry of 10,000
        actors would take half an hour."""
        if len(choices) > _FEW_CHOICES:
            if self._suggestions <= 0:
                return ""
            self._suggestions -= 1
        return did_you_mean(word, choices)

    def add(self, what: str, fix: str, *, key: str, index: int | None = None) -> None:
        # A missing field is reported at the opening fence, where the front matter starts.
        line = self.front.line_of(key, index) or 1
        self.errors.append(ContentError(what, path=self.path, line=line, fix=fix))


def _text(value: object) -> str | None:
    """A scalar from YAML as text; YAML turns 'Yes' or '2023-09-11' into other types.
    (Numbers stay text: see frontmatter.ContentLoader.)"""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (str, int, float, dt.date)):
        text = yaml_text(value) if not isinstance(value, str) else value.strip()
        return text or None
    return None


def parse_article(
    text: str, *, path: Path, known_actors: Mapping[str, Actor] | None
) -> tuple[Article | None, list[MarginaliaError]]:
    """One content file -> an Article, or every problem found in it.

    known_actors: the registry the actor ids must be in; None leaves them unchecked
    (for a caller that checks them itself)."""
    try:
        front = split_front_matter(text, path=path)
    except MarginaliaError as error:
        return None, [error]
    data = front.data
    problems = _Problems(path, front)

    for key in data:
        if key not in ARTICLE_FIELDS:
            name = yaml_text(key)
            problems.add(
                f"unknown field '{name}'{problems.did_you_mean(name, ARTICLE_FIELDS)}",
                f"the article fields are: {', '.join(ARTICLE_FIELDS)}",
                key=yaml_text(key),
            )

    for key in ("title", "dek", "dateline", "agency", "source"):
        if isinstance(data.get(key), bool):
            problems.add(
                f"YAML read '{key}' as a yes/no value, not as text",
                f'put the {key} in quotes, e.g. {key}: "No"',
                key=key,
            )
    title = _text(data.get("title"))
    if title is None and not isinstance(data.get("title"), bool):
        problems.add(
            "the article has no title",
            "add a line 'title: <the headline>' to the front matter",
            key="title",
        )
    date = _parse_date(data.get("date"))
    if date is None:
        got = describe(data["date"]) if "date" in data else "nothing"
        problems.add(
            f"'date' must be a date like 2023-09-11, got {got}",
            "write the publication date as 'date: YYYY-MM-DD'",
            key="date",
        )
    updated = _parse_updated(data, date, problems)
    slug = path.stem
    if not SLUG.fullmatch(slug):
        problems.add(
            f"the file name '{path.name}' is not a slug",
            "rename the file to lowercase letters, digits and hyphens, e.g. 'my-article.md'",
            key="",
        )

    authors = _text_list(data, "authors", problems)
    credits = _text_list(data, "credits", problems)
    actor_ids = _text_list(data, "actors", problems)
    tags = _text_list(data, "tags", problems)
    for index, tag in enumerate(tags):
        if not slugify(tag):
            problems.add(*tag_without_address(tag), key="tags", index=index)
    for index, actor_id in enumerate(actor_ids):
        if known_actors is not None and actor_id not in known_actors:
            problems.add(
                f"unknown actor id '{yaml_text(actor_id)}'"
                f"{problems.did_you_mean(actor_id, known_actors)}",
                f"add '{actor_id}' to content/{ACTORS_FILE}, or correct the id",
                key="actors",
                index=index,
            )
    image = _parse_image(data.get("image"), problems)
    url = _parse_web_address(data, "url", problems)
    quotes = _parse_list(
        data, _QUOTES, problems, lambda entry, fields: _parse_quote(entry, fields, known_actors)
    )
    annotations = _parse_list(data, _ANNOTATIONS, problems, _parse_annotation)
    events = _parse_list(
        data, _EVENTS, problems, lambda entry, fields: _parse_event(entry, fields, known_actors)
    )

    if problems.errors or title is None or date is None:
        return None, problems.errors
    return (
        Article(
            path=path,
            slug=slug,
            title=title,
            date=date,
            body=front.body.strip("\n"),
            body_line=front.body_line + _leading_newlines(front.body),
            source=_text(data.get("source")),
            authors=authors,
            dek=_text(data.get("dek")),
            dateline=_text(data.get("dateline")),
            agency=_text(data.get("agency")),
            credits=credits,
            image=image,
            actors=actor_ids,
            tags=tags,
            quotes=quotes,
            annotations=annotations,
            events=events,
            seed=_text(data.get("seed")),
            url=url,
            updated=updated,
            digest=text_digest(text),
        ),
        [],
    )


def tag_without_address(tag: str) -> tuple[str, str]:
    """What is wrong with a tag whose topic would have no address, and the fix."""
    return (
        f"the tag '{tag}' has no letters or digits, so its topic can have no address",
        "write the tag in words, e.g. 'arms-trade', or remove it from 'tags'",
    )


def _parse_updated(
    data: Mapping[str, object], published: dt.date | None, problems: _Problems
) -> dt.date | None:
    """The optional date the article was last changed: not before it was published."""
    if data.get("updated") is None:
        return None
    updated = _parse_date(data["updated"])
    if updated is None:
        problems.add(
            f"'updated' must be a date like 2023-09-12, got {describe(data['updated'])}",
            "write the date of the last change as 'updated: YYYY-MM-DD', or leave it out",
            key="updated",
        )
    elif published is not None and updated < published:
        problems.add(
            f"'updated' ({updated.isoformat()}) is before 'date' ({published.isoformat()})",
            "an article is changed after it is published: correct one of the two dates",
            key="updated",
        )
        return None
    return updated


def _parse_web_address(data: Mapping[str, object], key: str, problems: _Problems) -> str | None:
    """An absolute http(s) address, or None after reporting what is wrong with it.

    Only http and https: the address is printed into links and structured data, where
    'javascript:' or 'file:' would be a hazard or useless to a reader."""
    value = data.get(key)
    if value is None:
        return None
    text = value.strip() if isinstance(value, str) else None
    if text == "":
        return None
    if text is not None and _is_web_address(text):
        return text
    problems.add(
        f"'{key}' must be the article's original web address (http or https), "
        f"got {describe(value)}",
        f"write the full address, e.g. '{key}: https://www.example.com/news/2023/09/11/story'",
        key=key,
    )
    return None


def _is_web_address(text: str) -> bool:
    # Spaces and control characters are never part of a real address: one there is a
    # paste gone wrong, and would be a different address once a browser cleaned it.
    if any(char.isspace() or unicodedata.category(char) == "Cc" for char in text):
        return False
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 -- raises on a port that is not a number
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _leading_newlines(text: str) -> int:
    return len(text) - len(text.lstrip("\n"))


def _parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        # Full timestamps ("2023-03-23T17:42:00+00:00") are common in exported archives.
        try:
            return dt.datetime.fromisoformat(value.strip()).date()
        except ValueError:
            return None
    return None


def _text_list(data: Mapping[str, object], key: str, problems: _Problems) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    fix = f"write '{key}: [first, second]' or one '- item' per line"
    if not isinstance(value, list):
        problems.add(f"'{key}' must be a list of names, got {describe(value)}", fix, key=key)
        return ()
    texts = tuple(_text(item) for item in value)
    for number, (item, text) in enumerate(zip(value, texts, strict=True), 1):
        if text is None:
            problems.add(
                f"'{key}' must be a list of names, but item {number} is {describe(item)}",
                fix,
                key=key,
                index=number - 1,
            )
            return ()
    return tuple(text for text in texts if text is not None)


@dataclass(frozen=True, slots=True)
class _ListField:
    """A front matter field that lists entries: quotes, annotations, events."""

    key: str
    label: str  # one entry, as errors name it: "quote 2"
    allowed: tuple[str, ...]  # the fields of an entry
    example: str  # how to write an entry, for an entry that is not a mapping


def _parse_list(
    data: Mapping[str, object],
    field: _ListField,
    problems: _Problems,
    parse_item: Callable[[_Entry, dict], T | None],
) -> tuple[T, ...]:
    """Each entry that is a mapping of known fields, parsed by parse_item."""
    key = field.key
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.add(
            f"'{key}' must be a list, got {type(value).__name__}",
            f"write each entry of '{key}' on its own line starting with '- '",
            key=key,
        )
        return ()
    parsed: list[T] = []
    for index, item in enumerate(value):
        entry = _Entry(key, field.label, index, problems)
        fields = entry.fields(item, field.allowed, field.example)
        result = parse_item(entry, fields) if fields is not None else None
        if result is not None:
            parsed.append(result)
    return tuple(parsed)


def _parse_image(value: object, problems: _Problems) -> ArticleImage | None:
    if value is None:
        return None
    caption = _text(value.get("caption")) if isinstance(value, dict) else None
    if not isinstance(value, dict) or caption is None or set(value) - {"caption", "credit"}:
        problems.add(
            "'image' must have a 'caption' and may have a 'credit'",
            "write 'image:' then indented 'caption: ...' and 'credit: ...' lines",
            key="image",
        )
        return None
    return ArticleImage(caption=caption, credit=_text(value.get("credit")))


class _Entry:
    """One item of a list field (a quote, an annotation, an event), reporting problems
    at its own line."""

    def __init__(self, key: str, label: str, index: int, problems: _Problems) -> None:
        self.key = key
        self.where = f"{label} {index + 1}"
        self.index = index
        self.problems = problems
        self.ok = True

    @property
    def line(self) -> int | None:
        return self.problems.front.line_of(self.key, self.index)

    def problem(self, what: str, fix: str) -> None:
        self.ok = False
        self.problems.add(f"{self.where} {what}", fix, key=self.key, index=self.index)

    def fields(self, value: object, allowed: Sequence[str], example: str) -> dict | None:
        if not isinstance(value, dict):
            self.problem(f"must be a mapping of {', '.join(allowed[:3])}...", example)
            return None
        for name in value:
            if name not in allowed:
                self.problem(
                    f"has an unknown field '{yaml_text(name)}'"
                    f"{self.problems.did_you_mean(yaml_text(name), allowed)}",
                    f"the fields are: {', '.join(allowed)}",
                )
        return value

    def required(self, value: dict, name: str, fix: str) -> str | None:
        text = _text(value.get(name))
        if text is None:
            self.problem(f"has no '{name}'", fix)
        return text

    def actor(
        self, value: dict, name: str, known: Mapping[str, Actor] | None, *, other: str = ""
    ) -> str | None:
        actor_id = _text(value.get(name))
        if actor_id is not None and known is not None and actor_id not in known:
            self.problem(
                f"has an unknown {name} '{yaml_text(actor_id)}'"
                f"{self.problems.did_you_mean(actor_id, known)}",
                f"add '{actor_id}' to content/{ACTORS_FILE}, or correct the id{other}",
            )
            return None
        return actor_id


_QUOTES = _ListField(
    "quotes",
    "quote",
    ("speaker", "speaker_name", "text", "verb", "prefix", "suffix"),
    "write '- speaker: <actor id>' and an indented 'text: ...' line",
)


def _parse_quote(
    entry: _Entry, fields: dict, known_actors: Mapping[str, Actor] | None
) -> Quote | None:
    text = entry.required(fields, "text", "add 'text: <the quoted words>' to the quote")
    speaker = entry.actor(
        fields,
        "speaker",
        known_actors,
        other=", or use 'speaker_name: <Full Name>' for someone not in the registry",
    )
    speaker_name = _text(fields.get("speaker_name"))
    if fields.get("speaker") is None and speaker_name is None:
        entry.problem(
            "has no speaker", "add 'speaker: <actor id>' (or 'speaker_name: <Full Name>')"
        )
    if not entry.ok or text is None:
        return None
    return Quote(
        text=text,
        speaker=speaker,
        speaker_name=speaker_name,
        verb=_text(fields.get("verb")),
        prefix=_text(fields.get("prefix")),
        suffix=_text(fields.get("suffix")),
        line=entry.line,
    )


_ANNOTATIONS = _ListField(
    "annotations",
    "annotation",
    (
        "quote",
        "kind",
        "note",
        "prefix",
        "suffix",
        "claim",
        "rating",
        "claim_author",
        "claim_date",
        "id",
    ),
    "write '- quote: <exact text>' with indented 'kind:' and 'note:' lines",
)


def _parse_annotation(entry: _Entry, fields: dict) -> Annotation | None:
    quote = entry.required(
        fields, "quote", "add 'quote: <the exact words of the article it comments on>'"
    )
    note = entry.required(fields, "note", "add 'note: <the text of the margin note>'")
    kind_text = _text(fields.get("kind")) or AnnotationKind.NOTE.value
    kinds = [kind.value for kind in AnnotationKind]
    if kind_text not in kinds:
        entry.problem(
            f"has an unknown kind '{yaml_text(kind_text)}'"
            f"{entry.problems.did_you_mean(kind_text, kinds)}",
            f"use one of: {', '.join(kinds)}",
        )
        return None
    kind = AnnotationKind(kind_text)
    claim = _text(fields.get("claim"))
    rating = _text(fields.get("rating"))
    if kind is AnnotationKind.FACT_CHECK:
        if claim is None:
            entry.problem("is a fact-check without a 'claim'", "add 'claim: <the claim checked>'")
        if rating is None:
            entry.problem(
                "is a fact-check without a 'rating'",
                "add 'rating: <the verdict>', e.g. 'True', 'Misleading' or 'False'",
            )
    claim_date = None
    if fields.get("claim_date") is not None:
        claim_date = _parse_date(fields["claim_date"])
        if claim_date is None:
            entry.problem(
                f"has a 'claim_date' that is not a date: {describe(fields['claim_date'])}",
                "write the day the claim was made as 'claim_date: YYYY-MM-DD'",
            )
    if isinstance(fields.get("claim_author"), bool):
        entry.problem(
            "has a 'claim_author' that YAML read as a yes/no value",
            'put the name in quotes, e.g. claim_author: "No"',
        )
    elif fields.get("claim_author") is not None and _text(fields["claim_author"]) is None:
        entry.problem(
            f"has a 'claim_author' that is not a name: {describe(fields['claim_author'])}",
            "write who made the claim as 'claim_author: <name or actor id>'",
        )
    if not entry.ok or quote is None or note is None:
        return None
    return Annotation(
        quote=quote,
        kind=kind,
        note=note,
        prefix=_text(fields.get("prefix")),
        suffix=_text(fields.get("suffix")),
        claim=claim,
        rating=rating,
        claim_author=_text(fields.get("claim_author")),
        claim_date=claim_date,
        id=_text(fields.get("id")),
        line=entry.line,
    )


_EVENTS = _ListField(
    "events",
    "event",
    ("subject", "object", "action", "code", "quote"),
    "write '- subject: <actor id>' with indented 'action:' and 'object:' lines",
)
_CAMEO_CODE = re.compile(r"(0[1-9]|1[0-9]|20)[0-9]{0,2}")


def _parse_event(
    entry: _Entry, fields: dict, known_actors: Mapping[str, Actor] | None
) -> Event | None:
    subject = entry.actor(fields, "subject", known_actors)
    target = entry.actor(fields, "object", known_actors)
    for name in ("subject", "object"):
        if fields.get(name) is None:
            entry.problem(f"has no '{name}'", f"add '{name}: <actor id>'")
    action = entry.required(
        fields, "action", "add 'action: <what happened, in plain words>', e.g. 'threatens'"
    )
    code = _text(fields.get("code"))
    if code is not None and not _CAMEO_CODE.fullmatch(code):
        entry.problem(
            f"has the code '{yaml_text(code)}', which is not a CAMEO event code",
            "use two to four digits starting 01 to 20, e.g. '1312', in quotes, or leave 'code' out",
        )
    if not entry.ok or subject is None or target is None or action is None:
        return None
    return Event(
        subject=subject,
        object=target,
        action=action,
        code=code,
        quote=_text(fields.get("quote")),
        line=entry.line,
    )
