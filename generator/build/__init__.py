"""Build: one build of the site into its output folder. It owns the orchestration (build),
the cache under .cache/ (cache, search_cache), rendering templates and bodies (render),
writing the output safely (writer), the project lock (lock), the site's size as
GitHub Pages counts it (site_size), and checking a project and its site's links without
writing the site (check, links). It may import plan,
body, config, content and the base modules; never ingest, dev or cli.
"""
