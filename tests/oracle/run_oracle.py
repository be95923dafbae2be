#!/usr/bin/python3
"""Runs zeekgraph and the pandas oracle on the same input and compares.

For each thread count, zeekgraph's CSV must match the oracle cell by cell
(see compare_csv.py), and its per-file line accounting (lines read, rows
used, rejected, dropped for a null key) must equal the oracle's.

usage: run_oracle.py ZEEKGRAPH WORKDIR [--threads 1,2] [--each] INPUT...
  --each   check every file under the inputs on its own (a directory sweep)
Exit: 0 all match, 1 a mismatch, 77 inputs absent (CTest skip).
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"


def files_under(paths):
    out = []
    for p in paths:
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                for n in names:
                    if n.endswith(".md"):
                        continue
                    out.append(os.path.join(root, n))
        else:
            out.append(p)
    return sorted(out)


def check(zg, work, inputs, threads, label):
    os.makedirs(work, exist_ok=True)
    oracle_csv = os.path.join(work, "oracle.csv")
    oracle_json = os.path.join(work, "oracle.json")
    r = subprocess.run([PY, os.path.join(HERE, "seed_oracle.py"), oracle_csv, oracle_json] +
                       files_under(inputs),
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(f"FAIL {label}: oracle failed:\n{r.stderr[-2000:]}")
        return False
    oracle = json.load(open(oracle_json))
    ok = True
    for t in threads:
        ours_csv = os.path.join(work, f"ours-j{t}.csv")
        ours_json = os.path.join(work, f"ours-j{t}.json")
        # Directories are read as zeekgraph reads them; the oracle got the
        # same sorted file list.
        cmd = [zg, "summarize", "-q", "--no-progress", "--log-path", "*", "-j", str(t),
               "-o", ours_csv, "--report", ours_json] + inputs
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            print(f"FAIL {label} -j{t}: zeekgraph exited {r.returncode}:\n{r.stderr[-2000:]}")
            ok = False
            continue
        r = subprocess.run([PY, os.path.join(HERE, "compare_csv.py"), ours_csv, oracle_csv],
                           capture_output=True, text=True)
        print(f"{label} -j{t}: {r.stdout.strip()}")
        if r.returncode != 0:
            ok = False
        ours = json.load(open(ours_json))
        for fo, fp in zip(ours["files"], oracle["files"]):
            for k in ("lines_read", "rows_used", "rows_rejected", "rows_null_key"):
                if fo[k] != fp[k]:
                    print(f"FAIL {label} -j{t}: {fo['path']}: {k} ours {fo[k]} pandas {fp[k]}")
                    ok = False
            if fo["lines_read"] != fo["rows_used"] + fo["rows_rejected"] + fo["rows_null_key"]:
                print(f"FAIL {label}: accounting invariant broken for {fo['path']}")
                ok = False
        if len(ours["files"]) != len(oracle["files"]):
            print(f"FAIL {label}: {len(ours['files'])} files read, oracle read {len(oracle['files'])}")
            ok = False
    return ok


def main():
    args = sys.argv[1:]
    zg, work = args[0], args[1]
    args = args[2:]
    threads = [1, 2]
    each = False
    inputs = []
    i = 0
    while i < len(args):
        if args[i] == "--threads":
            threads = [int(x) for x in args[i + 1].split(",")]
            i += 2
        elif args[i] == "--each":
            each = True
            i += 1
        else:
            inputs.append(args[i])
            i += 1
    missing = [p for p in inputs if not os.path.exists(p)]
    if missing:
        print(f"SKIP: input not found: {', '.join(missing)} (is ../shared beside the checkout?)")
        return 77
    if each:
        files = files_under(inputs)
        bad = 0
        for n, f in enumerate(files):
            if not check(zg, os.path.join(work, str(n)), [f], threads, os.path.relpath(f, inputs[0])):
                bad += 1
        print(f"{len(files) - bad} of {len(files)} files match pandas")
        return 1 if bad else 0
    return 0 if check(zg, work, inputs, threads, " ".join(os.path.basename(p) for p in inputs)) else 1


if __name__ == "__main__":
    sys.exit(main())
