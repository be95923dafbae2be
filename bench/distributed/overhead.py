"""zeekgraph on Dask against the CLI on the same cores: wall time, bytes
shuffled per input row, and peak RSS per worker (docs/PERFORMANCE.md).

usage: overhead.py ZEEKGRAPH LOG [WORKERS] [RUNS] [RANGE_BYTES]
Starts one LocalCluster of WORKERS single-thread worker processes (R =
WORKERS partitions, RANGE_BYTES ranges, by default distributed.RANGE_BYTES)
and runs `zeekgraph summarize -j WORKERS LOG` and the same summary on it,
alternately, RUNS times each, after one untimed job (a cluster is a service:
its workers import zeekgraph and pandas once, ~0.2 s each, and the first
job's time is printed apart). Each run reads the log once untimed first.
Checks that the outputs are byte-identical; prints the times, CPU seconds
(the CLI's; the workers' plus the client's, which runs the scheduler) and
the shuffle's size. PYTHONPATH must hold the built package (build/python)."""
import operator
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from distributed import Client, LocalCluster

from zeekgraph import distributed as zd


def peak_rss_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def cpu_s(who=resource.RUSAGE_SELF):
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def main():
    zg, log = sys.argv[1], sys.argv[2]
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 2
    range_bytes = int(sys.argv[5]) if len(sys.argv) > 5 else zd.RANGE_BYTES
    out = tempfile.mkdtemp(prefix="zg-dask-bench-")
    local_csv = os.path.join(out, "local.csv")
    rows = None
    cli_times, dask_times, rss, shuffled = [], [], [], None
    cli_cpu, dask_cpu = [], []

    def read_once():
        with open(log, "rb") as f:
            while f.read(1 << 24):
                pass

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cl, \
            Client(cl) as client:
        read_once()
        t = time.perf_counter()
        zd.run([log], client=client, text_format="csv", partitions=workers, range_bytes=range_bytes)
        print(f"first job on fresh workers (imports included): {time.perf_counter() - t:.2f} s", flush=True)
        for run in range(runs):
            read_once()
            c, t = cpu_s(resource.RUSAGE_CHILDREN), time.perf_counter()
            subprocess.run([zg, "summarize", "-j", str(workers), log, "-o", local_csv, "-q"], check=True)
            cli_times.append(time.perf_counter() - t)
            cli_cpu.append(cpu_s(resource.RUSAGE_CHILDREN) - c)
            read_once()
            before = client.run(cpu_s)
            c, t = cpu_s(), time.perf_counter()
            # Text alone, as `python -m zeekgraph summarize --scheduler` asks.
            _, text, report, _ = zd.run([log], client=client, text_format="csv", partitions=workers,
                                    range_bytes=range_bytes, columns=False)
            dask_times.append(time.perf_counter() - t)
            after = client.run(cpu_s)
            dask_cpu.append(cpu_s() - c + sum(after[w] - before[w] for w in after))
            rss.append(client.run(peak_rss_kib))
            rows = report.lines_read
            with open(local_csv, "rb") as f:
                same = f.read() == text
            print(f"run {run + 1}: cli -j{workers} {cli_times[-1]:.2f} s ({cli_cpu[-1]:.1f} CPU-s), "
                  f"dask {workers}x1 {dask_times[-1]:.2f} s ({dask_cpu[-1]:.1f} CPU-s, client and scheduler included), "
                  f"identical={same}, worker peak RSS {[v // 1024 for v in rss[-1].values()]} MiB", flush=True)
            assert same
        # The partition states the maps hand to the reduces (the shuffle),
        # measured once, apart from the timed runs.
        pieces = zd.plan_pieces([log], range_bytes, workers)
        fields = dict(by="", agg=None, where=None, threads=1, log_path="conn", strict=False,
                      max_line_bytes=None, memory_limit=None)
        maps = [client.submit(zd.map_piece, fields, i, p, r, workers, None, True, pure=False) for i, p, r in pieces]
        sizes = [client.submit(lambda m: [len(b) for b in m["states"]], m) for m in maps]
        shuffled = sum(sum(s) for s in client.gather(sizes))
        del maps, sizes
    best_cli, best_dask = min(cli_times), min(dask_times)
    med = statistics.median
    print(f"range_bytes {range_bytes}, {len(zd.plan_pieces([log], range_bytes, workers))} map tasks")
    print(f"rows {rows}; best cli {best_cli:.2f} s, best dask {best_dask:.2f} s, "
          f"overhead {100 * (best_dask / best_cli - 1):.1f}%; CPU: cli {min(cli_cpu):.1f} s, dask {min(dask_cpu):.1f} s, "
          f"overhead {100 * (min(dask_cpu) / min(cli_cpu) - 1):.1f}%")
    print(f"medians of {runs}: cli {med(cli_times):.2f} s ({med(cli_cpu):.1f} CPU-s), dask {med(dask_times):.2f} s "
          f"({med(dask_cpu):.1f} CPU-s): wall overhead {100 * (med(dask_times) / med(cli_times) - 1):.1f}%, "
          f"CPU overhead {100 * (med(dask_cpu) / med(cli_cpu) - 1):.1f}%")
    print(f"map output (partition states, all shuffled to reduces): {shuffled} bytes, "
          f"{shuffled / rows:.1f} bytes per input row; across workers about {(workers - 1) / workers:.2f} of it")


if __name__ == "__main__":
    main()
