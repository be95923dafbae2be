// Browser tests of the UI in Debian's Chromium, driven by playwright-core:
// the page loads from `zeekgraph serve`, the canvas is not blank, search
// finds a known IP, clicking a node opens the inspector with its rows, a
// legend toggle hides edges, and the --html file works from file://.
// Screenshots are kept in WORKDIR as artifacts. Prints the time to first
// paint and to all edges drawn.
// usage: node web/test/ui.test.mjs ZEEKGRAPH WORKDIR [ROWS]   (exit 77: no chromium)
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { launchChromium, startServe } from "./harness.mjs";
import { decodePng, inkShare } from "./png.mjs";

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
execFileSync(zg, ["graph", log, "-q", "--no-progress", "--edges", `${work}/edges.csv`, "--html", `${work}/graph.html`]);

let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
};

// Edges per node title, from the CSV the binary wrote, for the inspector check.
const edgeCsv = readFileSync(`${work}/edges.csv`, "utf8").trim().split("\n").slice(1);
const edgesOf = (ip) => edgeCsv.filter((l) => { const [s, d] = l.split(","); return s === `ip::${ip}` || d === `ip::${ip}`; }).length;

const { server, url } = await startServe(zg, log);

const browser = await launchChromium(CHROMIUM);
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(url);
  await page.waitForFunction(() => window.__zg && window.__zg.ready, null, { timeout: 60000 });
  const t = await page.evaluate(() => ({ first: window.__zg.firstPaintMs, edges: window.__zg.edgesDoneMs }));
  console.log(`time to first paint ${t.first.toFixed(0)} ms, all edges drawn ${t.edges.toFixed(0)} ms`);
  await page.waitForTimeout(500);
  const graphBox = await page.locator("#graph").boundingBox();
  const shot = await page.screenshot({ path: `${work}/served.png`, clip: graphBox });
  const ink = inkShare(decodePng(shot));
  check(ink > 0.01, `canvas is drawn (${(ink * 100).toFixed(1)}% of pixels are not background)`);

  // Search a scanner IP the generator always makes.
  const ip = "192.168.202.65";
  await page.fill("#search", ip);
  await page.press("#search", "Enter");
  await page.waitForTimeout(800);
  const found = await page.evaluate((ip) => ({ want: window.__zg.nodeIndex(ip), title: document.querySelector("#inspector-body").textContent }), ip);
  check(found.want >= 0 && found.title.includes(ip), `search finds ${ip} and opens it`);
  await page.screenshot({ path: `${work}/search.png` });

  // Click the node itself: the inspector lists one row per edge.
  await page.evaluate(() => window.__zg.select(-1));
  const vp = await page.evaluate((i) => window.__zg.nodeViewport(i), found.want);
  await page.mouse.click(graphBox.x + vp.x, graphBox.y + vp.y);
  await page.waitForTimeout(300);
  const rowsShown = await page.evaluate(() => ({ rows: window.__zg.inspectorRows, title: document.querySelector("#inspector-body div").textContent }));
  check(rowsShown.title.startsWith(ip) && rowsShown.rows === edgesOf(ip),
    `clicking ${ip} opens the inspector with its ${edgesOf(ip)} rows (got ${rowsShown.rows}, "${rowsShown.title}")`);
  // Sorting by a column keeps every row.
  await page.click("#inspector th >> nth=5");
  check(await page.locator("#inspector tr.row").count() === Math.min(500, edgesOf(ip)), "the inspector table sorts");
  await page.screenshot({ path: `${work}/inspector.png` });

  // A legend toggle hides that class of edges.
  const before = await page.evaluate(() => window.__zg.visibleEdges);
  const cls = await page.locator("#legend .item").first().getAttribute("data-cls");
  await page.locator("#legend .item").first().click();
  const after = await page.evaluate(() => window.__zg.visibleEdges);
  const clsCount = edgeCsv.filter((l) => l.split(",")[7] === cls).length;
  check(after === before - clsCount, `hiding ${cls} hides its ${clsCount} edges (${before} -> ${after})`);
  await page.screenshot({ path: `${work}/legend.png` });
  check(errors.length === 0, `no page errors ${errors.join("; ")}`);

  // The self-contained file, offline.
  const file = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await file.goto(`file://${work}/graph.html`);
  await file.waitForFunction(() => window.__zg && window.__zg.ready, null, { timeout: 60000 });
  await file.waitForTimeout(500);
  const fileBox = await file.locator("#graph").boundingBox();
  const fshot = await file.screenshot({ path: `${work}/file.png`, clip: fileBox });
  const fink = inkShare(decodePng(fshot));
  check(fink > 0.01, `the --html file draws from file:// (${(fink * 100).toFixed(1)}% ink)`);
} finally {
  await browser.close();
  server.kill("SIGTERM");
}
writeFileSync(`${work}/result.txt`, failures ? "FAIL\n" : "ok\n");
console.log(failures ? `${failures} failed` : "all UI checks passed");
process.exit(failures ? 1 : 0);
