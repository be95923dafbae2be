#!/usr/bin/python3
"""Compares zeekgraph's CSV with the pandas oracle's, cell by cell.

Every cell must have identical text, float sums and means included: at any
thread count zeekgraph sums float columns in input order, as pandas does
(agg/sum_replay). Prints what it found; exit 1 on a mismatch.

usage: compare_csv.py ZEEKGRAPH.csv ORACLE.csv
"""
import csv
import sys


def main():
    ours, theirs = sys.argv[1], sys.argv[2]
    with open(ours, newline="") as f:
        a = list(csv.reader(f))
    with open(theirs, newline="") as f:
        b = list(csv.reader(f))
    if not b:  # pandas writes an empty file for an empty frame
        b = a[:1] if a else []
    if a[:1] != b[:1]:
        print(f"FAIL header differs:\n  ours:   {a[:1]}\n  pandas: {b[:1]}")
        return 1
    if len(a) != len(b):
        print(f"FAIL row count: ours {len(a) - 1}, pandas {len(b) - 1}")
        return 1
    header = a[0] if a else []
    identical = bad = 0
    shown = 0
    for r, (ra, rb) in enumerate(zip(a[1:], b[1:]), start=1):
        for c, (x, y) in enumerate(zip(ra, rb)):
            if x == y:
                identical += 1
                continue
            bad += 1
            if shown < 10:
                shown += 1
                print(f"  row {r} column '{header[c]}': ours '{x}' pandas '{y}'")
    status = "FAIL" if bad else "ok"
    print(f"{status}: {len(a) - 1} rows, {identical} cells identical, {bad} different")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
