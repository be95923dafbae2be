#!/usr/bin/env bash
# Every test: install what is needed, build with tests (scripts/build.sh:
# profile-guided, the binary users run), run CTest (unit,
# golden CLI and pandas-oracle tests), then build again with AddressSanitizer
# and UBSan and run the unit and CLI tests under them. Tests that need
# ../shared skip with a message when it is absent.
# usage: scripts/test.sh [--no-sanitizers] [ctest args...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sanitizers=1
if [[ ${1:-} == --no-sanitizers ]]; then
  sanitizers=0
  shift
fi
bash "$root/scripts/install-deps.sh"
cd "$root"
echo "== release build with tests (profile-guided, as the demo and the benchmarks build it)"
bash "$root/scripts/build.sh" dev
(cd build-test && ctest --output-on-failure -j2 "$@")
if ((sanitizers)); then
  echo "== ASan + UBSan build: unit and CLI tests"
  cmake --preset asan >/dev/null
  cmake --build build-asan
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
     ctest --output-on-failure -j2 -L 'unit|cli' "$@")
fi
