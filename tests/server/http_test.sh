#!/usr/bin/env bash
# The hardened server, from the outside: GET and HEAD only, fixed routes
# (no path reaches a file), small request caps, security headers, loopback
# by default. usage: http_test.sh ZEEKGRAPH WORKDIR
set -u
zg=$(realpath "$1") work=$2
mkdir -p "$work" && cd "$work" || exit 1
command -v curl >/dev/null || { echo "SKIP: curl absent"; exit 77; }
"$zg" gen --rows 5000 -o conn.log
"$zg" serve conn.log -q --no-progress --port 0 >serve.out 2>serve.err &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
# The layout is computed before the server listens: under a loaded CTest
# run that took more than the 10 s this loop once allowed.
for _ in $(seq 600); do grep -q serving serve.out && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' serve.out)
fail=0
expect() {  # expect CODE DESCRIPTION curl-args...
  local want=$1 what=$2
  shift 2
  local got
  got=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@")
  if [[ $got == "$want" ]]; then echo "ok   $what ($got)"; else echo "FAIL $what: got $got, want $want"; fail=1; fi
}
[[ $url == http://127.0.0.1:* ]] && echo "ok   binds 127.0.0.1 by default ($url)" || { echo "FAIL bound $url"; fail=1; }
expect 200 "GET /" "$url"
expect 200 "HEAD /" -I "$url"
expect 200 "GET /api/graph.bin" "${url}api/graph.bin"
expect 200 "GET /api/meta.json" "${url}api/meta.json"
expect 405 "POST is refused" -X POST -d x "$url"
expect 405 "PUT is refused" -X PUT -d x "${url}api/meta.json"
expect 405 "DELETE is refused" -X DELETE "${url}api/meta.json"
expect 404 "path traversal finds nothing" --path-as-is "${url}../../../../etc/passwd"
expect 404 "encoded traversal finds nothing" --path-as-is "${url}%2e%2e/%2e%2e/etc/passwd"
expect 404 "no other files" "${url}CMakeLists.txt"
expect 413 "a body over 1 KiB is refused" -X POST --data-binary @conn.log "$url"
big=$(head -c 20000 /dev/zero | tr '\0' a)
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "X-Big: $big" "$url")
[[ $code == 4* || $code == 000 ]] && echo "ok   a 20 KB header is refused ($code)" || { echo "FAIL 20 KB header: $code"; fail=1; }
expect 200 "the server still answers after it" "$url"
headers=$(curl -s -D - -o /dev/null "$url")
for h in "Content-Security-Policy: default-src 'none'" "X-Content-Type-Options: nosniff" "Referrer-Policy: no-referrer"; do
  grep -qi "^$h" <<<"$headers" && echo "ok   header $h" || { echo "FAIL missing header $h"; fail=1; }
done
# A slow client that sends nothing is dropped by the read timeout.
port=${url##*:}
port=${port%/}
start=$(date +%s)
timeout 20 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && cat <&3 >/dev/null" 2>/dev/null
rc=$?
took=$(( $(date +%s) - start ))
(( rc == 0 && took >= 1 && took < 15 )) && echo "ok   an idle connection is closed after ${took}s" || { echo "FAIL idle connection: rc $rc after ${took}s"; fail=1; }
# A non-loopback bind warns.
"$zg" serve conn.log -q --no-progress --port 0 --bind 0.0.0.0 >/dev/null 2>warn.err &
p2=$!
for _ in $(seq 600); do grep -q "serving on" warn.err && break; sleep 0.1; done
kill $p2 2>/dev/null
grep -q "warning: serving on 0.0.0.0" warn.err && echo "ok   binding 0.0.0.0 warns" || { echo "FAIL no warning for 0.0.0.0"; fail=1; }
exit $fail
