"""The search index: the articles' words as static JSON files, searched in the browser.

An inverted index, split so a search fetches only what it needs:

    search/data/meta.json        how many articles, which term files exist, the articles
                                 of each date, and a version for the browser's cache
    search/data/terms/<k>.json   every word that starts with <k> (its first three letters)
                                 -> the articles it is in, and in which fields
    search/data/docs/<n>.json    articles n*50 to n*50+49: path, title, date, source
    search/data/facets/<k>.json  for k in actor, source, topic: each value's id, name and
                                 articles, to count a search's results by value
    search/data/facets/<k>/<id>.json  one value's, to narrow a search by it

Articles are numbered by date, then path, so a new day's articles are added at the end.
A posting is one number, (number - previous number) << 4 | fields: the fields are bits
(title 8, actor 4, dek 2, text 1), so a word's weight in an article is their sum.
Words are lowercased, stripped of accents and split at anything that is not a letter or
a digit; the search page's script does the same to a query.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from array import array
from bisect import bisect_left, insort
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import IntFlag, StrEnum

from generator import urls
from generator.content.actors import Actor
from generator.content.types import Article
from generator.parallel import map_batches
from generator.plan.model import article_actor_ids, topic_name
from generator.plan.opendata import BodyText, kept_body

DATA_PATH = f"{urls.search_path()}data/"
FACETS_PATH = f"{DATA_PATH}facets/"
DOCS_PER_FILE = 50  # small, as the twenty results of a search come from as many files
SHARD_LETTERS = 3  # a term file holds the words that start with the same three letters
# Bump when the files' format changes, so browsers and the build drop what they kept.
FORMAT = 2
# The array type of a word's postings: four bytes (article numbers up to 2**28), half
# of "L", and the kept index is read and written whole on every build that changes it.
POSTING = "I"

_WORD = re.compile(r"[^\W_]{2,}")
# The combining diacritics that NFKD splits from letters ("é" -> "e" + U+0301). Other
# marks (the vowel signs of Indic scripts, say) stay, and split words in both languages.
_ACCENTS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
# Links in Markdown: the address is not the article's words.
_LINK_TARGET = re.compile(r"\]\([^)]*\)|<https?://[^>]*>|https?://\S+")
_PLAIN_KEY = re.compile(r"[a-z0-9]+")
_PLAIN_VALUE = re.compile(r"[a-z0-9][a-z0-9-]*")  # a facet value's file keeps its name
# Below this many articles to read, a process pool costs more than it saves.
PARALLEL_THRESHOLD = 300
BATCH_SIZE = 200


class Field(IntFlag):
    """Where a word is in an article; the value is its weight there."""

    TEXT = 1  # body, caption, dateline, source, authors
    DEK = 2  # and the article's tags (its topics)
    ACTOR = 4  # the name or an alias of an actor in the article
    TITLE = 8


def words(text: str) -> list[str]:
    """The words of a text as the index keeps them: lowercase, unaccented, two letters or more."""
    text = text.lower()
    if not text.isascii():
        if not unicodedata.is_normalized("NFKD", text):
            text = unicodedata.normalize("NFKD", text)
        text = _ACCENTS.sub("", text)
    return _WORD.findall(text)


@dataclass(frozen=True, slots=True)
class ArticleWords:
    """An article's own words by field, each once, space-separated: it depends on the
    article's file alone. Strings, not sets: ten thousand of them load in no time."""

    title: str
    dek: str
    text: str


def _distinct(text: str) -> str:
    # Most of an article's runs of text come again and again: each is split into words
    # once. Whitespace separates words in both, so the words found are the same.
    return " ".join(set(words(" ".join(set(text.split())))))


def article_words(article: Article, *, body_text: BodyText = kept_body) -> ArticleWords:
    """The words of an article, its text from body_text: a loaded article keeps no body,
    so the build passes loading.read_body."""
    body = body_text(article)
    parts = [
        _LINK_TARGET.sub("]", body),
        article.dateline or "",
        article.agency or "",
        article.source or "",
    ]
    parts += article.authors
    if article.image is not None:
        parts += [article.image.caption, article.image.credit or ""]
    return ArticleWords(
        title=_distinct(article.title),
        # Topics weigh as the dek does: an editor's summary of what the article is about.
        dek=_distinct(" ".join((article.dek or "", *article.tags))),
        text=_distinct(" ".join(parts)),
    )


def _words_of_batch(
    state: tuple[Sequence[Article], BodyText], batch: Sequence[int]
) -> list[ArticleWords]:
    articles, body_text = state
    return [article_words(articles[index], body_text=body_text) for index in batch]


def find_words(
    articles: Sequence[Article], *, body_text: BodyText = kept_body, workers: int = 1
) -> list[ArticleWords]:
    """article_words of each article, over several processes when there are many."""
    batches = map_batches(
        _words_of_batch,
        (articles, body_text),
        range(len(articles)),
        batch_size=BATCH_SIZE,
        workers=workers if len(articles) >= PARALLEL_THRESHOLD else 1,
    )
    return [found for batch in batches for found in batch]


def actor_words(actor: Actor) -> frozenset[str]:
    return frozenset(words(" ".join((actor.name, *actor.aliases))))


def shard_key(word: str) -> str:
    return word[:SHARD_LETTERS]


def shard_file(key: str) -> str:
    """The file name of a term file: the letters themselves when they are plain ASCII."""
    return key if _PLAIN_KEY.fullmatch(key) else "x" + key.encode("utf-8").hex()


def article_order(article: Article) -> tuple[object, ...]:
    return (article.date, urls.article_path(article.date, article.slug))


def index_digest(articles: Iterable[Article], actors: Mapping[str, Actor], code: str) -> str:
    """What the index is built from: each article's file, by page, and the actors' names."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{FORMAT}\0{code}".encode())
    for article in sorted(articles, key=article_order):
        path = urls.article_path(article.date, article.slug)
        digest.update(f"\n{path}\0{article.digest}".encode())
    for actor in sorted(actors.values(), key=lambda a: a.id):
        digest.update(f"\n{actor.id}\0{actor.name}\0{chr(31).join(actor.aliases)}".encode())
    return digest.hexdigest()


def index_files(outputs: Iterable[str]) -> list[str]:
    """The outputs, relative to the site, that belong to the search index."""
    return sorted(path for path in outputs if path.startswith(DATA_PATH))


@dataclass(frozen=True, slots=True)
class IndexState:
    """What one build's index was made of, so the next can update it in place."""

    docs: tuple[tuple[str, str, tuple[str, ...]], ...]  # (page path, digest, actor ids)
    names: str  # a digest of the actors' names and aliases
    postings: dict[str, array[int]]  # word -> (article number << 4 | fields), in order
    files: dict[str, str]


@dataclass(frozen=True, slots=True)
class SearchIndex:
    files: Mapping[str, str]  # site-relative path -> JSON text
    words: Mapping[str, ArticleWords]  # by article digest: every article's, for the next build
    state: IndexState


# An update in place is for a few edited articles; past this share, make it all again.
UPDATE_SHARE = 0.02


def plan_search_index(
    articles: Sequence[Article],
    actors: Mapping[str, Actor],
    *,
    known_words: Mapping[str, ArticleWords] | None = None,
    previous: IndexState | None = None,
    body_text: BodyText = kept_body,
    workers: int = 1,
) -> SearchIndex:
    """Every file of the index. Words already known by an article's digest are reused,
    and when only a few articles changed, the previous index is updated in place.
    body_text: an article's text, for the words not known yet (as article_words)."""
    known = known_words or {}
    docs = sorted(articles, key=article_order)
    keys = tuple((urls.article_path(a.date, a.slug), a.digest, tuple(a.actors)) for a in docs)
    names = {actor_id: actor_words(actor) for actor_id, actor in actors.items()}
    names_key = hashlib.blake2b(
        repr(sorted((k, sorted(v)) for k, v in names.items())).encode(), digest_size=16
    ).hexdigest()
    changed = _changed_in_place(previous, keys, names_key)
    updatable = (
        previous is not None
        and changed is not None
        and len(changed) <= max(20, UPDATE_SHARE * len(docs))
        and all(docs[n].digest and previous.docs[n][1] in known for n in changed)
    )
    if updatable:
        try:
            return _update(
                previous,  # type: ignore[arg-type]  # updatable: not None
                docs,
                keys,
                names,
                names_key,
                changed,  # type: ignore[arg-type]
                known,
                actors,
                body_text,
            )
        except (KeyError, IndexError, ValueError):
            pass  # the kept index does not match these articles: make it all again
    # An empty digest is an article made in code rather than read from a file: not cached.
    missing = [number for number, a in enumerate(docs) if not a.digest or a.digest not in known]
    new_words = find_words([docs[n] for n in missing], body_text=body_text, workers=workers)
    found = dict(zip(missing, new_words, strict=True))
    every: dict[str, ArticleWords] = {}
    postings: dict[str, array[int]] = {}
    for number, article in enumerate(docs):
        own = found.get(number) or known[article.digest]
        if article.digest:
            every[article.digest] = own
        base = number << 4
        for word, bits in _fields(own, article.actors, names).items():
            numbers = postings.get(word)
            if numbers is None:
                numbers = postings[word] = array(POSTING)
            numbers.append(base | bits)

    shards: dict[str, dict[str, list[int]]] = {}
    for word in sorted(postings):
        shards.setdefault(shard_key(word), {})[word] = _delta_encoded(postings[word])
    files = {_term_file(key): _json(terms) for key, terms in shards.items()}
    for start in range(0, len(docs), DOCS_PER_FILE):
        files[_docs_file(start)] = _docs_json(docs, start)
    files.update(plan_facets(docs, actors))
    files[META_FILE] = _meta(files, docs, shards)
    state = IndexState(keys, names_key, postings, dict(files))
    return SearchIndex(files=files, words=every, state=state)


META_FILE = f"{DATA_PATH}meta.json"


def _fields(
    own: ArticleWords, actor_ids: Iterable[str], names: Mapping[str, frozenset[str]]
) -> dict[str, int]:
    """Each word of an article, with the fields it is in."""
    fields = dict.fromkeys(own.text.split(), _TEXT)
    for word in own.dek.split():
        fields[word] = fields.get(word, 0) | _DEK
    for actor_id in actor_ids:
        for word in names.get(actor_id, ()):
            fields[word] = fields.get(word, 0) | _ACTOR
    for word in own.title.split():
        fields[word] = fields.get(word, 0) | _TITLE
    return fields


# Plain ints: or-ing enum members costs more than the rest of indexing an article.
_TEXT, _DEK, _ACTOR, _TITLE = (int(f) for f in (Field.TEXT, Field.DEK, Field.ACTOR, Field.TITLE))


def _changed_in_place(
    previous: IndexState | None,
    keys: tuple[tuple[str, str, tuple[str, ...]], ...],
    names_key: str,
) -> list[int] | None:
    """The numbers of the articles that changed, when every article kept its number."""
    if previous is None or previous.names != names_key or len(previous.docs) != len(keys):
        return None
    if any(old[0] != new[0] for old, new in zip(previous.docs, keys, strict=True)):
        return None
    return [n for n, (old, new) in enumerate(zip(previous.docs, keys, strict=True)) if old != new]


def _update(
    previous: IndexState,
    docs: Sequence[Article],
    keys: tuple[tuple[str, str, tuple[str, ...]], ...],
    names: Mapping[str, frozenset[str]],
    names_key: str,
    changed: Sequence[int],
    known: Mapping[str, ArticleWords],
    actors: Mapping[str, Actor],
    body_text: BodyText,
) -> SearchIndex:
    postings = previous.postings
    changed_docs = [docs[n] for n in changed]
    fresh = dict(zip(changed, find_words(changed_docs, body_text=body_text), strict=True))
    touched: set[str] = set()
    for number in changed:
        _, old_digest, old_actors = previous.docs[number]
        entry_base = number << 4
        old = _fields(known[old_digest], old_actors, names)
        new = _fields(fresh[number], docs[number].actors, names)
        for word, bits in old.items():
            numbers = postings[word]
            at = bisect_left(numbers, entry_base)
            # Every old posting is checked, kept or not: a kept index that does not
            # hold exactly the article's old words is not trusted.
            if numbers[at] != entry_base | bits:
                raise ValueError(f"{word!r} does not list article {number} as it was")
            if new.get(word) == bits:
                continue  # the same posting: the word's list stays as it is
            del numbers[at]
            if not numbers:
                del postings[word]
            touched.add(word)
        for word, bits in new.items():
            if old.get(word) == bits:
                continue
            numbers = postings.get(word)
            if numbers is None:
                numbers = postings[word] = array(POSTING)
            insort(numbers, entry_base | bits)
            touched.add(word)
    files = dict(previous.files)
    # Only the words whose postings changed are encoded again; each of their term files
    # is read back, and written whole, as the sorted keys make it the same bytes.
    by_shard: dict[str, list[str]] = {}
    for word in touched:
        by_shard.setdefault(shard_key(word), []).append(word)
    for key, shard_words in by_shard.items():
        path = _term_file(key)
        terms = json.loads(files[path]) if path in files else {}
        for word in shard_words:
            if word in postings:
                terms[word] = _delta_encoded(postings[word])
            else:
                terms.pop(word, None)
        if terms:
            files[path] = _json(terms)
        else:
            files.pop(path, None)
    for start in sorted({number - number % DOCS_PER_FILE for number in changed}):
        files[_docs_file(start)] = _docs_json(docs, start)
    # Made afresh: a pass over the articles' front matter, with no words to find.
    files = {path: text for path, text in files.items() if not path.startswith(FACETS_PATH)}
    files.update(plan_facets(docs, actors))
    all_shards = sorted({shard_key(word) for word in postings})
    files[META_FILE] = _meta({k: v for k, v in files.items() if k != META_FILE}, docs, all_shards)
    every = {a.digest: known[a.digest] for n, a in enumerate(docs) if n not in fresh}
    every.update({docs[n].digest: fresh[n] for n in changed})
    state = IndexState(keys, names_key, postings, dict(files))
    return SearchIndex(files=files, words=every, state=state)


def _term_file(key: str) -> str:
    return f"{DATA_PATH}terms/{shard_file(key)}.json"


def _docs_file(start: int) -> str:
    return f"{DATA_PATH}docs/{start // DOCS_PER_FILE}.json"


def _docs_json(docs: Sequence[Article], start: int) -> str:
    chunk = docs[start : start + DOCS_PER_FILE]
    return _json(
        [
            [urls.article_path(a.date, a.slug), a.title, a.date.isoformat(), a.source or ""]
            for a in chunk
        ]
    )


class Facet(StrEnum):
    """What a search can be narrowed by; the name is the address's parameter."""

    ACTOR = "actor"
    SOURCE = "source"
    TOPIC = "topic"


def facet_file(facet: Facet) -> str:
    return f"{FACETS_PATH}{facet.value}.json"


def plan_facets(docs: Sequence[Article], actors: Mapping[str, Actor]) -> dict[str, str]:
    """The facet files: for each value, [id, name, article numbers delta-encoded], by id,
    all of a facet's in one file (to count a search's results) and each in its own (to
    narrow a search). Pure front matter, no words: cheap enough to make whole on every
    build that indexes."""
    members: dict[Facet, dict[str, list[int]]] = {facet: {} for facet in Facet}
    spellings: dict[str, dict[str, int]] = {}
    # As model.article_topics, with each spelling made a slug once: the same few tags
    # come back in article after article, and slugify is most of the cost.
    slugs: dict[str, str] = {}
    for number, article in enumerate(docs):
        if article.source:
            members[Facet.SOURCE].setdefault(article.source, []).append(number)
        for actor_id in article_actor_ids(article):
            members[Facet.ACTOR].setdefault(actor_id, []).append(number)
        topics: dict[str, None] = {}
        for tag in dict.fromkeys(article.tags):
            slug = slugs.get(tag)
            if slug is None:
                slug = slugs[tag] = urls.slugify(tag)
            if slug:
                topics[slug] = None
                counts = spellings.setdefault(slug, {})  # its name, as its page shows it
                counts[tag] = counts.get(tag, 0) + 1
        for slug in topics:
            members[Facet.TOPIC].setdefault(slug, []).append(number)
    names = {
        Facet.SOURCE: {value: value for value in members[Facet.SOURCE]},
        Facet.ACTOR: {
            value: actors[value].name if value in actors else value
            for value in members[Facet.ACTOR]
        },
        Facet.TOPIC: {value: topic_name(spellings[value]) for value in members[Facet.TOPIC]},
    }
    files: dict[str, str] = {}
    for facet in Facet:
        rows = [
            [value, names[facet][value], _deltas(numbers)]
            for value, numbers in sorted(members[facet].items())
        ]
        files[facet_file(facet)] = _json(rows)
        by_file: dict[str, list[list[object]]] = {}
        for row in rows:
            by_file.setdefault(facet_value_file(facet, row[0]), []).append(row)  # type: ignore[arg-type]
        files.update({path: _json(group) for path, group in by_file.items()})
    return files


def facet_value_file(facet: Facet, value: str) -> str:
    """The file of one value: a search narrowed by it reads this, not the whole facet.
    Plain ids keep their name; others are spelled in hex after "_", which no plain id has."""
    name = value if _PLAIN_VALUE.fullmatch(value) else "_" + value.encode("utf-8").hex()
    return f"{FACETS_PATH}{facet.value}/{name}.json"


def _deltas(numbers: Sequence[int]) -> list[int]:
    return [number - previous for previous, number in zip([0, *numbers], numbers, strict=False)]


def _meta(files: Mapping[str, str], docs: Sequence[Article], shards: Iterable[str]) -> str:
    # The browser asks for the other files with this version, so it never mixes a new
    # meta.json with term files from its cache; it changes only when one of them does.
    version = hashlib.blake2b(f"{FORMAT}".encode(), digest_size=8)
    for path in sorted(files):
        version.update(f"\0{path}\0{files[path]}".encode())
    return _json(
        {
            "version": version.hexdigest(),
            "count": len(docs),
            "docsPerFile": DOCS_PER_FILE,
            "shardLetters": SHARD_LETTERS,
            "shards": sorted(shards),
            "dates": _date_ranges(docs),
            # The size of each facet's whole file: the page reads them only when small.
            "facetBytes": {
                facet.value: len(files.get(facet_file(facet), "").encode()) for facet in Facet
            },
        }
    )


def _delta_encoded(numbers: array[int]) -> list[int]:
    ids = [value >> 4 for value in numbers]
    return [
        ((number - previous) << 4) | (value & 15)
        for previous, number, value in zip([0, *ids], ids, numbers, strict=False)
    ]


def _date_ranges(docs: Sequence[Article]) -> list[list[object]]:
    """[date, first article number, count] for each date, in order."""
    ranges: list[list[object]] = []
    for number, article in enumerate(docs):
        day = article.date.isoformat()
        if ranges and ranges[-1][0] == day:
            ranges[-1][2] += 1  # type: ignore[operator]
        else:
            ranges.append([day, number, 1])
    return ranges


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"
