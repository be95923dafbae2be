#!/usr/bin/python3
"""The pandas oracle: runs the seed notebook's own code on a log and writes
df_summary.to_csv(index=False), plus the line accounting it saw.

Headerless input is read exactly as the seed reads it (pd.read_csv with the
seed's arguments). Zeek TSV (any version) and Zeek JSON logs are first read
by the small, independent reader below, which follows the same documented
rules as zeekgraph (rejects lines with the wrong field count, NUL bytes,
empty lines, or non-numbers in duration/orig_bytes/resp_bytes; Zeek's
'#unset_field' is null and '#empty_field' the empty string; \\xHH and \\\\
are unescaped after comparing with those markers). The rows it keeps are
handed to pd.read_csv, so pandas itself types the columns, and then the
seed's code runs verbatim.

usage: seed_oracle.py OUT.csv OUT.json INPUT...
"""
import csv
import gzip
import io
import json
import os
import re
import sys

import pandas as pd

SEED_NAMES = ["time", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service",
              "duration", "orig_bytes", "resp_bytes", "conn_state", "local_orig", "missed_bytes",
              "history", "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes", "tunnel_parents"]
NEEDED = ["time", "uid", "id.orig_h", "id.resp_h", "id.resp_p", "conn_state", "duration",
          "orig_bytes", "resp_bytes"]
NUMERIC_REQUIRED = ["duration", "orig_bytes", "resp_bytes"]
ALIASES = {"ts": "time", "id_orig_h": "id.orig_h", "id_orig_p": "id.orig_p",
           "id_resp_h": "id.resp_h", "id_resp_p": "id.resp_p"}
NULL = "\x01ZG_NULL\x01"
MAX_LINE = 1 << 20
ESC = re.compile(rb"\\(\\|x[0-9a-fA-F]{2})")


def seed_summary(df):
    # ---- the seed's code, verbatim ----
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
    df_summary.columns = [' '.join(col).strip() for col in df_summary.columns.values]
    df_summary = df_summary\
    .rename(columns={'time size': 'count'})\
    .assign(
        conn_state_uid=df_summary.apply(lambda row: row['id.orig_h'] + '_' + row['id.resp_h'] + '_' + row['conn_state'], axis=1))
    return df_summary


def unescape(b):
    def rep(m):
        s = m.group(1)
        return b"\\" if s == b"\\" else bytes([int(s[1:], 16)])
    return ESC.sub(rep, b)


def read_bytes(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        out = bytearray()
        while data[:2] == b"\x1f\x8b":
            d = __import__("zlib").decompressobj(16 + 15)
            try:
                out += d.decompress(data)
            except Exception:
                break
            data = d.unused_data
        data = bytes(out)
    return data


def is_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


class Reader:
    """Reads Zeek TSV / JSON lines into rows of NEEDED columns (text or NULL)."""

    def __init__(self):
        self.rows = []
        self.stats = []
        self.json = False

    def read(self, path):
        data = read_bytes(path)
        st = {"path": path, "lines_read": 0, "rows_used": 0, "rows_rejected": 0, "rows_null_key": 0}
        fields, sep, unset, empty = None, b"\t", b"-", b"(empty)"
        is_json = None
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        for raw in lines:
            if raw.startswith(b"#"):
                if raw.startswith(b"#separator"):
                    sep = unescape(raw[10:].strip(b" \t")) or b"\t"
                    unset, empty = b"-", b"(empty)"
                elif raw.startswith(b"#unset_field"):
                    unset = unescape(raw[len(b"#unset_field") + 1:])
                elif raw.startswith(b"#empty_field"):
                    empty = unescape(raw[len(b"#empty_field") + 1:])
                elif raw.startswith(b"#fields"):
                    fields = [ALIASES.get(x.decode(), x.decode()) for x in raw[8:].split(sep)]
                elif raw.startswith(b"# ") and b"\t" in raw:
                    fields = [ALIASES.get(x.decode(), x.decode()) for x in raw[2:].split(b"\t")]
                    sep, unset, empty = b"\t", b"-", b"(empty)"
                continue
            st["lines_read"] += 1
            line = raw
            if len(line) > MAX_LINE or b"\0" in line:
                st["rows_rejected"] += 1
                continue
            if line.endswith(b"\r"):
                line = line[:-1]
            if not line:
                st["rows_rejected"] += 1
                continue
            if is_json is None:
                is_json = line.startswith(b"{")
                self.json = self.json or is_json
            row = self.json_row(line) if is_json else self.tsv_row(line, fields, sep, unset, empty)
            if row is None or any(row[c] is not NULL and (isinstance(row[c], str) and not is_number(row[c]))
                                  for c in NUMERIC_REQUIRED):
                st["rows_rejected"] += 1
                continue
            if row["id.orig_h"] is NULL or row["id.resp_h"] is NULL or row["conn_state"] is NULL:
                st["rows_null_key"] += 1
            else:
                st["rows_used"] += 1
            self.rows.append(row)
        self.stats.append(st)

    @staticmethod
    def tsv_row(line, fields, sep, unset, empty):
        if fields is None:
            raise SystemExit("oracle: headerless lines inside a header-driven run")
        parts = line.split(sep)
        if len(parts) != len(fields):
            return None
        idx = {f: i for i, f in reversed(list(enumerate(fields)))}
        row = {}
        for c in NEEDED:
            if c not in idx:
                return None
            v = parts[idx[c]]
            if v == unset:
                row[c] = NULL
            elif v == empty:
                row[c] = ""
            else:
                row[c] = unescape(v).decode("utf-8", "surrogateescape")
        return row

    @staticmethod
    def json_row(line):
        try:
            obj = json.loads(line)
        except ValueError:
            return None
        if not isinstance(obj, dict):
            return None
        flat = {}

        def walk(o, prefix):
            for k, v in o.items():
                name = prefix + "." + k if prefix else ALIASES.get(k, k)
                if isinstance(v, dict):
                    flat[name] = None
                    walk(v, name)
                else:
                    flat[name] = v
        walk(obj, "")
        row = {}
        for c in NEEDED:
            v = flat.get(c, NULL) if c != "time" else flat.get("time", flat.get("ts", NULL))
            if v is NULL or v is None and c in flat:
                row[c] = NULL
            elif v is None:
                return None
            elif isinstance(v, bool):
                row[c] = "T" if v else "F"
            elif isinstance(v, (int, float)):
                row[c] = v  # JSON numbers keep their Python type; pandas types the column
            elif isinstance(v, str):
                row[c] = v
            elif isinstance(v, list):
                row[c] = ",".join(str(x) for x in v)
            else:
                return None
        return row

    def frame(self):
        if self.json:
            # pandas types JSON values from the Python objects json.loads made.
            recs = [[None if r.get(c, NULL) is NULL else r[c] for c in SEED_NAMES] for r in self.rows]
            return pd.DataFrame.from_records(recs, columns=SEED_NAMES)
        buf = io.StringIO()
        for r in self.rows:
            vals = [r.get(c, NULL) if c in NEEDED else NULL for c in SEED_NAMES]
            for v in vals:
                if "\t" in v or "\n" in v or "\r" in v:
                    raise SystemExit("oracle: a value holds a tab or newline; cannot round-trip")
            buf.write("\t".join(vals) + "\n")
        buf.seek(0)
        return pd.read_csv(buf, sep="\t", header=None, names=SEED_NAMES, na_values=[NULL],
                           keep_default_na=False, quoting=csv.QUOTE_NONE, index_col=False,
                           dtype={c: object for c in ["uid", "id.orig_h", "id.resp_h", "conn_state"]})


def main():
    out_csv, out_json, inputs = sys.argv[1], sys.argv[2], sys.argv[3:]
    first = read_bytes(inputs[0])[:1]
    if len(inputs) == 1 and first not in (b"#", b"{"):
        # Headerless: the seed's own read_csv call.
        df = pd.read_csv(inputs[0], sep="\t", header=None,
                         names=SEED_NAMES, na_values=['-'], index_col=False)
        stats = [{"path": inputs[0], "lines_read": len(df), "rows_used": int(df[["id.orig_h", "id.resp_h", "conn_state"]].notna().all(axis=1).sum())}]
        stats[0]["rows_null_key"] = stats[0]["lines_read"] - stats[0]["rows_used"]
        stats[0]["rows_rejected"] = 0
    else:
        r = Reader()
        for p in inputs:
            r.read(p)
        df = r.frame()
        stats = r.stats
    s = seed_summary(df) if len(df) else pd.DataFrame()
    s.to_csv(out_csv, index=False)
    with open(out_json, "w") as f:
        json.dump({"rows": len(s), "files": stats}, f)


if __name__ == "__main__":
    main()
