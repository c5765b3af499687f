"""Meetings read from minutes, checked against a hand-read gold file, and every value found in its cited passage."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from ingest.dates import find_dates
from ingest.models import Document, Fact
from ingest.record import meetings
from ingest.record.people import split_names

GOLD = json.loads((Path(__file__).parents[1] / "record_gold" / "meetings.json").read_text(encoding="utf-8"))
MINUTES = {m["file"] for m in GOLD["meetings"]}  # the corpus papers that hold minutes
FAMILIES = {
    "header": ("title", "body", "date", "venue", "start_time", "end_time"),
    "attendance": ("present", "chair", "vice_chair", "officer", "other"),
    "apologies": ("apology",),
    "substitutes": ("substitute",),
    "declarations": ("declaration",),
    "items": ("item",),
    "resolutions": ("resolution",),
    "votes": ("vote",),
}
ATTENDANCE = {"present", "chair", "vice_chair", "officer", "other", "apology", "substitute", "declaration"}
Row = tuple[str, str, str, str, str]  # (file, meeting key, field, value, detail), normalised


def norm(text: str | None) -> str:
    """Case, quotes, dashes, bullets and spacing made the same; a leading "that" and end punctuation dropped."""
    text = (text or "").replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = text.replace("–", "-").replace("—", "-").replace("•", " ")
    text = " ".join(text.split()).casefold()
    return re.sub(r"^that\s+", "", text).strip(" .;,")


def gold_rows(m: dict) -> list[Row]:
    """The gold meeting as rows like the extractor's facts (declarations are matched apart)."""
    f, k = m["file"], m["key"]
    rows = [(f, k, field, norm(m[field]), "") for field in ("title", "body", "date", "venue") if m[field]]
    rows += [(f, k, field, norm(t), "") for field in ("start_time", "end_time") for t in m[field]]
    rows += [(f, k, "present", norm(p["name"]), norm(p["role"])) for p in m["present"]]
    rows += [(f, k, field, norm(n), "") for field in ("chair", "vice_chair") for n in m[field]]
    rows += [(f, k, "officer", norm(p["name"]), norm(p["role"])) for p in m["officers"]]
    rows += [(f, k, "other", norm(p["name"]), norm(p["role"])) for p in m["others"]]
    rows += [(f, k, "apology", norm(n), "") for n in m["apologies"]]
    rows += [(f, k, "substitute", norm(s["who"]), norm(s["for"])) for s in m["substitutes"]]
    for item in m["items"]:
        label = item["number"].split(",")[0].removeprefix("Item ")
        rows.append((f, k, "item", norm(item["title"]), norm(item["number"])))
        rows += [(f, k, "resolution", norm(r), norm(label)) for r in item.get("resolutions", [])]
        rows += [(f, k, "vote", norm(v), norm(label)) for v in item.get("votes", [])]
    return rows


def fact_row(name: str, fact: Fact) -> Row:
    return (name, fact.key, fact.field, norm(fact.value), norm(fact.detail))


@pytest.fixture(scope="module")
def extracted(corpus_docs: dict[str, Document]) -> dict[str, list[Fact]]:
    """Each corpus paper's meeting facts, read once for this module."""
    return {name: meetings.extract(doc) for name, doc in corpus_docs.items()}


def _declaration_hits(m: dict, facts: list[Fact]) -> tuple[int, set[int]]:
    """(predicted facts matching a gold declaration, indices of gold declarations found): who, and every phrase."""
    hits, found = 0, set()
    for fact in facts:
        match = [
            i
            for i, d in enumerate(m["declarations"])
            if norm(fact.value) == norm(d["who"]) and all(norm(w) in norm(fact.detail) for w in d["what"])
        ]
        hits += bool(match)
        found.update(match)
    return hits, found


def test_meetings_match_the_hand_read_gold(extracted: dict[str, list[Fact]]) -> None:
    """Precision and recall per field family and overall, each at least 0.9."""
    tp: dict[str, int] = defaultdict(int)
    n_pred: dict[str, int] = defaultdict(int)
    n_gold: dict[str, int] = defaultdict(int)
    found: dict[str, int] = defaultdict(int)
    family_of = {field: fam for fam, fields in FAMILIES.items() for field in fields}
    gold = {row for m in GOLD["meetings"] for row in gold_rows(m)}
    misses: list[str] = []
    for name in sorted(MINUTES):
        facts = [f for f in extracted[name] if f.field in family_of]
        for fact in facts:
            if fact.field == "declaration":
                continue
            fam = family_of[fact.field]
            n_pred[fam] += 1
            hit = fact_row(name, fact) in gold
            tp[fam] += hit
            if not hit:
                misses.append(f"extra  {name} [{fact.key}] {fact.field}: {fact.value!r} ({fact.detail!r})")
        predicted = {fact_row(name, f) for f in facts}
        for m in (m for m in GOLD["meetings"] if m["file"] == name):
            for row in gold_rows(m):
                fam = family_of[row[2]]
                n_gold[fam] += 1
                found[fam] += row in predicted
                if row not in predicted:
                    misses.append(f"missed {name} [{row[1]}] {row[2]}: {row[3]!r} ({row[4]!r})")
            declared = [f for f in facts if f.field == "declaration" and f.key == m["key"]]
            hits, got = _declaration_hits(m, declared)
            n_pred["declarations"] += len(declared)
            tp["declarations"] += hits
            n_gold["declarations"] += len(m["declarations"])
            found["declarations"] += len(got)
        keys = {f.key for f in facts}
        assert keys <= {m["key"] for m in GOLD["meetings"] if m["file"] == name}, keys
    print("\nfamily        precision  recall   (extracted / gold)")
    scores = {}
    for fam in [*FAMILIES, "overall"]:
        if fam == "overall":
            p_num, p_den, r_num, r_den = (sum(d.values()) for d in (tp, n_pred, found, n_gold))
        else:
            p_num, p_den, r_num, r_den = tp[fam], n_pred[fam], found[fam], n_gold[fam]
        precision, recall = p_num / max(p_den, 1), r_num / max(r_den, 1)
        scores[fam] = (precision, recall)
        print(f"{fam:13} {precision:9.3f}  {recall:6.3f}   ({p_den} / {r_den})")
    print("\n".join(misses))
    low = {fam: s for fam, s in scores.items() if min(s) < 0.9}
    assert not low, low


def holds(doc: Document, fact: Fact) -> bool:
    """Whether the cited passage states the value: an ISO date as the passage writes it; a vote's counts in the
    tally's passages ("For (52)", "Against (0)", "Abstain (11)" are three passages, the first cited)."""
    p = doc.passages[fact.ordinal]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", fact.value):
        return fact.value in {iso for _, iso in find_dates(p.text)}
    if fact.field == "vote":
        block = " ".join(q.text for q in doc.passages[fact.ordinal : fact.ordinal + 4])
        flat = " ".join(re.sub(r"[():,]", " ", block).split()).casefold()
        return all(part.strip().casefold() in flat for part in fact.value.split(","))
    return " ".join(fact.value.split()).casefold() in " ".join(p.text.split()).casefold()


def test_every_value_is_in_its_cited_passage(corpus_docs: dict[str, Document], extracted: dict[str, list[Fact]]):
    """All 39 corpus papers: each meeting fact's value is in the passage it cites."""
    bad = [
        f"{name} @{f.ordinal} {f.field}: {f.value!r}"
        for name, facts in extracted.items()
        for f in facts
        if not holds(corpus_docs[name], f)
    ]
    assert not bad, "\n".join(bad)
    assert all(f.entity == "meeting" for facts in extracted.values() for f in facts)


def test_papers_without_minutes_give_no_meeting_facts(extracted: dict[str, list[Fact]]) -> None:
    """Reports, inspections, budget packs and agendas that only list items: no attendance, no meeting at all."""
    assert set(extracted) >= MINUTES and len(extracted) == 39
    stray = {name: facts[:5] for name, facts in extracted.items() if name not in MINUTES and facts}
    assert not stray, stray
    for name in MINUTES:
        assert {f.field for f in extracted[name]} & ATTENDANCE, name


def test_names_are_clean(extracted: dict[str, list[Fact]]) -> None:
    """No list glue, office title or role left in a person's name."""
    people = [f.value for facts in extracted.values() for f in facts if f.field in ATTENDANCE - {"declaration"}]
    assert people
    bad = [v for v in people if re.search(r"(^and |\band$|[()]|^Councillors?\b|Chairman|:)", v)]
    assert not bad, bad


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr R W Gough (Chairman), Mr N Baker, Mrs S Chandler, Mr R C Love, OBE and Mr R J Thomas",
            [("Mr R W Gough", "Chairman"), ("Mr N Baker", None), ("Mrs S Chandler", None),
             ("Mr R C Love, OBE", None), ("Mr R J Thomas", None)],
        ),
        (
            "Mr Bond, Mrs Bruneau, Mr Campkin, Mr Collor, Mrs Hudson, Mrs McArthur and Mr McInroy.",
            [(n, None) for n in ("Mr Bond", "Mrs Bruneau", "Mr Campkin", "Mr Collor", "Mrs Hudson", "Mrs McArthur",
                                 "Mr McInroy")],
        ),
        (
            "Mrs S Hammond (Corporate Director Children, Young People and Education) and McKay (Acting Chief Officer)",
            [("Mrs S Hammond", "Corporate Director Children, Young People and Education"),
             ("McKay", "Acting Chief Officer")],
        ),
    ],
)
def test_name_lists_split_into_names_and_roles(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert split_names(text) == expected


# Minutes in the styles of councils outside the corpus (a district's ModernGov, Northern Ireland, minutes with no
# "Minutes of" line), written for this test from public minutes' phrasing: the rules must read them without being
# tuned to Kent or Buckinghamshire.
OTHER_STYLES = {
    "district.txt": (
        "Cabinet\n\n"
        "Minutes of the meeting held on Tuesday, 5 March 2024 at 6.30 pm in the Council Chamber, Town Hall, Anytown\n\n"
        "Present: Councillor J Smith (Chair); Councillors A Brown (Vice-Chair), C Davies and F Green\n\n"
        "Also in attendance: Ms D G. Wilby (Licensing Manager) and Councillor G Hall\n\n"
        "55. Apologies for Absence\n\n"
        "Apologies for absence were received from Cllr Borg (substituted by Cllr Jeal) and Councillor K Lee.\n\n"
        "56. Declarations of Interest\n\n"
        "Councillors C Davies and F Green declared an Other Disclosable Interest in minute 58.\n\n"
        "57. Budget 2024/25\n\n"
        "The Cabinet considered the report.\n\nRESOLVED:\n\n"
        "(1) That the budget be recommended to Council; and\n\n(2) That the fees and charges be approved.\n\n"
        "58. Anytown Trust Grant\n\n"
        "Upon being put to the vote, there voted For 5, Against 1, Abstentions 0.\n\n"
        "It was agreed that a grant of £10,000 be made to the Anytown Trust.\n\n"
        "The meeting ended at 7.45 pm.\n"
    ),
    "northern.txt": (
        "CITY COUNCIL\n\n"
        "Minutes of Meeting of the Corporate Services Committee held in the Council Chamber, Civic Centre, on "
        "Wednesday 12th February 2020 at 6.08 pm.\n\n"
        "PRESENT: Councillor R Carlin (Chairman)\n\n"
        "The Right Worshipful The Mayor Councillor A Givan\n\n"
        "Aldermen A G Ewart MBE and S Martin\n\n"
        "OTHER MEMBERS: Councillor J Craig\n\n"
        "1. Apologies\n\n"
        "An apology for non-attendance at the meeting was accepted and recorded on behalf of the Deputy Mayor, "
        "Councillor J McCarthy.\n\n"
        "2. Declarations of Interest\n\n"
        "There were no declarations of interest.\n\n"
        "3. Report from Director of Finance\n\n"
        "It was proposed by Alderman A G Ewart, seconded by Councillor J Craig and agreed that the report be noted.\n"
    ),
    "held.txt": (
        "DISTRICT COUNCIL\n\n"
        "CABINET held at COUNCIL CHAMBER - COUNCIL OFFICES, LONDON ROAD, on THURSDAY, 29 NOVEMBER 2018 at 7.00 pm\n\n"
        "Present: Councillor H Rolfe (Leader, in the Chair), Councillors S Barker, S Howell and J Redfern\n\n"
        "Officers in attendance: D French (Chief Executive) and A Webb (Director of Finance)\n\n"
        "CA47 APOLOGIES FOR ABSENCE AND DECLARATIONS OF INTEREST\n\n"
        "Apologies for absence were received from Councillor L Wells.\n\n"
        "CA48 MINUTES OF THE PREVIOUS MEETING\n\n"
        "The minutes of the meeting held on 18 October 2018 were signed by the Chairman as a correct record.\n\n"
        "The meeting ended at 8.15pm.\n"
    ),
}
EXPECTED = {
    "district.txt": {
        ("body", "Cabinet", None), ("date", "2024-03-05", None), ("start_time", "6.30 pm", None),
        ("end_time", "7.45 pm", None), ("venue", "Council Chamber, Town Hall, Anytown", None),
        ("present", "J Smith", "Chair"), ("chair", "J Smith", None), ("present", "A Brown", "Vice-Chair"),
        ("vice_chair", "A Brown", None), ("item", "Apologies for Absence", "55"),
        ("item", "Declarations of Interest", "56"), ("item", "Anytown Trust Grant", "58"),
        ("present", "C Davies", None), ("present", "F Green", None),
        ("officer", "Ms D G. Wilby", "Licensing Manager"), ("other", "G Hall", None),
        ("apology", "Borg", None), ("apology", "K Lee", None), ("substitute", "Jeal", "Borg"),
        ("declaration", "C Davies", "an Other Disclosable Interest in minute 58"),
        ("declaration", "F Green", "an Other Disclosable Interest in minute 58"),
        ("item", "Budget 2024/25", "57"), ("resolution", "the budget be recommended to Council", "57"),
        ("resolution", "the fees and charges be approved.", "57"), ("vote", "For 5, Against 1, Abstentions 0", "58"),
        ("resolution", "a grant of £10,000 be made to the Anytown Trust.", "58"),
    },
    "northern.txt": {
        ("body", "Corporate Services Committee", None), ("date", "2020-02-12", None),
        ("venue", "Council Chamber, Civic Centre", None), ("start_time", "6.08 pm", None),
        ("present", "R Carlin", "Chairman"), ("chair", "R Carlin", None),
        ("present", "A Givan", "The Right Worshipful The Mayor"), ("present", "A G Ewart MBE", None),
        ("present", "S Martin", None), ("other", "J Craig", None), ("apology", "J McCarthy", None),
        ("item", "Apologies", "1"), ("item", "Declarations of Interest", "2"),
        ("item", "Report from Director of Finance", "3"), ("resolution", "the report be noted.", "3"),
    },
    "held.txt": {
        ("body", "Cabinet", None), ("date", "2018-11-29", None), ("start_time", "7.00 pm", None),
        ("venue", "COUNCIL CHAMBER - COUNCIL OFFICES, LONDON ROAD", None), ("end_time", "8.15pm", None),
        ("present", "H Rolfe", "Leader, in the Chair"), ("chair", "H Rolfe", None), ("present", "S Barker", None),
        ("present", "S Howell", None), ("present", "J Redfern", None),
        ("officer", "D French", "Chief Executive"), ("officer", "A Webb", "Director of Finance"),
        ("item", "APOLOGIES FOR ABSENCE AND DECLARATIONS OF INTEREST", "CA47"), ("apology", "L Wells", None),
        ("item", "MINUTES OF THE PREVIOUS MEETING", "CA48"),
        ("resolution", "The minutes of the meeting held on 18 October 2018 were signed by the Chairman as a correct "
         "record.", "CA48"),
    },
}


@pytest.mark.parametrize("name", sorted(OTHER_STYLES))
def test_minutes_in_other_councils_styles(tmp_path: Path, name: str) -> None:
    """Each expected fact is read, nothing else is, and every value is in its cited passage."""
    from ingest.load import load_document

    path = tmp_path / name
    path.write_text(OTHER_STYLES[name], encoding="utf-8")
    doc = load_document(path)
    facts = meetings.extract(doc)
    got = {(f.field, f.value, f.detail) for f in facts if f.field != "title"}
    assert got == EXPECTED[name], (sorted(EXPECTED[name] - got), sorted(got - EXPECTED[name]))
    assert all(holds(doc, f) for f in facts)


def test_a_division_names_who_voted_each_way(extracted: dict[str, list[Fact]], corpus_docs) -> None:
    """Kent's minutes name each side of a recorded vote ("Against (1)" then "Mr Booth"): each name is a fact citing
    its side's passage; on every side that names fewer than 30 members, as many names as the side's own count."""
    doc = corpus_docs["kent_council_minutes_2025-03-13.pdf"]
    voted = [f for f in extracted["kent_council_minutes_2025-03-13.pdf"] if f.field == "voted"]
    assert [f.value for f in voted if f.detail == "Against (307)"] == ["Mr Booth"]
    assert [f.value for f in voted if f.detail == "Abstain (307)"] == ["Mr Lehmann", "Mr Sole"]  # "Motion carried."
    sides: dict[int, list[str]] = defaultdict(list)
    for f in voted:
        sides[f.ordinal].append(f.value)
    counted = {o: int(re.match(r"^\W*\w+\s*\((\d+)\)", doc.passages[o].text).group(1)) for o in sides}
    short = {o for o, n in counted.items() if n < 30}
    assert len(short) >= 8 and all(len(sides[o]) == counted[o] for o in short)
    assert not any(f.field == "voted" for name in MINUTES if "kent" not in name for f in extracted[name])


def test_a_division_names_members_with_initials_and_honours_and_stops_at_the_outcome():
    from ingest.models import Passage
    from ingest.record.decisions import voters

    texts = ["For (3)\n\nMr I Pellwether, Mrs A B Jones and Sir Paul Carter CBE",
             "Against (1)\n\nCllr R Dunnock-Vale Amendment lost.",
             "Abstain (0)\n\nNone"]
    passages = [Passage("d", n, f"¶{n}", "Item 5", 0, len(t), t) for n, t in enumerate(texts)]
    assert voters(passages) == [(0, "For", "Mr I Pellwether"), (0, "For", "Mrs A B Jones"),
                                (0, "For", "Sir Paul Carter CBE"), (1, "Against", "Cllr R Dunnock-Vale")]
