#!/usr/bin/python3
"""Runs examples/tutorial.ipynb headless (nbclient + ipykernel, Debian's
python3-nbclient and python3-ipykernel) on a generated log, and checks it:

- no cell raised;
- the hypergraph cell printed the three count lines `zeekgraph graph` prints;
- the '# rows' line and the notebook's df_summary (pickled from the kernel
  after the run) equal the tutorial's own pandas code on the same log
  (assert_frame_equal, check_exact=True);
- the plot cell produced the page: an iframe whose srcdoc is, byte for byte,
  the page `zeekgraph graph --html` writes for the log;
- a summarize() in the kernel shows its progress bar, which ends with the
  bytes it read.

usage: notebook_test.py ZEEKGRAPH WORKDIR NOTEBOOK
Exit: 0 pass, 1 fail, 77 nbclient or ipykernel missing (CTest skip).
"""
import html
import os
import re
import shutil
import subprocess
import sys

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "oracle"))
import seed_oracle  # noqa: E402

FAILS = []


def expect(cond, what):
    if not cond:
        FAILS.append(what)
        print(f"FAIL {what}")


def outputs_of(nb, needle):
    cell = next(c for c in nb.cells if c.cell_type == "code" and needle in c.source)
    return cell.outputs


def stream_text(outputs):
    return "".join(o.get("text", "") for o in outputs if o.output_type == "stream" and o.name == "stdout")


def main():
    zg, work, notebook = sys.argv[1], sys.argv[2], sys.argv[3]
    try:
        import nbformat
        from nbclient import NotebookClient
    except ImportError as e:
        print(f"skip: {e} (install python3-nbclient python3-ipykernel python3-nbformat)")
        return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    log = os.path.join(work, "conn.log")
    subprocess.run([zg, "gen", "--rows", "30000", "--seed", "21", "-o", log], check=True)
    big = os.path.join(work, "big.log")
    subprocess.run([zg, "gen", "--rows", "300000", "--seed", "22", "-o", big], check=True)
    page_path = os.path.join(work, "cli.html")
    cli = subprocess.run([zg, "graph", log, "-q", "--no-progress", "--html", page_path], check=True,
                         capture_output=True, text=True)

    nb = nbformat.read(notebook, as_version=4)
    os.environ["CONN_LOG"] = log  # the kernel inherits it
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # ipykernel's debugger: no frozen-modules notice
    pickled = os.path.join(work, "df_summary.pkl")
    client = NotebookClient(nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": work}})
    with client.setup_kernel():
        for i, cell in enumerate(nb.cells):
            client.execute_cell(cell, i)  # raises CellExecutionError on an error
        # The kernel's frame, for the comparison below.
        nb.cells.append(nbformat.v4.new_code_cell(f"df_summary.to_pickle({pickled!r})"))
        client.execute_cell(nb.cells[-1], len(nb.cells) - 1)
        nb.cells.pop()
        # The progress bar, shown at once (not after half a second) so that
        # a short run on one thread shows it.
        nb.cells.append(nbformat.v4.new_code_cell(
            "import zeekgraph.progress\n"
            "zeekgraph.progress._DELAY_S, zeekgraph.progress._POLL_S = 0, 0.01\n"
            f"print('# bar rows', len(zeekgraph.summarize({big!r}, threads=1)))"))
        client.execute_cell(nb.cells[-1], len(nb.cells) - 1)
        bar = nb.cells.pop().outputs
    nbformat.write(nb, os.path.join(work, "executed.ipynb"))

    want = seed_oracle.seed_summary(pd.read_csv(log, sep="\t", header=None, names=seed_oracle.SEED_NAMES,
                                                na_values=['-'], index_col=False))
    got = pd.read_pickle(pickled)
    try:
        pd.testing.assert_frame_equal(got, want, check_exact=True)
    except AssertionError as e:
        expect(False, f"the notebook's df_summary differs from the tutorial's: {e}")
    printed = stream_text(outputs_of(nb, "print ('# rows'"))
    expect(printed == f"# rows {len(want)}\n", f"'# rows' line: {printed!r}, want {len(want)}")
    counts = stream_text(outputs_of(nb, "zeekgraph.hypergraph("))
    expect(counts == cli.stdout, f"count lines {counts!r}, `zeekgraph graph` printed {cli.stdout!r}")
    expect(re.match(r"# links \d+\n# events \d+\n# attrib entities \d+\n$", counts) is not None, "three count lines")

    plot = [o for o in outputs_of(nb, "hg['graph'].plot()") if o.output_type == "execute_result"]
    shown = plot[0]["data"].get("text/html", "") if plot else ""
    m = re.search(r'<iframe srcdoc="([^"]*)"', shown)
    expect(m is not None, "the plot cell shows an iframe with the page")
    if m:
        with open(page_path, encoding="utf-8") as f:
            expect(html.unescape(m.group(1)) == f.read(), "the inline page is the page `zeekgraph graph --html` writes")
    shown_bar = [o["data"].get("text/html", "") for o in bar if o.output_type == "display_data"]
    size_mb = os.path.getsize(big) / 1e6
    expect(len(shown_bar) == 1 and shown_bar[0].startswith(f"<div>zeekgraph read {size_mb:.1f} MB in "),
           f"a progress bar, ending with the bytes read: {shown_bar}")
    expect(stream_text(bar).startswith("# bar rows "), "the run under the bar finished")
    if not FAILS:
        print(f"ok notebook: {len(want)} summary rows equal, counts {counts.splitlines()}, plot page "
              f"{len(shown)} characters")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
