"""Ingest: raw seed files (seeds/*.txt) -> content articles with their quotes, speakers
and actors found, written under content/articles. It owns seed parsing (seedtext),
finding quotes and who said them (attribution), the writing of article files (ingest)
with what the last ingest knew (ingest_cache), the candidate actors across the archive
(candidates), new entries in the actor registry (registry) and W3C or Hypothesis
annotations brought in as margin notes (annotations_import).
It may import body, content and the base modules (errors, urls, dates, sources, parallel),
and, as a top stage, anything below it; nothing imports ingest but dev and cli.
"""
