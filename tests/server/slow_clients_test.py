#!/usr/bin/env python3
"""Slow clients must not starve fresh ones: `zeekgraph serve` on 127.0.0.1
holds CLIENTS connections that each send one byte of a never-ending header
every 2 s (the server must accept them all) while fresh clients send REQUESTS `GET /api/health`, each on a new
connection, four at a time. Passes when every fresh request is answered 200,
their p99 latency is under 100 ms, and the server still holds every slow
connection at the end. Prints p50/p99/max. A server with one thread per
connection (the one before libmicrohttpd, 256 threads) timed out every fresh
request here. Bounded: about 40 s in all, loopback only; skips (77) when the
open-file limit can't be raised enough.

usage: slow_clients_test.py ZEEKGRAPH WORKDIR [CLIENTS] [REQUESTS]
"""
import multiprocessing
import os
import resource
import socket
import subprocess
import sys
import threading
import time

DRIP_S = 2.0          # each slow client sends a byte this often
FRESH_BUDGET_S = 25   # fresh requests stop after this, answered or not
FRESH_TIMEOUT_S = 1.0
FRESH_PARALLEL = 4
P99_LIMIT_MS = 100.0


def slow_clients(port, n, conn, stop):
    """In a child process (apart from the measuring one, so the two don't
    share an interpreter lock): opens n connections, sends a header one
    byte at a time, and reports how many the server still holds at the end."""
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", port))
        except OSError as e:
            conn.send(("error", "connect %d failed: %s" % (len(socks), e)))
            return
        s.setblocking(False)
        socks.append(s)
    header = b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 4000
    conn.send(("connected", len(socks)))
    pos = 0
    while not stop.is_set():
        start = time.monotonic()
        for s in socks:
            try:
                s.send(header[pos:pos + 1])
            except OSError:
                pass  # counted at the end
        pos = min(pos + 1, len(header) - 1)
        stop.wait(max(0.0, DRIP_S - (time.monotonic() - start)))
    held = 0
    for s in socks:
        try:
            held += s.recv(1, socket.MSG_PEEK) != b""  # data before the header ends would be odd; b"": closed
        except BlockingIOError:
            held += 1  # nothing to read, still open
        except OSError:
            pass
    conn.send(("held", held))


def fresh_request(port):
    """Latency in ms of one GET /api/health on a new connection, or None."""
    start = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=FRESH_TIMEOUT_S) as s:
            s.settimeout(max(0.01, FRESH_TIMEOUT_S - (time.monotonic() - start)))
            s.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
    except OSError:
        return None
    if not data.startswith(b"HTTP/1.1 200 ") or not data.endswith(b"ok\n"):
        return None
    return (time.monotonic() - start) * 1000


def percentile(sorted_ms, q):
    return sorted_ms[min(len(sorted_ms) - 1, int(q * len(sorted_ms)))]


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    zg, work = os.path.realpath(sys.argv[1]), sys.argv[2]
    clients = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
    requests = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = clients + 200
    target = 8192 if hard == resource.RLIM_INFINITY else min(hard, 8192)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            pass
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft != resource.RLIM_INFINITY and soft < want:
        print("SKIP: the open-file limit is %d (hard %d); %d clients need %d" % (soft, hard, clients, want))
        return 77
    os.makedirs(work, exist_ok=True)
    os.chdir(work)
    subprocess.run([zg, "gen", "--rows", "5000", "-o", "conn.log"], check=True, stdout=subprocess.DEVNULL)
    out = open("serve.out", "w+")
    # The server inherits the raised limit, so this holds before and after
    # the tool raises its own.
    server = subprocess.Popen([zg, "serve", "conn.log", "-q", "--no-progress", "--port", "0"],
                              stdout=out, stderr=subprocess.STDOUT)
    child = None
    stop = multiprocessing.Event()
    try:
        url = None
        for _ in range(300):
            out.seek(0)
            for word in out.read().split():
                if word.startswith("http://127.0.0.1:"):
                    url = word
            if url or server.poll() is not None:
                break
            time.sleep(0.1)
        if not url:
            print("FAIL: the server did not start")
            return 1
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        mine, theirs = multiprocessing.Pipe()
        child = multiprocessing.Process(target=slow_clients, args=(port, clients, theirs, stop))
        child.start()
        if not mine.poll(30):
            print("FAIL: %d slow clients did not connect within 30 s" % clients)
            return 1
        what, value = mine.recv()
        if what != "connected":
            print("FAIL: " + str(value))
            return 1
        time.sleep(DRIP_S + 0.5)  # every slow client has sent a byte and holds its connection
        # Connected is not accepted: a server at its limit leaves clients in
        # the listen queue. Its open files say how many it took.
        try:
            accepted = len(os.listdir("/proc/%d/fd" % server.pid))
        except OSError:
            accepted = None
        print("%d slow clients connected, each sending a byte every %.0f s; the server has %s files open"
              % (value, DRIP_S, accepted if accepted is not None else "?"))

        latencies, failures = [], 0
        lock = threading.Lock()
        deadline = time.monotonic() + FRESH_BUDGET_S
        todo = iter(range(requests))

        def fresh_loop():
            nonlocal failures
            while time.monotonic() < deadline:
                with lock:
                    if next(todo, None) is None:
                        return
                ms = fresh_request(port)
                with lock:
                    if ms is None:
                        failures += 1
                    else:
                        latencies.append(ms)

        threads = [threading.Thread(target=fresh_loop) for _ in range(FRESH_PARALLEL)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stop.set()
        held = mine.recv()[1] if mine.poll(10) else -1
        latencies.sort()
        answered = len(latencies)
        print("fresh requests: %d answered 200, %d failed or timed out (%.0f s each), %d not sent in %d s"
              % (answered, failures, FRESH_TIMEOUT_S, requests - answered - failures, FRESH_BUDGET_S))
        if latencies:
            print("latency ms: p50 %.2f  p99 %.2f  max %.2f" % (percentile(latencies, 0.5),
                                                                percentile(latencies, 0.99), latencies[-1]))
        print("slow connections still held by the server at the end: %d of %d" % (held, clients))
        ok = (answered == requests and percentile(latencies, 0.99) < P99_LIMIT_MS and held == clients
              and (accepted is None or accepted >= clients))
        print("ok: fresh clients are served beside %d slow ones" % clients if ok else
              "FAIL: want all %d answered 200 with p99 < %.0f ms and all slow connections accepted and held"
              % (requests, P99_LIMIT_MS))
        return 0 if ok else 1
    finally:
        stop.set()
        if child is not None:
            child.join(10)
            if child.is_alive():
                child.kill()
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
