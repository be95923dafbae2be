# Malformed input: a 5 MB line between valid ones (made here, not committed).
{ head -10 "$ZG_DATA/malformed/missing_close.log"
  printf '1700000000.0\tCbig\t'; head -c 5242880 /dev/zero | tr '\0' x; printf '\t1\t10.0.0.2\t80\ttcp\t-\t-\t-\t-\tS0\t-\t0\tS\t1\t40\t0\t0\t(empty)\n'
  tail -3 "$ZG_DATA/malformed/missing_close.log"; } > long.log
"$ZG" summarize long.log --no-progress --report r.json -o out.csv
rc=$?
/usr/bin/python3 "$ZG_DATA/../cli/accounting.py" r.json
exit $rc
