#!/usr/bin/env bash
# pandas' read_csv float parser is not strtod: it keeps 17 digits (leading
# zeros included) in float64 arithmetic. This writes 20,000 hard decimal
# strings as durations, one group each, and checks every 'duration min'
# against the seed's pandas code.
set -euo pipefail
zg=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
/usr/bin/python3 - "$work/floats.log" <<'PY'
import random, sys
random.seed(5)
out = open(sys.argv[1], "w")
forms = []
for i in range(20000):
    k = random.randrange(6)
    if k == 0:   # long decimals, as Zeek JSON-to-TSV converters write
        v = repr(random.random() * 10 ** random.randint(-6, 4))
    elif k == 1:  # 15 to 20 significant digits
        v = "0." + "".join(random.choice("0123456789") for _ in range(random.randint(15, 20)))
    elif k == 2:
        v = "%d.%06d" % (random.randint(0, 10**6), random.randint(0, 999999))
    elif k == 3:
        v = "%.17g" % random.uniform(0, 1e5)
    elif k == 4:
        v = "%de%d" % (random.randint(1, 99999), random.randint(-30, 20))
    else:
        v = str(random.randint(0, 10**18)) + "." + str(random.randint(0, 10**5))
    ip = "10.%d.%d.%d" % (i >> 16, (i >> 8) & 255, i & 255)
    out.write(f"1331901000.000000\tC{i:017d}\t{ip}\t1\t10.0.0.1\t80\ttcp\t-\t{v}\t1\t2\tSF\t-\t0\tS\t1\t1\t1\t1\t(empty)\n")
PY
exec /usr/bin/python3 "$here/run_oracle.py" "$zg" "$work/run" --threads 1 "$work/floats.log"
