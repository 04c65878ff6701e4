"""The coverage bar holds for every training author, not only on the pooled questions."""

from __future__ import annotations

import numpy as np

from faqbot.answer.train import worst_author_threshold


def test_no_author_has_more_than_the_budget_flagged():
    rng = np.random.default_rng(1)
    easy, hard = rng.uniform(0, 0.5, 100), rng.uniform(0.3, 1.0, 100)  # hard: high scores
    scores = np.concatenate([easy, hard])
    authors = np.array(["easy"] * 100 + ["hard"] * 100)
    t = worst_author_threshold(scores, authors, 0.08)
    assert np.mean(hard >= t) <= 0.08 and np.mean(easy >= t) <= 0.08
    assert np.mean(hard >= np.nextafter(t, -np.inf)) > 0.08 or np.mean(hard >= t) == 0.08
    pooled = float(np.quantile(scores, 1 - 0.08))  # the pooled bar lets "hard" exceed it
    assert np.mean(hard >= pooled) > 0.08


def test_an_author_with_too_few_questions_for_one_flag_flags_none():
    scores, authors = np.array([0.9, 0.1, 0.5]), np.array(["a", "a", "a"])
    assert not np.any(scores >= worst_author_threshold(scores, authors, 0.08))
