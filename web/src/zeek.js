// What the UI knows about Zeek's conn.log, and how it writes numbers.

// Every conn_state Zeek writes, with its colour (the same in every graph)
// and Zeek's own explanation (base/protocols/conn/main.zeek). Greens are
// normal, reds failed, blues established without a normal end, greys odd.
export const CONN_STATES = {
  SF: ["#59a14f", "Normal establishment and termination"],
  S0: ["#e15759", "Connection attempt seen, no reply"],
  REJ: ["#ff9d4d", "Connection attempt rejected"],
  S1: ["#4e79a7", "Connection established, not terminated"],
  S2: ["#76b7e6", "Established, close attempt by originator seen (no reply from responder)"],
  S3: ["#a0cbe8", "Established, close attempt by responder seen (no reply from originator)"],
  RSTO: ["#edc948", "Established, originator aborted (sent a RST)"],
  RSTR: ["#b6992d", "Established, responder aborted (sent a RST)"],
  RSTOS0: ["#d37295", "Originator sent a SYN then a RST; no SYN-ACK from the responder"],
  RSTRH: ["#fabfd2", "Responder sent a SYN-ACK then a RST; no SYN from the originator"],
  SH: ["#b07aa1", "Originator sent a SYN then a FIN; no SYN-ACK from the responder (half open)"],
  SHR: ["#8cd17d", "Responder sent a SYN-ACK then a FIN; no SYN from the originator"],
  OTH: ["#9d9da1", "No SYN seen, just midstream traffic"],
};
// conn_states counted as failed connections in the top talkers.
export const FAILED_STATES = new Set(["S0", "REJ"]);

// Any other class value (another log, another colour column) gets a colour
// from its text, so it too keeps its colour from graph to graph.
const SPARE = ["#86bcb6", "#f1ce63", "#499894", "#e49444", "#d4a6c8", "#9467bd", "#79706e", "#17becf",
  "#bcbd22", "#ff7f0e", "#2ca02c", "#1f77b4"];
export function classColour(name, colorBy) {
  if (colorBy === "conn_state" && CONN_STATES[name]) return CONN_STATES[name][0];
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return SPARE[(h >>> 0) % SPARE.length];
}
export function classMeaning(name, colorBy) {
  return colorBy === "conn_state" && CONN_STATES[name] ? CONN_STATES[name][1] : "";
}

// The columns of a Zeek conn.log, for the filter bar's completion.
export const CONN_COLUMNS = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service",
  "duration", "orig_bytes", "resp_bytes", "conn_state", "local_orig", "local_resp", "missed_bytes", "history",
  "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes", "tunnel_parents"];
export const KNOWN_VALUES = { conn_state: Object.keys(CONN_STATES), proto: ["tcp", "udp", "icmp"] };

// Epoch seconds as ISO 8601 UTC, to the second ("2012-03-16T12:30:00Z"),
// or with milliseconds when `ms`.
export function isoTime(t, ms = false) {
  if (t === null || t === undefined || !Number.isFinite(+t)) return "";
  const s = new Date(+t * 1000).toISOString();
  return ms ? s : s.slice(0, 19) + "Z";
}

// 1234567 -> "1.2 MB" (decimal units, as disks and networks count).
export function humanBytes(b) {
  if (b === null || b === undefined || b === "") return "";
  b = +b;
  if (!Number.isFinite(b)) return "";
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let u = 0;
  while (Math.abs(b) >= 1000 && u < units.length - 1) { b /= 1000; u++; }
  return u === 0 ? `${b} B` : `${b.toFixed(b < 10 ? 1 : 0)} ${units[u]}`;
}

// 12345 -> "12,345"; 0.5 -> "0.5".
export function num(v) {
  if (v === null || v === undefined || v === "") return "";
  return Number.isInteger(+v) ? (+v).toLocaleString("en-US") : String(+(+v).toPrecision(6));
}
// 12345 -> "12k", for axis ticks.
export function shortNum(v) {
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(3)}`;
}

// A value as the --where language writes it: an address or a number bare,
// text quoted.
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
export function isAddress(s) {
  return typeof s === "string" && (IPV4.test(s) || (s.includes(":") && /^[0-9a-fA-F:.]+$/.test(s)));
}
export function isNetwork(s) {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(s.trim());
  return !!m && isAddress(m[1]) && +m[2] <= (m[1].includes(":") ? 128 : 32);
}
export function literal(v) {
  if (typeof v === "number") return String(v);
  if (isAddress(v)) return v;
  return `"${String(v).replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}
