#!/usr/bin/python3
"""zeekgraph.summarize() against the Graphistry tutorial's own pandas code:
pandas.testing.assert_frame_equal(check_exact=True), so the same 24 columns,
names, dtypes, RangeIndex and every value to the last bit, at 1 and 2
threads; and the report's line accounting against the oracle's.

usage: summary_frame_test.py ZEEKGRAPH WORKDIR generated|gz-header|real [ZEEK_REAL_DIR]
  generated  a 200,000-row headerless log, read by the tutorial's read_csv
  gz-header  a 200,000-row Zeek TSV log with its header, gzip-compressed
  real       of each source under ZEEK_REAL_DIR, its biggest log (at least 10)
Exit: 0 equal, 1 a difference, 77 ZEEK_REAL_DIR absent (CTest skip).
"""
import os
import subprocess
import sys
import warnings

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "oracle"))
import seed_oracle  # noqa: E402  the tutorial's code, verbatim, and its reader

import zeekgraph  # noqa: E402


def tutorial_frame(path):
    """df_summary as the tutorial makes it: its read_csv for its headerless
    layout, else the oracle's independent reader, then its code verbatim."""
    if seed_oracle.read_bytes(path)[:1] not in (b"#", b"{"):
        df = pd.read_csv(path, sep="\t", header=None, names=seed_oracle.SEED_NAMES, na_values=['-'],
                         index_col=False)
        stats = None
    else:
        r = seed_oracle.Reader()
        r.read(path)
        df = r.frame()
        stats = r.stats[0]
    return (seed_oracle.seed_summary(df) if len(df) else None), stats


def check(path, label):
    want, stats = tutorial_frame(path)
    ok = True
    for threads in (1, 2):
        with warnings.catch_warnings():  # bad lines are counted in the report, checked below
            warnings.simplefilter("ignore", zeekgraph.InputWarning)
            got = zeekgraph.summarize(path, threads=threads, progress=False)
        try:
            if want is None:
                assert len(got) == 0 and len(got.columns) == 24, f"expected no rows, got {got.shape}"
            else:
                pd.testing.assert_frame_equal(got, want, check_exact=True)
        except AssertionError as e:
            print(f"FAIL {label} threads={threads}: {e}")
            ok = False
            continue
        report = got.attrs["zeekgraph"]
        if stats is not None:
            f = report.files[0]
            for k in ("lines_read", "rows_used", "rows_rejected", "rows_null_key"):
                if getattr(f, k) != stats[k]:
                    print(f"FAIL {label}: report {k} {getattr(f, k)}, the oracle counted {stats[k]}")
                    ok = False
    if ok:
        print(f"ok {label}: {0 if want is None else len(want)} rows x 24 columns equal (check_exact), threads 1 and 2")
    return ok


def biggest_per_source(root):
    picked = []
    for source in sorted(os.listdir(root)):
        d = os.path.join(root, source)
        if not os.path.isdir(d):
            continue
        files = [os.path.join(r, n) for r, _, names in os.walk(d) for n in names if not n.endswith(".md")]
        if files:
            picked.append(max(sorted(files), key=os.path.getsize))
    return picked


def main():
    zg, work, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(work, exist_ok=True)
    if mode == "generated":
        paths = [os.path.join(work, "conn.log")]
        subprocess.run([zg, "gen", "--rows", "200000", "--seed", "7", "-o", paths[0]], check=True)
    elif mode == "gz-header":
        paths = [os.path.join(work, "conn.log.gz")]
        subprocess.run([zg, "gen", "--rows", "200000", "--seed", "11", "--header", "-o", paths[0]], check=True)
    else:
        root = sys.argv[4]
        if not os.path.isdir(root):
            print(f"skip: {root} is absent (../shared holds the real logs)")
            return 77
        paths = biggest_per_source(root)
        if len(paths) < 10:
            print(f"FAIL: only {len(paths)} real logs under {root}, want at least 10")
            return 1
    results = [check(p, os.path.relpath(p, work) if mode != "real" else os.path.relpath(p, sys.argv[4]))
               for p in paths]
    print(f"{sum(results)} of {len(results)} inputs equal")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
