f=$SHARED/data/zeek-real/rita/truncated/conn.log
[ -f "$f" ] || { echo "SKIP: $f absent (../shared not beside the checkout)"; exit 77; }
"$ZG" summarize "$f" --no-progress -o out.csv --report r.json
