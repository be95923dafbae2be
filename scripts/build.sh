#!/usr/bin/env bash
# The optimised build: profile-guided optimisation (GCC, docs/PERFORMANCE.md).
# An instrumented zeekgraph (build-pgo/) summarizes generated MACCDC-like logs
# the ways the tool is used most: headerless and with a header, plain and
# gzip, one and two threads, with and without a filter; and drills down. The preset's tree is then compiled with that
# profile. Code the training never ran is optimised as it would be without.
# usage: scripts/build.sh [release|dev]   (release: build/, dev: build-test/ with tests)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
preset=${1:-release}
case $preset in
  release) tree=$root/build ;;
  dev) tree=$root/build-test ;;
  *) echo "build.sh: unknown preset '$preset' (release or dev)" >&2; exit 2 ;;
esac
gen=$root/build-pgo
profile=$gen/profile
echo "== PGO 1/3: instrumented build ($gen)"
cmake -S "$root" -B "$gen" -G Ninja -DCMAKE_BUILD_TYPE=Release -DZEEKGRAPH_PGO=generate \
  -DZEEKGRAPH_PGO_DIR="$profile" >/dev/null
cmake --build "$gen" --target zeekgraph
echo "== PGO 2/3: training runs"
rm -rf "$profile"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
zg=$gen/tools/zeekgraph/zeekgraph
"$zg" gen --rows 1000000 --seed 1 -o "$work/conn.log"
"$zg" gen --rows 200000 --seed 2 --header -o "$work/conn-header.log.gz"
"$zg" summarize "$work/conn.log" -j 2 -q -o /dev/null
head -n 300000 "$work/conn.log" | "$zg" summarize - -j 1 -q -o /dev/null
"$zg" summarize "$work/conn-header.log.gz" -j 2 -q -o /dev/null
# Questions: a filter that skips most lines, and the rows behind a node (the
# drill-down's verbatim lines), so that their paths are not laid out as cold.
"$zg" summarize "$work/conn.log" --where 'id.resp_h in 192.168.231.0/24' -j 2 -q -o /dev/null
"$zg" rows "$work/conn.log" --where 'id.orig_h == 192.168.202.65 or id.resp_h == 192.168.202.65' -q >/dev/null
"$zg" rows "$work/conn-header.log.gz" --where 'conn_state == "S0"' --format csv -q >/dev/null
pgo=use
if ! compgen -G "$profile/*.gcda" >/dev/null; then
  echo "build.sh: the training wrote no profile (not GCC?); building without PGO" >&2
  pgo=
fi
echo "== PGO 3/3: optimised build ($tree)"
cmake --preset "$preset" -DZEEKGRAPH_PGO="$pgo" -DZEEKGRAPH_PGO_DIR="$profile" >/dev/null
cmake --build "$tree"
