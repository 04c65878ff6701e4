"""The review queue: thumbs-down, unanswered and caveated questions kept on opt-in, for staff to
teach."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .feedback import FeedbackLog

WHY = {"down": "thumbs down", "abstained": "not answered", "caveat": "answered with a caveat"}


@dataclass(frozen=True)
class Kept:
    """One kept question: when, why it needs a look, and the question as asked."""

    time: str
    why: str
    question: str


class ReviewQueue:
    """Reads the feedback file; holds nothing unless the operator opted in to keeping questions
    (FAQBOT_LOG_QUESTIONS=1), since without it no question text is ever written."""

    def __init__(self, feedback: FeedbackLog, limit: int):
        self.feedback, self.limit = feedback, limit

    def entries(self) -> list[Kept]:
        """The newest `limit` distinct questions rated down, left unanswered or answered under a
        caveat, newest first."""
        path = self.feedback.path
        if not self.feedback.log_questions or path is None or not path.is_file():
            return []
        kept: dict[str, Kept] = {}
        for line in reversed(path.read_text(encoding="utf-8").splitlines()):
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut off by a crash: the rest still count
            question = entry.get("question") if isinstance(entry, dict) else None
            why = WHY.get(entry.get("rating")) if isinstance(entry, dict) else None
            if not isinstance(question, str) or not question.strip() or why is None:
                continue
            key = " ".join(question.casefold().split())
            kept.setdefault(key, Kept(str(entry.get("time", "")), why, question))
            if len(kept) == self.limit:
                break
        return list(kept.values())
