"""Dev: the local dev server. It owns watching the project (watch), the instant path that
rewrites an edited article's page before the full build (live), live reload in the
browser (livereload), the HTTP server with its rebuild loop (serve) and the in-browser
editor's API, with its secret and Host/Origin checks (editor). It may import
every stage below it (ingest, build, plan, body, config, content, the base); only cli
imports dev.
"""
