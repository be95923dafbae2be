mkdir -p d && ln -s ../d d/loop && ln -s self self
"$ZG" summarize self --no-progress -o out.csv
"$ZG" summarize d --no-progress -o out.csv
