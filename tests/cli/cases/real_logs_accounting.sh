# Every real Zeek log in ../shared runs without a crash; the per-file line
# accounting and its invariant are printed.
d=$SHARED/data/zeek-real
[ -d "$d" ] || { echo "SKIP: $d absent (../shared not beside the checkout)"; exit 77; }
"$ZG" summarize "$d" --log-path '*' --no-progress -q --report r.json -o out.csv 2>/dev/null
rc=$?
/usr/bin/python3 "$ZG_DATA/../cli/accounting.py" r.json | sort
exit $rc
