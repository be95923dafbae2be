#!/usr/bin/python3
"""zeekgraph.hypergraph() through the Python API:

1. On a generated log, the tutorial's call prints the same three count lines
   as `zeekgraph graph`, and its frames are the CLI's exports: the edges
   frame written by pandas' to_csv is byte for byte the CLI's --edges file,
   and the nodes frame with the graph's positions() (same ForceAtlas2
   settings) is its --nodes file.
2. Graphistry's own hypergraph test cases (pygraphistry's
   test_hypergraph.py, written here from Graphistry's documented semantics)
   hold: frames, columns and lengths.

usage: hypergraph_frames_test.py ZEEKGRAPH WORKDIR
"""
import contextlib
import io
import os
import subprocess
import sys

import pandas as pd

import zeekgraph

FAILS = []


def expect(cond, what):
    if not cond:
        FAILS.append(what)
        print(f"FAIL {what}")


def frame_equal(got, want, what):
    """pygraphistry's assertFrameEqual: equal ignoring the order of columns."""
    try:
        pd.testing.assert_frame_equal(got.sort_index(axis=1), want.sort_index(axis=1), check_names=True)
    except AssertionError as e:
        expect(False, f"{what}: {e}")


def tutorial_graph(zg, work):
    log = os.path.join(work, "conn.log")
    subprocess.run([zg, "gen", "--rows", "100000", "--seed", "5", "-o", log], check=True)
    nodes_csv, edges_csv = os.path.join(work, "nodes.csv"), os.path.join(work, "edges.csv")
    cli = subprocess.run([zg, "graph", log, "-j", "1", "-q", "--no-progress", "--iterations", "5",
                          "--nodes", nodes_csv, "--edges", edges_csv], check=True, capture_output=True, text=True)
    df_summary = zeekgraph.summarize(log, progress=False)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        hg = zeekgraph.hypergraph(df_summary, ['id.orig_h', 'id.resp_h'], direct=True,
                                  opts={'CATEGORIES': {'ip': ['id.orig_h', 'id.resp_h']}})
    expect(out.getvalue() == cli.stdout, f"count lines: python {out.getvalue()!r}, CLI {cli.stdout!r}")
    expect(sorted(hg) == ['edges', 'entities', 'events', 'graph', 'nodes'], f"keys {sorted(hg)}")
    with open(edges_csv, newline="") as f:
        want_edges = f.read()
    got_edges = hg['edges'].to_csv(index=False)
    expect(got_edges == want_edges, "edges frame (to_csv) differs from `zeekgraph graph --edges`")
    g = hg['graph'].layout(iterations=5, threads=1)
    nodes = hg['nodes'][['nodeID', 'nodeTitle', 'type', 'category']].join(
        g.positions()[['degree', 'sessions', 'x', 'y']])
    with open(nodes_csv, newline="") as f:
        want_nodes = f.read()
    expect(nodes.to_csv(index=False) == want_nodes, "nodes frame + positions() differ from `zeekgraph graph --nodes`")
    expect(g._source == 'src' and g._destination == 'dst' and g._node == 'nodeID' and g._point_title == 'nodeTitle',
           "graph bindings")
    # Graphistry's shapes for this call.
    ent = hg['entities']
    expect(list(ent.columns) == ['id.orig_h', 'nodeTitle', 'type', 'nodeID', 'id.resp_h', 'category'],
           f"entity columns {list(ent.columns)}")
    expect(ent['nodeID'].is_unique and (ent['category'] == 'ip').all(), "entity IDs unique, category ip")
    expect(len(hg['events']) == 0 and len(hg['nodes']) == len(ent), "direct: no event nodes")
    expect(isinstance(hg['nodes'].index, pd.RangeIndex), "nodes have a RangeIndex")
    page = g.page()
    expect(page.lower().startswith("<!doctype html>"), "page is HTML")
    expect('id="zg-meta"' in page and 'id="zg-bin"' in page, "page embeds the graph")
    path = g.to_html(os.path.join(work, "graph.html"))
    expect(os.path.getsize(path) == len(page.encode("utf-8", "surrogateescape")), "to_html writes the page")
    print(f"ok tutorial graph: {len(hg['edges'])} edges, {len(ent)} entities equal the CLI's exports")


triangleNodes = pd.DataFrame({
    'id': ['a', 'b', 'c'],
    'a1': [1, 2, 3],
    'a2': ['red', 'blue', 'green'],
    '🙈': ['æski ēˈmōjē', '😋', 's'],
})
hyper_df = pd.DataFrame({'aa': [0, 1, 2], 'bb': ['a', 'b', 'c'], 'cc': ['b', 0, 1]})
EVENT_IDS = ['EventID::0', 'EventID::1', 'EventID::2'] * 4
ATTRIB_IDS = ['a1::1', 'a1::2', 'a1::3', 'a2::red', 'a2::blue', 'a2::green', 'id::a', 'id::b', 'id::c',
              '🙈::æski ēˈmōjē', '🙈::😋', '🙈::s']
EDGE_TYPES = ['a1', 'a1', 'a1', 'a2', 'a2', 'a2', 'id', 'id', 'id', '🙈', '🙈', '🙈']


def graphistry_cases():
    # test_hyperedges: one event node per row, edges by column name sorted.
    h = zeekgraph.hypergraph(triangleNodes, verbose=False)
    expect(len(h.keys()) == 5, "five keys")
    frame_equal(h['edges'], pd.DataFrame({
        'a1': [1, 2, 3] * 4, 'a2': ['red', 'blue', 'green'] * 4, 'id': ['a', 'b', 'c'] * 4,
        '🙈': ['æski ēˈmōjē', '😋', 's'] * 4, 'edgeType': EDGE_TYPES, 'attribID': ATTRIB_IDS,
        'EventID': EVENT_IDS}), "test_hyperedges edges")
    for k, v in [('entities', 12), ('nodes', 15), ('edges', 12), ('events', 3)]:
        expect(len(h[k]) == v, f"test_hyperedges len({k}) {len(h[k])} != {v}")
    expect(list(h['events']['nodeID']) == ['EventID::0', 'EventID::1', 'EventID::2'], "event node IDs")
    expect((h['events']['type'] == 'EventID').all() and (h['events']['category'] == 'event').all(),
           "event nodes' type and category")
    expect(h['graph']._source == 'attribID' and h['graph']._destination == 'EventID', "event graph bindings")

    # test_hyperedges_direct / test_hyperedges_direct_categories.
    h = zeekgraph.hypergraph(hyper_df, verbose=False, direct=True)
    expect(len(h['edges']) == 9 and len(h['nodes']) == 9, f"direct: {len(h['edges'])} edges, {len(h['nodes'])} nodes")
    expect(list(h['edges']['src'][:3]) == ['aa::0', 'aa::1', 'aa::2'] and
           list(h['edges']['dst'][:3]) == ['bb::a', 'bb::b', 'bb::c'], "direct: aa -> bb first")
    expect(list(h['edges']['edgeType'].unique()) == ['aa::bb', 'aa::cc', 'bb::cc'], "direct edge types")
    h = zeekgraph.hypergraph(hyper_df, verbose=False, direct=True, opts={'CATEGORIES': {'n': ['aa', 'bb', 'cc']}})
    expect(len(h['edges']) == 9 and len(h['nodes']) == 6, f"categories: {len(h['edges'])} edges, {len(h['nodes'])} nodes")
    expect(list(h['nodes']['nodeID']) == ['n::0', 'n::1', 'n::2', 'n::a', 'n::b', 'n::c'], "one namespace n")
    expect(list(h['nodes']['type'][:3]) == ['aa'] * 3, "a value's type is the column it was first seen in")
    expect((h['edges']['edgeType'] == 'n::n').all() and
           list(h['edges']['category'].unique()) == ['aa::bb', 'aa::cc', 'bb::cc'], "categorised edge types")
    # 'cc' mixes text and numbers: Graphistry makes text of them, so 0 is 'cc::0'.
    h = zeekgraph.hypergraph(hyper_df, ['cc'], verbose=False)
    expect(list(h['entities']['nodeID']) == ['cc::b', 'cc::0', 'cc::1'], "object column values as text")

    # test_drop_edge_attrs.
    h = zeekgraph.hypergraph(triangleNodes, verbose=False, drop_edge_attrs=True)
    frame_equal(h['edges'], pd.DataFrame({'edgeType': EDGE_TYPES, 'attribID': ATTRIB_IDS, 'EventID': EVENT_IDS}),
                "test_drop_edge_attrs edges")
    for k, v in [('entities', 12), ('nodes', 15), ('edges', 12), ('events', 3)]:
        expect(len(h[k]) == v, f"test_drop_edge_attrs len({k}) {len(h[k])} != {v}")

    # test_skip_na_hyperedge.
    nans_df = pd.DataFrame({'x': ['a', 'b', 'c'], 'y': ['aa', None, 'cc']})
    expect(len(zeekgraph.hypergraph(nans_df, drop_edge_attrs=True, verbose=False)['edges']) == 5, "skip NA, no attrs")
    expect(len(zeekgraph.hypergraph(nans_df, verbose=False)['edges']) == 5, "skip NA")
    expect(len(zeekgraph.hypergraph(nans_df, verbose=False)['entities']) == 5, "NA makes no entity")

    # The entities' index is Graphistry's: positions in the per-column lists
    # of distinct values, duplicates dropped.
    h = zeekgraph.hypergraph(pd.DataFrame({'a': ['x', 'y'], 'b': ['y', 'z']}), direct=True, verbose=False,
                             opts={'CATEGORIES': {'v': ['a', 'b']}})
    expect(list(h['entities'].index) == [0, 1, 3] and list(h['entities']['nodeID']) == ['v::x', 'v::y', 'v::z'],
           f"entity index {list(h['entities'].index)}")
    expect(list(h['nodes'].index) == [0, 1, 2], "nodes are re-indexed")

    # Errors carry the engine's message.
    try:
        zeekgraph.hypergraph(hyper_df, ['nope'], verbose=False)
        expect(False, "a missing column raises")
    except zeekgraph.UsageError as e:
        expect("nope" in str(e), f"missing column message: {e}")
    print("ok Graphistry's hypergraph test cases")


def main():
    zg, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    tutorial_graph(zg, work)
    graphistry_cases()
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
