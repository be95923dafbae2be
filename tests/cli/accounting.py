#!/usr/bin/python3
"""Prints the per-file line accounting of a zeekgraph --report JSON and
checks the invariant lines_read == rows_used + rows_rejected + rows_null_key
+ rows_filtered (rows --where dropped).
usage: accounting.py REPORT.json"""
import json
import os
import sys

r = json.load(open(sys.argv[1]))
bad = 0
for f in r["files"]:
    ok = f["lines_read"] == f["rows_used"] + f["rows_rejected"] + f["rows_null_key"] + f.get("rows_filtered", 0)
    bad += not ok
    print(f'{os.path.basename(f["path"])}: format={f["format"] or "-"} lines={f["lines_read"]} used={f["rows_used"]} '
          f'rejected={f["rows_rejected"]} null_key={f["rows_null_key"]} problems={f["problems_total"]} '
          f'invariant={"ok" if ok else "BROKEN"}')
print(f'rows={r["rows"]}')
sys.exit(1 if bad else 0)
