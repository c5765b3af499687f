#!/usr/bin/env python3
"""Validate the evaluation development set (dev.jsonl) against the papers it was written from.

Usage:
    .venv/bin/python evals/data/check_dev.py [CORPUS_DIR] [--dev PATH]

CORPUS_DIR defaults to corpus/ in the repository (two levels above this file).  The seeds are read
from CORPUS_DIR/seeds/*.txt, the PDFs from CORPUS_DIR/{kent,ofsted-ilacs,ofsted-send}/*.pdf.  An
evidence item names its file by bare file name, as ingested ("001_91430a77e23df6d2.txt",
"ilacs_camden_2025-04-15.pdf").  --dev defaults to dev.jsonl next to this script.

How a quote is matched:
  * .txt seed: the quote is an exact substring of the file and sits on one line;
  * .pdf: the quote is an exact substring of the PDF's text as extracted by pypdfium2
    (pages joined by newlines) after every run of whitespace, line breaks included, has been
    collapsed into one space; the quote itself must already be in that collapsed form and must not
    hold the U+FFFE soft-hyphen marker pdfium puts at a hyphenated line end.  A PDF quote that does
    not sit within one page is a warning (it crosses a page header/footer).

Checks (errors make the exit status 1):
  * every line is a JSON object with the expected keys: id, question, type, answer, key_facts,
    evidence, split, and "near_miss" (a bool) on every unanswerable item and on no other;
  * ids are q001, q002, ... in order and unique; type and split values are valid;
  * unanswerable items have answer "", key_facts [] and evidence [];
  * answerable items have a non-empty answer, 1-3 key_facts and >= 1 evidence item ("multi" and
    "list" items need >= 2: a list item gives one quote per listed item);
  * every evidence file exists and every quote matches (above) and is 40-250 characters long;
  * every key fact is specific: it occurs (case-insensitively) in the reference answer and in the
    text of at least one of the item's evidence files, it does not occur in the question, it is
    at least 3 characters long, and it is not a single common word (a lower-case word other than a
    hyphenated compound, or any word in COMMON_WORDS such as a grade: "Outstanding" alone is too
    common, "requires improvement" is not);
  * no evidence quote sits in both splits: two quotes from the same file whose spans in the
    (normalised) text overlap must be in the same split;
  * at least MIN_TOTAL questions, MIN_NEAR_MISS near-miss unanswerables, MIN_PER_TYPE of each type
    (MIN_SPECIAL for people, temporal and list), every type in both splits, every corpus file cited.
Warnings (not errors): quotes containing tabs, quotes that occur more than once in their file,
PDF quotes crossing a page, split ratio far from 40/60, PDF share of answerable items outside 45-60%.

Needs pypdfium2 (in the project's environment) for the PDFs; otherwise standard library only.
"""

import argparse
import collections
import json
import os
import re
import sys

TYPES = "fact number inspection recommendation action people multi temporal list unanswerable".split()
SPLITS = ["tune", "report"]
KEYS = {"id", "question", "type", "answer", "key_facts", "evidence", "split"}
OPTIONAL_KEYS = {"near_miss"}
PDF_DIRS = ("kent", "ofsted-ilacs", "ofsted-send")
MIN_TOTAL = 200
MIN_NEAR_MISS = 40
MIN_SPECIAL = 20  # people, temporal, list
SPECIAL_TYPES = {"people", "temporal", "list"}
MIN_PER_TYPE = 12
QUOTE_MIN, QUOTE_MAX = 40, 250
SOFT_HYPHEN = "\ufffe"

# Single words a grader cannot check without false positives: grades, the papers' everyday
# vocabulary, months.  A lower-case single word is rejected anyway; this list catches capitalised ones.
COMMON_WORDS = set(
    """
    a an the and or of in on at to for by with from as is are was were be been it its this that these those
    yes no not none all some any each every more most less least many few other others new old same
    good outstanding inadequate adequate requires require improvement improvements improve improved
    effective ineffective strong weak poor positive negative variable consistent inconsistent
    council councils county borough city district cabinet committee committees panel board boards member members
    councillor councillors chairman chair vice leader officer officers director directors ward wards
    children child young people person family families parent parents carer carers adult adults
    school schools pupil pupils education health care social services service work worker workers
    plan plans report reports review reviews inspection inspections inspector inspectors ofsted
    budget budgets funding cost costs money savings spend spending reserve reserves grant
    meeting meetings minutes agenda item items motion motions amendment amendments vote votes
    agreed resolved carried approved noted endorsed rejected deferred adopted accepted declined
    recommendation recommendations action actions decision decisions policy policies strategy
    adoption fostering foster leavers leaver protection safeguarding help need needs
    local area areas partnership national government public
    high low higher lower increase increased decrease decreased rise rose fall fell
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    week weeks month months year years day days time today
    one two three four five six seven eight nine ten first second third last next
    """.split()
)


def repo_root():
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def collapse(text):
    """Every run of whitespace (line breaks included) as one space."""
    return re.sub(r"\s+", " ", text)


def load_pdf_pages(path):
    """The text of each page of a PDF as pypdfium2 extracts it."""
    import pypdfium2  # the project's environment has it; imported here so --help works without

    pdf = pypdfium2.PdfDocument(path)
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


class Corpus:
    """The seed texts and PDF texts, by bare file name."""

    def __init__(self, root):
        self.raw = {}  # name -> text to match quotes against (seeds raw, PDFs collapsed)
        self.pages = {}  # PDF name -> collapsed text of each page
        seeds = os.path.join(root, "seeds")
        if os.path.isdir(seeds):
            for name in sorted(os.listdir(seeds)):
                if name.endswith(".txt"):
                    with open(os.path.join(seeds, name), encoding="utf-8") as fh:
                        self.raw[name] = fh.read()
        for sub in PDF_DIRS:
            folder = os.path.join(root, sub)
            if not os.path.isdir(folder):
                continue
            for name in sorted(os.listdir(folder)):
                if name.lower().endswith(".pdf"):
                    pages = load_pdf_pages(os.path.join(folder, name))
                    self.pages[name] = [collapse(p) for p in pages]
                    self.raw[name] = collapse("\n".join(pages))
        # lower-cased, whitespace-collapsed text: for key facts and for quote spans
        self.norm = {name: collapse(text).lower() for name, text in self.raw.items()}

    def __contains__(self, name):
        return name in self.raw


def norm_quote(quote):
    return collapse(quote).strip().lower()


def quote_spans(norm_text, nq):
    spans, start = [], norm_text.find(nq)
    while start != -1 and nq:
        spans.append((start, start + len(nq)))
        start = norm_text.find(nq, start + 1)
    return spans


def is_common_single_word(fact):
    f = fact.strip()
    if re.search(r"\s", f) or not re.fullmatch(r"[A-Za-z][A-Za-z'’-]*", f):
        return False  # several words, or holds digits/symbols: specific enough
    if "-" in f:
        return f.lower() in COMMON_WORDS  # a compound ("re-referral", "tri-borough") is specific
    return f == f.lower() or f.lower() in COMMON_WORDS


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "corpus", nargs="?", default=os.path.join(repo_root(), "corpus"), help="corpus dir (seeds/, kent/, ...)"
    )
    ap.add_argument(
        "--dev", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "dev.jsonl"), help="path to dev.jsonl"
    )
    args = ap.parse_args(argv)

    errors, warnings = [], []
    if not os.path.isdir(args.corpus):
        print(f"ERROR: corpus dir not found: {args.corpus}")
        return 1
    corpus = Corpus(args.corpus)
    if not corpus.raw:
        print(f"ERROR: no seed .txt or PDF files under {args.corpus}")
        return 1

    items = []
    with open(args.dev, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                errors.append(f"line {lineno}: blank line")
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"line {lineno}: invalid JSON ({exc})")
                continue
            if not isinstance(obj, dict):
                errors.append(f"line {lineno}: not a JSON object")
                continue
            items.append((lineno, obj))

    seen = set()
    file_use = collections.Counter()
    placed = collections.defaultdict(list)  # file -> [(start, end, split, qid)]
    pdf_grounded = answerable = near_miss = 0
    for idx, (lineno, q) in enumerate(items, 1):
        qid = q.get("id", f"<line {lineno}>")
        where = f"{qid} (line {lineno})"
        keys = set(q)
        qtype, split = q.get("type"), q.get("split")
        if not KEYS <= keys or keys - KEYS - OPTIONAL_KEYS:
            errors.append(f"{where}: keys {sorted(keys)} != {sorted(KEYS)} (+ optional {sorted(OPTIONAL_KEYS)})")
        if qtype == "unanswerable":
            if not isinstance(q.get("near_miss"), bool):
                errors.append(f"{where}: unanswerable items need near_miss true/false")
            elif q["near_miss"]:
                near_miss += 1
        elif "near_miss" in q:
            errors.append(f"{where}: near_miss is only for unanswerable items")
        if qid != f"q{idx:03d}":
            errors.append(f"{where}: expected id q{idx:03d}")
        if qid in seen:
            errors.append(f"{where}: duplicate id")
        seen.add(qid)
        if qtype not in TYPES:
            errors.append(f"{where}: bad type {qtype!r}")
        if split not in SPLITS:
            errors.append(f"{where}: bad split {split!r}")
        question = q.get("question")
        if not isinstance(question, str) or len(question.strip()) < 10:
            errors.append(f"{where}: question missing/too short")
            question = ""
        answer = q.get("answer")
        facts = q.get("key_facts")
        evidence = q.get("evidence")
        if not isinstance(answer, str):
            errors.append(f"{where}: answer must be a string")
            answer = ""
        if not isinstance(facts, list) or not all(isinstance(f, str) and f for f in facts):
            errors.append(f"{where}: key_facts must be a list of non-empty strings")
            facts = []
        if not isinstance(evidence, list):
            errors.append(f"{where}: evidence must be a list")
            evidence = []

        if qtype == "unanswerable":
            if answer or facts or evidence:
                errors.append(f"{where}: unanswerable items need answer '', key_facts [], evidence []")
            continue

        answerable += 1
        if not answer:
            errors.append(f"{where}: empty answer")
        if not 1 <= len(facts) <= 3:
            errors.append(f"{where}: key_facts must have 1-3 entries (has {len(facts)})")
        if not evidence:
            errors.append(f"{where}: answerable item without evidence")
        if qtype in ("multi", "list") and len(evidence) < 2:
            errors.append(f"{where}: {qtype} item needs >= 2 evidence quotes")

        ev_files = []
        for j, ev in enumerate(evidence):
            tag = f"{where} evidence[{j}]"
            if not isinstance(ev, dict) or set(ev) != {"file", "quote"}:
                errors.append(f"{tag}: must be {{file, quote}}")
                continue
            fname, quote = ev["file"], ev["quote"]
            if not isinstance(quote, str) or not isinstance(fname, str):
                errors.append(f"{tag}: file and quote must be strings")
                continue
            if fname not in corpus:
                errors.append(f"{tag}: unknown file {fname!r}")
                continue
            ev_files.append(fname)
            file_use[fname] += 1
            if not QUOTE_MIN <= len(quote) <= QUOTE_MAX:
                errors.append(f"{tag}: quote length {len(quote)} outside {QUOTE_MIN}-{QUOTE_MAX}")
            if fname.endswith(".pdf"):
                if quote != collapse(quote) or quote != quote.strip():
                    errors.append(f"{tag}: PDF quote must be whitespace-collapsed (single spaces, no line breaks)")
                if SOFT_HYPHEN in quote:
                    errors.append(f"{tag}: quote crosses a hyphenated line end (U+FFFE)")
                elif quote in corpus.raw[fname] and not any(quote in page for page in corpus.pages[fname]):
                    warnings.append(f"{tag}: quote crosses a page break in {fname}")
            elif "\n" in quote:
                errors.append(f"{tag}: quote spans a line break")
            count = corpus.raw[fname].count(quote)
            if count == 0:
                errors.append(f"{tag}: quote not found verbatim in {fname}: {quote[:80]!r}")
            elif count > 1:
                warnings.append(f"{tag}: quote occurs {count}x in {fname}")
            if "\t" in quote:
                warnings.append(f"{tag}: quote contains a tab (table row)")
            for start, end in quote_spans(corpus.norm[fname], norm_quote(quote)):
                placed[fname].append((start, end, split, qid))
        if any(f.endswith(".pdf") for f in ev_files):
            pdf_grounded += 1
        for fact in facts:
            low = collapse(fact).lower()
            if low not in collapse(answer).lower():
                errors.append(f"{where}: key fact {fact!r} missing from the reference answer")
            if not any(low in corpus.norm[f] for f in set(ev_files)):
                errors.append(f"{where}: key fact {fact!r} not found in evidence file(s) {sorted(set(ev_files))}")
            if low in collapse(question).lower():
                errors.append(f"{where}: key fact {fact!r} appears in the question")
            if len(fact.strip()) < 3:
                errors.append(f"{where}: key fact {fact!r} is too short to check")
            elif is_common_single_word(fact):
                errors.append(f"{where}: key fact {fact!r} is a single common word")

    # no evidence quote (or overlapping quote) in both splits
    leaks = set()
    for fname, spans in placed.items():
        spans.sort()
        for i, (_s1, e1, sp1, q1) in enumerate(spans):
            for s2, _e2, sp2, q2 in spans[i + 1 :]:
                if s2 >= e1:
                    break
                if sp1 != sp2:
                    leaks.add((min(q1, q2), max(q1, q2), fname))
    for q1, q2, fname in sorted(leaks):
        errors.append(f"{q1} and {q2}: overlapping evidence quotes in {fname} are in different splits")

    # aggregate checks
    by_type = collections.Counter(q.get("type") for _, q in items)
    by_split = collections.Counter(q.get("split") for _, q in items)
    table = collections.Counter((q.get("type"), q.get("split")) for _, q in items)
    if len(items) < MIN_TOTAL:
        errors.append(f"only {len(items)} questions (< {MIN_TOTAL})")
    if near_miss < MIN_NEAR_MISS:
        errors.append(f"only {near_miss} near-miss unanswerable questions (< {MIN_NEAR_MISS})")
    for t in TYPES:
        need = MIN_SPECIAL if t in SPECIAL_TYPES else MIN_PER_TYPE
        if by_type[t] < need:
            errors.append(f"type {t}: {by_type[t]} questions (< {need})")
        for s in SPLITS:
            if table[(t, s)] == 0:
                errors.append(f"type {t} has no {s!r} questions")
    for name in corpus.raw:
        if file_use[name] == 0:
            errors.append(f"corpus file {name} is never cited")
    if items:
        tune_share = by_split["tune"] / len(items)
        if not 0.3 <= tune_share <= 0.5:
            warnings.append(f"tune share {tune_share:.0%} far from 40%")
    if answerable:
        share = pdf_grounded / answerable
        if not 0.45 <= share <= 0.6:
            warnings.append(f"{share:.0%} of answerable questions cite a PDF (aim 45-60%)")

    print(f"{'type':<16}{'tune':>6}{'report':>8}{'total':>7}")
    for t in TYPES:
        print(f"{t:<16}{table[(t, 'tune')]:>6}{table[(t, 'report')]:>8}{by_type[t]:>7}")
    print(f"{'TOTAL':<16}{by_split['tune']:>6}{by_split['report']:>8}{len(items):>7}")
    print(f"near-miss unanswerable: {near_miss}; answerable citing a PDF: {pdf_grounded}/{answerable}")
    print("evidence quotes per file:")
    for name in sorted(corpus.raw):
        print(f"  {name}: {file_use[name]}")
    for w in warnings:
        print("WARNING:", w)
    for e in errors:
        print("ERROR:", e)
    print("OK" if not errors else f"FAILED: {len(errors)} error(s)")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
