"$ZG" summarize --memory-limit lots "$ZG_DATA/conn_small.log"
