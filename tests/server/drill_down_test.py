#!/usr/bin/python3
"""serve's drill-down and re-query routes against the CLI and awk.

- /api/rows?edge=N: the uids of summary row N's connections, in order, as
  awk selects them from the log; X-Total-Count is their number. The log
  is 200,000 rows (about 90 blocks of the row index), and 40 edges and 20
  nodes, busy and rare, IPv6 ones included, are read through the index
  (X-Index-Read says so) and checked against awk; after the log grows, the
  index stands aside and the new row is found.
- /api/rows?node=IP&role=src&format=zeek: byte-identical to
  `zeekgraph rows --where 'id.orig_h == IP'` with the same limit.
- /api/rows?where=BAD: 400, with the caret.
- /api/requery?where=X&part=meta: the same node titles as
  `zeekgraph graph --where X --nodes`.
Prints the time to the first 200 rows of the busiest source.

usage: drill_down_test.py ZEEKGRAPH WORKDIR
"""
import csv
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

zg, work = os.path.realpath(sys.argv[1]), sys.argv[2]
os.makedirs(work, exist_ok=True)
log = os.path.join(work, "conn.log")
subprocess.run([zg, "gen", "--rows", "200000", "--seed", "5", "-o", log], check=True)
summary = os.path.join(work, "summary.csv")
subprocess.run([zg, "summarize", log, "-q", "--no-progress", "-o", summary], check=True)
rows = list(csv.DictReader(open(summary)))

server = subprocess.Popen([zg, "serve", log, "-q", "--no-progress", "--port", "0"], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True)
failures = 0


def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    failures += 0 if ok else 1


try:
    url = None
    deadline = time.time() + 120
    while time.time() < deadline and url is None:
        line = server.stdout.readline()
        m = re.search(r"serving (http://\S+)", line)
        if m:
            url = m.group(1)
    if not url:
        print("FAIL serve did not start")
        sys.exit(1)

    def get(path, **params):
        q = urllib.parse.urlencode(params)
        try:
            with urllib.request.urlopen(f"{url.rstrip('/')}{path}?{q}", timeout=60) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    # The rows of an edge: a busy one and a quiet one.
    by_count = sorted(range(len(rows)), key=lambda i: int(rows[i]["count"]))
    for n in (by_count[-1], by_count[len(by_count) // 2]):
        r = rows[n]
        status, headers, body = get("/api/rows", edge=n, format="csv", columns="uid", limit=100000, total=1)
        got = body.decode().split()[1:]
        awk = subprocess.run(["awk", "-F", "\t", f'$3 == "{r["id.orig_h"]}" && $5 == "{r["id.resp_h"]}" && '
                              f'$12 == "{r["conn_state"]}" {{ print $2 }}', log],
                             check=True, capture_output=True, text=True).stdout.split()
        check(status == 200 and got == awk and int(headers.get("X-Total-Count", -1)) == len(awk) == int(r["count"]),
              f"edge {n} ({r['id.orig_h']} -> {r['id.resp_h']} {r['conn_state']}): {len(got)} rows, as awk selects them")

    def awk_uids(cond):
        return subprocess.run(["awk", "-F", "\t", f"{cond} {{ print $2 }}", log],
                              check=True, capture_output=True, text=True).stdout.split()

    # Through the row index: edges and nodes over the whole range of counts.
    step = max(1, len(by_count) // 40)
    bad, read_less = [], 0
    for n in by_count[::step][:40]:
        r = rows[n]
        status, headers, body = get("/api/rows", edge=n, format="csv", columns="uid", limit=100000, total=1)
        awk = awk_uids(f'$3 == "{r["id.orig_h"]}" && $5 == "{r["id.resp_h"]}" && $12 == "{r["conn_state"]}"')
        if status != 200 or body.decode().split()[1:] != awk:
            bad.append(f"edge {n}")
        read = headers.get("X-Index-Read", "")
        if read and int(read.split()[0]) < int(read.split()[2]):
            read_less += 1
    check(not bad and read_less >= 20, f"40 edges through the row index equal awk ({read_less} read only part of the log) {bad[:3]}")
    peers = {}
    for r in rows:
        for ip in (r["id.orig_h"], r["id.resp_h"]):
            peers[ip] = peers.get(ip, 0) + int(r["count"])
    by_rows = sorted(peers, key=lambda ip: peers[ip])
    nodes = by_rows[:5] + [ip for ip in by_rows if ":" in ip][:5] + by_rows[:: max(1, len(by_rows) // 10)][:10]
    bad = []
    for ip in nodes:
        status, headers, body = get("/api/rows", node=ip, format="csv", columns="uid", limit=100000, total=1)
        awk = awk_uids(f'$3 == "{ip}" || $5 == "{ip}"')
        if status != 200 or body.decode().split()[1:] != awk or "X-Index-Read" not in headers:
            bad.append(ip)
    check(not bad, f"{len(nodes)} nodes (IPv6 among them) through the row index equal awk {bad[:3]}")

    # The rows of a node, as the CLI writes them.
    src = rows[by_count[-1]]["id.orig_h"]
    status, _, body = get("/api/rows", node=src, role="src", format="zeek", limit=50)
    cli = subprocess.run([zg, "rows", log, "-q", "--where", f"id.orig_h == {src}", "--limit", "50"],
                         check=True, capture_output=True).stdout
    check(status == 200 and body == cli, f"node {src} as source: the CLI's 50 rows, byte for byte")

    start = time.time()
    status, _, body = get("/api/rows", node=src, limit=200)
    took = (time.time() - start) * 1000
    check(status == 200 and len(body.splitlines()) == 200, f"first 200 rows of {src} in {took:.0f} ms")

    # Every row of the busiest node, streamed (limit=all): the CLI's bytes in
    # each format, through the index, on several threads at once.
    busiest = max({r["id.orig_h"] for r in rows}, key=lambda ip: sum(int(r["count"]) for r in rows if r["id.orig_h"] == ip))
    for fmt in ("zeek", "csv", "ndjson"):
        start = time.time()
        status, headers, body = get("/api/rows", node=busiest, limit="all", format=fmt)
        took = time.time() - start
        cli = subprocess.run([zg, "rows", log, "-q", "--format", fmt, "--where",
                              f"id.orig_h == {busiest} or id.resp_h == {busiest}"], check=True, capture_output=True).stdout
        n = len(cli.splitlines())
        check(status == 200 and body == cli and headers.get("Transfer-Encoding") == "chunked",
              f"limit=all streams node {busiest}'s rows as {fmt}: the CLI's {len(cli)} bytes ({n} lines in {took:.2f} s)")
    status, _, body = get("/api/rows", node=busiest, limit="all", offset=1000, format="csv", columns="uid")
    awk = awk_uids(f'$3 == "{busiest}" || $5 == "{busiest}"')
    check(status == 200 and body.decode().split()[1:] == awk[1000:], f"limit=all with offset=1000: the rows after the first 1000")
    # Streams at once: each gets every byte.
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        got = list(pool.map(lambda _: get("/api/rows", node=busiest, limit="all", format="csv", columns="uid,ts"), range(3)))
    want = subprocess.run([zg, "rows", log, "-q", "--format", "csv", "--columns", "uid,ts", "--where",
                           f"id.orig_h == {busiest} or id.resp_h == {busiest}"], check=True, capture_output=True).stdout
    check(all(st == 200 and b == want for st, _, b in got), "3 streams at once each get every row")
    # A client that leaves part-way does not stop the server.
    with urllib.request.urlopen(f"{url.rstrip('/')}/api/rows?node={busiest}&limit=all", timeout=60) as r:
        r.read(1000)
    status, _, body = get("/api/health")
    check(status == 200, "a stream left part-way leaves the server serving")

    # A log that changed since the scan is read whole: a row appended to the
    # rarest edge is found.
    r = rows[by_count[0]]
    with open(log, "a") as f:
        f.write(f"1331999999.000000\tCappendedrow0001\t{r['id.orig_h']}\t1\t{r['id.resp_h']}\t2\ttcp\t-\t-\t-\t-\t"
                f"{r['conn_state']}\t-\t0\t-\t0\t0\t0\t0\t(empty)\n")
    status, headers, body = get("/api/rows", edge=by_count[0], format="csv", columns="uid", limit=100000)
    check(status == 200 and "CappendedRow0001".lower() in body.decode().lower() and "X-Index-Read" not in headers,
          "after the log grew, the index stands aside and the new row is found")

    status, _, body = get("/api/rows", where="proto > 5")
    check(status == 400 and b"^" in body and b"proto > 5" in body, "a bad --where is a 400 with a caret")

    # A re-query: the graph of the rows a filter keeps.
    where = 'conn_state in ["S0", "REJ"] and id.orig_h in 192.168.202.64/26'
    start = time.time()
    status, _, body = get("/api/requery", where=where, part="meta")
    took = (time.time() - start) * 1000
    titles = set(json.loads(body)["nodes"]["title"]) if status == 200 else set()
    nodes = os.path.join(work, "nodes.csv")
    subprocess.run([zg, "graph", log, "-q", "--no-progress", "--where", where, "--nodes", nodes, "--iterations", "10"],
                   check=True, stdout=subprocess.DEVNULL)
    want = {row["title"] if "title" in row else row["nodeTitle"] for row in csv.DictReader(open(nodes))}
    check(status == 200 and titles == want and titles,
          f"re-query '{where}': {len(titles)} nodes, as graph --where gives them ({took:.0f} ms)")
    status, _, body = get("/api/requery", where=where, part="bin")
    check(status == 200 and body[:4] == b"ZGG1", "its graph.bin comes from the same re-query")
finally:
    server.terminate()
    server.wait()

# A server started with --where answers drill-downs within it.
server = subprocess.Popen([zg, "serve", log, "-q", "--no-progress", "--port", "0", "--iterations", "5",
                           "--where", 'conn_state == "S0"'], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
try:
    url = None
    deadline = time.time() + 120
    while time.time() < deadline and url is None:
        m = re.search(r"serving (http://\S+)", server.stdout.readline())
        url = m.group(1) if m else None
    ip = rows[by_count[len(by_count) // 2]]["id.orig_h"]
    status, _, body = get("/api/rows", node=ip, format="csv", columns="uid", limit=100000)
    want = subprocess.run(["awk", "-F", "\t", f'($3 == "{ip}" || $5 == "{ip}") && $12 == "S0" {{ print $2 }}', log],
                          check=True, capture_output=True, text=True).stdout.split()
    check(url and status == 200 and body.decode().split()[1:] == want,
          f"serve --where 'conn_state == \"S0\"': node {ip}'s {len(want)} rows are its S0 rows, as awk selects them")
finally:
    server.terminate()
    server.wait()
sys.exit(1 if failures else 0)
