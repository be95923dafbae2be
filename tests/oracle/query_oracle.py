#!/usr/bin/python3
"""Queries beyond the tutorial's summary, against pandas: top-N (--sort,
--limit) on a generated headerless log, read as the tutorial reads it.
Each case runs zeekgraph and the same query in pandas, and compares the
CSV bytes.

usage: query_oracle.py ZEEKGRAPH WORKDIR [ROWS]
"""
import os
import subprocess
import sys

import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from seed_oracle import SEED_NAMES  # noqa: E402

zg, work = os.path.realpath(sys.argv[1]), sys.argv[2]
rows = sys.argv[3] if len(sys.argv) > 3 else "200000"
os.makedirs(work, exist_ok=True)
log = os.path.join(work, "conn.log")
subprocess.run([zg, "gen", "--rows", rows, "--seed", "21", "-o", log], check=True)
df = pd.read_csv(log, sep="\t", header=None, names=SEED_NAMES, na_values=["-"], index_col=False)


def grouped(by, aggs):
    """pandas' groupby + agg, with the flattened 'col fn' names zeekgraph writes."""
    out = df.groupby(by).agg(aggs).reset_index()
    out.columns = [" ".join(c).strip() for c in out.columns.values]
    return out


def top(frame, keys, ascending, n):
    return frame.sort_values(keys, ascending=ascending, kind="stable", na_position="last").head(n)


CASES = [
    ("most distinct ports per source",
     ["--by", "id.orig_h", "--agg", "id.resp_p:nunique", "--sort", "id.resp_p nunique:desc", "--limit", "10"],
     lambda: top(grouped(["id.orig_h"], {"id.resp_p": ["nunique"]}), ["id.resp_p nunique"], [False], 10)),
    ("two keys, float mean descending then host ascending, nulls last",
     ["--by", "id.orig_h,conn_state", "--agg", "duration:mean;orig_bytes:sum", "--sort",
      "duration mean:desc,id.orig_h", "--limit", "25"],
     lambda: top(grouped(["id.orig_h", "conn_state"], {"duration": ["mean"], "orig_bytes": ["sum"]}),
                 ["duration mean", "id.orig_h"], [False, True], 25)),
    ("the whole summary sorted by a text column, no limit",
     ["--sort", "conn_state_uid:desc"],
     None),
]

failures = 0
for name, args, expected in CASES:
    out = os.path.join(work, "zg.csv")
    subprocess.run([zg, "summarize", log, "-q", "--no-progress", "-o", out] + args, check=True)
    got = open(out).read()
    if expected is None:
        # Sorting the summary itself: pandas sorts zeekgraph's unsorted summary.
        plain = os.path.join(work, "plain.csv")
        subprocess.run([zg, "summarize", log, "-q", "--no-progress", "-o", plain], check=True)
        s = pd.read_csv(plain, dtype=str, keep_default_na=False)
        want = s.sort_values(["conn_state_uid"], ascending=[False], kind="stable").to_csv(index=False)
    else:
        want = expected().to_csv(index=False)
    ok = got == want
    failures += not ok
    print(("ok   " if ok else "FAIL ") + f"{name}: {len(got.splitlines()) - 1} rows")
    if not ok:
        print("  zeekgraph:", got.splitlines()[:3])
        print("  pandas:   ", want.splitlines()[:3])
sys.exit(1 if failures else 0)
