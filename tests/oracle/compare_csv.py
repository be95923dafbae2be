#!/usr/bin/python3
"""Compares zeekgraph's CSV with the pandas oracle's, cell by cell.

Keys, counts, nunique, min and max must have identical text. Float sums and
means must be identical, or within 1e-12 relative (summation order differs
when threads merge partial Kahan sums). Prints what it found; exit 1 on a
mismatch.

usage: compare_csv.py ZEEKGRAPH.csv ORACLE.csv [--exact]
"""
import csv
import math
import sys

REL = 1e-12


def main():
    ours, theirs = sys.argv[1], sys.argv[2]
    exact = "--exact" in sys.argv
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
    identical = close = bad = 0
    shown = 0
    for r, (ra, rb) in enumerate(zip(a[1:], b[1:]), start=1):
        for c, (x, y) in enumerate(zip(ra, rb)):
            if x == y:
                identical += 1
                continue
            name = header[c]
            ok = False
            if not exact and (name.endswith(" sum") or name.endswith(" mean")) and x and y:
                fx, fy = float(x), float(y)
                ok = fx == fy or abs(fx - fy) <= REL * max(abs(fx), abs(fy))
            if ok:
                close += 1
            else:
                bad += 1
                if shown < 10:
                    shown += 1
                    print(f"  row {r} column '{name}': ours '{x}' pandas '{y}'")
    status = "FAIL" if bad else "ok"
    print(f"{status}: {len(a) - 1} rows, {identical} cells identical, {close} within {REL} relative, "
          f"{bad} different")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
