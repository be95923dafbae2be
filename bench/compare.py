#!/usr/bin/python3
"""Compare a peer's summary CSV with zeekgraph's (the reference).

usage: /usr/bin/python3 compare.py REFERENCE.csv PEER.csv   (exit 1 on any mismatch)

Rules:
  * same header (same columns, same order) and same rows in the same order;
  * a column is typed from the reference: string if some value is not a number,
    integer if every value is written as an integer, float otherwise;
  * strings compare exactly, integers exactly as numbers (288 == 288.0),
    floats within 1e-9 relative; an empty cell (null/NaN) only equals an empty cell.
The mismatch count is the number of reference rows that are not matched, in
place, by an equal peer row, plus any extra peer rows. `identical` says whether
the two files are byte for byte the same (pandas' to_csv and zeekgraph's CSV
are, when every value is).
"""
import csv
import math
import re
import sys
from decimal import Decimal, InvalidOperation

REL_TOL = 1e-9
_INT = re.compile(r"^[+-]?\d+$")


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows:
        return [], []
    return rows[0], rows[1:]


def column_kinds(rows, width):
    kinds = []
    for i in range(width):
        values = [r[i] for r in rows if i < len(r) and r[i] != ""]
        kind = "int"
        for v in values:
            try:
                float(v)
            except ValueError:
                kind = "str"
                break
            if not _INT.match(v):
                kind = "float"
        kinds.append(kind if values else "float")
    return kinds


def cell_equal(kind, a, b):
    if a == b:
        return True
    if kind == "str" or a == "" or b == "":
        return False
    if kind == "int":
        try:
            return Decimal(a) == Decimal(b)
        except InvalidOperation:
            return False
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return math.isclose(x, y, rel_tol=REL_TOL, abs_tol=0.0)


def compare(ref_path, peer_path, max_examples=5):
    """Returns a dict: ok, mismatches, ref_rows, peer_rows, examples (strings)."""
    ref_header, ref = read(ref_path)
    peer_header, peer = read(peer_path)
    with open(ref_path, "rb") as a, open(peer_path, "rb") as b:
        identical = a.read() == b.read()
    result = {"ok": False, "identical": identical, "mismatches": 0, "ref_rows": len(ref),
              "peer_rows": len(peer), "examples": []}
    if ref_header != peer_header:
        result["mismatches"] = max(len(ref), len(peer)) or 1
        result["examples"].append(f"header differs: {peer_header} != {ref_header}")
        return result
    kinds = column_kinds(ref, len(ref_header))
    bad = 0
    for n, (r, p) in enumerate(zip(ref, peer)):
        diffs = [i for i in range(len(ref_header))
                 if len(p) != len(r) or not cell_equal(kinds[i], r[i], p[i])]
        if diffs:
            bad += 1
            if len(result["examples"]) < max_examples:
                shown = ", ".join(f"{ref_header[i]}: {p[i] if i < len(p) else '<missing>'!r} != {r[i]!r}"
                                  for i in diffs[:4])
                result["examples"].append(f"row {n + 1} ({'/'.join(r[:3])}): {shown}")
    bad += abs(len(ref) - len(peer))
    if len(ref) != len(peer):
        result["examples"].append(f"{len(peer)} rows, expected {len(ref)}")
    result["mismatches"] = bad
    result["ok"] = bad == 0
    return result


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    res = compare(sys.argv[1], sys.argv[2])
    print(f"{res['mismatches']} mismatched rows ({res['peer_rows']} rows, reference {res['ref_rows']})"
          + (", byte-identical" if res["identical"] else ""))
    for e in res["examples"]:
        print("  " + e)
    sys.exit(0 if res["ok"] else 1)


if __name__ == "__main__":
    main()
