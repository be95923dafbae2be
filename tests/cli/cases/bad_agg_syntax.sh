"$ZG" summarize --agg 'duration' "$ZG_DATA/conn_small.log"
