// Measures the investigation UI on a log in headless Chromium (SwiftShader):
// time to first paint and to all edges, the redraw after Apply of a filter
// (server re-query, summary, hypergraph, layout, transfer, mount), and the
// first page of a node's Connections tab after the click. Not a test: it
// prints the numbers (issue 18's budgets are 2 s, 2 s and 300 ms).
// usage: node web/test/timings.mjs ZEEKGRAPH LOG [WHERE]
import { existsSync } from "node:fs";
import { launchChromium, startServe } from "./harness.mjs";

const [zg, log, whereArg] = process.argv.slice(2);
const where = whereArg || "id.orig_h in 192.168.202.0/24 and id.resp_h in 192.168.23.0/24";
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
if (!existsSync(CHROMIUM)) {
  console.log(`SKIP: ${CHROMIUM} absent`);
  process.exit(77);
}
const t0 = Date.now();
const { server, url } = await startServe(zg, log);
console.log(`serve ready (summary + layout) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
const browser = await launchChromium(CHROMIUM);
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(url);
  await page.waitForFunction(() => window.__zg && window.__zg.ready, null, { timeout: 600000 });
  const t = await page.evaluate(() => ({ first: window.__zg.firstPaintMs, edges: window.__zg.edgesDoneMs, m: window.__zg.edgeCount(), n: window.__zg.shownNodes().length,
    bin: window.__zg.timings.binMs, meta: window.__zg.timings.metaMs }));
  console.log(`graph.bin in ${t.bin.toFixed(0)} ms, first paint ${t.first.toFixed(0)} ms, meta.json parsed ${t.meta.toFixed(0)} ms, ` +
    `all ${t.m} edges of ${t.n} nodes ${t.edges.toFixed(0)} ms after navigation`);

  // A node's Connections: the top talker's first page.
  await page.click("#talkers tr.row >> nth=0");
  const c0 = Date.now();
  await page.click('#inspector .tab[data-tab="connections"]');
  await page.waitForFunction(() => window.__zg.connectionUids(), null, { timeout: 600000 });
  const connMs = await page.evaluate(() => window.__zg.connectionsMs);
  await page.waitForFunction(() => window.__zg.connectionTotal() !== null, null, { timeout: 600000 });
  console.log(`first Connections page of the top talker ${connMs.toFixed(0)} ms after the click; its total (${await page.evaluate(() => window.__zg.connectionTotal())}) after ${Date.now() - c0} ms`);
  await page.keyboard.press("Escape");

  // Apply a filter: from the click to the redrawn graph.
  await page.fill("#where", where);
  await page.press("#where", "Enter");
  const before = await page.evaluate(() => {
    document.querySelector("#apply").addEventListener("click", () => { window.__clickAt = performance.now(); }, { capture: true, once: true });
    return window.__zg.graphs;
  });
  const a0 = Date.now();
  await page.click("#apply");
  await page.waitForFunction((b) => {
    if (!(window.__zg.graphs > b && window.__zg.lastApply && /^\d+ nodes, (\d+) of \1 edges/.test(document.querySelector("#status").textContent))) return false;
    window.__drawnAt = window.__drawnAt ?? performance.now();
    return true;
  }, before, { timeout: 600000 });
  const applied = await page.evaluate(() => ({ ...window.__zg.lastApply, m: window.__zg.edgeCount(), n: window.__zg.shownNodes().length, clickToDrawn: window.__drawnAt - window.__clickAt }));
  // From the click event to the redrawn status: the re-query and transfer
  // (fetch), then the mount; "wall" adds Playwright's wait for a page
  // still drawing the big graph to take the click.
  console.log(`Apply of ${where}: ${applied.n} nodes, ${applied.m} edges redrawn ${applied.clickToDrawn.toFixed(0)} ms after the click ` +
    `(re-query and transfer ${applied.fetchMs.toFixed(0)} ms, mount ${applied.mountMs.toFixed(0)} ms; wall ${Date.now() - a0} ms)`);
} finally {
  await browser.close();
  server.kill("SIGTERM");
}
