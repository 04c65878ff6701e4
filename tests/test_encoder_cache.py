"""The remembering encoder: a question is encoded once for safety and retrieval."""

import numpy as np

from faqbot.encoders.cache import RememberingEncoder
from tests.conftest import FakeEncoder


def test_a_remembered_text_is_not_encoded_again():
    inner = FakeEncoder()
    cache = RememberingEncoder(inner, size=4)
    first = cache.encode(["price of a drive"])
    again = cache.encode(["price of a drive"])
    assert inner.calls == 1 and np.array_equal(first, again)


def test_more_texts_than_it_remembers_in_one_call_are_all_encoded():
    # a long message read sentence by sentence: the remembered texts must not be pushed out
    # before they are returned (this raised "all input arrays must have the same shape")
    inner = FakeEncoder()
    cache = RememberingEncoder(inner, size=2)
    cache.encode(["sleep"])
    texts = ["sleep", "car", "price", "dose", "sleep", "hours"]
    got = cache.encode(texts)
    assert got.shape == (len(texts), inner.dimension)
    np.testing.assert_allclose(got, FakeEncoder().encode(texts))
    assert len(cache._vectors) == 2  # it still keeps only its size


def test_a_forgotten_text_is_encoded_again():
    # benchmarks/latency.py forgets before each timed question, so the model always runs
    inner = FakeEncoder()
    cache = RememberingEncoder(inner, size=4)
    cache.encode(["price of a drive"])
    cache.forget()
    cache.encode(["price of a drive"])
    assert inner.calls == 2
