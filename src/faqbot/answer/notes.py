"""Caveats a reply states above its quotes."""

from __future__ import annotations


def uncovered_note(words: tuple[str, ...]) -> tuple[str, ...]:
    """ "The articles don't say anything about “Canada”." when the quotes leave words uncovered."""
    if not words:
        return ()
    named = ", ".join(f"“{w}”" for w in words[:-1]) + (" or " if len(words) > 1 else "")
    named += f"“{words[-1]}”"
    return (
        f"The articles don't say anything about {named}. These are the closest passages they "
        "have; they may not answer your question.",
    )
