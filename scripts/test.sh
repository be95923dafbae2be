#!/usr/bin/env bash
# Every test: install what is needed, build with tests, run CTest (unit,
# golden CLI and pandas-oracle tests). Tests that need ../shared skip with
# a message when it is absent.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/install-deps.sh"
cmake -S "$root" -B "$root/build-test" -G Ninja -DCMAKE_BUILD_TYPE=Release -DZEEKGRAPH_BUILD_TESTS=ON >/dev/null
cmake --build "$root/build-test"
cd "$root/build-test"
ctest --output-on-failure -j2 "$@"
