#!/usr/bin/env bash
# The seed query's floor on this machine, beside zeekgraph and `wc -l`, on the
# same file. See seed_floor.cpp for what each mode does and skips.
# usage: bash bench/floor/run.sh [FILE] [RUNS]   (default: the harness's 22.7M log, 3 runs)
set -euo pipefail
cd "$(dirname "$0")/../.."
file=${1:-bench/data/conn-22700000.log}
runs=${2:-3}
zeekgraph=${ZEEKGRAPH:-build/tools/zeekgraph/zeekgraph}
[[ -f $file ]] || { echo "no $file: run bench/run.sh once, or name a headerless conn.log from 'zeekgraph gen'" >&2; exit 1; }
[[ -x $zeekgraph ]] || { echo "no $zeekgraph: bash scripts/build.sh" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
floor=$out/seed_floor
# The floor reads lines and numbers with the engine's own scanner and parser.
g++ -O3 -march=native -std=c++20 -pthread -Isrc bench/floor/seed_floor.cpp src/zeek/line_scanner.cpp \
  src/agg/number.cpp -o "$floor"

time_it() {  # label, command...: one untimed read of the file, then a timed run
  local label=$1
  shift
  cat "$file" >/dev/null
  /usr/bin/time -f "$label %e %U %S %M" -a -o "$out/times" "$@" >>"$out/log" 2>&1
}
for ((i = 0; i < runs; i++)); do
  time_it "wc-l" wc -l "$file"
  time_it "zeekgraph" "$zeekgraph" summarize "$file" --quiet --no-progress -o "$out/zeekgraph.csv"
  for mode in read split one-group full partitioned compact-keys; do
    time_it "floor-$mode" "$floor" "$mode" "$file"
  done
done

python3 - "$out" "$file" <<'PY'
import csv, statistics, sys
out, file = sys.argv[1], sys.argv[2]
times = {}
for line in open(f"{out}/times"):
    label, wall, user, system, rss = line.split()
    times.setdefault(label, []).append((float(wall), float(user), float(system), int(rss)))

# The floor must do the query's real work: its counts against zeekgraph's output.
with open(f"{out}/zeekgraph.csv") as f:
    r = csv.reader(f)
    h = next(r)
    rows = list(r)
expect = {"groups": len(rows),
          "rows": sum(int(x[h.index("count")]) for x in rows),
          "port_distinct": sum(int(x[h.index("id.resp_p nunique")]) for x in rows),
          "uid_distinct": sum(int(x[h.index("uid nunique")]) for x in rows)}
checked = {}
for line in open(f"{out}/log"):
    if line.startswith("mode="):
        kv = dict(p.split("=") for p in line.split())
        if kv["mode"] in ("full", "partitioned"):
            got = {k: int(kv[k]) for k in expect}
            checked[kv["mode"]] = "matches zeekgraph" if got == expect else f"WRONG: {got} != {expect}"

print(f"file: {file}\n")
print("| run | wall s (median) | user s | system s | peak RSS MB | vs zeekgraph |")
print("|---|---:|---:|---:|---:|---:|")
zg = statistics.median(t[0] for t in times["zeekgraph"])
for label, ts in times.items():
    wall = statistics.median(t[0] for t in ts)
    print(f"| {label} | {wall:.2f} | {statistics.median(t[1] for t in ts):.2f} | "
          f"{statistics.median(t[2] for t in ts):.2f} | {max(t[3] for t in ts) / 1024:.0f} | {wall / zg:.2f}x |")
print()
for mode, verdict in checked.items():
    print(f"floor-{mode} counts (groups, rows, distinct ports, uids): {verdict}")
PY
