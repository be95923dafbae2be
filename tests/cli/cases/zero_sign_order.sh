# A float min or max of zero has the sign of the group's first zero, as in
# pandas. Two files read on two threads are read again on one, in order;
# stdin cannot be read again, so that run warns instead.
printf '#fields\tproto\tduration\ntcp\t0.0\nudp\t-0.000000\n' >a.log
printf '#fields\tproto\tduration\ntcp\t-0.0\nudp\t0.0\n' >b.log
"$ZG" summarize a.log b.log -j 2 --no-progress -q --by proto --agg 'duration:min,max' --report r.json
grep -o '"passes":[0-9]*,.*"unordered":[a-z]*' r.json
"$ZG" summarize - b.log -j 2 --no-progress -q --by proto --agg 'duration:min,max' -o /dev/null <a.log
