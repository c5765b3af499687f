"""/documents: list, read, show a passage in its context, and (admin only) upload and delete papers.

An upload is ingested while the caller waits, or (`?wait=false`) as a background job whose status
GET /documents/jobs/{job_id} gives; either way, searches go on meanwhile on the index as it was.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, BinaryIO, Literal

from fastapi import APIRouter, Form, Query, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from assistant.auth import Admin, Engine, EngineDep, Role
from assistant.engine import access_for
from assistant.http_errors import IsoDate, errors
from assistant.jobs import Job
from index.opening import delete_document, ingest_paths
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


class UploadJob(BaseModel):
    """An upload ingested in the background: `result` once done, `error` (the 400's reason) once failed."""

    job_id: str
    status: Literal["queued", "running", "done", "failed"]
    result: UploadReport | None = None
    error: str | None = None

    @classmethod
    def of(cls, job: Job) -> UploadJob:
        return cls(job_id=job.id, status=job.status, result=job.result, error=job.error)


def _visible(store: Store, doc_id: str, role: str) -> Document:
    # One body for a missing document and one the caller may not see: no trace that it exists.
    try:
        return store.document(doc_id, access_for(role))
    except NotFound:
        raise NotFound("no such document") from None


@router.get("", response_model=list[DocumentInfo])
def list_documents(role: Role, engine: EngineDep) -> list[DocumentInfo]:
    """Every document the caller may see, newest first."""
    with engine.reading():
        rows = engine.assistant.index.store.documents(access_for(role))
    return [DocumentInfo(**r) for r in rows]


@router.get("/{doc_id}", response_model=DocumentDetail, responses=errors(404, 422))
def get_document(doc_id: str, role: Role, engine: EngineDep) -> DocumentDetail:
    """A document's metadata and its citable passages."""
    with engine.reading():
        doc = _visible(engine.assistant.index.store, doc_id, role)
    return DocumentDetail(**DocumentInfo.of(doc).model_dump(), passages=[PassageOut.of(p) for p in doc.passages])


@router.get("/{doc_id}/passages/{passage_id}", response_model=PassageView, responses=errors(404, 422))
def get_passage(doc_id: str, passage_id: str, role: Role, engine: EngineDep) -> PassageView:
    """A passage (its ordinal, or its full id "doc_id:ordinal") with its neighbours and its document."""
    with engine.reading():
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


def _ingest(engine: Engine, path: Path, overrides: dict[str, str]) -> UploadReport:
    """Ingest one saved upload (the folder it was saved in is its own and is removed after)."""
    try:
        report = ingest_paths(engine.assistant.index, [path], overrides)
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    if report.failed:
        raise BadRequest(f"{path.name}: {report.failed[0][1].replace(str(path.parent), '')}")
    return UploadReport(
        doc_id=report.doc_ids[0],
        added=report.added,
        unchanged=report.unchanged,
        replaced=report.replaced,
        failed=[],
        passages=report.passages,
    )


ACCEPTED = {202: {"model": UploadJob, "description": "Queued (`wait=false`): ask GET /documents/jobs/{job_id}"}}


@router.post("", response_model=UploadReport, responses={**ACCEPTED, **errors(400, 403, 413, 415, 422)})
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
    wait: Annotated[bool, Query(description="false: answer 202 with a job at once; ingest in the background")] = True,
):
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
    overrides = {k: v for k, v in overrides.items() if v}
    path = Path(tempfile.mkdtemp(prefix="council-upload-")) / name  # the original name: it becomes the source
    try:
        _save(file.file, path, engine.assistant.settings.max_upload_bytes)
    except BaseException:
        shutil.rmtree(path.parent, ignore_errors=True)
        raise
    if wait:
        return _ingest(engine, path, overrides)
    job = engine.jobs.submit(lambda: _ingest(engine, path, overrides).model_dump())
    return JSONResponse(UploadJob.of(job).model_dump(), status_code=202)


@router.get("/jobs/{job_id}", response_model=UploadJob, responses=errors(403, 404, 422))
def upload_job(job_id: str, _: Admin, engine: EngineDep) -> UploadJob:
    """How a background upload stands: queued, running, done (with its report) or failed (with why); admin only."""
    return UploadJob.of(engine.jobs.get(job_id))


@router.delete("/{doc_id}", response_model=Deleted, responses=errors(403, 404, 422))
def remove_document(doc_id: str, _: Admin, engine: EngineDep) -> Deleted:
    """Delete a document and its passages everywhere (admin only)."""
    if not delete_document(engine.assistant.index, doc_id):
        raise NotFound("no such document")
    return Deleted(deleted=doc_id)
