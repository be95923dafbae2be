#!/usr/bin/env bash
# The main job on a built-in default input: install what is needed, build,
# generate a MACCDC-2012-like conn log, summarize it as the Graphistry tutorial does, and
# say where the output went.
# usage: scripts/demo.sh [ROWS]   (default 1,000,000 rows)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rows=${1:-1000000}
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh" release
zg=$root/build/tools/zeekgraph/zeekgraph
out=$root/out
mkdir -p "$out"
echo "== generating $rows MACCDC-like rows: $out/sample-conn.log"
"$zg" gen --rows "$rows" --seed 1 -o "$out/sample-conn.log"
echo "== summarizing (the Graphistry tutorial's 24-column summary)"
"$zg" summarize "$out/sample-conn.log" -o "$out/sample-summary.csv"
echo "== summary written to $out/sample-summary.csv"
head -3 "$out/sample-summary.csv" | cut -c1-160
echo "== the graph (Graphistry's hypergraph, ForceAtlas2 layout)"
"$zg" graph "$out/sample-conn.log" -q --no-progress --html "$out/sample-graph.html" --svg "$out/sample-graph.svg"
echo "== the Python package: $root/.venv (with Debian's pandas), zeekgraph installed from this repository, offline"
[[ -x $root/.venv/bin/python ]] || /usr/bin/python3 -m venv --system-site-packages "$root/.venv"
(cd "$root" && "$root/.venv/bin/pip" install --quiet --no-build-isolation --no-index .)
"$root/.venv/bin/python" -c 'import sys, zeekgraph
df = zeekgraph.summarize(sys.argv[1], progress=False)
print("   zeekgraph.summarize(...):", len(df), "rows x", len(df.columns), "columns: the df_summary of the tutorial")' \
  "$out/sample-conn.log"
echo "   the tutorial as a notebook: $root/examples/tutorial.ipynb (README: Python and Jupyter)"
echo "== open $out/sample-graph.html in a browser (works offline), or explore it served:"
echo "   $zg serve $out/sample-conn.log"
echo "   (then open the printed http://127.0.0.1:8080/ URL)"
