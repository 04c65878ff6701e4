"""The FAISS inner-product index over passage vectors: exact while small, HNSW beyond."""

from __future__ import annotations

import numpy as np

from ..settings import IndexSettings


def choose_index_type(n_passages: int, exact_max: int) -> str:
    """Exact search while a flat scan is cheap; HNSW beyond (see docs/BENCHMARKS.md)."""
    return "flat" if n_passages <= exact_max else "hnsw"


def make_faiss_index(vectors: np.ndarray, kind: str, settings: IndexSettings):
    """An inner-product index holding `vectors`: exact ("flat") or approximate ("hnsw")."""
    import faiss

    dim = vectors.shape[1]
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        # Flat storage, not SQ8: the retriever reconstructs passage vectors for its relevance score
        index = faiss.IndexHNSWFlat(dim, settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = settings.hnsw_ef_construction
        set_search_breadth(index, settings.hnsw_ef_search)
    else:
        raise ValueError(f"index type must be 'flat' or 'hnsw', got {kind!r}")
    index.add(vectors)
    return index


def set_search_breadth(index, breadth: int) -> None:
    """Set an HNSW index's efSearch (saved with it): higher finds more true neighbours, slower.

    An exact index has nothing to set and is left as it is.
    """
    if breadth < 1:
        raise ValueError(f"the search breadth (efSearch) must be at least 1, got {breadth}")
    if hasattr(index, "hnsw"):
        index.hnsw.efSearch = breadth
