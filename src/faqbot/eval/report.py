"""The evaluation report: threshold check, terminal tables, report.json, report.md and the plot."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

PLOT = "recall_at_k.png"
ANSWER_LABELS = {
    "answered_in_scope": "Answered (in-scope)",
    "first_quote_answers": "First quote answers (answered in-scope)",
    "any_quote_answers": "Some quote answers (answered in-scope)",
    "highlight_answers": "Bolded sentence answers (answered in-scope)",
    "answer_recall_at_1": "Answer ranking R@1 (in-scope)",
    "answer_recall_at_5": "Answer ranking R@5 (in-scope)",
    "uncovered_in_scope": "Uncovered words named (answered in-scope)",
    "median_quote_words": "Median quote length (words)",
    "quotes_verbatim": "Quotes verbatim",
    "abstain_off_topic": "Abstained (out-of-scope, off-topic)",
    "abstain_near_domain": "Abstained (out-of-scope, near-domain)",
    "honest_near_domain": "Abstained or named what's missing (near-domain)",
    "crisis_recall": "Crisis recall",
    "crisis_acute_recall": "Acute crisis shown as acute",
    "crisis_fp_benign": "Crisis false positives (benign)",
    "crisis_fp_non_crisis": "Crisis flags (all non-crisis rows)",
    "latency_p50_ms": "ask() latency p50 (ms)",
    "latency_p95_ms": "ask() latency p95 (ms)",
}


def load_thresholds(path: str | Path | None = None) -> dict:
    """{"min": {metric: limit}, "max": {metric: limit}}; the bundled file when path is None."""
    if path is None:
        text = resources.files("faqbot").joinpath("data/eval_thresholds.json").read_text()
    else:
        text = Path(path).read_text(encoding="utf-8")
    data = json.loads(text)
    unknown = set(data) - {"min", "max", "note", "targets"}  # targets: informational
    if unknown:
        raise ValueError(f"Thresholds file {path}: unknown keys {sorted(unknown)}; use min, max.")
    return data


def check(summary: dict, thresholds: dict) -> list[dict]:
    """One row per threshold; ok is None when the metric was not measured on this dataset."""
    rows = []
    for op, bound in ((">=", "min"), ("<=", "max")):
        for metric, limit in thresholds.get(bound, {}).items():
            value = summary.get(metric)
            ok = None if value is None else (value >= limit if op == ">=" else value <= limit)
            rows.append({"metric": metric, "value": value, "op": op, "limit": limit, "ok": ok})
    return rows


def fmt(value, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def table(headers: list[str], rows: list[list]) -> str:
    """A Markdown pipe table, padded so it also reads well in a terminal."""
    cells = [[str(c).replace("|", "\\|").replace("\n", " ") for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(row: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in cells])


def retrieval_table(report: dict) -> str:
    scores = report["retrieval"]["scores"]
    labels = list(next(iter(scores.values())))
    return table(
        ["Retriever"] + labels, [[n] + [fmt(s[lab]) for lab in labels] for n, s in scores.items()]
    )


def significance_table(report: dict) -> str:
    r, default = report["retrieval"], report["default_retriever"]
    rows = []
    for alt, tests in r["significance"].items():
        for label, t in tests.items():
            pair = [fmt(r["scores"][default][label]), fmt(r["scores"][alt][label])]
            verdict = [
                "yes" if t["significant"] else "no",
                f"{t['wins']}/{t['ties']}/{t['losses']}",
            ]
            rows.append([f"{default} vs {alt}", label, *pair, fmt(t["p_value"], 4), *verdict])
    head = ["Comparison", "Metric", default, "other", "p", f"p < {r['max_p']}", "W/T/L"]
    return table(head, rows)


def answers_table(report: dict) -> str:
    a = report["answers"]
    return table(
        ["Answer metric", "Value"],
        [[ANSWER_LABELS[k], fmt(v, 1 if k.endswith("_ms") else 3)] for k, v in a.items()],
    )


def check_table(report: dict) -> str:
    result = {True: "pass", False: "FAIL", None: "not measured"}
    rows = [
        [c["metric"], fmt(c["value"]), f"{c['op']} {c['limit']}", result[c["ok"]]]
        for c in report["check"]
    ]
    return table(["Threshold", "Value", "Needs", "Result"], rows)


def failures_table(failures: list[dict]) -> str:
    rows = [[f["id"], f["kind"], f["question"], f["what"], f.get("shown", "")] for f in failures]
    return table(["id", "kind", "question", "what went wrong", "shown"], rows)


def _sections(report: dict) -> list[tuple[str, str]]:
    out, r = [], report["retrieval"]
    if r:
        out.append(
            (f"Retrieval (k={report['k']}, {r['n_questions']} questions)", retrieval_table(report))
        )
        if r["significance"]:
            test = {"fisher": "Fisher randomisation test", "student": "paired t-test"}[
                r["stat_test"]
            ]
            out.append((f"Significance, {test}", significance_table(report)))
    if report["answers"]:
        out.append(("Answers (bot.ask on every question)", answers_table(report)))
    out.append(("Threshold check", check_table(report)))
    return out


def terminal(report: dict, show: int = 12) -> str:
    failures = report["failures"]
    more = f" (first {show}; all in report.md)" if len(failures) > show else ""
    lines = [f"Failures: {len(failures)}{more}"]
    lines += [f"  {f['id']} [{f['kind']}] {f['what']}" for f in failures[:show]]
    lines += [f"Dataset problem: {p['id']}: {p['problem']}" for p in report["problems"]]
    blocks = [f"{title}\n{body}" for title, body in _sections(report)]
    head = f"Dataset {report['dataset']}: {headline(report)}"
    return "\n\n".join([head, *blocks, "\n".join(lines)])


def headline(report: dict) -> str:
    q, settings = report["questions"], report["settings"]
    kinds = ", ".join(f"{v} {k}" for k, v in q.items() if v)
    return (
        f"{sum(q.values())} questions ({kinds}); model `{settings['model']}`, "
        f"{settings['passages']} passages, default retriever `{report['default_retriever']}`."
    )


def markdown(report: dict) -> str:
    head = f"# Evaluation report: {report['dataset']}\n\n{headline(report)}"
    parts = [head] + [f"## {title}\n\n{body}" for title, body in _sections(report)]
    if report["retrieval"]:
        parts.append(f"## Recall@k\n\n![Recall@k per retriever]({PLOT})")
    failures = report["failures"]
    body = failures_table(failures) if failures else "None."
    parts.append(f"## Failures ({len(failures)})\n\n{body}")
    if report["problems"]:
        rows = [[p["id"], p["problem"]] for p in report["problems"]]
        parts.append("## Dataset problems\n\n" + table(["id", "problem"], rows))
    return "\n\n".join(parts) + "\n"


def plot(report: dict, path: Path) -> Path:
    """Recall@k for k = 1..K, one line per retriever."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4), dpi=110)
    for name, curve in report["retrieval"]["curves"].items():
        ax.plot(range(1, len(curve) + 1), curve, marker="o", label=name)
    n = report["retrieval"]["n_questions"]
    ax.set(xlabel="k", ylabel="Recall@k", ylim=(0, 1.02), xticks=range(1, report["k"] + 1))
    ax.set_title(f"Recall@k on {report['dataset']} ({n} questions)")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def write(report: dict, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "report.json", out / "report.md"]
    paths[0].write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    paths[1].write_text(markdown(report), encoding="utf-8")
    if report["retrieval"]:
        paths.append(plot(report, out / PLOT))
    return paths
