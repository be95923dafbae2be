"""summarize() and rows(): the engine's summary as a pandas DataFrame, and the
raw connections behind a question."""
import json
import os
import warnings
from dataclasses import dataclass, field
from typing import List

import pandas as pd

from . import _core, progress as _progress
from .errors import InputWarning, StrictError

# The tutorial's group keys: what `by=None` means.
SUMMARY_KEYS = ["id.orig_h", "id.resp_h", "conn_state"]


@dataclass
class Problem:
    kind: str            # "field-count", "bad-number", "gzip-truncated", ...
    rejects_line: bool   # False for problems that describe the file
    line: int            # 1-based line in the (decompressed) stream; 0 = the file
    byte_offset: int
    column: str
    message: str
    hint: str
    excerpt: str


@dataclass
class FileReport:
    """What reading one input found: lines_read == rows_used + rows_rejected
    + rows_null_key + rows_filtered; '#' lines are counted apart."""
    path: str
    format: str          # 'zeek-tsv', 'headerless-tsv', 'zeek-json'
    gzip: bool
    bytes: int           # decompressed bytes read
    lines_read: int
    header_lines: int
    rows_used: int
    rows_rejected: int
    rows_null_key: int
    rows_filtered: int   # dropped by `where`
    schema_changes: int
    problems_total: int
    problems: List[Problem] = field(default_factory=list)  # the first few; problems_total counts all


@dataclass
class Report:
    """A run's accounting, as `zeekgraph summarize --report` writes it.
    A summary frame carries it as df.attrs['zeekgraph']."""
    files: List[FileReport]
    keys: List[str]                 # the group keys: the frame's first columns
    retyped: List[str] = field(default_factory=list)
    recounted: List[str] = field(default_factory=list)
    resummed: bool = False
    unordered: bool = False
    passes: int = 1

    @property
    def lines_read(self):
        return sum(f.lines_read for f in self.files)

    @property
    def rows_used(self):
        return sum(f.rows_used for f in self.files)

    @property
    def rows_rejected(self):
        return sum(f.rows_rejected for f in self.files)

    @property
    def rows_null_key(self):
        return sum(f.rows_null_key for f in self.files)

    @property
    def rows_filtered(self):
        return sum(f.rows_filtered for f in self.files)

    @property
    def problems_total(self):
        return sum(f.problems_total for f in self.files)


def _file_report(d):
    d = dict(d)
    d["problems"] = [Problem(**p) for p in d["problems"]]
    return FileReport(**d)


def _inputs(paths):
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    out = [os.fsdecode(p) for p in paths]
    if not out:
        raise ValueError("no inputs: give a path, a directory, a glob, or a list of them")
    return out


def _names(v, what):
    if v is None:
        return []
    if isinstance(v, str):
        return [s for s in v.split(",") if s]
    if isinstance(v, (list, tuple)):
        return [str(s) for s in v]
    raise TypeError(f"{what} must be a column name, a comma-separated string or a list of names")


def agg_spec(agg):
    """`agg` as the CLI's --agg text: a dict such as pandas' .agg() takes
    ({'duration': ['min', 'max'], 'uid': 'nunique'}; a key 'total=a+b'
    derives a column), or the CLI's text itself ('duration:min,max;uid:nunique')."""
    if agg is None:
        return ""
    if isinstance(agg, str):
        return agg
    if isinstance(agg, dict):
        parts = []
        for col, fns in agg.items():
            fns = [fns] if isinstance(fns, str) else list(fns)
            if not fns or any(not isinstance(f, str) for f in fns):
                raise TypeError(f"agg[{col!r}] must name functions: min, max, size, count, nunique, sum, mean")
            parts.append(f"{col}:{','.join(fns)}")
        return ";".join(parts)
    raise TypeError("agg must be a dict {column: [functions]} or the CLI's --agg text")


def _size(v, what):
    if v is None:
        return 0
    if isinstance(v, int) and v > 0:
        return v
    if isinstance(v, str):
        units = {"": 0, "B": 0, "K": 10, "KiB": 10, "M": 20, "MiB": 20, "G": 30, "GiB": 30}
        num = v.rstrip("KMGiB")
        if num.isdigit() and v[len(num):] in units and int(num) > 0:
            return int(num) << units[v[len(num):]]
    raise ValueError(f"{what} {v!r} is not a size: give a positive number of bytes, or text such as '512M' or '8G'")


def _warn_problems(report):
    for f in report.files:
        if f.problems_total:
            first = f.problems[0] if f.problems else None
            at = f"line {first.line}: " if first and first.line else ""
            detail = f"; first: {at}{first.message}" if first else ""
            warnings.warn(f"zeekgraph: {f.path}: {f.rows_rejected} of {f.lines_read} lines rejected, "
                          f"{f.problems_total} problem(s){detail}", InputWarning, stacklevel=3)
    if report.unordered:
        warnings.warn("zeekgraph: a result depends on row order and stdin cannot be read again: its last "
                      "digits or sign may differ from pandas; use threads=1 for pandas' result",
                      InputWarning, stacklevel=3)


def summarize(paths, by=None, agg=None, where=None, threads=None, client=None, *, log_path="conn",
              strict=False, max_line_bytes=None, memory_limit=None, progress=None):
    """The summary of Zeek logs as a pandas DataFrame.

    With default arguments it is the Graphistry tutorial's df_summary: one
    row per (id.orig_h, id.resp_h, conn_state), its 24 columns, dtypes,
    RangeIndex and values exactly as the tutorial's pandas code makes them
    (a header log's `ts` plays the tutorial's `time`).

    paths: a file, a directory (its conn logs, recursively), a glob, or a list
        of them; gzip is detected by its magic bytes.
    by: group keys, a list or 'a,b' (default: id.orig_h, id.resp_h, conn_state).
    agg: {'column': ['min', 'max', ...]} or the CLI's --agg text.
    where: the CLI's --where expression, such as
        'id.orig_h in 192.168.0.0/16 and conn_state in ["S0", "REJ"]'.
    threads: reading threads (default: every core).
    client: a dask.distributed Client: run on its cluster
        (zeekgraph.distributed.summarize).
    log_path: in directories, read files whose name contains this ('*': all).
    strict: raise StrictError at any input problem instead of counting it.
    max_line_bytes, memory_limit: bytes, or text such as '8G'.
    progress: show a progress bar (default: in a notebook or on a terminal).

    The frame's df.attrs['zeekgraph'] is a Report: per-file lines read, used,
    rejected, dropped for a null key; bad lines also raise an InputWarning.
    Errors: UsageError (a bad by/agg/where, a column no input has),
    InputError (missing or unreadable inputs), ResourceError (memory_limit),
    StrictError.
    """
    if client is not None:
        from . import distributed
        return distributed.summarize(paths, by=by, agg=agg, where=where, threads=threads, client=client,
                                     log_path=log_path, strict=strict, max_line_bytes=max_line_bytes,
                                     memory_limit=memory_limit, progress=progress)
    req = _core.SummarizeRequest()
    req.inputs = _inputs(paths)
    keys = _names(by, "by")
    req.by = ",".join(keys)
    req.agg = agg_spec(agg)
    req.where = where or ""
    req.threads = int(threads or 0)
    req.log_path = log_path
    req.strict = bool(strict)
    req.max_line_bytes = _size(max_line_bytes, "max_line_bytes")
    req.memory_limit = _size(memory_limit, "memory_limit")
    show = _progress.wanted(progress)
    total = _core.list_inputs(req)[1] if show else 0
    res = _progress.run(lambda counter: _core.summarize(req, counter), total, show)
    report = Report(files=[_file_report(f) for f in res["files"]], keys=keys or list(SUMMARY_KEYS),
                    retyped=list(res["retyped"]), recounted=list(res["recounted"]), resummed=res["resummed"],
                    unordered=res["unordered"], passes=res["passes"])
    if res["stopped"] or (strict and report.problems_total):
        bad = next((f for f in report.files if f.problems_total), None)
        where_at = f" in {bad.path}" if bad else ""
        first = f": line {bad.problems[0].line}: {bad.problems[0].message}" if bad and bad.problems else ""
        e = StrictError(f"stopped at the first problem (strict){where_at}{first}")
        e.kind, e.message = "strict", str(e)
        raise e
    _warn_problems(report)
    df = pd.DataFrame({name: values for name, values in res["columns"]})
    df.attrs["zeekgraph"] = report
    return df


def rows(paths, where=None, columns=None, limit=None, *, offset=0, log_path="conn"):
    """The raw connections that `where` matches, in input order, as a
    DataFrame: Zeek's values typed as Zeek's JSON writes them (a headerless
    log's `time` is `ts`), unset fields NaN.

    columns: the columns to keep (default: every column of the first input).
    limit: at most this many rows; offset: matching rows skipped first.
    The frame's df.attrs['zeekgraph'] is a Report of the files read.
    Errors: UsageError, InputError, as summarize().
    """
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise ValueError("limit must be a non-negative int or None")
    inputs = _inputs(paths)
    cols = _names(columns, "columns")
    # The engine's limit 0 means every row; limit=0 here means none (the
    # columns are still checked, and named).
    engine_limit = 1 if limit == 0 else int(limit or 0)
    data, files, names = _core.rows(inputs, where or "", cols, int(offset), engine_limit, log_path)
    records = [] if limit == 0 else [json.loads(line) for line in data.splitlines()]
    df = pd.DataFrame.from_records(records, columns=list(names)) if records else \
        pd.DataFrame({n: pd.Series([], dtype=object) for n in names})
    report = Report(files=[_file_report(f) for f in files], keys=[])
    _warn_problems(report)
    df.attrs["zeekgraph"] = report
    return df
