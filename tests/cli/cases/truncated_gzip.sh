"$ZG" gen --rows 20000 --header -o full.log.gz
head -c 300000 full.log.gz > cut.log.gz
"$ZG" summarize cut.log.gz --no-progress -o out.csv -q
