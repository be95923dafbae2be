"$ZG" summarize /dev/null --no-progress --report r.json -o out.csv
rc=$?
/usr/bin/python3 "$ZG_DATA/../cli/accounting.py" r.json
exit $rc
