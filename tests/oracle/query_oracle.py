#!/usr/bin/python3
"""Queries beyond the tutorial's summary, against pandas, on a generated
headerless log read as the tutorial reads it. Each case runs zeekgraph and
the same query in pandas, and compares the CSV bytes.

- top-N (--sort, --limit): pandas' groupby, then sort_values(kind="stable").
- --where: every form of the filter language. pandas (with Python's
  ipaddress and re) picks the rows; those lines of the log are written to a
  file of their own, which pandas reads as the tutorial does and
  summarizes with the tutorial's code. That is what filtering with awk
  first gives, and it types each column by the rows kept, as zeekgraph
  does.

usage: query_oracle.py ZEEKGRAPH WORKDIR [ROWS]
"""
import ipaddress
import os
import subprocess
import sys
from datetime import datetime, timezone

import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from seed_oracle import SEED_NAMES, seed_summary  # noqa: E402

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

lines = open(log).read().split("\n")[:-1]
assert len(lines) == len(df)


def in_net(col, net):
    n = ipaddress.ip_network(net)
    return df[col].map(lambda v: isinstance(v, str) and ipaddress.ip_address(v).version == n.version
                       and ipaddress.ip_address(v) in n)


def epoch(iso):
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(timezone.utc).timestamp()


def filtered_summary(mask):
    """The tutorial's summary of the lines `mask` keeps, read back as the tutorial reads a log."""
    kept = os.path.join(work, "kept.log")
    with open(kept, "w") as f:
        f.writelines(line + "\n" for line, keep in zip(lines, mask) if keep)
    if not mask.any():
        return ""
    sub = pd.read_csv(kept, sep="\t", header=None, names=SEED_NAMES, na_values=["-"], index_col=False)
    return seed_summary(sub).to_csv(index=False)


WHERE = [
    ("id.orig_h in 192.168.202.0/24 and id.resp_h in 192.168.23.0/24",
     lambda: in_net("id.orig_h", "192.168.202.0/24") & in_net("id.resp_h", "192.168.23.0/24")),
    ("id.orig_h == 192.168.202.65 or id.resp_h in fd00::/8",
     lambda: (df["id.orig_h"] == "192.168.202.65") | in_net("id.resp_h", "fd00::/8")),
    ('conn_state == "S0" or conn_state in ["REJ", "RSTO"]',
     lambda: (df.conn_state == "S0") | df.conn_state.isin(["REJ", "RSTO"])),
    ('id.resp_p in [22, 80, 443] and not (proto == "udp")',
     lambda: df["id.resp_p"].isin([22, 80, 443]) & ~(df.proto == "udp")),
    ("ts >= 2012-03-16T20:00:00Z and ts < 2012-03-16T22:30:00+01:00",
     lambda: (df.time >= epoch("2012-03-16T20:00:00Z")) & (df.time < epoch("2012-03-16T22:30:00+01:00"))),
    ("time >= 1331950000 and time < 1331960000.5",
     lambda: (df.time >= 1331950000) & (df.time < 1331960000.5)),
    ("duration > 1.5 and orig_bytes >= 1000",
     lambda: (df.duration > 1.5) & (df.orig_bytes >= 1000)),
    ("service == null and conn_state != \"SF\"",
     lambda: df.service.isna() & (df.conn_state != "SF")),
    ("service != null", lambda: df.service.notna()),
    ('history ~ "^ShA" and id.orig_h in 192.168.202.64/26',
     lambda: df.history.str.contains("^ShA", regex=True, na=False) & in_net("id.orig_h", "192.168.202.64/26")),
]

failures = 0
for expr, mask in WHERE:
    out = os.path.join(work, "where.csv")
    subprocess.run([zg, "summarize", log, "-q", "--no-progress", "-o", out, "--where", expr], check=True)
    got = open(out).read()
    m = mask()
    want = filtered_summary(m)
    if want == "":
        want = got if got.count("\n") <= 1 else "(no rows)"
    ok = got == want
    failures += not ok
    print(("ok   " if ok else "FAIL ") + f"--where '{expr}': {int(m.sum())} rows kept, {len(got.splitlines()) - 1} summary rows")
    if not ok:
        print("  zeekgraph:", got.splitlines()[:3])
        print("  pandas:   ", want.splitlines()[:3])

# `rows --where` written as a Zeek log, NDJSON or CSV (ts as ISO 8601) and
# summarized again gives the summary of `summarize --where`, byte for byte.
for expr, _ in WHERE[:4]:
    want = open(os.path.join(work, "w.csv"), "w")
    subprocess.run([zg, "summarize", log, "-q", "--no-progress", "-o", want.name, "--where", expr], check=True)
    same = True
    for fmt in ("zeek", "ndjson", "csv"):
        sub = os.path.join(work, "sub." + fmt)
        subprocess.run([zg, "rows", log, "-q", "--format", fmt, "-o", sub, "--where", expr], check=True)
        again = os.path.join(work, "again.csv")
        subprocess.run([zg, "summarize", sub, "-q", "--no-progress", "-o", again], check=True)
        same = same and open(again).read() == open(want.name).read()
    failures += not same
    print(("ok   " if same else "FAIL ") + f"rows --where '{expr}' (zeek, ndjson, csv) summarized again equals summarize --where")

# The rows behind an edge (one summary row) are the lines awk selects, in order.
edges = df.groupby(["id.orig_h", "id.resp_h", "conn_state"]).size().sort_values(kind="stable")
for (o, r, st), n in [(edges.index[-1], edges.iloc[-1]), (edges.index[len(edges) // 2], edges.iloc[len(edges) // 2])]:
    expr = f'id.orig_h == {o} and id.resp_h == {r} and conn_state == "{st}"'
    got = subprocess.run([zg, "rows", log, "-q", "--format", "csv", "--columns", "uid", "--where", expr],
                         check=True, capture_output=True, text=True).stdout.split("\n")[1:-1]
    awk = subprocess.run(["awk", "-F", "\t", f'$3 == "{o}" && $5 == "{r}" && $12 == "{st}" {{ print $2 }}', log],
                         check=True, capture_output=True, text=True).stdout.split("\n")[:-1]
    ok = got == awk and len(got) == n
    failures += not ok
    print(("ok   " if ok else "FAIL ") + f"rows of the edge {o} -> {r} {st}: {len(got)} rows, as awk selects them, in order")

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
