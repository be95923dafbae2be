cp "$ZG_DATA/conn_small.log" .
# A small header-driven log: escapes, nulls, a null key, IPv6.
"$ZG" summarize conn_small.log --no-progress
