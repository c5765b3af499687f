"""Search over the seed index: hybrid, dense and lexical, with filters and access applied inside retrieval."""

from __future__ import annotations

import pytest

from index.build import ingest_paths
from index.fuse import rrf, weighted
from index.search import CANDIDATES, MODES, Filters, Hit, Index
from ingest.errors import BadRequest

QUERIES = (
    "What did Ofsted say about caseloads?",
    "recommendations about foster carers",
    "management oversight was too variable",
    "How long do children wait for an autism assessment?",
)


def _prefix(hit: Hit) -> str:
    return hit.doc["source"][:3]


def _when(hit: Hit) -> str:
    return hit.passage.part_date or hit.doc["date"]


def test_autism_waits_are_found_in_the_send_inspection(seed_index):
    hits = seed_index.search("How long do children wait for an autism assessment?", k=5)
    assert len(hits) == 5
    autism = [h for h in hits if _prefix(h) == "001" and "autism" in h.passage.text.lower()]
    assert len(autism) >= 2
    assert autism[0].doc["source"] == "001_91430a77e23df6d2.txt"
    assert autism[0].doc["title"] == "Children's & Education Select Committee agenda"


def test_ofsted_caseload_finding_is_in_the_top_five(seed_index):
    hits = seed_index.search("What did Ofsted say about caseloads last time?", k=5)
    assert ("000", "45(e)") in [(_prefix(h), h.passage.label) for h in hits]


def test_lexical_mode_finds_an_acronym(seed_index):
    hits = seed_index.search("WSOA", k=10, mode="lexical")
    assert len(hits) == 10
    assert {_prefix(h) for h in hits} == {"001"}
    for h in hits:
        seen = f"{h.passage.text} {h.passage.label} {h.passage.section} {h.passage.lead or ''}".lower()
        assert "wsoa" in seen, h.passage.label
        assert h.lexical is not None and h.lexical > 0 and h.dense is None
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_dense_mode_ranks_by_cosine(seed_index):
    hits = seed_index.search("recruiting and keeping social workers", k=8, mode="dense")
    assert len(hits) == 8
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0.2 < s <= 1.0 for s in scores)
    assert all(h.dense == h.score and h.lexical is None for h in hits)
    assert any("recruit" in h.passage.text.lower() for h in hits[:3])


def test_modes_are_the_documented_ones():
    assert set(MODES) == {"hybrid", "dense", "lexical", "rrf"}


def test_hybrid_and_rrf_fuse_the_two_rankers(seed_index):
    query = "Caseloads are too high"
    dense = [(h.id, h.score) for h in seed_index.search(query, k=CANDIDATES, mode="dense")]
    lexical = [(h.id, h.score) for h in seed_index.search(query, k=CANDIDATES, mode="lexical")]
    assert len(dense) == len(lexical) == CANDIDATES
    hits = seed_index.search(query, k=5)
    expected = weighted(dense, lexical)[:5]
    assert [h.id for h in hits] == [i for i, _ in expected]
    assert [h.score for h in hits] == pytest.approx([s for _, s in expected])
    fused = seed_index.search(query, k=5, mode="rrf")
    expected = rrf([[i for i, _ in dense], [i for i, _ in lexical]])[:5]
    assert [(h.id, h.score) for h in fused] == [(i, pytest.approx(s)) for i, s in expected]
    top = hits[0]
    assert "caseloads" in top.passage.text.lower()
    assert top.dense is not None and top.lexical is not None


@pytest.mark.parametrize("mode", MODES)
def test_body_filter_keeps_to_that_body(seed_index, mode):
    for query in QUERIES:
        hits = seed_index.search(query, k=20, filters=Filters(body="Cabinet"), mode=mode)
        assert hits, query
        assert {h.doc["body"] for h in hits} == {"Cabinet"}
        assert {_prefix(h) for h in hits} <= {"000", "004"}


@pytest.mark.parametrize("mode", MODES)
def test_doc_type_filter(seed_index, mode):
    hits = seed_index.search(
        "scrutiny of children's social care", k=15, filters=Filters(doc_type="inquiry report"), mode=mode
    )
    assert len(hits) == 15
    assert {(h.doc["doc_type"], _prefix(h)) for h in hits} == {("inquiry report", "003")}


@pytest.mark.parametrize("mode", MODES)
def test_since_and_until_filters(seed_index, mode):
    for query in QUERIES:
        recent = seed_index.search(query, k=20, filters=Filters(since="2021-01-01"), mode=mode)
        assert recent, query
        assert {_prefix(h) for h in recent} <= {"001", "004"}
        assert all(_when(h) >= "2021-01-01" for h in recent)
        old = seed_index.search(query, k=20, filters=Filters(until="2016-01-01"), mode=mode)
        assert {_prefix(h) for h in old} == {"003"}
        assert all(_when(h) <= "2016-01-01" for h in old)
    window = seed_index.search("minutes of the meeting", k=30, filters=Filters(since="2022-03-01", until="2022-03-31"))
    assert window and {h.passage.part_date for h in window} == {"2022-03-22"}


@pytest.mark.parametrize("mode", MODES)
def test_narrow_filter_returns_fewer_than_k_not_passages_outside_it(seed_index, mode):
    total = seed_index.store.db.execute("SELECT count(*) FROM passages WHERE kind = 'resolution'").fetchone()[0]
    assert total == 2
    hits = seed_index.search("resolved that the minutes be agreed", k=10, filters=Filters(kind="resolution"), mode=mode)
    assert {h.passage.kind for h in hits} == {"resolution"}
    assert len(hits) == 2
    doc_id = next(h.passage.doc_id for h in hits)
    one_doc = seed_index.search("improvement plan", k=500, filters=Filters(doc_id=doc_id, kind="action"), mode=mode)
    assert one_doc and {(h.passage.doc_id, h.passage.kind) for h in one_doc} == {(doc_id, "action")}


def test_filter_matching_nothing_returns_nothing(seed_index):
    for mode in MODES:
        assert seed_index.search("caseloads", k=5, filters=Filters(body="Planning Committee"), mode=mode) == []
        assert seed_index.search("caseloads", k=5, filters=Filters(since="2030-01-01"), mode=mode) == []


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_empty_query_is_a_bad_request(seed_index, query):
    with pytest.raises(BadRequest, match="empty"):
        seed_index.search(query)


def test_unknown_mode_is_a_bad_request(seed_index):
    with pytest.raises(BadRequest, match="mode must be one of hybrid, dense, lexical"):
        seed_index.search("caseloads", mode="fuzzy")


def test_stopword_only_query_still_gets_dense_hits(seed_index):
    assert seed_index.search("what did they say", k=5, mode="lexical") == []
    assert len(seed_index.search("what did they say", k=5)) == 5


# --- access ------------------------------------------------------------------------------------

SECRET = (
    "## Exempt item: land at Hilltop\n\n"
    "1. The zebra crossing outside Hilltop Primary School will be moved to Orchard Lane in spring 2024.\n\n"
    "2. The purchase price for the Hilltop land is £2.4 million, subject to contract.\n"
)
PUBLIC = (
    "## Libraries\n\n"
    "1. Library opening hours are extended on Saturdays from June.\n\n"
    "2. The mobile library visits rural villages every fortnight.\n"
)
QUERY = "When will the zebra crossing outside Hilltop Primary School be moved?"


@pytest.fixture(scope="module")
def access_index(tmp_path_factory, embedder):
    """A small separate index: one public paper and one restricted paper that best answers QUERY."""
    folder = tmp_path_factory.mktemp("access")
    (folder / "public.txt").write_text(PUBLIC)
    (folder / "exempt.txt").write_text(SECRET)
    index = Index(folder / "home", embedder=embedder)
    assert len(ingest_paths(index, [folder / "public.txt"]).added) == 1
    assert len(ingest_paths(index, [folder / "exempt.txt"], overrides={"access": "restricted"}).added) == 1
    secret_id = index.store.find_source("exempt.txt")
    yield index, secret_id
    index.close()


@pytest.mark.parametrize("mode", MODES)
def test_restricted_paper_never_reaches_a_public_caller(access_index, mode):
    index, secret_id = access_index
    for query in (QUERY, "Hilltop land purchase price", "zebra crossing", "libraries"):
        hits = index.search(query, k=10, mode=mode)
        assert secret_id not in {h.passage.doc_id for h in hits}
        assert {h.doc["access"] for h in hits} <= {"public"}
        assert not any("Hilltop" in h.passage.text for h in hits)
    assert index.search(QUERY, k=10, filters=Filters(doc_id=secret_id), mode=mode) == []


@pytest.mark.parametrize("mode", MODES)
def test_restricted_paper_reaches_a_caller_who_may_see_it(access_index, mode):
    index, secret_id = access_index
    hits = index.search(QUERY, k=10, access=("public", "restricted"), mode=mode)
    assert hits[0].passage.doc_id == secret_id
    assert hits[0].passage.label == "1"
    assert hits[0].doc["access"] == "restricted"
    assert "zebra crossing outside Hilltop Primary School" in hits[0].passage.text


def test_public_caller_gets_public_hits_for_the_secret_query(access_index):
    index, _ = access_index
    hits = index.search(QUERY, k=10)
    # The public paper's heading and two paragraphs: nothing else exists for this caller.
    assert len(hits) == 3
    assert {h.doc["source"] for h in hits} == {"public.txt"}


@pytest.mark.parametrize("mode", ["lexical", "hybrid"])
def test_negative_k_returns_nothing_or_is_a_bad_request(seed_index, mode):
    try:
        hits = seed_index.search("caseloads", k=-1, mode=mode)
    except BadRequest:
        return
    assert hits == []


def test_a_restricted_paper_changes_nothing_a_public_caller_is_told(tmp_path, embedder):
    """Its words would move every public BM25 score (document frequencies, the average length, the row count):
    each statistic a public search or check depends on is counted over the public papers alone."""
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "public.txt").write_text(PUBLIC)
    (folder / "exempt.txt").write_text(SECRET + "\n\nLibraries, the zebra crossing and the library budget again.\n")
    index = Index(tmp_path / "home", embedder=embedder)
    try:
        ingest_paths(index, [folder / "public.txt"])
        queries = (QUERY, "libraries", "zebra crossing budget", "opening hours of the library")

        def public_view() -> list:
            seen = []
            for q in queries:
                for mode in ("lexical", "hybrid"):
                    found = index.search(q, k=5, mode=mode)
                    seen.append([(h.id, round(h.score, 12), h.lexical, h.dense) for h in found])
                hits = index.search(q, k=5)
                seen.append((round(index.coverage(q, hits), 12), index.idf(("library", "crossing"))))
            return seen

        before = public_view()
        ingest_paths(index, [folder / "exempt.txt"], overrides={"access": "restricted"})
        assert index.search(QUERY, k=1, access=("public", "restricted"))[0].doc["source"] == "exempt.txt"
        assert public_view() == before
        from index.build import delete_document

        delete_document(index, index.store.find_source("exempt.txt"))
        assert public_view() == before
    finally:
        index.close()
