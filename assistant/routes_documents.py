"""/documents: list, read, show a passage in its context, and (admin only) upload and delete papers."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated, BinaryIO, Literal

from fastapi import APIRouter, Form, UploadFile
from pydantic import BaseModel

from assistant.auth import Admin, EngineDep, Role
from assistant.engine import access_for
from assistant.http_errors import IsoDate, errors
from index.build import delete_document, ingest_paths
from ingest.councils import normalise
from ingest.errors import BadRequest, FileTooLarge, NotFound, UnsupportedFile
from ingest.models import Document, Passage
from ingest.readers import SUFFIXES
from ingest.store import Store

router = APIRouter(prefix="/documents", tags=["documents"], responses=errors(401))

NEIGHBOURS = 2  # passages shown before and after a cited one
_UNSAFE = re.compile(r"[^\w.\- ()]+", re.ASCII)
_ORDINAL = re.compile(r"[0-9]{1,9}")  # ASCII digits only: int() would read "١" or "𝟓", and choke on 5,000 of them


class DocumentInfo(BaseModel):
    doc_id: str
    source: str
    title: str
    date: str | None
    body: str | None
    doc_type: str
    council: str | None
    access: str
    passage_count: int

    @classmethod
    def of(cls, doc: Document) -> DocumentInfo:
        fields = {f: getattr(doc, f) for f in cls.model_fields if f != "passage_count"}
        return cls(**fields, passage_count=len(doc.passages))


class PassageOut(BaseModel):
    passage_id: str
    ordinal: int
    label: str
    section: str
    page: int | None
    start: int
    end: int
    kind: str | None
    text: str
    lead: str | None
    part_no: int | None
    part_title: str | None
    part_date: str | None
    owner: str | None
    due: str | None

    @classmethod
    def of(cls, p: Passage) -> PassageOut:
        return cls(passage_id=p.passage_id, **{f: getattr(p, f) for f in cls.model_fields if f != "passage_id"})


class DocumentDetail(DocumentInfo):
    passages: list[PassageOut]


class PassageView(BaseModel):
    passage: PassageOut
    before: list[PassageOut]
    after: list[PassageOut]
    document: DocumentInfo


class FailedFile(BaseModel):
    file: str
    reason: str


class UploadReport(BaseModel):
    doc_id: str
    added: list[str]
    unchanged: list[str]
    replaced: list[str]
    failed: list[FailedFile]
    passages: int


class Deleted(BaseModel):
    deleted: str


def _visible(store: Store, doc_id: str, role: str) -> Document:
    # One body for a missing document and one the caller may not see: no trace that it exists.
    try:
        return store.document(doc_id, access_for(role))
    except NotFound:
        raise NotFound("no such document") from None


@router.get("", response_model=list[DocumentInfo])
def list_documents(role: Role, engine: EngineDep) -> list[DocumentInfo]:
    """Every document the caller may see, newest first."""
    with engine.lock:
        rows = engine.assistant.index.store.documents(access_for(role))
    return [DocumentInfo(**r) for r in rows]


@router.get("/{doc_id}", response_model=DocumentDetail, responses=errors(404, 422))
def get_document(doc_id: str, role: Role, engine: EngineDep) -> DocumentDetail:
    """A document's metadata and its citable passages."""
    with engine.lock:
        doc = _visible(engine.assistant.index.store, doc_id, role)
    return DocumentDetail(**DocumentInfo.of(doc).model_dump(), passages=[PassageOut.of(p) for p in doc.passages])


@router.get("/{doc_id}/passages/{passage_id}", response_model=PassageView, responses=errors(404, 422))
def get_passage(doc_id: str, passage_id: str, role: Role, engine: EngineDep) -> PassageView:
    """A passage (its ordinal, or its full id "doc_id:ordinal") with its neighbours and its document."""
    with engine.lock:
        doc = _visible(engine.assistant.index.store, doc_id, role)
    prefix, _, ordinal = passage_id.rpartition(":")
    ordinals = [p.ordinal for p in doc.passages]  # in document order
    if prefix not in ("", doc_id) or not _ORDINAL.fullmatch(ordinal) or int(ordinal) not in ordinals:
        raise NotFound("no such passage")
    i = ordinals.index(int(ordinal))
    return PassageView(
        passage=PassageOut.of(doc.passages[i]),
        before=[PassageOut.of(p) for p in doc.passages[max(0, i - NEIGHBOURS) : i]],
        after=[PassageOut.of(p) for p in doc.passages[i + 1 : i + 1 + NEIGHBOURS]],
        document=DocumentInfo.of(doc),
    )


def safe_name(filename: str | None) -> str:
    """The upload's own base name, kept to safe ASCII characters (it becomes the document's source)."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return _UNSAFE.sub("_", base).strip(" ._")[-120:] or "upload"


def _save(src: BinaryIO, path: Path, limit: int) -> None:
    size = 0
    with path.open("wb") as out:
        while chunk := src.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise FileTooLarge(f"the upload is over the {limit / 2**20:.3g} MB limit")
            out.write(chunk)


@router.post("", response_model=UploadReport, responses=errors(400, 403, 413, 415, 422))
def upload_document(
    _: Admin,
    engine: EngineDep,
    file: UploadFile,
    title: Annotated[str | None, Form()] = None,
    date: Annotated[IsoDate | None, Form()] = None,
    body: Annotated[str | None, Form()] = None,
    doc_type: Annotated[str | None, Form()] = None,
    council: Annotated[str | None, Form()] = None,
    access: Annotated[Literal["public", "restricted"] | None, Form()] = None,
) -> UploadReport:
    """Ingest one uploaded paper (admin only); form fields override the metadata inferred from it."""
    name = safe_name(file.filename)
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise UnsupportedFile(f"unsupported file type {suffix or '(none)'}; expected one of {', '.join(SUFFIXES)}")
    overrides = {
        "title": title,
        "date": date.isoformat() if date else None,
        "body": body,
        "doc_type": doc_type,
        "council": normalise(council) if council and council.strip() else None,
        "access": access,
    }
    with tempfile.TemporaryDirectory(prefix="council-upload-") as tmp:
        path = Path(tmp) / name  # the original name: ingest records it as the document's source
        _save(file.file, path, engine.assistant.settings.max_upload_bytes)
        with engine.lock:
            report = ingest_paths(engine.assistant.index, [path], {k: v for k, v in overrides.items() if v})
    if report.failed:
        raise BadRequest(f"{name}: {report.failed[0][1].replace(tmp, '')}")
    return UploadReport(
        doc_id=report.doc_ids[0],
        added=report.added,
        unchanged=report.unchanged,
        replaced=report.replaced,
        failed=[],
        passages=report.passages,
    )


@router.delete("/{doc_id}", response_model=Deleted, responses=errors(403, 404, 422))
def remove_document(doc_id: str, _: Admin, engine: EngineDep) -> Deleted:
    """Delete a document and its passages everywhere (admin only)."""
    with engine.lock:
        if not delete_document(engine.assistant.index, doc_id):
            raise NotFound("no such document")
    return Deleted(deleted=doc_id)
