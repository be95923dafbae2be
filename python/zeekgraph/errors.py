"""The exceptions zeekgraph raises, and the warning for bad input.

Every error from the engine is a ZeekgraphError whose text is the engine's
message, the faulty text with a caret under the fault (for `where`), and the
hint, as the command-line tool prints them. The parts are attributes too:
`kind` ('usage', 'io', 'format', 'corrupt', 'resource', 'strict'),
`message`, `hint`, `source` and `at` (the fault's offset in `source`, or None).
"""


class ZeekgraphError(Exception):
    """An error the engine reported."""

    kind = ""
    message = ""
    hint = ""
    source = ""
    at = None


class UsageError(ZeekgraphError, ValueError):
    """A malformed query: `by`, `agg`, `where`, or a column the input lacks."""


class InputError(ZeekgraphError, OSError):
    """An input that is missing, unreadable, or not a log at all."""


class ResourceError(ZeekgraphError, MemoryError):
    """The summary's tables would pass `memory_limit`."""


class StrictError(ZeekgraphError):
    """`strict=True`, and the input had a problem."""


class InputWarning(UserWarning):
    """Lines were rejected or files were damaged; the run went on without them."""
