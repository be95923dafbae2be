#!/usr/bin/env bash
# Side-by-side benchmark of zeekgraph against DuckDB, Polars and pandas.
#   bash bench/run.sh [--sizes 1000000,5000000,22700000] [--runs 3]
# Installs what it needs (Debian packages only if missing; npm ci in bench/),
# then runs bench.py, which generates/caches data in bench/data/ and writes
# bench/results/<date>-<sizes>[-<label>].md (--label NAME). ZEEKGRAPH=/path/to/zeekgraph overrides the
# binary (default: build/tools/zeekgraph/zeekgraph; build it first: scripts/build.sh).
set -euo pipefail
bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$bench")

# Debian packages: pandas for /usr/bin/python3, igzip (isal), /usr/bin/time.
missing=()
for pkg in python3-pandas isal time gzip; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

# Node peers (DuckDB, Polars), pinned by bench/package-lock.json.
command -v node >/dev/null || { echo "run.sh: node >= 20 is required for the DuckDB and Polars peers" >&2; exit 1; }
(cd "$bench" && npm ci --no-audit --no-fund --loglevel=error >&2)

zeekgraph=${ZEEKGRAPH:-$root/build/tools/zeekgraph/zeekgraph}
[ -x "$zeekgraph" ] || { echo "run.sh: no zeekgraph at $zeekgraph (build it with scripts/build.sh, or set ZEEKGRAPH)" >&2; exit 1; }

exec /usr/bin/python3 "$bench/bench.py" --zeekgraph "$zeekgraph" "$@"
