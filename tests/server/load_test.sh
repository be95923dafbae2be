#!/usr/bin/env bash
# A bounded load test of `zeekgraph serve` on loopback with wrk: CONNECTIONS
# concurrent keep-alive clients for SECONDS, on the page and the graph
# data. Passes with zero socket errors and zero non-2xx answers; prints
# wrk's latency percentiles. Speed is not judged here: wrk's timeout (30 s)
# only catches a request that hangs; 200 clients of ~1 MB answers on two
# cores see a few seconds of tail latency, more when the machine is busy. usage: load_test.sh ZEEKGRAPH WORKDIR [SECONDS] [CONNECTIONS]
set -u
zg=$(realpath "$1") work=$2 secs=${3:-30} conns=${4:-200}
command -v wrk >/dev/null || { echo "SKIP: wrk absent (apt-get install wrk)"; exit 77; }
mkdir -p "$work" && cd "$work" || exit 1
"$zg" gen --rows 50000 -o conn.log
"$zg" serve conn.log -q --no-progress --port 0 >serve.out 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
for _ in $(seq 200); do grep -q serving serve.out && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' serve.out)
cat >paths.lua <<'LUA'
local paths = {"/", "/app.js", "/api/meta.json", "/api/graph.bin", "/style.css"}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
LUA
wrk -t2 -c"$conns" -d"${secs}s" --timeout 30s --latency -s paths.lua "$url" | tee wrk.out
if grep -q "Socket errors\|Non-2xx" wrk.out; then
  echo "FAIL: errors under load"
  exit 1
fi
echo "ok: $conns connections for ${secs}s, no errors"
