#!/usr/bin/python3
"""Streams every row behind one node from `zeekgraph serve` and reports the rate.

    python3 bench/stream.py LOG [--node IP] [--runs 5] [--format zeek]
                                [--zeekgraph BIN] [--port 8765]

Starts serve on LOG (its first scan, summary, layout and row index are not
timed), checks one untimed stream against `zeekgraph rows` with the same
filter (the same bytes), then
times RUNS streams of /api/rows?node=IP&limit=all, each after an untimed
read of LOG (the machine drops file pages unused for about a minute), with
curl writing to /dev/null so that the client costs what a fast reader
costs. Reports each run's wall time, rows a second, and serve's CPU
seconds, their medians, and serve's peak RSS (the index included). The
default node, 192.168.202.65, is the busiest of `zeekgraph gen` logs (39%
of the rows). No timing is asserted: this measures, it does not judge.
"""
import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def serve_cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def read_once(path):
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("log")
    ap.add_argument("--node", default="192.168.202.65")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--format", default="zeek", choices=["zeek", "csv", "ndjson"])
    ap.add_argument("--zeekgraph", default=os.environ.get("ZEEKGRAPH", str(ROOT / "build/tools/zeekgraph/zeekgraph")))
    ap.add_argument("--port", type=int, default=8765)
    a = ap.parse_args()

    where = f"id.orig_h == {a.node} or id.resp_h == {a.node}"
    base = f"http://127.0.0.1:{a.port}"
    url = f"{base}/api/rows?node={a.node}&limit=all&format={a.format}"
    serve = subprocess.Popen([a.zeekgraph, "serve", a.log, "--port", str(a.port), "--no-progress", "-q"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 600
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/health", timeout=5).read()
                break
            except OSError:
                if serve.poll() is not None or time.time() > deadline:
                    sys.exit("serve did not start")
                time.sleep(1)

        # One untimed stream, checked against the CLI's rows.
        cli = subprocess.run([a.zeekgraph, "rows", a.log, "--where", where, "--format", a.format],
                             capture_output=True, check=True).stdout
        got = subprocess.run(["curl", "-sf", url], capture_output=True, check=True).stdout
        rows = cli.count(b"\n") - (8 if a.format == "zeek" else 1 if a.format == "csv" else 0)
        same = got == cli
        print(f"check: {len(got):,} bytes, {rows:,} rows; {'the CLI bytes' if same else 'DIFFERS from the CLI'}"
              f" (sha256 {hashlib.sha256(got).hexdigest()[:16]})")
        if not same:
            sys.exit(1)

        walls, cpus = [], []
        for i in range(a.runs):
            read_once(a.log)
            c0 = serve_cpu(serve.pid)
            out = subprocess.run(["curl", "-sf", url, "-o", "/dev/null", "-w", "%{size_download} %{time_total}"],
                                 capture_output=True, text=True, check=True).stdout.split()
            c1 = serve_cpu(serve.pid)
            if int(out[0]) != len(got):
                sys.exit(f"run {i + 1}: {out[0]} bytes, not {len(got)}")
            walls.append(float(out[1]))
            cpus.append(c1 - c0)
            print(f"run {i + 1}: {walls[-1]:.3f} s, {rows / walls[-1] / 1e6:.2f}M rows/s, serve CPU {cpus[-1]:.2f} s,"
                  f" load {os.getloadavg()[0]:.2f}")
        wall = statistics.median(walls)
        print(f"median: {wall:.3f} s, {rows / wall / 1e6:.2f}M rows/s (best {rows / min(walls) / 1e6:.2f}M),"
              f" serve CPU {statistics.median(cpus):.2f} s ({statistics.median(cpus) / rows * 1e9:.0f} ns a row);"
              f" serve peak RSS {peak_rss_mb(serve.pid):.0f} MB")
    finally:
        serve.terminate()
        serve.wait()


if __name__ == "__main__":
    main()
