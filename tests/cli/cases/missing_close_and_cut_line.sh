# A log still being written: no '#close', and the last line cut mid-field.
grep -v '^#close' "$ZG_DATA/conn_small.log" > live.log
printf '7.000000\tC7\t10.0.0.1\t10' >> live.log
"$ZG" summarize live.log --no-progress -o out.csv
