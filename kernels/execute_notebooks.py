"""Executes notebooks headless through the real GoNB kernel and fails on any cell error.

usage: .venv/bin/python kernels/execute_notebooks.py [notebook.ipynb ...]
(default: every notebook in notebooks/). Executed copies, with their outputs, go to
results/notebooks/. MOLRG_HEADLESS=1 tells the notebooks that no browser answers
widgets, so they use their default values (see pkg/plot.Headless).
"""
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

root = Path(__file__).resolve().parent.parent
out_dir = root / "results" / "notebooks"


def run(path: Path) -> bool:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="gonb", timeout=1200, startup_timeout=120,
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
    return ok


def main() -> int:
    os.environ["MOLRG_HEADLESS"] = "1"
    paths = [Path(p).resolve() for p in sys.argv[1:]] or sorted((root / "notebooks").glob("*.ipynb"))
    if not paths:
        print("no notebooks found")
        return 1
    results = [run(p) for p in paths]
    failed = results.count(False)
    print(f"notebooks: {len(results) - failed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
