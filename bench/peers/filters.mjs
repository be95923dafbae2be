// The filtered queries of bench.py in each peer's own language. A filter is
// a JSON list of conditions, all of which must hold (bench.py FILTERS):
//   {"op": "prefix", "col": C, "value": "192.168.231."}  text starts with (an IPv4 /24)
//   {"op": "eq", "col": C, "value": V}                   text equals
//   {"op": "in", "col": C, "values": [V, ...]}            text is one of
//   {"op": "range", "col": C, "min": A, "max": B}         A <= number < B
// A null cell fails every condition, as in zeekgraph's --where.
// The values are the bench's own: no quote or backslash, which the two
// dialects would escape differently.
function sqlText(s) {
  if (/['\\]/.test(String(s))) throw new Error(`filter value ${s} holds a quote or backslash`);
  return `'${s}'`;
}

// SQL for DuckDB and ClickHouse (both take "quoted" names and startsWith).
export function filterSql(spec, { quote = (c) => `"${c}"`, startsWith = "starts_with" } = {}) {
  if (!spec || !spec.length) return "TRUE";
  return spec.map((c) => {
    const col = quote(c.col);
    switch (c.op) {
      case "prefix": return `${startsWith}(${col}, ${sqlText(c.value)})`;
      case "eq": return `${col} = ${sqlText(c.value)}`;
      case "in": return `${col} IN (${c.values.map(sqlText).join(", ")})`;
      case "range": return `(${col} >= ${Number(c.min)} AND ${col} < ${Number(c.max)})`;
      default: throw new Error(`unknown filter op ${c.op}`);
    }
  }).map((s) => `(${s})`).join(" AND ");
}

// A Polars expression.
export function filterPolars(pl, spec) {
  let e = null;
  for (const c of spec || []) {
    const col = pl.col(c.col);
    let t;
    switch (c.op) {
      case "prefix": t = col.str.startsWith(c.value); break;
      case "eq": t = col.eq(pl.lit(c.value)); break;
      case "in": t = col.isIn(c.values); break;
      case "range": t = col.gtEq(c.min).and(col.lt(c.max)); break;
      default: throw new Error(`unknown filter op ${c.op}`);
    }
    t = col.isNotNull().and(t);
    e = e ? e.and(t) : t;
  }
  return e;
}

// The optional third argument of a peer: a filter's JSON, or nothing.
export function filterArg(argv) {
  return argv[4] ? JSON.parse(argv[4]) : null;
}
