// Browser test of the investigation UI (issue 18) in Debian's Chromium,
// each check against an independent computation:
// - /?where=EXPR shows exactly the nodes and edges of the CLI's
//   `graph --where EXPR --edges`;
// - the same conn_state has the same colour in two different graphs;
// - filters typed in the filter bar (a --where expression, a CIDR) re-query,
//   and back and forward restore the earlier graphs (checked against the CLI);
// - a node's highlight dims exactly its non-neighbours (from edges.csv), and
//   "1-hop alone" shows just them; hiding a state and the nodes left without
//   a shown edge leaves the nodes of the other edges; Esc
//   and a click on empty space deselect; a click on an edge selects an edge
//   that passes within 4 px of the click;
// - the Connections tab of an edge lists exactly the uids awk selects from
//   the log, with their count; its CSV export holds them in order, and its
//   Zeek log export read back by `zeekgraph rows --format csv` equals it;
// - the top talkers' first row is the node with the most distinct peers
//   (counted from edges.csv), and a click on it selects it; sorted by
//   destination ports, its rows have awk's counts of distinct id.resp_p;
// - a brushed time window plus Apply equals `--where 'ts >= A and ts < B'`;
// - a failed search's message is gone after the next action; the hover
//   label is drawn dark (it was white on white);
// - the PNG carries the legend's colours; "Edges CSV" holds the shown edges;
// - the --svg legend uses the UI's colours; a range typed into a histogram
//   shows the edges edges.csv puts in it; the filter bar completes column
//   names and conn_state values;
// - the --html file says plainly that filtering and Connections need serve.
// Screenshots of each step are kept in WORKDIR. Prints the time to the
// first Connections page and from Apply to the redrawn graph.
// usage: node web/test/investigate.test.mjs ZEEKGRAPH WORKDIR [ROWS]   (exit 77: no chromium)
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { launchChromium, startServe } from "./harness.mjs";
import { decodePng } from "./png.mjs";

const [zg, work, rowsArg] = process.argv.slice(2);
const rows = rowsArg || "20000";
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
if (!existsSync(CHROMIUM)) {
  console.log(`SKIP: ${CHROMIUM} absent (apt-get install chromium)`);
  process.exit(77);
}
mkdirSync(work, { recursive: true });
const log = `${work}/conn.log`;
execFileSync(zg, ["gen", "--rows", rows, "--seed", "3", "-o", log]);

let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
};

// The CLI's graph of a filter: node titles and edges as "src dst state" keys.
let cliRuns = 0;
function cliGraph(where) {
  const edges = `${work}/cli-${cliRuns++}.csv`;
  const args = ["graph", log, "-q", "--no-progress", "--iterations", "1", "--edges", edges];
  if (where) args.push("--where", where);
  execFileSync(zg, args);
  const lines = readFileSync(edges, "utf8").trim().split("\n");
  const head = lines[0].split(","), st = head.indexOf("conn_state");
  const out = { nodes: new Set(), edges: [] };
  for (const l of lines.slice(1)) {
    const f = l.split(",");
    const s = f[0].replace(/^ip::/, ""), d = f[1].replace(/^ip::/, "");
    out.nodes.add(s);
    out.nodes.add(d);
    out.edges.push(`${s} ${d} ${f[st]}`);
  }
  out.edges.sort();
  return out;
}
const sameGraph = (ui, cli) => {
  const nodes = [...ui.nodes].sort(), want = [...cli.nodes].sort();
  const edges = ui.edges.map((e) => e.join(" ")).sort();
  return nodes.length === want.length && nodes.every((n, k) => n === want[k]) &&
    edges.length === cli.edges.length && edges.every((e, k) => e === cli.edges[k]);
};
const shown = (page) => page.evaluate(() => ({ nodes: window.__zg.shownNodes(), edges: window.__zg.shownEdges() }));
// Waits for the graph after `act` to be mounted and drawn.
async function nextGraph(page, act) {
  const before = await page.evaluate(() => window.__zg.graphs);
  const t0 = Date.now();
  await act();
  await page.waitForFunction((b) => window.__zg.graphs > b && window.__zg.lastApply !== undefined, before, { timeout: 60000 });
  await page.waitForFunction(() => /^\d+ nodes, (\d+) of \1 edges/.test(document.querySelector("#status").textContent), null, { timeout: 60000 });
  return Date.now() - t0;
}

// Awk, the independent reader: uids of the rows of (orig, resp, state), in order.
function awkUids(orig, resp, state) {
  const out = execFileSync("awk", ["-F", "\t", "-v", `o=${orig}`, "-v", `r=${resp}`, "-v", `s=${state}`,
    "$3 == o && $5 == r && $12 == s { print $2 }", log], { maxBuffer: 1 << 28 }).toString();
  return out.split("\n").filter(Boolean);
}

const all = cliGraph("");
const W1 = "id.orig_h in 192.168.202.0/24 and id.resp_h in 192.168.23.0/24";
const { server, url } = await startServe(zg, log);
const browser = await launchChromium(CHROMIUM);
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // The bad filter below is answered 400 on purpose; Chromium logs that.
  page.on("console", (m) => { if (m.type() === "error" && !/status of 400/.test(m.text())) errors.push(m.text()); });
  const ready = () => page.waitForFunction(() => window.__zg && window.__zg.ready && window.__zg.edgesDoneMs !== null, null, { timeout: 60000 });

  // The whole graph: its colours, for the comparison with a filtered one.
  await page.goto(url);
  await ready();
  check(sameGraph(await shown(page), all), `/ shows the CLI's ${all.nodes.size} nodes and ${all.edges.length} edges`);
  const legendColours = () => page.evaluate(() => Object.fromEntries([...document.querySelectorAll("#legend .item")].map((i) =>
    [i.dataset.cls, getComputedStyle(i.querySelector(".swatch")).backgroundColor])));
  const colours0 = await legendColours();
  const order0 = Object.keys(colours0);

  // A link with a filter reproduces the filtered graph.
  const p1 = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  p1.on("pageerror", (e) => errors.push(String(e)));
  await p1.goto(`${url}?where=${encodeURIComponent(W1)}`);
  await p1.waitForFunction(() => window.__zg && window.__zg.ready && window.__zg.edgesDoneMs !== null, null, { timeout: 60000 });
  await p1.waitForTimeout(300);
  const cli1 = cliGraph(W1);
  check(cli1.edges.length > 0 && cli1.edges.length < all.edges.length, `the filter keeps a part: ${cli1.edges.length} of ${all.edges.length} edges`);
  check(sameGraph(await shown(p1), cli1), `/?where=${W1} shows exactly the CLI's ${cli1.nodes.size} nodes and ${cli1.edges.length} edges`);
  const status1 = await p1.textContent("#status");
  check(status1.startsWith(`${cli1.nodes.size} nodes, ${cli1.edges.length} of ${cli1.edges.length} edges`), `the status line names them ("${status1}")`);
  await p1.screenshot({ path: `${work}/1-where-link.png` });

  // The same conn_state, the same colour, in both graphs (whose legends rank them differently).
  const colours1 = await p1.evaluate(() => Object.fromEntries([...document.querySelectorAll("#legend .item")].map((i) =>
    [i.dataset.cls, getComputedStyle(i.querySelector(".swatch")).backgroundColor])));
  const shared = Object.keys(colours1).filter((c) => c in colours0);
  const order1 = Object.keys(colours1);
  check(shared.length >= 2 && shared.every((c) => colours0[c] === colours1[c]),
    `${shared.length} conn_states keep their colour across graphs (${shared.map((c) => `${c} ${colours1[c]}`).join(", ")})`);
  check(order0.join() !== order1.join(), `the two legends rank states differently (${order0.join(" ")} / ${order1.join(" ")}), so the colours follow the state, not the rank`);
  check(new Set(Object.values(colours0)).size === order0.length, "each state of the whole graph has its own colour");
  await p1.close();
  // The SVG the CLI draws uses the same colour for each state (its legend's rects).
  execFileSync(zg, ["graph", log, "-q", "--no-progress", "--iterations", "1", "--svg", `${work}/graph.svg`]);
  const svg = readFileSync(`${work}/graph.svg`, "utf8");
  const svgColours = Object.fromEntries([...svg.matchAll(/<rect x="\d+" y="\d+" width="12" height="12" fill="(#[0-9a-f]{6})"\/><text [^>]*>([^<(]+) \(/g)].map((m) => [m[2], m[1]]));
  const rgb = (hex) => `rgb(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)})`;
  check(Object.keys(svgColours).length === order0.length && order0.every((c) => rgb(svgColours[c]) === colours0[c]),
    `the --svg legend gives each state the UI's colour (${Object.entries(svgColours).map(([k, v]) => `${k} ${v}`).join(", ")})`);

  // Focus: click a node of middling degree; every non-neighbour is dimmed.
  const neighbours = new Map();
  for (const e of all.edges) {
    const [s, d] = e.split(" ");
    if (!neighbours.has(s)) neighbours.set(s, new Set());
    if (!neighbours.has(d)) neighbours.set(d, new Set());
    neighbours.get(s).add(d);
    neighbours.get(d).add(s);
  }
  const graphBox = await page.locator("#graph").boundingBox();
  const pick = [...neighbours.entries()].find(([, n]) => n.size >= 5 && n.size <= 40)[0];
  const pi = await page.evaluate((t) => window.__zg.nodeIndex(t), pick);
  const pv = await page.evaluate((i) => window.__zg.nodeViewport(i), pi);
  await page.mouse.click(graphBox.x + pv.x, graphBox.y + pv.y);
  await page.waitForTimeout(300);
  const focus = await page.evaluate(() => window.__zg.focus());
  check(focus && focus.kind === "node", `clicking a node selects a node (${JSON.stringify(focus && focus.kind)})`);
  if (focus && focus.kind === "node") {
    const colours = await page.evaluate(() => ({ dim: window.__zg.dimColour, titles: window.__zg.shownNodes(),
      colour: window.__zg.shownNodes().map((_, i) => window.__zg.nodeColour(i)) }));
    const title = colours.titles[focus.node], nb = neighbours.get(title) || new Set();
    let wrong = 0, dimmed = 0;
    colours.titles.forEach((t, i) => {
      const shouldDim = t !== title && !nb.has(t);
      if ((colours.colour[i] === colours.dim) !== shouldDim) wrong++;
      if (colours.colour[i] === colours.dim) dimmed++;
    });
    check(wrong === 0 && dimmed === colours.titles.length - 1 - nb.size,
      `selecting ${title} dims its ${dimmed} non-neighbours and none of its ${nb.size} neighbours (${wrong} wrong)`);
  }
  await page.screenshot({ path: `${work}/2-focus-node.png` });
  // The summary rows show 11 chosen columns; ticking another adds it.
  if (focus && focus.kind === "node") {
    const heads = () => page.evaluate(() => [...document.querySelectorAll("#inspector-body th")].map((th) => th.textContent));
    const before = await heads();
    await page.click("#inspector-body .colpick summary");
    await page.check('#inspector-body .colpick label:has-text("uid nunique") input');
    const after = await heads();
    check(before.length === 11 && !before.includes("uid nunique") && after.length === 12 && after.includes("uid nunique"),
      `the summary rows show ${before.length} chosen columns, and ticking uid nunique adds it (${after.length})`);
    await page.uncheck('#inspector-body .colpick label:has-text("uid nunique") input');
  }
  // "1-hop alone" shows the node and its neighbours only; "show all" brings every node back.
  if (focus && focus.kind === "node") {
    const centre = (await page.evaluate(() => window.__zg.shownNodes()))[focus.node];
    const want = new Set([centre, ...(neighbours.get(centre) || [])]);
    await page.click("#inspector-actions button >> text=1-hop alone");
    const alone = await page.evaluate(() => window.__zg.shownNodes());
    check(alone.length === want.size && alone.every((t) => want.has(t)), `"1-hop alone" shows ${centre} and its ${want.size - 1} neighbours only (${alone.length} nodes)`);
    await page.waitForTimeout(500);
    await page.screenshot({ path: `${work}/2b-one-hop.png` });
    await page.click("#inspector-actions button >> text=show all");
    check((await page.evaluate(() => window.__zg.shownNodes().length)) === all.nodes.size, '"show all" shows every node again');
  }
  await page.keyboard.press("Escape");
  await page.waitForTimeout(200);
  const afterEsc = await page.evaluate(() => ({ focus: window.__zg.focus(), dimmed: window.__zg.shownNodes().filter((_, i) => window.__zg.nodeColour(i) === window.__zg.dimColour).length,
    inspector: document.querySelector("#inspector").hidden }));
  check(afterEsc.focus === null && afterEsc.dimmed === 0 && afterEsc.inspector, `Esc deselects: nothing dimmed, the inspector closed (${JSON.stringify(afterEsc)})`);

  // A click on empty space (at least 25 px from every edge and node) deselects.
  await page.evaluate((i) => window.__zg.select(i), pi);
  const blank = await page.evaluate(([w, h]) => {
    const segs = [];
    for (let e = 0; e < window.__zg.edgeCount(); e++) segs.push(window.__zg.edgeViewport(e));
    const dist = (x, y, { a, b }) => {
      const dx = b.x - a.x, dy = b.y - a.y, l = dx * dx + dy * dy;
      const t = l ? Math.max(0, Math.min(1, ((x - a.x) * dx + (y - a.y) * dy) / l)) : 0;
      return Math.hypot(x - (a.x + t * dx), y - (a.y + t * dy));
    };
    let best = null;
    for (let y = 40; y < h - 40; y += 23)
      for (let x = 40; x < w - 40; x += 23) {
        let m = Infinity;
        for (const s of segs) { m = Math.min(m, dist(x, y, s)); if (m < 25) break; }
        if (m >= 25 && (!best || Math.hypot(x - w / 2, y - h / 2) < Math.hypot(best.x - w / 2, best.y - h / 2))) best = { x, y, m };
      }
    return best;
  }, [graphBox.width, graphBox.height]);
  check(blank !== null, `found empty space near the graph (${JSON.stringify(blank)})`);
  if (blank) {
    await page.mouse.click(graphBox.x + blank.x, graphBox.y + blank.y);
    await page.waitForTimeout(300);
    check(await page.evaluate(() => window.__zg.focus()) === null, "a click on empty space selects nothing");
  }

  // A click on an edge's middle selects an edge that passes within 4 px.
  // An edge whose middle is at least 12 px from every node, so the click is the edge's.
  const edgePick = await page.evaluate(() => {
    const z = window.__zg, nodes = z.shownNodes().map((_, i) => z.nodeViewport(i));
    let best = null;
    for (let e = 0; e < z.edgeCount(); e++) {
      const { a, b } = z.edgeViewport(e), l = Math.hypot(b.x - a.x, b.y - a.y);
      if (l < 60 || l > 400 || (best && l <= best.l)) continue;
      const x = (a.x + b.x) / 2, y = (a.y + b.y) / 2;
      if (nodes.every((p) => Math.hypot(p.x - x, p.y - y) >= 12)) best = { e, x, y, l };
    }
    return best;
  });
  // Where every edge is drawn now: opening the inspector below shrinks the graph's box.
  await page.evaluate(() => { window.__pre = Array.from({ length: window.__zg.edgeCount() }, (_, e) => window.__zg.edgeViewport(e)); });
  await page.mouse.move(graphBox.x + edgePick.x, graphBox.y + edgePick.y);
  await page.mouse.click(graphBox.x + edgePick.x, graphBox.y + edgePick.y);
  await page.waitForTimeout(300);
  const ef = await page.evaluate(() => window.__zg.focus());
  check(ef && ef.kind === "edge", `clicking an edge selects an edge (${JSON.stringify(ef && ef.kind)})`);
  if (ef && ef.kind === "edge") {
    const d = await page.evaluate(([e, x, y]) => {
      const { a, b } = window.__pre[e], dx = b.x - a.x, dy = b.y - a.y, l = dx * dx + dy * dy;
      const t = l ? Math.max(0, Math.min(1, ((x - a.x) * dx + (y - a.y) * dy) / l)) : 0;
      return Math.hypot(x - (a.x + t * dx), y - (a.y + t * dy));
    }, [ef.edge, edgePick.x, edgePick.y]);
    check(d <= 4.5, `the selected edge passes ${d.toFixed(1)} px from the click`);
    await page.screenshot({ path: `${work}/3-focus-edge.png` });

    // Its Connections: exactly awk's rows.
    const [src, dst, state] = (await shown(page)).edges[ef.edge];
    const want = awkUids(src, dst, state);
    const t0 = Date.now();
    await page.click('#inspector .tab[data-tab="connections"]');
    await page.waitForFunction(() => window.__zg.connectionUids() && window.__zg.connectionTotal() !== null, null, { timeout: 60000 });
    const firstPage = await page.evaluate(() => window.__zg.connectionsMs);
    const got = await page.evaluate(() => window.__zg.connectionUids());
    const total = await page.evaluate(() => window.__zg.connectionTotal());
    const totalText = await page.textContent("#connections .total");
    check(got.length === want.length && got.every((u, k) => u === want[k]) && total === want.length && totalText.startsWith(`${want.length.toLocaleString("en-US")} connections`),
      `the Connections tab of ${src} -> ${dst} ${state} lists awk's ${want.length} rows in order ("${totalText}")`);
    console.log(`first Connections page ${firstPage.toFixed(0)} ms after the click (${Date.now() - t0} ms to the total)`);
    const tableText = await page.textContent("#connections table");
    check(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/.test(tableText) && !/\b1331\d{6}\.\d+/.test(tableText), "its ts column is ISO 8601 UTC, not epoch");
    await page.screenshot({ path: `${work}/4-connections.png` });
    const exports = await page.evaluate(async () => {
      const csv = await (await fetch(document.querySelector("#connections .export-csv").href)).text();
      const zeek = await (await fetch(document.querySelector("#connections .export-zeek").href)).text();
      return { csv, zeek };
    });
    const csvLines = exports.csv.trim().split("\n"), uidAt = csvLines[0].split(",").indexOf("uid");
    const csvUids = csvLines.slice(1).map((l) => l.split(",")[uidAt]);
    check(csvUids.length === want.length && csvUids.every((u, k) => u === want[k]), `the CSV export holds the same ${csvUids.length} uids in order`);
    writeFileSync(`${work}/export.log`, exports.zeek);
    const back = execFileSync(zg, ["rows", `${work}/export.log`, "--format", "csv"], { stdio: ["ignore", "pipe", "ignore"] }).toString();
    check(back === exports.csv, "the Zeek log export, read back by `zeekgraph rows --format csv`, equals the CSV export");
  }
  await page.keyboard.press("Escape");

  // Top talkers: the first row has the most distinct peers.
  let maxPeers = 0;
  for (const n of neighbours.values()) maxPeers = Math.max(maxPeers, [...n].length);
  const top = await page.evaluate(() => {
    const tr = document.querySelector("#talkers tr.row");
    return { title: tr.querySelector("td").textContent, node: +tr.dataset.node };
  });
  const topPeers = neighbours.get(top.title);
  check(topPeers && topPeers.size === maxPeers && [...neighbours.values()].filter((n) => n.size === maxPeers).length >= 1,
    `the top talker ${top.title} has the most distinct peers, ${maxPeers}, as edges.csv counts them`);
  // Sorted by distinct destination ports: awk's count of distinct id.resp_p per id.orig_h.
  const awkPorts = new Map();
  for (const line of execFileSync("awk", ["-F", "\t", "{ print $3 \"\\t\" $6 }", log], { maxBuffer: 1 << 28 }).toString().split("\n")) {
    if (!line) continue;
    const [h, p] = line.split("\t");
    if (p === "-") continue;
    if (!awkPorts.has(h)) awkPorts.set(h, new Set());
    awkPorts.get(h).add(p);
  }
  const maxPorts = Math.max(...[...awkPorts.values()].map((x) => x.size));
  await page.waitForFunction(() => window.__zg.portsLoaded, null, { timeout: 60000 });
  await page.click("#talkers th >> text=dst ports");
  const byPorts = await page.evaluate(() => [...document.querySelectorAll("#talkers tr.row")].slice(0, 3).map((tr) => [...tr.cells].map((c) => c.textContent)));
  const portsCol = await page.evaluate(() => [...document.querySelectorAll("#talkers th")].findIndex((th) => th.textContent.startsWith("dst ports")));
  check(awkPorts.get(byPorts[0][0])?.size === maxPorts && byPorts[0][portsCol] === maxPorts.toLocaleString("en-US") &&
    byPorts.every((r) => r[portsCol] === awkPorts.get(r[0]).size.toLocaleString("en-US")),
    `sorted by dst ports, the top talkers match awk (${byPorts.map((r) => `${r[0]} ${r[portsCol]}`).join(", ")}; most: ${maxPorts})`);
  await page.screenshot({ path: `${work}/5b-top-ports.png` });
  await page.click("#talkers th >> text=peers");

  // A failed search leaves a message; the next action clears it.
  await page.fill("#search", "no-such-host-here");
  await page.press("#search", "Enter");
  const msg = await page.textContent("#message");
  await page.click("#talkers tr.row >> nth=0");
  await page.waitForTimeout(700);
  const msgAfter = await page.textContent("#message");
  const tf = await page.evaluate(() => window.__zg.focus());
  check(msg.includes("no node matches") && msgAfter === "", `a failed search's message ("${msg}") is gone after the next action ("${msgAfter}")`);
  check(tf && tf.node === top.node, "clicking the top talker selects it");
  await page.screenshot({ path: `${work}/5-top-talker.png` });
  // Its Connections sorted by id.resp_p, descending: every row behind it is
  // loaded and sorted (more than one chunk of 1,000), the first page is
  // awk's 50 highest ports of the rows from or to it.
  {
    await page.click('#inspector .tab[data-tab="connections"]');
    await page.waitForFunction(() => window.__zg.connectionUids() && window.__zg.connectionTotal() !== null, null, { timeout: 60000 });
    const awkResp = execFileSync("awk", ["-F", "\t", "-v", `h=${top.title}`, "$3 == h || $5 == h { print $6 }", log], { maxBuffer: 1 << 28 })
      .toString().split("\n").filter(Boolean).map(Number).sort((a, b) => b - a);
    await page.click('#connections th >> text="id.resp_p"');
    await page.click('#connections th >> text=/^id\.resp_p/');
    await page.waitForFunction(() => /sorted by id\.resp_p: all/.test(document.querySelector("#connections .sorted")?.textContent || ""), null, { timeout: 60000 });
    const sorted = await page.evaluate(() => {
      const heads = [...document.querySelectorAll("#connections th")].map((th) => th.textContent);
      const k = heads.findIndex((h) => h.startsWith("id.resp_p"));
      return { head: heads[k], page: [...document.querySelectorAll("#connections tr.row")].map((tr) => +tr.cells[k].textContent),
        loaded: window.__zg.connectionUids().length, note: document.querySelector("#connections .sorted").textContent };
    });
    const want = awkResp.slice(0, 50);
    check(awkResp.length > 1000 && sorted.loaded === awkResp.length && sorted.head.endsWith("\u25bc") &&
      sorted.page.length === want.length && sorted.page.every((p, k) => p === want[k]),
      `sorting ${top.title}'s Connections by id.resp_p sorts all ${awkResp.length} of its rows, not the ${Math.min(1000, awkResp.length)} loaded first ("${sorted.note}"; first ${sorted.page.slice(0, 3).join(", ")})`);
    await page.screenshot({ path: `${work}/5c-sorted-connections.png` });
  }
  await page.keyboard.press("Escape");

  // The hover label is drawn on a dark box.
  await page.evaluate(() => window.__zg.select(-1));
  await page.getByRole("button", { name: "Fit" }).click();
  await page.waitForTimeout(600);
  const hv = await page.evaluate((i) => window.__zg.nodeViewport(i), top.node);
  await page.mouse.move(graphBox.x + hv.x, graphBox.y + hv.y);
  // sigma draws the hover on its next frame.
  await page.waitForFunction(([x, y]) => window.__zg.layerStats("hovers", x - 30, y - 20, 200, 40).drawn > 50, [hv.x, hv.y], { timeout: 10000 }).catch(() => {});
  const hs = await page.evaluate(([x, y]) => window.__zg.layerStats("hovers", x - 30, y - 20, 200, 40), [hv.x, hv.y]);
  check(hs.drawn > 50 && hs.meanLuminance < 110, `the hover label is light on dark (${hs.drawn} pixels drawn, mean luminance ${hs.meanLuminance?.toFixed(0)})`);
  await page.screenshot({ path: `${work}/6-hover.png` });
  await page.mouse.move(5, 5);

  // A range typed into the sessions histogram: the edges of count >= 2 (from edges.csv).
  const countAt = readFileSync(`${work}/cli-0.csv`, "utf8").split("\n")[0].split(",").indexOf("count");
  const wantCount = readFileSync(`${work}/cli-0.csv`, "utf8").trim().split("\n").slice(1).filter((l) => +l.split(",")[countAt] >= 2).length;
  await page.click('.hist[data-key="count"] .hist-label');
  await page.fill('.hist[data-key="count"] input[name="from"]', "2");
  await page.fill('.hist[data-key="count"] input[name="to"]', "1000000000");
  await page.press('.hist[data-key="count"] input[name="to"]', "Enter");
  const typed = await page.evaluate(() => ({ edges: window.__zg.visibleEdges, label: document.querySelector('.hist[data-key="count"] .hist-label').textContent }));
  check(typed.edges === wantCount && typed.label.includes("2 \u2013 1,000,000,000"), `typing 2 .. 1e9 into sessions per edge shows the ${wantCount} edges with count >= 2 (${typed.edges}; "${typed.label}")`);
  await page.screenshot({ path: `${work}/6b-typed-range.png` });
  await page.click("#clear-filters");

  // Completion: column names, then conn_state values with Zeek's meaning.
  await page.fill("#where", "");
  await page.type("#where", "id.re");
  const cols = await page.evaluate(() => [...document.querySelectorAll("#complete li")].map((li) => li.firstChild.textContent));
  await page.keyboard.press("Tab");
  await page.type("#where", " == 1 or conn_state == ");
  const vals = await page.evaluate(() => [...document.querySelectorAll("#complete li")].map((li) => li.textContent));
  await page.screenshot({ path: `${work}/6c-completion.png` });
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  const completed = await page.inputValue("#where");
  check(cols.join() === "id.resp_h,id.resp_p" && vals.some((v) => v.startsWith('"S0"') && v.includes("Connection attempt seen, no reply")) &&
    completed === `id.resp_h == 1 or conn_state == ${vals[1].match(/^"[^"]*"/)[0]}`,
    `the filter bar completes columns (${cols.join(" ")}) and conn_state values (${vals.length}): "${completed}"`);
  await page.fill("#where", "");

  // Filter bar: a typed expression, Apply, then a typed CIDR, Apply.
  const W2 = 'conn_state == "S0"';
  await page.fill("#where", W2);
  await page.press("#where", "Enter");
  const applyMs = await nextGraph(page, () => page.click("#apply"));
  const cli2 = cliGraph(W2);
  check(sameGraph(await shown(page), cli2), `Apply of ${W2} shows the CLI's ${cli2.nodes.size} nodes and ${cli2.edges.length} edges (redrawn ${applyMs} ms after Apply)`);
  check(decodeURIComponent(new URL(page.url()).searchParams.get("where") || "") === W2, `the URL holds the filter (${page.url()})`);
  await page.screenshot({ path: `${work}/7-apply.png` });
  // Connections in a filtered graph: the node's rows inside the filter, as awk selects them.
  {
    const host = top.title;
    const want = execFileSync("awk", ["-F", "\t", "-v", `h=${host}`, '($3 == h || $5 == h) && $12 == "S0" { print $2 }', log], { maxBuffer: 1 << 28 })
      .toString().split("\n").filter(Boolean);
    await page.evaluate((t) => window.__zg.select(window.__zg.nodeIndex(t)), host);
    await page.click('#inspector .tab[data-tab="connections"]');
    await page.waitForFunction(() => window.__zg.connectionUids() && window.__zg.connectionTotal() !== null, null, { timeout: 60000 });
    let got = await page.evaluate(() => window.__zg.connectionUids());
    // The first thousand arrive at once; page on to load the rest.
    while (got.length < want.length) {
      const before = got.length;
      await page.evaluate(() => { const b = [...document.querySelectorAll("#connections .pager button")].find((x) => x.textContent.startsWith("next")); for (let k = 0; k < 20; k++) b && b.click(); });
      await page.waitForTimeout(300);
      got = await page.evaluate(() => window.__zg.connectionUids());
      if (got.length === before) break;
    }
    const total = await page.evaluate(() => window.__zg.connectionTotal());
    check(got.length === want.length && got.every((u, k) => u === want[k]) && total === want.length,
      `in the S0 graph, ${host}'s Connections are awk's ${want.length} S0 rows from or to it, in order (${got.length}, total ${total})`);
    await page.screenshot({ path: `${work}/7b-filtered-connections.png` });
    await page.keyboard.press("Escape");
  }
  await page.fill("#where", "192.168.202.0/24");
  await page.press("#where", "Enter");
  await nextGraph(page, () => page.click("#apply"));
  const W3 = await page.evaluate(() => window.__zg.where());
  const cli3 = cliGraph(W3);
  check(W3.includes("192.168.202.0/24") && W3.includes(W2) && sameGraph(await shown(page), cli3),
    `a typed CIDR joins the filter: ${W3} shows the CLI's ${cli3.edges.length} edges`);
  await page.screenshot({ path: `${work}/8-cidr.png` });
  await nextGraph(page, () => page.goBack());
  check(sameGraph(await shown(page), cli2) && await page.evaluate(() => window.__zg.where()) === W2, "back restores the S0 graph");
  await nextGraph(page, () => page.goBack());
  check(sameGraph(await shown(page), all) && await page.evaluate(() => window.__zg.where()) === "", "back again restores the whole graph");
  await nextGraph(page, () => page.goForward());
  check(sameGraph(await shown(page), cli2), "forward restores the S0 graph");
  await nextGraph(page, () => page.goBack());

  // A bad expression: the server's caret message, nothing else changes.
  await page.fill("#where", "proto > 5");
  await page.press("#where", "Enter");
  await page.click("#apply");
  await page.waitForSelector("#where-error:not([hidden])", { timeout: 30000 });
  const err = await page.textContent("#where-error");
  check(err.includes("^") && err.includes("proto") && sameGraph(await shown(page), all), `a bad filter shows the caret message and keeps the graph ("${err.split("\n")[0]}")`);
  await page.screenshot({ path: `${work}/9-bad-filter.png` });
  await page.evaluate(() => { document.querySelectorAll("#chips .chip button").forEach((b) => b.click()); });

  // Brush the time bar, Apply: the same graph as --where 'ts >= A and ts < B'.
  const tb = await page.locator("footer canvas").boundingBox();
  await page.mouse.move(tb.x + tb.width * 0.30, tb.y + tb.height / 2);
  await page.mouse.down();
  await page.mouse.move(tb.x + tb.width * 0.38, tb.y + tb.height / 2, { steps: 4 });
  await page.mouse.up();
  const chips = await page.evaluate(() => window.__zg.chips());
  const tchip = chips.find((c) => /^ts >= \S+ and ts < \S+$/.test(c));
  check(!!tchip, `brushing the time bar makes a ts chip (${JSON.stringify(chips)})`);
  const staleMsg = await page.textContent("#message");
  check(staleMsg === "", `the bad filter's message is gone after the brush ("${staleMsg}")`);
  await page.screenshot({ path: `${work}/10-brush.png` });
  if (tchip) {
    await nextGraph(page, () => page.click("#apply"));
    const cli4 = cliGraph(tchip);
    check(cli4.edges.length > 0 && sameGraph(await shown(page), cli4), `time brush + Apply equals --where '${tchip}' (${cli4.edges.length} edges)`);
    await page.screenshot({ path: `${work}/11-time-applied.png` });
    await nextGraph(page, () => page.goBack());
  }

  // PNG: the legend's colours are in it.
  const [png] = await Promise.all([page.waitForEvent("download"), page.click("#png")]);
  await png.saveAs(`${work}/12-export.png`);
  const img = decodePng(readFileSync(`${work}/12-export.png`));
  const legend = await page.evaluate(() => window.__zg.pngLegend);
  const hex = (k) => { const o = (Math.round(legend.y + k * legend.step + legend.size / 2) * img.width + Math.round(legend.x + legend.size / 2)) * img.bpp; return "#" + [0, 1, 2].map((c) => img.px[o + c].toString(16).padStart(2, "0")).join(""); };
  const pngColours = legend.colours.map((_, k) => hex(k));
  check(legend.colours.length >= 3 && pngColours.every((c, k) => c === legend.colours[k]), `the PNG draws the legend (${pngColours.join(" ")})`);

  // Hiding S0 and the nodes left without a shown edge: the nodes of the other edges (edges.csv).
  await page.evaluate(() => window.__zg.toggleClass("S0"));
  await page.check("#hide-isolated");
  const keep = new Set(all.edges.filter((e) => !e.endsWith(" S0")).flatMap((e) => e.split(" ").slice(0, 2)));
  const left = await page.evaluate(() => window.__zg.shownNodes());
  check(left.length === keep.size && left.every((t) => keep.has(t)), `hiding S0 and nodes without a shown edge leaves the ${keep.size} nodes of the other edges (${left.length})`);
  await page.screenshot({ path: `${work}/12b-no-s0.png` });
  await page.uncheck("#hide-isolated");
  await page.evaluate(() => window.__zg.toggleClass("S0"));

  // Edges CSV: what is shown, after hiding S0.
  await page.evaluate(() => window.__zg.toggleClass("S0"));
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#export-edges")]);
  await dl.saveAs(`${work}/visible-edges.csv`);
  const vis = readFileSync(`${work}/visible-edges.csv`, "utf8").trim().split("\n");
  const vst = vis[0].split(",").indexOf("conn_state");
  const wantVis = all.edges.filter((e) => !e.endsWith(" S0")).length;
  check(vis.length - 1 === wantVis && vis.slice(1).every((l) => l.split(",")[vst] !== "S0"),
    `"Edges CSV" holds the ${wantVis} shown edges and no S0 (${vis.length - 1} rows)`);
  check(errors.length === 0, `no page errors ${errors.join("; ")}`);

  // The --html file: filtering and Connections say they need serve.
  execFileSync(zg, ["graph", log, "-q", "--no-progress", "--iterations", "50", "--html", `${work}/graph.html`]);
  const file = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await file.goto(`file://${work}/graph.html`);
  await file.waitForFunction(() => window.__zg && window.__zg.ready, null, { timeout: 60000 });
  const placeholder = await file.getAttribute("#where", "placeholder");
  const disabled = await file.isDisabled("#where");
  await file.evaluate((t) => window.__zg.select(window.__zg.nodeIndex(t)), top.title);
  await file.click('#inspector .tab[data-tab="connections"]');
  const need = await file.textContent("#connections");
  check(disabled && placeholder.includes("zeekgraph serve") && need.includes("zeekgraph serve"),
    `the --html file says filtering and Connections need serve ("${need.slice(0, 60)}...")`);
  await file.screenshot({ path: `${work}/13-file.png` });
} finally {
  await browser.close();
  server.kill("SIGTERM");
}
writeFileSync(`${work}/result.txt`, failures ? "FAIL\n" : "ok\n");
console.log(failures ? `${failures} failed` : "all investigation checks passed");
process.exit(failures ? 1 : 0);
