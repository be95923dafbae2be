// Browser test of hostile log fields: a Zeek conn log whose hosts,
// conn_state, service and history hold markup, script end tags, HTML
// comments, entities, raw U+2028/U+2029, invalid UTF-8, a log-borne page
// placeholder and a 100 KB field. Both the `graph --html` file (from
// file://) and the `serve`d page must load in Debian's Chromium with no page
// error, no dialog, no CSP violation and no element the data smuggled in;
// the status line must count the nodes the CLI printed, every hostile value
// must be a node title the search finds, and the graph must be drawn.
// Screenshots are kept in WORKDIR (hostile-file.png, hostile-served.png,
// hostile-*-search.png).
// usage: node web/test/hostile.test.mjs ZEEKGRAPH WORKDIR   (exit 77: no chromium)
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { launchChromium, startServe } from "./harness.mjs";
import { decodePng, inkShare } from "./png.mjs";

const [zg, work] = process.argv.slice(2);
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
if (!existsSync(CHROMIUM)) {
  console.log(`SKIP: ${CHROMIUM} absent (apt-get install chromium)`);
  process.exit(77);
}
mkdirSync(work, { recursive: true });

// Each value as raw bytes in the log, and the title the page should show:
// well-formed UTF-8 as it is, any other byte as the code point of its value.
const HOSTILE = [
  ["</script><script>alert(1)</script>"],
  ["<!--<script>"],
  ["<img src=x onerror=alert(1)>"],
  [`"'><svg onload=alert(1)>`],
  ["line\u2028sep\u2029end"],
  ["&lt;b&gt;&amp;"],
  ["/*ZG_APP*/"],
  ["</style><style>body{display:none}</style>"],
  [Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe, 0xc3, 0x28]), "bad\u00ff\u00fe\u00c3("],
  ["huge<script>".padEnd(100000, "H") + "</script>"],
].map(([raw, title]) => ({ raw: Buffer.from(raw), title: title ?? String(raw) }));

// A generated log with its header, the hostile values written into the
// first rows: each row names two of them as hosts and others as
// conn_state, service and history.
const header = execFileSync(zg, ["gen", "--header", "--rows", "60", "--seed", "5"]);
const lines = [];
let row = 0, fields = null;
for (const line of splitLines(header)) {
  const text = line.toString("latin1");
  if (text.startsWith("#fields\t")) fields = text.split("\t").slice(1);
  if (text.startsWith("#") || line.length === 0) { lines.push(line); continue; }
  const cells = splitTabs(line);
  if (row < HOSTILE.length) {
    const at = (k) => HOSTILE[(row + k) % HOSTILE.length].raw;
    cells[fields.indexOf("id.orig_h")] = at(0);
    cells[fields.indexOf("id.resp_h")] = at(1);
    cells[fields.indexOf("conn_state")] = at(2);
    cells[fields.indexOf("service")] = at(3);
    cells[fields.indexOf("history")] = at(4);
  }
  row++;
  lines.push(Buffer.concat(cells.flatMap((c, i) => (i ? [Buffer.from("\t"), c] : [c]))));
}
const log = `${work}/hostile.log`;
writeFileSync(log, Buffer.concat(lines.flatMap((l) => [l, Buffer.from("\n")])));

const BY = ["--by", "id.orig_h,id.resp_h,conn_state,service,history"];
const printed = execFileSync(zg, ["graph", log, "--no-progress", ...BY, "--html", `${work}/hostile.html`], { stdio: ["ignore", "pipe", "ignore"] }).toString();
const nodes = Number((printed.match(/# attrib entities (\d+)/) || [])[1]);
console.log(`the CLI printed ${nodes} nodes`);

let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
};

const { server, url } = await startServe(zg, log, BY);

const browser = await launchChromium(CHROMIUM);
try {
  await checkPage("file", `file://${work}/hostile.html`, 3);
  await checkPage("served", url, 1);
} finally {
  await browser.close();
  server.kill("SIGTERM");
}
writeFileSync(`${work}/hostile-result.txt`, failures ? "FAIL\n" : "ok\n");
console.log(failures ? `${failures} failed` : "all hostile-field checks passed");
process.exit(failures ? 1 : 0);

// `scripts`: the <script> elements the page should hold (the file: the two
// data elements and the app; served: the app).
async function checkPage(name, address, scripts) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [], dialogs = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("dialog", (d) => { dialogs.push(`${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(address);
  const ready = await page.waitForFunction(() => window.__zg && (window.__zg.ready || window.__zg.error), null, { timeout: 60000 })
    .then(() => page.evaluate(() => window.__zg.ready), () => false);
  check(ready, `${name}: the page is not blank (window.__zg.ready)`);
  if (!ready) {
    await page.screenshot({ path: `${work}/hostile-${name}.png` });
    check(false, `${name}: page errors ${errors.join("; ")}`);
    return;
  }
  await page.waitForFunction(() => window.__zg.edgesDoneMs !== null, null, { timeout: 60000 });
  await page.waitForTimeout(500);

  const status = await page.textContent("#status");
  check(status.startsWith(`${nodes} nodes,`), `${name}: the status line counts the CLI's ${nodes} nodes ("${status}")`);
  const missing = [];
  for (const h of HOSTILE)
    if (await page.evaluate((t) => window.__zg.nodeIndex(t), h.title) < 0) missing.push(JSON.stringify(h.title.slice(0, 40)));
  check(missing.length === 0, `${name}: every hostile value is a node title ${missing.join(", ")}`);
  const legend = await page.evaluate(() => [...document.querySelectorAll("#legend .item")].map((e) => e.dataset.cls));
  check(HOSTILE.every((h) => legend.includes(h.title)), `${name}: the legend holds the hostile conn_state values as text`);

  const graphBox = await page.locator("#graph").boundingBox();
  await page.screenshot({ path: `${work}/hostile-${name}.png` });
  const ink = inkShare(decodePng(await page.screenshot({ clip: graphBox })));
  check(ink > 0.001, `${name}: the graph is drawn (${(ink * 100).toFixed(2)}% of its pixels are not background)`);

  // Search by a piece of the markup: the inspector shows the whole title as text.
  const img = HOSTILE[2].title;
  await page.fill("#search", "onerror=alert");
  await page.press("#search", "Enter");
  await page.waitForTimeout(800);
  const shown = await page.evaluate(() => document.querySelector("#inspector-body div")?.textContent ?? "");
  check(/^: [0-9,]+ distinct peers, /.test(shown.slice(img.length)) && shown.startsWith(img), `${name}: search finds ${JSON.stringify(img)} and the inspector shows it as text ("${shown.slice(0, 80)}")`);
  await page.screenshot({ path: `${work}/hostile-${name}-search.png` });

  const dom = await page.evaluate(() => ({
    scripts: document.scripts.length,
    smuggled: document.querySelectorAll("img, svg, iframe, object, embed, body style").length,
    csp: window.__cspViolations,
  }));
  check(dom.scripts === scripts && dom.smuggled === 0,
    `${name}: no element came from the data (${dom.scripts} scripts, ${dom.smuggled} smuggled elements)`);
  check(dom.csp.length === 0, `${name}: no CSP violation ${dom.csp.join("; ")}`);
  if (name === "file") {
    const csp = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? "");
    check(/script-src 'sha256-[A-Za-z0-9+/]{43}='/.test(csp) && !csp.includes("unsafe-inline") && csp.startsWith("default-src 'none'"),
      `file: carries a hash-based Content-Security-Policy (${csp.slice(0, 60)}...)`);
  }
  check(dialogs.length === 0, `${name}: no dialog opened ${dialogs.join("; ")}`);
  check(errors.length === 0, `${name}: no page errors ${errors.join("; ")}`);
  await page.close();
}

function splitLines(buf) {
  const out = [];
  for (let at = 0; at < buf.length;) {
    let nl = buf.indexOf(0x0a, at);
    if (nl < 0) nl = buf.length;
    out.push(buf.subarray(at, nl));
    at = nl + 1;
  }
  return out;
}

function splitTabs(buf) {
  const out = [];
  for (let at = 0; ;) {
    const tab = buf.indexOf(0x09, at);
    if (tab < 0) { out.push(buf.subarray(at)); return out; }
    out.push(buf.subarray(at, tab));
    at = tab + 1;
  }
}
