# A huge -j is clamped to the cores this process may use, with a note, and
# gives the same summary as -j 1.
"$ZG" summarize -j 1 -q --no-progress -o one.csv "$ZG_DATA/conn_small.log"
taskset -c 0 "$ZG" summarize -j 100000 -q --no-progress -o many.csv "$ZG_DATA/conn_small.log"
echo "-j 100000: exit $?"
taskset -c 0 "$ZG" summarize -j 4294967295 -q --no-progress -o max.csv "$ZG_DATA/conn_small.log"
echo "-j 4294967295: exit $?"
cmp one.csv many.csv && cmp one.csv max.csv && echo "same summary"
