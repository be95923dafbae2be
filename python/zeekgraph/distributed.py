"""zeekgraph on a Dask cluster: zeekgraph.summarize(..., client=Client(...)).

The job is a map, a shuffle and a reduce, run by dask.distributed's own
scheduler (no scheduler of ours):

map      one task per input file, or per line-aligned byte range of a big
         uncompressed file (`range_bytes`, default 1.5 GiB): the engine reads
         it into a partial aggregate and writes it as R state files, its
         groups split by a hash of their key values (agg/state_file).
shuffle  reduce task r receives partition r of every map state; Dask moves
         those bytes between workers.
reduce   one task per partition: the states merge in input order (each
         carries the pieces of input it read, as path and byte range), the
         float sums and means are replayed value by value in that order
         (pandas' Kahan sums depend on it), nunique counts its exact pairs
         or checks its shard of fingerprints (below), and the partition's
         groups are finalized into rows, sorted, and written as CSV or
         NDJSON when the job wants text (agg/finished_part).
finish   the client merges the R partitions' sorted rows into the summary:
         its text, and the DataFrame's columns.

nunique  of a text column (conn.log's uid) keeps 8-byte fingerprints where
         the single-process engine would, not (group, value) pairs: map
         states shard them by value, reduce r checks shard r of every map
         for two equal ones, and a group's count is its rows less its
         nulls. Should a shard repeat (a repeated value, or a 1-in-2^64
         collision), the client runs the maps and reduces again with exact
         pairs, as the engine reads its input again (agg/state_file).

typing   a map task reports how its data typed each column (pandas types a
         column by all its values); pieces typed apart from the whole input
         (a column of numbers here, text in another file) are read again
         with the whole input's typing before the shuffle.

So the result equals zeekgraph.summarize() without a client, and the CLI's
CSV, byte for byte: float sums and means included. Inputs merge in the
order listed (each map's pieces carry its file's index). Tasks are pure: when a
worker dies, Dask runs its tasks again elsewhere and the result is the same.

Inputs must be readable at the same paths on every worker (a shared file
system). Peak memory per worker is bounded by a map task's piece (range_bytes
of input, or one whole gzip file) and a reduce task's partition, so it stays
flat as the input grows when the partitions grow with it (`partitions`). A
worker also keeps its tasks' freed big buffers for the next task, up to
KEEP_BYTES (below).
"""
import operator
import os
import pickle

import pandas as pd

from dask.base import tokenize
from dask.sizeof import sizeof
from distributed import get_worker
from distributed.protocol import Serialized, dask_deserialize

from . import _core
from .errors import StrictError, UsageError

# A byte range of a big uncompressed file a map task reads: 1.5 GiB is about
# 13M rows of a conn log, four seconds of one core. Each map task has fixed
# costs (fresh tables, page faults) and repeats its groups (a 256 MiB range
# of the 22.7M-row log holds 79K of its 81.6K groups), which every reduce
# decodes and merges again; and a worker holds its maps' states until the
# reduces take them. At 22.7M rows on 2 workers, 512 MiB ranges shuffled
# 19.0 bytes a row and peaked at 583-603 MiB a worker; 1.3 GB ranges 16.3
# bytes and 500-528 MiB, and the job's overhead over the CLI fell from 45%
# to 22% (docs/PERFORMANCE.md). A map task's own memory grows with its
# range: 0.25-0.31 bytes a byte of input at its peak (322 MiB for 1.3 GB,
# 176 MiB of it the states it hands over).
RANGE_BYTES = 1536 << 20
# Input a reduce task takes on, by default: its partition's float values,
# fingerprints and distinct pairs grow with the rows behind it (about 170
# MB of state per GiB of conn log), so partitions grow with the input and a
# reduce task's memory stays flat.
REDUCE_INPUT_BYTES = 1 << 30


class StatePart(Serialized):
    """One partition of a map task's state, as the shuffle moves it: already
    serialized, so that Dask sends its bytes as they are. Dask compresses
    what it moves when a sample compresses (lz4 where installed), and a
    state is mostly uid fingerprints and float values: lz4 took it only to
    82%, at ~3 ms a MB on both ends, which at 22.7M rows cost 1.3 CPU-s and
    about 0.4 s of reduces waiting for their inputs. (A dask_serialize
    header cannot say "do not compress": Dask nests it; a Serialized
    object's own header can, as Dask's CUDA serializers do.) The reduce
    reads the received buffer without copying it."""

    def __init__(self, data):
        super().__init__({"serializer": "dask", "type-serialized": _STATE_PART_TYPE, "sub-header": {},
                          "compression": (False,)}, [data])

    @property
    def data(self):
        return self.frames[0]

    def __len__(self):
        return len(self.frames[0])

    def __reduce__(self):
        return StatePart, (bytes(self.frames[0]),)


_STATE_PART_TYPE = pickle.dumps(StatePart)


@dask_deserialize.register(StatePart)
def _load_state_part(header, frames):
    return StatePart(frames[0])


@sizeof.register(StatePart)
def _state_part_size(part):
    return len(part)


def _request(inputs, by, agg, where, threads, log_path, strict, max_line_bytes, memory_limit):
    from .summary import _size, agg_spec
    req = _core.SummarizeRequest()
    req.inputs = list(inputs)
    req.by = by
    req.agg = agg_spec(agg)
    req.where = where or ""
    req.threads = int(threads or 1)
    req.log_path = log_path
    req.strict = bool(strict)
    req.max_line_bytes = _size(max_line_bytes, "max_line_bytes")
    req.memory_limit = _size(memory_limit, "memory_limit")
    return req


def _is_gzip(path):
    with open(path, "rb") as f:
        return f.read(2) == b"\x1f\x8b"


def plan_pieces(paths, range_bytes=RANGE_BYTES, multiple=1):
    """The map tasks' pieces, in input order: (index, path, None) for a whole
    file, (index, path, (begin, end)) for a byte range of a big uncompressed
    one, `index` the file's place in `paths`. A range reads the lines that
    start in it, so ranges need not fall on lines. A file is cut into equal
    ranges of at most `range_bytes` (not full ranges and a short tail), and
    into more when that makes the number of pieces a multiple of `multiple`
    (the workers: 11 pieces on 2 workers leave one idle for the last).
    """
    sizes, splits = [], []
    for p in paths:
        size = os.path.getsize(p) if p != "-" else 0
        sizes.append(size)
        splits.append(0 if p == "-" or size <= range_bytes or _is_gzip(p) else -(-size // range_bytes))
    count = sum(max(n, 1) for n in splits)
    for _ in range(multiple - 1):
        if count % multiple == 0 or not any(splits):
            break
        # One more range for the file whose ranges are longest.
        k = max((i for i, n in enumerate(splits) if n), key=lambda i: sizes[i] / splits[i])
        splits[k] += 1
        count += 1
    pieces = []
    for i, (p, size, n) in enumerate(zip(paths, sizes, splits)):
        if not n:
            pieces.append((i, p, None))
            continue
        bounds = [size * j // n for j in range(n + 1)]
        pieces.extend((i, p, (bounds[j], bounds[j + 1])) for j in range(n))
    return pieces


# A worker keeps up to this many bytes of its tasks' freed big buffers for
# the next task (a quarter of its memory limit at most), rather than fault
# in fresh pages for each (util/block_pool.h). Set ZEEKGRAPH_KEEP_BYTES=0 in
# the workers' environment to keep none.
KEEP_BYTES = int(os.environ.get("ZEEKGRAPH_KEEP_BYTES", str(1 << 30)))
_keeping = False


def _keep_buffers():
    """Sets this worker process's block pool limit, once."""
    global _keeping
    if _keeping:
        return
    _keeping = True
    limit = KEEP_BYTES
    try:
        memory_limit = get_worker().memory_manager.memory_limit
    except ValueError:  # not in a worker
        memory_limit = None
    if memory_limit:
        limit = min(limit, memory_limit // 4)
    _core.set_block_pool_limit(max(limit, 0))


def map_piece(fields, order, path, rng, partitions, force=None, fingerprints=False):
    """A map task: the piece's R partition states, its file reports and the
    typing its data decided; `order` its file's place in the job's inputs;
    `force` = (text, exact_ints, kahan_sums) columns decided by the other
    pieces; `fingerprints`: text nunique may keep fingerprints."""
    _keep_buffers()
    req = _request([path], **fields)
    out = _core.state_map(req, rng, partitions, force, order, fingerprints)
    out["states"] = [StatePart(memoryview(b)) for b in out["states"]]
    return out


def _union_typing(typings):
    """The typing pandas gives the whole input: a column is text if any
    piece saw text in it, needs exact int64 states or Kahan sums if any
    piece needed them."""
    union = []
    for cols in zip(*typings):
        name = cols[0][0]
        text = any(c[1] for c in cols)
        union.append((name, text, not text and any(c[2] for c in cols), not text and all(c[3] for c in cols)))
    return union


def _forced(union):
    return ([n for n, text, _, _ in union if text], [n for n, _, ints, _ in union if ints],
            [n for n, text, _, plain in union if not text and not plain])


def _state_part(m, r):
    """Partition r of a map task's states (a task on the map's worker)."""
    return m["states"][r]


def reduce_partition(text_format, columns, *states):
    """A reduce task: partition r of every map state, merged, closed and
    finished: its rows, and their `text_format` text; `columns` false (text
    alone is wanted): of the rows' values, only their keys. States that do
    not merge (typed apart: the reduce was submitted before the client saw
    the maps' typing, and is cancelled) give the error as the result rather
    than a failed task, which a worker would log; the client raises it."""
    _keep_buffers()
    try:
        return _core.state_reduce([s.data for s in states], text_format, bool(text_format) and not columns)
    except UsageError as e:
        return e


def _merged_reports(reports):
    """One report a file: the ranges of a file add up."""
    from .summary import FileReport, Problem
    out = {}
    for d in reports:
        d = dict(d)
        problems = [Problem(**p) for p in d.pop("problems")]
        f = out.get(d["path"])
        if f is None:
            out[d["path"]] = FileReport(problems=problems, **d)
            continue
        for k in ("bytes", "lines_read", "header_lines", "rows_used", "rows_rejected", "rows_null_key",
                  "rows_filtered", "schema_changes", "problems_total"):
            setattr(f, k, getattr(f, k) + d[k])
        f.problems.extend(problems)
    return list(out.values())


def run(paths, by=None, agg=None, where=None, threads=None, client=None, *, log_path="conn", strict=False,
        max_line_bytes=None, memory_limit=None, partitions=None, range_bytes=RANGE_BYTES, text_format="",
        columns=True):
    """Runs the job on `client`'s cluster. Returns (columns, text, report,
    rows): the summary's columns as the engine builds them (None when
    `columns` is false: text alone, ~20 ms less at 80K rows), its CSV or
    NDJSON text when `text_format` names one, the Report, and the number of
    rows."""
    from .summary import SUMMARY_KEYS, Report, _inputs, _names
    if client is None:
        raise ValueError("zeekgraph.distributed needs a dask.distributed Client")
    keys = _names(by, "by")
    fields = dict(by=",".join(keys), agg=agg, where=where, threads=threads, log_path=log_path, strict=strict,
                  max_line_bytes=max_line_bytes, memory_limit=memory_limit)
    # Expanded here, checked here (a bad by/agg/where fails before any task).
    req = _request(_inputs(paths), **fields)
    listed, _ = _core.list_inputs(req)
    if "-" in listed:
        raise ValueError("stdin cannot be read on a cluster: save it to a file on the shared file system")
    workers = len(client.scheduler_info().get("workers", {})) or 1
    pieces = plan_pieces(listed, range_bytes, workers)
    size = sum(os.path.getsize(p) for p in listed)
    # A multiple of the workers, as the maps are: 3 reduces on 2 workers
    # leave one idle for the last.
    R = int(partitions or -(-max(workers, -(-size // REDUCE_INPUT_BYTES)) // workers) * workers)

    def submit(i, path, rng, force, fingerprints):
        return client.submit(map_piece, fields, i, path, rng, R, force, fingerprints, pure=True)

    def submit_reduces(maps):
        # Each map's partition r as its own future, taken on the map's
        # worker, so that reduce r fetches only its share. With 4 maps on 2
        # workers these tasks ran elsewhere and fetched the whole map output
        # (200 MB, 0.3-0.7 s a map): a group of more tasks than twice the
        # threads, over few dependencies, is "root-ish" to Dask's scheduler,
        # which queues it for any free thread, locality aside. So each has
        # a group of its own (a tuple key's first element names its group),
        # and the prefix of dask.dataframe's own shuffle splits,
        # "split-shuffle", which Dask's work stealing leaves in place.
        parts = [[client.submit(_state_part, m, r, key=(f"split-shuffle-{tokenize(m.key, r)}", 0), priority=1)
                  for m in maps] for r in range(R)]
        return [client.submit(reduce_partition, text_format, columns, *parts[r], pure=True) for r in range(R)]

    def ends_of(maps):
        # Each map's typing, whether it stopped (strict), and its file reports.
        return client.gather([client.submit(operator.itemgetter("typing", "stopped", "files"), m, pure=True,
                                            priority=1) for m in maps])

    def finish(reduces, ends):
        if any(stopped for _, stopped, _ in ends):
            raise StrictError("stopped at the first problem (strict)")
        # Straight from the workers: through the scheduler, each part was
        # sent twice (~0.1 s of the job's tail at 22.7M rows).
        parts = client.gather(reduces, direct=True)
        for p in parts:
            if isinstance(p, UsageError):
                raise p
        done = _core.state_finish(parts, columns)
        return done, [f for _, _, fs in ends for f in fs]

    forces = [None] * len(pieces)
    maps = [submit(i, path, rng, None, True) for i, path, rng in pieces]
    # The reduces are submitted before the maps' typing is known, so that
    # they start as the maps end (the client's check and a new submission
    # took 30-90 ms there); when the typing differs, they are cancelled.
    reduces = submit_reduces(maps)
    # Pieces typed apart by their own data (a column of numbers in one file
    # and text in another: pandas reads it as text everywhere) are read
    # again with the whole input's typing, as the single-process engine
    # reads its input again.
    for attempt in range(4):
        ends = ends_of(maps)
        typings = [t for t, _, _ in ends]
        union = _union_typing(typings)
        if attempt == 3 or all(t == union for t in typings):
            break
        client.cancel(reduces)
        force = _forced(union)
        for k, (t, (i, path, rng)) in enumerate(zip(typings, pieces)):
            if t != union:
                maps[k], forces[k] = submit(i, path, rng, force, True), force
        reduces = submit_reduces(maps)

    done, files = finish(reduces, ends)
    recounted = list(done["recount"])
    if recounted:
        # Fingerprints repeated in some shard: every piece again, with
        # exact (group, value) pairs.
        maps = [submit(i, path, rng, f, False) for f, (i, path, rng) in zip(forces, pieces)]
        reduces = submit_reduces(maps)
        done, files = finish(reduces, ends_of(maps))
        if done["recount"]:
            raise RuntimeError("zeekgraph: exact states asked for a recount of " + ", ".join(done["recount"]))
    report = Report(files=_merged_reports(files), keys=keys or list(SUMMARY_KEYS), recounted=recounted)
    return done["columns"], done["text"], report, done["rows"]


def summarize(paths, by=None, agg=None, where=None, threads=None, client=None, *, log_path="conn", strict=False,
              max_line_bytes=None, memory_limit=None, progress=None, partitions=None, range_bytes=RANGE_BYTES):
    """zeekgraph.summarize() on a Dask cluster: the same DataFrame, value
    for value. `partitions`: reduce tasks (default: one per worker, or one
    per GiB of input if that is more, rounded up to a multiple of the
    workers);
    `range_bytes`: the byte ranges big uncompressed files are cut into.
    `threads`: threads of each map task (default 1: a worker's task slot).
    `progress` is accepted for the local API's sake; Dask's dashboard shows
    the tasks. Errors: those of zeekgraph.summarize()."""
    from .summary import _warn_problems
    columns, _, report, _ = run(paths, by=by, agg=agg, where=where, threads=threads, client=client, log_path=log_path,
                             strict=strict, max_line_bytes=max_line_bytes, memory_limit=memory_limit,
                             partitions=partitions, range_bytes=range_bytes)
    if strict and report.problems_total:
        raise StrictError("stopped at the first problem (strict)")
    _warn_problems(report)
    df = pd.DataFrame({name: values for name, values in columns})
    df.attrs["zeekgraph"] = report
    return df
