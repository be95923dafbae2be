"$ZG" gen --rows 1000 -o a.log && gzip -c a.log > a.gz && printf 'GARBAGE' >> a.gz
"$ZG" summarize a.gz --no-progress -o out.csv
