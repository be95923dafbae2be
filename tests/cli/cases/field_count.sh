{ grep -v '^#close' "$ZG_DATA/conn_small.log"; printf '7.0\tC7\t10.0.0.9\n'; printf '#close\tx\n'; } > short.log
"$ZG" summarize short.log --no-progress -o out.csv --rejects rejected.txt
echo "rejects file:"; cat rejected.txt
