# --where: bad expressions, unknown columns and type mismatches are usage
# errors pointing at the fault; a good one drops rows before the summary
# and the report counts them (lines read = used + rejected + null key +
# filtered).
"$ZG" gen --rows 2000 --seed 3 --header -o conn.log
for expr in 'id.orig_h in (' 'foo == 1' 'proto > 5' 'id.orig_h == 10.0.0.01' 'history ~ "(unclosed"' \
            'ts >= "yesterday"' 'id.orig_h == "10.0.0.1"'; do
  "$ZG" summarize conn.log --where "$expr" -q --no-progress -o out.csv
  echo "$expr: exit $?"
done
"$ZG" summarize conn.log --no-progress --where 'conn_state in ["S0", "REJ"] and not (proto == "udp")' \
  --by conn_state --report r.json -o out.csv
cat out.csv
python3 "$ZG_DATA/../cli/accounting.py" r.json
