#!/usr/bin/env bash
# Bounded file descriptors: 100,000 small logs in a directory tree are read
# under `ulimit -n 1024` (inputs are opened when read, not all at once), at
# -j 1 and -j 2, and give the summary of one file holding all their rows.
# The stderr report is one total line, not 100,000 file lines.
# usage: many_files_test.sh ZEEKGRAPH WORKDIR [FILES]
set -u
zg=$(realpath "$1") work=$2 files=${3:-100000}
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
fail=0
"$zg" gen --rows 8 --seed 4 --header -o one.log
python3 - "$files" <<'PY'
import os, sys
n = int(sys.argv[1])
lines = open("one.log").read().splitlines(keepends=True)
head = [l for l in lines if l.startswith("#") and not l.startswith("#close")]
data = [l for l in lines if not l.startswith("#")]
with open("all.log", "w") as all_:
    all_.writelines(head)
    for i in range(n):
        d = "logs/%03d" % (i // 1000)
        if i % 1000 == 0:
            os.makedirs(d)
        with open("%s/conn.%06d.log" % (d, i), "w") as f:
            f.writelines(lines)
        all_.writelines(data)
    all_.writelines(l for l in lines if l.startswith("#close"))
PY
"$zg" summarize all.log -q --no-progress -o want.csv
for j in 1 2; do
  (ulimit -n 1024 && exec "$zg" summarize logs -j $j --no-progress -o got-$j.csv) 2>stderr-$j
  rc=$?
  if [[ $rc != 0 ]]; then
    echo "FAIL -j $j under ulimit -n 1024: exit $rc: $(head -c 300 stderr-$j)"
    fail=1
  elif ! cmp -s want.csv got-$j.csv; then
    echo "FAIL -j $j: the summary of $files files differs from that of one file with their rows"
    fail=1
  elif [[ $(grep -c . stderr-$j) != 3 ]] || ! grep -q "^zeekgraph: total: $files files, $((files * 8)) lines read, $((files * 8)) used" stderr-$j; then
    echo "FAIL -j $j: stderr is not the total, '# rows' and 'wrote': $(head -c 300 stderr-$j)"
    fail=1
  else
    echo "ok   -j $j: $files files under ulimit -n 1024, the same summary as one file; $(head -1 stderr-$j)"
  fi
done
exit $fail
