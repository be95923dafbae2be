# Grouping by uid makes a group per row: a small memory limit stops it
# with a clear error and exit 6, and no output.
"$ZG" gen --rows 300000 -o conn.log
"$ZG" summarize conn.log --by uid --memory-limit 4M --no-progress -q -o out.csv
rc=$?
test -e out.csv || echo "no output written"
exit $rc
