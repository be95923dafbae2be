"""zeekgraph: summarize and graph Zeek conn logs, exactly as the Graphistry
tutorial's pandas code does, from a C++ engine.

    import zeekgraph
    df_summary = zeekgraph.summarize("conn.log")      # the tutorial's df_summary
    hg = zeekgraph.hypergraph(df_summary, ['id.orig_h', 'id.resp_h'], direct=True,
                              opts={'CATEGORIES': {'ip': ['id.orig_h', 'id.resp_h']}})
    hg['graph'].plot()                                 # the UI inline in Jupyter, offline
"""
from . import _core  # noqa: F401  (the engine; fails early if the module was not built)
from .errors import InputError, InputWarning, ResourceError, StrictError, UsageError, ZeekgraphError
from .plottable import Graph, Plot, hypergraph
from .summary import FileReport, Problem, Report, rows, summarize

__version__ = "0.1.0"

__all__ = ["summarize", "rows", "hypergraph", "Graph", "Plot", "Report", "FileReport", "Problem",
           "ZeekgraphError", "UsageError", "InputError", "ResourceError", "StrictError", "InputWarning"]
