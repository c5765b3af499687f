"""The gazetteer of UK councils: names in papers and questions resolved to one canonical authority."""

from __future__ import annotations

import pytest

from ingest.councils import canonical, councils_in_question, find_councils, gazetteer


def names(text: str, anywhere: bool = False) -> list[str]:
    return [c for c, _, _ in find_councils(text, anywhere)]


def test_the_gazetteer_covers_the_principal_councils():
    kinds = [c.kind for c in gazetteer().councils.values()]
    # England 2025: 21 counties, 164 districts, 36 metropolitan boroughs, 32 London boroughs and the City;
    # Wales 22, Scotland 32, Northern Ireland 11.
    assert (kinds.count("county"), kinds.count("district"), kinds.count("metropolitan")) == (21, 164, 36)
    assert (kinds.count("london"), kinds.count("wales"), kinds.count("scotland"), kinds.count("ni")) == (33, 22, 32, 11)
    assert kinds.count("unitary") >= 62


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("London Borough of Camden", "London Borough of Camden"),
        ("Camden Council", "London Borough of Camden"),
        ("Camden London Borough Council", "London Borough of Camden"),
        ("Camden", "London Borough of Camden"),
        ("KENT COUNTY COUNCIL", "Kent County Council"),
        ("The Royal Borough of Windsor & Maidenhead", "Royal Borough of Windsor and Maidenhead"),
        ("Buckinghamshire County Council", "Buckinghamshire Council"),  # replaced in 2020
        ("Wycombe District Council", "Buckinghamshire Council"),
        ("Kettering Borough Council", "North Northamptonshire Council"),
        ("Milton Keynes Council", "Milton Keynes City Council"),  # renamed
        ("Stockton on Tees Borough Council", "Stockton-on-Tees Borough Council"),
        ("Bedford Borough", "Bedford Borough Council"),
        ("Newcastle", None),  # upon Tyne or under Lyme
        ("Full Council", None),
        ("County Council", None),
    ],
)
def test_canonical(name, expected):
    assert canonical(name) == expected


def test_full_names_count_anywhere_longest_first():
    text = "Report of North East Lincolnshire Council and Lincolnshire County Council, with Kent\nCounty Council."
    assert names(text) == ["North East Lincolnshire Council", "Lincolnshire County Council", "Kent County Council"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Brent\n\nInspection of services for children", ["London Borough of Brent"]),  # the paper's heading
        ("Inspection of Camden local authority children’s services", ["London Borough of Camden"]),
        ("Area SEND inspection of Suffolk Local Area Partnership", ["Suffolk County Council"]),
        ("Children in care in Medway continue to benefit", ["Medway Council"]),
        ("Oldham’s SEND services have improved", ["Oldham Metropolitan Borough Council"]),
        ("Email: georgina.little@kent\n.gov.uk", ["Kent County Council"]),
        ("Visit democracy.buckscc.gov.uk for alerts", ["Buckinghamshire Council"]),
        # Bare names that are not the authority here: a person, an NHS body, an address's town.
        ("Dear Mr Nash and Dr Kent", []),
        ("NHS Bolton Clinical Commissioning Group and Bolton NHS Foundation Trust", []),
        ("DEMOCRATIC SERVICES\nSESSIONS HOUSE\nMAIDSTONE", []),
    ],
)
def test_bare_area_names_count_only_as_the_authority(text, expected):
    assert names(text) == expected


def test_anywhere_counts_every_place():
    assert names("County Hall, Maidstone, Kent, ME14 1XQ", anywhere=True) == [
        "Maidstone Borough Council",
        "Kent County Council",
    ]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What did Ofsted say about Surrey's children's services?", ["Surrey County Council"]),
        ("How long are caseloads in Camden?", ["London Borough of Camden"]),
        ("what did ofsted say about camden", ["London Borough of Camden"]),
        ("Kent County Council's budget amendments", ["Kent County Council"]),
        ("Compare Camden and Surrey", ["London Borough of Camden", "Surrey County Council"]),
        ("Buckinghamshire County Council's improvement plan", ["Buckinghamshire Council"]),
        ("What did Ofsted find in Lambeth?", []),  # not in the index
        ("Reading ages of children in care", []),  # an everyday word first
        ("the high peak of demand", []),  # everyday words in lower case
        ("What must Oldham Council and NHS Greater Manchester ICB do?", ["Oldham Metropolitan Borough Council"]),
    ],
)
def test_councils_in_question(question, expected):
    known = {"Surrey County Council", "London Borough of Camden", "Kent County Council", "Buckinghamshire Council"}
    known |= {"Reading Borough Council", "High Peak Borough Council", "Manchester City Council"}
    known.add("Oldham Metropolitan Borough Council")
    assert councils_in_question(question, known) == expected
