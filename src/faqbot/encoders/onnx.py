"""The model exported to ONNX (pooling and normalisation included) and run on onnxruntime."""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

import numpy as np

ONNX_FILE = "encoder.onnx"
INT8_FILE = "encoder-int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
MAX_TOKENS = 256  # all-MiniLM-L6-v2's max_seq_length: what the query encoder truncates to
# ONNX Runtime, once imported, keeps an event database under ~/.cache/Microsoft and looks up
# mobile.events.data.microsoft.com to send it, unless this is set first: set for Python API
# users too (app.py and the CLI set it as well). tests/test_no_network.py traces it.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")


def export_onnx(encoder, folder: Path) -> bool:
    """Export a SentenceTransformerEncoder's model (mean pooling and normalisation included).

    Returns False, leaving nothing behind, when the exporter is unavailable or the exported
    model does not reproduce sentence-transformers' vectors to 1e-4.
    """
    try:
        import onnx  # noqa: F401  (the exporter needs it)
        import torch
    except ImportError:
        return False
    module = encoder._model[0].auto_model.eval()

    class Pooled(torch.nn.Module):
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=-1)

    names = ["input_ids", "attention_mask", "token_type_ids"]
    sample = encoder._model.tokenizer(
        ["a question", "a longer passage of text"], padding=True, return_tensors="pt"
    )
    tokenizer = Path(encoder.model_path) / TOKENIZER_FILE
    if not tokenizer.is_file():
        return False
    try:
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer chatter about shapes that are dynamic axes
            torch.onnx.export(
                Pooled(module),
                tuple(sample[n] for n in names),
                str(folder / ONNX_FILE),
                input_names=names,
                output_names=["embedding"],
                opset_version=17,
                dynamo=False,
                dynamic_axes={n: {0: "batch", 1: "tokens"} for n in names}
                | {"embedding": {0: "batch"}},
            )
        (folder / TOKENIZER_FILE).write_bytes(tokenizer.read_bytes())
        onnx_encoder = OnnxEncoder(folder, encoder.model_id, encoder.max_tokens, threads=1)
        probe = ["How soon does it work?", "Ketamine " * 300, "é ✓ 😊"]
        if float(np.abs(onnx_encoder.encode(probe) - encoder.encode(probe)).max()) > 1e-4:
            raise ValueError("ONNX vectors differ from sentence-transformers'")
        return True
    except Exception:  # any exporter failure: fall back to sentence-transformers for queries
        for name in (ONNX_FILE, TOKENIZER_FILE):
            (folder / name).unlink(missing_ok=True)
        return False


def quantize_onnx(folder: Path) -> Path:
    """Write an int8 copy of the exported model beside it (for building faster); returns its path.

    Only the weight matrices are quantized, per output channel, with int8 activations computed on
    the fly: ~1.5x the fp32 model's speed on AVX512-VNNI, vectors at cosine ~0.995 to fp32's.
    Quantizing attention's activation x activation products as well gained no speed and lost
    accuracy (cosine 0.96), so they stay fp32 (benchmarks/build.py, docs/BENCHMARKS.md).
    """
    import onnx

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    finally:  # importing it calls logging.basicConfig(level=INFO) on the root logger: undo that
        root.handlers[:] = handlers
        root.setLevel(level)

    model = onnx.load(str(folder / ONNX_FILE))
    weights = {tensor.name for tensor in model.graph.initializer}
    products = [
        n.name for n in model.graph.node if n.op_type == "MatMul" and not weights & set(n.input)
    ]
    logging.disable(logging.WARNING)  # a root-logger hint about pre-processing, on every call
    try:
        quantize_dynamic(
            folder / ONNX_FILE,
            folder / INT8_FILE,
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul"],
            nodes_to_exclude=products,
        )
    finally:
        logging.disable(logging.NOTSET)
    return folder / INT8_FILE


class OnnxEncoder:
    """Encoder on onnxruntime: the exported model, no torch import (fast cold start and builds)."""

    def __init__(
        self,
        folder: Path,
        model_id: str,
        max_tokens: int = MAX_TOKENS,
        *,
        threads: int,
        file: str = ONNX_FILE,
    ):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(Path(folder) / file), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_file(str(Path(folder) / TOKENIZER_FILE))
        self._tokenizer.enable_truncation(max_tokens)
        self._tokenizer.enable_padding()
        self.model_id = model_id
        self.dimension = int(self._session.get_outputs()[0].shape[-1])

    def encode(self, texts: list[str]) -> np.ndarray:
        batch = self._tokenizer.encode_batch(list(texts))
        feeds = {
            "input_ids": np.array([e.ids for e in batch], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in batch], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in batch], dtype=np.int64),
        }
        return np.ascontiguousarray(self._session.run(None, feeds)[0], dtype=np.float32)
