"""Every notebook under notebooks/ runs top to bottom on the conclab kernel, as CI and a learner run it.

A cell tagged `raises-exception` may fail, and must: a tag that no longer matches what the cell does is a
mistake. Notebooks are committed with their outputs cleared (NOTEBOOKS.md), unless a cell says why it keeps
its output (metadata `conclab.keep_output`), and with the conclab kernel in their metadata.
"""
import pathlib
import time

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXECUTED = ROOT / "tests" / ".reports" / "executed"   # each run's notebooks with their outputs, for reading
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
KERNELSPEC = {"name": "conclab", "display_name": "Java 25 (conclab)", "language": "java"}


def ids(path):
    return str(path.relative_to(ROOT / "notebooks"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found under notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_notebook_is_committed_clean(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec") == KERNELSPEC
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and not cell.metadata.get("conclab", {}).get("keep_output"):
            assert not cell.outputs and cell.execution_count is None, f"cell {i} was committed with its output"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_notebook_runs(path):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="conclab", timeout=180, startup_timeout=60, allow_errors=False,
                            resources={"metadata": {"path": str(path.parent)}})
    started = time.monotonic()
    try:
        client.execute()
    finally:
        seconds = time.monotonic() - started
        nb.metadata.setdefault("conclab", {})["executed_seconds"] = round(seconds, 1)
        out = EXECUTED / ids(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        failed = any(o.output_type == "error" for o in cell.outputs)
        if "raises-exception" in cell.metadata.get("tags", []):
            assert failed, f"cell {i} is tagged raises-exception but ran without error"
    print(f"{ids(path)} ran in {seconds:.1f} s")
