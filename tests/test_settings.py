"""The settings tree: one leaf changed by name, every section refusing bad values by name."""

import pytest

from faqbot.settings import AnswerSettings, Limits, RetrievalSettings, Settings


def test_replace_changes_one_leaf_and_keeps_the_rest():
    settings = Settings().replace(chunk_words=20, dense_weight=0.5)
    assert settings.index.chunk_words == 20 and settings.retrieval.dense_weight == 0.5
    assert settings.retrieval.fusion == "zscore" and settings.index.embed_context is True
    assert Settings().index.chunk_words == 200  # the default is untouched


def test_a_name_in_two_sections_goes_to_retrieval_and_a_section_can_be_replaced_whole():
    # `candidates` is both the retrieval pool (50) and the passages an answer weighs (8)
    assert Settings().replace(candidates=60).retrieval.candidates == 60
    settings = Settings().replace(answer=AnswerSettings(candidates=4))
    assert settings.answer.candidates == 4 and settings.retrieval.candidates == 50


def test_an_unknown_setting_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="No setting 'chunk_size'. Settings are: .*chunk_words"):
        Settings().replace(chunk_size=20)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: RetrievalSettings(retriever="magic"), "retriever must be one of hybrid, dense"),
        (lambda: RetrievalSettings(fusion="max"), "fusion must be one of zscore, rrf, got 'max'"),
        (lambda: RetrievalSettings(dense_weight=1.5), "dense_weight must be 0..1, got 1.5"),
        (lambda: Settings().replace(chunk_words=4), "chunk_words must be at least 5, got 4"),
        (lambda: Limits(max_k=0), "max_k must be at least 1, got 0"),
        (lambda: Settings().replace(threads=0), "threads must be at least 1, got 0"),
        (lambda: Settings().replace(queue_poll_s=0), "queue_poll_s must be above 0 and at most 1"),
    ],
)
def test_each_section_validates_itself(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_the_manifest_records_only_what_changes_the_index():
    assert Settings().index.manifest() == {"chunk_words": 200, "embed_context": True}
