"""Plan: the whole site as data, before anything is rendered. It owns the site model
(model), the page context types (contexts), page planning (pages), each page's head and
schema.org data (heads, structured), the CAMEO table (cameo), the timeline (charts), the
feeds, sitemap, open data and search index as generated files (feeds, sitemap, opendata,
search), the open data as CSV tables (tables), the actor network picture (network)
and the digests that say what each page depends on (fingerprint). Pure: no disk.
It may import body, config, content and the base modules; never build or anything above.
"""
