#!/usr/bin/env bash
# pandas keeps the first of equal values, so a min or max of zero carries
# the sign of the first zero in row order: "-0.0" reads as -0.0, and "-0"
# in a column of integers (and nulls) as 0. This writes three Zeek logs
# whose groups mix such zeros with other values in time, duration and the
# byte counts, and checks the seed's summary against pandas at -j 1 and
# -j 2 (three files: states read apart).
set -euo pipefail
zg=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
/usr/bin/python3 - "$work" <<'PY'
import random, sys
random.seed(9)
work = sys.argv[1]
zeros = ["0", "0.000000", "-0.000000", "-0.0"]
# Per group: zeros only, zeros and a positive value (the min is a zero),
# or zeros and a negative one (the max is).
palettes = [zeros, zeros + ["2.5"], zeros + ["-1.25"]]
counts = ["-", "0", "-0", "7"]
fields = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service",
          "duration", "orig_bytes", "resp_bytes", "conn_state", "local_orig", "missed_bytes", "history",
          "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes", "tunnel_parents"]
for f, rows in enumerate([3000, 60000, 3000]):
    with open(f"{work}/conn-{f}.log", "w") as out:
        out.write("#separator \\x09\n#fields\t" + "\t".join(fields) + "\n")
        for i in range(rows):
            g = random.randrange(300)
            ip = "10.0.%d.%d" % (g >> 4, g & 15)
            state = random.choice(["SF", "S0"])
            t = random.choice(palettes[g % 3])
            d = random.choice(palettes[g // 3 % 3] + ["-"])
            ob, rb = random.choice(counts), random.choice(counts)
            out.write(f"{t}\tC{f}x{i:015d}\t{ip}\t1\t10.1.0.1\t80\ttcp\t-\t{d}\t{ob}\t{rb}\t{state}"
                      f"\t-\t0\tS\t1\t1\t1\t1\t(empty)\n")
PY
exec /usr/bin/python3 "$here/run_oracle.py" "$zg" "$work/run" "$work/conn-0.log" "$work/conn-1.log" "$work/conn-2.log"
