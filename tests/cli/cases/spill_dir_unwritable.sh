# nunique spills its pairs to TMPDIR; when it cannot (no such directory,
# a full disk) the run stops with an I/O error (exit 3) and a hint, on one
# thread and on several, with no output written. It used to abort.
"$ZG" gen --rows 200000 -o conn.log
for j in 1 2; do
  TMPDIR=/nonexistent/zeekgraph-test "$ZG" summarize conn.log -j $j --no-progress -q -o out.csv
  echo "exit $?"
done
test -e out.csv || echo "no output written"
