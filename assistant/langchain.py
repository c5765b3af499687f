"""`CouncilRetriever`: the papers' passages as LangChain Documents, over a running service's HTTP API or in process.

Its import path is `assistant.langchain`: the project keeps one folder per stage (ingest/, index/, assistant/) and
no `council` package, so the retriever lives with the rest of the assistant's edges (the HTTP routes, the MCP tools).
"""

from __future__ import annotations

from typing import Any

import httpx
from langchain_core.callbacks import AsyncCallbackManagerForRetrieverRun, CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from assistant.links import LinkedCitation, linked
from assistant.models import Citation
from ingest.errors import BadRequest, NotFound


def to_document(c: LinkedCitation) -> Document:
    """A passage as a Document: its text, and in metadata where it is (label, paper, date, council, link...)."""
    meta = {"label": c.label, "paper": c.title, "date": c.date, "council": c.council, "link": c.link}
    meta |= {k: getattr(c, k) for k in ("source", "doc_id", "passage_id", "body", "doc_type", "section", "page")}
    return Document(page_content=c.text, metadata=meta | {"kind": c.kind, "score": c.score})


class CouncilRetriever(BaseRetriever):
    """The passages that best match a query among the papers the caller may read.

    Over HTTP: `CouncilRetriever(url="http://127.0.0.1:8000", api_key=...)` asks the service's /search. In process:
    `CouncilRetriever(assistant=Assistant(settings), role="member")` searches the same index directly.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    url: str | None = Field(None, description="a running `council serve`, e.g. http://127.0.0.1:8000")
    api_key: str | None = Field(None, description="an API key of the service; none: public papers only")
    assistant: Any = Field(None, description="an assistant.engine.Assistant in this process, instead of url")
    role: str = Field("public", description="in process: whose papers (public, member or admin)")
    link_base: str = Field("http://127.0.0.1:8000", description="in process: where `council serve` shows the papers")
    k: int = Field(8, ge=1, le=50)
    mode: str = "hybrid"
    filters: dict[str, str] = Field(default_factory=dict, description="council, body, doc_type, kind, since, until")
    timeout: float = 60.0

    def model_post_init(self, context: Any) -> None:
        if (self.url is None) == (self.assistant is None):
            raise ValueError("give CouncilRetriever a url or an assistant, not both")

    def _params(self, query: str) -> dict[str, Any]:
        return {"q": query, "k": self.k, "mode": self.mode, **self.filters}

    def _headers(self) -> dict[str, str]:
        return {"X-API-Key": self.api_key} if self.api_key else {}

    def _documents(self, r: httpx.Response) -> list[Document]:
        if r.status_code in (400, 404, 422):
            raise (NotFound if r.status_code == 404 else BadRequest)(str(r.json().get("detail")))
        r.raise_for_status()
        citations = [Citation(**h) for h in r.json()["hits"]]
        return [to_document(c) for c in linked(citations, str(self.url))]

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        if self.url is not None:
            url = f"{self.url.rstrip('/')}/search"
            with httpx.Client(timeout=self.timeout) as client:
                return self._documents(client.get(url, params=self._params(query), headers=self._headers()))
        from assistant.engine import access_for
        from assistant.routes_ask import FiltersIn

        filters, access = FiltersIn(**self.filters).filters(), access_for(self.role)
        hits = self.assistant.index.search(query, k=self.k, filters=filters, access=access, mode=self.mode)
        citations = [Citation.from_hit(n, h) for n, h in enumerate(hits, start=1)]
        return [to_document(c) for c in linked(citations, self.link_base)]

    async def _aget_relevant_documents(
        self, query: str, *, run_manager: AsyncCallbackManagerForRetrieverRun
    ) -> list[Document]:
        if self.url is None:  # in process: the sync search, in a worker thread
            return await super()._aget_relevant_documents(query, run_manager=run_manager)
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            url = f"{self.url.rstrip('/')}/search"
            return self._documents(await client.get(url, params=self._params(query), headers=self._headers()))
