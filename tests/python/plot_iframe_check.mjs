// Loads a page that embeds Plot._repr_html_() (the iframe a notebook shows
// for hg['graph'].plot()) in Debian's Chromium and checks that the UI runs
// inside it: sandboxed, from srcdoc, offline. Prints the outcome; exit 1 on
// a failure, 77 when Chromium is absent.
// usage: [WANT_COUNTS=NODES,EDGES] node plot_iframe_check.mjs WRAPPER.html SCREENSHOT.png
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";

const [wrapper, shot] = process.argv.slice(2);
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
if (!existsSync(CHROMIUM)) {
  console.log(`skip: no Chromium at ${CHROMIUM}`);
  process.exit(77);
}
const require = createRequire(new URL("../../web/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--no-sandbox", "--disable-background-networking"],
});
const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
const errors = [];
const requests = [];
page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
page.on("pageerror", (e) => errors.push(String(e)));
page.on("request", (r) => { if (!r.url().startsWith("file:") && !r.url().startsWith("data:") && !r.url().startsWith("about:")) requests.push(r.url()); });
await page.goto(pathToFileURL(wrapper).href);
const frame = page.frames().find((f) => f !== page.mainFrame());
let fails = [];
if (!frame) fails.push("no iframe");
else {
  await frame.waitForSelector("canvas", { timeout: 30000 }).catch(() => fails.push("no canvas in the iframe"));
  // The UI counts what it drew: "N nodes, M of M edges", written after the
  // canvas appears (a busy machine showed the canvas first).
  const COUNTS = /(\d[\d,]*) nodes, (\d[\d,]*) of (\d[\d,]*) edges/;
  await frame
    .waitForFunction((re) => new RegExp(re).test(document.body.innerText), COUNTS.source, { timeout: 30000 })
    .catch(() => {});
  const text = await frame.locator("body").innerText();
  const m = text.match(COUNTS);
  if (!m) fails.push("the UI shows no node and edge counts");
  else console.log(`iframe UI: ${m[0]}`);
  const counts = m ? `${m[1].replaceAll(",", "")},${m[3].replaceAll(",", "")}` : "";
  if (m && process.env.WANT_COUNTS && process.env.WANT_COUNTS !== counts)
    fails.push(`nodes,edges ${counts}, want ${process.env.WANT_COUNTS}`);
}
if (errors.length) fails.push(`errors: ${errors.join(" | ")}`);
if (requests.length) fails.push(`network requests: ${requests.join(" ")}`);
await page.screenshot({ path: shot });
await browser.close();
for (const f of fails) console.log(`FAIL ${f}`);
if (!fails.length) console.log("ok: the inline plot runs in its sandboxed iframe, offline, without errors");
process.exit(fails.length ? 1 : 0);
