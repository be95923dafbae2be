// Polars peer: the seed's summary as a lazy query, via nodejs-polars.
// usage: node peers/polars.mjs INPUT OUTPUT.csv [FILTER-JSON]   (INPUT may be .gz;
//        FILTER-JSON: the rows kept, see filters.mjs)
//        node peers/polars.mjs --version
import { readFileSync } from "node:fs";
import pl from "nodejs-polars";
import { filterArg, filterPolars } from "./filters.mjs";

if (process.argv[2] === "--version") {
  console.log(pl.version);
  process.exit(0);
}
const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: polars.mjs INPUT OUTPUT.csv");
  process.exit(2);
}

// The 20 headerless Zeek conn columns, typed the way pandas infers them.
const schema = {
  "time": pl.Float64, "uid": pl.Utf8, "id.orig_h": pl.Utf8, "id.orig_p": pl.Int64,
  "id.resp_h": pl.Utf8, "id.resp_p": pl.Int64, "proto": pl.Utf8, "service": pl.Utf8,
  "duration": pl.Float64, "orig_bytes": pl.Int64, "resp_bytes": pl.Int64, "conn_state": pl.Utf8,
  "local_orig": pl.Utf8, "missed_bytes": pl.Int64, "history": pl.Utf8, "orig_pkts": pl.Int64,
  "orig_ip_bytes": pl.Int64, "resp_pkts": pl.Int64, "resp_ip_bytes": pl.Int64, "tunnel_parents": pl.Utf8,
};
const keys = ["id.orig_h", "id.resp_h", "conn_state"];
const col = pl.col;
const stats = (c) => [
  col(c).min().alias(`${c} min`), col(c).max().alias(`${c} max`),
  col(c).sum().alias(`${c} sum`), col(c).mean().alias(`${c} mean`),
];

// pandas rules: size counts nulls; nunique/min/max/mean skip nulls (Polars'
// nUnique counts null, so drop it first); sum of all-null is 0 in Polars too;
// orig+resp is null when either side is; null keys are dropped.
// A .gz input goes to readCSV as a Buffer, which Polars decompresses natively
// (scanCSV does not take .gz, and readCSV takes only .csv/.tsv names as paths).
const opts = { hasHeader: false, sep: "\t", nullValues: "-", schema };
const frame = input.endsWith(".gz")
  ? pl.readCSV(readFileSync(input), opts).lazy()
  : pl.scanCSV(input, opts);

const where = filterPolars(pl, filterArg(process.argv));
const keep = col("id.orig_h").isNotNull().and(col("id.resp_h").isNotNull()).and(col("conn_state").isNotNull());
const summary = frame
  .filter(where ? keep.and(where) : keep)
  .withColumns(col("orig_bytes").add(col("resp_bytes")).alias("sum_bytes"))
  .groupBy(keys)
  .agg(
    col("time").min().alias("time min"), col("time").max().alias("time max"),
    pl.len().alias("count"),
    col("id.resp_p").dropNulls().nUnique().alias("id.resp_p nunique"),
    col("uid").dropNulls().nUnique().alias("uid nunique"),
    col("duration").min().alias("duration min"), col("duration").max().alias("duration max"),
    col("duration").mean().alias("duration mean"),
    ...stats("orig_bytes"), ...stats("resp_bytes"), ...stats("sum_bytes"),
  )
  .withColumns(pl.concatString(keys, "_").alias("conn_state_uid"))
  .sort(keys)
  .collectSync();
summary.writeCSV(output);
