"""Body: one article's Markdown body -> HTML. It owns the Markdown tree (markdown_tree),
anchoring quotes, notes and events to the words they refer to (annotations) and the
markup that links actors and marks anchored words (body_markup). It may import content
and the base modules; never plan, build or anything above, and not config (a sibling).
"""
