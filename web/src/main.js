// The zeekgraph graph explorer. Data comes from the binary that serves the
// page (/api/graph.bin, /api/meta.json) or, in a file written by
// `zeekgraph graph --html`, from base64 inside the page. Nodes are drawn
// first and edges added in batches, so the first paint does not wait for
// 80K edges.
import Graph from "graphology";
import Sigma from "sigma";

const T0 = performance.now();
const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
  "#9c755f", "#bab0ac", "#8cd17d", "#86bcb6", "#d37295", "#fabfd2", "#b6992d", "#499894"];
const EDGE_ALPHA = 0.35;
const $ = (id) => document.getElementById(id);
const state = { hiddenClasses: new Set(), ranges: {}, sizeBy: "degree", selected: null };
const zg = (window.__zg = { ready: false, firstPaintMs: null, edgesDoneMs: null });

// sigma 3 blends premultiplied colours: scale rgb by alpha, or translucent
// edges wash out to white.
function premultiplied(hex, a) {
  const n = parseInt(hex.slice(1), 16);
  const r = Math.round(((n >> 16) & 255) * a), g = Math.round(((n >> 8) & 255) * a), b = Math.round((n & 255) * a);
  return `rgba(${r},${g},${b},${a})`;
}

async function loadData() {
  const embedded = document.getElementById("zg-bin");
  if (embedded) {
    const bin = Uint8Array.from(atob(embedded.textContent.trim()), (c) => c.charCodeAt(0)).buffer;
    return { bin, meta: JSON.parse(document.getElementById("zg-meta").textContent) };
  }
  const [bin, meta] = await Promise.all([
    fetch("api/graph.bin").then((r) => r.arrayBuffer()),
    fetch("api/meta.json").then((r) => r.json()),
  ]);
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
  return g;
}

// Node size grows with log(degree or sessions); big graphs get smaller dots.
let sizeScale = 1;
function nodeSize(v) { return sizeScale * (1 + 1.4 * Math.log2(1 + v)); }

async function main() {
  const { bin, meta } = await loadData();
  zg.dataMs = performance.now();
  const g = decode(bin);
  sizeScale = Math.min(1.5, Math.max(0.25, Math.sqrt(600 / Math.max(1, g.n))));
  const titles = meta.nodes.title;
  const col = (name) => meta.table.columns.indexOf(name);
  const tableCol = (name) => (col(name) >= 0 ? meta.table.data[col(name)] : null);
  const edgeRow = (e) => (meta.edge_row ? meta.edge_row[e] : e);
  const countCol = tableCol("count"), bytesCol = tableCol("sum_bytes sum");
  const tminCol = tableCol("time min"), tmaxCol = tableCol("time max");

  zg.decodedMs = performance.now();
  const graph = new Graph({ multi: true, type: "directed", allowSelfLoops: true });
  for (let i = 0; i < g.n; i++)
    graph.addNode(String(i), { x: g.x[i], y: -g.y[i], size: nodeSize(g.degree[i]), label: titles[i], color: "#e8ecf4" });
  const edgeColor = meta.classes.map((_, i) => premultiplied(PALETTE[i % PALETTE.length], EDGE_ALPHA));

  const nodeVisible = new Uint8Array(g.n).fill(1), edgeVisible = new Uint8Array(g.m).fill(1);
  const container = $("graph");
  const renderer = new Sigma(graph, container, {
    renderEdgeLabels: false, enableEdgeEvents: true, labelColor: { color: "#e8ecf4" }, labelRenderedSizeThreshold: 9,
    defaultEdgeType: "line", zIndex: true, minCameraRatio: 0.005, maxCameraRatio: 20,
    nodeReducer: (node, data) => {
      const i = +node;
      if (!nodeVisible[i]) return { ...data, hidden: true };
      const size = nodeSize(state.sizeBy === "degree" ? g.degree[i] : g.sessions[i]);
      if (state.selected === i) return { ...data, size: size * 1.6, color: "#6ea8fe", zIndex: 2, forceLabel: true };
      return { ...data, size };
    },
    edgeReducer: (edge, data) => (edgeVisible[+edge] ? data : { ...data, hidden: true }),
  });
  // The constructor has drawn the nodes; the next frame shows them.
  await new Promise((r) => requestAnimationFrame(() => r()));
  zg.firstPaintMs = performance.now();
  zg.timings = { dataMs: zg.dataMs, decodedMs: zg.decodedMs, firstPaintMs: zg.firstPaintMs };

  // Edges, a batch a frame.
  let added = 0;
  await new Promise((done) => {
    const step = () => {
      const end = Math.min(g.m, added + 20000);
      for (let e = added; e < end; e++)
        graph.addDirectedEdgeWithKey(String(e), String(g.src[e]), String(g.dst[e]), { i: e, color: edgeColor[g.cls[e]], size: 0.5 });
      added = end;
      $("status").textContent = `${g.n} nodes, ${added} of ${g.m} edges`;
      if (added < g.m) requestAnimationFrame(step);
      else done();
    };
    requestAnimationFrame(step);
  });
  zg.edgesDoneMs = performance.now();

  // Legend: one toggle per edge class.
  $("legend-title").textContent = `Edges by ${meta.color_by || "type"}`;
  const classCount = new Array(meta.classes.length).fill(0);
  for (let e = 0; e < g.m; e++) classCount[g.cls[e]]++;
  meta.classes.forEach((name, i) => {
    const item = document.createElement("div");
    item.className = "item";
    item.dataset.cls = name;
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = PALETTE[i % PALETTE.length];  // CSSOM: allowed by the strict CSP
    const label = document.createElement("span");
    label.textContent = `${name} (${classCount[i]})`;
    item.append(swatch, label);
    item.onclick = () => {
      state.hiddenClasses.has(i) ? state.hiddenClasses.delete(i) : state.hiddenClasses.add(i);
      item.classList.toggle("off", state.hiddenClasses.has(i));
      applyFilters();
    };
    $("legend").appendChild(item);
  });

  // Filters: brushable histograms.
  const values = {
    count: countCol ? Float64Array.from({ length: g.m }, (_, e) => countCol[edgeRow(e)] ?? 0) : null,
    bytes: bytesCol ? Float64Array.from({ length: g.m }, (_, e) => bytesCol[edgeRow(e)] ?? 0) : null,
    degree: Float64Array.from(g.degree),
    time: tminCol ? Float64Array.from({ length: g.m }, (_, e) => tminCol[edgeRow(e)] ?? NaN) : null,
  };
  const logScale = { count: true, bytes: true, degree: true, time: false };
  document.querySelectorAll(".hist").forEach((el) => histogram(el, values[el.dataset.key], logScale[el.dataset.key]));
  $("clear-filters").onclick = () => { state.ranges = {}; document.querySelectorAll(".hist").forEach((el) => el.redraw && el.redraw()); applyFilters(); };

  function applyFilters() {
    const r = state.ranges, inR = (k, v) => !r[k] || (v >= r[k][0] && v <= r[k][1]);
    for (let i = 0; i < g.n; i++) nodeVisible[i] = inR("degree", g.degree[i]) ? 1 : 0;
    let shown = 0;
    for (let e = 0; e < g.m; e++) {
      let ok = !state.hiddenClasses.has(g.cls[e]) && nodeVisible[g.src[e]] && nodeVisible[g.dst[e]];
      if (ok && values.count) ok = inR("count", values.count[e]);
      if (ok && values.bytes) ok = inR("bytes", values.bytes[e]);
      if (ok && r.time && tminCol) {
        const row = edgeRow(e), t0 = tminCol[row], t1 = tmaxCol ? tmaxCol[row] : t0;
        ok = t1 >= r.time[0] && t0 <= r.time[1];
      }
      edgeVisible[e] = ok ? 1 : 0;
      shown += edgeVisible[e];
    }
    zg.visibleEdges = shown;
    $("status").textContent = `${g.n} nodes, ${shown} of ${g.m} edges shown`;
    renderer.refresh();
  }
  zg.visibleEdges = g.m;

  function histogram(el, vals, log) {
    const canvas = el.querySelector("canvas");
    if (!vals) { el.hidden = true; return; }
    const tf = (v) => (log ? Math.log10(1 + Math.max(0, v)) : v);
    let lo = Infinity, hi = -Infinity;
    for (const v of vals) if (Number.isFinite(v)) { lo = Math.min(lo, tf(v)); hi = Math.max(hi, tf(v)); }
    if (!(hi > lo)) hi = lo + 1;
    const bins = new Array(60).fill(0);
    for (const v of vals) if (Number.isFinite(v)) bins[Math.min(59, Math.floor(((tf(v) - lo) / (hi - lo)) * 60))]++;
    const inv = (t) => (log ? Math.pow(10, t) - 1 : t);
    let drag = null;
    const draw = () => {
      const w = (canvas.width = canvas.clientWidth * devicePixelRatio), h = (canvas.height = canvas.clientHeight * devicePixelRatio);
      const c = canvas.getContext("2d"), max = Math.max(...bins.map((b) => Math.log1p(b)));
      c.clearRect(0, 0, w, h);
      const sel = state.ranges[el.dataset.key];
      bins.forEach((b, i) => {
        const x0 = (i / 60) * w, bw = w / 60 - 1, bh = (Math.log1p(b) / max) * (h - 2);
        const mid = inv(lo + ((i + 0.5) / 60) * (hi - lo));
        c.fillStyle = !sel || (mid >= sel[0] && mid <= sel[1]) ? "#6ea8fe" : "#3a4254";
        c.fillRect(x0, h - bh, bw, bh);
      });
    };
    el.redraw = draw;
    const at = (ev) => lo + ((ev.offsetX / canvas.clientWidth) * (hi - lo));
    canvas.onmousedown = (ev) => { drag = at(ev); };
    canvas.onmousemove = (ev) => {
      if (drag === null) return;
      const a = Math.min(drag, at(ev)), b = Math.max(drag, at(ev));
      state.ranges[el.dataset.key] = [inv(a), inv(b)];
      draw();
    };
    canvas.onmouseup = () => { drag = null; applyFilters(); };
    canvas.ondblclick = () => { delete state.ranges[el.dataset.key]; draw(); applyFilters(); };
    new ResizeObserver(draw).observe(canvas);
    draw();
  }

  // Tooltips.
  const tip = $("tooltip");
  let mouse = { x: 0, y: 0 };
  container.addEventListener("mousemove", (e) => { mouse = { x: e.clientX, y: e.clientY }; tip.style.left = `${mouse.x + 14}px`; tip.style.top = `${mouse.y + 14}px`; });
  renderer.on("enterNode", ({ node }) => {
    const i = +node;
    tip.innerHTML = "";
    tip.append(line(titles[i], true), line(`degree ${g.degree[i]}, sessions ${g.sessions[i]}`));
    tip.hidden = false;
  });
  renderer.on("enterEdge", ({ edge }) => {
    const e = graph.getEdgeAttribute(edge, "i"), row = edgeRow(e);
    tip.innerHTML = "";
    tip.append(line(`${titles[g.src[e]]} \u2192 ${titles[g.dst[e]]}`, true), line(`${meta.color_by}: ${meta.classes[g.cls[e]]}`));
    if (countCol) tip.append(line(`sessions ${countCol[row]}`));
    tip.hidden = false;
  });
  renderer.on("leaveNode", () => { tip.hidden = true; });
  renderer.on("leaveEdge", () => { tip.hidden = true; });
  function line(text, bold) { const d = document.createElement("div"); d.textContent = text; if (bold) d.style.fontWeight = "600"; return d; }

  // Inspector with a sortable table of summary rows.
  function inspect(title, edges) {
    const body = $("inspector-body");
    body.innerHTML = "";
    body.className = "";
    const h = document.createElement("div");
    h.textContent = title;
    h.style.fontWeight = "600";
    body.append(h);
    const rows = edges.map(edgeRow);
    const cols = meta.table.columns;
    let sortCol = -1, asc = true;
    const wrap = document.createElement("div");
    wrap.className = "scroll";
    body.append(wrap);
    const render = () => {
      const order = rows.slice();
      if (sortCol >= 0) {
        const d = meta.table.data[sortCol];
        order.sort((a, b) => { const x = d[a], y = d[b]; return (x === y ? 0 : x === null ? 1 : y === null ? -1 : x < y ? -1 : 1) * (asc ? 1 : -1); });
      }
      const t = document.createElement("table");
      const head = t.insertRow();
      cols.forEach((c, ci) => {
        const th = document.createElement("th");
        th.textContent = c + (ci === sortCol ? (asc ? " \u25b2" : " \u25bc") : "");
        th.onclick = () => { asc = sortCol === ci ? !asc : true; sortCol = ci; render(); };
        head.append(th);
      });
      for (const r of order.slice(0, 500)) {
        const tr = t.insertRow();
        tr.className = "row";
        cols.forEach((_, ci) => { const v = meta.table.data[ci][r]; tr.insertCell().textContent = v === null ? "" : v; });
      }
      wrap.replaceChildren(t);
      zg.inspectorRows = order.length;
    };
    render();
    if (rows.length > 500) body.append(line(`first 500 of ${rows.length} rows`));
  }
  const edgesOf = (i) => { const out = []; for (let e = 0; e < g.m; e++) if (g.src[e] === i || g.dst[e] === i) out.push(e); return out; };
  function select(i) {
    state.selected = i;
    inspect(`${titles[i]}: degree ${g.degree[i]}, sessions ${g.sessions[i]}`, edgesOf(i));
    renderer.refresh();
  }
  renderer.on("clickNode", ({ node }) => select(+node));
  renderer.on("clickEdge", ({ edge }) => {
    const e = graph.getEdgeAttribute(edge, "i");
    inspect(`${titles[g.src[e]]} \u2192 ${titles[g.dst[e]]}`, [e]);
  });

  // Search: exact title first, then substring; fly to it.
  const list = $("search-list");
  const order = Array.from({ length: g.n }, (_, i) => i).sort((a, b) => g.degree[b] - g.degree[a]);
  for (const i of order.slice(0, 200)) { const o = document.createElement("option"); o.value = titles[i]; list.append(o); }
  function search(q) {
    q = q.trim();
    if (!q) return -1;
    let hit = titles.indexOf(q);
    if (hit < 0) hit = titles.findIndex((t) => t.includes(q));
    if (hit < 0) { $("status").textContent = `no node matches "${q}"`; return -1; }
    select(hit);
    const p = renderer.getNodeDisplayData(String(hit));
    renderer.getCamera().animate({ x: p.x, y: p.y, ratio: 0.08 }, { duration: 500 });
    return hit;
  }
  $("search").addEventListener("keydown", (e) => { if (e.key === "Enter") search(e.target.value); });
  $("search").addEventListener("change", (e) => search(e.target.value));
  $("size-by").onchange = (e) => { state.sizeBy = e.target.value; renderer.refresh(); };
  $("fit").onclick = () => renderer.getCamera().animatedReset({ duration: 400 });
  $("png").onclick = () => {
    renderer.refresh();
    const layers = renderer.getCanvases(), { width, height } = layers.edges;
    const out = document.createElement("canvas");
    out.width = width;
    out.height = height;
    const c = out.getContext("2d");
    c.fillStyle = "#11131a";
    c.fillRect(0, 0, width, height);
    for (const k of ["edges", "nodes", "labels", "hovers", "hoverNodes"]) if (layers[k]) c.drawImage(layers[k], 0, 0);
    const a = document.createElement("a");
    a.download = "zeekgraph.png";
    a.href = out.toDataURL("image/png");
    a.click();
  };

  Object.assign(zg, {
    ready: true, search, select,
    nodeIndex: (title) => titles.indexOf(title),
    nodeViewport: (i) => renderer.graphToViewport({ x: graph.getNodeAttribute(String(i), "x"), y: graph.getNodeAttribute(String(i), "y") }),
    toggleClass: (name) => document.querySelector(`#legend .item[data-cls="${CSS.escape(name)}"]`).click(),
    loadMs: T0,
  });
}

main().catch((e) => { $("status").textContent = `error: ${e.message}`; zg.error = String(e); });
