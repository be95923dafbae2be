#!/usr/bin/env bash
# Oracle test on a generated log: zeekgraph vs the seed's pandas code.
# usage: generated.sh ZEEKGRAPH WORKDIR ROWS plain|gz-header
set -euo pipefail
zg=$1 work=$2 rows=$3 kind=$4
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
case $kind in
  plain) f=$work/conn.log; "$zg" gen --rows "$rows" --seed 7 -o "$f" ;;
  gz-header) f=$work/conn.log.gz; "$zg" gen --rows "$rows" --seed 11 --header -o "$f" ;;
esac
exec /usr/bin/python3 "$here/run_oracle.py" "$zg" "$work/run" "$f"
