{ cat "$ZG_DATA/conn_small.log"; for i in $(seq 1 20); do printf 'junk line %d\n' $i; done; } > junk.log
"$ZG" summarize junk.log --no-progress -o out.csv
