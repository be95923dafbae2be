# Malformed input: not_gzip_named.log.gz (see tests/data/malformed/make_corpus.py)
"$ZG" summarize "$ZG_DATA/malformed/not_gzip_named.log.gz" --no-progress --report r.json -o out.csv
rc=$?
[ -f r.json ] && /usr/bin/python3 "$ZG_DATA/../cli/accounting.py" r.json
exit $rc
