"""Presentation: Replies and Passages as Markdown, HTML, JSON and plain text. Imports the data
types only."""

from .json import passage_dict, reply_dict, search_dict
from .markdown import NOT_FOUND, escape_markdown, plain_links, reply_markdown
from .text import plain_markdown, reply_text

__all__ = [
    "NOT_FOUND", "escape_markdown", "passage_dict", "plain_links", "plain_markdown", "reply_dict",
    "reply_markdown", "reply_text", "search_dict",
]  # fmt: skip
