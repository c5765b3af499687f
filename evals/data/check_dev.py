#!/usr/bin/env python3
"""Validate the evaluation development set (dev.jsonl) against the seed papers.

Usage:
    python3 evals/data/check_dev.py [SEEDS_DIR] [--dev PATH]

SEEDS_DIR defaults to ../shared/seeds relative to the repository root (the
directory two levels above this file), i.e. /work/shared/seeds for a checkout
at /work/main.  --dev defaults to dev.jsonl next to this script.

Checks (errors make the exit status 1):
  * every line is a JSON object with exactly the expected keys;
  * ids are q001, q002, ... in order and unique;
  * type and split values are valid;
  * unanswerable items have answer "", key_facts [] and evidence [];
  * answerable items have a non-empty answer, 1-3 key_facts and >= 1 evidence
    item ("multi" items need >= 2 evidence items);
  * every evidence file exists in SEEDS_DIR and every quote is an exact
    substring of that file, sits on one line and is 40-250 characters long;
  * every key fact occurs (case-insensitively) in at least one evidence file
    and in the reference answer;
  * at least 90 questions, at least 7 per type, every type in both splits.
Warnings (not errors): quotes containing tabs, quotes that occur more than
once in their file, split ratio far from 40/60.

Standard library only.
"""

import argparse
import collections
import json
import os
import sys

TYPES = ["fact", "number", "inspection", "recommendation", "action", "people", "multi", "temporal", "unanswerable"]
SPLITS = ["tune", "report"]
KEYS = {"id", "question", "type", "answer", "key_facts", "evidence", "split"}
MIN_TOTAL = 90
MIN_PER_TYPE = 7
QUOTE_MIN, QUOTE_MAX = 40, 250


def default_seeds_dir():
    here = os.path.dirname(os.path.abspath(__file__))
    repo_root = os.path.dirname(os.path.dirname(here))
    return os.path.normpath(os.path.join(repo_root, "..", "shared", "seeds"))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("seeds", nargs="?", default=default_seeds_dir(), help="directory holding the seed .txt files")
    ap.add_argument(
        "--dev", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "dev.jsonl"), help="path to dev.jsonl"
    )
    args = ap.parse_args(argv)

    errors, warnings = [], []
    if not os.path.isdir(args.seeds):
        print(f"ERROR: seeds dir not found: {args.seeds}")
        return 1
    texts = {}
    for name in sorted(os.listdir(args.seeds)):
        if name.endswith(".txt"):
            with open(os.path.join(args.seeds, name), encoding="utf-8") as fh:
                texts[name] = fh.read()
    lowered = {k: v.lower() for k, v in texts.items()}

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
    for idx, (lineno, q) in enumerate(items, 1):
        qid = q.get("id", f"<line {lineno}>")
        where = f"{qid} (line {lineno})"
        keys = set(q)
        if keys != KEYS:
            errors.append(f"{where}: keys {sorted(keys)} != {sorted(KEYS)}")
        if qid != f"q{idx:03d}":
            errors.append(f"{where}: expected id q{idx:03d}")
        if qid in seen:
            errors.append(f"{where}: duplicate id")
        seen.add(qid)
        qtype, split = q.get("type"), q.get("split")
        if qtype not in TYPES:
            errors.append(f"{where}: bad type {qtype!r}")
        if split not in SPLITS:
            errors.append(f"{where}: bad split {split!r}")
        if not isinstance(q.get("question"), str) or len(q["question"].strip()) < 10:
            errors.append(f"{where}: question missing/too short")
        answer = q.get("answer")
        facts = q.get("key_facts")
        evidence = q.get("evidence")
        if not isinstance(answer, str):
            errors.append(f"{where}: answer must be a string")
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

        if not answer:
            errors.append(f"{where}: empty answer")
        if not 1 <= len(facts) <= 3:
            errors.append(f"{where}: key_facts must have 1-3 entries (has {len(facts)})")
        if not evidence:
            errors.append(f"{where}: answerable item without evidence")
        if qtype == "multi" and len(evidence) < 2:
            errors.append(f"{where}: multi item needs >= 2 evidence quotes")

        ev_files = []
        for j, ev in enumerate(evidence):
            tag = f"{where} evidence[{j}]"
            if not isinstance(ev, dict) or set(ev) != {"file", "quote"}:
                errors.append(f"{tag}: must be {{file, quote}}")
                continue
            fname, quote = ev["file"], ev["quote"]
            if fname not in texts:
                errors.append(f"{tag}: unknown file {fname!r}")
                continue
            ev_files.append(fname)
            file_use[fname] += 1
            if "\n" in quote:
                errors.append(f"{tag}: quote spans a line break")
            if not QUOTE_MIN <= len(quote) <= QUOTE_MAX:
                errors.append(f"{tag}: quote length {len(quote)} outside {QUOTE_MIN}-{QUOTE_MAX}")
            count = texts[fname].count(quote)
            if count == 0:
                errors.append(f"{tag}: quote not found verbatim in {fname}: {quote[:80]!r}")
            elif count > 1:
                warnings.append(f"{tag}: quote occurs {count}x in {fname}")
            if "\t" in quote:
                warnings.append(f"{tag}: quote contains a tab (table row)")
        for fact in facts:
            if isinstance(answer, str) and fact.lower() not in answer.lower():
                errors.append(f"{where}: key fact {fact!r} missing from the reference answer")
            if not any(fact.lower() in lowered[f] for f in set(ev_files)):
                errors.append(f"{where}: key fact {fact!r} not found in evidence file(s) {sorted(set(ev_files))}")

    # aggregate checks
    by_type = collections.Counter(q.get("type") for _, q in items)
    by_split = collections.Counter(q.get("split") for _, q in items)
    table = collections.Counter((q.get("type"), q.get("split")) for _, q in items)
    if len(items) < MIN_TOTAL:
        errors.append(f"only {len(items)} questions (< {MIN_TOTAL})")
    for t in TYPES:
        if by_type[t] < MIN_PER_TYPE:
            errors.append(f"type {t}: {by_type[t]} questions (< {MIN_PER_TYPE})")
        for s in SPLITS:
            if table[(t, s)] == 0:
                errors.append(f"type {t} has no {s!r} questions")
    for name in texts:
        if file_use[name] == 0:
            errors.append(f"seed file {name} is never cited")
    if items:
        tune_share = by_split["tune"] / len(items)
        if not 0.3 <= tune_share <= 0.5:
            warnings.append(f"tune share {tune_share:.0%} far from 40%")

    print(f"{'type':<16}{'tune':>6}{'report':>8}{'total':>7}")
    for t in TYPES:
        print(f"{t:<16}{table[(t, 'tune')]:>6}{table[(t, 'report')]:>8}{by_type[t]:>7}")
    print(f"{'TOTAL':<16}{by_split['tune']:>6}{by_split['report']:>8}{len(items):>7}")
    print("evidence quotes per file:")
    for name in sorted(texts):
        print(f"  {name}: {file_use[name]} ({len(texts[name])} chars)")
    for w in warnings:
        print("WARNING:", w)
    for e in errors:
        print("ERROR:", e)
    print("OK" if not errors else f"FAILED: {len(errors)} error(s)")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
