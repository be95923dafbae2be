"$ZG" summarize --agg 'duration:median' "$ZG_DATA/conn_small.log"
