"""Marginalia: a static-site generator for annotated news archives.

The floor plan, each stage importing only the stages below it (import-linter keeps it:
[tool.importlinter] in pyproject.toml, run by `make lint`):

    cli                 the command line: ingest, build, serve, deploy
    dev, deploy         the dev server (watch, live reload, serve); publishing to git
    ingest              raw seeds -> content articles with quotes and actors
    build               one build: load, plan, fingerprint against the cache, render, write
    plan                the site's model and every page's path, template and context
    body, config        a Markdown body -> HTML with its notes anchored; the site settings
    content             the article and actor types, read from content/ and checked
    errors, urls, dates, sources, parallel      facts and tools every stage may use
"""

__version__ = "0.1.0"
