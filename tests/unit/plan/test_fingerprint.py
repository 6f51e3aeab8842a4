"""Fingerprints: one digest for everything a page depends on, so an unchanged page is
never written again and a changed one always is."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import jinja2

from generator.plan.contexts import GeneratedText
from generator.plan.fingerprint import Fingerprinter, body_key, digest_of, template_digests
from tests.support.sample_archive import KIM, KIM_QUOTE, article

DAY = dt.date(2023, 9, 1)


def test_equal_values_have_one_digest_and_different_values_another() -> None:
    one = article("a", "A", DAY, quotes=(KIM_QUOTE,))
    same = article("a", "A", DAY, quotes=(dataclasses.replace(KIM_QUOTE),))
    assert digest_of((KIM, one.quotes)) == digest_of((KIM, same.quotes))
    other = dataclasses.replace(KIM_QUOTE, verb="told")
    assert digest_of((KIM, (other,))) != digest_of((KIM, one.quotes))
    assert digest_of(("a", 1)) != digest_of(("a", "1"))


def test_by_value_the_digest_ignores_which_objects_are_shared() -> None:
    text = "a quote long enough to be one object"
    shared = ((text, text),)
    apart = ((text, "".join(["a quote long enough", " to be one object"])),)
    assert shared == apart
    assert digest_of(shared, by_value=True) == digest_of(apart, by_value=True)


def test_an_article_stands_for_its_file_digest_not_its_loaded_body() -> None:
    loaded = dataclasses.replace(article("a", "A", DAY), digest="d1")
    without_body = dataclasses.replace(loaded, body="")
    edited = dataclasses.replace(loaded, digest="d2")
    prints = Fingerprinter()
    assert prints.digest((loaded,)) == prints.digest((without_body,))
    assert prints.digest((loaded,)) != prints.digest((edited,))
    assert prints.articles == [str(edited.path)]


def test_a_generated_file_stands_for_its_inputs_and_its_text_is_never_made() -> None:
    def never() -> str:
        raise AssertionError("the text was made to fingerprint it")

    one = GeneratedText(make=never, inputs=("feed", 1))
    same = GeneratedText(make=never, inputs=("feed", 1))
    other = GeneratedText(make=never, inputs=("feed", 2))
    prints = Fingerprinter()
    assert prints.digest(one) == prints.digest(same) != prints.digest(other)


def test_a_template_digest_follows_what_it_includes_and_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "partials").mkdir()
    (tmp_path / "page.html").write_text('{% include "partials/head.html" %}<main></main>')
    (tmp_path / "other.html").write_text("<p>other</p>")
    (tmp_path / "partials" / "head.html").write_text("<title>x</title>")

    def digests() -> dict[str, str]:
        return template_digests(jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path)))

    before = digests()
    (tmp_path / "partials" / "head.html").write_text("<title>y</title>")
    after = digests()
    assert after["page.html"] != before["page.html"]
    assert after["partials/head.html"] != before["partials/head.html"]
    assert after["other.html"] == before["other.html"]


def test_a_template_that_names_its_include_at_run_time_depends_on_every_template(
    tmp_path: Path,
) -> None:
    (tmp_path / "page.html").write_text("{% include name %}")
    (tmp_path / "a.html").write_text("a")

    def digests() -> dict[str, str]:
        return template_digests(jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path)))

    before = digests()
    (tmp_path / "a.html").write_text("b")
    assert digests()["page.html"] != before["page.html"]


def test_a_body_key_changes_with_each_thing_the_body_html_depends_on() -> None:
    item = dataclasses.replace(article("a", "A", DAY), digest="d1")
    base = {"surfaces": "s", "base_path": "/", "generator": "g", "markdown": "m"}
    key = body_key(item, **base)
    assert body_key(dataclasses.replace(item, digest="d2"), **base) != key
    changes = [("surfaces", "t"), ("base_path", "/x/"), ("generator", "h"), ("markdown", "n")]
    for field, value in changes:
        assert body_key(item, **{**base, field: value}) != key
    assert body_key(dataclasses.replace(item, title="Another"), **base) == key
