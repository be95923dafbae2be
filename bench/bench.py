#!/usr/bin/python3
"""Side-by-side benchmark: zeekgraph against ClickHouse, DuckDB, Polars and pandas.

Run it through bench/run.sh, which installs what this needs first:
    bash bench/run.sh [--sizes 1000000,5000000,22700000] [--runs 3]

For every size it generates (once, cached in bench/data/) a plain and a
gzip -6 conn log with `zeekgraph gen`, then times every engine on the same
file, checks its CSV against zeekgraph's with compare.py, times the limit
proxies (cat, wc -l, gzip -dc, igzip -dc), then runs the filtered queries
(FILTERS: the same WHERE in every peer, each output checked against
zeekgraph's --where summary) on the plain file, and writes a markdown report to
bench/results/<date>-<sizes>[-<label>].md (also printed to stdout).
No timing is asserted anywhere: this measures, it does not judge.
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import compare

BENCH = Path(__file__).resolve().parent
PY = "/usr/bin/python3"  # Debian python3 with python3-pandas, not a pyenv one
TIME = "/usr/bin/time"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def human(n):
    for div, unit in ((1_000_000, "M"), (1_000, "k")):
        if n >= div:
            return f"{n / div:g}{unit}"
    return str(n)


def engines(zeekgraph):
    """name -> argv builder (input, output). zeekgraph is first: the reference."""
    peers = BENCH / "peers"
    return {
        # default -j: every core
        "zeekgraph": lambda i, o: [zeekgraph, "summarize", i, "-o", o, "-q", "--no-progress"],
        "chdb": lambda i, o: ["node", str(peers / "chdb.mjs"), i, o],
        "duckdb": lambda i, o: ["node", str(peers / "duckdb.mjs"), i, o],
        "polars": lambda i, o: ["node", str(peers / "polars.mjs"), i, o],
        "pandas-vectorized": lambda i, o: [PY, str(peers / "pandas_vectorized.py"), i, o],
        "pandas-seed": lambda i, o: [PY, str(peers / "pandas_seed.py"), i, o],
    }


# Filtered summaries: name -> (what it asks, zeekgraph --where, the peers'
# conditions as peers/filters.mjs reads them). `ctx` holds values read from
# the data: a uid from its middle line, and the hour after its first one.
FILTERS = {
    "cidr": lambda ctx: (
        "connections to one /24 (about 5% of rows)",
        "id.resp_h in 192.168.231.0/24",
        [{"op": "prefix", "col": "id.resp_h", "value": "192.168.231."}]),
    "uid": lambda ctx: (
        "one connection by uid",
        f'uid == "{ctx["uid"]}"',
        [{"op": "eq", "col": "uid", "value": ctx["uid"]}]),
    "state-hour": lambda ctx: (
        "failed connections (S0, REJ) in one hour",
        f'conn_state in ["S0", "REJ"] and ts >= {ctx["hour"]} and ts < {ctx["hour"] + 3600}',
        [{"op": "in", "col": "conn_state", "values": ["S0", "REJ"]},
         {"op": "range", "col": "time", "min": ctx["hour"], "max": ctx["hour"] + 3600}]),
}
FILTER_PEERS = ("chdb", "duckdb", "polars")


def filter_context(path):
    """A uid from the middle line of `path` and the first whole hour after its first row."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        first = f.readline().split(b"\t")
        f.seek(size // 2)
        f.readline()
        middle = f.readline().split(b"\t")
    return {"uid": middle[1].decode(), "hour": (int(float(first[0])) // 3600 + 1) * 3600}


def proxies(path, gz):
    out = [("cat >/dev/null", ["cat", path]), ("wc -l", ["wc", "-l", path])]
    if gz:
        out += [("gzip -dc >/dev/null", ["gzip", "-dc", path]),
                ("igzip -dc >/dev/null", ["igzip", "-dc", path])]
    return out


def warm(path):
    """Read the input once, untimed: the page cache is dropped after ~60s idle."""
    subprocess.run(["cat", path], stdout=subprocess.DEVNULL, check=True)


def timed(argv):
    """Runs argv under /usr/bin/time. Returns (wall s, peak RSS KiB, rc, stderr tail)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        t0 = time.perf_counter()
        p = subprocess.run([TIME, "-f", "%e %M", "-o", tf.name] + argv,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - t0
        lines = tf.read().split("\n")
    lines = [ln for ln in lines if ln.strip()]  # "Command exited with ..." may come first
    fields = lines[-1].split() if lines else []
    rss = int(fields[1]) if len(fields) == 2 and fields[1].isdigit() else None
    return wall, rss, p.returncode, p.stderr.strip()[-2000:]


def measure(argv, path, runs):
    walls, rsss = [], []
    for _ in range(runs):
        warm(path)
        wall, rss, rc, err = timed(argv)
        if rc != 0:
            return {"failed": f"exit {rc}", "stderr": err}
        walls.append(wall)
        rsss.append(rss or 0)
    return {"median": statistics.median(walls), "walls": walls, "rss_kib": max(rsss)}


def generator_fingerprint(zeekgraph):
    """sha256 of `zeekgraph gen --rows 1000`: changes when the generator does."""
    out = subprocess.run([zeekgraph, "gen", "--rows", "1000"], capture_output=True, check=True).stdout
    return hashlib.sha256(out).hexdigest()


def ensure_data(zeekgraph, rows, data, fingerprint, want_gz=True):
    """bench/data/conn-<rows>.log and .log.gz, generated only when missing
    (or made by a different generator: conn-<rows>.log.gen holds its fingerprint)."""
    data.mkdir(parents=True, exist_ok=True)
    plain, gz = data / f"conn-{rows}.log", data / f"conn-{rows}.log.gz"
    stamp = data / f"conn-{rows}.log.gen"
    if plain.exists() and (not stamp.exists() or stamp.read_text().strip() != fingerprint):
        log(f"{plain} was made by another zeekgraph gen: regenerating")
        plain.unlink()
    if not plain.exists():
        log(f"generating {plain}")
        tmp = plain.with_suffix(".log.tmp")
        subprocess.run([zeekgraph, "gen", "--rows", str(rows), "-o", str(tmp)], check=True)
        tmp.rename(plain)
        stamp.write_text(fingerprint + "\n")
    if want_gz and (not gz.exists() or gz.stat().st_mtime < plain.stat().st_mtime):
        log(f"compressing {gz} (gzip -6)")
        tmp = data / f"conn-{rows}.log.gz.tmp"
        with open(tmp, "wb") as f:
            subprocess.run(["gzip", "-6", "-c", str(plain)], stdout=f, check=True)
        tmp.rename(gz)
    return [("plain", str(plain)), ("gz", str(gz))]


def first_line(argv):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        return (p.stdout or p.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


def machine(zeekgraph):
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for ln in f:
            if ln.startswith("model name"):
                cpu = ln.split(":", 1)[1].strip()
                break
    mem = "?"
    with open("/proc/meminfo") as f:
        for ln in f:
            if ln.startswith("MemTotal"):
                mem = f"{int(ln.split()[1]) / 1024 / 1024:.0f} GiB"
    peers = BENCH / "peers"
    return {
        "cpu": cpu,
        "cores": f"{len(os.sched_getaffinity(0))} usable ({os.cpu_count()} online)",
        "memory": mem,
        "kernel": platform.release(),
        "versions": {
            "zeekgraph": first_line([zeekgraph, "--version"]),
            "ClickHouse (npm chdb, in-process)": first_line(["node", str(peers / "chdb.mjs"), "--version"]),
            "duckdb (@duckdb/node-api)": first_line(["node", str(peers / "duckdb.mjs"), "--version"]),
            "polars (nodejs-polars)": first_line(["node", str(peers / "polars.mjs"), "--version"]),
            "pandas (Debian python3-pandas)": first_line([PY, str(peers / "pandas_seed.py"), "--version"]),
            "node": first_line(["node", "--version"]),
            "python": first_line([PY, "--version"]),
            "gzip": first_line(["gzip", "--version"]),
            "igzip": first_line(["igzip", "--version"]),
        },
    }


def report(args, info, results, filtered, sizes):
    today = datetime.date.today().isoformat()
    out = [f"# zeekgraph benchmark, {today}", ""]
    cmd = f"bash bench/run.sh --sizes {','.join(map(str, sizes))} --runs {args.runs}"
    if set(args.engines.split(",")) != set(engines("zeekgraph")):
        cmd += f" --engines {args.engines}"
    if args.seed_max_rows != 1_000_000:
        cmd += f" --seed-max-rows {args.seed_max_rows}"
    if args.formats != "plain,gz":
        cmd += f" --formats {args.formats}"
    if args.filters != ",".join(FILTERS):
        cmd += f" --filters {args.filters}"
    if args.filtered_only:
        cmd += " --filtered-only"
    out.append(f"`{cmd}`")
    out.append("")
    out.append(f"- CPU: {info['cpu']}, {info['cores']} cores, {info['memory']} RAM, Linux {info['kernel']}")
    for k, v in info["versions"].items():
        out.append(f"- {k}: {v}")
    out.append("")
    out.append(f"Median wall time of {args.runs} run(s), process start included; each run is preceded "
               "by an untimed `cat >/dev/null` of the input. Peak RSS is the largest `%M` of "
               "`/usr/bin/time` over the runs. `vs zeekgraph` = engine time / zeekgraph time on the "
               "same file (below 1 is faster). Data: `zeekgraph gen --rows N`, and `gzip -6` of it. "
               "zeekgraph, DuckDB and Polars use every core; pandas uses one. "
               "`check`: the CSV compared with zeekgraph's (bench/compare.py): `identical` byte for "
               "byte, `ok` equal with floats within 1e-9 relative.")
    for rows in sizes:
        out += ["", f"## {rows:,} rows", ""]
        out.append("| input | engine | median s | peak RSS MiB | rows/s | vs zeekgraph | check |")
        out.append("|---|---|---:|---:|---:|---:|---|")
        for fmt, path, table in results[rows]:
            size_mb = os.path.getsize(path) / 1e6
            ref = next((r for name, r, _ in table if name == "zeekgraph"), None)
            ref_t = ref.get("median") if ref else None
            for name, r, check in table:
                label = f"{fmt} ({size_mb:,.0f} MB)"
                if "failed" in r:
                    out.append(f"| {label} | {name} | | | | | FAILED ({r['failed']}) |")
                    continue
                t = r["median"]
                ratio = f"{t / ref_t:.2f}" if ref_t else ""
                out.append(f"| {label} | {name} | {t:.3f} | {r['rss_kib'] / 1024:,.0f} | "
                           f"{rows / t:,.0f} | {ratio} | {check} |")
        notes = [(fmt, name, r) for fmt, _, table in results[rows] for name, r, _ in table
                 if r.get("examples") or r.get("stderr")]
        for fmt, name, r in notes:
            out.append("")
            out.append(f"{name} on {fmt}:")
            for e in r.get("examples", []):
                out.append(f"    {e}")
            if r.get("stderr"):
                out += [f"    {ln}" for ln in r["stderr"].splitlines()[-5:]]
    for rows in sizes:
        ftables = filtered.get(rows) or []
        if not ftables:
            continue
        out += ["", f"## {rows:,} rows, filtered (plain input)", ""]
        out.append("Each peer runs the same WHERE before the same summary; its CSV is checked against "
                   "zeekgraph's `--where` summary. `vs zeekgraph` = peer time / zeekgraph time on "
                   "that filter; `of full` = zeekgraph's time / its unfiltered time on the same file.")
        out.append("")
        out.append("| filter | engine | median s | peak RSS MiB | vs zeekgraph | of full | check |")
        out.append("|---|---|---:|---:|---:|---:|---|")
        for name, what, where, full, table in ftables:
            ref_t = next((r.get("median") for n, r, _ in table if n == "zeekgraph"), None)
            for n, r, check in table:
                label = f"{name}: {what}"
                if "failed" in r:
                    out.append(f"| {label} | {n} | | | | | FAILED ({r['failed']}) |")
                    continue
                t = r["median"]
                ratio = f"{t / ref_t:.2f}" if ref_t else ""
                of_full = f"{t / full:.2f}" if n == "zeekgraph" and full else ""
                out.append(f"| {label} | {n} | {t:.3f} | {r['rss_kib'] / 1024:,.0f} | {ratio} | {of_full} | {check} |")
        out.append("")
        for name, what, where, full, table in ftables:
            out.append(f"- {name}: `--where '{where}'`")
    if any(rows > args.seed_max_rows for rows in sizes):
        out += ["", f"pandas-seed (row-wise apply) runs only up to {args.seed_max_rows:,} rows."]
    return "\n".join(out) + "\n"


def checked(ref_csv, out_csv, result):
    """An engine's CSV against zeekgraph's: its verdict, with examples kept in `result`."""
    c = compare.compare(ref_csv, out_csv)
    result["examples"] = c["examples"]
    return ("identical" if c["identical"] else "ok" if c["ok"] else
            f"WRONG ({c['mismatches']} of {c['ref_rows']} rows)")


def run_filters(args, names, path, outdir, full, wanted):
    """Every filter: zeekgraph --where, then each peer, checked against it."""
    peers = BENCH / "peers"
    ctx = filter_context(path)
    out = []
    for name in names:
        what, where, spec = FILTERS[name](ctx)
        table = []
        ref_csv = str(outdir / f"zeekgraph-where-{name}.csv")
        argv = [args.zeekgraph, "summarize", path, "-o", ref_csv, "-q", "--no-progress", "--where", where]
        log(f"filter {name}: zeekgraph x{args.runs}")
        r = measure(argv, path, args.runs)
        table.append(("zeekgraph", r, "reference" if "failed" not in r else ""))
        for peer in FILTER_PEERS:
            if peer not in wanted:
                continue
            out_csv = str(outdir / f"{peer}-where-{name}.csv")
            log(f"filter {name}: {peer} x{args.runs}")
            pr = measure(["node", str(peers / f"{peer}.mjs"), path, out_csv, json.dumps(spec)], path, args.runs)
            check = ""
            if "failed" not in pr and "failed" not in r:
                check = checked(ref_csv, out_csv, pr)
            table.append((peer, pr, check))
            log(f"  {pr.get('median', 0):.3f}s {check}")
        out.append((name, what, where, full, table))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000000,5000000,22700000", help="rows per data set, comma separated")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per engine and file (median reported)")
    ap.add_argument("--zeekgraph", default=str(BENCH.parent / "build/tools/zeekgraph/zeekgraph"))
    ap.add_argument("--engines", default=",".join(engines("zeekgraph")),
                    help="subset of engines to run (zeekgraph always runs: it is the reference)")
    ap.add_argument("--formats", default="plain,gz", help="inputs to time: plain, gz or both")
    ap.add_argument("--filters", default=",".join(FILTERS),
                    help="filtered queries to run on the plain file (empty: none); "
                         "the peers among --engines that take a filter run them too")
    ap.add_argument("--filtered-only", action="store_true",
                    help="skip the peers' unfiltered summaries (zeekgraph's still runs, for 'of full')")
    ap.add_argument("--seed-max-rows", type=int, default=1_000_000,
                    help="run the slow pandas-seed only up to this many rows")
    ap.add_argument("--data", default=str(BENCH / "data"), help="cache of generated inputs and outputs")
    ap.add_argument("--label", default="", help="appended to the result file's name, so runs of one day do not overwrite each other")
    args = ap.parse_args()
    sizes = [int(float(s)) for s in args.sizes.split(",") if s]
    wanted = set(args.engines.split(",")) | {"zeekgraph"}
    all_engines = engines(args.zeekgraph)
    unknown = wanted - set(all_engines)
    filter_names = [f for f in args.filters.split(",") if f]
    unknown |= {f"filter {f}" for f in filter_names if f not in FILTERS}
    if unknown or args.runs < 1:
        ap.error(f"unknown engines {sorted(unknown)}" if unknown else "--runs must be >= 1")

    info = machine(args.zeekgraph)
    data = Path(args.data)
    results, filtered = {}, {}
    fingerprint = generator_fingerprint(args.zeekgraph)
    for rows in sizes:
        results[rows] = []
        formats = set(args.formats.split(","))
        for fmt, path in ensure_data(args.zeekgraph, rows, data, fingerprint, "gz" in formats):
            if fmt not in formats:
                continue
            outdir = data / "out" / str(rows)
            outdir.mkdir(parents=True, exist_ok=True)
            table = []
            ref_csv = None
            for name, argv in all_engines.items():
                if name not in wanted or (name == "pandas-seed" and rows > args.seed_max_rows):
                    continue
                if args.filtered_only and name != "zeekgraph":
                    continue
                out_csv = str(outdir / f"{name}-{fmt}.csv")
                if os.path.exists(out_csv):
                    os.remove(out_csv)
                log(f"{rows:,} rows, {fmt}: {name} x{args.runs}")
                r = measure(argv(path, out_csv), path, args.runs)
                check = ""
                if "failed" not in r:
                    if name == "zeekgraph":
                        ref_csv = out_csv
                        check = "reference"
                        if fmt != "plain":  # also: zeekgraph on .gz == zeekgraph on plain
                            plain_ref = str(outdir / "zeekgraph-plain.csv")
                            c = compare.compare(plain_ref, out_csv)
                            r["examples"] = c["examples"]
                            check = ("reference, identical to plain" if c["identical"] else
                                     "reference, equal to plain" if c["ok"] else
                                     f"WRONG vs plain ({c['mismatches']} rows)")
                    elif ref_csv is None:
                        check = "no reference"
                    else:
                        check = checked(ref_csv, out_csv, r)
                    log(f"  median {r['median']:.3f}s (runs {' '.join(f'{w:.3f}' for w in r['walls'])})  {check}")
                else:
                    log(f"  FAILED: {r['failed']}: {r['stderr'][-500:]}")
                table.append((name, r, check))
            for name, argv in proxies(path, fmt == "gz"):
                log(f"{rows:,} rows, {fmt}: {name} x{args.runs}")
                table.append((name, measure(argv, path, args.runs), "(limit proxy)"))
            results[rows].append((fmt, path, table))
            if fmt == "plain" and filter_names:
                full = next((r.get("median") for n, r, _ in table if n == "zeekgraph"), None)
                filtered[rows] = run_filters(args, filter_names, path, outdir, full, wanted)

    text = report(args, info, results, filtered, sizes)
    results_dir = BENCH / "results"
    results_dir.mkdir(exist_ok=True)
    label = f"-{args.label}" if args.label else ""
    stem = f"{datetime.date.today().isoformat()}-{'-'.join(human(s) for s in sizes)}{label}"
    name = f"{stem}.md"
    n = 1
    while (results_dir / name).exists():  # a second run on one day keeps the first's table
        n += 1
        name = f"{stem}-{n}.md"
    tmp = results_dir / (name + ".tmp")
    tmp.write_text(text)
    tmp.rename(results_dir / name)
    print(text)
    log(f"wrote {results_dir / name}")


if __name__ == "__main__":
    main()
