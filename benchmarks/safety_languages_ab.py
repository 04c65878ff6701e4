"""Crisis detector A/B by language: each message's level under one head, saved, then compared.

Scores the held-out split C and the blind sets named (rules and the head together, as the bot
reads a message) and writes every row's level to a JSON file, so two heads can be compared
row by row without running either again. Figures per group of splits and per language:
acute read acute, acute read at any tier, mention read mention or above, "none" read at any
tier (false alarm) and "none" read acute (and mention read acute).

    python benchmarks/safety_languages_ab.py score --head src/faqbot/data/safety/head.npz \
        --out /tmp/levels_old.json
    python benchmarks/safety_languages_ab.py compare /tmp/levels_old.json /tmp/levels_new.json
    python benchmarks/safety_languages_ab.py margins --head H --out /tmp/m.json --groups BO BP
    python benchmarks/safety_languages_ab.py curves /tmp/m_old.json /tmp/m_new.json --langs other

Twenty-sixth session: written to decide, under the rule in
docs/safety_languages_before.md, whether training rows written in es/pt/fr/de/it by category
make the head read other languages better. They did not (neither candidate kept; at equal false
alarms the refit reads them better, at its own bars it spends the gain on fewer false alarms):
docs/SAFETY.md, twenty-sixth session.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]

# the groups the keep rule reads (docs/safety_languages_before.md)
GROUPS = {
    "C": ("held_out",),
    "AJ..BG": tuple(
        f"blind_{s}" for s in "aj ak al am an aq ar au av aw ax az ba bc bd be bf bg".split()
    ),
    "BH..BN": tuple(f"blind_{s}" for s in "bh bi bj bk bl bm bn".split()),
    "BO": ("blind_bo",),
    "BP": ("blind_bp",),
    "BV": ("blind_bv",),
    "BW": ("blind_bw",),
    "BX+BY": ("blind_bx", "blind_by"),
    "BZ+CA": ("blind_bz", "blind_ca"),
    "CB+CC": ("blind_cb", "blind_cc"),
    "CD+CE": ("blind_cd", "blind_ce"),
    "CF+CG": ("blind_cf", "blind_cg"),
    "CH+CI": ("blind_ch", "blind_ci"),
    "CJ+CK": ("blind_cj", "blind_ck"),
    "CL+CM": ("blind_cl", "blind_cm"),
    "CS+CT": ("blind_cs", "blind_ct"),
    "CU+CV": ("blind_cu", "blind_cv"),
    "CW..CZ": ("blind_cw", "blind_cx", "blind_cy", "blind_cz"),
    "DC+DD": ("blind_dc", "blind_dd"),
    "DE+DF": ("blind_de", "blind_df"),
    "DH+DI": ("blind_dh", "blind_di"),
    "DJ+DK": ("blind_dj", "blind_dk"),
    "DL+DM": ("blind_dl", "blind_dm"),
    "DN+DO": ("blind_dn", "blind_do"),
    "DP+DQ": ("blind_dp", "blind_dq"),
    "DR+DS": ("blind_dr", "blind_ds"),
    "DT+DU": ("blind_dt", "blind_du"),
    "DV+DW": ("blind_dv", "blind_dw"),
    "DX+DY": ("blind_dx", "blind_dy"),
    "DZ+EA": ("blind_dz", "blind_ea"),
    "EB..EE": ("blind_eb", "blind_ec", "blind_ed", "blind_ee"),
    "DZ+EA+EF+EG": ("blind_dz", "blind_ea", "blind_ef", "blind_eg"),
    "EH+EI": ("blind_eh", "blind_ei"),
    "EJ+EK": ("blind_ej", "blind_ek"),
    "EL+EM": ("blind_el", "blind_em"),
    "EN+EO": ("blind_en", "blind_eo"),
    "EP+EQ": ("blind_ep", "blind_eq"),
    "ER+ES": ("blind_er", "blind_es"),
    "ET+EU": ("blind_et", "blind_eu"),
    "EV+EW": ("blind_ev", "blind_ew"),
    "EX+EY": ("blind_ex", "blind_ey"),
    "EZ+FA": ("blind_ez", "blind_fa"),
    "FB+FC": ("blind_fb", "blind_fc"),
    "FD+FE": ("blind_fd", "blind_fe"),
    "FF+FG": ("blind_ff", "blind_fg"),
    "FH+FI": ("blind_fh", "blind_fi"),
    "FJ+FK": ("blind_fj", "blind_fk"),
    "FL+FM": ("blind_fl", "blind_fm"),
    "FN+FO": ("blind_fn", "blind_fo"),
    "FP+FQ": ("blind_fp", "blind_fq"),
    "FR+FS": ("blind_fr", "blind_fs"),
    "FT+FU": ("blind_ft", "blind_fu"),
    "FV+FW": ("blind_fv", "blind_fw"),
    "FX+FY": ("blind_fx", "blind_fy"),
    "FV..FY": ("blind_fv", "blind_fw", "blind_fx", "blind_fy"),
    "FZ+GA": ("blind_fz", "blind_ga"),
    "GB+GC": ("blind_gb", "blind_gc"),
    "GD+GE": ("blind_gd", "blind_ge"),
    "GF+GG": ("blind_gf", "blind_gg"),
    "GH+GI": ("blind_gh", "blind_gi"),
    "GJ+GK": ("blind_gj", "blind_gk"),
    "GL+GM": ("blind_gl", "blind_gm"),
    "GN+GO": ("blind_gn", "blind_go"),
}


def grouped_rows(data: Path, groups: tuple[str, ...]):
    """(group, split name, row) for every labelled row of the groups named."""
    from faqbot.safety.dataset import SPLITS, load_rows, split

    rows = load_rows(data)
    for group, names in GROUPS.items():
        if group in groups:
            for name in (n for n in names if n in SPLITS):
                for r in split(rows, name):
                    yield group, name, r


def score(head_path: Path, out: Path, data: Path, groups: tuple[str, ...],
          other_path: Path | None = None, two_path: Path | None = None,
          english_path: Path | None = None, veto_path: Path | None = None,
          veto_other_path: Path | None = None) -> None:  # fmt: skip
    from faqbot.safety.commands import training_encoder
    from faqbot.safety.detector import SafetyDetector
    from faqbot.safety.head import load_head

    encoder, _ = training_encoder()
    from faqbot.safety.two_heads import load_two_heads

    other = load_head(other_path) if other_path else None
    two = load_two_heads(two_path) if two_path else None
    english = load_two_heads(english_path) if english_path else None
    from faqbot.safety.veto import load_veto

    veto = load_veto(veto_path) if veto_path else None
    veto_other = load_veto(veto_other_path) if veto_other_path else None
    detector = SafetyDetector(encoder, load_head(head_path), other_head=other, two_heads=two,
                              english=english, veto=veto, veto_other=veto_other)  # fmt: skip
    levels = []
    for group, name, r in grouped_rows(data, groups):
        levels.append(
            {
                "group": group,
                "split": name,
                "lang": r.lang,
                "label": r.level,
                "text": r.text,
                "read": detector.assess(r.text).level,
            }  # fmt: skip
        )
    out.write_text(json.dumps(levels, ensure_ascii=False, indent=0), encoding="utf-8")
    print(f"{len(levels)} messages scored with {head_path} -> {out}")


def rates(rows: list[dict]) -> dict[str, str]:
    """The five figures of one group of rows, each as 'rate (hits/n)'."""

    def frac(hits: int, n: int) -> str:
        return f"{hits / n:.3f} ({hits}/{n})" if n else "-"

    acute = [r for r in rows if r["label"] == "acute"]
    mention = [r for r in rows if r["label"] == "mention"]
    none = [r for r in rows if r["label"] == "none"]
    return {
        "acute": frac(sum(r["read"] == "acute" for r in acute), len(acute)),
        "any": frac(sum(r["read"] != "none" for r in acute), len(acute)),
        "mention+": frac(sum(r["read"] != "none" for r in mention), len(mention)),
        "mention->acute": frac(sum(r["read"] == "acute" for r in mention), len(mention)),
        "FA": frac(sum(r["read"] != "none" for r in none), len(none)),
        "none->acute": frac(sum(r["read"] == "acute" for r in none), len(none)),
    }


def table(levels: list[dict]) -> None:
    print("| group | languages | acute | any tier | mention+ | mention read acute | false alarm "
          "| none read acute |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for group in GROUPS:
        rows = [r for r in levels if r["group"] == group]
        if not rows:
            continue
        for langs, label in ((None, "all"), (("en",), "English"), ("other", "es/pt/fr/de/it")):
            if langs is None:
                part = rows
            elif langs == "other":
                part = [r for r in rows if r["lang"] != "en"]
            else:
                part = [r for r in rows if r["lang"] in langs]
            if part:
                f = rates(part)
                print(f"| {group} | {label} | {f['acute']} | {f['any']} | {f['mention+']} | "
                      f"{f['mention->acute']} | {f['FA']} | {f['none->acute']} |")  # fmt: skip


def compare(old: Path, new: Path) -> None:
    a = json.loads(old.read_text(encoding="utf-8"))
    b = json.loads(new.read_text(encoding="utf-8"))
    print(f"### {old}\n")
    table(a)
    print(f"\n### {new}\n")
    table(b)
    before = {(r["split"], r["text"]): r["read"] for r in a}
    changed = []
    for r in b:
        key = (r["split"], r["text"])
        if key in before and before[key] != r["read"]:
            changed.append((r, before[key]))
    print(f"\n{len(changed)} messages read at another level")
    order = ("none", "mention", "acute")
    toward = sum(
        abs(order.index(r["read"]) - order.index(r["label"]))
        < abs(order.index(old_read) - order.index(r["label"]))
        for r, old_read in changed
    )
    print(f"{toward} moved toward their label, {len(changed) - toward} away or across")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("score")
    s.add_argument("--head", type=Path, required=True)
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("--other-head", type=Path, help="the head for messages not in English")
    s.add_argument("--two-heads", type=Path, help="the decision over both heads (two_heads.json)")
    s.add_argument("--english", type=Path, help="the decision for English (two_heads_en.json)")
    s.add_argument("--veto", type=Path, help="the fine-tuned second reader (veto.json)")
    s.add_argument("--veto-other", type=Path,
                   help="the second reader of es/pt/fr/de/it (veto_other.json)")  # fmt: skip
    s.add_argument("--data", type=Path, default=ROOT / "tests" / "data")
    s.add_argument("--groups", nargs="+", default=list(GROUPS), help="default: every group")
    m = sub.add_parser("margins")
    m.add_argument("--head", type=Path, required=True)
    m.add_argument("--out", type=Path, required=True)
    m.add_argument("--data", type=Path, default=ROOT / "tests" / "data")
    m.add_argument("--groups", nargs="+", default=list(GROUPS))
    v = sub.add_parser("curves")
    v.add_argument("paths", type=Path, nargs="+")
    v.add_argument("--groups", nargs="+", default=["BO", "BP", "BV"])
    v.add_argument("--langs", choices=("en", "other"), default="other")
    h = sub.add_parser("choose")
    h.add_argument("old", type=Path)
    h.add_argument("new", type=Path)
    h.add_argument("--groups", nargs="+", default=["AJ..BG"])
    c = sub.add_parser("compare")
    c.add_argument("old", type=Path)
    c.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    if args.cmd == "score":
        score(args.head, args.out, args.data, tuple(args.groups), args.other_head, args.two_heads,
              args.english, args.veto, args.veto_other)  # fmt: skip
    elif args.cmd == "margins":
        margins(args.head, args.out, args.data, tuple(args.groups))
    elif args.cmd == "choose":
        choose(args.old, args.new, tuple(args.groups))
    elif args.cmd == "curves":
        curves(args.paths, tuple(args.groups), args.langs)
    else:
        compare(args.old, args.new)
    return 0


def margins(head_path: Path, out: Path, data: Path, groups: tuple[str, ...]) -> None:
    """Per message: the rules' level and the head's margins over its own bars (the most acute
    reading's P(acute) minus its acute bar, and the same for P(any tier)), so the bars can be
    shifted together and each head's recall compared with another's at the same false alarms."""
    from faqbot.safety.commands import training_encoder
    from faqbot.safety.detector import SafetyDetector
    from faqbot.safety.head import load_head

    encoder, _ = training_encoder()
    head = load_head(head_path)
    detector = SafetyDetector(encoder, head)
    rules_only = SafetyDetector()
    found = []
    for group, name, r in grouped_rows(data, groups):
        probs, _, whole = detector.probabilities(r.text)
        m_acute, m_any = head.margins(probs, whole)
        found.append(
            {"group": group, "split": name, "lang": r.lang, "label": r.level,
             "rules": rules_only.assess(r.text).level, "acute": m_acute, "any": m_any}
        )  # fmt: skip
    out.write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")
    print(f"{len(found)} messages -> {out}")


def curves(paths: list[Path], groups: tuple[str, ...], langs: str) -> None:
    """Acute recall (acute read acute) and false alarms ("none" read at any tier) of each head
    as both its bars move by the same shift: which head reads better at equal false alarms."""
    order = ("none", "mention", "acute")
    print("| head | shift | acute | any tier | false alarm | none read acute |")
    print("|---|---|---|---|---|---|")
    for path in paths:
        rows = [r for r in json.loads(path.read_text(encoding="utf-8"))
                if r["group"] in groups and (r["lang"] != "en") == (langs == "other")]  # fmt: skip
        for shift in (-0.3, -0.2, -0.1, -0.05, 0.0, 0.05, 0.1):

            def level(r, shift=shift):
                model = (
                    "acute" if r["acute"] >= shift else "mention" if r["any"] >= shift else "none"
                )
                return max(model, r["rules"], key=order.index)

            acute = [level(r) for r in rows if r["label"] == "acute"]
            none = [level(r) for r in rows if r["label"] == "none"]
            print(f"| {path.name} | {shift:+.2f} | {acute.count('acute') / len(acute):.3f} | "
                  f"{1 - acute.count('none') / len(acute):.3f} | "
                  f"{1 - none.count('none') / len(none):.3f} | "
                  f"{none.count('acute') / len(none):.3f} |")  # fmt: skip


def _level(r: dict, s_acute: float, s_any: float) -> str:
    """A message's level with the head's acute bars moved by `s_acute` and its any-tier bars by
    `s_any`, the rules' level kept."""
    order = ("none", "mention", "acute")
    model = "acute" if r["acute"] >= s_acute else "mention" if r["any"] >= s_any else "none"
    return max(model, r["rules"], key=order.index)


def choose(old: Path, new: Path, groups: tuple[str, ...]) -> tuple[float, float]:
    """Candidate D's shifts (docs/safety_languages_before.md, twenty-seventh session): on the
    groups named, all languages pooled, the highest acute shift at which the new head reads at
    least as many acute messages acute as the old head, then the highest any-tier shift at which
    it reads at least as many acute messages at any tier and mention messages at mention or
    above."""
    grid = [-0.025 * i for i in range(13)]  # 0, -0.025, ..., -0.30
    a = [r for r in json.loads(old.read_text(encoding="utf-8")) if r["group"] in groups]
    b = [r for r in json.loads(new.read_text(encoding="utf-8")) if r["group"] in groups]

    def counts(rows, s_acute, s_any):
        got = [(r["label"], _level(r, s_acute, s_any)) for r in rows]
        return (sum(lab == "acute" and lv == "acute" for lab, lv in got),
                sum(lab == "acute" and lv != "none" for lab, lv in got),
                sum(lab == "mention" and lv != "none" for lab, lv in got),
                sum(lab == "none" and lv != "none" for lab, lv in got),
                sum(lab == "none" and lv == "acute" for lab, lv in got))  # fmt: skip

    target = counts(a, 0.0, 0.0)
    print(f"old head: acute {target[0]}, any {target[1]}, mention+ {target[2]}, "
          f"false alarms {target[3]}, none read acute {target[4]}")  # fmt: skip
    s_acute = next((s for s in grid if counts(b, s, s)[0] >= target[0]), grid[-1])
    s_any = next((s for s in grid if counts(b, s_acute, s)[1] >= target[1]
                  and counts(b, s_acute, s)[2] >= target[2]), grid[-1])  # fmt: skip
    got = counts(b, s_acute, s_any)
    print(f"new head at s_acute {s_acute:+.3f}, s_any {s_any:+.3f}: acute {got[0]}, any {got[1]}, "
          f"mention+ {got[2]}, false alarms {got[3]}, none read acute {got[4]}")  # fmt: skip
    return s_acute, s_any


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
