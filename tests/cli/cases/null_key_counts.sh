cp "$ZG_DATA/conn_small.log" .
"$ZG" summarize conn_small.log --no-progress -o out.csv --report report.json
cat report.json
