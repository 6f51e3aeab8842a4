"""The W3C Web Annotation test suite's annotation-model schemas, run with jsonschema.

The schemas are the assertions of w3c/web-annotation-tests (kept offline in
tests/fixtures/w3c-annotation-tests/); a `.test` file lists the assertions of one test,
each a JSON Schema (draft 4) with an `assertionType` (must, should or may) and the
result expected of a conforming document (always "valid" in this suite). The W3C's
own harness runs them in a browser; this runs the same schemas the same way: one
document, every assertion of the test, the failures named by the suite's own messages.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SUITE = Path(__file__).resolve().parents[1] / "fixtures" / "w3c-annotation-tests"
ANNOTATION_TESTS = (
    "annotations/annotationMusts.test",
    "annotations/annotationOptionals.test",
    "annotations/annotationsAgentOptionals.test",
)
PAGE_TESTS = ("collections/pages/pageMusts.test", "collections/pages/pageOptionals.test")
COLLECTION_TESTS = ("collections/collectionMusts.test", "collections/collectionOptionals.test")
LEVELS = ("must", "should")

# jsonschema checks "uri" and "date-time" only with optional packages; the suite relies
# on both, so they are checked here, as RFC 3986 and RFC 3339 ask.
_DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", re.ASCII)
FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme) and not any(character.isspace() for character in value)


@FORMATS.checks("date-time")
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.fullmatch(value):
        return False
    dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


@dataclass(frozen=True, slots=True)
class Failure:
    assertion: str  # the schema's file in the suite
    level: str  # must or should
    message: str  # the suite's errorMessage

    def __str__(self) -> str:
        return f"{self.level} {self.assertion}: {self.message}"


def _schemas() -> dict[str, dict]:
    return {
        path.relative_to(SUITE).as_posix(): json.loads(path.read_text("utf-8"))
        for path in sorted(SUITE.rglob("*.json"))
    }


@cache
def _registry() -> Registry:
    # Every schema names itself by its file name ("id.json"), and refers to the others
    # by that name alone, wherever its file is in the suite.
    resources = [
        (schema["id"], Resource.from_contents(schema, default_specification=DRAFT4))
        for schema in _schemas().values()
    ]
    return Registry().with_resources(resources)


@cache
def assertions(tests: tuple[str, ...], levels: tuple[str, ...] = LEVELS) -> tuple[str, ...]:
    """The assertions of the tests at the levels asked for, each once, in order."""
    schemas = _schemas()
    found: list[str] = []
    for test in tests:
        for name in json.loads((SUITE / test).read_text("utf-8"))["assertions"]:
            if schemas[name]["assertionType"] in levels and name not in found:
                found.append(name)
    return tuple(found)


def failures(
    document: dict, tests: Iterable[str], levels: tuple[str, ...] = LEVELS
) -> list[Failure]:
    """The assertions of `tests` at `levels` that `document` does not meet."""
    schemas = _schemas()
    found: list[Failure] = []
    for name in assertions(tuple(tests), levels):
        schema = schemas[name]
        validator = jsonschema.Draft4Validator(schema, registry=_registry(), format_checker=FORMATS)
        valid = validator.is_valid(document)
        if valid != (schema["expectedResult"] == "valid"):
            found.append(Failure(name, schema["assertionType"], schema["errorMessage"].strip()))
    return found
