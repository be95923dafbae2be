# Runs every command of the README's "Using it" section, as written there,
# so the README stays true. Only what a test cannot do is changed: 20,000
# rows instead of 22.7M, the rotated-log directory lives here instead of in
# /var/log/zeek, and `serve` takes a free port and is stopped once it serves.
readme="$ZG_DATA/../../README.md"
awk '/^## Using it/ {f = 1} f && /^```sh/ {inb = 1; next} inb && /^```/ {inb = 0; if (++n == 2) exit; next} inb' \
  "$readme" >commands.txt
[ "$(wc -l <commands.txt)" -ge 10 ] || { echo "found only $(wc -l <commands.txt) commands"; exit 1; }

# Inputs the commands name.
"$ZG" gen --rows 20000 -o conn.log.gz >/dev/null
mkdir -p zeek/2024-04-19 logs/a logs/b
cp conn.log.gz zeek/2024-04-19/conn.00:00:00-01:00:00.log.gz
cp conn.log.gz logs/a/conn.00:00:00-01:00:00.log.gz
cp conn.log.gz logs/b/conn.01:00:00-02:00:00.log.gz
printf '#separator \\x09\n#fields\tts\tquery\tanswers\n1.0\ta.example\t1.2.3.4\n2.0\tb.example\t1.2.3.4,5.6.7.8\n' >dns.log

fail=0
while IFS= read -r line; do
  cmd=${line%%#*}  # the comment
  cmd=${cmd//--rows 22700000/--rows 20000}
  cmd=${cmd//\/var\/log\/zeek\/2024-04-19\//zeek/2024-04-19/}
  cmd=${cmd//zeekgraph /\"\$ZG\" }
  [ -z "${cmd// /}" ] && continue
  if [[ $cmd == *" serve "* ]]; then
    : >serve.out  # exists before the background shell opens it
    eval "$cmd --port 0 -q --no-progress" >serve.out 2>serve.err &
    pid=$!
    # The layout runs before it listens: 22 s under ASan on a busy machine.
    for _ in $(seq 900); do grep -q serving serve.out && break; sleep 0.1; done
    grep -q 'serving' serve.out && rc=0 || rc=1
    kill $pid 2>/dev/null
    wait $pid 2>/dev/null
  else
    eval "$cmd" >cmd.out 2>cmd.err
    rc=$?
  fi
  if [ $rc -ne 0 ]; then
    echo "FAIL ($rc): $line"
    head -3 cmd.err
    fail=1
  fi
done <commands.txt
for f in summary.csv s.csv graph.html graph.svg n.csv e.csv g.gexf g.graphml; do
  [ -s "$f" ] || { echo "missing $f"; fail=1; }
done
[ $fail -eq 0 ] && echo "every README command ran"
exit $fail
