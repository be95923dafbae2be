"""hypergraph(): Graphistry's hypergraph of a DataFrame, built by the engine
(graph::build_hypergraph), with Graphistry's frames; and the graph object
that lays it out with ForceAtlas2 and shows zeekgraph's UI inline, offline."""
import html
import os

import numpy as np
import pandas as pd

from . import _core

# Graphistry's bindings (hypergraph's `opts` may rename them) and defaults.
_DEFS = {
    "TITLE": "nodeTitle", "DELIM": "::", "NODEID": "nodeID", "ATTRIBID": "attribID", "EVENTID": "EventID",
    "SOURCE": "src", "DESTINATION": "dst", "CATEGORY": "category", "NODETYPE": "type", "EDGETYPE": "edgeType",
    "SKIP": [], "CATEGORIES": {}, "EDGES": None,
}

# ForceAtlas2 as the CLI's `graph` runs it (scaling_ratio 10: ~5K nodes and
# 80K edges crowd at Gephi's default 2).
LAYOUT_DEFAULTS = dict(gravity=1.0, scaling_ratio=10.0, edge_influence=1.0, lin_log=False, strong_gravity=False,
                       dissuade_hubs=False, jitter_tolerance=1.0, theta=1.2, iterations=2000, convergence=1e-3,
                       pack_components=True, threads=0, seed=1)


def _safe_str(v):
    """Graphistry's valToSafeStr: text as it is, anything else as repr()."""
    return v if isinstance(v, str) else repr(v)


def _flatten(s):
    """A column's cells as Graphistry's hypergraph sees them: object and
    category columns hold str() of each value; nulls stay null."""
    if s.dtype.name == "category":
        s = s.astype(object)
    if s.dtype == object:
        return s.where(s.isna(), s.astype(str))
    return s


def _engine_column(name, s):
    """(name, kind, data) for _core.Hypergraph: int64 and float64 arrays as
    they are; any other column as text (bytes; None for null), each cell
    as Graphistry's valToSafeStr writes it."""
    kind = s.dtype.kind
    if kind in "iu":
        return (name, "int64", s.to_numpy(dtype=np.int64))
    if kind == "f":
        return (name, "float64", s.to_numpy(dtype=np.float64))
    s = _flatten(s)
    null = s.isna().to_numpy()
    values = s.to_numpy(dtype=object)
    return (name, "string", [None if null[i] else _safe_str(v).encode("utf-8", "surrogateescape")
                             for i, v in enumerate(values)])


class Plot:
    """The UI of one graph in a page of its own. In Jupyter it shows inline
    (an iframe whose srcdoc is the page: no server, no account, offline)."""

    def __init__(self, page, height=640):
        self.html = page
        self.height = height

    def _repr_html_(self):
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" style="width:100%;height:{self.height}px;'
                f'border:0" sandbox="allow-scripts allow-downloads"></iframe>')

    def save(self, path):
        with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(self.html)
        return path


class Graph:
    """A hypergraph's nodes and edges, bound as Graphistry binds them
    (`_source`, `_destination`, `_node`, `_point_title`), laid out by
    ForceAtlas2 on demand."""

    def __init__(self, handle, nodes, edges, source, destination, node, point_title, key_columns):
        self._handle = handle
        self._nodes = nodes
        self._edges = edges
        self._source = source
        self._destination = destination
        self._node = node
        self._point_title = point_title
        self._key_columns = key_columns
        self.layout_info = None

    def layout(self, **settings):
        """Runs ForceAtlas2 (Barnes-Hut, deterministic for a seed) and keeps
        the positions; returns self. Settings, with the CLI's defaults:
        gravity, scaling_ratio, edge_influence, lin_log, strong_gravity,
        dissuade_hubs, jitter_tolerance, theta, iterations, convergence,
        pack_components, threads (0: every core), seed."""
        unknown = sorted(set(settings) - set(LAYOUT_DEFAULTS))
        if unknown:
            raise TypeError(f"unknown ForceAtlas2 setting(s) {unknown}; known: {sorted(LAYOUT_DEFAULTS)}")
        self.layout_info = self._handle.layout(**{**LAYOUT_DEFAULTS, **settings})
        return self

    def positions(self):
        """Per node (in the nodes frame's order): nodeID, x, y, degree (edge
        ends; a self-loop counts twice) and sessions (the summed 'count' of
        its edges' rows), as the CLI's --nodes writes them."""
        if not self._handle.laid_out:
            self.layout()
        h = self._handle
        return pd.DataFrame({self._node: h.node_id, "x": h.x, "y": h.y, "degree": h.degree,
                             "sessions": h.sessions})

    def page(self, color_by="conn_state"):
        """The self-contained HTML page the CLI's --html writes (laid out
        with the defaults first if .layout() was not called)."""
        if not self._handle.laid_out:
            self.layout()
        return self._handle.page(color_by, self._key_columns).decode("utf-8", "surrogateescape")

    def plot(self, color_by="conn_state", height=640):
        """zeekgraph's UI of this graph, inline in Jupyter (see Plot)."""
        return Plot(self.page(color_by), height)

    def to_html(self, path, color_by="conn_state"):
        """Writes the self-contained page to `path` (opens offline); returns path."""
        if not self._handle.laid_out:
            self.layout()
        with open(path, "wb") as f:
            f.write(self._handle.page(color_by, self._key_columns))
        return os.fspath(path)


def hypergraph(raw_events, entity_types=None, opts=None, drop_na=True, drop_edge_attrs=False, verbose=True,
               direct=False):
    """Graphistry's hypergraph(raw_events, entity_types, opts, drop_na,
    drop_edge_attrs, verbose, direct), built by zeekgraph's engine.

    Entity nodes are '<category>::<value>' (a column is its own category
    unless opts['CATEGORIES'] puts it in one); direct=True links entities of
    a row pairwise (opts['EDGES'] shapes which), direct=False gives every row
    an event node linked to its entities. Null cells make no node and no
    edge. Prints '# links', '# events', '# attrib entities' as Graphistry
    (and `zeekgraph graph`) do, unless verbose=False.

    Returns Graphistry's dict: 'entities', 'events', 'edges', 'nodes' (frames
    with Graphistry's columns and index) and 'graph' (a Graph: .plot(),
    .layout(**forceatlas2_settings), .to_html(path)).
    Errors: UsageError naming a column the frame lacks.
    """
    opts = dict(opts or {})
    unknown = sorted(set(opts) - set(_DEFS))
    if unknown:
        raise ValueError(f"unknown hypergraph option(s) {unknown}; known: {sorted(_DEFS)}")
    d = {**_DEFS, **opts}
    # Graphistry never makes entities of its own binding columns.
    skip = list(d["SKIP"]) + [v for k, v in d.items() if isinstance(v, str) and k != "DELIM"]
    categories = {str(k): list(v) for k, v in d["CATEGORIES"].items()}
    cat_of = {col: cat for cat, cols in categories.items() for col in cols}
    use_categories = bool(categories)
    title, node_id, node_type, category = d["TITLE"], d["NODEID"], d["NODETYPE"], d["CATEGORY"]
    event_id, delim = d["EVENTID"], d["DELIM"]

    if entity_types is None:
        entity_types = list(raw_events.columns)
    entity_types = [c for c in entity_types if c not in skip]
    missing = [c for c in entity_types if c not in raw_events.columns]
    if missing:
        from .errors import UsageError
        e = UsageError(f"no column '{missing[0]}' to make entities of")
        e.kind, e.message = "usage", str(e)
        raise e
    events = raw_events.copy().reset_index(drop=True)
    if event_id in events.columns:
        events[event_id] = [f"{event_id}{delim}{_safe_str(v)}" for v in events[event_id]]
    else:
        events[event_id] = [f"{event_id}{delim}{i}" for i in range(len(events))]

    table_cols = [c for c in raw_events.columns if c != event_id]
    handle = _core.Hypergraph(
        [_engine_column(str(c), raw_events[c].reset_index(drop=True)) for c in table_cols],
        dict(entity_types=[str(c) for c in entity_types], direct=bool(direct),
             categories=[(k, v) for k, v in categories.items()],
             edges=[(k, list(v)) for k, v in (d["EDGES"] or {}).items()],
             skip=[], drop_na=bool(drop_na), delim=delim))

    entities = _entities(events, entity_types, handle, cat_of, d, drop_na)
    ids = handle.node_id
    src, dst, row = handle.src, handle.dst, handle.row
    attrs = [] if drop_edge_attrs else [c for c in events.columns if c != node_type and c != event_id]
    picked = events.take(row).reset_index(drop=True)
    if direct:
        edges = pd.DataFrame({d["SOURCE"]: ids[src], d["DESTINATION"]: ids[dst],
                              d["EDGETYPE"]: handle.edge_type})
        if use_categories:
            edges[category] = handle.edge_category
        event_nodes = pd.DataFrame()
    else:
        cols = handle.edge_category  # the entity's column
        edges = pd.DataFrame({d["ATTRIBID"]: ids[dst],
                              d["EDGETYPE"]: [cat_of.get(c, c) for c in cols] if use_categories else cols})
        if use_categories:
            edges[category] = cols
        event_nodes = events.copy()
        event_nodes[node_type] = event_id
        event_nodes[category] = "event"
        event_nodes[node_id] = event_nodes[event_id]
        event_nodes[title] = event_nodes[event_id]
    edges[event_id] = picked[event_id].to_numpy()
    for c in attrs:
        edges[c] = picked[c]
    if verbose:
        print("# links", handle.links)
        print("# events", handle.events)
        print("# attrib entities", handle.entities)
    nodes = pd.concat([entities, event_nodes], ignore_index=True, sort=False).reset_index(drop=True)
    report = raw_events.attrs.get("zeekgraph")
    key_columns = len(report.keys) if report is not None and hasattr(report, "keys") else 0
    graph = Graph(handle, nodes, edges, d["SOURCE"] if direct else d["ATTRIBID"],
                  d["DESTINATION"] if direct else event_id, node_id, title, key_columns)
    return {"entities": entities, "events": event_nodes, "edges": edges, "nodes": nodes, "graph": graph}


def _entities(events, entity_types, handle, cat_of, d, drop_na):
    """Graphistry's entities frame: for each entity column, its distinct
    values in order of appearance ({column: value, nodeTitle: value, type:
    column, nodeID: '<category>::<value>'}), concatenated, duplicate IDs
    dropped (keeping the index of the first), then the category column."""
    title, node_id, node_type, category = d["TITLE"], d["NODEID"], d["NODETYPE"], d["CATEGORY"]
    n = handle.entities
    ids, types = handle.node_id[:n], handle.node_type[:n]
    # The index Graphistry's drop_duplicates leaves: each node's place in the
    # concatenated per-column lists of distinct values.
    listed, values, present = [], {}, []
    for col in entity_types:
        s = _flatten(events[col])
        uniq = pd.unique(s.dropna() if drop_na else s)
        cat = cat_of.get(col, col)
        for v in uniq:
            key = cat + d["DELIM"] + ("nan" if not isinstance(v, str) and pd.isna(v) else _safe_str(v))
            listed.append(key)
            values.setdefault(key, v)
        if len(uniq):
            present.append(col)
    first = {}
    for i, key in enumerate(listed):
        first.setdefault(key, i)
    if list(first) != list(ids):
        raise AssertionError("zeekgraph: the engine's entities differ from Graphistry's distinct values "
                             "(please report this with the frame's dtypes)")
    raw = [values[k] for k in ids]
    frame = {}
    for i, col in enumerate(present):
        mask = types == col
        cells = np.full(n, np.nan, dtype=object)
        cells[mask] = [raw[j] for j in np.flatnonzero(mask)]
        frame[col] = pd.Series(cells).infer_objects()
        if i == 0:
            frame[title] = pd.Series(raw, dtype=object)
            frame[node_type] = types
            frame[node_id] = ids
    out = pd.DataFrame(frame)
    out[category] = handle.node_category[:n]
    out.index = pd.Index([first[k] for k in ids], dtype=np.int64)
    return out
