mkdir -p logs/2024-04-19 logs/2024-04-20
"$ZG" gen --rows 500 --seed 1 --header -o "logs/2024-04-19/conn.00:00:00-01:00:00.log.gz"
"$ZG" gen --rows 500 --seed 2 --header -o "logs/2024-04-20/conn.01:00:00-02:00:00.log"
"$ZG" gen --rows 500 --seed 3 --header -o "logs/2024-04-20/dns.log"
"$ZG" summarize logs --no-progress -o dir.csv
"$ZG" summarize 'logs/*/conn.*' --no-progress -q -o glob.csv
cmp dir.csv glob.csv && echo "directory and glob agree"
