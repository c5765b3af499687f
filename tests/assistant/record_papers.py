"""Two papers for the record's tests, uploaded beside the seeds and removed afterwards.

A public inquiry report whose Recommendation 4 the seed 002's minutes report as implemented ("recommendation 4 of
the Voice of the Child Inquiry had been successfully implemented"), and restricted (Part II) minutes with names found
nowhere else: a meeting, a recommendation, a minuted action, an inspection, and a later status of the inquiry's
Recommendation 2 that only members may see.
"""

from __future__ import annotations

import httpx

ADMIN = {"X-API-Key": "adm-key"}
COUNCIL = "Buckinghamshire Council"

VOICE_TITLE = "Voice of the Child Inquiry"
VOICE = f"""# {VOICE_TITLE}

Buckinghamshire County Council

Children's Select Committee

Date: 13 March 2018

## Recommendations

1. Every child in care should have an advocate offered at each review.

2. The Corporate Parenting Panel should hear from a young person at every meeting.

3. Social workers should record the child's own words in every assessment.

4. A young people's panel should be set up to advise the Cabinet Member.
"""

MINUTES_TITLE = "Exempt minutes: Quillfeather Panel"
MINUTES = """MINUTES OF THE QUILLFEATHER PANEL HELD ON TUESDAY 3 MARCH 2020, IN ZEPHYRINE ROOM - COUNTY HALL, \
AYLESBURY, COMMENCING AT 2.00 PM AND CONCLUDING AT 3.10 PM.

MEMBERS PRESENT

Ottoline Brackenwhistle (Chairman), Ignatius Pellwether and Marigold Thistlewaite

1 APOLOGIES FOR ABSENCE

Apologies were received from Mr O Fernsby-Quillon and Mrs R Dunnock-Vale.

The Committee noted that Mrs Z Oddington-Marsh was substituting for Mr O Fernsby-Quillon for the duration of the \
meeting.

2 DECLARATIONS OF INTEREST

Mrs Z Oddington-Marsh declared an interest in item 3 as she was a trustee of the Quillfeather Trust.

3 EXEMPT ITEM: QUILLFEATHER CROSSINGS

The Chairman reported that recommendation 2 of the Voice of the Child Inquiry had been rejected.

- Members asked for the Quillfeather crossing costs by ward.

ACTION: Head of Quillfeather Highways

RESOLVED that the Quillfeather crossing contract be awarded to Brackenfold Limited.

4 QUILLFEATHER INSPECTION

Ofsted inspected Quillfeather children's services between 6 January 2020 and 17 January 2020 and judged them \
inadequate.

Recommendation 1: The Quillfeather Panel recommends that Cabinet fund 17 Quillfeather crossing wardens.
"""
# What must never reach a caller who may not read the minutes (with the minutes' doc_id).
MINUTES_MARKERS = (
    "Quillfeather",
    "Brackenwhistle",
    "Pellwether",
    "Thistlewaite",
    "Fernsby",
    "Oddington",
    "Brackenfold",
)


def upload(http: httpx.Client, name: str, text: str, **form: str) -> str:
    """Upload a paper as an admin; its doc_id."""
    files = {"file": (name, text.encode(), "text/plain")}
    r = http.post("/documents", files=files, data={"council": COUNCIL, **form}, headers=ADMIN)
    assert r.status_code == 200 and r.json()["added"] == [name], r.text
    return r.json()["doc_id"]


def delete(http: httpx.Client, *doc_ids: str) -> None:
    for doc_id in doc_ids:
        http.delete(f"/documents/{doc_id}", headers=ADMIN)


def upload_voice(http: httpx.Client) -> str:
    return upload(http, "voice of the child inquiry.txt", VOICE, title=VOICE_TITLE)


def upload_minutes(http: httpx.Client) -> str:
    return upload(http, "quillfeather part2 minutes.txt", MINUTES, title=MINUTES_TITLE, access="restricted")
