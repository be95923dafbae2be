#!/usr/bin/python3
"""The Python API beyond the tutorial's defaults, against the CLI:

- summarize() with by/agg/where (dict and text forms), lists and globs of
  inputs: to_csv is byte for byte `zeekgraph summarize`'s CSV;
- rows(): the frame of `zeekgraph rows --format ndjson`, limit and offset;
- errors are exceptions of the right class carrying the engine's message
  (a caret under a bad --where, the hint);
- bad input is counted: the report's lines read / rejected, an InputWarning,
  StrictError under strict=True;
- the engine runs with the GIL released, and its progress counter counts the
  input's bytes.

usage: api_test.py ZEEKGRAPH WORKDIR
"""
import json
import os
import shutil
import subprocess
import sys
import threading
import warnings

import pandas as pd

import zeekgraph
from zeekgraph import _core

FAILS = []


def expect(cond, what):
    if not cond:
        FAILS.append(what)
        print(f"FAIL {what}")


def cli(zg, *args):
    return subprocess.run([zg, *args], check=True, capture_output=True).stdout


def queries(zg, log, work):
    cases = [
        (dict(by=['id.orig_h', 'id.resp_p'], agg={'duration': ['min', 'max', 'mean'], 'uid': 'nunique'},
              where='conn_state == "S0"'),
         ["--by", "id.orig_h,id.resp_p", "--agg", "duration:min,max,mean;uid:nunique", "--where", 'conn_state == "S0"']),
        (dict(by='id.resp_h', agg='total=orig_bytes+resp_bytes:sum,mean;ts:size'),
         ["--by", "id.resp_h", "--agg", "total=orig_bytes+resp_bytes:sum,mean;ts:size"]),
        (dict(where='id.orig_h in 192.168.202.0/24 and duration > 1.5', threads=1),
         ["--where", 'id.orig_h in 192.168.202.0/24 and duration > 1.5', "-j", "1"]),
    ]
    for kwargs, args in cases:
        got = zeekgraph.summarize(log, progress=False, **kwargs).to_csv(index=False).encode()
        want = cli(zg, "summarize", log, "-q", "--no-progress", *args)
        expect(got == want, f"summarize({kwargs}) differs from the CLI's CSV")
    # Several inputs: a list, and a glob.
    other = os.path.join(work, "conn-b.log")
    subprocess.run([zg, "gen", "--rows", "20000", "--seed", "9", "--header", "-o", other], check=True)
    want = cli(zg, "summarize", log, other, "-q", "--no-progress")
    expect(zeekgraph.summarize([log, other], progress=False).to_csv(index=False).encode() == want, "a list of inputs")
    expect(zeekgraph.summarize(os.path.join(work, "conn*.log"), progress=False).to_csv(index=False).encode() == want,
           "a glob")
    print("ok summarize(by, agg, where, lists, globs) equal the CLI")


def rows(zg, log):
    where = 'conn_state == "S0" and id.resp_p < 1024'
    got = zeekgraph.rows(log, where=where, columns=['ts', 'uid', 'id.orig_h', 'id.resp_p', 'duration'], limit=25)
    lines = cli(zg, "rows", log, "-q", "--where", where, "--columns", "ts,uid,id.orig_h,id.resp_p,duration",
                "--limit", "25", "--format", "ndjson").decode().splitlines()
    want = pd.DataFrame.from_records([json.loads(x) for x in lines],
                                     columns=['ts', 'uid', 'id.orig_h', 'id.resp_p', 'duration'])
    expect(len(got) == 25, f"rows(limit=25) gave {len(got)}")
    try:
        pd.testing.assert_frame_equal(got, want, check_exact=True)
    except AssertionError as e:
        expect(False, f"rows() differs from the CLI's: {e}")
    page2 = zeekgraph.rows(log, where=where, columns='ts,uid', limit=5, offset=20)
    expect(list(page2['uid']) == list(got['uid'][20:25]), "offset pages through the same rows")
    everything = zeekgraph.rows(log, limit=3)
    expect(list(everything.columns[:3]) == ['ts', 'uid', 'id.orig_h'] and len(everything.columns) == 20,
           f"every column of the tutorial's layout, time written ts: {list(everything.columns)}")
    none = zeekgraph.rows(log, columns=['uid'], limit=0)
    expect(len(none) == 0 and list(none.columns) == ['uid'], "limit=0: no rows, the columns named")
    report = got.attrs["zeekgraph"]
    expect(report.files and report.files[0].rows_filtered > 0, "rows() reports what where filtered out")
    print("ok rows() equal the CLI's")


def errors(log, work):
    try:
        zeekgraph.summarize(log, where='id.orig_h in 192.168.202.0/24 and proto > 5', progress=False)
        expect(False, "a mistyped where raises")
    except zeekgraph.UsageError as e:
        text = str(e)
        expect(isinstance(e, ValueError) and e.kind == "usage", "UsageError is a ValueError of kind usage")
        expect(text.startswith("where: 'proto' is text") and "^" in text and "hint: quote the value" in text,
               f"the engine's message, caret and hint: {text!r}")
        expect(e.at == len('id.orig_h in 192.168.202.0/24 and proto > '), f"fault offset {e.at}")
    try:
        zeekgraph.summarize(log, where='conn_state ==', progress=False)
        expect(False, "an unparsable where raises")
    except zeekgraph.UsageError as e:
        expect("^" in str(e), f"parse error points at the fault: {e}")
    try:
        zeekgraph.summarize(log, by=['no_such_column'], progress=False)
        expect(False, "an unknown column raises")
    except zeekgraph.UsageError as e:
        expect("no_such_column" in str(e) and e.hint, f"unknown column, with the input's columns as hint: {e}")
    try:
        zeekgraph.summarize(log, agg={'duration': ['median']}, progress=False)
        expect(False, "an unknown function raises")
    except zeekgraph.UsageError as e:
        expect("median" in str(e), f"unknown aggregate: {e}")
    try:
        zeekgraph.summarize(os.path.join(work, "missing.log"), progress=False)
        expect(False, "a missing input raises")
    except zeekgraph.InputError as e:
        expect(isinstance(e, OSError) and "missing.log" in str(e), f"missing input: {e}")
    try:
        zeekgraph.rows(log, columns=['nope'])
        expect(False, "rows: an unknown column raises")
    except zeekgraph.UsageError as e:
        expect("nope" in str(e), f"rows unknown column: {e}")
    print("ok errors")


def bad_input(zg, work):
    bad = os.path.join(work, "bad.log")
    subprocess.run([zg, "gen", "--rows", "2000", "--seed", "3", "--header", "-o", bad], check=True)
    with open(bad) as f:
        lines = f.read().splitlines(keepends=True)
    data = [i for i, x in enumerate(lines) if not x.startswith("#")]
    lines[data[10]] = "this\tline\thas\ttoo few fields\n"
    lines[data[20]] = lines[data[20]].replace("\t", "\tx\t", 1)
    with open(bad, "w") as f:
        f.writelines(lines)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        df = zeekgraph.summarize(bad, progress=False)
    report = df.attrs["zeekgraph"]
    f = report.files[0]
    expect((f.lines_read, f.rows_rejected) == (2000, 2), f"lines read {f.lines_read}, rejected {f.rows_rejected}")
    expect(f.lines_read == f.rows_used + f.rows_rejected + f.rows_null_key + f.rows_filtered, "accounting")
    expect(f.problems and f.problems[0].kind == "field-count" and f.problems[0].line > 0, "the first problem")
    expect(any(issubclass(w.category, zeekgraph.InputWarning) and "2 of 2000 lines rejected" in str(w.message)
               for w in seen), "an InputWarning names the rejected lines")
    js = json.loads(subprocess.run([zg, "summarize", bad, "-q", "-o", "/dev/null", "--report", "/dev/stdout"],
                                   check=True, capture_output=True).stdout)
    expect(js["files"][0]["rows_rejected"] == f.rows_rejected and js["files"][0]["lines_read"] == f.lines_read,
           "the report's counts are the CLI's --report counts")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            zeekgraph.summarize(bad, strict=True, progress=False)
        expect(False, "strict raises")
    except zeekgraph.StrictError as e:
        expect("strict" in str(e), f"strict message: {e}")
    print("ok bad input counted, warned, and strict")


def gil_and_progress(zg, work):
    big = os.path.join(work, "big.log")
    subprocess.run([zg, "gen", "--rows", "600000", "--seed", "4", "-o", big], check=True)
    req = _core.SummarizeRequest()
    req.inputs = [big]
    req.threads = 1
    counter = _core.Progress()
    ticks = [0]
    running = threading.Event()
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            if running.is_set():
                ticks[0] += 1

    t = threading.Thread(target=spin)
    t.start()
    running.set()
    _core.summarize(req, counter)
    running.clear()
    stop.set()
    t.join()
    # With the GIL held through the call, the spinning thread could not run
    # at all while the engine read the log.
    expect(ticks[0] > 10000, f"another thread ran {ticks[0]} steps while summarize ran")
    expect(counter.bytes == os.path.getsize(big), f"progress counted {counter.bytes} of {os.path.getsize(big)} bytes")
    # progress=True on a terminal-less run draws nothing and returns the same frame.
    a = zeekgraph.summarize(big, progress=True)
    b = zeekgraph.summarize(big, progress=False)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    print(f"ok GIL released ({ticks[0]} steps of another thread), progress counts every byte")


def main():
    zg, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    log = os.path.join(work, "conn-a.log")
    subprocess.run([zg, "gen", "--rows", "100000", "--seed", "2", "-o", log], check=True)
    queries(zg, log, work)
    rows(zg, log)
    errors(log, work)
    bad_input(zg, work)
    gil_and_progress(zg, work)
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
