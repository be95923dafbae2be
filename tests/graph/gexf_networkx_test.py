#!/usr/bin/python3
"""`zeekgraph graph --gexf` is read by networkx (Debian's python3-networkx,
which reads GEXF 1.1 and 1.2 only) into the same graph that `--nodes` and
`--edges` write as CSV: the same node count and edge count, each node's
label, degree and sessions, each edge's endpoints, edgeType and every
summary column (numbers compared as numbers, text as text, a null as an
absent attribute), and each node's position. XML cannot hold bytes that
are not UTF-8, so the GEXF writes U+FFFD for each, as Python's
errors="replace" reads the CSVs here.

The log holds markup, a quote and a byte outside UTF-8 in its fields, so
the XML escaping is exercised too.

usage: gexf_networkx_test.py ZEEKGRAPH WORKDIR ROWS   (exit 77: no networkx)
"""
import csv
import math
import os
import subprocess
import sys

try:
    import networkx as nx
except ImportError:
    print("SKIP: python3-networkx is not installed (apt-get install python3-networkx)")
    sys.exit(77)


def main():
    zg, work, rows = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(work, exist_ok=True)
    log = os.path.join(work, "conn.log")
    subprocess.run([zg, "gen", "--rows", rows, "--seed", "11", "--header", "-o", log], check=True)
    # Two odd rows: a host and a conn_state that are markup, a quote and Latin-1.
    with open(log, "rb") as f:
        lines = f.read().split(b"\n")
    fields = next(l for l in lines if l.startswith(b"#fields\t")).split(b"\t")[1:]
    data = [i for i, l in enumerate(lines) if l and not l.startswith(b"#")]
    for k, i in enumerate(data[:2]):
        cells = lines[i].split(b"\t")
        cells[fields.index(b"id.orig_h")] = b'<a&"b\'>' if k == 0 else b"caf\xe9"
        cells[fields.index(b"conn_state")] = b"S<0>&"
        lines[i] = b"\t".join(cells)
    with open(log, "wb") as f:
        f.write(b"\n".join(lines))

    gexf, nodes_csv, edges_csv = (os.path.join(work, n) for n in ("g.gexf", "nodes.csv", "edges.csv"))
    subprocess.run([zg, "graph", log, "-q", "--no-progress", "--iterations", "20", "--gexf", gexf,
                    "--nodes", nodes_csv, "--edges", edges_csv], check=True, capture_output=True)

    with open(gexf, encoding="utf-8") as f:
        head = f.read(300)
    bad = 0
    if 'version="1.2"' not in head:
        print(f"FAIL the GEXF does not say version 1.2: {head!r}")
        bad += 1
    g = nx.read_gexf(gexf)  # raises on a version or namespace networkx does not know
    with open(nodes_csv, newline="", encoding="utf-8", errors="replace") as f:
        nodes = list(csv.DictReader(f))
    with open(edges_csv, newline="", encoding="utf-8", errors="replace") as f:
        r = csv.reader(f)
        edge_header = next(r)
        edges = list(r)

    if (g.number_of_nodes(), g.number_of_edges()) != (len(nodes), len(edges)):
        print(f"FAIL networkx reads {g.number_of_nodes()} nodes and {g.number_of_edges()} edges, "
              f"the CSVs hold {len(nodes)} and {len(edges)}")
        return 1
    if not g.is_directed() or not g.is_multigraph():
        print(f"FAIL networkx made a {type(g).__name__}, not a MultiDiGraph")
        bad += 1

    # Nodes: GEXF id n<i> is the i-th row of nodes.csv.
    by_id = {n["nodeID"]: f"n{i}" for i, n in enumerate(nodes)}
    for i, n in enumerate(nodes):
        nid = f"n{i}"
        a = g.nodes[nid]
        want = (n["nodeTitle"], int(n["degree"]), int(n["sessions"]), n["type"], n["category"])
        got = (a.get("label"), a.get("degree"), a.get("sessions"), a.get("type"), a.get("category"))
        if got != want:
            print(f"FAIL node {nid}: networkx {got}, nodes.csv {want}")
            bad += 1
            break
        viz = a.get("viz", {}).get("position", {})
        if not (math.isclose(viz.get("x", math.nan), float(n["x"]), rel_tol=1e-6, abs_tol=1e-6) and
                math.isclose(viz.get("y", math.nan), float(n["y"]), rel_tol=1e-6, abs_tol=1e-6)):
            print(f"FAIL node {nid} position {viz}, nodes.csv {n['x']},{n['y']}")
            bad += 1
            break

    # Edges: GEXF id e<k> is the k-th row of edges.csv; attributes by title.
    columns = edge_header[5:]
    got_edges = {d["id"]: (u, v, d) for u, v, d in g.edges(data=True)}
    for k, e in enumerate(edges):
        u, v, d = got_edges[f"e{k}"]
        if (u, v) != (by_id[e[0]], by_id[e[1]]) or d.get("edgeType") != e[2]:
            print(f"FAIL edge e{k}: {u}->{v} {d.get('edgeType')}, edges.csv {e[:3]}")
            bad += 1
            break
        for name, want in zip(columns, e[5:]):
            got = d.get(name)
            if want == "":
                ok = got is None
            elif isinstance(got, (int, float)) and not isinstance(got, bool):
                ok = math.isclose(got, float(want), rel_tol=1e-12)
            else:
                ok = got == want
            if not ok:
                print(f"FAIL edge e{k} column {name!r}: networkx {got!r}, edges.csv {want!r}")
                bad += 1
                break
        if bad:
            break
    odd = [d for d in g.nodes.values() if d["label"] in ('<a&"b\'>', "caf\ufffd")]
    if len(odd) != 2:
        print(f"FAIL the markup and Latin-1 hosts are not both node labels: {odd}")
        bad += 1
    print(f"{'FAIL' if bad else 'ok'}: networkx {nx.__version__} reads {len(nodes)} nodes and {len(edges)} edges "
          f"with {len(columns)} edge attributes, as the CSVs hold them")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
