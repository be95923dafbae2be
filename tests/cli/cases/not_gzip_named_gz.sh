# gzip is told by magic bytes, not by name.
cp "$ZG_DATA/conn_small.log" plain.log.gz
"$ZG" summarize plain.log.gz --no-progress -q -o out.csv
cat out.csv | wc -l
