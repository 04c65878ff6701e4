"""The layered crisis detector: phrase rules over every reading of the message, and the learned
classifier over the embedding of every sentence; the more severe verdict wins."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..settings import SafetySettings
from ..types import CONVERSATION_RULE
from .crisis import LEVELS, Level
from .head import Head, SharedNeighbours, load_head, load_other_head
from .language import ENGLISH, language_of
from .normalise import disguised, forms, has_words, normalise
from .rules import RuleSet, load_rules
from .two_heads import (
    ENGLISH_PATH,
    ENGLISH_RULE,
    TWO_HEADS_RULE,
    Reading,
    TwoHeads,
    enough_words,
    load_two_heads,
)
from .veto import VETO_OTHER_PATH, VETO_RULE, Veto, load_veto, lowered, softened

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_CLAUSE = re.compile(r"\s*(?:[;:,]|\s[-\u2013\u2014]+)\s+")
_MIN_CLAUSE = 3  # words: a shorter piece joins the next ("No, I ...", "Honestly, ...")
# the most the other head's verdict can give (docs/safety_languages_before.md, candidate G'):
# it reads the five other languages with fewer false alarms but drops some acute messages
OTHER_HEAD_MOST: Level = "mention"
OTHER_HEAD_RULE = "model:other_languages"  # its verdicts' rule, so staff see which head spoke
RAISE_RULE = "model:second_reader"  # the second reader gave the resources line (_raised)


@dataclass(frozen=True)
class SafetyAssessment:
    """What the safety layer saw in one message. `rule`, `matched` and `score` are for staff:
    the rule, "model" (the head) or OTHER_HEAD_RULE (the head for other languages) that decided,
    the words or sentence it decided on, and P(acute) by that head."""

    level: Level
    rule: str | None = None
    matched: str | None = None
    score: float | None = None

    @property
    def crisis(self) -> bool:
        return self.level != "none"


def told_beside(text: str, assessment: SafetyAssessment) -> tuple[str, ...]:
    """The sentences of a message of several that hold what `assessment` matched, when none of
    them asks anything (no "?"): what the visitor told beside their question ("The nurse asked
    if I had a plan to end my life. I said no. How long does an infusion take?"); () otherwise."""
    if not assessment.crisis or not assessment.matched:
        return ()
    parts = [p.strip() for p in _SENTENCE.split(text) if p and p.strip()]
    matched = normalise(assessment.matched).strip()
    told = tuple(p for p in parts if matched and matched in normalise(p))
    if len(parts) < 2 or not told or any(p.endswith("?") for p in told):
        return ()
    return told


def clauses(sentence: str, longer_than: int) -> list[str]:
    """The clauses of a sentence of more than `longer_than` words (none for a shorter one, or
    with `longer_than` 0): split at ";", ":", a comma or a dash, short pieces joined to the next."""
    if not longer_than or len(sentence.split()) <= longer_than:
        return []
    out, held = [], ""
    for piece in _CLAUSE.split(sentence):
        held = f"{held}, {piece}" if held else piece
        if len(held.split()) >= _MIN_CLAUSE:
            out.append(held)
            held = ""
    if held:
        if out:
            out[-1] = f"{out[-1]}, {held}"
        else:
            out.append(held)
    return out if len(out) > 1 else []


def sentences(text: str, limit: int, short_words: int = 0, clause_words: int = 0) -> list[str]:
    """What the model reads of a message: the whole of a short one (at most `short_words`
    words), else each sentence (and each clause of a long one: `clause_words`) and the whole (at
    most `limit` sentences: first and last halves)."""
    if len(text.split()) <= short_words:
        return [text.strip()] if text.strip() else []
    parts = [p.strip() for p in _SENTENCE.split(text) if p and p.strip()]
    if clause_words:  # a single sentence is the whole message: only its clauses are added
        mine = len(parts) > 1
        parts = [c for p in parts for c in [p] * mine + clauses(p, clause_words)] or parts
    if len(parts) > limit:
        parts = parts[: limit // 2] + parts[-(limit - limit // 2) :]
    if len(parts) > 1:
        parts.append(text.strip()[:2000])
    return parts


class SafetyDetector:
    """Rules plus the learned head. Without an encoder only the rules run (used for quotes).
    With `other_head`, a message in another language than English (language_of, on its
    normalised text) is read by both heads, the more severe verdict winning; the other head's
    at most OTHER_HEAD_MOST. With `two_heads` too, the learned decisions over both heads'
    readings give such a message of MIN_WORDS or more its level (an acute-only decision, H,
    may only raise it to acute); the rules' level still stands."""

    def __init__(
        self,
        encoder=None,
        head: Head | None = None,
        rules: RuleSet | None = None,
        settings: SafetySettings | None = None,
        other_head: Head | None = None,
        two_heads: TwoHeads | None = None,
        english: TwoHeads | None = None,
        veto: Veto | None = None,
        veto_other: Veto | None = None,
    ):
        self.encoder = encoder
        self.settings = settings or SafetySettings()
        if head is None and encoder is not None:  # the shipped heads
            veto = veto or (load_veto() if self.settings.veto else None)
            veto_other = veto_other or (
                load_veto(VETO_OTHER_PATH) if self.settings.veto_other else None
            )
            head = load_head()
            other_head = other_head or load_other_head(head.model_id)
            two_heads = two_heads or (load_two_heads() if other_head is not None else None)
            english = english or (load_two_heads(ENGLISH_PATH) if other_head is not None else None)
        self.head = head
        self.other_head = other_head
        self.two_heads = two_heads if other_head is not None else None
        self.english = english if other_head is not None else None
        # both heads' neighbour memories read as one, for the messages both read (whole
        # message, one sentence of several)
        self._shared = (
            {w: SharedNeighbours.of(head.reading(w), other_head.reading(w)) for w in (True, False)}
            if head is not None and other_head is not None
            else {}
        )
        self.rules = rules or load_rules()
        # the fine-tuned second reader of English messages the heads flag (veto.py)
        self.veto = veto if self.settings.veto and head is not None else None
        # and the reader fitted to messages in es/pt/fr/de/it (candidate V4)
        self.veto_other = (
            veto_other if self.settings.veto_other and other_head is not None else None
        )

    def heads_for(self, text: str) -> tuple[Head, ...]:
        """The heads that read `text`: the head, and for a message not in English (language_of
        its normalised text) the other head too, when there is one."""
        return self._heads(self._language(text))

    def _language(self, text: str) -> str:
        """language_of the normalised text; English when there is no other head to read it."""
        return ENGLISH if self.other_head is None else language_of(normalise(text))

    def _heads(self, language: str) -> tuple[Head, ...]:
        return (self.head,) if language == ENGLISH else (self.head, self.other_head)

    def assess(self, text: str) -> SafetyAssessment:
        """The crisis level of a visitor's message; every character is read, however long."""
        hit = self.rules.match(forms(text))
        found = (
            SafetyAssessment(hit.level, hit.rule, hit.matched) if hit else SafetyAssessment("none")
        )
        if found.level == "acute" and self.encoder is not None:
            found = self._softened(text, found)
        if found.level == "acute" or self.encoder is None or self.head is None:
            return found
        model, risk = self._model(text, found.level)
        model = self._vetoed(text, model)
        if found.level == "none" and model.level == "none":
            model = self._raised(text, risk)
        return model if LEVELS.index(model.level) > LEVELS.index(found.level) else found

    def _vetoed(self, text: str, model: SafetyAssessment) -> SafetyAssessment:
        """The heads' verdict lowered by the second reader of its language (veto.py): none, or
        acute read as mention. On a message read as English the main head's verdict by `veto`;
        on one in es/pt/fr/de/it the heads' or their decision's by `veto_other`; the rules'
        verdicts stand."""
        if model.level == "none" or model.rule not in ("model", TWO_HEADS_RULE, OTHER_HEAD_RULE):
            return model
        english = self._language(text) == ENGLISH
        veto = self.veto if english else self.veto_other
        if veto is None or (english and model.rule != "model"):
            return model
        level = lowered(model.level, veto.p_none([text])[0], veto.config)
        if level == model.level:
            return model
        if level == "none":
            return SafetyAssessment("none")
        return SafetyAssessment(level, model.rule + VETO_RULE, model.matched, model.score)

    def _softened(self, text: str, found: SafetyAssessment) -> SafetyAssessment:
        """A phrase rule's acute verdict on a message read as English, as the resources line
        when the second reader scores it at or above its rule_bar (veto.softened)."""
        if self.veto is None or self.veto.config.rule_bar is None:
            return found
        if self._language(text) != ENGLISH or not softened(
            self.veto.p_none([text])[0], self.veto.config
        ):
            return found
        return SafetyAssessment("mention", found.rule + VETO_RULE, found.matched, found.score)

    def _raised(self, text: str, risk: float) -> SafetyAssessment:
        """The resources line for an English message nothing gave safety text, when the main
        head leaned toward risk (its highest P(not none), `risk`, at least raise_gate) and the
        second reader scores it more likely risk than not (P(none) below raise_bar)."""
        s = self.settings
        if self.veto is None or not s.raise_bar or risk < s.raise_gate:
            return SafetyAssessment("none")
        if self._language(text) != ENGLISH:
            return SafetyAssessment("none")
        p_none = self.veto.p_none([text])[0]
        if p_none is None or p_none >= s.raise_bar:
            return SafetyAssessment("none")
        return SafetyAssessment("mention", RAISE_RULE, text.strip()[:120], round(1.0 - p_none, 4))

    def assess_in_conversation(self, text: str, earlier: Sequence[str] = ()) -> SafetyAssessment:
        """The level of a message read alone and with the visitor's last earlier messages
        (settings.conversation_turns, oldest first): the more severe wins. A level found only
        with the earlier messages has its rule prefixed "conversation:"."""
        alone = self.assess(text)
        earlier = [e for e in earlier if isinstance(e, str) and e.strip()]
        n = self.settings.conversation_turns
        if alone.level == "acute" or not n or not earlier:
            return alone
        together = self.assess("\n".join([*earlier[-n:], text]))
        if LEVELS.index(together.level) <= LEVELS.index(alone.level):
            return alone
        return SafetyAssessment(
            together.level, f"{CONVERSATION_RULE}{together.rule}", together.matched, together.score
        )

    def readings(self, text: str) -> tuple[list[str], list[str], list[bool]]:
        """What the model reads of a message: each text, its normalised form, and whether it
        is the whole message (True) or one sentence of several."""
        shown, normalised, whole = [], [], []
        parts = sentences(
            text, self.settings.max_sentences, self.settings.whole_words, self.settings.clause_words
        )
        for j, sentence in enumerate(parts):
            plain = normalise(sentence)
            if len(parts) > 1 and not has_words(plain):  # a reading of no words is skipped
                continue
            readings = [sentence] + ([plain] if disguised(sentence) else [])  # disguise undone
            shown += readings
            normalised += [plain] * len(readings)
            # the whole message comes last; a sentence of several has its own bars
            whole += [j == len(parts) - 1] * len(readings)
        return shown, normalised, whole

    def probabilities(self, text: str) -> tuple[np.ndarray, list[str], list[bool]]:
        """Class probabilities by the head (rows: readings; columns: CLASSES) of each reading of
        a message, with the readings and their kinds (`readings`); no rows for a message of no
        words."""
        shown, normalised, whole = self.readings(text)
        if not shown:
            return np.zeros((0, len(LEVELS))), shown, whole
        vectors = np.asarray(self.encoder.encode(shown), dtype=np.float32)
        return _probabilities(self.head, vectors, normalised, whole), shown, whole

    def two_heads_reading(self, text: str) -> Reading:
        """How the rules, the head and the other head read `text`, as the learned decision over
        both heads sees it (fitting it: two_heads.fit)."""
        hit = self.rules.match(forms(text))
        shown, normalised, whole = self.readings(text)
        if not shown:
            return Reading(hit.level if hit else "none", (-1.0, -1.0), (-1.0, -1.0))
        vectors = np.asarray(self.encoder.encode(shown), dtype=np.float32)
        main, other = self._both_probabilities(vectors, normalised, whole)
        level = hit.level if hit else "none"
        return self._both(level, main, other, whole, vectors, self._language(text))

    def _both_probabilities(
        self, vectors: np.ndarray, normalised: list[str], whole: list[bool]
    ) -> tuple[np.ndarray, np.ndarray]:
        """_probabilities by the head and by the other head, their shared neighbours compared
        with each reading once (SharedNeighbours: the same numbers)."""
        main, other = np.empty((len(vectors), 3)), np.empty((len(vectors), 3))
        for kind, rows in _by_kind(whole):
            texts = [normalised[i] for i in rows]
            shared = self._shared.get(kind)
            near = shared.closest(vectors[rows]) if shared is not None else (None, None)
            main[rows] = self.head.reading(kind).probabilities(vectors[rows], texts, near[0])
            other[rows] = self.other_head.reading(kind).probabilities(vectors[rows], texts, near[1])
        return main, other

    def _both(
        self, rules: Level, main: np.ndarray, other: np.ndarray, whole: list[bool],
        vectors: np.ndarray, language: str,
    ) -> Reading:  # fmt: skip
        """The Reading of the rules' level and both heads' probabilities of the readings, with
        the message's language and the vector of the whole message as written (its first
        whole reading)."""
        first = whole.index(True) if True in whole else None
        return Reading(
            rules, self.head.margins(main, whole), self.other_head.margins(other, whole),
            language, vectors[first] if first is not None else None,
        )  # fmt: skip

    def _model(self, text: str, rules: Level = "none") -> tuple[SafetyAssessment, float]:
        """The most severe verdict of the heads that read the message (heads_for), each from
        its most severe reading; for a message both read, first the learned decision over both
        (two_heads), which may make it acute. Without that decision, the other head is skipped
        when the rules' level (`rules`) or the head's is already OTHER_HEAD_MOST or above: it
        could not raise the message. With the verdict, the main head's highest P(not none) over
        the readings (0 for a message of no words)."""
        shown, normalised, whole = self.readings(text)
        if not shown:
            return SafetyAssessment("none"), 0.0
        vectors = np.asarray(self.encoder.encode(shown), dtype=np.float32)
        language = self._language(text)
        heads = self._heads(language)
        read: dict[int, np.ndarray] = {}

        def probs_of(head: Head) -> np.ndarray:
            if id(head) not in read:
                read[id(head)] = _probabilities(head, vectors, normalised, whole)
            return read[id(head)]

        decide = len(heads) > 1 and self.two_heads is not None and enough_words(text)
        # a message read as English of MIN_WORDS or more: the English decision, when there is one
        english = self.english is not None and len(heads) == 1 and enough_words(text)
        if english or (decide and self.two_heads.decides_any):
            # the decisions over both heads give the level; the heads' own bars do not count
            # (the main head's, set for English, read ordinary messages as risk)
            decision, rule = (self.english, ENGLISH_RULE) if english else (
                self.two_heads, TWO_HEADS_RULE)  # fmt: skip
            main, other = self._both_probabilities(vectors, normalised, whole)
            level, p = decision.level(self._both(rules, main, other, whole, vectors, language))
            if level == "none":
                return SafetyAssessment("none"), _risk(main)
            i = int(np.argmax(np.maximum(main[:, 2], other[:, 2])))
            return SafetyAssessment(level, rule, shown[i][:120], round(float(p), 4)), _risk(main)
        if decide and "acute" not in self.head.levels(probs_of(self.head), whole):
            # (a message the head reads acute is acute whatever the decision says)
            main, other = probs_of(self.head), probs_of(self.other_head)
            p = self.two_heads.probability(self._both(rules, main, other, whole, vectors, language))
            if p >= self.two_heads.bar:
                i = int(np.argmax(np.maximum(main[:, 2], other[:, 2])))
                p = round(float(p), 4)
                return SafetyAssessment("acute", TWO_HEADS_RULE, shown[i][:120], p), _risk(main)
        found = None
        for head in heads:
            so_far = max(rules, found.level if found else "none", key=LEVELS.index)
            if head is not self.head and LEVELS.index(so_far) >= LEVELS.index(OTHER_HEAD_MOST):
                break
            probs = probs_of(head)
            levels = head.levels(probs, whole)
            if head is not self.head:  # the weaker reader: the resources line, not the banner
                levels = [OTHER_HEAD_MOST if lv == "acute" else lv for lv in levels]
            worst = max(range(len(levels)), key=lambda i: (LEVELS.index(levels[i]), probs[i][2]))
            if found is None or LEVELS.index(levels[worst]) > LEVELS.index(found.level):
                rule = "model" if head is self.head else OTHER_HEAD_RULE
                found = SafetyAssessment(
                    levels[worst], rule, shown[worst][:120], round(float(probs[worst][2]), 4)
                )
        return found, _risk(probs_of(self.head))


def _risk(probs: np.ndarray) -> float:
    """The highest P(not none) of the readings' class probabilities (columns: LEVELS)."""
    return float((1.0 - probs[:, 0]).max()) if len(probs) else 0.0


def _probabilities(head: Head, vectors: np.ndarray, normalised: list[str], whole: list[bool]):
    """Class probabilities of each reading, by the weights that read it (Head.reading): the
    whole message by the head, one sentence of a longer message by its sentence head."""
    probs = np.empty((len(vectors), 3))
    for kind, rows in _by_kind(whole):
        probs[rows] = head.reading(kind).probabilities(vectors[rows], [normalised[i] for i in rows])
    return probs


def _by_kind(whole: list[bool]):
    """(True, rows of whole messages), (False, rows of sentences of several), the non-empty."""
    for kind in (True, False):
        rows = [i for i, w in enumerate(whole) if w == kind]
        if rows:
            yield kind, rows
