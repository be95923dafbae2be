# File names with control characters print escaped on stderr; a name that
# is not UTF-8 round-trips through --report (Python's surrogateescape).
name=$'conn\e[31mred\nfake line.log'
cp "$ZG_DATA/conn_small.log" "$name"
"$ZG" summarize "$name" --no-progress -o out.csv
bad=$(printf 'conn-\xff\xfe-latin\xe9.log')
cp "$ZG_DATA/conn_small.log" "$bad"
"$ZG" summarize "$bad" -q --no-progress -o out2.csv --report r.json
python3 - "$bad" <<'PY'
import json, os, sys
want = os.fsencode(sys.argv[1])
got = os.fsencode(json.load(open("r.json"))["files"][0]["path"])
print("report path round-trips:", got == want, got)
PY
