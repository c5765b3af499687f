#!/usr/bin/env python3
"""Assign every question of the development set to the "tune" or the "report" split.

Usage:
    python3 evals/data/split_dev.py [--dev PATH] [--check]

Rewrites the "split" field of every line of dev.jsonl (default: dev.jsonl next to this script) in
place, leaving every other field and the order of lines as they are.  --check only reports whether
the file already holds the split this script would write (exit status 1 if not).

How the split is drawn (deterministic: rerunning gives the same split for the same questions):
  1. Questions that share evidence are grouped first, so that no evidence quote is in both
     splits: two questions are in one group when they cite the same file with quotes that, after
     lower-casing and collapsing whitespace, are equal, one contains the other, or one's end
     overlaps the other's start by at least OVERLAP_MIN characters (overlapping spans of the
     file).  Groups are closed transitively (union-find).
  2. Each group is filed under the type of its first question (lowest id); the groups of each
     type form one stratum, so both splits hold every type.
  3. Within each stratum (types in sorted order) the groups are shuffled with
     random.Random(SEED) and dealt out in that order: a group goes to "tune" while the stratum's
     tune count stays within TUNE_SHARE (40%) of its questions, otherwise to "report".  A stratum
     of two or more groups always gets at least one group in each split.

Standard library only.
"""

import argparse
import collections
import json
import os
import random
import re
import sys

SEED = 20261202
TUNE_SHARE = 0.4
OVERLAP_MIN = 8
SPLITS = ("tune", "report")


def norm(quote):
    return re.sub(r"\s+", " ", quote).strip().lower()


def overlaps(a, b):
    """Whether two normalised quotes of one file may cover overlapping text."""
    if a in b or b in a:
        return True
    for x, y in ((a, b), (b, a)):
        for k in range(min(len(x), len(y)) - 1, OVERLAP_MIN - 1, -1):
            if x.endswith(y[:k]):
                return True
    return False


class UnionFind:
    def __init__(self, n):
        self.parent = list(range(n))

    def find(self, i):
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i, j):
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


def group_questions(questions):
    """Lists of question indexes that share (or overlap in) an evidence quote."""
    uf = UnionFind(len(questions))
    by_file = collections.defaultdict(list)  # file -> [(question index, normalised quote)]
    for i, q in enumerate(questions):
        for ev in q.get("evidence", []):
            by_file[ev["file"]].append((i, norm(ev["quote"])))
    for quotes in by_file.values():
        for a in range(len(quotes)):
            for b in range(a + 1, len(quotes)):
                (i, qa), (j, qb) = quotes[a], quotes[b]
                if i != j and uf.find(i) != uf.find(j) and overlaps(qa, qb):
                    uf.union(i, j)
    groups = collections.defaultdict(list)
    for i in range(len(questions)):
        groups[uf.find(i)].append(i)
    return sorted(groups.values())


def assign_splits(questions, seed=SEED, tune_share=TUNE_SHARE):
    """The split of each question (a list parallel to `questions`)."""
    rng = random.Random(seed)
    strata = collections.defaultdict(list)
    for g in group_questions(questions):
        strata[questions[g[0]]["type"]].append(g)
    splits = [None] * len(questions)
    for qtype in sorted(strata):
        groups = strata[qtype]
        rng.shuffle(groups)
        size = sum(len(g) for g in groups)
        target = tune_share * size
        chosen, tune_n = [], 0
        for g in groups:
            if tune_n + len(g) / 2 <= target:
                chosen.append("tune")
                tune_n += len(g)
            else:
                chosen.append("report")
        if len(groups) >= 2 and len(set(chosen)) == 1:  # both splits must hold this stratum
            chosen[-1] = "report" if chosen[-1] == "tune" else "tune"
        for g, split in zip(groups, chosen, strict=True):
            for i in g:
                splits[i] = split
    return splits


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--dev", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "dev.jsonl"), help="path to dev.jsonl"
    )
    ap.add_argument("--check", action="store_true", help="only report whether the file holds this split")
    args = ap.parse_args(argv)

    with open(args.dev, encoding="utf-8") as fh:
        questions = [json.loads(line) for line in fh if line.strip()]
    splits = assign_splits(questions)

    if args.check:
        differ = [q["id"] for q, s in zip(questions, splits, strict=True) if q.get("split") != s]
        if differ:
            print(f"{len(differ)} question(s) not in the split this script draws: {', '.join(differ[:10])}")
            return 1
        print("OK: the file holds the split this script draws")
        return 0

    with open(args.dev, "w", encoding="utf-8") as fh:
        for q, split in zip(questions, splits, strict=True):
            q = {k: v for k, v in q.items() if k != "split"}
            q["split"] = split
            fh.write(json.dumps(q, ensure_ascii=False) + "\n")
    counts = collections.Counter((q["type"], s) for q, s in zip(questions, splits, strict=True))
    types = sorted({q["type"] for q in questions})
    print(f"{'type':<16}{'tune':>6}{'report':>8}")
    for t in types:
        print(f"{t:<16}{counts[(t, 'tune')]:>6}{counts[(t, 'report')]:>8}")
    total = collections.Counter(splits)
    print(f"{'TOTAL':<16}{total['tune']:>6}{total['report']:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
