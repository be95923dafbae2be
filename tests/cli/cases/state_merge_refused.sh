# Merges that could not give one run's summary are refused with the reason;
# a damaged or cut state file is an error, not a crash.
"$ZG" gen --rows 300 --seed 1 -o a.log 2>/dev/null
"$ZG" gen --rows 300 --seed 2 -o b.log 2>/dev/null
"$ZG" summarize a.log -q --save-state a.state
"$ZG" summarize b.log -q --by proto --save-state b_proto.state
"$ZG" summarize b.log -q --where 'proto == "tcp"' --save-state b_tcp.state
"$ZG" summarize --merge-state a.state b_proto.state -q; echo "another query: exit $?"
"$ZG" summarize --merge-state a.state b_tcp.state -q; echo "another --where: exit $?"
"$ZG" summarize --merge-state a.state a.state -q; echo "the same input twice: exit $?"
"$ZG" summarize --merge-state a.state --by proto -q; echo "--by on a merge: exit $?"
printf '#fields\tproto\torig_bytes\ntcp\t7\n' > n.log
printf '#fields\tproto\torig_bytes\ntcp\tseven\n' > t.log
"$ZG" summarize n.log -q --by proto --agg orig_bytes:min --save-state n.state
"$ZG" summarize t.log -q --by proto --agg orig_bytes:min --save-state t.state
"$ZG" summarize --merge-state n.state t.state -q; echo "typed apart: exit $?"
head -c 300 a.state > cut.state
"$ZG" summarize --merge-state cut.state -q; echo "cut: exit $?"
cp a.state bad.state && printf 'Z' | dd of=bad.state bs=1 seek=200 conv=notrunc 2>/dev/null
"$ZG" summarize --merge-state bad.state -q; echo "damaged: exit $?"
"$ZG" summarize --merge-state a.log -q; echo "not a state: exit $?"
"$ZG" summarize --merge-state missing.state -q; echo "missing: exit $?"
"$ZG" summarize a.log --range 0:100 -q; echo "--range without --save-state: exit $?"
"$ZG" summarize a.log --range 100 --save-state r.state -q; echo "bad --range: exit $?"
"$ZG" summarize a.log a.log --range 0:100 --save-state r.state -q; echo "--range of two files: exit $?"
"$ZG" summarize a.log --partitions 3 -q; echo "--partitions without --save-state: exit $?"
