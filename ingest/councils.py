"""UK local authorities (data/councils.tsv): the councils a text names, and a name's canonical form.

Names are matched word by word, longest first, so "North East Lincolnshire Council" is never read as "Lincolnshire";
the words of a name may be split by line breaks, hyphens, "&" for "and", or a comma. Two strengths of name:

- a *full* name says it is an authority ("Kent County Council", "London Borough of Camden", "Bedford Borough",
  "County Durham", a former council such as "Buckinghamshire County Council"): it counts wherever it stands,
  in any case ("KENT COUNTY COUNCIL");
- a *bare* area name ("Camden", "Kent", "Medway", "Durham") is a town, a county, a river or a person as often as an
  authority, so in a paper it counts only where the context makes it the authority: the text's first line (a
  report's heading, "Brent"; a later line of its own is as often an address's town), "inspection of X",
  "X local authority", "X Local Area Partnership", "X's children", "in X" (also across, within, throughout), and
  never before NHS, CCG, Police, University and the like. It must be written as a proper noun ("Camden", or
  "CAMDEN" on a heading). In a question every bare name counts (`councils_in_question`).

A gov.uk address ("@kent.gov.uk", "democracy.buckscc.gov.uk") names its council too: the label before .gov.uk is
matched against the area's name run together (kent, dudley, surreycc) and the TSV's list of other labels (rbwm).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

Mention = tuple[str, int, int]  # (canonical name, start, end) in the text

_TOKEN = re.compile(r"[A-Za-z0-9]+|&")
_GAP = re.compile(r"[\s,\-–'’]*")  # what may stand between two words of one name
_FULL_WORDS = {"council", "borough", "county", "city", "district", "corporation", "comhairle"}
_DOMAIN = re.compile(r"\b([a-z0-9][a-z0-9-]*)\s*\.\s*gov\s*\.\s*(?:uk|wales|scot)\b", re.IGNORECASE)
_DOMAIN_SUFFIXES = ("", "cc", "council", "dc", "bc")  # surreycc.gov.uk, tandridgedc.gov.uk

# Contexts in which a bare area name is the authority (see the module docstring).
_BEFORE = re.compile(r"\b(?:[Ii]nspection of|[Ii]n|[Aa]cross|[Ww]ithin|[Tt]hroughout)\s+(?:the\s+)?$")
_AFTER = re.compile(
    r"^(?:['’]s\b|\s+(?:local\s+authority|[Ll]ocal\s+[Aa]rea|LAP\b|[Cc]hildren['’]s\s+[Ss]ervices|SEND\b))"
)
_NOT_AFTER = re.compile(
    r"^\s+(?:NHS|Clinical|CCG|Integrated|ICB|ICS|Health|Hospitals?|Police|Constabulary|Fire|University|College"
    r"|Foundation|Teaching|Mental|Community\s+Health|Partnership\s+(?:NHS|Trust))"
)
_NOT_BEFORE = re.compile(r"(?:NHS|Greater|University\s+of|Bishop\s+of|Diocese\s+of)\s+$")
# Area names that are also everyday words or phrases: in lower case, or first in a question, they are the words.
_WORDS = {
    *("reading", "bury", "harrow", "hart", "rugby", "sutton", "wyre", "boston", "arun", "newport", "slough", "swale"),
    *("derby", "high peak", "new forest", "castle point", "three rivers", "test valley", "mole valley"),
}


@dataclass(frozen=True)
class Council:
    """One authority: its canonical name, bare area name and kind (county, district, unitary, london, ...)."""

    name: str
    area: str
    kind: str


@dataclass(frozen=True)
class Gazetteer:
    councils: dict[str, Council]
    full: dict[tuple[str, ...], frozenset[str]]  # lower-cased words of a full name -> canonical names
    bare: dict[tuple[str, ...], frozenset[str]]  # words of a bare name as written -> canonical names
    bare_upper: dict[tuple[str, ...], frozenset[str]]  # the same in capitals (a heading: "BRENT")
    bare_lower: dict[tuple[str, ...], frozenset[str]]  # the same in lower case (a question typed so)
    domains: dict[str, str]  # gov.uk label, hyphens dropped -> canonical name
    longest: int  # words in the longest name
    names: frozenset[tuple[str, ...]]  # every name of the four tables above, in lower case
    prefixes: frozenset[tuple[str, ...]]  # the first 1..n words of each of those


def _words(name: str) -> tuple[str, ...]:
    return tuple("and" if t == "&" else t for t in _TOKEN.findall(name))


def _slug(name: str) -> str:
    return "".join(_words(name)).lower()


def _variants(c: Council) -> set[str]:
    """The formal variants people write for an authority, from its kind and name."""
    area = c.area
    names = {c.name, f"{area} Council"}
    if c.kind == "county" or c.kind == "abolished":
        names.add(f"{area} County Council")
    if c.kind == "london":
        names |= {f"London Borough of {area}", f"{area} London Borough Council", f"LB {area}", f"{area} Borough"}
    if c.kind == "metropolitan":
        names |= {f"{area} Metropolitan Borough Council", f"Metropolitan Borough of {area}", f"{area} MBC"}
        names |= {f"{area} Metropolitan Borough", f"{area} Borough Council", f"{area} Borough"}
    if c.name.endswith("Borough Council"):
        names |= {f"Borough of {area}", f"{area} Borough"}
    if c.name.endswith("City Council"):
        names.add(f"City of {area} Council")
    if c.name.startswith("Royal Borough of "):
        names |= {f"{area} Royal Borough Council", f"{area} Borough Council", f"{area} Borough"}
    return names


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The data file, parsed once."""
    text = resources.files("ingest").joinpath("data/councils.tsv").read_text(encoding="utf-8")
    councils: dict[str, Council] = {}
    full: dict[tuple[str, ...], set[str]] = {}
    bare: dict[tuple[str, ...], set[str]] = {}
    domains: dict[str, set[str]] = {}
    rows = [ln.split("\t") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    for name, area, kind, aliases, labels in rows[1:]:  # the first row is the header
        c = Council(name, area, kind)
        councils[name] = c
        for alias in _variants(c) | {a for a in aliases.split("|") if a} | {area}:
            words = _words(alias)
            if {w.lower() for w in words} & _FULL_WORDS or alias.isupper():
                full.setdefault(tuple(w.lower() for w in words), set()).add(name)
            else:
                bare.setdefault(words, set()).add(name)
        for label in {_slug(area) + s for s in _DOMAIN_SUFFIXES} | {_slug(name)} | set(filter(None, labels.split("|"))):
            domains.setdefault(label.replace("-", "").lower(), set()).add(name)
    upper: dict[tuple[str, ...], set[str]] = {}
    lower: dict[tuple[str, ...], set[str]] = {}
    for words, names in bare.items():
        upper.setdefault(tuple(w if w == "and" else w.upper() for w in words), set()).update(names)
        lower.setdefault(tuple(w.lower() for w in words), set()).update(names)
    names = {k for k in full} | set(lower)
    return Gazetteer(
        councils=councils,
        full={k: frozenset(v) for k, v in full.items()},
        bare={k: frozenset(v) for k, v in bare.items()},
        bare_upper={k: frozenset(v) for k, v in upper.items()},
        bare_lower={k: frozenset(v) for k, v in lower.items()},
        domains={k: next(iter(v)) for k, v in domains.items() if len(v) == 1},  # a shared label names no one
        longest=max(len(k) for k in [*full, *bare]),
        names=frozenset(names),
        prefixes=frozenset(k[:n] for k in names for n in range(1, len(k) + 1)),
    )


def _tokens(text: str) -> list[re.Match[str]]:
    return list(_TOKEN.finditer(text))


def _spans(text: str, toks: list[re.Match[str]], g: Gazetteer):
    """Every run of up to g.longest words that is one of the gazetteer's names in some case: (i, n, start, end,
    words), longest first at each i. A run is built only while its words begin a name: most words of a text begin
    none, and building every run of every word took 0.3-0.8 ms a question (councils_in_question, on each ask)."""
    low = ["and" if t.group() == "&" else t.group().lower() for t in toks]
    for i in range(len(toks)):
        key = (low[i],)
        if key not in g.prefixes:
            continue
        found = []
        n = 1
        while True:
            if key in g.names:
                found.append(n)
            if n >= g.longest or i + n >= len(toks):
                break
            if not _GAP.fullmatch(text, toks[i + n - 1].end(), toks[i + n].start()):
                break
            key = (*key, low[i + n])
            if key not in g.prefixes:
                break
            n += 1
        for n in reversed(found):
            words = tuple("and" if t.group() == "&" else t.group() for t in toks[i : i + n])
            yield i, n, toks[i].start(), toks[i + n - 1].end(), words


def _bare_hit(g: Gazetteer, words: tuple[str, ...]) -> frozenset[str]:
    return g.bare.get(words) or g.bare_upper.get(words) or frozenset()


def _not_the_authority(text: str, start: int, end: int) -> bool:
    # "NHS Bolton CCG", "Greater Manchester", "Bolton NHS Foundation Trust": the place names another body.
    return bool(_NOT_BEFORE.search(text[max(0, start - 40) : start]) or _NOT_AFTER.match(text[end : end + 60]))


def _authority_context(text: str, start: int, end: int) -> bool:
    before, after = text[max(0, start - 40) : start], text[end : end + 60]
    if _not_the_authority(text, start, end):
        return False
    first_line = text.lstrip().split("\n", 1)[0]
    if first_line.strip(" \t#*_") == text[start:end] and not text[:start].strip(" \t\n#*_"):
        return True  # the text's own heading; a name alone on a later line is as often an address's town
    return bool(_BEFORE.search(before) or _AFTER.match(after))


def find_councils(text: str, anywhere: bool = False) -> list[Mention]:
    """Councils the text names, in order: full names, bare names in an authority's context, gov.uk addresses.

    With `anywhere`, a bare area name counts in any context (a postal address, "Kent and Medway").
    A name shared by several authorities names none of them.
    """
    g = gazetteer()
    toks = _tokens(text)
    found: list[Mention] = []
    skip_to = 0
    for i, _, start, end, words in _spans(text, toks, g):
        if i < skip_to:
            continue
        hit = g.full.get(tuple(w.lower() for w in words))
        if not hit:
            hit = _bare_hit(g, words)
            if hit and not anywhere and not _authority_context(text, start, end):
                hit = frozenset()
        if len(hit) == 1:
            found.append((next(iter(hit)), start, end))
            skip_to = i + len(words)
    for m in _DOMAIN.finditer(text):
        name = g.domains.get(m.group(1).replace("-", "").lower())
        if name:
            found.append((name, m.start(1), m.end(1)))
    return sorted(found, key=lambda f: f[1])


def canonical(name: str) -> str | None:
    """The canonical name for a council's name, former name or area ("Camden" -> "London Borough of Camden")."""
    g = gazetteer()
    key = tuple(w.lower() for w in _words(name))
    if key and key[0] == "the":
        key = key[1:]
    hit = g.full.get(key) or g.bare_lower.get(key) or frozenset()
    return next(iter(hit)) if len(hit) == 1 else None


def normalise(name: str) -> str:
    """The canonical name when the gazetteer knows the name, else the name as given (a filter, a sidecar)."""
    return canonical(name) or " ".join(name.split())


def councils_in_question(text: str, known: set[str]) -> list[str]:
    """The councils among `known` (those in the index) that a question names: "Kent County Council", "in Camden",
    "Surrey's children's services"; a bare name shared by several authorities gives each of them that is known."""
    g = gazetteer()
    toks = _tokens(text)
    out: list[str] = []
    skip_to = 0
    for i, _, start, end, words in _spans(text, toks, g):
        if i < skip_to:
            continue
        everyday = " ".join(words).lower() in _WORDS
        hit = g.full.get(tuple(w.lower() for w in words))
        if not hit:
            hit = _bare_hit(g, words)
            if not hit and not everyday:
                # A question typed in lower case still names its council ("what did ofsted say about camden").
                hit = g.bare_lower.get(tuple(w.lower() for w in words), frozenset())
            if hit and _not_the_authority(text, start, end):
                continue
        if everyday and not text[:start].strip(" \"'“‘("):
            continue  # the question's first word is the everyday word ("Reading ages of children in care")
        wanted = [c for c in sorted(hit) if c in known]
        if wanted:
            out += [c for c in wanted if c not in out]
            skip_to = i + len(words)
    return out
