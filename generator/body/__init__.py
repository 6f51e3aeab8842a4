"""Body: one article's Markdown body -> HTML. It owns the two Markdown engines behind one
parse and the sanitiser every body passes (engines): Python-Markdown's tree brought to
the shapes of the pulldown-cmark tree (python_markdown, markdown_tree); anchoring quotes,
notes and events to the words they refer to (annotations) and the markup that links
actors and marks anchored words (body_markup), and a reader's selection turned into the
anchor the build would find, with the shortest prefix or suffix (selection).
It may import content and the base modules; never plan, build or anything above, and
not config (a sibling).
"""
