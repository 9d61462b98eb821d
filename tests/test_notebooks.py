"""The notebooks run top to bottom headless (nbclient), and are committed without outputs."""

from __future__ import annotations

import time
from pathlib import Path

import nbclient
import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
ALL = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))


def test_the_four_notebooks_exist():
    assert ALL[:4] == ["01_educators.ipynb", "02_researchers.ipynb", "03_insole_designers.ipynb",
                       "04_shock_absorption.ipynb"]


@pytest.mark.parametrize("name", ALL)
def test_committed_without_outputs(name):
    book = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(book)
    code = [c for c in book.cells if c.cell_type == "code"]
    assert code, f"{name} has no code"
    for c in code:
        assert c.outputs == [] and c.execution_count is None, \
            f"{name}: a cell has outputs; strip them (jupyter nbconvert --clear-output --inplace)"


@pytest.mark.slow
@pytest.mark.parametrize("name", ALL)
def test_notebook_runs(name, tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    book = nbformat.read(NOTEBOOKS / name, as_version=4)
    t0 = time.perf_counter()
    client = nbclient.NotebookClient(book, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()             # raises CellExecutionError with the cell and its traceback
    errors = [o for c in book.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors
    figures = sum("image/png" in o.get("data", {}) for c in book.cells
                  if c.cell_type == "code" for o in c.outputs)
    assert figures >= 2, f"{name} drew {figures} figures"
    print(f"{name}: {time.perf_counter() - t0:.1f} s")
