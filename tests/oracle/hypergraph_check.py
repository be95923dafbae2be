#!/usr/bin/python3
"""Checks `zeekgraph graph` against an independent computation of
Graphistry's hypergraph (entities id.orig_h and id.resp_h in category 'ip',
direct=True) over the pandas oracle's summary of the same log: the three
counts, every node ID in order with its type and degree, and every edge
(src, dst, EventID and all summary columns) in order.

usage: hypergraph_check.py ZEEKGRAPH WORKDIR ROWS
"""
import csv
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    zg, work, rows = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(work, exist_ok=True)
    log = os.path.join(work, "conn.log")
    subprocess.run([zg, "gen", "--rows", rows, "--seed", "5", "-o", log], check=True)
    summary = os.path.join(work, "pandas.csv")
    subprocess.run(["/usr/bin/python3", os.path.join(HERE, "seed_oracle.py"), summary,
                    os.path.join(work, "pandas.json"), log], check=True)
    nodes_csv, edges_csv = os.path.join(work, "nodes.csv"), os.path.join(work, "edges.csv")
    gexf, graphml = os.path.join(work, "g.gexf"), os.path.join(work, "g.graphml")
    out = subprocess.run([zg, "graph", log, "-j", "1", "-q", "--no-progress", "--iterations", "5",
                          "--nodes", nodes_csv, "--edges", edges_csv, "--gexf", gexf, "--graphml", graphml],
                         check=True, capture_output=True, text=True).stdout

    # The independent computation, from pandas' summary rows.
    with open(summary, newline="") as f:
        events = list(csv.DictReader(f))
    header = list(events[0].keys())
    ids, types = [], {}
    for col in ("id.orig_h", "id.resp_h"):
        for r in events:
            nid = "ip::" + r[col]
            if nid not in types:
                types[nid] = col
                ids.append(nid)
    degree = {n: 0 for n in ids}
    edges = []
    for i, r in enumerate(events):
        s, d = "ip::" + r["id.orig_h"], "ip::" + r["id.resp_h"]
        degree[s] += 1
        degree[d] += 1
        edges.append([s, d, "ip::ip", "id.orig_h::id.resp_h", f"EventID::{i}"] + [r[h] for h in header])

    bad = 0
    want = f"# links {len(edges)}\n# events {len(events)}\n# attrib entities {len(ids)}\n"
    if out != want:
        print(f"FAIL counts: got {out!r}, want {want!r}")
        bad += 1
    with open(nodes_csv, newline="") as f:
        got_nodes = list(csv.DictReader(f))
    if [n["nodeID"] for n in got_nodes] != ids:
        print("FAIL node IDs or their order differ")
        bad += 1
    for n in got_nodes:
        if n["type"] != types.get(n["nodeID"]) or int(n["degree"]) != degree.get(n["nodeID"]) or n["category"] != "ip":
            print(f"FAIL node {n['nodeID']}: type {n['type']} degree {n['degree']}, "
                  f"want {types.get(n['nodeID'])} {degree.get(n['nodeID'])}")
            bad += 1
            break
    with open(edges_csv, newline="") as f:
        r = csv.reader(f)
        got_header = next(r)
        got_edges = list(r)
    if got_header != ["src", "dst", "edgeType", "category", "EventID"] + header:
        print(f"FAIL edge columns: {got_header}")
        bad += 1
    diff = sum(1 for a, b in zip(got_edges, edges) if a != b) + abs(len(got_edges) - len(edges))
    if diff:
        first = next(i for i, (a, b) in enumerate(zip(got_edges, edges)) if a != b)
        print(f"FAIL {diff} edges differ, first at {first}:\n  got  {got_edges[first]}\n  want {edges[first]}")
        bad += 1
    # GEXF and GraphML parse as XML and hold the same graph.
    import xml.etree.ElementTree as ET
    ns = {"g": "http://www.gexf.net/1.2draft"}
    root = ET.parse(gexf).getroot()
    gn, ge = len(root.findall(".//g:node", ns)), len(root.findall(".//g:edge", ns))
    if (gn, ge) != (len(ids), len(edges)):
        print(f"FAIL GEXF has {gn} nodes, {ge} edges")
        bad += 1
    ns = {"m": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.parse(graphml).getroot()
    mn, me = len(root.findall(".//m:node", ns)), len(root.findall(".//m:edge", ns))
    if (mn, me) != (len(ids), len(edges)):
        print(f"FAIL GraphML has {mn} nodes, {me} edges")
        bad += 1
    print(f"{'FAIL' if bad else 'ok'}: {len(events)} events, {len(edges)} edges, {len(ids)} entities checked, "
          f"GEXF and GraphML well-formed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
