"$ZG" summarize "$ZG_DATA/conn_small.log" --no-progress -q --format ndjson
