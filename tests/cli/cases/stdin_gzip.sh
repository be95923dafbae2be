gzip -c "$ZG_DATA/conn_small.log" | "$ZG" summarize --no-progress -q
