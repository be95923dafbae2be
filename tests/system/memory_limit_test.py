#!/usr/bin/env python3
"""Peak memory stays under --memory-limit.

A high-cardinality summary (every uid its own group, with ordered float sums
and a distinct count) runs under a range of limits. Each run either finishes
(exit 0) or refuses with exit 6 before passing the limit; its peak RSS, as
the kernel counts it (wait4's ru_maxrss), stays at or under the limit.

Then, where this process may make a child memory cgroup, the same summary
runs without --memory-limit inside a 400 MiB cgroup: the default limit
follows the cgroup (3/4 of it, 300 MiB), so the run stops with exit 6 and a
message instead of meeting the OOM killer.

usage: memory_limit_test.py ZEEKGRAPH WORKDIR [ROWS]
"""
import os
import shutil
import subprocess
import sys

zg, work = os.path.realpath(sys.argv[1]), sys.argv[2]
rows = sys.argv[3] if len(sys.argv) > 3 else "2000000"
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
log = os.path.join(work, "conn.log")
subprocess.run([zg, "gen", "--rows", rows, "--seed", "8", "-o", log], check=True)
QUERY = ["summarize", log, "--by", "uid", "--agg", "duration:sum,mean;orig_bytes:nunique", "-j", "2", "-q",
         "--no-progress", "-o", os.path.join(work, "out.csv")]
MIB = 1 << 20
failures = 0


TIME = "/usr/bin/time"
if not os.path.exists(TIME):
    print("SKIP: /usr/bin/time absent (apt-get install time)")
    sys.exit(77)


def run(args, preexec=None):
    """Runs zeekgraph; returns (exit code, peak RSS in bytes, stderr)."""
    rss = os.path.join(work, "rss")
    p = subprocess.run([TIME, "-f", "%M", "-o", rss, zg] + args, stderr=subprocess.PIPE, text=True,
                       errors="replace", preexec_fn=preexec)
    return p.returncode, int(open(rss).read().split()[-1]) * 1024, p.stderr


def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    failures += 0 if ok else 1


outcomes = set()
for limit_mib in (64, 128, 256, 512, 1024, 2048):
    rc, peak, err = run(QUERY + ["--memory-limit", f"{limit_mib}M"])
    outcomes.add(rc)
    check(rc in (0, 6) and peak <= limit_mib * MIB,
          f"--memory-limit {limit_mib}M: exit {rc}, peak RSS {peak / MIB:.0f} MiB"
          + ("" if rc in (0, 6) else f": {err[:300]}"))
check(outcomes == {0, 6}, f"the limits both refused and allowed the summary (exits {sorted(outcomes)})")

# The default limit follows a memory cgroup's limit.
cgroup = None
for line in open("/proc/self/cgroup"):
    ident, controllers, path = line.rstrip("\n").split(":", 2)
    if controllers == "" and os.path.exists("/sys/fs/cgroup/cgroup.controllers"):
        cgroup = ("/sys/fs/cgroup" + path.rstrip("/") + f"/zgtest-{os.getpid()}", "memory.max")
    elif "memory" in controllers.split(","):
        cgroup = ("/sys/fs/cgroup/memory" + path.rstrip("/") + f"/zgtest-{os.getpid()}", "memory.limit_in_bytes")
        break
made = False
if cgroup:
    try:
        os.mkdir(cgroup[0])
        made = True
        with open(os.path.join(cgroup[0], cgroup[1]), "w") as f:
            f.write(str(400 * MIB))
    except OSError as e:
        print(f"note: cannot make a memory cgroup here ({e}); the cgroup case is not run")
        cgroup = None
if cgroup:
    procs = os.path.join(cgroup[0], "cgroup.procs")

    def enter():
        with open(procs, "w") as f:
            f.write(str(os.getpid()))

    rc, peak, err = run(QUERY, preexec=enter)
    check(rc == 6 and "memory limit of 300 MiB" in err and peak <= 400 * MIB,
          f"in a 400 MiB cgroup without --memory-limit: exit {rc}, peak RSS {peak / MIB:.0f} MiB: {err.strip()[:200]}")
if made:
    os.rmdir(cgroup[0])
sys.exit(1 if failures else 0)
