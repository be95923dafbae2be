"""python3 -m zeekgraph summarize --scheduler tcp://HOST:PORT INPUT... [-o FILE]

The CLI's summary, computed on a Dask cluster (zeekgraph.distributed): the
same bytes `zeekgraph summarize INPUT...` writes. Inputs must be readable at
the same paths on the cluster's workers."""
import argparse
import sys

from . import distributed
from .errors import ZeekgraphError


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m zeekgraph")
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("summarize", help="the summary of Zeek logs, computed on a Dask cluster")
    s.add_argument("inputs", nargs="+", help="files, directories, globs (paths the workers can read)")
    s.add_argument("--scheduler", required=True, help="the Dask scheduler's address, such as tcp://10.0.0.1:8786")
    s.add_argument("--by", default="", help="group keys, comma separated (default: id.orig_h,id.resp_h,conn_state)")
    s.add_argument("--agg", default="", help="aggregates, as zeekgraph summarize --agg")
    s.add_argument("--where", default="", help="only rows that match EXPR, as zeekgraph summarize --where")
    s.add_argument("--log-path", default="conn", help="in directories, files whose name contains this ('*': all)")
    s.add_argument("-o", "--output", default="-", help="output file (default: stdout)")
    s.add_argument("--format", default="csv", choices=["csv", "ndjson"])
    s.add_argument("--partitions", type=int, default=None, help="reduce tasks (default: one per worker, or one per GiB of input, a multiple of the workers)")
    s.add_argument("--range-bytes", type=int, default=distributed.RANGE_BYTES,
                   help="cut uncompressed files bigger than this into byte ranges, a map task each")
    a = ap.parse_args(argv)

    from distributed import Client
    try:
        with Client(a.scheduler) as client:
            _, text, report, rows = distributed.run(a.inputs, by=a.by or None, agg=a.agg or None, where=a.where or None,
                                              client=client, log_path=a.log_path, partitions=a.partitions,
                                              range_bytes=a.range_bytes, text_format=a.format, columns=False)
    except ZeekgraphError as e:
        print(f"zeekgraph: error: {e}", file=sys.stderr)
        return 2 if type(e).__name__ == "UsageError" else 3
    if a.output == "-":
        sys.stdout.buffer.write(text)
        sys.stdout.flush()
    else:
        # Whole or not at all, as the CLI writes: a temporary, then a rename.
        import os
        import tempfile
        d = os.path.dirname(os.path.abspath(a.output))
        with tempfile.NamedTemporaryFile(dir=d, prefix=".zeekgraph-", delete=False) as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(f.name, a.output)
    print(f"# rows {rows}", file=sys.stderr)
    print(f"zeekgraph: {len(report.files)} files, {report.lines_read} lines read, {report.rows_used} used, "
          f"{report.rows_rejected} rejected, {report.rows_null_key} dropped for a null key", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
