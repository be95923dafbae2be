"""A progress bar for long engine calls: the call runs on a thread (the
engine releases the GIL), while this one polls the engine's byte counter.
In a Jupyter kernel the bar is an HTML element updated in place; on a
terminal it is drawn on stderr as the CLI draws it. Runs shorter than half
a second show nothing. Ctrl-C returns control at once; the engine, which
cannot be stopped midway, finishes that run on its thread."""
import sys
import threading
import time

from . import _core

_DELAY_S = 0.5
_POLL_S = 0.2


def in_notebook():
    """True inside a Jupyter kernel (an IPython shell with a kernel)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def wanted(progress):
    """progress=None means: in a notebook, or when stderr is a terminal."""
    if progress is not None:
        return bool(progress)
    return in_notebook() or sys.stderr.isatty()


class _notebook_bar:
    def __init__(self):
        from IPython.display import HTML, display
        self._html = HTML
        self._handle = display(HTML(self._render(0, 0, 0)), display_id=True)

    @staticmethod
    def _render(frac, done, secs):
        rate = done / 1e6 / secs if secs > 0 else 0.0
        return (f'<div><progress value="{frac:.4f}" max="1" style="width:24em"></progress> '
                f'<span>{frac * 100:5.1f}% &middot; {done / 1e6:.1f} MB &middot; {rate:.1f} MB/s</span></div>')

    def update(self, frac, done, secs):
        self._handle.update(self._html(self._render(frac, done, secs)))

    def close(self, done, secs):
        rate = done / 1e6 / secs if secs > 0 else 0.0
        self._handle.update(self._html(
            f"<div>zeekgraph read {done / 1e6:.1f} MB in {secs:.1f} s ({rate:.1f} MB/s)</div>"))


class _terminal_bar:
    def update(self, frac, done, secs):
        fill = int(frac * 30)
        rate = done / 1e6 / secs if secs > 0 else 0.0
        sys.stderr.write(f"\r[{'#' * fill}{' ' * (30 - fill)}] {frac * 100:5.1f}% {done / 1e6:8.1f} MB {rate:6.1f} MB/s")
        sys.stderr.flush()

    def close(self, done, secs):
        sys.stderr.write("\r" + " " * 70 + "\r")
        sys.stderr.flush()


def run(call, total_bytes, show):
    """Returns call(counter), counter being a _core.Progress or None, with a
    bar while it runs. Exceptions from the call are raised here."""
    if not show:
        return call(None)
    counter = _core.Progress()
    outcome = {}

    def work():
        try:
            outcome["value"] = call(counter)
        except BaseException as e:  # handed to the caller's thread
            outcome["error"] = e

    worker = threading.Thread(target=work, name="zeekgraph", daemon=True)
    start = time.monotonic()
    worker.start()
    bar = None
    while worker.is_alive():
        worker.join(_POLL_S)
        secs = time.monotonic() - start
        if worker.is_alive() and secs >= _DELAY_S:
            if bar is None:
                bar = _notebook_bar() if in_notebook() else _terminal_bar()
            done = counter.bytes
            bar.update(min(1.0, done / total_bytes) if total_bytes else 0.0, done, secs)
    if bar is not None:
        bar.close(counter.bytes, time.monotonic() - start)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
