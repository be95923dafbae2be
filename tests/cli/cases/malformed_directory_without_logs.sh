mkdir -p logs/sub && echo x > logs/readme.txt && echo x > logs/sub/dns.log
"$ZG" summarize logs --no-progress -o out.csv
