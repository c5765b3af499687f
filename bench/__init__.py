"""Benchmarks: a scale-corpus generator and the ingest, query, memory, ANN and peer measurements."""
