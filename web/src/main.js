// The zeekgraph graph explorer. Data comes from the binary that serves the
// page (/api/graph.bin and /api/meta.json, or /api/requery for a filter) or,
// in a file written by `zeekgraph graph --html`, from base64 inside the
// page. Nodes are drawn first and edges added in batches, so the first
// paint does not wait for 80K edges.
//
// The view a link reproduces is its filter: /?where=EXPR. Apply pushes the
// filter onto the browser history, so back and forward step through them.
import Graph from "graphology";
import Sigma from "sigma";
import { CONN_COLUMNS, FAILED_STATES, KNOWN_VALUES, classColour, classMeaning, humanBytes, isAddress, isNetwork,
  isoTime, literal, num, shortNum } from "./zeek.js";

const T0 = performance.now();
const EDGE_ALPHA = 0.35, FOCUS_ALPHA = 0.95;
const INTERNAL = "#dfe6f3", EXTERNAL = "#f6a04d", SELECTED = "#6ea8fe";
const DIM_NODE = "#2c313d", DIM_EDGE = "#1b1e27";
const $ = (id) => document.getElementById(id);
const served = !document.getElementById("zg-bin");
// What survives a re-query: the filter, client-side toggles by class name,
// the brushes' ranges, the size metric.
const ui = { chips: [], applied: "", hiddenClasses: new Set(), ranges: {}, sizeBy: "peers", focus: null, isolate: null,
  hideIsolated: false };
const zg = (window.__zg = { ready: false, firstPaintMs: null, edgesDoneMs: null, graphs: 0, loadMs: T0 });
let view = null;

// sigma 3 blends premultiplied colours: scale rgb by alpha, or translucent
// edges wash out to white.
function premultiplied(hex, a) {
  const n = parseInt(hex.slice(1), 16);
  const r = Math.round(((n >> 16) & 255) * a), g = Math.round(((n >> 8) & 255) * a), b = Math.round((n & 255) * a);
  return `rgba(${r},${g},${b},${a})`;
}

// ---- messages and status ---------------------------------------------------

// A message replaces the last one and goes away on the next action or after 8 s.
let messageTimer = 0;
function say(text) {
  $("message").textContent = text;
  clearTimeout(messageTimer);
  if (text) messageTimer = setTimeout(() => { $("message").textContent = ""; }, 8000);
}
// Text cut to n characters (whole code points), for values a log may make
// enormous; the element's title keeps all of it.
function short(text, n = 120) {
  const cps = Array.from(String(text));
  return cps.length > n ? cps.slice(0, n - 1).join("") + "\u2026" : String(text);
}
function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "class") e.className = v;
    else if (k === "dataset") Object.assign(e.dataset, v);
    else if (k.startsWith("on")) e[k] = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

// ---- data ------------------------------------------------------------------

function decodeBase64(text) { return Uint8Array.from(atob(text.trim()), (c) => c.charCodeAt(0)).buffer; }

async function fetchOk(url, as) {
  const r = await fetch(url);
  if (!r.ok) {
    const err = new Error((await r.text()).trimEnd() || `${r.status} ${r.statusText}`);
    err.status = r.status;
    throw err;
  }
  return as === "json" ? r.json() : as === "text" ? r.text() : r.arrayBuffer();
}

// The graph of `where` (empty: the one serve started with). meta first:
// serve keeps the last graphs it made, so bin then costs no second scan.
async function fetchGraph(where) {
  if (!where) {
    const [bin, meta] = await Promise.all([fetchOk("api/graph.bin"), fetchOk("api/meta.json", "json")]);
    return { bin, meta };
  }
  const q = `api/requery?where=${encodeURIComponent(where)}`;
  const meta = await fetchOk(`${q}&part=meta`, "json");
  const bin = await fetchOk(`${q}&part=bin`);
  return { bin, meta };
}

function decode(bin) {
  const head = new Uint32Array(bin, 0, 4);
  if (head[0] !== 0x3147475a) throw new Error("not a zeekgraph graph");
  const n = head[1], m = head[2];
  let off = 16;
  const take = (Type, count) => {
    const a = new Type(bin, off, count);
    off += count * Type.BYTES_PER_ELEMENT;
    return a;
  };
  const g = { n, m, x: take(Float32Array, n), y: take(Float32Array, n), degree: take(Uint32Array, n),
    sessions: take(Uint32Array, n), src: take(Uint32Array, m), dst: take(Uint32Array, m) };
  g.cls = new Uint8Array(bin, off, m);
  off += m;
  // Since the internal/external colouring: a byte per node, 1 = internal.
  g.internal = bin.byteLength >= off + n ? new Uint8Array(bin, off, n) : null;
  return g;
}

// Per node: its edges (CSR), distinct peers, summary rows, bytes and failed
// sessions (count of its S0 and REJ rows). A self-loop is one summary row
// and no peer.
function nodeStats(g) {
  const start = new Uint32Array(g.n + 1);
  for (let e = 0; e < g.m; e++) { start[g.src[e] + 1]++; if (g.dst[e] !== g.src[e]) start[g.dst[e] + 1]++; }
  for (let i = 0; i < g.n; i++) start[i + 1] += start[i];
  const adj = new Uint32Array(start[g.n]), fill = start.slice(0, g.n);
  for (let e = 0; e < g.m; e++) { adj[fill[g.src[e]]++] = e; if (g.dst[e] !== g.src[e]) adj[fill[g.dst[e]]++] = e; }
  const peers = new Uint32Array(g.n), rows = new Uint32Array(g.n);
  let other = new Uint32Array(16);
  for (let i = 0; i < g.n; i++) {
    const a = start[i], b = start[i + 1];
    rows[i] = b - a;
    if (other.length < b - a) other = new Uint32Array(b - a);
    let k = 0;
    for (let p = a; p < b; p++) {
      const e = adj[p], o = g.src[e] === i ? g.dst[e] : g.src[e];
      if (o !== i) other[k++] = o;
    }
    const s = other.subarray(0, k).sort();
    let d = 0;
    for (let j = 0; j < k; j++) if (j === 0 || s[j] !== s[j - 1]) d++;
    peers[i] = d;
  }
  return { start, adj, peers, rows };
}
// Per node, from the summary rows of its edges: bytes, and failed sessions.
function nodeSums(v) {
  const { g } = v, bytes = new Float64Array(g.n), failed = new Float64Array(g.n);
  const failedCls = v.meta.classes.map((c) => v.meta.color_by === "conn_state" && FAILED_STATES.has(c));
  for (let i = 0; i < g.n; i++)
    for (let p = v.start[i]; p < v.start[i + 1]; p++) {
      const e = v.adj[p], row = v.edgeRow(e);
      if (v.bytesCol) bytes[i] += v.bytesCol[row] ?? 0;
      if (failedCls[g.cls[e]] && v.countCol) failed[i] += v.countCol[row] ?? 0;
    }
  return { bytes, failed };
}

// ---- one graph on screen ---------------------------------------------------

let sizeScale = 1;
function nodeSize(v) { return sizeScale * (1 + 1.4 * Math.log2(1 + v)); }

// sigma's hover draws a white box under a label of the label colour (light
// here): white on white. This draws a dark box with a light border instead.
function drawHover(ctx, data, settings) {
  const size = settings.labelSize;
  ctx.font = `600 ${size}px ${settings.labelFont}`;
  ctx.fillStyle = "#0d0f15";
  ctx.strokeStyle = SELECTED;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.arc(data.x, data.y, data.size + 3, 0, Math.PI * 2);
  ctx.fill();
  ctx.stroke();
  const label = typeof data.label === "string" ? (data.label.length > 80 ? data.label.slice(0, 79) + "\u2026" : data.label) : "";
  if (!label) return;
  const w = ctx.measureText(label).width, x = data.x + data.size + 6, h = size + 8;
  ctx.fillStyle = "#0d0f15";
  ctx.fillRect(x - 4, data.y - h / 2, w + 8, h);
  ctx.strokeRect(x - 4, data.y - h / 2, w + 8, h);
  ctx.fillStyle = "#e8ecf4";
  ctx.fillText(label, x, data.y + size / 3);
}

// Labels get a dark outline, so they read on light nodes and bright edges too.
// None is drawn over another: the labels of a frame are kept as boxes, and
// a label goes right of its node, else left of it, else is left out (a
// focused neighbourhood forces its labels, which sigma's grid does not
// space). The selected node's label is placed first (placeSelectedLabel).
let labelBoxes = [];
function labelText(data) { return data.label.length > 80 ? data.label.slice(0, 79) + "\u2026" : data.label; }
function labelFits(x, y, w, h) {
  return !labelBoxes.some((b) => x < b.x + b.w && x + w > b.x && y - h / 2 < b.y + b.h / 2 && y + h / 2 > b.y - b.h / 2);
}
function drawLabel(ctx, data, settings) {
  if (!data.label) return;
  const size = settings.labelSize;
  const label = labelText(data);
  ctx.font = `${settings.labelWeight} ${size}px ${settings.labelFont}`;
  const w = ctx.measureText(label).width + 4, h = size + 2;
  let x = labelBoxes.find((b) => b.key === data.key)?.x;
  if (x === undefined) {
    const right = data.x + data.size + 3, left = data.x - data.size - 3 - w;
    x = labelFits(right, data.y, w, h) ? right : labelFits(left, data.y, w, h) ? left : null;
    if (x === null) return;
    labelBoxes.push({ key: data.key, x, y: data.y, w, h });
  }
  ctx.lineWidth = 3;
  ctx.lineJoin = "round";
  ctx.strokeStyle = "#0d0f15";
  ctx.strokeText(label, x + 2, data.y + size / 3);
  ctx.fillStyle = "#e8ecf4";
  ctx.fillText(label, x + 2, data.y + size / 3);
}
// Before each frame: no boxes yet, but the selected node's, on its right,
// or a selected edge's two ends', each on the side away from the other.
function placeSelectedLabel(v) {
  labelBoxes = [];
  const f = ui.focus;
  if (!f || !v.titles) return;
  const r = v.renderer, size = r.getSetting("labelSize");
  const ctx = r.getCanvases().labels.getContext("2d");
  ctx.font = `${r.getSetting("labelWeight")} ${size}px ${r.getSetting("labelFont")}`;
  const at = (i) => {
    const d = r.getNodeDisplayData(String(i));
    if (!d || !d.label || d.hidden) return null;
    const p = r.graphToViewport({ x: v.graph.getNodeAttribute(String(i), "x"), y: v.graph.getNodeAttribute(String(i), "y") });
    return { key: String(i), p, r: r.scaleSize(d.size), w: ctx.measureText(labelText(d)).width + 4, h: size + 2 };
  };
  const put = (n, left) => { if (n) labelBoxes.push({ key: n.key, x: left ? n.p.x - n.r - 3 - n.w : n.p.x + n.r + 3, y: n.p.y, w: n.w, h: n.h }); };
  if (f.kind === "node") put(at(f.i), false);
  else {
    const a = at(v.g.src[f.e]), b = at(v.g.dst[f.e]);
    if (a && b && a.key === b.key) put(a, false);  // a self-loop
    else if (a && b) { put(a, a.p.x < b.p.x); put(b, b.p.x <= a.p.x); } else { put(a, false); put(b, false); }
  }
}

// What the page takes from meta.json: titles, the summary table and its
// columns, classes and their colours, per-node sums.
function attachMeta(v, meta) {
  v.meta = meta;
  v.titles = meta.nodes.title;
  v.internal = v.g.internal || meta.nodes.internal || null;
  const col = (name) => meta.table.columns.indexOf(name);
  v.tableCol = (name) => (col(name) >= 0 ? meta.table.data[col(name)] : null);
  v.edgeRow = meta.edge_row ? (e) => meta.edge_row[e] : (e) => e;
  v.countCol = v.tableCol("count");
  v.bytesCol = v.tableCol("sum_bytes sum");
  v.tminCol = v.tableCol("time min");
  v.tmaxCol = v.tableCol("time max");
  v.keyColumns = meta.key_columns || 0;
  Object.assign(v, nodeSums(v));
  v.classColour = meta.classes.map((c) => classColour(c, meta.color_by));
  v.edgeColour = v.classColour.map((c) => premultiplied(c, EDGE_ALPHA));
  v.edgeStrong = v.classColour.map((c) => premultiplied(c, FOCUS_ALPHA));
}

// Draws a graph. The nodes come from graph.bin alone, so they are painted
// while meta.json (the summary rows: 17 MB for 82K edges) is still
// arriving or being parsed; `meta` may be a promise. Labels, edges, legend
// and panels follow it.
async function mount(bin, meta, servedGraph = false) {
  const g = decode(bin);
  // servedGraph: the graph serve started with, whose summary rows /api/rows?edge=N numbers.
  const v = { g, meta: null, titles: null, internal: g.internal, servedGraph };
  Object.assign(v, nodeStats(g));
  v.nodeVisible = new Uint8Array(g.n).fill(1);
  v.edgeVisible = new Uint8Array(g.m).fill(1);
  sizeScale = Math.min(1.5, Math.max(0.25, Math.sqrt(600 / Math.max(1, g.n))));

  const graph = new Graph({ multi: true, type: "directed", allowSelfLoops: true });
  for (let i = 0; i < g.n; i++) {
    const inside = g.internal ? g.internal[i] === 1 : true;
    graph.addNode(String(i), { x: g.x[i], y: -g.y[i], size: nodeSize(v.peers[i]), label: "", color: inside ? INTERNAL : EXTERNAL });
  }
  v.graph = graph;
  if (view) view.renderer.kill();
  ui.focus = null;
  ui.isolate = null;
  const container = $("graph");
  v.renderer = new Sigma(graph, container, {
    renderEdgeLabels: false, enableEdgeEvents: true, labelColor: { color: "#e8ecf4" }, labelRenderedSizeThreshold: 9,
    defaultEdgeType: "line", zIndex: true, minCameraRatio: 0.005, maxCameraRatio: 20, defaultDrawNodeHover: drawHover, defaultDrawNodeLabel: drawLabel,
    nodeReducer: (node, data) => {
      const i = +node;
      if (!v.nodeVisible[i]) return { ...data, hidden: true };
      const size = nodeSize(ui.sizeBy === "sessions" ? g.sessions[i] : v.peers[i]);
      const f = ui.focus;
      if (!f) return { ...data, size };
      if (!f.nodes.has(i)) return { ...data, size, color: DIM_NODE, label: "", zIndex: 0 };
      if (f.kind === "node" && f.i === i) return { ...data, size: size * 1.6, color: SELECTED, zIndex: 2, forceLabel: true };
      return { ...data, size, zIndex: 1, forceLabel: f.kind === "edge" || f.nodes.size <= 40 };
    },
    edgeReducer: (edge, data) => {
      const e = +edge;
      if (!v.edgeVisible[e]) return { ...data, hidden: true };
      const f = ui.focus;
      if (!f) return data;
      if (f.edges.has(e)) return { ...data, color: v.edgeStrong[g.cls[e]], size: f.kind === "edge" ? 2.5 : 1, zIndex: 1 };
      return { ...data, color: DIM_EDGE, zIndex: 0 };
    },
  });
  v.renderer.on("beforeRender", () => placeSelectedLabel(v));
  view = v;
  zg.graphs++;
  // A re-queried graph grows into view from a wider frame, so the change reads as one.
  if (zg.graphs > 1) {
    v.renderer.getCamera().setState({ x: 0.5, y: 0.5, ratio: 1.6, angle: 0 });
    v.renderer.getCamera().animate({ x: 0.5, y: 0.5, ratio: 1 }, { duration: 400 });
  }
  await new Promise((r) => requestAnimationFrame(() => r()));
  if (zg.firstPaintMs === null) {
    zg.firstPaintMs = performance.now();
    zg.timings = { binMs: zg.binMs, firstPaintMs: zg.firstPaintMs };
  }
  attachMeta(v, await meta);
  if (view !== v) return;
  zg.timings.metaMs = zg.timings.metaMs ?? performance.now();
  if (!g.internal && v.internal) graph.forEachNode((k, a) => { if (!v.internal[+k]) graph.setNodeAttribute(k, "color", EXTERNAL); });
  graph.updateEachNodeAttributes((k, a) => ({ ...a, label: v.titles[+k] }));

  // Edges, a batch a frame.
  let added = 0;
  await new Promise((done) => {
    const step = () => {
      if (view !== v) return done();  // replaced meanwhile
      const end = Math.min(g.m, added + 20000);
      for (let e = added; e < end; e++)
        graph.addDirectedEdgeWithKey(String(e), String(g.src[e]), String(g.dst[e]), { i: e, color: v.edgeColour[g.cls[e]], size: 0.5 });
      added = end;
      $("status").textContent = `${g.n} nodes, ${added} of ${g.m} edges`;
      if (added < g.m) requestAnimationFrame(step);
      else done();
    };
    requestAnimationFrame(step);
  });
  if (view !== v) return;
  if (zg.edgesDoneMs === null) zg.edgesDoneMs = performance.now();

  buildLegend(v);
  buildHistograms(v);
  buildTalkers(v);
  loadPorts(v);
  buildSearchList(v);
  wireEvents(v);
  closeInspector();
  applyFilters();
}

// ---- legend ----------------------------------------------------------------

function buildLegend(v) {
  const { g, meta } = v;
  $("legend-title").textContent = `Edges by ${meta.color_by || "type"}`;
  const count = new Array(meta.classes.length).fill(0);
  for (let e = 0; e < g.m; e++) count[g.cls[e]]++;
  const legend = $("legend");
  legend.replaceChildren();
  meta.classes.forEach((name, i) => {
    const swatch = el("span", { class: "swatch" });
    swatch.style.background = v.classColour[i];  // CSSOM: allowed by the strict CSP
    const meaning = classMeaning(name, meta.color_by);
    const label = el("span", { class: "name" }, short(name, 60), meaning ? el("span", { class: "meaning" }, meaning) : null);
    const add = el("button", { class: "add small", title: `filter the log to ${meta.color_by} ${name} (a chip; Apply re-queries)` }, "filter");
    if (!served || meta.color_by !== "conn_state") add.disabled = true;
    add.onclick = (ev) => { ev.stopPropagation(); addStateChip(name); };
    const item = el("div", { class: "item", dataset: { cls: name }, title: meaning ? `${name}: ${meaning}` : name },
      swatch, label, el("span", { class: "count" }, num(count[i])), add);
    item.classList.toggle("off", ui.hiddenClasses.has(name));
    item.onclick = () => {
      ui.hiddenClasses.has(name) ? ui.hiddenClasses.delete(name) : ui.hiddenClasses.add(name);
      item.classList.toggle("off", ui.hiddenClasses.has(name));
      applyFilters();
    };
    legend.appendChild(item);
  });
  const nodes = $("node-legend");
  nodes.replaceChildren();
  if (v.internal) {
    let inside = 0;
    for (let i = 0; i < g.n; i++) inside += v.internal[i];
    for (const [colour, name, meaning, n] of [
      [INTERNAL, "internal", "RFC 1918, RFC 4193, link-local, loopback, --local-nets", inside],
      [EXTERNAL, "external", "every other address", g.n - inside]]) {
      const swatch = el("span", { class: "swatch" });
      swatch.style.background = colour;
      nodes.append(el("div", { class: "item", dataset: { kind: name } }, swatch,
        el("span", { class: "name" }, `${name} nodes`, el("span", { class: "meaning" }, meaning)), el("span", { class: "count" }, num(n))));
    }
  }
}

// ---- client-side filters (instant) -----------------------------------------

function applyFilters() {
  const v = view, { g } = v, r = ui.ranges, inR = (k, x) => !r[k] || (x >= r[k][0] && x <= r[k][1]);
  const hidden = v.meta.classes.map((c) => ui.hiddenClasses.has(c));
  const only = ui.isolate ? ui.isolate.nodes : null;
  for (let i = 0; i < g.n; i++) v.nodeVisible[i] = inR("peers", v.peers[i]) && (!only || only.has(i)) ? 1 : 0;
  let shown = 0;
  for (let e = 0; e < g.m; e++) {
    let ok = !hidden[g.cls[e]] && v.nodeVisible[g.src[e]] && v.nodeVisible[g.dst[e]];
    const row = v.edgeRow(e);
    if (ok && v.countCol) ok = inR("count", v.countCol[row] ?? 0);
    if (ok && v.bytesCol) ok = inR("bytes", v.bytesCol[row] ?? 0);
    if (ok && r.time && v.tminCol) {
      const t0 = v.tminCol[row], t1 = v.tmaxCol ? v.tmaxCol[row] : t0;
      ok = t1 >= r.time[0] && t0 <= r.time[1];
    }
    v.edgeVisible[e] = ok ? 1 : 0;
    shown += v.edgeVisible[e];
  }
  if (ui.hideIsolated) {
    const has = new Uint8Array(g.n);
    for (let e = 0; e < g.m; e++) if (v.edgeVisible[e]) { has[g.src[e]] = 1; has[g.dst[e]] = 1; }
    for (let i = 0; i < g.n; i++) if (!has[i]) v.nodeVisible[i] = 0;
  }
  let nodes = 0;
  for (let i = 0; i < g.n; i++) nodes += v.nodeVisible[i];
  zg.visibleEdges = shown;
  zg.visibleNodes = nodes;
  $("status").textContent = `${nodes} nodes, ${shown} of ${g.m} edges` + (ui.applied ? " (filtered)" : "");
  v.renderer.refresh();
}

// ---- histograms with axes ----------------------------------------------------

const AXIS_H = 14;
// Tick values for a linear range, at a 1-2-5 step.
function linearTicks(lo, hi, count) {
  const raw = (hi - lo) / count, mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw);
  const out = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi; t += step) out.push(t);
  return out;
}
// Time ticks at a round step (1 s .. 1 year) in UTC.
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800,
  2592000, 31536000];
function timeTicks(lo, hi, count) {
  const step = TIME_STEPS.find((s) => (hi - lo) / s <= count) || TIME_STEPS[TIME_STEPS.length - 1];
  const out = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi; t += step) out.push(t);
  return { ticks: out, step };
}
function timeLabel(t, step) {
  const s = isoTime(t);  // 2012-03-16T12:30:00Z
  if (step >= 86400) return s.slice(0, 10);
  if (step >= 60) return `${s.slice(0, 16)}Z`;
  return s;
}

function buildHistograms(v) {
  const { g } = v;
  const values = {
    count: v.countCol ? Float64Array.from({ length: g.m }, (_, e) => v.countCol[v.edgeRow(e)] ?? 0) : null,
    bytes: v.bytesCol ? Float64Array.from({ length: g.m }, (_, e) => v.bytesCol[v.edgeRow(e)] ?? 0) : null,
    peers: Float64Array.from(v.peers),
    time: v.tminCol ? Float64Array.from({ length: g.m }, (_, e) => v.tminCol[v.edgeRow(e)] ?? NaN) : null,
  };
  const fmt = { count: num, bytes: humanBytes, peers: num, time: (t) => isoTime(t) };
  document.querySelectorAll(".hist").forEach((h) => histogram(h, values[h.dataset.key], h.dataset.key, fmt[h.dataset.key]));
}

function histogram(el_, vals, key, fmt) {
  const canvas = el_.querySelector("canvas"), label = el_.querySelector(".hist-label");
  if (!label.dataset.base) label.dataset.base = label.textContent;
  el_.hidden = !vals;
  if (!vals) return;
  const isTime = key === "time", log = !isTime;
  const tf = (x) => (log ? Math.log10(1 + Math.max(0, x)) : x), inv = (t) => (log ? Math.pow(10, t) - 1 : t);
  let lo = Infinity, hi = -Infinity;
  for (const x of vals) if (Number.isFinite(x)) { lo = Math.min(lo, tf(x)); hi = Math.max(hi, tf(x)); }
  if (!(hi > lo)) hi = lo + 1;
  const NB = isTime ? 120 : 60;
  const bins = new Array(NB).fill(0);
  for (const x of vals) if (Number.isFinite(x)) bins[Math.min(NB - 1, Math.floor(((tf(x) - lo) / (hi - lo)) * NB))]++;
  const showRange = () => {
    const sel = ui.ranges[key];
    label.replaceChildren(label.dataset.base);
    if (sel) label.append(" ", el("span", { class: "range" }, `${fmt(sel[0])} \u2013 ${fmt(sel[1])}`));
  };
  let drag = null;
  const draw = () => {
    const dpr = devicePixelRatio, w = (canvas.width = canvas.clientWidth * dpr), h = (canvas.height = canvas.clientHeight * dpr);
    const c = canvas.getContext("2d"), max = Math.max(...bins.map((b) => Math.log1p(b))), ah = AXIS_H * dpr, bh0 = h - ah;
    c.clearRect(0, 0, w, h);
    const sel = ui.ranges[key];
    bins.forEach((b, i) => {
      const x0 = (i / NB) * w, bw = Math.max(1, w / NB - 1), bh = max ? (Math.log1p(b) / max) * (bh0 - 2) : 0;
      const mid = inv(lo + ((i + 0.5) / NB) * (hi - lo));
      c.fillStyle = !sel || (mid >= sel[0] && mid <= sel[1]) ? "#6ea8fe" : "#3a4254";
      c.fillRect(x0, bh0 - bh, bw, bh);
    });
    // The axis: a base line and labelled ticks.
    c.fillStyle = "#2a2f3d";
    c.fillRect(0, bh0, w, dpr);
    c.fillStyle = "#9aa3b5";
    c.font = `${10 * dpr}px system-ui, sans-serif`;
    c.textBaseline = "top";
    const at = (t) => ((t - lo) / (hi - lo)) * w;
    let ticks;
    if (isTime) {
      const tt = timeTicks(lo, hi, Math.max(2, Math.floor(canvas.clientWidth / 170)));
      ticks = tt.ticks.map((t) => [at(t), timeLabel(t, tt.step)]);
    } else {
      // Log axis: powers of ten (0 included) that fall inside the range.
      ticks = [];
      for (let p = -1; p <= 15; p++) {
        const x = p < 0 ? 0 : Math.pow(10, p);
        const t = tf(x);
        if (t >= lo && t <= hi) ticks.push([at(t), shortNum(x)]);
      }
      // A short range: round values of the data itself, placed on the log axis.
      // (These histograms count things: whole numbers only.)
      if (ticks.length < 3) ticks = linearTicks(inv(lo), inv(hi), 4).filter((x) => Number.isInteger(+x.toFixed(9))).map((x) => [at(tf(x)), shortNum(x)]);
    }
    let lastEnd = -Infinity;
    for (const [x, text] of ticks) {
      const tw = c.measureText(text).width, left = Math.min(Math.max(0, x - tw / 2), w - tw);
      c.fillRect(x, bh0, dpr, 3 * dpr);
      if (left > lastEnd + 6 * dpr) { c.fillText(text, left, bh0 + 3 * dpr); lastEnd = left + tw; }
    }
  };
  el_.redraw = () => { draw(); showRange(); };
  // The range typed in: click the label, edit from and to, Enter.
  let editor = el_.querySelector(".range-edit");
  if (!editor) {
    editor = el("form", { class: "range-edit", hidden: "" },
      el("input", { name: "from", "aria-label": "from", spellcheck: "false" }), "\u2013",
      el("input", { name: "to", "aria-label": "to", spellcheck: "false" }), el("button", { class: "small" }, "set"),
      el("span", { class: "muted" }, isTime ? "ISO 8601 UTC or epoch seconds" : "numbers"));
    label.after(editor);
    label.title = "click to type the range";
  }
  const parse = (t) => {
    t = t.trim();
    if (isTime && !/^-?\d+(\.\d+)?$/.test(t)) return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t : `${t}Z`) / 1000;
    return t === "" ? NaN : Number(t.replace(/,/g, ""));
  };
  label.onclick = () => {
    const sel = ui.ranges[key];
    editor.from.value = sel ? (isTime ? isoTime(sel[0]) : sel[0]) : isTime ? isoTime(inv(lo)) : Math.floor(inv(lo));
    editor.to.value = sel ? (isTime ? isoTime(sel[1]) : sel[1]) : isTime ? isoTime(inv(hi)) : Math.ceil(inv(hi));
    editor.hidden = !editor.hidden;
  };
  editor.onsubmit = (ev) => {
    ev.preventDefault();
    const a = parse(editor.from.value), b = parse(editor.to.value);
    if (!Number.isFinite(a) || !Number.isFinite(b) || b < a) { say(`not a range: ${editor.from.value} \u2013 ${editor.to.value}`); return; }
    say("");
    ui.ranges[key] = [a, b];
    editor.hidden = true;
    el_.redraw();
    if (isTime) addTimeChip([a, b]);
    applyFilters();
  };
  const pos = (ev) => lo + (Math.min(Math.max(ev.offsetX, 0), canvas.clientWidth) / canvas.clientWidth) * (hi - lo);
  canvas.onmousedown = (ev) => { drag = pos(ev); };
  canvas.onmousemove = (ev) => {
    if (drag === null) return;
    const a = Math.min(drag, pos(ev)), b = Math.max(drag, pos(ev));
    ui.ranges[key] = [inv(a), inv(b)];
    draw();
    showRange();
  };
  canvas.onmouseup = () => {
    if (drag === null) return;
    drag = null;
    say("");  // a brush is the next action: an earlier message is stale
    if (isTime && ui.ranges.time) addTimeChip(ui.ranges.time);
    applyFilters();
  };
  canvas.ondblclick = () => { delete ui.ranges[key]; draw(); showRange(); applyFilters(); };
  if (!canvas.observed) { new ResizeObserver(() => el_.redraw()).observe(canvas); canvas.observed = true; }
  el_.redraw();
}

// ---- top talkers -------------------------------------------------------------

const TALKER_COLS = [
  ["host", "node", (v, i) => v.titles[i]],
  ["peers", "distinct peers: other hosts it has an edge with", (v, i) => v.peers[i]],
  ["dst ports", "distinct destination ports (id.resp_p) of the connections it originated", (v, i) => (v.ports ? v.ports[i] : -1)],
  ["sessions", "connections (summed count of its summary rows)", (v, i) => v.g.sessions[i]],
  ["bytes", "bytes both ways (summed sum_bytes of its rows)", (v, i) => v.bytes[i]],
  ["failed", "failed connections: sessions in S0 or REJ", (v, i) => v.failed[i]],
];
let talkerSort = 1;
function buildTalkers(v) {
  const box = $("talkers");
  const cols = TALKER_COLS.filter(([name]) => (name !== "bytes" || v.bytesCol) && (name !== "failed" || (v.countCol && v.meta.color_by === "conn_state")) &&
    (name !== "dst ports" || v.ports !== undefined));
  const render = () => {
    const [, , get] = TALKER_COLS[talkerSort];
    const order = Array.from({ length: v.g.n }, (_, i) => i).sort((a, b) => get(v, b) - get(v, a) || a - b).slice(0, 25);
    const t = el("table", { class: "grid" });
    const head = t.insertRow();
    for (const c of cols) {
      const k = TALKER_COLS.indexOf(c);
      head.append(el("th", { title: c[1], onclick: k > 0 ? () => { talkerSort = k; render(); } : null }, c[0] + (k === talkerSort ? " \u25bc" : "")));
    }
    for (const i of order) {
      const tr = t.insertRow();
      tr.className = "row";
      tr.dataset.node = i;
      tr.title = `fly to ${v.titles[i]}`;
      for (const c of cols) {
        const x = c[2](v, i);
        const td = tr.insertCell();
        if (c[0] === "host") { td.className = "ip"; td.textContent = x; } else { td.className = "n"; td.textContent = c[0] === "bytes" ? humanBytes(x) : x < 0 ? "\u2026" : num(x); }
        if (c[0] === "bytes") td.title = `${num(x)} bytes`;
      }
      tr.onclick = () => flyTo(i);
    }
    box.replaceChildren(t, el("div", { class: "muted" }, `top 25 of ${num(v.g.n)} nodes by ${TALKER_COLS[talkerSort][0]}`));
  };
  render();
  v.renderTalkers = render;
}

// A host's distinct destination ports need the rows (the summary rows
// cannot add them up): serve counts them apart, after the graph is drawn.
async function loadPorts(v) {
  if (!served) return;
  zg.portsLoaded = false;
  v.ports = null;
  buildTalkers(v);
  try {
    const d = await fetchOk(`api/node-ports?where=${encodeURIComponent(ui.applied)}`, "json");
    const at = new Map(d.host.map((h, k) => [h, d.ports[k]]));
    v.ports = Float64Array.from(v.titles, (t) => at.get(t) ?? 0);
  } catch (err) {
    v.ports = undefined;  // a log without id.orig_h or id.resp_p: no column
  }
  if (view === v) buildTalkers(v);
  zg.portsLoaded = true;
}

// ---- search ------------------------------------------------------------------

function buildSearchList(v) {
  const list = $("search-list");
  list.replaceChildren();
  const order = Array.from({ length: v.g.n }, (_, i) => i).sort((a, b) => v.peers[b] - v.peers[a]);
  for (const i of order.slice(0, 200)) list.append(el("option", { value: v.titles[i] }));
}
function search(q) {
  q = q.trim();
  say("");
  if (!q || !view) return -1;
  let hit = view.titles.indexOf(q);
  if (hit < 0) hit = view.titles.findIndex((t) => t.includes(q));
  if (hit < 0) { say(`no node matches "${q}"`); return -1; }
  flyTo(hit);
  return hit;
}
function flyTo(i) {
  say("");
  selectNode(i);
  const p = view.renderer.getNodeDisplayData(String(i));
  if (p) view.renderer.getCamera().animate({ x: p.x, y: p.y, ratio: 0.08 }, { duration: 500 });
}

// ---- focus and the inspector ------------------------------------------------

function nodeLabel(i) { return view.titles[i]; }
function selectNode(i) {
  if (i < 0 || !view || i >= view.g.n) return clearFocus();
  const v = view, nodes = new Set([i]), edges = new Set();
  for (let p = v.start[i]; p < v.start[i + 1]; p++) {
    const e = v.adj[p];
    edges.add(e);
    nodes.add(v.g.src[e]);
    nodes.add(v.g.dst[e]);
  }
  ui.focus = { kind: "node", i, nodes, edges };
  $("tooltip").hidden = true;  // the inspector now says it; a hover's box would cover the graph
  const actions = [];
  if (served) {
    actions.push(el("button", { class: "small", title: "a chip: only rows from or to this host", onclick: () => addNodeChip(i, false) }, "only this node"));
    actions.push(el("button", { class: "small", title: "a chip: no rows from or to this host", onclick: () => addNodeChip(i, true) }, "exclude this node"));
  }
  for (const hops of [1, 2])
    actions.push(el("button", { class: "small", title: `show this node's ${hops}-hop neighbourhood alone`, onclick: () => isolate(i, hops) }, `${hops}-hop alone`));
  actions.push(el("button", { class: "small", title: "show every node again", onclick: () => isolate(-1) }, "show all"));
  const rows = [];
  for (let p = v.start[i]; p < v.start[i + 1]; p++) rows.push(v.adj[p]);
  openInspector(`${nodeLabel(i)}: ${num(v.peers[i])} distinct peers, ${num(v.rows[i])} summary rows, ${num(v.g.sessions[i])} sessions`,
    rows, actions, { node: i });
  v.renderer.refresh();
}
function selectEdge(e) {
  const v = view, s = v.g.src[e], d = v.g.dst[e];
  ui.focus = { kind: "edge", e, nodes: new Set([s, d]), edges: new Set([e]) };
  $("tooltip").hidden = true;
  openInspector(`${nodeLabel(s)} \u2192 ${nodeLabel(d)}, ${v.meta.color_by} ${v.meta.classes[v.g.cls[e]]}`, [e], [], { edge: e });
  v.renderer.refresh();
}
function clearFocus() {
  ui.focus = null;
  $("tooltip").hidden = true;
  closeInspector();
  if (view) view.renderer.refresh();
}
function isolate(center, hops) {
  const v = view;
  if (center < 0) ui.isolate = null;
  else {
    let frontier = [center];
    const seen = new Set(frontier);
    for (let h = 0; h < hops; h++) {
      const next = [];
      for (const i of frontier)
        for (let p = v.start[i]; p < v.start[i + 1]; p++) {
          const e = v.adj[p], o = v.g.src[e] === i ? v.g.dst[e] : v.g.src[e];
          if (!seen.has(o)) { seen.add(o); next.push(o); }
        }
      frontier = next;
    }
    ui.isolate = { center, hops, nodes: seen };
  }
  applyFilters();
  fitTo(ui.isolate ? ui.isolate.nodes : null);
}
// Frames the given nodes (all: null). The camera works in sigma's framed
// coordinates, where the whole graph spans about 0..1 at ratio 1.
function fitTo(nodes) {
  const cam = view.renderer.getCamera();
  if (!nodes) return cam.animatedReset({ duration: 400 });
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const i of nodes) {
    const d = view.renderer.getNodeDisplayData(String(i));
    if (!d) continue;
    x0 = Math.min(x0, d.x); x1 = Math.max(x1, d.x); y0 = Math.min(y0, d.y); y1 = Math.max(y1, d.y);
  }
  if (!(x1 >= x0)) return;
  cam.animate({ x: (x0 + x1) / 2, y: (y0 + y1) / 2, ratio: Math.max(0.02, 1.4 * Math.max(x1 - x0, y1 - y0)) }, { duration: 400 });
}

let inspected = null;
function openInspector(title, edges, actions, target) {
  const v = view;
  inspected = { title, edges, target };
  $("inspector").hidden = false;
  $("inspector-actions").replaceChildren(...actions);
  summaryTab(title, edges);
  showTab(currentTab);
}
function closeInspector() {
  inspected = null;
  $("inspector").hidden = true;
  $("inspector-body").replaceChildren();
  $("connections").replaceChildren();
}
let currentTab = "summary";
function showTab(name) {
  currentTab = name;
  document.querySelectorAll("#inspector .tab").forEach((t) => t.classList.toggle("on", t.dataset.tab === name));
  $("inspector-body").hidden = name !== "summary";
  $("connections").hidden = name !== "connections";
  if (name === "connections" && inspected) connectionsTab(inspected);
}

// Summary rows: the columns that matter first, times as ISO, bytes human.
function cellText(name, x) {
  if (x === null || x === undefined) return "";
  if (/^time (min|max)$/.test(name) || name === "ts") return isoTime(x);
  if (/bytes/.test(name) && typeof x === "number") return humanBytes(x);
  return typeof x === "number" ? num(x) : String(x);
}
// The summary columns shown at first; the rest are a click away.
const SUMMARY_DEFAULT = new Set(["id.orig_h", "id.resp_h", "conn_state", "time min", "time max", "count", "id.resp_p nunique",
  "duration mean", "orig_bytes sum", "resp_bytes sum", "sum_bytes sum"]);
function summaryTab(title, edges) {
  const v = view, body = $("inspector-body");
  body.className = "";
  const rows = edges.map(v.edgeRow), cols = v.meta.table.columns;
  // The chosen columns, by name, kept from one inspector to the next; a
  // table without the seed's columns shows them all.
  if (!ui.summaryCols || !cols.some((c) => ui.summaryCols.has(c)))
    ui.summaryCols = new Set(cols.some((c) => SUMMARY_DEFAULT.has(c)) ? cols.filter((c) => SUMMARY_DEFAULT.has(c) || cols.indexOf(c) < v.keyColumns) : cols);
  let sortCol = -1, asc = true;
  const wrap = el("div", { class: "scroll" });
  const picker = el("details", { class: "colpick" });
  body.replaceChildren(el("div", { class: "title", title }, short(title, 300)), picker, wrap);
  const render = () => {
    const shown = cols.map((c, ci) => ci).filter((ci) => ui.summaryCols.has(cols[ci]));
    picker.replaceChildren(el("summary", {}, `columns: ${shown.length} of ${cols.length}`),
      ...cols.map((c) => {
        const box = el("input", { type: "checkbox" });
        box.checked = ui.summaryCols.has(c);
        box.onchange = () => { box.checked ? ui.summaryCols.add(c) : ui.summaryCols.delete(c); render(); };
        return el("label", {}, box, c);
      }));
    const order = rows.slice();
    if (sortCol >= 0) {
      const d = v.meta.table.data[sortCol];
      order.sort((a, b) => { const x = d[a], y = d[b]; return (x === y ? 0 : x === null ? 1 : y === null ? -1 : x < y ? -1 : 1) * (asc ? 1 : -1); });
    }
    const t = el("table", { class: "grid" });
    const head = t.insertRow();
    for (const ci of shown)
      head.append(el("th", { onclick: () => { asc = sortCol === ci ? !asc : true; sortCol = ci; render(); } }, cols[ci] + (ci === sortCol ? (asc ? " \u25b2" : " \u25bc") : "")));
    for (const r of order.slice(0, 500)) {
      const tr = t.insertRow();
      tr.className = "row";
      for (const ci of shown) {
        const x = v.meta.table.data[ci][r], td = tr.insertCell();
        const text = cellText(cols[ci], x);
        td.textContent = short(text, 200);
        if (typeof x === "number") { td.className = "n"; td.title = String(x); } else if (isAddress(x)) td.className = "ip";
        else if (text.length > 200) td.title = text;
      }
    }
    wrap.replaceChildren(t);
    zg.inspectorRows = order.length;
  };
  render();
  if (rows.length > 500) body.append(el("div", { class: "muted" }, `first 500 of ${num(rows.length)} rows`));
}

// ---- Connections: the raw rows behind a node or an edge --------------------

const CONN_FIELDS = ["uid", "ts", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service", "duration",
  "orig_bytes", "resp_bytes", "history", "conn_state"];
// SORT_ALL: a header click sorts every row behind the node or edge, loaded
// first, when there are at most this many (the export's limit); past it
// the sort is of the rows loaded so far, and the pager says so.
const PAGE = 50, CHUNK = 1000, SORT_ALL = 100000;

function and(a, b) { return !a ? b : !b ? a : `(${a}) and (${b})`; }
// The --where expression for the rows behind the inspected node or edge,
// inside the filter the graph was made with.
function rowsWhere(target) {
  const v = view;
  let own;
  if (target.node !== undefined) {
    const ip = literal(v.titles[target.node]);
    own = `id.orig_h == ${ip} or id.resp_h == ${ip}`;
  } else {
    const row = v.edgeRow(target.edge), cols = v.meta.table.columns, parts = [];
    for (let k = 0; k < v.keyColumns; k++) {
      const x = v.meta.table.data[k][row];
      parts.push(x === null ? `\`${cols[k]}\` == null` : `\`${cols[k]}\` == ${literal(x)}`);
    }
    own = parts.join(" and ");
  }
  return and(ui.applied, own);
}

async function connectionsTab(insp) {
  const box = $("connections");
  if (!served) {
    box.replaceChildren(el("div", { class: "need-serve" },
      "The raw connections behind a node or an edge need the log: open it with `zeekgraph serve LOG`. This file holds the summary rows only (see the Summary rows tab)."));
    return;
  }
  if (insp.conn) return renderConnections(insp);  // already loaded
  const where = rowsWhere(insp.target);
  insp.conn = { where, rows: [], total: null, page: 0, sort: -1, asc: true, loading: true, started: performance.now() };
  box.replaceChildren(el("div", { class: "muted" }, "loading connections\u2026"));
  // On the graph serve started with, node= and edge= let serve read only
  // the blocks its row index names; a filtered graph asks by where=.
  const v = view, t = insp.target;
  insp.conn.select = v.servedGraph && !ui.applied
    ? (t.node !== undefined ? `node=${encodeURIComponent(v.titles[t.node])}` : `edge=${v.edgeRow(t.edge)}`)
    : `where=${encodeURIComponent(where)}`;
  const base = `api/rows?${insp.conn.select}&columns=${CONN_FIELDS.join(",")}`;
  insp.conn.base = base;
  try {
    await loadMore(insp);
    insp.conn.loading = false;
    if (inspected !== insp) return;
    zg.connectionsMs = performance.now() - insp.conn.started;
    renderConnections(insp);
    // The total needs the whole scan: asked apart, so the first page does not wait for it.
    fetch(`${base}&limit=1&total=1`).then((r) => r.headers.get("X-Total-Count")).then((t) => {
      insp.conn.total = t === null ? null : +t;
      if (inspected === insp && currentTab === "connections") renderConnections(insp);
    });
  } catch (err) {
    box.replaceChildren(el("pre", { class: "need-serve" }, String(err.message)));
  }
}
// One load at a time: a second click on "next" waits for the first.
function loadMore(insp, n = CHUNK) {
  const c = insp.conn;
  if (!c.more) c.more = loadChunk(insp, n).finally(() => { c.more = null; });
  return c.more;
}
async function loadChunk(insp, n) {
  const c = insp.conn;
  const text = await fetchOk(`${c.base}&offset=${c.rows.length}&limit=${n}`, "text");
  const got = text.split("\n").filter(Boolean).map((l) => JSON.parse(l));
  c.rows.push(...got);
  c.exhausted = got.length < n;
  if (c.exhausted) c.total = c.rows.length;
}
// Sorting by a column: all the rows when they are few enough to load.
async function sortBy(insp, k) {
  const c = insp.conn;
  c.asc = c.sort === k ? !c.asc : true;
  c.sort = k;
  if (!c.exhausted && c.total !== null && c.total <= SORT_ALL) {
    c.sorting = true;
    renderConnections(insp);
    try {
      while (!c.exhausted) await loadMore(insp, SORT_ALL);
    } finally {
      c.sorting = false;
    }
  }
  if (inspected === insp) renderConnections(insp);
}
function connValue(r, f) { return r[f] === undefined ? (f === "ts" ? r.time : undefined) : r[f]; }
function renderConnections(insp) {
  const c = insp.conn, box = $("connections");
  const order = c.rows.slice();
  if (c.sort >= 0) {
    const f = CONN_FIELDS[c.sort];
    order.sort((a, b) => {
      let x = connValue(a, f), y = connValue(b, f);
      if (f === "ts") { x = tsSeconds(x); y = tsSeconds(y); }
      return (x === y ? 0 : x === undefined ? 1 : y === undefined ? -1 : x < y ? -1 : 1) * (c.asc ? 1 : -1);
    });
  }
  const pages = Math.max(1, Math.ceil(order.length / PAGE));
  c.page = Math.min(c.page, pages - 1);
  const t = el("table", { class: "grid" });
  const head = t.insertRow();
  CONN_FIELDS.forEach((f, k) => head.append(el("th", { onclick: () => sortBy(insp, k), title: "sort by this column" },
    f + (k === c.sort ? (c.asc ? " \u25b2" : " \u25bc") : ""))));
  for (const r of order.slice(c.page * PAGE, (c.page + 1) * PAGE)) {
    const tr = t.insertRow();
    tr.className = "row";
    for (const f of CONN_FIELDS) {
      const x = connValue(r, f), td = tr.insertCell();
      if (x === undefined || x === null) continue;
      if (f === "uid") {
        td.append(el("a", { class: "uid", href: `?where=${encodeURIComponent(`uid == ${literal(String(x))}`)}`, title: "the graph of this connection alone" }, String(x)));
      } else if (f === "ts") { td.textContent = isoTime(tsSeconds(x), true); td.className = "mono"; } else if (/bytes$/.test(f)) {
        td.textContent = humanBytes(x); td.title = `${x} bytes`; td.className = "n";
      } else if (f === "duration") { td.textContent = (+x).toFixed(3); td.className = "n"; } else {
        td.textContent = short(String(x), 200);
        if (f.endsWith("_h")) td.className = "ip"; else if (typeof x === "number") td.className = "n";
      }
    }
  }
  const total = c.total === null ? "counting\u2026" : num(c.total);
  const pager = el("div", { class: "pager" },
    el("button", { class: "small", onclick: () => { c.page = Math.max(0, c.page - 1); renderConnections(insp); } }, "\u2190 prev"),
    `page ${c.page + 1} of ${pages}${c.exhausted ? "" : "+"}`,
    el("button", { class: "small", onclick: async () => {
      const want = c.page + 1;
      if (want * PAGE >= c.rows.length && !c.exhausted) await loadMore(insp);
      c.page = Math.max(c.page, want);
      renderConnections(insp);
    } }, "next \u2192"),
    el("span", { class: "total" }, `${total} connections`),
    c.sort < 0 ? null
      : el("span", { class: "sorted" }, c.sorting ? `loading all ${num(c.total)} to sort them\u2026`
        : c.exhausted ? `sorted by ${CONN_FIELDS[c.sort]}: all ${num(c.rows.length)}`
          : `sorted by ${CONN_FIELDS[c.sort]}: only the ${num(c.rows.length)} loaded (the first in log order) of ${c.total === null ? "more" : num(c.total)}; over ${num(SORT_ALL)} rows are not all loaded`),
    // Every row: serve streams limit=all as it reads, in bounded memory.
    el("a", { href: `api/rows?${c.select}&format=csv&limit=all`, download: "connections.csv", class: "export-csv" }, "export CSV"),
    el("a", { href: `api/rows?${c.select}&format=zeek&limit=all`, download: "connections.log", class: "export-zeek" }, "export Zeek log"));
  box.replaceChildren(el("div", { class: "title mono" }, `rows where ${c.where}`), pager, t);
  zg.connectionRows = order.length;
}
function tsSeconds(x) { return typeof x === "number" ? x : Date.parse(x) / 1000; }

// ---- the filter bar ------------------------------------------------------------

function chipText(c) { return c.kind === "state" ? `conn_state in [${[...c.values].map(literal).join(", ")}]` : c.text; }
function currentWhere() {
  const parts = ui.chips.map(chipText);
  const typed = $("where").value.trim();
  if (typed) parts.push(typedClause(typed));
  if (parts.length === 1) return parts[0];
  return parts.map((p) => `(${p})`).join(" and ");
}
// A typed CIDR or address means rows from or to it; anything else is --where.
function typedClause(t) {
  if (isNetwork(t) || isAddress(t)) return `id.orig_h in ${t} or id.resp_h in ${t}`;
  return t;
}
function renderChips() {
  $("where-error").hidden = true;  // its filter is being changed
  const box = $("chips");
  box.replaceChildren(...ui.chips.map((c, k) => el("span", { class: "chip", title: chipText(c) }, el("span", { class: "text" }, chipText(c)),
    el("button", { title: "remove", onclick: () => { ui.chips.splice(k, 1); renderChips(); } }, "\u00d7"))));
}
function addChip(c) {
  if (!served) { say("filtering re-queries the log: it needs `zeekgraph serve`"); return; }
  ui.chips.push(c);
  renderChips();
}
function addNodeChip(i, exclude) {
  const ip = literal(view.titles[i]);
  addChip({ kind: "node", text: exclude ? `not (id.orig_h == ${ip} or id.resp_h == ${ip})` : `id.orig_h == ${ip} or id.resp_h == ${ip}` });
  say("added to the filter; Apply re-queries");
}
function addStateChip(name) {
  let c = ui.chips.find((x) => x.kind === "state");
  if (!c) { c = { kind: "state", values: new Set() }; ui.chips.push(c); }
  c.values.add(name);
  renderChips();
  say("added to the filter; Apply re-queries");
}
// A brushed time window: whole seconds around the brush, as rows' ts.
function addTimeChip([a, b]) {
  if (!served) return;
  const lo = Math.floor(a), hi = Math.ceil(b) === Math.floor(a) ? Math.floor(a) + 1 : Math.ceil(b);
  const text = `ts >= ${isoTime(lo)} and ts < ${isoTime(hi)}`;
  const c = ui.chips.find((x) => x.kind === "time");
  if (c) c.text = text; else ui.chips.push({ kind: "time", text });
  renderChips();
}

async function applyWhere(push = true) {
  const typed = $("where").value.trim();
  if (typed) { ui.chips.push({ kind: "text", text: typedClause(typed) }); $("where").value = ""; }
  renderChips();
  const where = currentWhere();
  return requery(where, push);
}
async function requery(where, push) {
  const started = performance.now();
  $("where-error").hidden = true;
  say(where ? "re-querying the log\u2026" : "loading the whole graph\u2026");
  $("apply").disabled = true;
  try {
    const { bin, meta } = await fetchGraph(where);
    const fetched = performance.now();
    ui.applied = where;
    ui.ranges = {};
    if (push) history.pushState({ where, chips: serialChips() }, "", where ? `?where=${encodeURIComponent(where)}` : location.pathname);
    await mount(bin, meta, !where);
    // fetchMs: serve's re-query and the transfer; mountMs: drawing it.
    zg.lastApply = { where, ms: performance.now() - started, fetchMs: fetched - started, mountMs: performance.now() - fetched };
    say("");
    return true;
  } catch (err) {
    if (err.status === 400) {
      $("where-error").textContent = err.message;
      $("where-error").hidden = false;
      say("the filter has an error; nothing changed");
    } else say(`re-query failed: ${err.message}`);
    return false;
  } finally {
    $("apply").disabled = false;
  }
}
function serialChips() { return ui.chips.map((c) => (c.kind === "state" ? { kind: "state", values: [...c.values] } : c)); }
function restoreChips(list, where) {
  ui.chips = list ? list.map((c) => (c.kind === "state" ? { kind: "state", values: new Set(c.values) } : c)) : where ? [{ kind: "text", text: where }] : [];
  renderChips();
}

// Completion: column names where a column may start, known values after
// `col ==` or `col in [`.
function completions(text, caret) {
  const before = text.slice(0, caret);
  const val = /([A-Za-z_][\w.]*)\s*(==|!=|in\s*\[[^\]]*?,?)\s*["']?([\w.-]*)$/.exec(before);
  if (val && KNOWN_VALUES[val[1]]) {
    const part = val[3];
    const values = [...new Set([...(view && view.meta.color_by === val[1] ? view.meta.classes : []), ...KNOWN_VALUES[val[1]]])];
    return { from: caret - part.length - (/["']$/.test(before.slice(0, caret - part.length)) ? 1 : 0),
      items: values.filter((x) => x.startsWith(part)).map((x) => ({ text: `"${x}"`, hint: val[1] === "conn_state" ? classMeaning(x, "conn_state") : "" })) };
  }
  const word = /[A-Za-z_][\w.]*$/.exec(before);
  if (!word) return null;
  const prev = before.slice(0, word.index).trimEnd();
  if (prev && !/(\(|\band|\bor|\bnot)$/i.test(prev)) return null;
  const items = CONN_COLUMNS.filter((c) => c.startsWith(word[0]) && c !== word[0]).map((c) => ({ text: c, hint: "column" }));
  return { from: word.index, items };
}
function wireFilterBar() {
  const input = $("where"), list = $("complete");
  if (!served) {
    input.disabled = true;
    input.placeholder = "Filtering re-queries the log: it needs `zeekgraph serve LOG` (this file holds the summary only)";
    $("apply").disabled = true;
    $("clear-where").disabled = true;
  }
  let items = [], on = 0, from = 0;
  const close = () => { list.hidden = true; items = []; };
  const accept = (k) => {
    const it = items[k];
    const v = input.value, caret = input.selectionStart;
    input.value = v.slice(0, from) + it.text + v.slice(caret);
    input.selectionStart = input.selectionEnd = from + it.text.length;
    close();
    input.focus();
  };
  const show = () => {
    const c = completions(input.value, input.selectionStart);
    if (!c || !c.items.length) return close();
    items = c.items.slice(0, 30);
    from = c.from;
    on = 0;
    list.replaceChildren(...items.map((it, k) => el("li", { class: k === on ? "on" : "", onmousedown: (ev) => { ev.preventDefault(); accept(k); } },
      it.text, it.hint ? el("span", { class: "hint" }, it.hint) : null)));
    list.hidden = false;
  };
  input.addEventListener("input", () => { $("where-error").hidden = true; show(); });
  input.addEventListener("blur", close);
  input.addEventListener("keydown", (ev) => {
    if (!list.hidden && items.length) {
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        on = (on + (ev.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
        [...list.children].forEach((li, k) => li.classList.toggle("on", k === on));
        ev.preventDefault();
        return;
      }
      if (ev.key === "Tab" || (ev.key === "Enter" && items.length)) { accept(on); ev.preventDefault(); return; }
      if (ev.key === "Escape") { close(); ev.stopPropagation(); return; }
    }
    if (ev.key === "Enter") {
      const t = input.value.trim();
      if (t) { addChip({ kind: "text", text: typedClause(t) }); input.value = ""; }
      ev.preventDefault();
    }
  });
  $("apply").onclick = () => applyWhere(true);
  $("clear-where").onclick = () => { ui.chips = []; $("where").value = ""; renderChips(); requery("", true); };
  window.addEventListener("popstate", (ev) => {
    const where = (ev.state && ev.state.where) ?? new URLSearchParams(location.search).get("where") ?? "";
    restoreChips(ev.state && ev.state.chips, where);
    requery(where, false);
  });
}

// ---- events that need the current renderer -----------------------------------

// sigma picks edges from a half-resolution buffer of their pixels, so on a
// dense graph a click on empty space can land on some edge's pick colour.
// An edge counts as hit only within a few pixels of its drawn segment.
function edgeReallyHit(v, e, x, y) {
  const a = v.renderer.framedGraphToViewport(v.renderer.getNodeDisplayData(String(v.g.src[e])));
  const b = v.renderer.framedGraphToViewport(v.renderer.getNodeDisplayData(String(v.g.dst[e])));
  const dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
  const t = len2 ? Math.max(0, Math.min(1, ((x - a.x) * dx + (y - a.y) * dy) / len2)) : 0;
  return Math.hypot(x - (a.x + t * dx), y - (a.y + t * dy)) <= 4;
}

// The shown node nearest a click, within its drawn radius plus 4 px: sigma's
// half-resolution picking misses nodes of a pixel or two, and the edges
// that fan out of them then take the click.
function nodeNear(v, x, y) {
  let best = -1, bestD = Infinity;
  for (let i = 0; i < v.g.n; i++) {
    if (!v.nodeVisible[i]) continue;
    const d = v.renderer.getNodeDisplayData(String(i));
    if (!d) continue;
    const p = v.renderer.framedGraphToViewport(d), r = v.renderer.scaleSize(d.size) + 4;
    const dist = Math.hypot(p.x - x, p.y - y);
    if (dist <= r && dist < bestD) { best = i; bestD = dist; }
  }
  return best;
}

function line(text, key) {
  const d = el("div");
  if (key) d.append(el("span", { class: "k" }, `${key} `));
  d.append(text);
  return d;
}
function wireEvents(v) {
  const { renderer, g } = v, tip = $("tooltip"), container = $("graph");
  container.onmousemove = (e) => { tip.style.left = `${e.clientX + 14}px`; tip.style.top = `${e.clientY + 14}px`; };
  container.onmouseleave = () => { tip.hidden = true; };
  renderer.on("enterNode", ({ node }) => {
    const i = +node;
    const b = el("b");
    b.textContent = short(v.titles[i]);
    tip.replaceChildren(b, line(num(v.peers[i]), "distinct peers"), line(num(v.rows[i]), "summary rows"), line(num(g.sessions[i]), "sessions"));
    if (v.bytesCol) tip.append(line(humanBytes(v.bytes[i]), "bytes"));
    if (v.internal) tip.append(line(v.internal[i] ? "internal" : "external", "address"));
    tip.hidden = false;
  });
  renderer.on("enterEdge", ({ edge }) => {
    const e = +edge, row = v.edgeRow(e);
    const b = el("b");
    b.textContent = `${short(v.titles[g.src[e]], 60)} \u2192 ${short(v.titles[g.dst[e]], 60)}`;
    const cls = v.meta.classes[g.cls[e]], meaning = classMeaning(cls, v.meta.color_by);
    tip.replaceChildren(b, line(meaning ? `${cls} (${meaning})` : short(cls, 60), v.meta.color_by));
    if (v.countCol) tip.append(line(num(v.countCol[row]), "sessions"));
    if (v.bytesCol) tip.append(line(humanBytes(v.bytesCol[row]), "bytes"));
    if (v.tminCol) tip.append(line(`${isoTime(v.tminCol[row])} .. ${isoTime(v.tmaxCol ? v.tmaxCol[row] : v.tminCol[row])}`, "time"));
    tip.hidden = false;
  });
  renderer.on("leaveNode", () => { tip.hidden = true; });
  renderer.on("leaveEdge", () => { tip.hidden = true; });
  renderer.on("clickNode", ({ node }) => { say(""); selectNode(+node); });
  renderer.on("clickEdge", ({ edge, event }) => {
    say("");
    const near = nodeNear(v, event.x, event.y);
    if (near >= 0) selectNode(near);
    else if (edgeReallyHit(v, +edge, event.x, event.y)) selectEdge(+edge);
    else clearFocus();
  });
  renderer.on("clickStage", ({ event }) => {
    say("");
    const near = nodeNear(v, event.x, event.y);
    if (near >= 0) selectNode(near);
    else clearFocus();
  });
}

function exportPng() {
  const v = view;
  v.renderer.refresh();
  const layers = v.renderer.getCanvases(), { width, height } = layers.edges;
  const out = el("canvas");
  out.width = width;
  out.height = height;
  const c = out.getContext("2d");
  c.fillStyle = "#11131a";
  c.fillRect(0, 0, width, height);
  for (const k of ["edges", "nodes", "labels", "hovers", "hoverNodes"]) if (layers[k]) c.drawImage(layers[k], 0, 0);
  // The legend and the filter, top left, on a panel.
  const dpr = width / v.renderer.getContainer().clientWidth, s = (x) => x * dpr;
  const lines = [[null, ui.applied ? `filter: ${ui.applied}` : "filter: none (the whole log)"], [null, $("status").textContent]];
  v.meta.classes.forEach((name, i) => { if (!ui.hiddenClasses.has(name)) lines.push([v.classColour[i], `${name}  ${classMeaning(name, v.meta.color_by)}`]); });
  if (v.internal) lines.push([INTERNAL, "internal node"], [EXTERNAL, "external node"]);
  c.font = `${s(12)}px system-ui, sans-serif`;
  const w = Math.min(width - s(20), Math.max(...lines.map(([, t]) => c.measureText(t).width)) + s(40));
  c.fillStyle = "rgba(13,15,21,0.9)";
  c.fillRect(s(10), s(10), w, s(18) * lines.length + s(10));
  lines.forEach(([colour, text], k) => {
    const y = s(20) + k * s(18);
    if (colour) { c.fillStyle = colour; c.fillRect(s(18), y, s(12), s(12)); }
    c.fillStyle = k < 2 ? "#9aa3b5" : "#e8ecf4";
    c.fillText(text, colour ? s(36) : s(18), y + s(10), w - s(30));
  });
  zg.pngLegend = { x: s(18), y: s(20) + 2 * s(18), step: s(18), size: s(12), colours: lines.slice(2).map(([col]) => col) };
  const a = el("a", { download: "zeekgraph.png", href: out.toDataURL("image/png") });
  a.click();
}

function csvField(x) {
  if (x === null || x === undefined) return "";
  const s = String(x);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
function visibleEdgesCsv() {
  const v = view, cols = v.meta.table.columns, out = [["src", "dst", ...cols].map(csvField).join(",")];
  for (let e = 0; e < v.g.m; e++) {
    if (!v.edgeVisible[e]) continue;
    const row = v.edgeRow(e);
    out.push([v.titles[v.g.src[e]], v.titles[v.g.dst[e]], ...cols.map((_, k) => v.meta.table.data[k][row])].map(csvField).join(","));
  }
  return out.join("\n") + "\n";
}

// ---- start -------------------------------------------------------------------

function wireStatic() {
  $("search").addEventListener("keydown", (e) => { if (e.key === "Enter") search(e.target.value); });
  $("search").addEventListener("change", (e) => search(e.target.value));
  $("size-by").onchange = (e) => { ui.sizeBy = e.target.value; view.renderer.refresh(); };
  $("fit").onclick = () => view.renderer.getCamera().animatedReset({ duration: 400 });
  $("png").onclick = exportPng;
  $("export-edges").onclick = () => {
    const url = URL.createObjectURL(new Blob([visibleEdgesCsv()], { type: "text/csv" }));
    el("a", { download: "zeekgraph-edges.csv", href: url }).click();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  };
  $("clear-filters").onclick = () => {
    ui.ranges = {};
    document.querySelectorAll(".hist").forEach((h) => h.redraw && h.redraw());
    applyFilters();
  };
  $("hide-isolated").onchange = (e) => { ui.hideIsolated = e.target.checked; applyFilters(); };
  $("close-inspector").onclick = clearFocus;
  // The drawer opening or closing resizes the graph's box; sigma only
  // watches the window.
  new ResizeObserver(() => { if (view) { view.renderer.resize(); view.renderer.refresh(); } }).observe($("graph"));
  document.querySelectorAll("#inspector .tab").forEach((t) => { t.onclick = () => showTab(t.dataset.tab); });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !(e.target instanceof HTMLInputElement)) clearFocus();
    else if (e.key === "Escape" && e.target === $("search")) clearFocus();
  });
  wireFilterBar();
}

// A page in an iframe (a notebook's inline plot) may run before the iframe
// is laid out, when it has no width yet and the renderer refuses its
// container: wait until the page has a width.
function laidOut() {
  const el = document.documentElement;
  if (el.clientWidth > 0) return Promise.resolve();
  return new Promise((resolve) => {
    const watch = new ResizeObserver(() => {
      if (el.clientWidth > 0) {
        watch.disconnect();
        resolve();
      }
    });
    watch.observe(el);
  });
}

async function main() {
  wireStatic();
  await laidOut();
  let bin, meta;
  const where = new URLSearchParams(location.search).get("where") || "";
  if (!served) {
    bin = decodeBase64(document.getElementById("zg-bin").textContent);
    meta = JSON.parse(document.getElementById("zg-meta").textContent);
    if (where) say("this file shows the whole summary: filtering by ?where= needs `zeekgraph serve`");
  } else {
    restoreChips(null, where);
    try {
      if (where) ({ bin, meta } = await fetchGraph(where));
      else {
        // The nodes paint from graph.bin while meta.json still loads.
        meta = fetchOk("api/meta.json", "json");
        meta.catch(() => {});
        bin = await fetchOk("api/graph.bin");
      }
      ui.applied = where;
    } catch (err) {
      if (err.status !== 400) throw err;
      $("where-error").textContent = err.message;
      $("where-error").hidden = false;
      say("the filter in the address has an error: showing the whole graph");
      ({ bin, meta } = await fetchGraph(""));
    }
    history.replaceState({ where: ui.applied, chips: serialChips() }, "", location.href);
  }
  zg.binMs = performance.now();
  await mount(bin, meta, served && !ui.applied);
  Object.assign(zg, {
    ready: true, search, applyWhere, requery: (w) => requery(w, true),
    select: (i) => (i < 0 ? clearFocus() : selectNode(i)),
    selectEdge,
    nodeIndex: (title) => view.titles.indexOf(title),
    nodeViewport: (i) => view.renderer.graphToViewport({ x: view.graph.getNodeAttribute(String(i), "x"), y: view.graph.getNodeAttribute(String(i), "y") }),
    edgeViewport: (e) => {
      const p = (i) => view.renderer.graphToViewport({ x: view.graph.getNodeAttribute(String(i), "x"), y: view.graph.getNodeAttribute(String(i), "y") });
      return { a: p(view.g.src[e]), b: p(view.g.dst[e]) };
    },
    toggleClass: (name) => document.querySelector(`#legend .item[data-cls="${CSS.escape(name)}"]`).click(),
    // What is on screen, for tests: titles of shown nodes, shown edges as
    // [src title, dst title, class], the focus, a node's drawn colour.
    shownNodes: () => view.titles.filter((_, i) => view.nodeVisible[i]),
    shownEdges: () => { const out = []; for (let e = 0; e < view.g.m; e++) if (view.edgeVisible[e]) out.push([view.titles[view.g.src[e]], view.titles[view.g.dst[e]], view.meta.classes[view.g.cls[e]]]); return out; },
    edgeCount: () => view.g.m,
    focus: () => (ui.focus ? { kind: ui.focus.kind, node: ui.focus.i, edge: ui.focus.e, nodes: [...ui.focus.nodes] } : null),
    nodeColour: (i) => view.renderer.getNodeDisplayData(String(i)).color,
    dimColour: DIM_NODE,
    edgeClassColour: (name) => { const k = view.meta.classes.indexOf(name); return k < 0 ? null : view.classColour[k]; },
    where: () => ui.applied,
    connectionUids: () => (inspected && inspected.conn && !inspected.conn.loading ? inspected.conn.rows.map((r) => r.uid) : null),
    connectionTotal: () => (inspected && inspected.conn ? inspected.conn.total : null),
    // Mean luminance and count of the drawn pixels of a 2D layer in a box of CSS pixels.
    layerStats: (name, x, y, w, h) => {
      const c = view.renderer.getCanvases()[name], dpr = c.width / c.clientWidth;
      const d = c.getContext("2d").getImageData(Math.round(x * dpr), Math.round(y * dpr), Math.round(w * dpr), Math.round(h * dpr)).data;
      let n = 0, lum = 0;
      for (let k = 0; k < d.length; k += 4) if (d[k + 3] > 200) { n++; lum += 0.2126 * d[k] + 0.7152 * d[k + 1] + 0.0722 * d[k + 2]; }
      return { drawn: n, meanLuminance: n ? lum / n : null };
    },
    chips: () => ui.chips.map(chipText),
  });
}

main().catch((e) => { $("status").textContent = `error: ${e.message}`; zg.error = String(e); });
