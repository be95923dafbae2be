sed 's/^3.000000\tC3\(.*\)\t50\t/3.000000\tC3\1\tabc\t/' "$ZG_DATA/conn_small.log" > bad.log
"$ZG" summarize --strict bad.log --no-progress -o out.csv
rc=$?
test ! -e out.csv && echo "no output written"
exit $rc
