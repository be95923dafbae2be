"""zeekgraph on Dask (python/zeekgraph/distributed.py) against the CLI run
locally: byte-identical CSV and an exactly equal DataFrame.

usage: distributed_test.py ZEEKGRAPH WORKDIR MODE
  local    a LocalCluster of 3 worker processes: zeekgraph.summarize(client=)
           equals zeekgraph.summarize() (assert_frame_equal, check_exact), and
           the CSV equals `zeekgraph summarize`'s, for the seed query and a
           --by/--agg/--where one
  cli      dask-scheduler and two dask-worker processes on 127.0.0.1, driven by
           `python3 -m zeekgraph summarize --scheduler tcp://...`
  kill     a worker process killed with SIGKILL while map results are held
           and the job is not done: Dask reruns its tasks, same bytes
  recount  a LocalCluster of 2: the uids' fingerprints (sharded by value,
           checked by the reduces) repeat in a shard, by a forced collision
           of two uids of two files and by a uid repeated in one group
           across files: the job runs again with exact pairs, same bytes
  real     the real conn logs of SHARED/data/zeek-real (TSV with and without
           headers, JSON, gzip), in ranges: logs whose data type a column
           apart (ts as numbers in most, as text in some) are read again
           with the whole input's typing, as one run reads them

usage for real: distributed_test.py ZEEKGRAPH WORKDIR real SHARED

Six input files, one of them gzip and one cut into byte ranges (a map task
each): the seed query's float means and sums of groups that span files and
ranges are replayed in input order, so any reordering shows in the digits.
"""
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pandas as pd

try:
    import distributed  # noqa: F401  Debian's python3-distributed
except ImportError:
    print("skipped: python3-distributed is not installed")
    sys.exit(77)

import zeekgraph  # noqa: E402
from zeekgraph import distributed as zd  # noqa: E402

ZG = WORK = None  # set by main: worker processes import this module too

RANGE = 1 << 20  # bytes: the big file becomes several map tasks


def sh(*args, **kw):
    return subprocess.run(list(args), check=True, capture_output=True, **kw)


def inputs(rows_big):
    paths = []
    for i, rows in enumerate([20000, 15000, 25000, rows_big, 10000, 18000]):
        name = os.path.join(WORK, f"conn.{i}.log" + (".gz" if i == 4 else ""))
        if not os.path.exists(name):
            sh(ZG, "gen", "--rows", str(rows), "--seed", str(40 + i), "-o", name)
        paths.append(name)
    big = paths[3]
    assert not zd._is_gzip(big) and os.path.getsize(big) > 4 * RANGE
    pieces = zd.plan_pieces(paths, RANGE)
    assert sum(1 for _, p, r in pieces if p == big and r) >= 4, pieces
    assert (4, paths[4], None) in pieces
    return paths


def local_csv(paths, *opts):
    out = os.path.join(WORK, "local.csv")
    sh(ZG, "summarize", *paths, *opts, "-o", out, "-q")
    with open(out, "rb") as f:
        return f.read()


def first_difference(a, b):
    if a == b:
        return None
    la, lb = a.split(b"\n"), b.split(b"\n")
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            return f"line {i + 1}:\n  dask:  {x[:300]!r}\n  local: {y[:300]!r}"
    return f"{len(la)} lines against {len(lb)}"


def check_same(got, want, what):
    diff = first_difference(got, want)
    if diff:
        print(f"FAIL {what}: {diff}")
        sys.exit(1)
    rows = want.count(b"\n") - 1
    print(f"ok {what}: {rows} rows, byte-identical")


def check_state_parts(path):
    """Map states cross the wire as they are (Dask's lz4 cost more than it
    saved), and a reduce reads the buffers Dask hands it as it reads bytes."""
    from distributed.protocol import dumps, loads, to_serialize
    fields = dict(by="", agg=None, where=None, threads=1, log_path="conn", strict=False, max_line_bytes=None,
                  memory_limit=None)
    parts = zd.map_piece(fields, 0, path, None, 2, None, True)["states"]
    frames = dumps({"p": to_serialize(parts[0])})
    assert any(len(f) == len(parts[0]) and bytes(f) == bytes(parts[0].data) for f in frames), \
        "a map state was not sent as its own bytes (compressed or copied into another frame)"
    got = loads(frames)["p"]
    assert isinstance(got, zd.StatePart) and bytes(got.data) == bytes(parts[0].data)
    import pickle
    assert bytes(pickle.loads(pickle.dumps(parts[0])).data) == bytes(parts[0].data)
    want = zd.reduce_partition("csv", False, parts[0])
    for wrap in (bytearray, memoryview):
        assert zd.reduce_partition("csv", False, zd.StatePart(wrap(bytes(parts[0].data)))) == want, wrap
    print(f"ok map states are sent uncompressed ({len(parts[0])} bytes) and reduced from any buffer")


def mode_local():
    from distributed import Client, LocalCluster
    paths = inputs(120000)
    check_state_parts(paths[3])
    with LocalCluster(n_workers=3, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 3
        # Text alone, as `python -m zeekgraph` asks: no columns built.
        columns, text, report, rows = zd.run(paths, client=client, range_bytes=RANGE, text_format="csv", columns=False)
        check_same(text, local_csv(paths), "seed query, LocalCluster(3)")
        assert columns is None and rows == text.count(b"\n") - 1 > 0, (columns, rows)
        assert report.lines_read == 20000 + 15000 + 25000 + 120000 + 10000 + 18000, report.lines_read
        assert len(report.files) == 6

        # The DataFrame, against the local engine's, exactly: through the
        # package's API (whole files) and with the big file in ranges.
        want = zeekgraph.summarize(paths)
        df = zeekgraph.summarize(paths, client=client)
        pd.testing.assert_frame_equal(df, want, check_exact=True)
        df = zd.summarize(paths, client=client, range_bytes=RANGE)
        pd.testing.assert_frame_equal(df, want, check_exact=True)
        assert df.attrs["zeekgraph"].lines_read == want.attrs["zeekgraph"].lines_read
        print(f"ok DataFrame equals the local one exactly: {len(df)} rows, {len(df.columns)} columns")

        # Few maps and many partitions: each map's parts are taken where the
        # map ran (Dask would queue a big group over few dependencies for
        # any free thread, fetching whole map outputs), and the result holds.
        from distributed import get_task_stream
        with get_task_stream(client) as stream:
            _, text, _, _ = zd.run(paths[:2], client=client, partitions=7, text_format="csv", columns=False)
        check_same(text, local_csv(paths[:2]), "2 maps, 7 partitions")
        splits = [t for t in stream.data if "split-shuffle" in str(t["key"])]
        assert len(splits) == 14, len(splits)
        moved = [t["key"] for t in splits if any(s["action"] == "transfer" for s in t["startstops"])]
        assert not moved, f"map outputs fetched to take a partition: {moved}"
        print("ok a map's partitions are taken on its worker (2 maps, 7 partitions, 3 workers)")

        by, agg, where = "proto,id.resp_p", "duration:sum,mean,max;uid:nunique;total=orig_bytes+resp_bytes:sum,mean", \
            'conn_state != "S0"'
        _, text, _, _ = zd.run(paths, by=by, agg=agg, where=where, client=client, partitions=5, range_bytes=RANGE,
                            text_format="csv")
        check_same(text, local_csv(paths, "--by", by, "--agg", agg, "--where", where),
                   "--by/--agg/--where, 5 partitions")

        # Workers keep their tasks' freed big buffers for the next task
        # (util/block_pool.h): the jobs above left some, within the limit,
        # and a job on buffers that hold an earlier job's bytes gives the
        # same output; so does one with none kept.
        kept = client.run(lambda: (zeekgraph._core.block_pool_kept(), zeekgraph._core.block_pool_limit()))
        assert all(0 < limit <= zd.KEEP_BYTES and used <= limit for used, limit in kept.values()), kept
        assert any(used > 0 for used, _ in kept.values()), kept
        _, text, _, _ = zd.run(paths, client=client, range_bytes=RANGE, text_format="csv", columns=False)
        check_same(text, local_csv(paths), "seed query again, on kept buffers")
        client.run(lambda: zeekgraph._core.set_block_pool_limit(0))
        _, text, _, _ = zd.run(paths, client=client, range_bytes=RANGE, text_format="csv", columns=False)
        check_same(text, local_csv(paths), "seed query, no buffers kept")
        assert all(v == 0 for v in client.run(lambda: zeekgraph._core.block_pool_kept()).values())
        print(f"ok workers kept buffers for their next tasks ({sorted(u for u, _ in kept.values())} bytes)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mode_cli():
    paths = inputs(120000)
    port = free_port()
    env = dict(os.environ)
    addr = f"tcp://127.0.0.1:{port}"
    procs = [subprocess.Popen(["dask-scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        time.sleep(2)
        for _ in range(2):
            procs.append(subprocess.Popen(["dask-worker", addr, "--nthreads", "1", "--nworkers", "1",
                                           "--no-dashboard", "--host", "127.0.0.1"],
                                          env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from distributed import Client
        with Client(addr, timeout=60) as c:
            c.wait_for_workers(2, timeout=60)
        out = os.path.join(WORK, "dask.csv")
        r = subprocess.run([sys.executable, "-m", "zeekgraph", "summarize", "--scheduler", addr, *paths,
                            "--range-bytes", str(RANGE), "-o", out], env=env, capture_output=True, timeout=600)
        if r.returncode != 0:
            print("FAIL python3 -m zeekgraph:", r.stderr.decode(errors="replace"))
            sys.exit(1)
        with open(out, "rb") as f:
            text = f.read()
        check_same(text, local_csv(paths), "python3 -m zeekgraph --scheduler (dask-scheduler + 2 dask-workers)")
        rows = text.count(b"\n") - 1
        assert f"# rows {rows}\n".encode() in r.stderr, r.stderr
    finally:
        for p in reversed(procs):
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def mode_kill():
    from distributed import Client, LocalCluster
    paths = inputs(400000)
    want = local_csv(paths)
    with LocalCluster(n_workers=3, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        result = {}

        def job():
            try:
                result["out"] = zd.run(paths, client=client, range_bytes=RANGE, text_format="csv")
            except BaseException as e:  # noqa: BLE001  reported below
                result["error"] = e

        t = threading.Thread(target=job)
        t.start()

        def held():
            # Per worker: finished map tasks whose results it holds.
            return client.run_on_scheduler(lambda dask_scheduler: {
                w.address: sum(1 for ts in w.has_what if "map_piece" in str(ts.key))
                for w in dask_scheduler.workers.values()})

        victim = None
        deadline = time.time() + 120
        while time.time() < deadline and t.is_alive():
            h = held()
            if sum(h.values()) >= 2:
                victim = max(h, key=h.get)
                break
            time.sleep(0.02)
        assert victim and t.is_alive(), "the job ended before a worker held map results to lose"
        pid = client.run(os.getpid, workers=[victim])[victim]
        os.kill(pid, signal.SIGKILL)
        print(f"killed worker {victim} (pid {pid}) holding {held().get(victim, 0)} map results, job still running")
        t.join(600)
        assert not t.is_alive()
        if "error" in result:
            raise result["error"]
        lost = client.run_on_scheduler(lambda dask_scheduler: victim not in dask_scheduler.workers)
        assert lost, "the killed worker is still registered"
        check_same(result["out"][1], want, "after a worker was killed mid-job")


def first_uid(path):
    with open(path, "rb") as f:
        for line in f:
            if not line.startswith(b"#"):
                return line.split(b"\t")[1].decode()


def collide(a, b):
    from zeekgraph import _core
    _core._collide_fingerprints(a, b)


def mode_recount():
    from distributed import Client, LocalCluster
    paths = inputs(120000)
    want = local_csv(paths)
    a, b = first_uid(paths[0]), first_uid(paths[5])
    assert a != b
    # A file that repeats conn.0.log's first row: its group counts that uid once.
    again = os.path.join(WORK, "conn.again.log")
    with open(paths[0], "rb") as f, open(again, "wb") as out:
        out.write(f.readline())
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        # Every worker's maps give uid b the fingerprint of uid a (each map's
        # own fingerprints stay distinct: only a reduce sees the two meet).
        client.run(collide, a, b)
        _, text, report, _ = zd.run(paths, client=client, range_bytes=RANGE, text_format="csv")
        assert report.recounted == ["uid"], report.recounted
        check_same(text, want, f"uids {a} and {b} share a fingerprint: exact pairs again")
        client.run(collide, "", "")
        _, text, report, _ = zd.run(paths, client=client, range_bytes=RANGE, text_format="csv")
        assert report.recounted == [], report.recounted
        check_same(text, want, "fingerprints that stand")
        _, text, report, _ = zd.run(paths + [again], client=client, range_bytes=RANGE, text_format="csv")
        assert report.recounted == ["uid"], report.recounted
        check_same(text, local_csv(paths + [again]), f"uid {a} twice in one group: exact pairs again")


def mode_real():
    from distributed import Client, LocalCluster
    root = os.path.join(sys.argv[4], "data", "zeek-real")
    if not os.path.isdir(root):
        print(f"skipped: {root} is absent")
        sys.exit(77)
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if "conn" in f and not f.endswith(".md"))
    assert len(files) > 100, len(files)
    want = local_csv(files)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        _, text, report, _ = zd.run(files, client=client, range_bytes=1 << 20, text_format="csv")
    check_same(text, want, f"{len(files)} real conn logs, {report.lines_read} lines")


if __name__ == "__main__":
    ZG, WORK, MODE = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(WORK, exist_ok=True)
    {"local": mode_local, "cli": mode_cli, "kill": mode_kill, "recount": mode_recount, "real": mode_real}[MODE]()
