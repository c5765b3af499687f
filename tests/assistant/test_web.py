"""The web page in a real browser (Debian's Chromium, driven by Playwright) against the real service on the seed index.

What a councillor does: ask, read the answer, open each citation in its paper (by mouse and by keyboard), follow up,
filter, browse the library; what a key may see; and an axe-core accessibility check of each page.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]  # fmt: skip
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOT = ROOT / "docs" / "web.png"
VIEWPORT = {"width": 1280, "height": 900}

AUTISM = "How long do children wait for an autism assessment?"
FOLLOW_UP = "and what about paediatricians?"
CASELOADS = "What did Ofsted say about social worker caseloads?"
PROGRESS = "What progress has the improvement plan made?"
BINS = "Who won the 2022 football world cup?"
SECRET_Q = "What is the zebra crossing budget for the Part II exempt item?"
NOT_FOUND = "I could not find this in the indexed papers"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="the browser tests need Debian's Chromium: apt-get install chromium"
)


def long_date(iso: str) -> str:
    """As the page writes a date: "26 April 2022"."""
    d = dt.date.fromisoformat(iso)
    return f"{d.day} {d:%B %Y}"


def doc_ids(http) -> dict[str, str]:
    """Every indexed paper's doc_id by its title, as an admin sees them."""
    return {d["title"]: d["doc_id"] for d in http.get("/documents", headers={"X-API-Key": "adm-key"}).json()}


def plain(text: str) -> str:
    """A paper's text as the page shows it: its converted **bold** is set in bold, without the asterisks."""
    return text.replace("**", "")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


class Tab:
    """A fresh browser context (its own sessionStorage) and page, recording script errors and outside requests."""

    def __init__(self, browser, base_url: str, bypass_csp: bool = False) -> None:
        self.context = browser.new_context(base_url=base_url, viewport=VIEWPORT, locale="en-GB", bypass_csp=bypass_csp)
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: None if r.url.startswith(base_url) else self.outside.append(r.url))

    def close(self) -> None:
        self.context.close()
        assert self.errors == [], self.errors  # no script failed
        assert self.outside == [], self.outside  # nothing fetched from anywhere but the service (no CDN, no font)


@pytest.fixture
def tab(browser, base_url: str) -> Iterator[Tab]:
    t = Tab(browser, base_url)
    yield t
    t.close()


@pytest.fixture
def page(tab: Tab):
    return tab.page


def use_key(page, key: str) -> None:
    """Enter an API key in the header form, as a visitor does once per tab."""
    page.fill("#api-key", key)
    page.click("#key-form button[type=submit]")
    expect(page.locator("#forget-key")).to_be_visible()


def ask(page, question: str) -> tuple[dict, dict]:
    """Ask through the form (typing, then Enter); the /chat request body the page sent and the answer it got."""
    turns = page.locator(".turn")
    before = turns.count()
    with page.expect_response(lambda r: r.url.endswith("/chat") and r.request.method == "POST") as response:
        page.fill("#question", question)
        page.press("#question", "Enter")
    expect(turns).to_have_count(before + 1)
    return response.value.request.post_data_json, response.value.json()


def axe_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now (every violation is printed)."""
    assert AXE.exists(), "axe-core is missing: run `npm ci` at the repository root"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    for v in result["violations"]:
        print(f"axe {v['impact']}: {v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:5]}")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


# --- asking and reading the citations --------------------------------------------------------


def test_an_answer_carries_markers_that_open_the_cited_passage(page, http):
    page.goto("/")
    expect(page.locator("#conversation")).to_have_attribute("aria-live", "polite")
    sent, answer = ask(page, AUTISM)
    assert sent == {"question": AUTISM} and not answer["abstained"]
    assert answer["answer"] == http.post("/ask", json={"question": AUTISM}).json()["answer"]
    turn = page.locator(".turn").last
    expect(turn.locator(".turn-question")).to_contain_text(AUTISM)
    expect(turn.locator(".answer-text")).to_contain_text("559 days")
    markers = turn.locator(".answer-text button.marker")
    shown = {int(m) for m in re.findall(r"\[(\d+)\]", turn.locator(".answer-text").inner_text())}
    assert shown == {c["n"] for c in answer["citations"]} and markers.count() >= len(shown)
    expect(turn.locator(".sources > li")).to_have_count(len(answer["citations"]))

    page.evaluate("window.scrollTo(0, 0)")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))

    cited = next(c for c in answer["citations"] if "559 days" in c["text"])
    marker = markers.filter(has_text=f"[{cited['n']}]").first
    marker.click()
    viewer = page.locator("#viewer")
    expect(viewer).to_be_visible()
    expect(viewer.locator("mark")).to_have_count(1)
    assert viewer.locator("mark").text_content() == plain(cited["text"])  # exactly the cited passage, highlighted
    expect(viewer.locator(".cited .passage-label")).to_contain_text(cited["label"])
    expect(page.locator("#viewer-title")).to_have_text(cited["title"])
    meta = page.locator("#viewer-meta")
    for value in (long_date(cited["date"]), cited["body"], cited["doc_type"], cited["section"], cited["label"]):
        expect(meta).to_contain_text(value)
    view = http.get(f"/documents/{cited['doc_id']}/passages/{cited['passage_id']}").json()
    neighbours = [p["label"] for p in view["before"] + view["after"]]
    expect(viewer.locator(".context > li")).to_have_count(1 + len(neighbours))
    for label in neighbours:
        expect(viewer.locator(".context")).to_contain_text(label)
    assert page.evaluate("document.getElementById('viewer').contains(document.activeElement)")

    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    expect(marker).to_be_focused()  # back where the reader was


def test_the_keyboard_alone_reaches_a_marker_opens_and_closes_the_viewer(page):
    page.goto("/")
    _, answer = ask(page, AUTISM)
    first = answer["citations"][0]
    page.reload()  # the conversation is restored, and Tab starts from the top of the page
    expect(page.locator(".turn")).to_have_count(1)
    visited = []
    for _ in range(40):  # Tab from the top of the page until the first marker has the focus
        page.keyboard.press("Tab")
        visited.append(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))
        if page.evaluate("document.activeElement.matches('.answer-text .marker')"):
            break
    else:
        pytest.fail(f"Tab never reached a citation marker: {visited}")
    assert "api-key" in visited  # the key form is on the way
    marker = page.locator(".answer-text .marker:focus")
    expect(marker).to_contain_text(f"[{first['n']}]")
    style = page.evaluate(
        "[getComputedStyle(document.activeElement).outlineStyle, getComputedStyle(document.activeElement).outlineWidth]"
    )
    assert style[0] != "none" and float(style[1].removesuffix("px")) >= 2, style  # focus is visible

    page.keyboard.press("Enter")
    viewer = page.locator("#viewer")
    expect(viewer).to_be_visible()
    expect(viewer.locator("mark")).to_have_text(plain(first["text"]).strip())
    expect(page.locator("#viewer-title")).to_be_focused()
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    expect(marker).to_be_focused()

    page.keyboard.press("Enter")  # open it again, then close with the Close button, by keyboard
    expect(viewer.locator("mark")).to_have_count(1)
    page.keyboard.press("Tab")
    expect(page.locator("#viewer-close")).to_be_focused()
    page.keyboard.press("Enter")
    expect(viewer).to_be_hidden()
    expect(marker).to_be_focused()


def test_a_follow_up_keeps_the_conversation(page):
    page.goto("/")
    _, first = ask(page, AUTISM)
    sent, follow = ask(page, FOLLOW_UP)
    assert sent["conversation_id"] == first["conversation_id"] == follow["conversation_id"]
    assert AUTISM in follow["query"]  # the follow-up was read with the question before it
    turns = page.locator(".turn")
    expect(turns.nth(0).locator(".turn-question")).to_contain_text(AUTISM)
    expect(turns.nth(1).locator(".turn-question")).to_contain_text(FOLLOW_UP)
    expect(turns.nth(1).locator(".answer-text")).to_contain_text("paediatrician")

    page.goto("/library")  # away and back: the conversation is still there
    page.goto("/")
    expect(turns).to_have_count(2)
    page.click("#new-conversation")
    expect(turns).to_have_count(0)
    expect(page.locator("#question")).to_be_focused()
    sent, _ = ask(page, AUTISM)
    assert "conversation_id" not in sent


def test_an_abstention_says_so_and_lists_the_related_passages(page):
    page.goto("/")
    _, answer = ask(page, BINS)
    assert answer["abstained"] and answer["related"]
    turn = page.locator(".turn").last
    expect(turn).to_have_class(re.compile(r"\babstained\b"))
    expect(turn.locator(".answer-text")).to_contain_text(NOT_FOUND)
    expect(turn.locator(".answer-text .marker")).to_have_count(0)
    expect(turn.locator("h4")).to_have_text("Possibly related passages")
    related = turn.locator(".sources > li")
    expect(related).to_have_count(len(answer["related"]))
    for item, r in zip(related.all(), answer["related"], strict=True):
        expect(item).to_contain_text(r["label"])
        expect(item).to_contain_text(r["title"])
    related.first.locator("button").click()
    expect(page.locator("#viewer mark")).to_have_text(plain(answer["related"][0]["text"]).strip())


# --- filters ---------------------------------------------------------------------------------


def test_the_filters_offer_the_indexed_bodies_and_types_and_apply(page, http):
    page.goto("/")
    docs = http.get("/documents").json()
    body_options = page.locator("#f-body option")
    expect(body_options).to_have_count(1 + len({d["body"] for d in docs if d["body"]}))
    assert body_options.all_inner_texts()[1:] == sorted({d["body"] for d in docs if d["body"]})
    type_options = page.locator("#f-type option")
    expect(type_options).to_have_count(1 + len({d["doc_type"] for d in docs}))
    councils = sorted({d["council"] for d in docs if d["council"]})
    assert councils and page.locator("#f-council option").all_inner_texts()[1:] == councils

    page.select_option("#f-body", "Cabinet")
    sent, answer = ask(page, CASELOADS)
    assert sent["filters"] == {"body": "Cabinet"}
    assert answer["citations"] and {c["body"] for c in answer["citations"]} == {"Cabinet"}
    turn = page.locator(".turn").last
    expect(turn.locator(".turn-filters")).to_have_text("Searched only in: Cabinet")
    for meta in turn.locator(".source-meta").all_inner_texts():
        assert meta.startswith("Cabinet · "), meta

    page.click("#clear-filters")
    page.select_option("#f-council", "Buckinghamshire Council")
    page.select_option("#f-type", "report")
    page.fill("#f-since", "2021-01-01")
    page.fill("#f-until", "2021-12-31")
    sent, answer = ask(page, PROGRESS)
    assert sent["filters"] == {
        "council": "Buckinghamshire Council", "doc_type": "report", "since": "2021-01-01", "until": "2021-12-31"
    }  # fmt: skip
    passages = answer["citations"] + answer["related"]
    assert passages and all(p["doc_type"] == "report" and "2021-01-01" <= p["date"] <= "2021-12-31" for p in passages)
    expect(page.locator(".turn").last.locator(".turn-filters")).to_have_text(
        "Searched only in: Buckinghamshire Council · report · from 1 January 2021 · to 31 December 2021"
    )


# --- keys and what they may see --------------------------------------------------------------


@pytest.mark.parametrize(
    "key,sees_restricted", [(None, False), ("pub-key", False), ("mem-key", True), ("adm-key", True)]
)
def test_the_library_lists_what_the_key_may_read(page, http, corpus, key, sees_restricted):
    page.goto("/library")
    if key:
        use_key(page, key)
    docs = http.get("/documents", headers={"X-API-Key": key} if key else {}).json()
    # The five seed papers for everyone, the restricted one for members and admins (and nothing else, unless an
    # earlier test left an upload behind: the page must list exactly what the API lists for this key).
    assert sorted(d["source"] for d in docs if d["source"] in corpus.seed_ids) == sorted(corpus.seed_ids)
    assert [d["title"] for d in docs].count(corpus.markers[1]) == sees_restricted
    rows = page.locator("#documents tbody tr")
    expect(rows).to_have_count(len(docs))
    expect(page.locator("#documents caption")).to_contain_text(f"{len(docs)} papers")
    for row, d in zip(rows.all(), docs, strict=True):
        cells = row.locator("th, td").all_inner_texts()
        assert cells[0].startswith(d["title"]) and cells[1:] == [
            long_date(d["date"]) if d["date"] else "undated", d["council"] or "not recorded",
            d["body"] or "not recorded", d["doc_type"], str(d["passage_count"]),
        ], cells  # fmt: skip
    if sees_restricted:
        expect(rows.filter(has_text=corpus.markers[1])).to_contain_text("restricted")
    else:
        assert not [m for m in corpus.markers if m in page.content()]
    upload = expect(page.locator("#upload"))
    upload.to_be_visible() if key == "adm-key" else upload.to_be_hidden()


def test_a_paper_reads_passage_by_passage_with_its_labels(page, http):
    docs = {d["source"]: d["doc_id"] for d in http.get("/documents").json()}
    doc_id = docs["001_91430a77e23df6d2.txt"]
    doc = http.get(f"/documents/{doc_id}").json()
    page.goto("/library")
    page.locator("#documents tbody a", has_text=doc["title"]).click()
    expect(page).to_have_url(re.compile(f"/library/{doc_id}$"))
    expect(page.locator("h1")).to_have_text(doc["title"])
    passages = page.locator("#paper-passages .passage")
    expect(passages).to_have_count(doc["passage_count"])
    for i in (0, 108, doc["passage_count"] - 1):
        p = doc["passages"][i]
        expect(passages.nth(i).locator(".passage-label")).to_have_text(p["label"])
        assert passages.nth(i).locator(".passage-text").text_content() == plain(p["text"])

    page.goto(f"/library/{doc_id}#p144")  # where the viewer's "read the whole paper" link lands
    target = page.locator("#p144")
    expect(target).to_have_class(re.compile(r"\btarget\b"))
    expect(target).to_be_focused()


def test_a_restricted_paper_is_no_page_for_a_public_visitor(page, http, corpus):
    page.goto(f"/library/{doc_ids(http)[corpus.markers[1]]}")
    expect(page.locator("h1")).to_have_text("No such paper")
    expect(page.locator("#paper-status")).to_contain_text("no paper at this address that you can read")
    assert not [m for m in corpus.markers[1:] if m in page.content()]
    use_key(page, "mem-key")
    expect(page.locator("h1")).to_have_text(corpus.markers[1])


def test_forgetting_a_key_clears_what_it_showed(page, tab, http, corpus):
    page.goto("/")
    use_key(page, "mem-key")
    expect(page.locator("#who")).to_contain_text("member")
    _, answer = ask(page, SECRET_Q)
    assert doc_ids(http)[corpus.markers[1]] in {c["doc_id"] for c in answer["citations"]}
    expect(page.locator(".turn")).to_contain_text("9,999,123")
    assert page.evaluate("sessionStorage.getItem('council.apiKey')") == "mem-key"
    assert page.evaluate("localStorage.length") == 0 and tab.context.cookies() == []  # the key stays in the tab

    page.click("#forget-key")
    expect(page.locator("#key-message")).to_contain_text("Key forgotten")
    expect(page.locator(".turn")).to_have_count(0)
    assert page.evaluate("Object.keys(sessionStorage)") == []
    assert not [m for m in corpus.markers if m in page.content()]
    sent, answer = ask(page, SECRET_Q)
    assert "conversation_id" not in sent
    assert not [m for m in corpus.markers if m in json.dumps(answer) or m in page.content()]


def test_an_unknown_key_is_refused_and_not_kept(page):
    page.goto("/library")
    page.fill("#api-key", "not-a-key")
    page.press("#api-key", "Enter")
    expect(page.locator("#key-message")).to_have_text("That API key is not known to this service.")
    assert page.evaluate("sessionStorage.getItem('council.apiKey')") is None
    expect(page.locator("#documents tbody tr")).to_have_count(5)


def test_an_admin_uploads_a_paper_from_the_library(page, http):
    page.goto("/library")
    use_key(page, "adm-key")
    rows = page.locator("#documents tbody tr")
    expect(rows).to_have_count(len(http.get("/documents", headers={"X-API-Key": "adm-key"}).json()))
    before = rows.count()
    text = b"# Web upload note\n\n1. The council will repaint 321 benches on Larchmoor Green in spring.\n"
    page.set_input_files("#u-file", files=[{"name": "web upload note.txt", "mimeType": "text/plain", "buffer": text}])
    page.fill("#u-title", "Bench repainting note")
    page.fill("#u-date", "2024-03-01")
    page.fill("#u-body", "Cabinet")
    page.select_option("#u-access", "restricted")
    with page.expect_response(lambda r: r.url.endswith("/documents") and r.request.method == "POST") as response:
        page.click("#upload-form button[type=submit]")
    report = response.value.json()
    try:
        assert response.value.status == 200 and report["added"] == ["web upload note.txt"], report
        expect(page.locator("#upload-status")).to_have_text(
            f"Added web upload note.txt ({report['passages']} passage{'' if report['passages'] == 1 else 's'})."
        )
        expect(rows).to_have_count(before + 1)
        expect(page.locator("#documents tbody tr", has_text="Bench repainting note")).to_contain_text("restricted")
        doc = http.get(f"/documents/{doc_ids(http)['Bench repainting note']}", headers={"X-API-Key": "mem-key"}).json()
        assert (doc["source"], doc["date"], doc["body"], doc["access"]) == (
            "web upload note.txt", "2024-03-01", "Cabinet", "restricted"
        )  # fmt: skip
    finally:
        for title, doc_id in doc_ids(http).items():
            if title == "Bench repainting note":
                http.delete(f"/documents/{doc_id}", headers={"X-API-Key": "adm-key"})


# --- the page itself -------------------------------------------------------------------------


def test_pages_are_not_cached_and_load_nothing_from_elsewhere(http):
    for path in ("/", "/library", "/library/0123456789abcdef"):
        r = http.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert r.headers["cache-control"] == "no-store"
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert "http://" not in r.text and "https://" not in r.text  # no CDN, font or image from outside
    for name in re.findall(r"/static/([\w.]+)\?v=", http.get("/").text):
        assert http.get(f"/static/{name}").status_code == 200
    assert http.get("/static/..%2Fweb.py").status_code == 404
    assert http.get("/static/nothing.js").json() == {"detail": "no such file"}
    assert http.get("/whoami", headers={"X-API-Key": "mem-key"}).json() == {"role": "member"}
    assert http.get("/whoami").json() == {"role": "public"}
    assert http.get("/whoami", headers={"X-API-Key": "nope"}).status_code == 401


def test_the_pages_pass_axe(browser, base_url):
    tab = Tab(browser, base_url, bypass_csp=True)  # axe is injected as an inline script, which the CSP forbids
    page = tab.page
    try:
        page.goto("/")
        use_key(page, "adm-key")
        ask(page, AUTISM)
        ask(page, BINS)
        assert axe_violations(page) == [], "the answered page"
        page.locator(".answer-text .marker").first.click()
        expect(page.locator("#viewer mark")).to_have_count(1)
        assert axe_violations(page) == [], "the passage viewer"
        page.goto("/library")
        expect(page.locator("#upload")).to_be_visible()
        expect(page.locator("#documents tbody tr").first).to_be_visible()
        assert axe_violations(page) == [], "the library with the upload form"
        page.locator("#documents tbody a").first.click()
        expect(page.locator("#paper-passages .passage").first).to_be_visible()
        assert axe_violations(page) == [], "a paper"
    finally:
        tab.close()


# --- the record ------------------------------------------------------------------------------
# Last in the module: the record's test papers stay uploaded from the first test that asks for them to the module's end.

RECORD_SHOT = ROOT / "docs" / "record.png"


@pytest.fixture(scope="module")
def record_papers(http) -> Iterator[tuple[str, str]]:
    """The record's public inquiry report and restricted minutes (tests/assistant/record_papers.py), then removed."""
    from record_papers import delete, upload_minutes, upload_voice

    voice, minutes = upload_voice(http), upload_minutes(http)
    yield voice, minutes
    delete(http, voice, minutes)


def record_loaded(page) -> None:
    """Wait until the record's script has shown the view (or said why it shows nothing)."""
    expect(page.locator("#record-status")).not_to_have_text("Loading the record…")


def cited_target(page, link):
    """Follow a row's citation link: the paper opens at the cited passage, marked and focused."""
    href = link.get_attribute("href")
    doc_id, ordinal = re.fullmatch(r"/library/([0-9a-f]+)#p(\d+)", href).groups()
    link.click()
    expect(page).to_have_url(re.compile(f"/library/{doc_id}#p{ordinal}$"))
    target = page.locator(f"#p{ordinal}")
    expect(target).to_have_class(re.compile(r"\btarget\b"))
    expect(target).to_be_focused()
    return target


def test_the_record_page_is_not_cached_and_names_only_its_views(http):
    for view in ("meetings", "recommendations", "actions", "inspections"):
        r = http.get("/record", params={"view": view})
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert 'aria-current="page">' in r.text and "http://" not in r.text and "https://" not in r.text
    r = http.get("/record", params={"view": "minutes"})
    assert r.status_code == 404 and "meetings, recommendations, actions, inspections" in r.json()["detail"]


def test_the_record_shows_a_meeting_picked_by_keyboard_and_links_each_row(page, http, corpus, record_papers):
    page.goto("/")
    page.locator(".site-nav a", has_text="Record").click()
    expect(page).to_have_url(re.compile(r"/record(\?meeting=.*)?$"))  # the meeting shown goes in the address
    expect(page.locator(".record-nav a[aria-current=page]")).to_have_text("Meetings")
    record_loaded(page)
    meetings = http.get("/record/meetings").json()
    options = page.locator("#meeting-pick option")
    expect(options).to_have_count(len(meetings))
    expect(page.locator("#meeting-pick")).to_have_value(meetings[-1]["id"])  # the newest, until one is picked
    page.focus("#meeting-pick")
    for _ in range(len(meetings) - 1):
        page.keyboard.press("ArrowUp")
    first = meetings[0]
    expect(page.locator("#meeting-title")).to_have_text("Children's Select Committee, 2 October 2018")
    assert page.evaluate("new URL(location.href).searchParams.get('meeting')") == first["id"]  # linkable
    attendance = page.locator("table[aria-labelledby=m-attendance] tbody tr")
    expect(attendance.first.locator("th, td")).to_have_text(["Dev Dhillon", "Chairman", re.compile(r"^§\d+")])
    expect(attendance).to_have_count(len(first["present"]))  # the chair, listed as present, once
    items = page.locator("table[aria-labelledby=m-items] tbody tr")
    expect(items).to_have_count(len(first["items"]))
    expect(items.filter(has_text="Item 3")).to_contain_text("were agreed as a correct record")
    substitute = page.locator("table[aria-labelledby=m-substitutes] tbody tr")
    expect(substitute).to_have_count(1)
    expect(substitute.locator("th, td")).to_have_text(["Mrs A Wight", "Mrs P Birchley", re.compile(r"^¶\d+")])

    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(RECORD_SHOT))

    link = substitute.locator("a.cite")
    link.focus()  # by keyboard: the citation is a link, and Enter follows it
    href = link.get_attribute("href")
    page.keyboard.press("Enter")
    ordinal = href.rsplit("#p", 1)[1]
    expect(page).to_have_url(re.compile(f"/library/{first['paper']['doc_id']}#p{ordinal}$"))
    expect(page.locator(f"#p{ordinal}")).to_be_focused()
    expect(page.locator(f"#p{ordinal}")).to_contain_text("substituting for Mrs P Birchley")


def test_the_recommendations_tracker_shows_what_became_of_each(page, http, corpus, record_papers):
    voice, _ = record_papers
    page.goto("/record?view=recommendations")
    record_loaded(page)
    book = http.get("/record/recommendations").json()
    rows = page.locator("table[aria-labelledby=recs] tbody tr")
    expect(rows).to_have_count(len(book["recommendations"]))
    four = rows.filter(has_text="A young people's panel should be set up")
    expect(four.locator("th")).to_have_text("Recommendation 4")
    expect(four).to_contain_text("Implemented in Children's Select Committee agenda (2 October 2018)", ignore_case=True)
    two = rows.filter(has_text="The Corporate Parenting Panel should hear")
    expect(two).to_contain_text("No later status found")
    unlinked = page.locator("table[aria-labelledby=unlinked] tbody tr")
    expect(unlinked).to_have_count(len(book["unlinked_statuses"]))
    expect(unlinked.first).to_contain_text("Permanent Exclusions inquiry report")
    assert not [m for m in ("Quillfeather", "Exempt minutes") if m in page.content()]
    status = cited_target(page, four.locator("ul.cited a.cite"))  # the later paper's paragraph that says so
    expect(status).to_contain_text("Voice of the Child Inquiry")

    page.goto("/record?view=recommendations")
    use_key(page, "mem-key")
    record_loaded(page)
    two = page.locator("table[aria-labelledby=recs] tbody tr", has_text="The Corporate Parenting Panel should hear")
    expect(two).to_contain_text("rejected in Exempt minutes: Quillfeather Panel (3 March 2020)", ignore_case=True)


def test_the_action_list_filters_by_date(page, http, corpus, record_papers):
    page.goto("/record?view=actions")
    record_loaded(page)
    actions = http.get("/record/actions").json()
    expect(page.locator("table.record-table tbody tr")).to_have_count(len(actions))
    row = page.locator("table.record-table tbody tr", has_text="Ollie Foxell")
    expect(row.locator("th")).to_have_text("2.6")
    expect(row).to_contain_text("30 September 2022")
    page.fill("#r-since", "2022-01-01")
    page.click("#record-filters button[type=submit]")
    expect(page).to_have_url(re.compile(r"since=2022-01-01"))
    record_loaded(page)
    expect(page.locator("#r-since")).to_have_value("2022-01-01")
    later = http.get("/record/actions", params={"since": "2022-01-01"}).json()
    assert 0 < len(later) < len(actions)
    expect(page.locator("table.record-table tbody tr")).to_have_count(len(later))
    cited_target(page, page.locator("table.record-table tbody tr", has_text="Ollie Foxell").locator("a.cite"))


def test_the_inspection_timeline_in_date_order(page, http, record_papers):
    page.goto("/record?view=inspections")
    record_loaded(page)
    [bucks] = http.get("/record/timeline").json()
    accounts = len(bucks["inspections"])
    expect(page.locator("#record-body h3")).to_have_text(f"Buckinghamshire Council: {accounts} accounts")
    entries = page.locator("ol.timeline > li")
    expect(entries).to_have_count(len(bucks["inspections"]))
    headings = entries.locator("h4").all_inner_texts()
    assert headings[0].startswith("November 2017") and headings[-1].startswith("Date not stated")
    send = entries.filter(has_text="joint area SEND")
    expect(send).to_contain_text("Clive Dunn (HMI Lead Inspector)")
    expect(send).to_contain_text("from 7 March 2022")
    strengths = send.locator("summary", has_text="Strengths")
    strengths.focus()
    page.keyboard.press("Enter")  # a summary opens by keyboard
    expect(send.locator("details[open] li").first).to_be_visible()
    sif = entries.filter(has_text="single inspection framework")
    expect(sif.locator("tbody tr", has_text="Adoption Services")).to_contain_text("good")


def test_the_record_keeps_a_restricted_paper_from_the_public(page, record_papers):
    for view in ("meetings", "recommendations", "actions", "inspections"):
        page.goto(f"/record?view={view}")
        record_loaded(page)
        assert not [m for m in ("Quillfeather", "Brackenwhistle", record_papers[1]) if m in page.content()], view
    page.goto("/record?view=meetings&body=Quillfeather")
    expect(page.locator("#record-status")).to_have_text(
        "There is nothing of this kind in the papers you can read for these filters."
    )
    use_key(page, "mem-key")
    expect(page.locator("#meeting-title")).to_have_text("Quillfeather Panel, 3 March 2020")
    expect(page.locator("#r-body")).to_have_value("Quillfeather")


KENT_MINUTES = ROOT / "corpus" / "kent" / "kent_council_minutes_2025-03-13.pdf"
MEMBER = {"X-API-Key": "mem-key"}


@pytest.fixture(scope="module")
def kent_minutes(http) -> Iterator[str]:
    """Kent County Council's minutes of 13 March 2025, whose divisions name who voted each way ("Against (1)" then
    "Mr Booth"), uploaded as restricted so that only a member's key may see them; then removed."""
    from record_papers import ADMIN, delete

    files = {"file": (KENT_MINUTES.name, KENT_MINUTES.read_bytes(), "application/pdf")}
    r = http.post("/documents", files=files, data={"access": "restricted"}, headers=ADMIN)
    assert r.status_code == 200 and r.json()["added"] == [KENT_MINUTES.name], r.text
    yield r.json()["doc_id"]
    delete(http, r.json()["doc_id"])


def test_a_meeting_shows_who_voted_how_by_side_under_each_vote(page, http, kent_minutes):
    """Under each vote of an item, its division: the members on each side, each side linking to the paragraph that
    names them; a public visitor sees none of a restricted paper's divisions."""
    page.goto("/record")
    record_loaded(page)
    assert not [m for m in ("Mr Booth", "Mr Lehmann", kent_minutes) if m in page.content()]

    use_key(page, "mem-key")
    [kent] = [m for m in http.get("/record/meetings", headers=MEMBER).json() if m["paper"]["doc_id"] == kent_minutes]
    page.goto(f"/record?meeting={kent['id']}")
    record_loaded(page)
    expect(page.locator("#meeting-title")).to_have_text("County Council, 13 March 2025")

    # Every member the API names, on the side the API gives, linked to the passage the API cites; nothing else.
    shown = page.evaluate("""() => [...document.querySelectorAll("#meeting .division dd")].flatMap((dd) =>
      [...dd.querySelectorAll(".voter")].map((v) => [dd.previousElementSibling.textContent, v.textContent,
        dd.querySelector("a.cite").getAttribute("href")]))""")
    voted = [[v["detail"], v["value"], "/library/{}#p{}".format(*v["cite"]["passage_id"].split(":"))]
             for it in kent["items"] for v in it["voted"]]  # fmt: skip
    assert len(voted) > 300 and sorted(shown) == sorted(voted)

    # Under each vote of an item, its own division: item 306 took four, each with its sides in the order For,
    # Against, Abstain (a side nobody took is not shown).
    items = page.locator("table[aria-labelledby=m-items] tbody tr")
    governance = items.filter(has_text="Governance Updates")
    expect(governance.locator(".division")).to_have_count(4)
    expect(governance.locator(".division").nth(1).locator("dt")).to_have_text(["For", "Against"])
    expect(governance.locator(".division").nth(3).locator("dt")).to_have_text(["For", "Abstain"])
    pay = items.filter(has_text="Pay Policy Statement")
    expect(pay).to_contain_text("Vote: For 32, Against 1, Abstain 2")
    sides = pay.locator(".division")
    expect(sides.locator("dt")).to_have_text(["For", "Against", "Abstain"])
    expect(sides.locator("dd").nth(1).locator(".voter")).to_have_text(["Mr Booth"])
    expect(sides.locator("dd").nth(2).locator(".voter")).to_have_text(["Mr Lehmann", "Mr Sole"])
    target = cited_target(page, sides.locator("dd").nth(1).locator("a.cite"))
    expect(target).to_contain_text("Against (1)")
    expect(target).to_contain_text("Mr Booth")


def test_the_record_pages_pass_axe(browser, base_url, record_papers, kent_minutes):
    tab = Tab(browser, base_url, bypass_csp=True)  # axe is injected as an inline script, which the CSP forbids
    page = tab.page
    try:
        page.goto("/record")
        use_key(page, "mem-key")
        for view in ("meetings", "recommendations", "actions", "inspections"):
            page.goto(f"/record?view={view}")
            record_loaded(page)
            if view == "inspections":
                page.locator("ol.timeline details").first.evaluate("d => d.open = true")
            assert axe_violations(page) == [], view
        page.goto("/record?view=meetings&since=2022-06-01&until=2021-01-01")  # an error the API explains
        expect(page.locator("#record-status")).to_contain_text("is after until")
        assert axe_violations(page) == [], "an error"
    finally:
        tab.close()
