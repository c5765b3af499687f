"""CouncilRetriever in a real LCEL chain (prompt | chat model | parser), over the real service and in process."""

from __future__ import annotations

import asyncio

import pytest
from langchain_core.language_models.fake_chat_models import ParrotFakeChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnablePassthrough

from assistant.langchain import CouncilRetriever
from ingest.errors import BadRequest

AUTISM = "How long do children wait for an autism assessment?"
SECRET_Q = "What is the zebra crossing budget for the Part II exempt item?"
METADATA = {"label", "paper", "date", "council", "link", "source", "doc_id", "passage_id", "body", "doc_type"}


def cite(docs) -> str:
    return "\n".join(
        f"{d.metadata['paper']} ({d.metadata['date']}) {d.metadata['label']}: {d.page_content}" for d in docs
    )


def chain(retriever: CouncilRetriever):
    """The README's chain, with a parrot for the model: it answers with the prompt it was given."""
    prompt = ChatPromptTemplate.from_template(
        "Answer from these passages, citing their labels:\n{context}\n\nQ: {question}"
    )
    return (
        {"context": retriever | cite, "question": RunnablePassthrough()}
        | prompt
        | ParrotFakeChatModel()
        | StrOutputParser()
    )


def test_the_chain_feeds_cited_passages_from_the_service_to_the_model(base_url):
    retriever = CouncilRetriever(url=base_url, api_key="pub-key", k=5)
    out = chain(retriever).invoke(AUTISM)
    assert out.startswith("Answer from these passages") and out.endswith(f"Q: {AUTISM}")
    assert "Joint area SEND inspection in Buckinghamshire (2022-04-26) ¶138: " in out and "559 days" in out
    assert asyncio.run(chain(retriever).ainvoke(AUTISM)) == out


def test_documents_carry_where_each_passage_is(base_url, http):
    docs = CouncilRetriever(url=base_url, k=5).invoke(AUTISM)
    assert len(docs) == 5
    for d in docs:
        assert METADATA <= d.metadata.keys() and d.metadata["council"] == "Buckinghamshire Council"
        ordinal = d.metadata["passage_id"].rsplit(":", 1)[1]
        assert d.metadata["link"] == f"{base_url}/library/{d.metadata['doc_id']}#p{ordinal}"
        view = http.get(f"/documents/{d.metadata['doc_id']}/passages/{d.metadata['passage_id']}").json()
        assert view["passage"]["text"] == d.page_content and view["passage"]["label"] == d.metadata["label"]


def test_in_process_finds_what_the_service_finds(base_url, assistant):
    over_http = CouncilRetriever(url=base_url, api_key="mem-key").invoke(SECRET_Q)
    local = CouncilRetriever(assistant=assistant, role="member", link_base=base_url).invoke(SECRET_Q)
    for a, b in zip(local, over_http, strict=True):
        assert a.metadata == b.metadata, {
            k: (a.metadata[k], b.metadata.get(k)) for k in a.metadata if a.metadata[k] != b.metadata.get(k)
        }
    assert (
        asyncio.run(CouncilRetriever(assistant=assistant, role="member", link_base=base_url).ainvoke(SECRET_Q))[0]
        == local[0]
    )


@pytest.mark.parametrize("where", ["http", "in process"])
def test_a_public_retriever_never_returns_the_restricted_paper(base_url, assistant, corpus, where):
    kw = {"url": base_url} if where == "http" else {"assistant": assistant}
    member = {"api_key": "mem-key"} if where == "http" else {"role": "member"}
    for q in (SECRET_Q, "zebra crossing budget agreed in private session", "Hollowmere Lane"):
        context = chain(CouncilRetriever(k=50, **kw)).invoke(q).split("\n\nQ: ")[0]  # the parrot echoes q
        assert not any(m in context for m in corpus.markers)
    assert "Hollowmere crossings" in chain(CouncilRetriever(k=50, **kw, **member)).invoke(
        SECRET_Q
    )  # the member does see it


def test_filters_and_bad_requests(base_url, assistant, corpus):
    only = {"doc_id": corpus.seed_ids["000_7fe6b5480f42e76b.txt"]}
    for kw in ({"url": base_url}, {"assistant": assistant}):
        docs = CouncilRetriever(filters=only, **kw).invoke("caseloads")
        assert docs and {d.metadata["doc_id"] for d in docs} == {only["doc_id"]}
    with pytest.raises(BadRequest, match="since"):
        CouncilRetriever(url=base_url, filters={"since": "2021-13-45"}).invoke("caseloads")
    with pytest.raises(ValueError, match="a url or an assistant"):
        CouncilRetriever()
