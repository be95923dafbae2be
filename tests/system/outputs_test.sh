#!/usr/bin/env bash
# Outputs are all-or-nothing and every write is checked, for every file the
# tool writes: summarize -o, --report, --rejects, each graph export, gen -o.
#  1. kill -9 and SIGINT while the output is being written (the test waits
#     until the process holds its unnamed temporary open, then kills): the
#     old file stays, no temporary remains.
#  2. a full tmpfs (when this user may mount one) and /dev/full: exit 5,
#     a message naming the file and "No space left on device", the old file
#     intact, no temporary left.
#  3. two writers of one -o at once: both exit 0, the file is one whole
#     output.
# usage: outputs_test.sh ZEEKGRAPH WORKDIR
set -u
zg=$(realpath "$1") work=$2
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

"$zg" gen --rows 300000 --seed 5 -o in.log
# Lines that are rejected, for --rejects.
for i in $(seq 2000); do echo "not a conn line $i"; done >>in.log

# Each output: a name and the command that writes $out (an absolute path).
declare -A cmds=(
  [summary]='"$zg" summarize in.log -q --no-progress --by uid --agg "duration:sum" -o "$out"'
  [report]='"$zg" summarize in.log -q --no-progress --by uid --agg "duration:sum" -o /dev/null --report "$out"'
  [rejects]='"$zg" summarize in.log -q --no-progress -o /dev/null --rejects "$out"'
  [nodes]='"$zg" graph in.log -q --no-progress --iterations 20 --events --nodes "$out"'
  [edges]='"$zg" graph in.log -q --no-progress --iterations 20 --edges "$out"'
  [gexf]='"$zg" graph in.log -q --no-progress --iterations 20 --gexf "$out"'
  [graphml]='"$zg" graph in.log -q --no-progress --iterations 20 --graphml "$out"'
  [svg]='"$zg" graph in.log -q --no-progress --iterations 20 --svg "$out"'
  [html]='"$zg" graph in.log -q --no-progress --iterations 20 --html "$out"'
  [gen]='"$zg" gen --rows 3000000 --seed 9 -o "$out"'
  [gen_gz]='"$zg" gen --rows 3000000 --seed 9 -o "$out.gz"'
)
temporaries() { find "$1" -name '.*.zg-*' | wc -l; }

# 1. Killed while writing.
for name in "${!cmds[@]}"; do
  for sig in KILL INT; do
    d=$work/kill-$name-$sig
    mkdir -p "$d"
    out=$d/out
    [[ $name == gen_gz ]] && target=$out.gz || target=$out
    # A Python loop watches /proc/PID/fd and signals the moment the unnamed
    # temporary ("DIR/#INODE (deleted)") shows: a small output lives a few
    # milliseconds, less than a shell poll. A run that is never seen, or that
    # finishes before the signal lands (exit 0), tests nothing: it is tried
    # again, up to 30 times (~0.2 s each). With 5, a loaded machine missed
    # --rejects' temporary (2,000 lines, written at the end) every time.
    for attempt in $(seq 30); do
      echo "OLD GOOD FILE" >"$target"
      eval "exec ${cmds[$name]}" >/dev/null 2>"$d/stderr" &
      pid=$!
      caught=$(python3 - "$pid" "$d/#" "$sig" <<'PY'
import os, signal, sys
pid, prefix, sig = int(sys.argv[1]), sys.argv[2], getattr(signal, "SIG" + sys.argv[3])
fds = f"/proc/{pid}/fd"
def gone():
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in "ZX"
    except OSError:
        return True
while True:
    try:
        names = os.listdir(fds)
    except OSError:
        names = []
    if not names and gone():
        print(0)
        break
    hit = False
    for n in names:
        try:
            hit = os.readlink(f"{fds}/{n}").startswith(prefix)
        except OSError:
            pass
        if hit:
            break
    if hit:
        os.kill(pid, sig)
        print(1)
        break
PY
)
      wait "$pid" 2>/dev/null
      rc=$?
      ((caught == 1 && rc == 0)) && caught=2
      ((caught == 1)) && break
    done
    if ((caught == 2)); then
      bad "$name: finished before SIG$sig reached it, 30 times"
    elif ((caught == 0)); then
      bad "$name: never saw its temporary open before it exited, 30 times (SIG$sig)"
    elif [[ $(cat "$target") != "OLD GOOD FILE" ]]; then
      bad "$name: SIG$sig during the write changed the old file"
    elif (($(temporaries "$d"))); then
      bad "$name: SIG$sig left a temporary: $(find "$d" -name '.*.zg-*')"
    else
      ok "$name: SIG$sig during the write left the old file whole"
    fi
  done
done

# 2. No room: /dev/full for every output, and a full tmpfs where we may mount one.
for name in "${!cmds[@]}"; do
  [[ $name == gen_gz ]] && continue
  out=/dev/full
  eval "${cmds[$name]}" >/dev/null 2>"$work/full-$name.err"
  rc=$?
  if [[ $rc == 5 ]] && grep -q "cannot write /dev/full: No space left on device" "$work/full-$name.err"; then
    ok "$name to /dev/full: exit 5, named"
  else
    bad "$name to /dev/full: exit $rc, stderr: $(head -c 300 "$work/full-$name.err")"
  fi
done
out=/dev/full
"$zg" gen --rows 1000 >/dev/full 2>"$work/gen-stdout.err"
rc=$?
[[ $rc == 5 ]] && grep -q "cannot write stdout: No space left on device" "$work/gen-stdout.err" &&
  ok "gen to a full stdout says stdout" || bad "gen to a full stdout: exit $rc: $(cat "$work/gen-stdout.err")"

mnt=$work/tmpfs
mkdir -p "$mnt"
if mount -t tmpfs -o size=256k tmpfs "$mnt" 2>/dev/null; then
  trap 'umount "$mnt" 2>/dev/null' EXIT
  for name in "${!cmds[@]}"; do
    [[ $name == rejects || $name == report ]] && continue  # small: below, on a filled disk
    d=$mnt/$name
    mkdir -p "$d"
    out=$d/out
    [[ $name == gen_gz ]] && target=$out.gz || target=$out
    echo "OLD GOOD FILE" >"$target"
    eval "${cmds[$name]}" >/dev/null 2>"$work/tmpfs-$name.err"
    rc=$?
    if [[ $rc != 5 ]] || ! grep -q "cannot write $target: No space left on device" "$work/tmpfs-$name.err"; then
      bad "$name on a full tmpfs: exit $rc, stderr: $(head -c 300 "$work/tmpfs-$name.err")"
    elif [[ $(cat "$target") != "OLD GOOD FILE" ]] || (($(temporaries "$d"))); then
      bad "$name on a full tmpfs: the old file changed or a temporary remains"
    else
      ok "$name on a full tmpfs: exit 5, named, old file intact"
    fi
    rm -rf "$d"
  done
  # The small outputs, on a disk filled first.
  for name in rejects report; do mkdir -p "$mnt/$name" && echo "OLD GOOD FILE" >"$mnt/$name/out"; done
  head -c 250k /dev/zero >"$mnt/filler" 2>/dev/null
  for name in rejects report; do
    d=$mnt/$name
    out=$d/out
    eval "${cmds[$name]}" >/dev/null 2>"$work/tmpfs-$name.err"
    rc=$?
    [[ $rc == 5 && $(cat "$d/out") == "OLD GOOD FILE" ]] && (($(temporaries "$d") == 0)) &&
      grep -q "cannot write $d/out: No space left on device" "$work/tmpfs-$name.err" &&
      ok "$name on a full tmpfs: exit 5, named, old file intact" ||
      bad "$name on a full tmpfs: exit $rc: $(head -c 300 "$work/tmpfs-$name.err")"
  done
  umount "$mnt"
  trap - EXIT
else
  echo "note: cannot mount a tmpfs here (not root?); the full-disk case ran on /dev/full only"
fi

# 3. Two writers of one file at once: each leaves a whole file.
"$zg" summarize in.log -q --no-progress -o one.csv 2>/dev/null
"$zg" summarize in.log -q --no-progress --format ndjson -o one.ndjson 2>/dev/null
for round in 1 2 3; do
  "$zg" summarize in.log -q --no-progress -o both.out 2>/dev/null &
  p1=$!
  "$zg" summarize in.log -q --no-progress --format ndjson -o both.out 2>/dev/null &
  p2=$!
  wait $p1; r1=$?
  wait $p2; r2=$?
  if [[ $r1 == 0 && $r2 == 0 ]] && { cmp -s both.out one.csv || cmp -s both.out one.ndjson; }; then
    ok "two writers at once (round $round): both exit 0, one whole file"
  else
    bad "two writers at once (round $round): exits $r1 $r2, file whole: no"
  fi
done
(($(temporaries .))) && bad "temporaries left in $work"
exit $fail
