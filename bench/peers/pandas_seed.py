#!/usr/bin/python3
"""pandas peer, the seed notebook's code verbatim (row-wise apply: slow).

usage: /usr/bin/python3 peers/pandas_seed.py INPUT OUTPUT.csv   (INPUT may be .gz)
       /usr/bin/python3 peers/pandas_seed.py --version
Only the input path and the final to_csv are added to the notebook's cells.
"""
import sys

import pandas as pd

if sys.argv[1:] == ["--version"]:
    print(pd.__version__)
    sys.exit(0)
if len(sys.argv) != 3:
    sys.exit("usage: pandas_seed.py INPUT OUTPUT.csv")
path, output = sys.argv[1], sys.argv[2]

# In [4]
df = pd.read_csv(path, sep="\t", header=None,
                 names=["time", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service",
                        "duration", "orig_bytes", "resp_bytes", "conn_state", "local_orig", "missed_bytes",
                        "history", "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes", "tunnel_parents"],
                 na_values=['-'], index_col=False)

# In [8]
df_summary = df\
.assign(
    sum_bytes=df.apply(lambda row: row['orig_bytes'] + row['resp_bytes'], axis=1))\
.groupby(['id.orig_h', 'id.resp_h', 'conn_state'])\
.agg({
    'time': ['min', 'max', 'size'],
    'id.resp_p':  ['nunique'],
    'uid': ['nunique'],
    'duration':   ['min', 'max', 'mean'],
    'orig_bytes': ['min', 'max', 'sum', 'mean'],
    'resp_bytes': ['min', 'max', 'sum', 'mean'],
    'sum_bytes':  ['min', 'max', 'sum', 'mean']
}).reset_index()

# In [10]
df_summary.columns = [' '.join(col).strip() for col in df_summary.columns.values]
df_summary = df_summary\
.rename(columns={'time size': 'count'})\
.assign(
    conn_state_uid=df_summary.apply(lambda row: row['id.orig_h'] + '_' + row['id.resp_h'] + '_' + row['conn_state'], axis=1))

df_summary.to_csv(output, index=False)
