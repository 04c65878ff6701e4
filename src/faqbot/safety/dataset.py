"""The labelled crisis messages (tests/data/safety*), split by author into train, held-out, blind.

Each author wrote every category from a brief, without seeing the detector or the other sets.
The held-out author is never used to train or to choose a threshold; the blind author's set was
written after the detector and scored once before any change made because of it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

# d, g, i and j were blind sets, each scored on arrival before they trained anything
# (docs/safety_blind_before.md, docs/safety_blind_gh_before.md, docs/safety_blind_j_before.md,
# docs/SAFETY.md); l, n, o, p and q were written to train (s and t too, see below); h, k
# (written after the neighbour features), m (after l joined; docs/safety_blind_m_before.md) and
# r (after o joined; docs/safety_blind_r_before.md) stayed blind until the fifteenth session;
# w was written to train after blind u showed risk typed beside a treatment question missed;
# y (a practical question with a context sentence, mostly "none") after blind question sets
# showed such sentences read alone as acute: with y training, leave-one-author-out over the
# others read acute 0.814 -> 0.842 at the same bars (benchmarks/safety_whole_words.py --add y);
# f (weighted to indirect acute phrasings) and z (chat-box voices, practical questions with
# personal context) were written to train beside blind aa: added together, leave-one-author-out
# over the others read acute 0.849 -> 0.850, any tier 0.950 -> 0.957, mention 0.954 both (z
# alone lowered acute to 0.827, f alone 0.846 with any 0.960)
# Fifteenth session: the twelve older blind sets written for the whole range of visitors (h, k,
# m, r, u, x, aa, ab, ae, af, ah, ai; each was scored on arrival and after every change, and
# never trained anything until then; docs/SAFETY.md) joined training after leave-one-author-out
# said it would help (benchmarks/safety_join_blind.py: with the rules acute 0.927 -> 0.930, any
# tier 0.974 -> 0.980 over the old training authors); the refit raised the five newest blind
# sets pooled (aj..an, never trained on): acute 0.931 -> 0.937, any tier 0.980 -> 0.982, false
# alarms 4.4 % -> 3.5 %; held-out C: acute 0.919 both, any tier 0.990 -> 0.977
JOINED = tuple("h k m r u x aa ab ae af ah ai".split())
# The visitor questions (tests/data/questions: written for retrieval, not for safety), each
# labelled none / mention / acute by readers who saw neither the detector nor its output
# (twenty-third session; safety/visitors.jsonl, author "vq" or "vf" (follow-ups) + the question
# set's letter; author_e's are already safety author e). Split by question author into halves:
# the rules written from them read the first half only (docs/safety_visitors_before.md). The
# first half joined training in the twenty-fifth session: its refit met the rule written for it
# before its figures (held-out C acute 0.926 -> 0.963, any tier 0.977 -> 0.990; blind AJ..BG
# pooled not lower; the second half: no plain question acute, false alarms 0.7 % -> 0.5 %).
VISITORS_FIRST = tuple("vqg vqk vqm vqo vqq vqs vqu vqw vfb vfy".split())
# Twenty-sixth session: training rows written by category in Spanish (bq), Portuguese (br),
# French (bs), German (bt) and Italian (bu), 1,258, by helpers who saw no code, data or output.
# A head refit with them was not kept as the only head (docs/safety_languages_before.md: held-out
# C acute 0.963 -> 0.919). Twenty-seventh session: they train the head for messages in other
# languages than English (head.OTHER_HEAD_PATH, other_head_rows), which can raise such a message
# to the mention tier (candidate G'); they never train the main head. Twenty-eighth session:
# 1,200 more by five more helpers, the same categories in new voices and regional varieties,
# Spanish (cn), Portuguese (co), French (cp), German (cq) and Italian (cr): a refit with them
# (candidate J) was not kept (held-out C: one acute row in another language lost), so they
# train nothing yet (MORE_OTHER_LANGUAGES, for a later round).
OTHER_LANGUAGES = tuple("bq br bs bt bu".split())
MORE_OTHER_LANGUAGES = tuple("cn co cp cq cr".split())
# Twenty-ninth session: 300 "none" rows by category where the detector false-alarms (ordinary
# goodbyes, a last session, a move, a nurse retiring, ordinary giving-away and notes, bridges and
# heights in directions, idioms of ending), by two helpers: English (da), es/pt/fr/de/it (db).
# The training split has 146 acute messages with "goodbye" and no "none" one; the shipped
# detector gives 54 of each 150 crisis text (English 41 acute, others 35). They train nothing
# yet: a refit of the main head with them needs its own rule and fresh blind sets (SAFETY.md).
FAREWELL_ROWS = ("da", "db")
# Thirtieth session: 200 English training rows by category where English acute messages were
# missed (a dangerous place now, means at hand now, the risk inside a treatment question, a
# chosen time, a third person there now) with "none" look-alikes (heights and bridges, means
# words, urgent ordinary questions, ordinary time words), by a helper who saw no code, data or
# output (dg). The shipped detector, which never saw them: acute 83 of 100 read acute, 90 at a
# tier (a dangerous place now 17 and 21 of 25); 13 of 80 "none" given crisis text, 7 acute.
# They train nothing yet: for a later round with its own rule and blind sets. Thirty-first
# session: refits with all of them (P) and with their acute and mention rows only (P2) were not
# kept (held-out C acute 287 -> 282 and 285; docs/safety_languages_before.md).
PLACES_MEANS_ROWS = ("dg",)
VISITORS_SECOND = tuple("vqf vqj vql vqn vqp vqr vqt vqv vqx vfc vfz".split())
SPLITS = {
    "train": tuple("legacy a b d e f g i j l n o p q w y z dev".split()) + JOINED + VISITORS_FIRST,
    "held_out": ("c",),
    # written to train, but on leave-one-author-out folds over the other authors, adding them
    # lowered the acute tier at the same false-alarm bars (0.823 -> 0.808; any tier and mention
    # +0.001/+0.004): kept out, they are two more blind sets (docs/SAFETY.md)
    "blind_s": ("s",),
    "blind_t": ("t",),
    # written to train beside blind ab (ac: long posts, hopelessness, screening wording, past
    # attempt and third person now; ad: half in es/pt/fr/de/it, the rest older, formal and
    # clinicians' voices), but on leave-one-author-out over the training authors neither helped
    # (model alone, acute 0.851 -> 0.851 with ac, 0.834 with ad, 0.848 with both; rules and
    # model together unchanged with ac): kept out, two more sets never trained on
    "blind_ac": ("ac",),
    "blind_ad": ("ad",),
    # written to train beside blind ah (ninth session: "none" messages about relatives and friends
    # in everyday sentences, idioms, dosing; acute third person now and screening wording), but
    # leave-one-author-out over the training authors said little (acute 0.853 -> 0.855, any tier
    # 0.960 -> 0.953) and the refit with it (CV chose C 4) lowered recall on every split while
    # it cut false alarms (held-out C acute 0.900 -> 0.860, any tier 0.983 -> 0.960; false alarm
    # 0.058 -> 0.045): kept out, one more set never trained on (docs/SAFETY.md)
    "blind_ag": ("ag",),
    # written to train in the fifteenth session (ao: risk with no risk words, farewells, scouted
    # means, long posts, with "none" look-alikes that sound final; ap: the past against now,
    # denial against a passive wish, screening no against yes), but the refit with them (CV chose
    # C 4) lowered acute on held-out C (0.923 -> 0.896) and on the newest blind sets pooled
    # (0.941 -> 0.936) while blind AQ rose (0.935 -> 0.942): kept out, two more sets never
    # trained on (docs/SAFETY.md)
    "blind_ao": ("ao",),
    "blind_ap": ("ap",),
    # written 2026-12-02 (twelfth session) by category without seeing anything, the whole range
    # of visitors; scored on arrival with the detector of the session's start, before any change
    # (docs/safety_blind_aj_before.md)
    "blind_aj": ("aj",),
    # written 2026-12-02 (thirteenth session) by category without seeing anything, the whole
    # range of visitors with understated and euphemistic risk; scored on arrival with the
    # detector of the session's start, before any change (docs/safety_blind_ak_before.md)
    "blind_ak": ("ak",),
    # written 2026-12-02 (thirteenth session) after that session's rule changes, by category
    # without seeing anything; scored on arrival with the detector of the session's start and the
    # one after the changes (docs/safety_blind_al_before.md)
    "blind_al": ("al",),
    # written 2026-12-02 (fourteenth session) by category without seeing anything, the whole
    # range of visitors; scored on arrival with the detector of the session's start, before any
    # change (docs/safety_blind_am_before.md)
    "blind_am": ("am",),
    # written 2026-12-03 (fifteenth session) by category without seeing anything, the whole
    # range of visitors; scored on arrival with the detector of the session's start, before any
    # change (docs/safety_blind_an_before.md)
    "blind_an": ("an",),
    # written 2026-12-03 (fifteenth session) after the refit with the joined sets and the rules
    # read from AN, by category without seeing anything; scored on arrival with that detector
    # (docs/safety_blind_aq_before.md)
    "blind_aq": ("aq",),
    # written 2026-12-03 (sixteenth session) by category without seeing anything, the whole
    # range of visitors; scored on arrival with the detector of the session's start, before any
    # change (docs/safety_blind_ar_before.md)
    "blind_ar": ("ar",),
    # as and at (200 long posts, sixteenth session) are in no split: tried in training and not
    # kept (benchmarks/safety_long_posts.py, docs/SAFETY.md)
    # written 2026-12-03 (seventeenth session) by two helpers by category without seeing
    # anything: long posts only (7-30 sentences; 60 none, 45 mention, 45 acute each); scored on
    # arrival with the detector of the session's start, before any change
    # (docs/safety_blind_au_av_before.md)
    "blind_au": ("au",),
    "blind_av": ("av",),
    # written 2026-12-03 (eighteenth session) by two helpers by category without seeing
    # anything, the whole range of visitors (340 each); scored on arrival with the detector of
    # the session's start, before any change (docs/safety_blind_aw_ax_before.md)
    "blind_aw": ("aw",),
    "blind_ax": ("ax",),
    # written 2026-12-03 (eighteenth session) after that session's rules, by a helper who saw
    # nothing, aimed at their categories (screening answers, denials, a past that is over,
    # method questions, compounds, five languages); scored on arrival with the rules of the
    # session's start and of its end (docs/safety_blind_az_before.md)
    "blind_az": ("az",),
    # written 2026-12-03 (nineteenth session) by a helper who saw nothing: every message a run
    # of short, clipped sentences, harmless day logs and endings beside risky look-alikes in
    # the same rhythm; scored on arrival with the detector of the session's start, before any
    # change (docs/safety_blind_ba_before.md)
    "blind_ba": ("ba",),
    # written 2026-12-03 (twentieth session) by a helper who saw nothing: the three forms side
    # by side (long posts with the risk in one sentence, clipped logs, short messages with
    # typos), 40 in es/pt/fr/de/it; scored on arrival with the detector of the session's start,
    # before any change (docs/safety_blind_bc_before.md)
    "blind_bc": ("bc",),
    # written 2026-12-03 (twenty-first session) by a helper who saw nothing: short and medium
    # messages by category, idioms, dark humour, practical endings and deaths of natural causes
    # among the "none"; scored on arrival with the detector of the session's start, before any
    # change (docs/safety_blind_bd_before.md)
    "blind_bd": ("bd",),
    # written 2026-12-03 (twenty-first session) by a helper who saw nothing, after that
    # session's rules: harmless look-alikes of the phrase rules' themes beside fresh acute
    # wording; scored on arrival (docs/safety_blind_be_before.md)
    "blind_be": ("be",),
    # written 2026-12-03 (twenty-second session) by a helper who saw nothing: the whole range
    # of visitors by category (short, medium and long), harmless messages with one line that
    # sounds final among the "none"; scored on arrival with the detector of the session's start,
    # before any change (docs/safety_blind_bf_before.md)
    "blind_bf": ("bf",),
    # written 2026-12-03 (twenty-second session) by a helper who saw nothing, after the rules
    # from BF: harmless look-alikes of their themes beside fresh acute wording; scored on
    # arrival (docs/safety_blind_bg_before.md)
    "blind_bg": ("bg",),
    # written 2026-12-04 (twenty-third session) right after the visitor questions were labelled,
    # by category without seeing anything: carers' and the writer's own ongoing risk beside a
    # treatment question, asking what to do in a crisis, heavy but plain questions, follow-ups,
    # overdose questions; scored on arrival with the detector of the session's start and after
    # the rules from the visitor questions' first half (docs/safety_blind_bh_before.md)
    "blind_bh": ("bh",),
    # written 2026-12-04 (twenty-third session) right after the rules from BH's misses, by
    # theme without seeing anything: look-alikes of those rules (unsafe driving, a marriage in
    # crisis, a haircut, thinking of an ex every day, a whole box of tea) beside fresh acute
    # wording; scored on arrival (docs/safety_blind_bi_before.md)
    "blind_bi": ("bi",),
    # written 2026-12-04 (twenty-fourth session) by theme without seeing anything: the whole
    # range of visitors by category (240: 90 acute, 50 mention, 100 none; 50 in es/pt/fr/de/it;
    # short, medium and long); scored on arrival with the session start's detector while the
    # refit with the visitor questions' first half was running (docs/safety_blind_bj_before.md)
    "blind_bj": ("bj",),
    # written 2026-12-04 (twenty-fifth session) by category without seeing anything, leaning to
    # the weak categories of the blind sets so far (240: 90 acute, 50 mention, 100 none; 60 in
    # es/pt/fr/de/it; understated risk, risk inside a practical question, 35 long); scored on
    # arrival while the refit with the visitor questions' first half ran
    # (docs/safety_blind_bk_before.md)
    "blind_bk": ("bk",),
    # written 2026-12-04 (twenty-fifth session) right after the rules from BJ's and BK's misses:
    # 200 in es/pt/fr/de/it (80 acute, 30 mention, 90 none, mostly look-alikes of those rules'
    # words); scored on arrival (docs/safety_blind_bl_before.md)
    "blind_bl": ("bl",),
    # written right after the rules from BL's misses: 220 (90 acute, 40 mention, 90 none; 150 in
    # es/pt/fr/de/it), look-alikes of those rules' words; scored on arrival
    # (docs/safety_blind_bm_before.md)
    "blind_bm": ("bm",),
    # written while the rules from BM's misses were being written, and not read for rules: the
    # session's last blind check (200: 80 acute, 40 mention, 80 none; 150 in es/pt/fr/de/it)
    # (docs/safety_blind_bn_before.md)
    "blind_bn": ("bn",),
    # written while the rules from BN's misses were written, not read for rules: the session's
    # last blind check (200: 80 acute, 40 mention, 80 none; 150 in es/pt/fr/de/it)
    # (docs/safety_blind_bo_before.md)
    "blind_bo": ("bo",),
    # written in the twenty-sixth session while training rows in es/pt/fr/de/it were written,
    # by a helper who saw no code, output or other set; scored on arrival with the detector of
    # the session's start (200: 80 acute, 40 mention, 80 none; 150 in es/pt/fr/de/it)
    # (docs/safety_languages_before.md)
    "blind_bp": ("bp",),
    # written in the twenty-sixth session after BP, blind, leaning on indirect and understated
    # risk and dark-sounding harmless messages (200: 80 acute, 40 mention, 80 none; 150 in
    # es/pt/fr/de/it); used for no decision: the session's last check
    "blind_bv": ("bv",),
    # written in the twenty-sixth session after the refit's curves were read, blind (200: 80
    # acute, 40 mention, 80 none; 150 in es/pt/fr/de/it): decides candidate B
    # (docs/safety_languages_before.md)
    "blind_bw": ("bw",),
    # written in the twenty-seventh session by two helpers, blind, before candidate D's rule
    # (150 each: per language es/pt/fr/de/it 9 acute, 5 mention, 9 none; English 15, 5, 15;
    # BX plain and everyday, BY indirect and understated): decide candidate D
    # (docs/safety_languages_before.md)
    "blind_bx": ("bx",),
    "blind_by": ("by",),
    # written in the twenty-seventh session by two more helpers, blind, before candidate E's
    # rule, with BX and BY's shape (BZ everyday and regional, CA indirect): decide candidate E
    "blind_bz": ("bz",),
    "blind_ca": ("ca",),
    # written in the twenty-seventh session by two more helpers, blind, before candidate F's
    # rule, with BX..CA's shape: decide candidate F (docs/safety_languages_before.md)
    "blind_cb": ("cb",),
    "blind_cc": ("cc",),
    # written in the twenty-seventh session by two more helpers, blind, before candidate G's
    # rule, with BX..CC's shape: decide candidate G (docs/safety_languages_before.md)
    "blind_cd": ("cd",),
    "blind_ce": ("ce",),
    # written in the twenty-seventh session by two more helpers, blind, before candidate G′'s
    # rule, with BX..CE's shape: decide candidate G' (docs/safety_languages_before.md)
    "blind_cf": ("cf",),
    "blind_cg": ("cg",),
    # written in the twenty-seventh session by two more helpers, blind, before candidate H's
    # rule, with BX..CG's shape: decide candidate H (docs/safety_languages_before.md); not in
    # the decision over both heads' data at first (two_heads.json names its sets); in the
    # twenty-eighth session's refit (candidate I), as every set before CJ
    "blind_ch": ("ch",),
    "blind_ci": ("ci",),
    # written in the twenty-eighth session by two more helpers, blind, after candidate I's rule,
    # with BX..CI's shape: decide candidate I (docs/safety_languages_before.md); not in the
    # decisions' data
    "blind_cj": ("cj",),
    "blind_ck": ("ck",),
    # written in the twenty-eighth session by two more helpers, blind, after candidate J's rule:
    # decide candidate J (docs/safety_languages_before.md); not in the decisions' data
    "blind_cl": ("cl",),
    "blind_cm": ("cm",),
    # written in the twenty-ninth session by two more helpers, blind, before candidate K's rule
    # and opened after it: decide candidate K (docs/safety_languages_before.md); not in the
    # decisions' data
    "blind_cs": ("cs",),
    "blind_ct": ("ct",),
    # written in the twenty-ninth session by two more helpers, blind, opened after candidate L's
    # rule: decide candidate L (docs/safety_languages_before.md)
    "blind_cu": ("cu",),
    "blind_cv": ("cv",),
    # written in the twenty-ninth session by four more helpers in four voices, blind, opened
    # after candidate M's rule: decide candidate M (docs/safety_languages_before.md)
    "blind_cw": ("cw",),
    "blind_cx": ("cx",),
    "blind_cy": ("cy",),
    "blind_cz": ("cz",),
    # written in the twenty-ninth session by two more helpers, blind, mostly English, opened after
    # candidate N's rule: decide candidate N (docs/safety_languages_before.md)
    "blind_dc": ("dc",),
    "blind_dd": ("dd",),
    # written in the thirtieth session by two more helpers, blind, 110 of each 150 in
    # es/pt/fr/de/it with farewells and ordinary goodbyes among them, opened after candidate O's
    # rule: decide candidate O (docs/safety_languages_before.md)
    "blind_de": ("de",),
    "blind_df": ("df",),
    # written in the thirtieth session by two more helpers, blind, mostly English with ordinary
    # goodbyes among the none rows, opened after candidate N′'s rule: decide candidate N′
    # (docs/safety_languages_before.md)
    "blind_dh": ("dh",),
    "blind_di": ("di",),
    # written in the thirty-first session by two more helpers, blind, 100 of each 150 in English
    # (45 acute over eleven kinds, dangerous places and means at hand among them; 40 "none"
    # look-alikes), opened after candidate P's rule: decide candidate P
    # (docs/safety_languages_before.md)
    "blind_dj": ("dj",),
    "blind_dk": ("dk",),
    # written in the thirty-first session by two more helpers, blind, DJ and DK's composition,
    # opened after candidate P2's rule: decide candidate P2 (docs/safety_languages_before.md)
    "blind_dl": ("dl",),
    "blind_dm": ("dm",),
    # written in the thirty-second session by two more helpers, blind, DJ..DM's composition,
    # opened after candidate M's rule: decide candidate M (docs/safety_languages_before.md)
    "blind_dn": ("dn",),
    "blind_do": ("do",),
    # written in the thirty-second session by two more helpers, blind, DN and DO's composition,
    # after M was kept: a check of M that decides nothing (docs/safety_languages_before.md)
    "blind_dp": ("dp",),
    "blind_dq": ("dq",),
    # written in the thirty-second session by two more helpers, blind, the same composition,
    # opened after candidate M2's rule: decide M2 (docs/safety_languages_before.md)
    "blind_dr": ("dr",),
    "blind_ds": ("ds",),
    # written in the thirty-second session by two more helpers, blind: 400 plain visitor
    # messages ("none"), a check of M on plain questions that decides nothing
    "blind_dt": ("dt",),
    "blind_du": ("du",),
    # written in the thirty-second session by two more helpers, blind, two thirds in
    # es/pt/fr/de/it, opened after candidate M3's rule: decide M3 (docs/safety_languages_before.md)
    "blind_dv": ("dv",),
    "blind_dw": ("dw",),
    # written in the thirty-third session by two more helpers, blind, DN..DS's composition,
    # opened after candidate M4's rule: decide M4 (docs/safety_languages_before.md)
    "blind_dx": ("dx",),
    "blind_dy": ("dy",),
    # written in the thirty-third session by two more helpers, blind, the same composition, a
    # check of M4 at first; remembered unread by candidate M4' (not kept): never opened, kept in
    # JUDGING for a later decision (docs/safety_languages_before.md)
    "blind_dz": ("dz",),
    "blind_ea": ("ea",),
    # written in the thirty-third session by four more helpers, blind, the same composition, for
    # the heads' memory (candidate M4, not kept); opened after the rule of candidate M4' and
    # decided it (not kept either; docs/safety_languages_before.md)
    "blind_eb": ("eb",),
    "blind_ec": ("ec",),
    "blind_ed": ("ed",),
    "blind_ee": ("ee",),
    # written at the end of the thirty-third session by two more helpers, blind, the same
    # composition: never opened, kept in JUDGING with DZ and EA for a later decision
    "blind_ef": ("ef",),
    "blind_eg": ("eg",),
    # written at the start of the thirty-fourth session by two more helpers, blind, the same
    # composition: never opened, kept in JUDGING for a later session's decision
    "blind_eh": ("eh",),
    "blind_ei": ("ei",),
    # written in the thirty-fourth session after EH and EI decided M6, by two more helpers,
    # blind, the same composition: never opened, kept in JUDGING for a later decision
    "blind_ej": ("ej",),
    "blind_ek": ("ek",),
    # written at the end of the thirty-fourth session by two more helpers, blind, the same
    # composition: never opened, kept in JUDGING for a later decision
    "blind_el": ("el",),
    "blind_em": ("em",),
    # written at the end of the thirty-fourth session after R34 was decided, by two more
    # helpers, blind, the same composition: never opened, kept in JUDGING for a later decision
    "blind_en": ("en",),
    "blind_eo": ("eo",),
    # written at the start of the thirty-fifth session by two more helpers, blind, the same
    # composition (EP's writer composed its lines with a script of its own); they judged R35b
    "blind_ep": ("ep",),
    "blind_eq": ("eq",),
    # written in the thirty-fifth session while R35b was judged, by two more helpers, blind,
    # the same composition; they judged V1
    "blind_er": ("er",),
    "blind_es": ("es",),
    # written in the thirty-fifth session after V1 was decided, by two more helpers, blind, the
    # same composition (some subtle acute messages asked for); they judged V2
    "blind_et": ("et",),
    "blind_eu": ("eu",),
    # written in the thirty-fifth session for R35c (its categories among the subtle acute
    # messages, their look-alikes among the "none" ones), by two more helpers, blind; they
    # judged R35c
    "blind_ev": ("ev",),
    "blind_ew": ("ew",),
    # written at the end of the thirty-fifth session by two more helpers, blind, the same
    # composition; with EZ and FA they judged R36 (thirty-sixth session)
    "blind_ex": ("ex",),
    "blind_ey": ("ey",),
    # written at the start of the thirty-sixth session by two more helpers, blind, the same
    # composition (the brief now asks for every message written by hand); they judged R36
    "blind_ez": ("ez",),
    "blind_fa": ("fa",),
    # written in the thirty-sixth session for R36b by two more helpers, blind: the usual
    # composition, at least 20 of the 45 English acute messages quiet (a place or means stated
    # calmly, preparations, a time; never "die", "kill" or "end it") and at least 15 look-alikes
    # on the same surfaces; they judged R36b
    "blind_fb": ("fb",),
    "blind_fc": ("fc",),
    # written in the thirty-sixth session by two more helpers, blind, the usual composition,
    # they judged V1b
    "blind_fd": ("fd",),
    "blind_fe": ("fe",),
    # written in the thirty-sixth session by two more helpers, blind, the usual composition,
    # they judged M8 (not kept)
    "blind_ff": ("ff",),
    "blind_fg": ("fg",),
    # written in the thirty-sixth session by two more helpers, blind, the usual composition;
    # they judged R36c
    "blind_fh": ("fh",),
    "blind_fi": ("fi",),
    # written in the thirty-sixth session by two more helpers, blind, the usual composition;
    # they judged V3 (not kept)
    "blind_fj": ("fj",),
    "blind_fk": ("fk",),
    # written at the end of the thirty-sixth session by two more helpers, blind, the usual
    # composition; they judged R37
    "blind_fl": ("fl",),
    "blind_fm": ("fm",),
    # written at the start of the thirty-seventh session by four more helpers, blind, the usual
    # composition: FN, FO judged R37b; FP, FQ R37c
    "blind_fn": ("fn",),
    "blind_fo": ("fo",),
    "blind_fp": ("fp",),
    "blind_fq": ("fq",),
    # written in the thirty-seventh session by two more helpers, blind, the usual composition;
    # they judged R37d
    "blind_fr": ("fr",),
    "blind_fs": ("fs",),
    # written later in the thirty-seventh session by two more helpers, blind, the usual
    # composition; they judged R37e
    "blind_ft": ("ft",),
    "blind_fu": ("fu",),
    # written at the end of the thirty-seventh session by two more helpers, blind, the usual
    # composition: opened in the thirty-eighth session, with FX and FY, to judge V4
    "blind_fv": ("fv",),
    "blind_fw": ("fw",),
    # written at the start of the thirty-eighth session by two more helpers, blind, the usual
    # composition: opened with FV and FW to judge V4
    "blind_fx": ("fx",),
    "blind_fy": ("fy",),
    # written in the thirty-eighth session by two more helpers, blind, the usual composition,
    # while FV..FY judged V4: opened to judge R38
    "blind_fz": ("fz",),
    "blind_ga": ("ga",),
    # written later in the thirty-eighth session by two more helpers, blind, the usual
    # composition, while FZ and GA judged R38: opened to judge R38b
    "blind_gb": ("gb",),
    "blind_gc": ("gc",),
    # written later in the thirty-eighth session by two more helpers, blind, the usual
    # composition, while GB and GC judged R38b: opened to judge R38c
    "blind_gd": ("gd",),
    "blind_ge": ("ge",),
    # written later in the thirty-eighth session by two more helpers, blind, the usual
    # composition, while GD and GE judged R38c: opened to judge R38d
    "blind_gf": ("gf",),
    "blind_gg": ("gg",),
    # written at the end of the thirty-eighth session by two more helpers, blind, the usual
    # composition, while GF and GG judged R38d: opened to judge R38e
    "blind_gh": ("gh",),
    "blind_gi": ("gi",),
    # written at the end of the thirty-eighth session by two more helpers, blind, the usual
    # composition, while GH and GI judged R38e: opened to judge R38f
    "blind_gj": ("gj",),
    "blind_gk": ("gk",),
    # written at the end of the thirty-eighth session by two more helpers, blind, the usual
    # composition, while GJ and GK judged R38f: opened to judge R38g
    "blind_gl": ("gl",),
    "blind_gm": ("gm",),
    # written at the end of the thirty-eighth session by two more helpers, blind, the usual
    # composition, while GL and GM judged R38g: never opened, kept for the next session
    "blind_gn": ("gn",),
    "blind_go": ("go",),
    "visitors_second": VISITORS_SECOND,
}


# English rows written for the main head's memory only, by category: ma, mb, mc (thirty-second
# session, three helpers who saw nothing, 600 rows: 360 "none" look-alikes of the false alarms
# left, 180 acute messages of the same surface, 60 mention). Remembered as candidate M2 they did
# not pay (blind DR+DS English false alarms 11 -> 11 of 79, held-out C acute 287 -> 286), so
# they are in no split and remembered by nothing (docs/safety_languages_before.md)
MEMORY_WRITTEN = ("ma", "mb", "mc")
MEMORY_ROWS: tuple[str, ...] = ()
# rows in es/pt/fr/de/it written by category at the start of the thirty-eighth session by two
# helpers who saw nothing (300: per language 36 "none" look-alikes of the false alarms left, a
# time word in an ordinary request, idioms of dying, goodbyes, moves, dosing; 18 acute of the same
# surface, 6 mention). Remembered by the head for other languages they moved 2 of the 1,300
# opened judging rows in those languages, one each way (not a candidate); in no split
MEMORY_WRITTEN_OTHER = ("md", "me")

# held-out C and the blind splits the heads do not remember: EJ and EK judged M7, EL, EM R34,
# EN, EO R35, EP, EQ R35b, ER, ES V1, ET, EU V2, EV, EW R35c, EX..FA R36, FB, FC R36b, FD, FE
# V1b, FF, FG M8 (not kept; thirty-sixth session), FH, FI R36c, FJ, FK V3 (not kept), FL,
# FM R37, FN, FO R37b, FP, FQ R37c, FR, FS R37d, FT, FU R37e (thirty-seventh session), FV..FY
# V4, FZ, GA R38, GB, GC R38b, GD, GE R38c, GF, GG R38d, GH, GI R38e, GJ, GK R38f, GL, GM R38g
# (thirty-eighth session); GN, GO never opened; see
# docs/safety_languages_before.md. The veto (veto.py) was fitted to the English rows outside
# this tuple as it stood then (veto.json: C and EJ..ES), its reader for other languages to
# theirs (veto_other.json: C and EJ..FW).
# Every other labelled split not trained on is remembered, its English rows by the main head
# and the rest by the head for other languages (remembered_rows); a blind set written later
# joins this tuple until it has judged something
JUDGING = (
    "held_out",
    *(f"blind_{a}" for a in "ej ek el em en eo ep eq er es et eu ev ew ex ey ez fa".split()),
    *(f"blind_{a}" for a in "fb fc fd fe ff fg fh fi fj fk fl fm fn fo fp fq fr".split()),
    *(f"blind_{a}" for a in "fs ft fu fv fw fx fy fz ga gb gc gd ge gf gg gh gi gj gk".split()),
    *(f"blind_{a}" for a in "gl gm gn go".split()),
)


# the blind sets in JUDGING never opened yet: `faqbot safety-eval` does not score them, so that
# reading the detector's figures does not open them; a session that opens one for a decision
# (its rule committed first) takes it out of this tuple
UNOPENED = ("blind_gn", "blind_go")


def scored_splits() -> tuple[str, ...]:
    """The splits `faqbot safety-eval` scores: every one but the unopened blind sets."""
    return tuple(name for name in SPLITS if name not in UNOPENED)


@dataclass(frozen=True)
class Row:
    """One labelled message."""

    text: str
    level: str  # none | mention | acute
    category: str
    lang: str
    author: str


def _tsv(path: Path) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return [line.split("\t") for line in lines if line.strip()]


def _legacy(folder: Path) -> list[Row]:
    """The team's earlier lists (must-trigger phrasings, idioms, benign questions): train only."""
    rows = [Row(t, lvl, f"legacy_{cat}", "en", "legacy")
            for lvl, cat, t in _tsv(folder / "safety_must_trigger.tsv")]  # fmt: skip
    rows += [Row(t, lvl, "idiom", "en", "legacy") for lvl, t in _tsv(folder / "safety_idioms.tsv")]
    benign = (folder / "safety_benign.txt").read_text(encoding="utf-8").splitlines()
    return rows + [Row(t, "none", "clinical_logistics", "en", "legacy") for t in benign if t]


def load_rows(folder: Path) -> list[Row]:
    """Every labelled row under `folder` (tests/data): the legacy lists and safety/*.jsonl.

    Raises:
        ValueError: a row without text, or with an unknown level (names the file and line).
    """
    rows = _legacy(folder)
    for path in sorted((folder / "safety").glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            d = json.loads(line)
            if not str(d.get("text", "")).strip() or d.get("level") not in (
                "none",
                "mention",
                "acute",
            ):
                raise ValueError(f"{path}:{n}: a row needs text and a level none/mention/acute")
            rows.append(Row(d["text"], d["level"], d["category"], d.get("lang", "en"), d["author"]))
    return rows


def sentence_key(text: str) -> str:
    """The key of a message in the sentence labels: the start of its text's SHA-1."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def load_sentence_labels(folder: Path) -> dict[str, str]:
    """Per training message of several sentences (sentence_key of its text), one level letter
    per sentence as the detector splits it (n none, m mention, r acute), read alone: which
    sentences of an acute or mention message carry it (tests/data/safety_sentence_labels.jsonl;
    an absent file: none).

    Raises:
        ValueError: a line whose labels are not n/m/r, one per sentence (names the line).
    """
    path = folder / "safety_sentence_labels.jsonl"
    if not path.exists():
        return {}
    out = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        d = json.loads(line)
        labels, parts = str(d.get("labels", "")), d.get("sentences", [])
        if len(labels) != len(parts) or set(labels) - set("nmr"):
            raise ValueError(f"{path}:{n}: labels need one letter n/m/r per sentence")
        out[d["id"]] = labels
    return out


def split(rows: list[Row], name: str) -> list[Row]:
    """The rows of one split (a key of SPLITS). A held-out or blind row whose
    exact text is also a training row (the briefs' own examples, "hi") is left out: it would be
    scored on what the classifier was fitted to."""
    part = [r for r in rows if r.author in SPLITS[name]]
    if name == "train":
        return part
    trained = SPLITS["train"] + OTHER_LANGUAGES  # by either head
    seen = {r.text for r in rows if r.author in trained}
    return [r for r in part if r.text not in seen]


def other_head_rows(rows: list[Row]) -> list[Row]:
    """The rows the head for other languages is trained on: the training split and the rows
    written in es/pt/fr/de/it (OTHER_LANGUAGES)."""
    return split(rows, "train") + [r for r in rows if r.author in OTHER_LANGUAGES]


def data_hash(rows: list[Row], sentence_labels: dict[str, str] | None = None) -> str:
    """A short hash of the rows a head was trained on and of the sentence labels it used (saved
    with it, re-checked by a test)."""
    data: list = sorted((r.text, r.level) for r in rows)
    keys = {sentence_key(r.text) for r in rows}
    used = sorted((k, v) for k, v in (sentence_labels or {}).items() if k in keys)
    if used:  # a head fitted without sentence labels keeps its hash
        data.append(used)
    blob = json.dumps(data, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def remembered_splits() -> tuple[str, ...]:
    """The splits whose rows the heads remember after fitting (candidates M and M3,
    thirty-second session): every split but training and JUDGING."""
    return tuple(n for n in SPLITS if n != "train" and n not in JUDGING)


def remembered_rows(
    rows: list[Row], memory: tuple[str, ...] | None = None, other_languages: bool = False
) -> list[Row]:
    """The English rows (lang "en"; with `other_languages`, the rows in es/pt/fr/de/it instead)
    of remembered_splits, then those of the authors written for the memory (`memory`, default
    MEMORY_ROWS), each text once and none a training text: a head compares a message with them
    as with its training messages, at their labels (not fitted to them). The splits' later
    figures are therefore not blind in those languages."""
    trained = {r.text for r in split(rows, "train")}
    seen: set[str] = set()
    out = []
    parts = [split(rows, name) for name in remembered_splits()]
    parts.append([r for r in rows if r.author in (MEMORY_ROWS if memory is None else memory)])
    for part in parts:
        for r in part:
            if (r.lang != "en") == other_languages and r.text not in seen and r.text not in trained:
                seen.add(r.text)
                out.append(r)
    return out
