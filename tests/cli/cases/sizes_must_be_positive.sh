# Negative, zero and malformed sizes are usage errors (exit 2), not limits
# of 0 or 2^64.
for args in "--memory-limit -1" "--memory-limit 0" "--max-line-bytes -5" "--max-line-bytes 0" \
            "--max-line-bytes 1e3" "--memory-limit 99999999999999999999G"; do
  # shellcheck disable=SC2086
  "$ZG" summarize $args -q --no-progress -o out.csv "$ZG_DATA/conn_small.log"
  echo "$args: exit $?"
done
"$ZG" summarize --max-line-bytes 1K -q --no-progress -o out.csv "$ZG_DATA/conn_small.log"
echo "--max-line-bytes 1K: exit $?"
