"""One file in, one `Document` with tagged passages out: read, segment, tag, describe."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

from ingest import limits, metadata, record
from ingest.errors import BadRequest, EmptyDocument, FileTooLarge
from ingest.kinds import tag
from ingest.lines import split_lines
from ingest.models import Document
from ingest.parts import find_parts
from ingest.readers import read
from ingest.segment import segment

MAX_BYTES = limits.MAX_BYTES
# Bumped when reading or segmentation changes what a file becomes: part of every document id, so the next
# ingest of an unchanged file replaces the passages an older version made.
READER_VERSION = "3"


def content_hash(data: bytes, source: str = "", fields: dict[str, str] | None = None) -> str:
    """The document id: the same bytes, from the same source, described the same way, get the same id.

    Metadata the user set (sidecar, flags) is part of it, so marking a paper restricted re-ingests it.
    """
    h = hashlib.sha256()
    h.update(READER_VERSION.encode("ascii") + b"\0")
    h.update(source.encode("utf-8") + b"\0")
    h.update(json.dumps(fields or {}, sort_keys=True).encode("utf-8") + b"\0")
    h.update(data)
    return h.hexdigest()[:16]


def load_document(
    path: Path,
    overrides: dict[str, str] | None = None,
    max_bytes: int = MAX_BYTES,
    source: str | None = None,
) -> Document:
    """Read and segment one file; metadata is inferred, then the sidecar's, then `overrides` win."""
    size = path.stat().st_size
    if size > max_bytes:
        raise FileTooLarge(f"{size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit")
    source = source or path.name
    given = metadata.sidecar(path)
    given.update({k: v for k, v in (overrides or {}).items() if v is not None})
    if "date" in given:
        given["date"] = metadata.iso_date(given["date"])
    doc_id = content_hash(path.read_bytes(), source, given)
    extracted = read(path)
    parts = find_parts(split_lines(extracted.text))
    fields = metadata.infer(extracted.text, parts)
    fields.update(given)
    if fields["access"] not in metadata.ACCESS_LEVELS:
        raise BadRequest(f"access must be one of {', '.join(metadata.ACCESS_LEVELS)}, not {fields['access']!r}")
    part_kind = {p.title: p.kind for p in parts}
    passages = tuple(
        tag(p, part_kind.get(p.part_title or "", parts[0].kind))
        for p in segment(extracted.text, doc_id, extracted.page_starts, extracted.hints, extracted.structured)
    )
    if not passages:  # text only of marks ("- "): nothing a search could ever find or a citation name
        raise EmptyDocument("no text found (no paragraph in the file holds words)")
    doc = Document(
        doc_id=doc_id,
        source=source,
        title=fields["title"] or path.stem,
        date=fields["date"],
        body=fields["body"],
        doc_type=fields["doc_type"] or "report",
        council=fields["council"],
        access=fields["access"] or "public",
        text=extracted.text,
        page_starts=extracted.page_starts,
        passages=tuple(replace(p, doc_id=doc_id) for p in passages),
        removed=extracted.removed,
    )
    return replace(doc, facts=record.extract(doc))
