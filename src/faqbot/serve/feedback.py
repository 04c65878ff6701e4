"""Thumbs up/down from the chat, appended to a JSONL file: passage ids; the question on opt-in,
when unanswered questions are kept too (for the staff desk's review queue)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path


class FeedbackLog:
    """Appends thumbs up/down to a JSONL file: rating and passage ids; the question on opt-in."""

    def __init__(self, path: str | Path | None, log_questions: bool = False):
        self.path = Path(path) if path else None
        self.log_questions = log_questions
        self._lock = threading.Lock()

    def record(self, liked: bool, passages: list[str], question: str = "") -> dict | None:
        if self.path is None:
            return None
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "rating": "up" if liked else "down",
            "passages": list(passages),
        }
        if self.log_questions:
            entry["question"] = question
        self._append(entry)
        return entry

    def unanswered(self, question: str, rating: str = "abstained") -> dict | None:
        """Keep a question the bot abstained on ("abstained") or answered under a caveat that
        the articles may not cover it ("caveat"), only when the operator opted in."""
        if self.path is None or not self.log_questions:
            return None
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "rating": rating,
            "passages": [],
            "question": question,
        }
        self._append(entry)
        return entry

    def _append(self, entry: dict) -> None:
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(json.dumps(entry, ensure_ascii=False) + "\n")
