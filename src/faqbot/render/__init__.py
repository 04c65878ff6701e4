"""Presentation: Replies and Passages as Markdown, HTML and JSON. Imports the data types only."""

from .json import passage_dict, reply_dict, search_dict
from .markdown import NOT_FOUND, escape_markdown, plain_links, reply_markdown, reply_text

__all__ = [
    "NOT_FOUND", "escape_markdown", "passage_dict", "plain_links", "reply_dict", "reply_markdown",
    "reply_text", "search_dict",
]  # fmt: skip
