# 24 hourly logs, each saved as a state and merged: the summary of one run
# over all of them, byte for byte. Then the day so far (hours 0-11) saved
# as one state, and the new hours read and merged into it.
set -e
mkdir hours
for h in $(seq -w 0 23); do "$ZG" gen --rows 2000 --seed "1$h" -o "hours/conn.$h.log" 2>/dev/null; done
"$ZG" summarize hours/ -q -o all.csv
for h in $(seq -w 0 23); do "$ZG" summarize "hours/conn.$h.log" -q --save-state "h$h.state"; done
"$ZG" summarize --merge-state h*.state -o merged.csv
cmp all.csv merged.csv && echo "24 hourly states merged: identical"
"$ZG" summarize --merge-state h0*.state h10.state h11.state -q --save-state morning.state
"$ZG" summarize hours/conn.1[2-9].log hours/conn.2*.log --merge-state morning.state -q -o day.csv --save-state day.state
cmp all.csv day.csv && echo "morning state + the new hours read: identical"
"$ZG" summarize --merge-state day.state -q -o again.csv
cmp all.csv again.csv && echo "the day's state alone: identical"
