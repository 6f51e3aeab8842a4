"""Candidate actors are names an editor can add to the registry as they are: full
names without titles, days, sentence-initial words or the generic words of a body."""

from generator.content.actors import build_matcher
from generator.ingest.attribution import (
    find_candidate_actors,
    find_quotes,
    find_quotes_and_candidates,
)

EMPTY = build_matcher(())


def test_speakers_are_candidates_by_their_full_name():
    paragraphs = [
        "Tedros Adhanom Ghebreyesus arrived in Geneva on Monday.",
        "“The camps need water before anything else,” said Dr Tedros.",
        "“Our members will stay out until the offer improves,” Mr. Castellano said.",
        "Luis Castellano leads the dockers' union.",
    ]
    assert find_candidate_actors(paragraphs, EMPTY) == (
        "Luis Castellano",
        "Tedros Adhanom Ghebreyesus",
    )


def test_candidates_leave_out_titles_days_and_sentence_starts():
    paragraphs = [
        "On Monday, Russian Foreign Minister Sergei Lavrov met Kremlin spokesman Dmitry Peskov.",
        "Thousands Protest in Paris. Thousands Protest in Paris again.",
        "Asked Monday about it, Peskov declined to comment.",
    ]
    assert find_candidate_actors(paragraphs, EMPTY) == ("Dmitry Peskov", "Sergei Lavrov")


def test_candidates_leave_out_generic_bodies_and_keep_named_ones():
    paragraphs = [
        "The Defence Ministry said the Foreign Ministry had been told.",
        "The Defence Ministry and the Foreign Ministry declined to comment.",
        "Researchers at the University of New Mexico and Amnesty International agreed.",
        "The University of New Mexico said Amnesty International was right.",
    ]
    assert find_candidate_actors(paragraphs, EMPTY) == (
        "Amnesty International",
        "University of New Mexico",
    )


def test_candidates_with_the_quotes_found_and_with_the_title_given():
    paragraphs = ["“Sanctions have not stopped a single factory,” Manturov said."]
    title = "Denis Manturov says industry grows"
    quotes = find_quotes(paragraphs, EMPTY, context=[title])
    assert find_candidate_actors(paragraphs, EMPTY, quotes, context=[title]) == ("Denis Manturov",)


def test_quotes_and_candidates_together_are_each_found_alone():
    paragraphs = [
        "“Sanctions have not stopped a single factory,” Manturov said.",
        "Thousands marched in Moscow. Kremlin spokesman Dmitry Peskov declined to comment.",
        "“We will answer in kind when the time comes,” Peskov said on Monday.",
    ]
    context = ["Denis Manturov says industry grows"]
    quotes, candidates = find_quotes_and_candidates(paragraphs, EMPTY, context=context)
    assert quotes == find_quotes(paragraphs, EMPTY, context=context)
    assert len(quotes) == 2
    assert candidates == find_candidate_actors(paragraphs, EMPTY, context=context)
    assert candidates == ("Denis Manturov", "Dmitry Peskov")
