"""A deterministic scale corpus: synthetic council papers recombined from the seeds' own paragraphs.

Each paper takes runs of paragraphs (a section's passages, with their heading) from several seed papers,
varies the figures (integers, percentages, £ amounts), the people's names and the years, and opens with
"Report to <body> / Date: <date> / Title: <title>" so metadata inference finds a body, a date and a title.
The text stays the seeds' real prose, so segmentation, FTS and the model see what real papers look like.

Run: `python -m bench.corpus --passages 10000 --out /tmp/corpus10k`
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.load import load_document

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds"
MIN_PASSAGES, MAX_PASSAGES = 50, 300

BODIES = (
    "Cabinet",
    "Children's & Education Select Committee",
    "Health & Adult Social Care Select Committee",
    "Communities & Localism Select Committee",
    "Finance & Resources Select Committee",
    "Growth, Infrastructure & Housing Select Committee",
    "Transport, Environment & Climate Change Select Committee",
)
TOPICS = (
    "Children's Services Update",
    "Children's Social Care Improvement Plan Update",
    "SEND Improvement Programme",
    "Ofsted Monitoring Visit Findings",
    "Corporate Parenting Annual Report",
    "Foster Care Sufficiency Strategy",
    "Early Help Review",
    "Education Health and Care Plan Timeliness",
    "Home to School Transport Review",
    "Workforce Recruitment and Retention",
    "Quality Assurance Framework",
    "Budget Monitoring Report",
    "Annual Complaints Report",
    "Youth Justice Plan",
    "Inquiry into Placement Sufficiency",
    "Schools Funding Formula",
    "Safeguarding Partnership Annual Report",
    "Adolescent Services Redesign",
)
FIRST = tuple(
    "Helen David Priya James Sarah Tom Amina Peter Rachel Imran Claire Mark Julie Stephen Fatima Gareth Lucy Neil"
    " Olu Karen Martin Zoe Raj Alison".split()
)
LAST = tuple(
    "Okafor Bennett Shah Morrison Clarke Hughes Patel Fletcher O'Neill Khan Reeves Taylor Mensah Griffiths Lowe"
    " Chaudhry Price Doyle Whitaker Begum Harding Ellis Kaur Turnbull Foster Nwosu Barker Singh Howell Quinn".split()
)
# Names as the seeds spell them (ambiguous ones such as Ward, Wood and James are left alone).
SEED_FIRST = tuple(
    "Richard Tolis Sarah Anita Warren Mike Mark Katie Tracey Angela Elizabeth Simon Valerie John".split()
)
SEED_LAST = tuple(
    "Nash Fowler Appleyard Callaghan Mallen Birchley Sullivan Vouyioukas Lambert Hussain Hussein Darby Wight Dhillon"
    " Babb Collingwood Dormer Bates Stuchbury Cranmer Lawrence Nowers Letheren Aston Dover Whyte Irwin Simmonds"
    " Coughlin Chilver Gomm Blamires Osibogun Kayani Towns Summers".split()
)
_NAME = re.compile(r"\b(" + "|".join(SEED_FIRST + SEED_LAST) + r")\b")
_YEAR = re.compile(r"\b(20[01]\d|202\d)\b")
# A £ amount, a percentage, or a bare integer of 2+ digits; a paragraph's own number at a line start is kept.
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_FIGURE = re.compile(
    r"£\s?\d[\d,]*(?:\.\d+)?|\b\d+(?:\.\d+)?%"
    rf"|(?<![\w.])\d[\d,]{{1,}}(?![\d.]*\w)(?!(?:st|nd|rd|th)?\s+(?:{_MONTHS}))"
)
_LINE_NUMBER = re.compile(r"(?m)^[\s\-–•✓#*]*\d+[.)]?\s")
# Paragraphs that would steer metadata inference away from the header we write.
_HEADERISH = re.compile(r"(?im)report to cabinet|^\W*(date|title)\s*:")


@dataclass(frozen=True)
class Block:
    """A run of consecutive seed passages under one heading: the unit papers are recombined from."""

    heading: str
    text: str
    passages: int
    year: int


def seed_blocks(seeds: Path = SEEDS) -> list[Block]:
    """The seeds' passages grouped into runs that share a section, with the seed text between them verbatim."""
    blocks: list[Block] = []
    for path in sorted(seeds.glob("*.txt")):
        doc = load_document(path)
        year = int((doc.date or "2018")[:4])
        run: list = []
        for p in [*doc.passages, None]:
            if run and (p is None or p.section != run[0].section or len(run) >= 12):
                text = doc.text[run[0].start : run[-1].end].strip()
                if text and not _HEADERISH.search(text):
                    heading = run[0].section.split(" > ")[-1] or "Background"
                    blocks.append(Block(heading, text, len(run), year))
                run = []
            if p is not None:
                run.append(p)
    return blocks


def _vary_figures(text: str, rng: random.Random) -> str:
    protected = {i for m in _LINE_NUMBER.finditer(text) for i in range(m.start(), m.end())}
    factor = rng.uniform(0.5, 2.0)

    def swap(m: re.Match) -> str:
        s = m.group(0)
        digits = re.sub(r"[^\d.]", "", s)
        if m.start() in protected or digits.count(".") > 1 or ("." not in digits and 1990 <= int(digits) <= 2030):
            return s  # a paragraph's number, or a year (years move with the paper's date instead)
        value = float(digits) * factor
        if s.endswith("%"):
            return f"{min(value, 100.0):.{1 if '.' in digits else 0}f}%"
        out = f"{value:,.2f}" if "." in digits else f"{max(1, round(value)):,}"
        if s.startswith("£"):
            return "£" + out
        return out if "," in s else out.replace(",", "")

    return _FIGURE.sub(swap, text)


def _vary_names(text: str, mapping: dict[str, str], rng: random.Random) -> str:
    def swap(m: re.Match) -> str:
        name = m.group(1)
        if name not in mapping:
            mapping[name] = rng.choice(FIRST if name in SEED_FIRST else LAST)
        return mapping[name]

    return _NAME.sub(swap, text)


def make_paper(blocks: list[Block], rng: random.Random) -> tuple[str, int]:
    """One synthetic paper and the seed passages it was made from (what segmentation should roughly find)."""
    target = rng.randint(MIN_PASSAGES, MAX_PASSAGES)
    body = rng.choice(BODIES)
    day = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange((dt.date(2025, 12, 31) - dt.date(2010, 1, 1)).days))
    title = rng.choice(TOPICS)
    names: dict[str, str] = {}
    parts = [f"Report to {body}", f"Date: {day.day} {day:%B %Y}", f"Title: {title}", "Council: Shire County Council"]
    count = 0
    while count < target:
        block = rng.choice(blocks)
        shift = day.year - block.year
        text = _YEAR.sub(lambda m, shift=shift: str(min(2025, max(2005, int(m.group(1)) + shift))), block.text)
        text = _vary_names(_vary_figures(text, rng), names, rng)
        parts.append(f"## {block.heading}\n\n{text}")
        count += block.passages
    return "\n\n".join(parts) + "\n", count


def generate(out: Path, passages: int, seed: int = 0, seeds: Path = SEEDS) -> list[Path]:
    """Write papers to `out` until they hold about `passages` seed passages; the same arguments, the same files."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    blocks = seed_blocks(seeds)
    files: list[Path] = []
    total = 0
    for n in _counter():
        if total >= passages:
            break
        text, count = make_paper(blocks, rng)
        path = out / f"paper_{n:06d}.txt"
        path.write_text(text, encoding="utf-8")
        files.append(path)
        total += count
    return files


def _counter() -> Iterator[int]:
    n = 0
    while True:
        yield n
        n += 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--passages", type=int, required=True, help="seed passages to recombine (the size target)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    files = generate(args.out, args.passages, args.seed)
    print(f"{len(files)} papers in {args.out}")


if __name__ == "__main__":
    main()
