#!/usr/bin/env bash
# Builds the libFuzzer targets with clang 14 (ASan + UBSan) and runs each for
# SECONDS (default 600), seeded from fuzz/corpus/<target>/ and the real logs
# in ../shared/data/zeek-real/ (read at run time, never copied into the
# repo). New inputs the fuzzer finds go to build-fuzz/corpus/<target>/;
# crashes to build-fuzz/crash-*. Prints each target's exec count.
# usage: fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(tsv_reader json_reader gzip_decoder query_spec http_request html_embed filter_expr state_file finished_part needle_reader verbatim_reader)
CC=clang CXX=clang++ cmake -S "$root" -B "$root/build-fuzz" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DZEEKGRAPH_BUILD_TESTS=ON -DZEEKGRAPH_FUZZ=ON -DZEEKGRAPH_SANITIZE=ON >/dev/null
cmake --build "$root/build-fuzz" --target $(printf '%s_fuzz ' "${targets[@]}")
seeds=$root/build-fuzz/seeds
rm -rf "$seeds" && mkdir -p "$seeds"
if [ -d "$root/../shared/data/zeek-real" ]; then
  find "$root/../shared/data/zeek-real" -type f ! -name '*.md' -size -2M | while read -r f; do
    ln -s "$f" "$seeds/$(echo "$f" | md5sum | cut -c1-16)"
  done
fi
for t in "${targets[@]}"; do
  mkdir -p "$root/build-fuzz/corpus/$t"
  extra=("$seeds")
  case $t in query_spec | http_request | html_embed) extra=() ;; esac
  echo "== $t for ${secs}s"
  (cd "$root/build-fuzz" && "./fuzz/${t}_fuzz" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=4096 \
     -print_final_stats=1 "corpus/$t" "$root/fuzz/corpus/$t" "${extra[@]}" 2>&1 | tail -15 | grep -E "stat::number_of_executed_units|Done|ERROR|SUMMARY" || true)
done
