# Malformed input: gzip_header_only.log.gz (see tests/data/malformed/make_corpus.py)
"$ZG" summarize "$ZG_DATA/malformed/gzip_header_only.log.gz" --no-progress --report r.json -o out.csv
rc=$?
[ -f r.json ] && /usr/bin/python3 "$ZG_DATA/../cli/accounting.py" r.json
exit $rc
