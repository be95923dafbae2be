#!/usr/bin/python3
"""pandas peer, written the way a competent user would: only the needed
columns, vectorized sum_bytes, one groupby with named aggregations.

usage: /usr/bin/python3 peers/pandas_vectorized.py INPUT OUTPUT.csv   (INPUT may be .gz)
       /usr/bin/python3 peers/pandas_vectorized.py --version
Same results as the seed's code (pandas_seed.py), same column names and order.
"""
import sys

import pandas as pd

if sys.argv[1:] == ["--version"]:
    print(pd.__version__)
    sys.exit(0)
if len(sys.argv) != 3:
    sys.exit("usage: pandas_vectorized.py INPUT OUTPUT.csv")
path, output = sys.argv[1], sys.argv[2]

NAMES = ["time", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service",
         "duration", "orig_bytes", "resp_bytes", "conn_state", "local_orig", "missed_bytes",
         "history", "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes", "tunnel_parents"]
KEYS = ["id.orig_h", "id.resp_h", "conn_state"]
USED = KEYS + ["time", "uid", "id.resp_p", "duration", "orig_bytes", "resp_bytes"]

df = pd.read_csv(path, sep="\t", header=None, names=NAMES, usecols=USED,
                 na_values=["-"], index_col=False)
df["sum_bytes"] = df["orig_bytes"] + df["resp_bytes"]

aggs = {
    "time min": ("time", "min"),
    "time max": ("time", "max"),
    "count": ("time", "size"),
    "id.resp_p nunique": ("id.resp_p", "nunique"),
    "uid nunique": ("uid", "nunique"),
    "duration min": ("duration", "min"),
    "duration max": ("duration", "max"),
    "duration mean": ("duration", "mean"),
}
for c in ("orig_bytes", "resp_bytes", "sum_bytes"):
    for fn in ("min", "max", "sum", "mean"):
        aggs[f"{c} {fn}"] = (c, fn)

summary = df.groupby(KEYS).agg(**aggs).reset_index()
summary["conn_state_uid"] = summary["id.orig_h"] + "_" + summary["id.resp_h"] + "_" + summary["conn_state"]
summary.to_csv(output, index=False)
