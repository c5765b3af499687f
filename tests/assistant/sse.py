"""Server-sent events read back in tests: the /ask stream's named events."""

from __future__ import annotations

import json

import httpx


def events(r: httpx.Response) -> list[tuple[str, object]]:
    """Server-sent events as (name, decoded data)."""
    out = []
    for block in r.text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        out.append((lines["event"], json.loads(lines["data"])))
    return out
