# A uid repeated 40,000 rows after it first appears: nunique is counted
# from fingerprints until the check finds the repeat, then read again
# exactly. The repeated row's group counts the uid once.
"$ZG" gen --rows 40000 --seed 7 > conn.log
head -1 conn.log >> conn.log
"$ZG" summarize conn.log -j 1 --no-progress -q --by conn_state --agg 'uid:nunique,count' --report report.json
grep -o '"passes":[0-9]*,"retyped":\[[^]]*\],"recounted":\[[^]]*\]' report.json
