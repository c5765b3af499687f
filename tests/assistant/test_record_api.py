"""GET /record/* over the real service on the seed index: the views the seeds' facts make, their citations,
filters and errors, the links from later statuses, and that a restricted paper's record never reaches the public."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from record_papers import MINUTES_MARKERS, MINUTES_TITLE, VOICE, delete, upload, upload_minutes, upload_voice

pytestmark = pytest.mark.both_backends  # the record's views, on the embedded default and on PostgreSQL

ROUTES = ("meetings", "recommendations", "actions", "inspections", "timeline")
KEYS = {"anonymous": None, "public": "pub-key", "member": "mem-key", "admin": "adm-key"}
PUBLIC_ROLES = ("anonymous", "public")
# Filters that select the restricted minutes' date, body or council, and none: each must answer as if it were absent.
PROBES = ({}, {"since": "2020-03-01", "until": "2020-03-31"}, {"council": "Buckinghamshire"}, {"body": "Quillfeather"})


def auth(role: str) -> dict[str, str]:
    return {"X-API-Key": KEYS[role]} if KEYS[role] else {}


def get(http: httpx.Client, route: str, role: str = "anonymous", **params: str) -> httpx.Response:
    if route in ("inspections", "timeline"):
        params.pop("body", None)
    return http.get(f"/record/{route}", params=params, headers=auth(role))


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


@dataclass
class Papers:
    voice: str
    minutes: str
    public_before: dict[str, str]  # each route and probe as a public caller saw it before the minutes were added


@pytest.fixture(scope="module")
def papers(http: httpx.Client) -> Iterator[Papers]:
    voice = upload_voice(http)
    before = {f"{r} {json.dumps(p)}": get(http, r, "public", **p).text for r in ROUTES for p in PROBES}
    minutes = upload_minutes(http)
    yield Papers(voice, minutes, before)
    delete(http, voice, minutes)


def passages(http: httpx.Client, doc_id: str) -> dict[str, dict]:
    """A paper's passages by id, as an admin reads them."""
    doc = http.get(f"/documents/{doc_id}", headers=auth("admin")).json()
    return {p["passage_id"]: {**p, "title": p["part_title"] or doc["title"], "date": p["part_date"] or doc["date"]}
            for p in doc["passages"]}  # fmt: skip


def cites(data: object, name: str = "") -> Iterator[tuple[str, dict, dict]]:
    """Every (field name, cited value, its citation) in a response."""
    if isinstance(data, dict):
        if "cite" in data:
            yield name, data, data["cite"]
        for key, v in data.items():
            yield from cites(v, key)
    elif isinstance(data, list):
        for v in data:
            yield from cites(v, name)


# --- the views the seeds make -------------------------------------------------------------------------------------


def test_every_citation_names_the_passage_its_value_was_read_from(http, papers):
    docs: dict[str, dict[str, dict]] = {}
    checked = 0
    for route in ROUTES:
        for field, value, c in cites(get(http, route, "admin").json()):
            if c["doc_id"] not in docs:  # each paper fetched once (setdefault's default would fetch it per citation)
                docs[c["doc_id"]] = passages(http, c["doc_id"])
            paper = docs[c["doc_id"]]
            p = paper[c["passage_id"]]
            assert c["passage_id"] == f"{c['doc_id']}:{p['ordinal']}"
            assert c["label"].startswith(p["label"]) and (c["title"], c["date"], c["page"]) == (
                p["title"], p["date"], p["page"]
            )  # fmt: skip
            text = value.get("value") or value.get("status")
            # A date is read into ISO form, an inspectorate and a kind into their names ("Ofsted", "ILACS").
            if text and not re.fullmatch(r"[\d-]+", text) and field not in ("inspectorate", "kind", "framework"):
                # Word by word: a table cell wraps over lines that the cited table holds interleaved with others.
                assert words(text) <= words(p["text"]) | {"not"}, (text, p["text"][:300])  # "not accepted"
                checked += 1
    assert checked > 300


def test_the_seed_minutes_make_three_meetings(http, papers, corpus):
    meetings = get(http, "meetings").json()
    assert [m["date"]["value"] for m in meetings] == ["2018-10-02", "2022-03-22", "2022-05-18"]
    m = meetings[0]
    assert m["paper"]["doc_id"] == corpus.seed_ids["002_d9cb9d1c97fa0289.txt"]
    assert m["body"]["value"] == "Children's Select Committee" and m["venue"]["value"].startswith("MEZZANINE ROOM 1")
    assert [(p["value"], p["detail"]) for p in m["present"]][:2] == [
        ("Dev Dhillon", "Chairman"),
        ("Steven Lambert", None),
    ]
    assert [c["value"] for c in m["chair"]] == ["Dev Dhillon"]
    assert "Mrs P Birchley" in [a["value"] for a in m["apologies"]]
    assert [(s["value"], s["detail"]) for s in m["substitutes"]] == [("Mrs A Wight", "Mrs P Birchley")]
    assert [d["value"] for d in m["declarations"]] == ["Mrs A Wight", "Mr S Lambert"]
    assert ("Miss Sarah Callaghan", "Service Director for Education") in [
        (o["value"], o["detail"]) for o in m["officers"]
    ]
    items = {i["number"]: i for i in m["items"]}
    assert len(items) == 12 and items["Item 3"]["title"]["value"] == "MINUTES"
    [resolution] = items["Item 3"]["resolutions"]
    assert resolution["value"].startswith("The minutes of the last meeting held on the 10th July 2018 were agreed")
    later = meetings[1]
    assert [t["value"] for t in later["end_time"]] == ["2.53 PM", "2.55 p.m."]  # the paper states both


def test_a_later_status_is_linked_to_the_recommendation_it_names(http, papers, corpus):
    book = get(http, "recommendations").json()
    voice = {r["label"]: r for r in book["recommendations"] if r["paper"]["doc_id"] == papers.voice}
    assert sorted(voice) == [f"Recommendation {n}" for n in range(1, 5)]
    assert voice["Recommendation 1"]["text"]["value"] == VOICE.split("1. ")[1].split("\n")[0]
    [status] = voice["Recommendation 4"]["statuses"]
    assert (status["status"], status["refers_to"], status["recommendation"]) == (
        "implemented", "Voice of the Child Inquiry", voice["Recommendation 4"]["id"]
    )  # fmt: skip
    assert (
        status["paper"]["doc_id"] == corpus.seed_ids["002_d9cb9d1c97fa0289.txt"]
        and status["cite"]["date"] == "2018-10-02"
    )
    assert all(not r["statuses"] for label, r in voice.items() if label != "Recommendation 4")
    # The Permanent Exclusions inquiry is in no paper here: its statuses stay unlinked, and say why.
    unlinked = {(s["label"], s["status"]): s for s in book["unlinked_statuses"]}
    assert set(unlinked) == {("All recommendations", "accepted"), ("Recommendation 6", "not accepted")}
    assert all(
        s["refers_to"] == "Permanent Exclusions inquiry report" and s["unlinked_because"] for s in unlinked.values()
    )
    linked = [s for r in book["recommendations"] for s in r["statuses"]]
    assert len(linked) == 1  # no other "Recommendation 6" took the Permanent Exclusions status
    assert [n["paper"]["doc_id"] for n in book["none"]] == [corpus.seed_ids["003_1f49fae26ba8eadd.txt"]]


def test_a_status_two_papers_could_answer_is_shown_unlinked(http, papers):
    twin = upload(http, "voice inquiry second edition.txt", VOICE.replace("13 March 2018", "1 May 2018"))
    try:
        book = get(http, "recommendations").json()
        assert not [s for r in book["recommendations"] for s in r["statuses"]]
        [ambiguous] = [s for s in book["unlinked_statuses"] if s["label"] == "Recommendation 4"]
        assert (
            ambiguous["unlinked_because"] == "ambiguous: 2 recommendations fit" and ambiguous["recommendation"] is None
        )
    finally:
        delete(http, twin)
    book = get(http, "recommendations").json()  # the twin gone, the status is linked again
    assert [s["status"] for r in book["recommendations"] for s in r["statuses"]] == ["implemented"]


EXCLUSIONS = """# Permanent Exclusions Inquiry

Buckinghamshire County Council

Children's Select Committee

Date: 12 June 2018

## Recommendations

""" + "\n\n".join(f"{n}. Schools should share exclusion data on point {n} with the council." for n in range(1, 8))


def test_all_recommendations_but_one_is_read_for_each_of_the_paper_named(http, papers, corpus):
    """The seed 002 minutes: "presented the Permanent Exclusions inquiry report to Cabinet ... and all recommendations
    were accepted, except Recommendation 6": with that inquiry indexed, each of its recommendations takes its status."""
    exclusions = upload(http, "permanent exclusions inquiry.txt", EXCLUSIONS)
    try:
        book = get(http, "recommendations").json()
    finally:
        delete(http, exclusions)
    recs = {r["label"]: r for r in book["recommendations"] if r["paper"]["doc_id"] == exclusions}
    assert len(recs) == 7
    said = {label: [(s["label"], s["status"]) for s in r["statuses"]] for label, r in recs.items()}
    assert said.pop("Recommendation 6") == [("Recommendation 6", "not accepted")]  # not also "accepted"
    assert set(map(tuple, said.values())) == {(("All recommendations", "accepted"),)}
    minutes = corpus.seed_ids["002_d9cb9d1c97fa0289.txt"]
    assert {s["paper"]["doc_id"] for r in recs.values() for s in r["statuses"]} == {minutes}
    assert not [s for s in book["unlinked_statuses"] if "Exclusions" in (s["refers_to"] or "")]


def test_actions_as_the_plans_give_them(http, papers, corpus):
    actions = {(a["paper"]["doc_id"], a["ref"]): a for a in get(http, "actions").json()}
    a = actions[(corpus.seed_ids["001_91430a77e23df6d2.txt"], "2.6")]
    assert [o["value"] for o in a["owner"]] == ["Ollie Foxell"] and [d["value"] for d in a["due"]] == ["2022-09-30"]
    assert a["action"]["cite"]["label"] == "Action 2.6"
    assert a["plan"]["value"] == "Buckinghamshire Children's Services Post Ofsted Inspection Action Plan"
    done = actions[(corpus.seed_ids["002_d9cb9d1c97fa0289.txt"], "2.3")]
    assert [s["value"] for s in done["status"]] == ["Complete"]
    assert len(actions) == 48


def test_the_inspection_timeline_is_in_date_order(http, papers, corpus):
    [bucks] = get(http, "timeline", council="Buckinghamshire").json()
    assert bucks["council"] == "Buckinghamshire Council"
    whens = [i["when"] for i in bucks["inspections"]]
    dated = [w for w in whens if w]
    assert dated == sorted(dated) and whens[len(dated) :] == [None] * (len(whens) - len(dated))
    sif = next(i for i in bucks["inspections"] if i["when"] == "2017-11-06")
    assert [o["value"] for o in sif["overall"]] == ["inadequate"]
    assert {(j["detail"], j["value"]) for j in sif["judgements"]} == {
        ("Care Leaving Service", "requiring improvement to be good"), ("Adoption Services", "good")
    }  # fmt: skip
    send = next(i for i in bucks["inspections"] if i["key"] == "joint area SEND 2022-03-07")
    assert [(p["value"], p["detail"]) for p in send["lead_inspectors"]] == [("Clive Dunn", "HMI Lead Inspector")]
    assert [p["value"] for p in send["inspectors"]] == ["Marsha Newton", "Lucy English"]
    assert (send["start"]["value"], send["end"]["value"]) == ("2022-03-07", "2022-03-11")
    assert len(send["priority_actions"]) == 3 and len(send["strengths"]) > 20
    assert get(http, "inspections").json() == bucks["inspections"]


# --- filters and errors -------------------------------------------------------------------------------------------


def test_filters_keep_to_the_dates_body_and_council(http, papers):
    dates = lambda route, **p: [m["date"]["value"] for m in get(http, route, **p).json()]  # noqa: E731
    assert dates("meetings", since="2022-01-01") == ["2022-03-22", "2022-05-18"]
    assert dates("meetings", until="2022-03-22") == ["2018-10-02", "2022-03-22"]
    assert dates("meetings", body="children's select") == ["2018-10-02"]
    assert dates("meetings", council="Kent County Council") == []
    assert get(http, "meetings", council="Buckinghamshire").json() == get(http, "meetings").json()
    recs = get(http, "recommendations", body="ofsted").json()["recommendations"]
    assert recs and all(r["made_by"]["value"] == "Ofsted" for r in recs)
    # A month the paper gives ("2017-11") is inside a range that overlaps it.
    early = [i["when"] for i in get(http, "inspections", since="2017-11-15", until="2017-12-31").json()]
    assert early and set(early) <= {"2017-11"}
    assert all(a["paper"]["date"] >= "2022-01-01" for a in get(http, "actions", since="2022-01-01").json())


@pytest.mark.parametrize(
    "route,params,status",
    [
        ("meetings", {"since": "2022-13-01"}, 422),
        ("recommendations", {"until": "last week"}, 422),
        ("actions", {"since": "2022-06-01", "until": "2021-06-01"}, 400),
        ("timeline", {"colour": "red"}, 422),
        ("inspections", {"body": "Cabinet"}, 422),  # no inspection has a body: an error, not silently ignored
    ],
)
def test_a_bad_filter_is_a_short_json_error(http, papers, route, params, status):
    r = http.get(f"/record/{route}", params=params)
    assert r.status_code == status and r.headers["content-type"].startswith("application/json"), r.text
    assert isinstance(r.json()["detail"], str) and "Traceback" not in r.text and len(r.content) < 500


def test_the_schema_describes_the_record(http):
    """The OpenAPI schema names the views' models and each route's filters."""
    spec = http.get("/openapi.json").json()
    for route, model in [("meetings", "Meeting"), ("actions", "Action"), ("inspections", "Inspection")]:
        op = spec["paths"][f"/record/{route}"]["get"]
        assert op["responses"]["200"]["content"]["application/json"]["schema"]["items"]["$ref"].endswith(model)
    params = {p["name"] for p in spec["paths"]["/record/meetings"]["get"]["parameters"]}
    assert {"council", "body", "since", "until"} <= params
    assert "body" not in {p["name"] for p in spec["paths"]["/record/timeline"]["get"]["parameters"]}
    schemas = spec["components"]["schemas"]
    assert {"present", "substitutes", "items"} <= set(schemas["Meeting"]["properties"])
    assert {"recommendations", "unlinked_statuses", "none"} <= set(schemas["RecommendationBook"]["properties"])


# --- access -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", PUBLIC_ROLES)
def test_a_restricted_papers_record_leaves_no_trace_for_a_public_caller(http, papers, role):
    for route in ROUTES:
        for probe in PROBES:
            r = get(http, route, role, **probe)
            assert r.status_code == 200
            # Exactly what a public caller saw before the minutes were added: no row, status, count or link.
            assert r.text == papers.public_before[f"{route} {json.dumps(probe)}"], (route, probe)
            assert not [m for m in (*MINUTES_MARKERS, papers.minutes, MINUTES_TITLE) if m in r.text]
    book = get(http, "recommendations", role).json()
    rec2 = next(r for r in book["recommendations"] if r["id"] == f"{papers.voice}/Recommendation 2")
    assert rec2["statuses"] == []


@pytest.mark.parametrize("role", ["member", "admin"])
def test_a_member_sees_the_restricted_papers_record(http, papers, role):
    [meeting] = get(http, "meetings", role, body="Quillfeather").json()
    assert meeting["paper"]["doc_id"] == papers.minutes and meeting["date"]["value"] == "2020-03-03"
    assert [(s["value"], s["detail"]) for s in meeting["substitutes"]] == [
        ("Mrs Z Oddington-Marsh", "Mr O Fernsby-Quillon")
    ]
    assert meeting["items"][2]["resolutions"][0]["value"].startswith("the Quillfeather crossing contract")
    book = get(http, "recommendations", role).json()
    rec2 = next(r for r in book["recommendations"] if r["id"] == f"{papers.voice}/Recommendation 2")
    assert [(s["status"], s["paper"]["doc_id"]) for s in rec2["statuses"]] == [("rejected", papers.minutes)]
    assert any(a["paper"]["doc_id"] == papers.minutes for a in get(http, "actions", role).json())
    assert any(i["paper"]["doc_id"] == papers.minutes for i in get(http, "inspections", role).json())
    for route in ROUTES:  # and for these the public answer is not the member's
        assert get(http, route, role).text != papers.public_before[f"{route} {{}}"]
