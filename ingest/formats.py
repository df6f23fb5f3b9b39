"""File types whose text is read as Markdown, for titles (loaders) and sections (chunking).

HTML pages and Word documents are converted to Markdown when they are loaded, so their headings
become sections just as a Markdown file's do.
"""

from __future__ import annotations

HTML_SUFFIXES = frozenset({".html", ".htm"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".docx"} | HTML_SUFFIXES)
