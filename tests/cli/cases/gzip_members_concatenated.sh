# 'cat a.gz b.gz' is one valid gzip stream of two members: read it whole.
"$ZG" gen --rows 1000 --seed 1 -o a.log && "$ZG" gen --rows 1000 --seed 2 -o b.log
gzip -c a.log > a.gz && gzip -c b.log > b.gz && cat a.gz b.gz > both.gz && cat a.log b.log > both.log
"$ZG" summarize both.gz --no-progress -o gz.csv
"$ZG" summarize both.log --no-progress -q -o plain.csv
cmp gz.csv plain.csv && echo "same summary as the plain file"
