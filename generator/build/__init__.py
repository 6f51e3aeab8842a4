"""Build: one build of the site into its output folder. It owns the orchestration (build),
the cache under .cache/ (cache, search_cache), rendering templates and bodies (render),
writing the output safely (writer) and the project lock (lock). It may import plan,
body, config, content and the base modules; never ingest, dev or cli.
"""
