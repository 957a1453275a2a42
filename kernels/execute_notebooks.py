"""Executes notebooks headless through the real GoNB kernel and fails on any cell error.

usage: .venv/bin/python kernels/execute_notebooks.py [--refresh] [notebook.ipynb ...]
(default: every notebook in notebooks/). Executed copies, with their full outputs, go to
results/notebooks/. MOLRG_HEADLESS=1 tells the notebooks that no browser answers
kernel-backed widgets, so they use their default values (see pkg/plot.Headless); explorers
(pkg/plot.Explorer) are plain HTML and come out complete and working.

Committed outputs. So that a reader on a code host (GitHub) sees every figure without running
anything, notebooks can carry their outputs in the repository, in a compact form: each
explorer keeps its default frame and a note, and drops its controls, its other frames and its
script (the parts between <!--molrg-live-begin--> and <!--molrg-live-end-->; JupyterLab would
not run that script in an untrusted notebook anyway); execution timings are dropped, each cell's
text output merged into one block placed before its figures (the interleaving of text and figures
varies from run to run), and paths inside the checkout written relative to it. Every
code cell records the SHA-1 of its source in its metadata ("molrg": {"source_sha1": ...}) and
the notebook is marked ("molrg": {"outputs": "committed"}).

  --refresh   write the executed notebooks back into notebooks/ in that compact form
              (`make notebooks`).
  (default)   for every executed notebook marked as committed, check that its committed
              outputs are fresh: every code cell's recorded hash matches its source, and every
              code cell has the same number of figures and explorers as in this run. A
              notebook edited without `make notebooks` fails here.
"""
import hashlib
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

root = Path(__file__).resolve().parent.parent
out_dir = root / "results" / "notebooks"
LIVE = re.compile(r"<!--molrg-live-begin-->.*?<!--molrg-live-end-->", re.S)


def source_sha1(cell) -> str:
    return hashlib.sha1(cell.source.encode("utf-8")).hexdigest()


def html_of(output) -> str:
    h = output.get("data", {}).get("text/html", "")
    return "".join(h) if isinstance(h, list) else h


def shape(nb) -> list:
    """Per code cell: (number of figures, number of explorers) among its outputs."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        html = "".join(html_of(o) for o in cell.get("outputs", []))
        out.append((html.count('class="molrg-figure"'), html.count('class="molrg-explorer"')))
    return out


def coalesce(outputs) -> list:
    """Merges consecutive stream outputs of the same stream: how a program's output is cut into
    messages depends on timing, and the committed copy should not."""
    out = []
    for o in outputs:
        if o.get("output_type") == "stream" and out and out[-1].get("output_type") == "stream" and out[-1].get("name") == o.get("name"):
            text = lambda x: "".join(x) if isinstance(x, list) else x
            out[-1]["text"] = text(out[-1]["text"]) + text(o["text"])
        else:
            out.append(o)
    return out


def compact(nb):
    """The committed form of an executed notebook (see the module doc)."""
    nb = nbformat.from_dict(nb)  # a copy
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        cell.metadata["molrg"] = {"source_sha1": source_sha1(cell)}
        # Text first, then figures: the program's stdout and its displays reach the kernel through
        # different pipes, so their interleaving varies from run to run.
        outs = cell.get("outputs", [])
        cell.outputs = coalesce([o for o in outs if o.get("output_type") == "stream"]) + \
            [o for o in outs if o.get("output_type") != "stream"]
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":  # paths in this checkout, as the reader's own
                o["text"] = ("".join(o["text"]) if isinstance(o["text"], list) else o["text"]).replace(str(root) + "/", "")
            if "text/html" in o.get("data", {}):
                o["data"]["text/html"] = LIVE.sub("", html_of(o))
            o.get("metadata", {}).pop("execution", None)
    nb.metadata["molrg"] = {"outputs": "committed"}
    return nb


def check_fresh(path: Path, executed) -> list:
    """Problems of the committed outputs of path, compared with this run."""
    committed = nbformat.read(path, as_version=4)
    if committed.metadata.get("molrg", {}).get("outputs") != "committed":
        return []
    problems = []
    for i, cell in enumerate(committed.cells):
        if cell.cell_type != "code":
            continue
        recorded = cell.metadata.get("molrg", {}).get("source_sha1")
        if recorded != source_sha1(cell):
            problems.append(f"cell {i}: the committed outputs belong to another version of its code")
        if not cell.get("outputs") and executed.cells[i].get("outputs"):
            problems.append(f"cell {i}: no committed outputs")  # (a cell of declarations alone prints nothing)
    a, b = shape(committed), shape(executed)
    if a != b:
        problems.append(f"figures and explorers per code cell: committed {a}, this run {b}")
    if problems:
        problems.append("refresh them with `make notebooks`")
    else:
        # Not a failure (other machines and backends may round differently), but worth a note:
        # outputs that differ from this run usually mean that pkg/ changed since the refresh.
        fresh = compact(executed)
        differ = sum(1 for c, f in zip(committed.cells, fresh.cells)
                     if c.cell_type == "code" and [html_of(o) or o.get("text") for o in c.outputs] != [html_of(o) or o.get("text") for o in f.outputs])
        if differ:
            print(f"note {path.name}: {differ} code cells print or draw something else than their committed outputs "
                  "(did pkg/ change? `make notebooks` refreshes them)", flush=True)
    return problems


def run(path: Path, refresh: bool) -> bool:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="gonb", timeout=1200, startup_timeout=120, record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    t0 = time.time()
    ok = True
    cells = []
    try:
        with client.setup_kernel():
            for i, cell in enumerate(nb.cells):
                c0 = time.time()
                client.execute_cell(cell, i)
                if cell.cell_type == "code":
                    cells.append(time.time() - c0)
    except CellExecutionError as e:
        ok = False
        print(f"FAIL {path.name}: {str(e)[:4000]}", flush=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out_dir / path.name)
    lat = ", ".join(f"{c:.1f}" for c in cells)
    print(f"{'ok  ' if ok else 'FAIL'} {path.name}: {time.time() - t0:.1f}s (code cells: {lat} s)", flush=True)
    if ok and refresh:
        nbformat.write(compact(nb), path)
        print(f"     {path.name}: committed outputs refreshed ({path.stat().st_size // 1024} KB)", flush=True)
    elif ok:
        problems = check_fresh(path, nb)
        for p in problems:
            print(f"STALE {path.name}: {p}", flush=True)
        ok = not problems
    return ok


def main() -> int:
    os.environ["MOLRG_HEADLESS"] = "1"
    args = sys.argv[1:]
    refresh = "--refresh" in args
    args = [a for a in args if a != "--refresh"]
    paths = [Path(p).resolve() for p in args] or sorted((root / "notebooks").glob("[0-9]*.ipynb"))
    if not paths:
        print("no notebooks found")
        return 1
    results = [run(p, refresh) for p in paths]
    failed = results.count(False)
    print(f"notebooks: {len(results) - failed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
