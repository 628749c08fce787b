"""Every notebook under notebooks/ runs top to bottom on the conclab kernel, as CI and a learner run it.

The run these tests read is the notebook's one run in JupyterLab: Run All in Chromium, saved by the browser
(conftest.py's notebook_run, tests/notebook_runs.py; tests/test_jupyterlab.py checks what the page showed). It is made
when the first test that needs it asks, once per session, and written to tests/.reports/executed/, which
tests/test_site.py builds the site from. Which runs execute each notebook in CI: that Run All, and, for the notebooks
tests/test_notebooks_export.py names, jshell's run of the exported script. Without Chromium (never in CI) nbclient runs
the notebook instead.

A cell tagged `raises-exception` may fail, and must: a tag that no longer matches what the cell does is a
mistake. Notebooks are committed with their outputs cleared (notebooks/CONVENTIONS.md), unless a cell says why it keeps
its output (metadata `conclab.keep_output`), and with the conclab kernel in their metadata. Each check
table in an executed notebook matches its exercise.properties (points and descriptions). A lecture says what
it teaches in three bullets, and keeps its code cells short (CONVENTIONS.md, "Shape of a lecture"). A cell that
uses what only Linux has (LINUX_ONLY_PATTERNS) says so with %%linux-only, or checks the operating system first.
"""
import pathlib
import re

import nbformat
import pytest

from notebook_runs import NOTEBOOKS

ROOT = pathlib.Path(__file__).resolve().parent.parent
KERNELSPEC = {"name": "conclab", "display_name": "Java 25 (conclab)", "language": "java"}
EXERCISES = ROOT / "grader" / "src" / "main" / "resources" / "conclab" / "exercises"


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


LECTURES = [p for p in NOTEBOOKS if re.match(r"1[12]\.\d+-", p.name)]
MAX_CELL_LINES = 20
YOU_WILL_LEARN = re.compile(r"You will learn[^\n]*\n+((?:[-*] .*\n?(?:[ \t]+\S.*\n?)*)+)")


@pytest.mark.parametrize("path", LECTURES, ids=ids)
def test_lecture_has_three_bullets_and_short_cells(path):
    """CONVENTIONS.md: "You will learn" with three bullets; no code cell over 20 lines, except exercise cells and a
    cell that says in its metadata (conclab.long_cell) why its length is the point."""
    nb = nbformat.read(path, as_version=4)
    opening = next(c.source for c in nb.cells if c.cell_type == "markdown")
    m = YOU_WILL_LEARN.search(opening)
    assert m, "the first markdown cell has no \"You will learn\" list"
    bullets = re.findall(r"^[-*] ", m.group(1), re.M)
    assert len(bullets) == 3, f"\"You will learn\" has {len(bullets)} bullets, not 3"
    for i, cell in enumerate(nb.cells):
        lines = len(cell.source.splitlines())
        if cell.cell_type != "code" or lines <= MAX_CELL_LINES or re.match(r"\s*%%(solution|answer)\b", cell.source):
            continue
        why = cell.metadata.get("conclab", {}).get("long_cell")
        assert why, f"cell {i} has {lines} lines (at most {MAX_CELL_LINES}): split it, or say in its metadata " \
                    f"(conclab.long_cell) why its length is the point"


# What only Linux has (the README promises Linux or macOS). A code cell that uses any of these must start with
# "%%linux-only WHAT DIFFERS ELSEWHERE" (the kernel then runs it on Linux only, and elsewhere prints the sentence) or
# read System.getProperty("os.name") before its first use, and do something that holds elsewhere. Matched in the
# code with its comments taken out; add a pattern here when a notebook starts using another Linux-only facility.
LINUX_ONLY_PATTERNS = {
    r"/proc\b": "the proc file system (/proc/self/..., /proc/PID/...): macOS has none",
    r"/sys\b": "sysfs",
    r"\btaskset\b": "taskset, util-linux's CPU pinning",
    r"\bEPoll\w*": "the JDK's epoll classes (EPollSelectorImpl, EPollPoller, EPollPort): macOS has kqueue",
    r"\bKind\.EPOLL\b": "the epoll series of conclab.io.SelectorCost",
    r"\bSignalDrivenSocket\b": "SIGIO through the FFM API (conclab.io.SignalDrivenSocket)",
    r"\b(nr_open|file-max|pid_max|threads-max|ip_local_port_range|somaxconn)\b": "Linux's kernel settings",
}
LINUX_ONLY = re.compile("|".join(f"(?:{p})" for p in LINUX_ONLY_PATTERNS))
JAVA_COMMENT = re.compile(r"/\*.*?\*/|(?<![:\w\"])//[^\n]*", re.S)   # not the // of "http://"
LINUX_ONLY_MAGIC = re.compile(r"\s*%%linux-only[ \t]+\S")
CHECKS_OS = 'System.getProperty("os.name")'


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_linux_only_cells_check_the_os(path):
    """Issue 14: every code cell that uses what only Linux has (LINUX_ONLY_PATTERNS) starts with %%linux-only and a
    sentence saying what differs elsewhere (with no quote or backslash: the kernel splits it into words as a shell
    does, so "a process's state" would print as "a processs state"), or checks os.name before its first Linux-only use."""
    nb = nbformat.read(path, as_version=4)
    bad = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and LINUX_ONLY_MAGIC.match(cell.source):
            said = cell.source.splitlines()[0]
            if re.search(r"['\"\\\\]", said):   # the kernel splits a magic's arguments as a shell does (Args.split)
                bad.append(f"cell {i}: its %%linux-only sentence has a quote or a backslash, which the kernel would drop: {said}")
            continue
        if cell.cell_type != "code":
            continue
        code = JAVA_COMMENT.sub("", cell.source)
        use = LINUX_ONLY.search(code)
        if use and not (0 <= code.find(CHECKS_OS) < use.start()):
            bad.append(f"cell {i} uses {use.group(0)!r} with no %%linux-only and no os.name check before it")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_notebook_runs(notebook_run, path):
    """Every code cell ran; a cell that failed is tagged raises-exception, and every tagged cell failed."""
    run = notebook_run(path)
    assert run.problem is None, run.problem
    nb = run.nb
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, f"cell {i} did not run"
        failed = [o for o in cell.outputs if o.output_type == "error"]
        if "raises-exception" in cell.metadata.get("tags", []):
            assert failed, f"cell {i} is tagged raises-exception but ran without error"
        else:
            assert not failed, f"cell {i} failed: {failed[0].ename}: {failed[0].evalue}\n{cell.source[:300]}"
    print(f"{ids(path)} ran in {run.seconds:.1f} s")


# The check table as grader/src/main/java/conclab/grader/Feedback.text prints it: a headline
# "NAME: X of Y points", with " (public tests; K more point(s) is/are graded by hidden tests)" when hidden
# properties add points, then a row "  %-9s %d/%d  DESCRIPTION" per property checked.
HEADLINE = re.compile(r"^(?P<name>[\w.-]+): (?P<got>\d+) of (?P<max>\d+) points?"
                      r"(?: \(public tests; (?P<hidden>\d+) more points? (?:is|are) graded by hidden tests\))?$")
ROW = re.compile(r"^  (?:✔ passed|✘ failed|not done|not run) *(?P<got>\d+)/(?P<max>\d+)  (?P<text>.*)$")


def java_properties(path):
    """The keys and values of a .properties file, as java.util.Properties.load reads them (continuation
    lines, comments, escapes)."""
    logical, pending = [], ""
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.lstrip()
        if not pending and (not line or line[0] in "#!"):
            continue
        trailing = len(line) - len(line.rstrip("\\"))
        if trailing % 2:
            pending += line[:-1]
            continue
        logical.append(pending + line)
        pending = ""
    if pending:
        logical.append(pending)
    props = {}
    for line in logical:
        m = re.match(r"((?:[^\\=:\s]|\\.)*)\s*[=:]?\s*(.*)$", line, re.S)
        props[unescape(m.group(1))] = unescape(m.group(2))
    return props


def unescape(s):
    return re.sub(r"\\(u[0-9a-fA-F]{4}|.)", lambda m: chr(int(m.group(1)[1:], 16)) if len(m.group(1)) == 5
                  else {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}.get(m.group(1), m.group(1)), s)


def public_table(name):
    """(public points, hidden points, [(points, description)] of the public properties, in the order the
    check lists them) of exercise NAME, from its exercise.properties; None when there is no such exercise."""
    path = EXERCISES / name / "exercise.properties"
    if not path.is_file():
        return None
    p = java_properties(path)
    if p["kind"].strip() != "code":   # a quiz: one public property, its title
        return int(p["points"]), 0, [(int(p["points"]), p["title"].strip())]
    rows, hidden = [], 0
    for prop in (s.strip() for s in p["properties"].split(",") if s.strip()):
        points, scope, text = (part.strip() for part in p["property." + prop].split("|", 2))
        if scope == "hidden":
            hidden += int(points)
        else:
            rows.append((int(points), text))
    return sum(points for points, _ in rows), hidden, rows


def check_tables(nb):
    """The check tables in the outputs of executed notebook nb: [(cell index, name, headline match, rows)]."""
    tables = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.outputs:
            text = out.get("data", {}).get("text/plain", "") if "data" in out else out.get("text", "")
            lines = text.splitlines()
            for j, line in enumerate(lines):
                head = HEADLINE.match(line)
                if not head or not (EXERCISES / head["name"] / "exercise.properties").is_file():
                    continue
                rows = []
                for row in lines[j + 1:]:
                    if HEADLINE.match(row):
                        break
                    if m := ROW.match(row):
                        rows.append((int(m["max"]), m["text"]))
                tables.append((i, head["name"], head, rows))
    return tables


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_check_tables_match_exercises(notebook_run, path):
    """On the notebook's run (the copy saved after Run All): every check cell shows a table whose points (public
    and hidden) and rows are those of the exercise's exercise.properties."""
    nb = notebook_run(path).nb
    tables = check_tables(nb)
    shown = {i for i, *_ in tables}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and re.match(r"\s*%%?check\s", cell.source):
            assert i in shown, f"cell {i} ({cell.source.splitlines()[0]}) shows no check table"
    for i, name, head, rows in tables:
        public, hidden, expected = public_table(name)
        where = f"cell {i}, {name} (grader/src/main/resources/conclab/exercises/{name}/exercise.properties)"
        assert int(head["max"]) == public, \
            f"{where}: the table says {head['max']} public points, the public properties add up to {public}"
        said = int(head["hidden"] or 0)
        assert said == hidden, \
            f"{where}: the table says {said} more points are hidden, the hidden properties add up to {hidden}"
        for points, text in expected:
            assert (points, text) in rows, f"{where}: no row '{points}/{points}  {text}' in the table: {rows}"
        assert rows == expected, f"{where}: the table's rows {rows} are not the public properties {expected}"
