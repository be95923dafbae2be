#!/usr/bin/env bash
# Runs one golden CLI case: cases/NAME.sh runs with $ZG (the binary) in an
# empty work directory, and must produce the exit code in NAME.exit, a
# stderr equal to NAME.stderr where '{{*}}' matches anything, and, when
# NAME.stdout exists, exactly that stdout.
# Set ZG_UPDATE_GOLDEN=1 to write the files from the current output.
# usage: run_case.sh ZEEKGRAPH CASE.sh WORKDIR SHARED_DIR
set -u
zg=$1 case=$2 work=$3 shared=$4
base=${case%.sh}
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
export ZG=$zg SHARED=$shared
ZG_DATA=$(cd "$(dirname "$case")/../../data" && pwd)
export ZG_DATA
bash "$case" >stdout 2>stderr
rc=$?
if [[ $rc == 77 ]]; then
  cat stdout
  exit 77
fi
if [[ ${ZG_UPDATE_GOLDEN:-} == 1 ]]; then
  echo "$rc" >"$base.exit"
  cp stderr "$base.stderr"
  [[ -s stdout ]] && cp stdout "$base.stdout"
  exit 0
fi
fail=0
want=$(cat "$base.exit")
if [[ $rc != "$want" ]]; then
  echo "exit code: got $rc, want $want"
  fail=1
fi
got=$(cat stderr)
# Everything is literal but '{{*}}'.
pattern=$(sed -e 's/[][\\*?]/\\&/g' -e 's/{{\\\*}}/*/g' "$base.stderr")
# shellcheck disable=SC2053
if [[ $got != $pattern ]]; then
  echo "stderr does not match $base.stderr"
  diff <(echo "$pattern") <(echo "$got") | head -40
  fail=1
fi
if [[ -f $base.stdout ]] && ! cmp -s stdout "$base.stdout"; then
  echo "stdout differs from $base.stdout"
  diff "$base.stdout" stdout | head -40
  fail=1
fi
[[ $fail == 0 ]] && echo "ok"
exit $fail
