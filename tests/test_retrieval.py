import numpy as np
import pytest

from faqbot.retrieval.fusion import reciprocal_rank_fusion, zscore_fusion


def test_rrf_arithmetic():
    # row 7: 1/(60+1) + 1/(60+2) = 0.032522; row 3: 1/(60+2) + 1/(60+1) the same -> first seen wins;
    # row 9: only in the second list at rank 3: 1/63 = 0.015873
    fused = reciprocal_rank_fusion([[7, 3], [3, 7, 9]], k=60)
    assert [row for row, _ in fused] == [7, 3, 9]
    assert fused[0][1] == pytest.approx(1 / 61 + 1 / 62)
    assert fused[2][1] == pytest.approx(1 / 63)


# Tiny corpus at chunk_words=20 gives 5 passages (ids by position):
# 0 "You should not drive after a session. Ask a friend to take you home by car."
# 1 "The price is 50 dollars per session."   2 "Insurance may cover the cost: ... Plan B does not"
# 3 "Relief can come within hours. Many feel it fast."
# 4 "Sleep well the night before. A good sleep helps."
def _texts(hits):
    return [h.text.split(".")[0][:20] for h in hits]


def test_passages_of_the_tiny_corpus(tiny_bot):
    assert [c.text[:20] for c in tiny_bot.index.chunks] == [
        "You should not drive",
        "The price is 50 doll",
        "Insurance may cover ",
        "Relief can come with",
        "Sleep well the night",
    ]


def test_dense_order_with_fake_encoder(tiny_bot):
    # question = (drive 1, car 1, bias 0.1); passage 0 has exactly drive + car: cosine 1.0; its
    # best sentence has one of the two: (1 + 0.01) / (sqrt(2.01) * sqrt(1.01)) = 0.7089 -> 1.7089.
    # Others share only the bias axis: cosines near 0.005 each.
    hits = tiny_bot.search("drive my car", k=5, retriever="dense")
    assert _texts(hits)[0] == "You should not drive"
    assert hits[0].dense_score == pytest.approx(
        1 + (1.01 / 2.01) ** 0.5, abs=1e-3
    )  # units are float16
    scores = [h.dense_score for h in hits]
    assert scores == sorted(scores, reverse=True) and scores[1] < 0.1
    assert hits[0].dense_rank == 1 and hits[0].lexical_rank is None


def test_lexical_order(tiny_bot):
    # "sleep" appears twice in passage 4 (plus its section "Rest" has none), nowhere else
    hits = tiny_bot.search("sleeping", k=5, retriever="lexical")
    assert _texts(hits) == ["Sleep well the night"]


def test_zscore_fusion_arithmetic():
    # dense z: mean 1, std sqrt(2/3) -> row 0 +1.2247, row 1 0, row 2 -1.2247
    # lexical: row 0 is unlisted, so BM25 0: values 0, 3, 1 -> mean 4/3, std 1.2472
    #   -> z -1.0690, +1.3363, -0.2673
    # fused = 0.75 z_dense + 0.25 z_lex: 0.6513, 0.3341, -0.9854
    fused = zscore_fusion([(0, 2.0), (1, 1.0), (2, 0.0)], [(1, 3.0), (2, 1.0)], 0.75)
    assert [row for row, _ in fused] == [0, 1, 2]
    assert [s for _, s in fused] == pytest.approx([0.6513, 0.3341, -0.9854], abs=1e-4)


def test_zscore_fusion_floor_for_a_cut_lexical_list():
    # the BM25 list was cut after row 2 (score 1.0): unlisted row 0 counts 1.0, not 0
    # lexical values 1, 3, 1 -> z -0.7071, +1.4142, -0.7071; dense as above
    fused = zscore_fusion([(0, 2.0), (1, 1.0), (2, 0.0)], [(1, 3.0), (2, 1.0)], 0.5, 1.0)
    assert [row for row, _ in fused] == [1, 0, 2]
    assert [s for _, s in fused] == pytest.approx([0.7071, 0.2588, -0.9659], abs=1e-4)


def test_zscore_fusion_without_lexical_matches_is_the_dense_order():
    fused = zscore_fusion([(4, 0.9), (2, 0.5), (7, 0.1)], [], 0.8)
    assert [row for row, _ in fused] == [4, 2, 7]


def test_hybrid_is_the_default_and_fuses_both(tiny_bot):
    from faqbot import FAQBot, Settings

    # 5 passages. dense: price 1.709, insurance 1.417, three ~0.012 -> z 1.4065, 1.0250, -0.8105.
    # BM25 matches only these two (insurance 1.023, price 0.989), the other three score 0
    # -> z 1.2590, 1.1900, -0.8162. Default 0.8 dense: price 1.363, insurance 1.072.
    hits = tiny_bot.search("price insurance cost", k=3)
    assert _texts(hits) == ["The price is 50 doll", "Insurance may cover ", "You should not drive"]
    assert [h.score for h in hits][:2] == pytest.approx([1.363, 1.072], abs=2e-3)
    assert all(h.dense_rank is not None for h in hits)
    # weighted towards BM25 (0.1 dense) insurance wins: 1.236 against 1.212
    bot = FAQBot(
        tiny_bot.corpus,
        tiny_bot.index,
        tiny_bot.encoder,
        Settings().replace(chunk_words=20, dense_weight=0.1),
    )
    hits = bot.search("price insurance cost", k=2)
    assert _texts(hits) == ["Insurance may cover ", "The price is 50 doll"]
    assert [h.score for h in hits] == pytest.approx([1.236, 1.212], abs=2e-3)


def test_hybrid_with_rrf(tiny_bot):
    from faqbot import FAQBot, Settings

    bot = FAQBot(
        tiny_bot.corpus,
        tiny_bot.index,
        tiny_bot.encoder,
        Settings().replace(chunk_words=20, fusion="rrf", rrf_k=60),
    )
    # dense ranks the price passage 1st and the insurance passage 2nd; BM25 the other way round
    # ("insurance" and "cost" both hit passage 2). Each gets 1/61 + 1/62; the tie keeps the
    # dense order; the drive passage follows with dense rank 3 only: 1/63.
    hits = bot.search("price insurance cost", k=3)
    assert _texts(hits) == ["The price is 50 doll", "Insurance may cover ", "You should not drive"]
    assert [(h.dense_rank, h.lexical_rank) for h in hits] == [(1, 2), (2, 1), (3, None)]
    assert [h.score for h in hits] == pytest.approx([1 / 61 + 1 / 62, 1 / 61 + 1 / 62, 1 / 63])


@pytest.mark.parametrize("k", [0, -1, 101, "3", 2.5, True])
def test_bad_k_is_refused(tiny_bot, k):
    with pytest.raises(ValueError, match="k must be a whole number from 1 to 100"):
        tiny_bot.search("cost", k=k)


@pytest.mark.parametrize("question", ["", "   \n", None])
def test_empty_question_is_refused(tiny_bot, question):
    with pytest.raises(ValueError, match="The question is empty"):
        tiny_bot.search(question)


def test_overlong_question_is_refused(tiny_bot):
    with pytest.raises(ValueError, match="1,001 characters long; the limit is 1,000"):
        tiny_bot.search("a" * 1001)


def test_unknown_retriever_is_refused(tiny_bot):
    with pytest.raises(ValueError, match="retriever must be one of hybrid, dense, lexical"):
        tiny_bot.search("cost", retriever="magic")


def test_sentence_vectors_paged_from_disk_rank_like_in_memory(tiny_bot):
    from faqbot import FAQBot

    big_library = tiny_bot.settings.replace(units_in_memory_bytes=0)
    paged = FAQBot(tiny_bot.corpus, tiny_bot.index, tiny_bot.encoder, big_library)
    assert isinstance(paged.retriever.sentences.units, np.memmap)
    assert not isinstance(tiny_bot.retriever.sentences.units, np.memmap)
    for question in ("price insurance cost", "drive home", "sleep fast"):
        expected = [(h.chunk_id, round(h.score, 6)) for h in tiny_bot.search(question, k=5)]
        assert [(h.chunk_id, round(h.score, 6)) for h in paged.search(question, k=5)] == expected


def test_candidates_carry_sentence_scores_and_the_passage_cosine(tiny_bot):
    # the question is (drive 1, car 1, bias 0.1); passage 0 "You should not drive ... by car."
    # holds both words: cosine 1.0. Each of its two sentences holds one of them:
    # (1 + 0.01) / (sqrt(2.01) * sqrt(1.01)) = 0.7089. Relevance = mean = 0.8545.
    candidates = tiny_bot.candidates("drive my car")
    best = candidates.items[0]
    assert best.passage.text.startswith("You should not drive") and best.passage.rank == 1
    assert best.sentence_scores.tolist() == pytest.approx([0.7089, 0.7089], abs=1e-3)
    assert best.cosine == pytest.approx(1.0, abs=1e-6)
    assert best.relevance == pytest.approx(0.8545, abs=1e-3)
    assert candidates.query.shape == (9,) and candidates.rare_unknown == ()
    assert len(candidates.items) == 5  # AnswerSettings.candidates is 8; the corpus has 5


def test_candidates_correct_typos_but_report_rare_words_as_typed(tiny_bot):
    candidates = tiny_bot.candidates("Can I drvie with sertraline?")
    assert candidates.searched == "Can I drive with sertraline?"
    assert candidates.rare_unknown == ("sertraline",)


@pytest.mark.parametrize(
    ("word", "typo"),
    [("agian", True), ("numbr", True), ("reveiwer", True), ("consdered", True),
     ("sertraline", False), ("zoloft", False), ("lexapro", False), ("again", False),
     ("tms", False)],
)  # fmt: skip
def test_a_misspelt_common_word_is_not_a_topic_the_articles_leave_out(word, typo):
    from faqbot.retrieval.spelling import Speller, misspelt_english

    assert misspelt_english(word) is typo
    speller = Speller(["ketamine", "therapy", "drive"], max_common_zipf=3.5, rare_zipf=3.0)
    assert (word in speller.rare_unknown(f"can I drive {word}")) is (not typo and word != "again")
