// ClickHouse peer, in-process (npm chdb): the tutorial's summary in
// ClickHouse SQL over file(..., 'TSV'), '-' read as NULL, exact distinct
// counts (uniqExact), rows ordered by the keys as byte strings.
// usage: node peers/chdb.mjs INPUT OUTPUT.csv [FILTER-JSON]   (INPUT may be .gz;
//        FILTER-JSON: the rows kept, see filters.mjs)
//        node peers/chdb.mjs --version
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { filterArg, filterSql } from "./filters.mjs";

const require = createRequire(import.meta.url);
const { query } = require("chdb");

if (process.argv[2] === "--version") {
  console.log(JSON.parse(query("SELECT version()", "JSON")).data[0]["version()"]);
  process.exit(0);
}
const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: chdb.mjs INPUT OUTPUT.csv");
  process.exit(2);
}
const lit = (s) => "'" + s.replaceAll("\\", "\\\\").replaceAll("'", "\\'") + "'";

// The 20 headerless conn columns; every one may be '-' (NULL).
const columns = [
  ["time", "Float64"], ["uid", "String"], ["id.orig_h", "String"], ["id.orig_p", "Int64"],
  ["id.resp_h", "String"], ["id.resp_p", "Int64"], ["proto", "String"], ["service", "String"],
  ["duration", "Float64"], ["orig_bytes", "Int64"], ["resp_bytes", "Int64"], ["conn_state", "String"],
  ["local_orig", "String"], ["missed_bytes", "Int64"], ["history", "String"], ["orig_pkts", "Int64"],
  ["orig_ip_bytes", "Int64"], ["resp_pkts", "Int64"], ["resp_ip_bytes", "Int64"], ["tunnel_parents", "String"],
].map(([n, t]) => `\`${n}\` Nullable(${t})`).join(", ");

const where = filterSql(filterArg(process.argv), { quote: (c) => "\`" + c + "\`", startsWith: "startsWith" });

// pandas rules: size counts nulls; nunique/min/max/mean skip nulls; a sum
// of nulls only is 0; orig+resp is null when either side is; rows with a
// null key are dropped.
const sql = `
SELECT \`id.orig_h\`, \`id.resp_h\`, conn_state,
       min(time) AS \`time min\`, max(time) AS \`time max\`, count() AS \`count\`,
       uniqExact(\`id.resp_p\`) AS \`id.resp_p nunique\`, uniqExact(uid) AS \`uid nunique\`,
       min(duration) AS \`duration min\`, max(duration) AS \`duration max\`, avg(duration) AS \`duration mean\`,
       min(orig_bytes) AS \`orig_bytes min\`, max(orig_bytes) AS \`orig_bytes max\`,
       ifNull(sum(orig_bytes), 0) AS \`orig_bytes sum\`, avg(orig_bytes) AS \`orig_bytes mean\`,
       min(resp_bytes) AS \`resp_bytes min\`, max(resp_bytes) AS \`resp_bytes max\`,
       ifNull(sum(resp_bytes), 0) AS \`resp_bytes sum\`, avg(resp_bytes) AS \`resp_bytes mean\`,
       min(sum_bytes) AS \`sum_bytes min\`, max(sum_bytes) AS \`sum_bytes max\`,
       ifNull(sum(sum_bytes), 0) AS \`sum_bytes sum\`, avg(sum_bytes) AS \`sum_bytes mean\`,
       concat(\`id.orig_h\`, '_', \`id.resp_h\`, '_', conn_state) AS conn_state_uid
FROM (
  SELECT *, orig_bytes + resp_bytes AS sum_bytes
  FROM file(${lit(input)}, 'TSV', ${lit(columns)})
  WHERE \`id.orig_h\` IS NOT NULL AND \`id.resp_h\` IS NOT NULL AND conn_state IS NOT NULL
    AND ${where}
)
GROUP BY \`id.orig_h\`, \`id.resp_h\`, conn_state
ORDER BY \`id.orig_h\`, \`id.resp_h\`, conn_state
SETTINGS format_tsv_null_representation = '-', format_csv_null_representation = '',
         input_format_tsv_use_best_effort_in_schema_inference = 0`;

writeFileSync(output, query(sql, "CSVWithNames"));
