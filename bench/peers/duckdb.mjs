// DuckDB peer: the seed's summary in SQL, via @duckdb/node-api.
// usage: node peers/duckdb.mjs INPUT OUTPUT.csv [FILTER-JSON]   (INPUT may be .gz;
//        FILTER-JSON: the rows kept, see filters.mjs)
//        node peers/duckdb.mjs --version
import { DuckDBInstance, version } from "@duckdb/node-api";
import { filterArg, filterSql } from "./filters.mjs";

if (process.argv[2] === "--version") {
  console.log(version());
  process.exit(0);
}
const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: duckdb.mjs INPUT OUTPUT.csv");
  process.exit(2);
}
const lit = (s) => "'" + s.replaceAll("'", "''") + "'";

// The 20 headerless Zeek conn columns, typed the way pandas infers them
// (ints stay BIGINT; sums/means below are DOUBLE, which compares within 1e-9).
const columns = {
  "time": "DOUBLE", "uid": "VARCHAR", "id.orig_h": "VARCHAR", "id.orig_p": "BIGINT",
  "id.resp_h": "VARCHAR", "id.resp_p": "BIGINT", "proto": "VARCHAR", "service": "VARCHAR",
  "duration": "DOUBLE", "orig_bytes": "BIGINT", "resp_bytes": "BIGINT", "conn_state": "VARCHAR",
  "local_orig": "VARCHAR", "missed_bytes": "BIGINT", "history": "VARCHAR", "orig_pkts": "BIGINT",
  "orig_ip_bytes": "BIGINT", "resp_pkts": "BIGINT", "resp_ip_bytes": "BIGINT", "tunnel_parents": "VARCHAR",
};
const columnsSql = "{" + Object.entries(columns).map(([k, v]) => `${lit(k)}: ${lit(v)}`).join(", ") + "}";

// pandas rules: size counts nulls; nunique/min/max/mean skip nulls; sum of
// all-null is 0; orig+resp is null when either side is; null keys are dropped.
// ORDER BY on VARCHAR is byte order, like pandas' sorted groupby keys.
const sql = `
COPY (
  WITH conn AS (
    SELECT *, orig_bytes + resp_bytes AS sum_bytes
    FROM read_csv(${lit(input)}, delim = '\\t', header = false, nullstr = '-',
                  auto_detect = false, columns = ${columnsSql})
    WHERE "id.orig_h" IS NOT NULL AND "id.resp_h" IS NOT NULL AND conn_state IS NOT NULL
      AND ${filterSql(filterArg(process.argv))}
  )
  SELECT "id.orig_h", "id.resp_h", conn_state,
         min(time) AS "time min", max(time) AS "time max", count(*) AS "count",
         count(DISTINCT "id.resp_p") AS "id.resp_p nunique",
         count(DISTINCT uid) AS "uid nunique",
         min(duration) AS "duration min", max(duration) AS "duration max",
         avg(duration) AS "duration mean",
         min(orig_bytes) AS "orig_bytes min", max(orig_bytes) AS "orig_bytes max",
         coalesce(sum(orig_bytes), 0) AS "orig_bytes sum", avg(orig_bytes) AS "orig_bytes mean",
         min(resp_bytes) AS "resp_bytes min", max(resp_bytes) AS "resp_bytes max",
         coalesce(sum(resp_bytes), 0) AS "resp_bytes sum", avg(resp_bytes) AS "resp_bytes mean",
         min(sum_bytes) AS "sum_bytes min", max(sum_bytes) AS "sum_bytes max",
         coalesce(sum(sum_bytes), 0) AS "sum_bytes sum", avg(sum_bytes) AS "sum_bytes mean",
         "id.orig_h" || '_' || "id.resp_h" || '_' || conn_state AS conn_state_uid
  FROM conn
  GROUP BY "id.orig_h", "id.resp_h", conn_state
  ORDER BY "id.orig_h", "id.resp_h", conn_state
) TO ${lit(output)} (FORMAT csv, HEADER true)`;

const db = await DuckDBInstance.create(":memory:");
const con = await db.connect();
await con.run(sql);
