# A column the input does not have is a usage error before any row is read;
# 'ts' and 'time' name the same column in every layout.
"$ZG" gen --rows 50 --seed 2 -o headerless.log
"$ZG" gen --rows 50 --seed 2 --header -o header.log
"$ZG" summarize headerless.log --by conn_state --agg 'ts:size' -q --no-progress -o a.csv
echo "headerless, ts: exit $?"
"$ZG" summarize header.log --by conn_state --agg 'time:size' -q --no-progress -o b.csv
echo "header, time: exit $?"
awk -F, 'NR > 1 { n += $2 } END { print n }' a.csv
"$ZG" summarize headerless.log --by conn_state --agg 'tss:size' -q --no-progress -o c.csv
echo "headerless, tss: exit $?"
"$ZG" summarize header.log --by nope -q --no-progress -o c.csv
echo "header, --by nope: exit $?"
"$ZG" summarize header.log --by conn_state --agg 'time:min;ts:max' -q --no-progress -o c.csv
echo "both names: exit $?"
ls c.csv 2>/dev/null || echo "no output written"
