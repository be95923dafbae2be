#!/usr/bin/python3
"""Internal nodes and the top talkers' ports on real Zeek logs, against Python.

- A node is internal when its address is in RFC 1918, RFC 4193, link-local
  or loopback, or the log marks it local: the originator of a row with
  local_orig T, the responder of one with local_resp T. serve's meta.json
  and the `graph --html` file's embedded data say exactly that, on a Zeek
  7.1 log with both columns (whose multicast responders Zeek calls local),
  a Bro 2.3 log with local_orig alone, and a generated headerless log
  whose local_orig is unset throughout (ranges only).
- /api/node-ports, now counted during serve's scan and each re-query's,
  equals Python's distinct id.resp_p per id.orig_h over the rows, whole and
  under a filter, before and after the re-query.

The real logs are read from shared/data/zeek-real; without it the test
skips (exit 77) and says so.

usage: local_nodes_test.py ZEEKGRAPH WORKDIR SHARED_DIR
"""
import ipaddress
import json
import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request

zg, work, shared = os.path.realpath(sys.argv[1]), sys.argv[2], sys.argv[3]
real = os.path.join(shared, "data", "zeek-real")
LOGS = [os.path.join(real, "soc-zeek-lab", "conn.log"),
        os.path.join(real, "zeek-testing", "m57-long_2014-09-11_b87c43a91f", "conn.log")]
if not all(os.path.exists(p) for p in LOGS):
    print(f"SKIP: the real Zeek logs are not in {real} (shared data absent)")
    sys.exit(77)
os.makedirs(work, exist_ok=True)
generated = os.path.join(work, "gen.log")
subprocess.run([zg, "gen", "--rows", "3000", "--seed", "3", "-o", generated], check=True)

NETS = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16",
                                          "127.0.0.0/8", "fc00::/7", "fe80::/10", "::1/128")]
SEED = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service", "duration", "orig_bytes",
        "resp_bytes", "conn_state", "local_orig", "missed_bytes", "history", "orig_pkts", "orig_ip_bytes", "resp_pkts",
        "resp_ip_bytes", "tunnel_parents"]


def rows_of(path):
    """The log's data rows as dicts (lines with the wrong field count left out, as zeekgraph rejects them)."""
    fields, out = None, []
    for line in open(path, encoding="utf-8", errors="surrogateescape"):
        line = line.rstrip("\n")
        if line.startswith("#fields\t"):
            fields = line.split("\t")[1:]
            continue
        if line.startswith("#") or not line:
            continue
        cells = line.split("\t")
        names = fields or SEED
        if len(cells) == len(names):
            out.append(dict(zip(names, cells)))
    return out


def in_ranges(text):
    try:
        a = ipaddress.ip_address(text)
    except ValueError:
        return False
    return any(a.version == n.version and a in n for n in NETS)


def expected_internal(rows):
    logged = {r["id.orig_h"] for r in rows if r.get("local_orig") == "T"}
    logged |= {r["id.resp_h"] for r in rows if r.get("local_resp") == "T"}
    return lambda host: host in logged or in_ranges(host), logged


def expected_ports(rows, keep=lambda r: True):
    """Distinct id.resp_p per id.orig_h; hosts with none are left out (the UI reads them as 0)."""
    ports = {}
    for r in rows:
        if r["id.orig_h"] != "-" and r["id.resp_p"] != "-" and keep(r):
            ports.setdefault(r["id.orig_h"], set()).add(r["id.resp_p"])
    return {h: len(s) for h, s in ports.items()}


failures = 0


def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures += 1


def get(url):
    with urllib.request.urlopen(url, timeout=120) as r:
        return r.read()


for k, log in enumerate(LOGS + [generated]):
    name = os.path.relpath(log, real) if log != generated else "generated 3,000 rows"
    rows = rows_of(log)
    internal, logged = expected_internal(rows)
    server = subprocess.Popen([zg, "serve", log, "-q", "--no-progress", "--port", "0"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        url = None
        for line in server.stdout:
            m = re.search(r"serving (http://\S+)", line)
            if m:
                url = m.group(1)
                break
        meta = json.loads(get(url + "api/meta.json"))
        titles, flags = meta["nodes"]["title"], meta["nodes"]["internal"]
        wrong = [t for t, f in zip(titles, flags) if bool(f) != internal(t)]
        by_log_only = [t for t in titles if t in logged and not in_ranges(t)]
        check(not wrong, f"{name}: {len(titles)} nodes, {sum(flags)} internal, exactly the ranges' and the log's "
                         f"local_orig/local_resp ({len(by_log_only)} by the log alone: {', '.join(by_log_only[:4])})"
                         + (f"; wrong: {wrong[:5]}" if wrong else ""))
        if k == 0:
            check(len(by_log_only) > 0, f"{name}: some nodes are internal by the log alone")
        check(all(not c.startswith("local_") for c in meta["table"]["columns"]),
              f"{name}: the summary rows keep the query's columns only")

        how = []

        def ports(where):
            with urllib.request.urlopen(url + "api/node-ports?where=" + urllib.parse.quote(where), timeout=120) as r:
                how.append(r.headers.get("X-Ports"))
                d = json.loads(r.read())
            return {h: n for h, n in zip(d["host"], d["ports"]) if n}

        want = expected_ports(rows)
        got = ports("")
        check(got == want, f"{name}: /api/node-ports equals Python's distinct id.resp_p per id.orig_h "
                           f"({len(got)} originators, most {max(got.values(), default=0)})")
        where = 'proto == "udp"'
        get(url + "api/requery?part=meta&where=" + urllib.parse.quote(where))
        want = expected_ports(rows, lambda r: r["proto"] == "udp")
        got = ports(where)
        check(got == want, f"{name}: after /api/requery?where={where}, /api/node-ports under it equals Python's "
                           f"({len(got)} originators)")
        check(ports("") == expected_ports(rows), f"{name}: the whole graph's ports are still answered")
        check(how == ["kept"] * 3, f"{name}: each answer was counted in the graph's own scan, not by another ({how})")
        requeried = json.loads(get(url + "api/requery?part=meta&where=" + urllib.parse.quote(where)))
        wrong = [t for t, f in zip(requeried["nodes"]["title"], requeried["nodes"]["internal"]) if bool(f) != internal(t)]
        check(not wrong, f"{name}: the re-queried graph's nodes are coloured alike" + (f"; wrong: {wrong[:5]}" if wrong else ""))
    finally:
        server.terminate()
        server.wait()

    html = os.path.join(work, f"graph-{k}.html")
    subprocess.run([zg, "graph", log, "-q", "--no-progress", "--html", html], check=True, stdout=subprocess.DEVNULL)
    m = re.search(r'<script id="zg-meta" type="application/json">(.*?)</script>', open(html, encoding="utf-8").read(), re.S)
    meta = json.loads(m.group(1))
    wrong = [t for t, f in zip(meta["nodes"]["title"], meta["nodes"]["internal"]) if bool(f) != internal(t)]
    check(not wrong, f"{name}: the --html file's nodes are coloured alike" + (f"; wrong: {wrong[:5]}" if wrong else ""))
    if k == 0:
        # A query that asks for local_orig's max itself keeps that column.
        subprocess.run([zg, "graph", log, "-q", "--no-progress", "--agg", "local_orig:max;uid:count", "--html", html],
                       check=True, stdout=subprocess.DEVNULL)
        m = re.search(r'<script id="zg-meta" type="application/json">(.*?)</script>', open(html, encoding="utf-8").read(), re.S)
        cols = json.loads(m.group(1))["table"]["columns"]
        check("local_orig max" in cols and "local_resp max" not in cols,
              f"{name}: --agg local_orig:max keeps its column, and only it ({cols})")

print("FAILED" if failures else "PASSED", f"({failures} failures)")
sys.exit(1 if failures else 0)
