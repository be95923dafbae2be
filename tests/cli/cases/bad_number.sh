# orig_bytes 'abc' rejects the line; the rest is read.
sed 's/^3.000000\tC3\(.*\)\t50\t/3.000000\tC3\1\tabc\t/' "$ZG_DATA/conn_small.log" > bad.log
"$ZG" summarize bad.log --no-progress -o out.csv
