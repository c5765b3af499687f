"""The council filter through the API: POST /ask and GET /search keep to the council asked for; uploads name theirs."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

ADMIN = {"X-API-Key": "adm-key"}
QUESTION = "How many children does each social worker have on their caseload?"
SURREY = (
    "# Surrey County Council\n\n## Report to Cabinet\n\nDate: 14 January 2025\n\n"
    "1. Caseloads for social workers in Surrey fell to 16 children each once 40 vacant posts were filled.\n"
)


@pytest.fixture
def surrey_paper(http: httpx.Client) -> Iterator[str]:
    """A second council's paper beside the Buckinghamshire seeds, removed afterwards."""
    files = {"file": ("surrey caseloads.txt", SURREY.encode(), "text/plain")}
    r = http.post("/documents", files=files, headers=ADMIN)
    assert r.status_code == 200, r.text
    doc_id = r.json()["doc_id"]
    yield doc_id
    http.delete(f"/documents/{doc_id}", headers=ADMIN)


def _doc_ids(answer: dict) -> set[str]:
    return {c["doc_id"] for c in answer["citations"] + answer["related"]}


def test_ask_and_search_keep_to_the_council(http, corpus, surrey_paper):
    assert http.get(f"/documents/{surrey_paper}").json()["council"] == "Surrey County Council"
    surrey = http.post("/ask", json={"question": QUESTION, "filters": {"council": "Surrey County Council"}}).json()
    assert _doc_ids(surrey) == {surrey_paper}
    # A name the gazetteer knows is read as the council it names.
    bucks = http.post("/ask", json={"question": QUESTION, "filters": {"council": "Buckinghamshire"}}).json()
    # The seeds give no count of children per social worker: an answer or a decline, its passages are the seeds'.
    assert _doc_ids(bucks) and _doc_ids(bucks) <= set(corpus.seed_ids.values())
    hits = http.get("/search", params={"q": "social worker caseloads", "council": "Surrey County Council", "k": 20})
    assert {h["doc_id"] for h in hits.json()["hits"]} == {surrey_paper}
    none = http.get("/search", params={"q": "social worker caseloads", "council": "Kent County Council"}).json()
    assert none["hits"] == []
    unfiltered = http.get("/search", params={"q": "social worker caseloads Surrey", "k": 50}).json()["hits"]
    assert surrey_paper in {h["doc_id"] for h in unfiltered}


def test_an_upload_may_name_its_council(http):
    files = {"file": ("gritting.txt", b"1. The council will refill 1,234 grit bins before December.\n", "text/plain")}
    r = http.post("/documents", files=files, data={"council": "Camden"}, headers=ADMIN)
    assert r.status_code == 200, r.text
    doc_id = r.json()["doc_id"]
    try:
        assert http.get(f"/documents/{doc_id}").json()["council"] == "London Borough of Camden"
    finally:
        http.delete(f"/documents/{doc_id}", headers=ADMIN)


def test_the_council_filter_is_in_the_schema(http):
    spec = http.get("/openapi.json").json()
    assert "council" in spec["components"]["schemas"]["FiltersIn"]["properties"]
    assert "council" in {p["name"] for p in spec["paths"]["/search"]["get"]["parameters"]}
