"""`./conclab export` writes every notebook under notebooks/ as a jshell script, and jshell runs them.

Every notebook is exported, by the launcher as a learner runs it; each script must exist, say how to run it, import
what cells see, and end with /exit.

Which scripts need nothing from Jupyter is decided by what the export had to leave out, as each script's head says in
its line `// [conclab export] runs as the notebook: yes|no`: "no" when it left out something that changes what later
cells do (a `%%timeout` cell, which would loop forever; a cell that calls `System.exit`, where jshell would stop
reading; a magic it does not know; `magic(...)` or `check(...)` called from code). What only shows less (the tables of
`%threads`, `%deadlocks` and `%check`, quiz answers, `%%time`'s peak of threads) does not count. Today only
00-start-here, the tour of the kernel itself, says "no" (two `%%timeout` cells and one `System.exit`): the test checks
that its head names those reasons.

Running every "yes" script takes about 9 minutes on 2 cores (10 to 45 s each), so a fixed, named subset, RUN, runs:
one notebook for each kind of translation (the `%threads stop` stub and a commented `%deadlocks`, `%%solution` and
`%check`, `%%check` and `%%answer` cells, `display` of pictures, cells that fail on purpose). Each runs with
jshell, from the notebook's folder, within TIMEOUT seconds. It must read the script to its end (a line this test adds
before `/exit` is printed), and jshell must report no more errors than the script has cells that fail on purpose.

Its printed lines are compared with the notebook's own run: its Run All in JupyterLab, saved (conftest.py's
notebook_run, tests/notebook_runs.py; made once a session, by tests/test_jupyterlab.py in `./conclab test`, or here when
this file runs alone). So the notebooks in RUN execute twice in CI: that Run All, and jshell's run here; the others
once. The criterion for a deterministic line: a line the notebook printed
to stdout that has no digit (counts, times, process ids, thread numbers, sizes all have digits; what is left is the
text a cell prints whatever the machine). Each such line must appear in the script's output at least as often as in
the notebook's: a multiset, not a sequence, since threads print in any order.
"""
import collections
import concurrent.futures
import json
import pathlib
import re
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
RUNS_AS_THE_NOTEBOOK = "// [conclab export] runs as the notebook: "
END = "conclab export test: the script was read to its end"
TIMEOUT = 120
RUN = {   # notebook: why its printed lines are not compared (None: they are)
    "11-threads-and-processes/11.4-locks.ipynb":                # %threads stop (the stub), %deadlocks (commented out)
        "which of two deadlocked threads, interrupted together, gets both locks is a race (the line has no digit)",
    "11-threads-and-processes/11.5-conditions.ipynb": None,     # %%solution and %check
    "11-threads-and-processes/11.11-ipc.ipynb": None,           # a cell that fails on purpose
    "12-coroutines-and-async-io/12.7-generators-send-close-throw.ipynb": None,   # two cells that fail on purpose
    "exercises-demo.ipynb":                                     # %%solution, %%check, %%answer, %check
        "the one line its cells print that is not a magic's is a number",
    "pictures.ipynb":                                           # display(...) and values of the course's pictures
        "every line it prints is a measurement (it has digits); the rest are pictures",
}
JSHELL_ERROR = re.compile(r"^(Error:|Exception (?!in thread )\S+)", re.M)   # jshell's own reports, not a thread's


def ids(path):
    return str(path.relative_to(ROOT / "notebooks"))


@pytest.fixture(scope="module")
def scripts(tmp_path_factory):
    """Every notebook's script, exported by ./conclab export (two at a time): {notebook: (script path, result)}."""
    out = tmp_path_factory.mktemp("scripts")

    def export(path):
        script = out / (path.stem + ".jsh")
        r = subprocess.run([str(ROOT / "conclab"), "export", str(path), "--out", str(script)],
                           capture_output=True, text=True, timeout=600)
        return path, script, r

    first = export(NOTEBOOKS[0])   # alone: it builds the jars if the sources changed
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        return {path: (script, r) for path, script, r in [first, *pool.map(export, NOTEBOOKS[1:])]}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_every_notebook_is_exported(scripts, path):
    script, r = scripts[path]
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith(f"Wrote {script}"), r.stdout
    text = script.read_text()
    assert text.startswith(f"// {path.name}: its code cells as a jshell script"), text[:200]
    assert f"cd {path.parent} && " in text, "the head says to run it from the notebook's folder"
    assert "\nimport java.util.concurrent.*;\n" in text
    assert text.endswith("\n/exit\n")
    assert re.search("^" + re.escape(RUNS_AS_THE_NOTEBOOK) + "(yes|no)$", text, re.M), "the head says whether it runs as the notebook"
    code_cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    assert text.count("\n// ---- cell ") == len(code_cells), "one section per code cell"


def test_the_tour_of_the_kernel_does_not_run_as_the_notebook_and_says_why(scripts):
    text = scripts[ROOT / "notebooks" / "00-start-here.ipynb"][0].read_text()
    assert RUNS_AS_THE_NOTEBOOK + "no\n" in text
    head = text[:text.index(RUNS_AS_THE_NOTEBOOK)]
    assert "%%timeout 2s: the notebook stops this cell after 2s" in head and "(changes what follows)" in head, head
    assert "System.exit ends jshell's reading of the script" in head, head


def test_the_named_subset_runs_as_the_notebook(scripts):
    for name in RUN:
        text = scripts[ROOT / "notebooks" / name][0].read_text()
        assert RUNS_AS_THE_NOTEBOOK + "yes\n" in text, f"{name} is in RUN but its script does not run as the notebook"


def notebook_lines(nb):
    """The deterministic lines the notebook's run (its saved copy, nb) printed to stdout (see the module's docstring)."""
    lines = []
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if re.search(r"^%", source, re.M) and not re.match(r"%%(solution|time)\b", source):
            continue   # what a magic printed: the script translates or comments it out
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                text = "".join(output["text"]) if isinstance(output["text"], list) else output["text"]
                lines += [line.strip() for line in text.splitlines() if line.strip() and not re.search(r"\d", line)]
    return lines


@pytest.mark.parametrize("name", RUN)
def test_jshell_runs_the_script_and_prints_what_the_notebook_printed(scripts, notebook_run, name):
    """Runs the script in jshell to its end; compares its printed lines with the notebook's run (module docstring)."""
    path = ROOT / "notebooks" / name
    script, _ = scripts[path]
    text = script.read_text()
    script.write_text(text[:-len("/exit\n")] + f'System.out.println("{END}");\n/exit\n')
    r = subprocess.run([str(ROOT / "conclab"), "jshell", str(script)], cwd=path.parent, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert END in r.stdout, "jshell stopped before the end of the script:\n" + r.stdout[-3000:] + r.stderr[-3000:]
    failing_on_purpose = text.count("this cell fails on purpose")
    errors = JSHELL_ERROR.findall(r.stderr)
    assert len(errors) <= failing_on_purpose, f"{len(errors)} errors, {failing_on_purpose} cells fail on purpose:\n" + r.stderr[-3000:]

    if RUN[name]:
        return   # it ran to its end; its printed lines are not compared, for the reason RUN gives
    expected = notebook_lines(notebook_run(path).nb)
    printed = collections.Counter(line.strip() for line in r.stdout.splitlines())
    missing = collections.Counter(expected) - printed
    assert expected, f"the notebook printed no line without digits: compare another notebook"
    assert not missing, "lines the notebook printed that the script did not:\n" + "\n".join(missing.elements()) \
                        + "\n--- the script printed:\n" + r.stdout[-3000:]
