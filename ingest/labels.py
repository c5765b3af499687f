"""Labels that name one passage each: the paper's numbering, qualified where it repeats within a document."""

from __future__ import annotations

from collections import Counter


def unique_labels(entries: list[tuple[str, int | None, str, int]], part_titles: list[str]) -> list[str]:
    """Labels made unique: (label, part number, section, pack part) in, one label per entry out.

    A pieces of one split paragraph share its label (their part numbers tell them apart). Where a label
    repeats (two reports in a pack both with a paragraph 1.1, a "(iii)" under two minutes), the first
    keeps it and the others are qualified by their section's heading, else their pack part, else a count.
    """
    key = [(label, part_no) for label, part_no, _, _ in entries]
    counts = Counter(key)
    out = [label for label, _, _, _ in entries]
    seen: set[tuple[str, int | None]] = set()
    taken = set(key)
    for i, (label, part_no, section, _part) in enumerate(entries):
        if counts[key[i]] == 1:
            continue
        if key[i] not in seen:
            seen.add(key[i])
            continue
        heading = section.rsplit(" > ", 1)[-1].strip()
        candidates = [f"{_short(heading)}, {label}"] if heading else []
        candidates.append(f"{_short(part_titles[i])}, {label}")
        new = next((c for c in candidates if (c, part_no) not in taken), None)
        n = 2
        while new is None or (new, part_no) in taken:
            new = f"{label} ({n})"
            n += 1
        taken.add((new, part_no))
        out[i] = new
    return out


def _short(text: str, limit: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
