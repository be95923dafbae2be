#!/usr/bin/env bash
# The hardened server, from the outside: GET and HEAD only, fixed routes
# (no path reaches a file), small request caps, security headers, loopback
# by default, Host checking (DNS rebinding), byte ranges, pipelining.
# usage: http_test.sh ZEEKGRAPH WORKDIR
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
expect 204 "GET /favicon.ico is empty" "${url}favicon.ico"
has_header() {  # has_header DESCRIPTION HEADER-LINE-PREFIX curl-args...
  local what=$1 h=$2
  shift 2
  curl -s -D - -o /dev/null --max-time 10 "$@" | tr -d '\r' | grep -qi "^$h" && echo "ok   $what: $h" \
    || { echo "FAIL $what: no $h"; fail=1; }
}
# Every answer carries the security headers, errors too.
for args in "$url" "${url}nothing" "-X POST -d x $url" "-H Host:evil.example $url"; do
  for h in "Content-Security-Policy: default-src 'none'" "X-Content-Type-Options: nosniff" "Referrer-Policy: no-referrer"; do
    # shellcheck disable=SC2086
    has_header "headers (curl ${args//$url//})" "$h" $args
  done
done
has_header "405" "Allow: GET, HEAD" -X DELETE "$url"
has_header "gzipped meta.json" "Content-Encoding: gzip" -H 'Accept-Encoding: gzip' "${url}api/meta.json"
has_header "meta.json" "Vary: Accept-Encoding" "${url}api/meta.json"

# Host checking: only this machine's names are served (DNS rebinding).
port=${url##*:}
port=${port%/}
expect 400 "HTTP/1.1 without Host" -H 'Host:' "$url"
expect 200 "HTTP/1.0 without Host" -0 -H 'Host:' "$url"
expect 403 "Host: evil.example" -H 'Host: evil.example' "$url"
expect 403 "Host: 127.0.0.1.evil.example" -H 'Host: 127.0.0.1.evil.example' "$url"
expect 200 "Host: localhost:$port" -H "Host: localhost:$port" "$url"
expect 200 "Host: LOCALHOST" -H "Host: LOCALHOST" "$url"
expect 200 "Host: 127.0.0.1:$port" -H "Host: 127.0.0.1:$port" "$url"
expect 200 "Host: [::1]:$port" -H "Host: [::1]:$port" "$url"
body=$(curl -s --max-time 10 -H 'Host: evil.example:80' "$url")
[[ $body == *"evil.example"*"--allow-host"* ]] && echo "ok   the 403 names the Host and --allow-host" \
  || { echo "FAIL 403 body: $body"; fail=1; }

# Byte ranges of the in-memory bodies.
len=$(curl -s --max-time 10 "${url}api/graph.bin" | wc -c)
expect 206 "Range: bytes=0-9" -H 'Range: bytes=0-9' "${url}api/graph.bin"
got=$(curl -s --max-time 10 -H 'Range: bytes=4-13' "${url}api/graph.bin" | wc -c)
(( got == 10 )) && echo "ok   a 10-byte range is 10 bytes" || { echo "FAIL range body: $got bytes"; fail=1; }
has_header "206" "Content-Range: bytes 4-13/$len" -H 'Range: bytes=4-13' "${url}api/graph.bin"
has_header "suffix range" "Content-Range: bytes $((len - 5))-$((len - 1))/$len" -H 'Range: bytes=-5' "${url}api/graph.bin"
expect 416 "Range past the end" -H "Range: bytes=$len-" "${url}api/graph.bin"
has_header "416" "Content-Range: bytes \*/$len" -H "Range: bytes=$len-" "${url}api/graph.bin"
expect 200 "several ranges: the whole body" -H 'Range: bytes=0-1,4-5' "${url}api/graph.bin"

# Pipelining: three requests in one write on one connection, all answered in order.
if command -v python3 >/dev/null; then
  order=$(python3 - "$port" <<'PY'
import re, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
          b"GET /favicon.ico HTTP/1.1\r\nHost: localhost\r\n\r\n"
          b"GET /nothing HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
data = b""
while chunk := s.recv(65536):
    data += chunk
print(" ".join(re.findall(rb"HTTP/1\.1 (\d{3}) ", data)[i].decode() for i in range(3)) if data.count(b"HTTP/1.1 ") == 3 else data[:200])
PY
)
  [[ $order == "200 204 404" ]] && echo "ok   pipelined requests answered in order ($order)" \
    || { echo "FAIL pipelining: $order"; fail=1; }
fi
# A slow client that sends nothing is dropped by the read timeout.
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
