"""Passages in, ranked passages out: embeddings in FAISS beside a lexical index, fused and filtered."""
