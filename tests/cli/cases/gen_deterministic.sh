"$ZG" gen --rows 3 --seed 42
"$ZG" gen --rows 1000 --seed 42 | md5sum
"$ZG" gen --rows 1000 --seed 42 | md5sum
