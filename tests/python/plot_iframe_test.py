#!/usr/bin/python3
"""hg['graph'].plot() in a browser: the iframe a notebook shows (a page
embedding Plot._repr_html_()) is opened in Debian's Chromium, where the UI
must run inside the sandboxed srcdoc iframe, offline, without errors, and
show the graph's node and edge counts (plot_iframe_check.mjs).

usage: plot_iframe_test.py ZEEKGRAPH WORKDIR NODE
Exit: 0 pass, 1 fail, 77 Chromium or web/node_modules absent (CTest skip).
"""
import os
import shutil
import subprocess
import sys

import zeekgraph

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    zg, work, node = sys.argv[1], sys.argv[2], sys.argv[3]
    if not os.path.isdir(os.path.join(HERE, "..", "..", "web", "node_modules", "playwright-core")):
        print("skip: web/node_modules/playwright-core is absent (the build's npm ci installs it)")
        return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    log = os.path.join(work, "conn.log")
    subprocess.run([zg, "gen", "--rows", "20000", "--seed", "8", "-o", log], check=True)
    df_summary = zeekgraph.summarize(log, progress=False)
    hg = zeekgraph.hypergraph(df_summary, ['id.orig_h', 'id.resp_h'], direct=True,
                              opts={'CATEGORIES': {'ip': ['id.orig_h', 'id.resp_h']}}, verbose=False)
    wrapper = os.path.join(work, "notebook.html")
    with open(wrapper, "w", encoding="utf-8") as f:
        f.write("<!doctype html><html><head><meta charset=\"utf-8\"><title>a notebook</title></head><body>"
                + hg['graph'].plot()._repr_html_() + "</body></html>")
    env = dict(os.environ, WANT_COUNTS=f"{len(hg['nodes'])},{len(hg['edges'])}")
    r = subprocess.run([node, os.path.join(HERE, "plot_iframe_check.mjs"), wrapper, os.path.join(work, "shot.png")],
                       env=env, timeout=300)
    return r.returncode


if __name__ == "__main__":
    sys.exit(main())
