# Malformed input: fields_types_mismatch.log (see tests/data/malformed/make_corpus.py)
"$ZG" summarize "$ZG_DATA/malformed/fields_types_mismatch.log" --no-progress --report r.json -o out.csv
rc=$?
[ -f r.json ] && /usr/bin/python3 "$ZG_DATA/../cli/accounting.py" r.json
exit $rc
