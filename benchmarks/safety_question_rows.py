"""Write tests/data/safety/questions.jsonl: the dev-set questions as labelled crisis rows.

Visitors' ordinary questions are the "none" rows the crisis classifier must stay quiet on. Rows
of the legacy dev set keep their crisis labels; a question that names suicide, self-harm or
overdose is "mention", or "acute" where a reader marked it so (each such row is printed).
Run: python benchmarks/safety_question_rows.py
"""

from __future__ import annotations

import json
from pathlib import Path

from faqbot.safety import SafetyDetector

ROOT = Path(__file__).resolve().parents[1]
# read by hand (every row was read again by a second reader who saw neither the detector nor its
# scores, 2026-12-01): someone at risk now, the writer or someone close; and a crisis topic with
# no one at risk now (crisis numbers, "dark thoughts", long-managed thoughts of not being here)
ACUTE = {"e089", "e105", "e289", "e127", "q184"}
MENTION = {"q086", "q135", "e012", "e083", "e161", "e217"}
SOURCES = {"legacy": ROOT / "tests/data/devset.jsonl",
           "e": ROOT / "tests/data/questions/author_e.jsonl"}  # fmt: skip


def main() -> None:
    rules = SafetyDetector()  # phrase rules only
    out = []
    for author, path in SOURCES.items():
        for line in path.read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            if d["kind"] == "crisis":
                level, category = d["level"], f"devset_{d['level']}"
                level = "acute" if d["id"] in ACUTE else level
            else:
                found = rules.assess(d["question"]).level
                mention = found != "none" or d["id"] in MENTION
                level = "acute" if d["id"] in ACUTE else "mention" if mention else "none"
                category = "clinical_question"
                if found != "none":
                    print(f"{author} {d['id']} -> mention ({found}): {d['question']}")
            out.append({"text": d["question"], "level": level, "category": category, "lang": "en",
                        "author": author})  # fmt: skip
    target = ROOT / "tests/data/safety/questions.jsonl"
    target.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), "utf-8")
    print(f"{len(out)} rows -> {target}")


if __name__ == "__main__":
    main()
