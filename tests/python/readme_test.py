#!/usr/bin/python3
"""Runs the README's Python example (the python block of "Python and
Jupyter") as written, in a directory holding a generated conn.log, and
checks what it made.

usage: readme_test.py ZEEKGRAPH WORKDIR README
"""
import contextlib
import io
import os
import re
import shutil
import subprocess
import sys


def main():
    zg, work, readme = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    section = text.split("## Python and Jupyter", 1)
    blocks = re.findall(r"```python\n(.*?)```", section[1], re.S) if len(section) == 2 else []
    if not blocks:
        print("FAIL: no python block under '## Python and Jupyter' in the README")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    subprocess.run([zg, "gen", "--rows", "20000", "--seed", "1", "-o", os.path.join(work, "conn.log")], check=True)
    os.chdir(work)
    scope = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(blocks[0], "README.md (Python and Jupyter)", "exec"), scope)
    fails = []
    printed = out.getvalue().splitlines()
    if [re.sub(r"\d+", "N", x) for x in printed] != ["# links N", "# events N", "# attrib entities N"]:
        fails.append(f"printed {printed}")
    if scope["df_summary"].shape[1] != 24 or not len(scope["df_summary"]):
        fails.append(f"df_summary shape {scope['df_summary'].shape}")
    if not os.path.getsize("graph.html"):
        fails.append("graph.html is empty")
    if list(scope["scans"].columns) != ["id.orig_h", "id.resp_p nunique"]:
        fails.append(f"scans columns {list(scope['scans'].columns)}")
    drill = scope["drill"]
    if list(drill.columns) != ["ts", "uid", "id.resp_h", "id.resp_p"] or not 0 < len(drill) <= 20:
        fails.append(f"drill {drill.shape} {list(drill.columns)}")
    if scope["report"].lines_read != 20000:
        fails.append(f"report lines_read {scope['report'].lines_read}")
    for f in fails:
        print("FAIL", f)
    if not fails:
        print(f"ok README example: {len(scope['df_summary'])} summary rows, {len(drill)} drill-down rows, graph.html")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
