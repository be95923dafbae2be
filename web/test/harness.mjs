// What the browser tests share: `zeekgraph serve` on a free loopback port,
// and Debian's Chromium headless with SwiftShader WebGL.
import { spawn } from "node:child_process";
import { chromium } from "playwright-core";

// Starts `zeekgraph serve LOG ...args` and resolves with { server, url }
// once it prints the URL it serves (the layout runs first).
export function startServe(zg, log, args = []) {
  const server = spawn(zg, ["serve", log, "-q", "--no-progress", "--port", "0", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    server.stdout.on("data", (d) => { out += d; const m = out.match(/serving (http:\/\/\S+)/); if (m) resolve({ server, url: m[1] }); });
    server.on("exit", (c) => reject(new Error(`serve exited ${c}`)));
    setTimeout(() => reject(new Error("serve did not start")), 60000);
  });
}

export function launchChromium(executablePath) {
  return chromium.launch({
    executablePath,
    args: ["--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--no-sandbox", "--disable-background-networking",
      "--disable-component-update", "--no-first-run"],
  });
}
