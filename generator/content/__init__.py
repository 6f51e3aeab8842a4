"""Content: the domain types and how they are read from content/. It owns the article
types (types), the checks that turn one file's front matter into an Article or every
problem in it (validation), YAML front matter (frontmatter), the actor registry and its
matching (actors), reading the files from disk (loading) and
the file of a new hand-written article (new_article) and in-place edits of one note,
quote or event in an article's front matter, every other byte kept (frontmatter_edit).
It may import only the base modules (errors, urls, dates, sources, parallel): never
body, plan, build or anything above; a cache of parsed articles is passed in
(loading.ArticleCache), not imported.
"""
