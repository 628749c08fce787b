"""The instructor's tools end to end, through ./conclab: release, grade (a made-up class with every kind
of broken submission, and a round trip of reference and untouched notebooks), check, and the nbgrader
settings."""
import csv
import hashlib
import json
import os
import pathlib
import re
import shutil
import subprocess

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
CONCLAB = str(ROOT / "conclab")
STUB = 'throw new UnsupportedOperationException("exercise not done yet");'
CLASS = ROOT / "tests" / "grading" / "class"


def conclab(*args, cwd=ROOT, timeout=900):
    return subprocess.run([CONCLAB, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


GRADE_COLUMNS = ("student", "notebook", "exercise", "points", "max")
VERSION_COLUMNS = ("course_version", "grader_version")


def grades(path, columns=GRADE_COLUMNS):
    """The rows of a grades.csv, given the file or the submissions folder holding it: the grading's columns (the
    versions that graded are checked apart)."""
    path = path if path.suffix == ".csv" else path / "grades.csv"
    with open(path, newline="") as f:
        return [{k: row[k] for k in columns} for row in csv.DictReader(f)]


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    r = conclab("release")
    assert r.returncode == 0, r.stdout + r.stderr
    return ROOT / "release"


def test_release_writes_valid_student_notebooks_without_solutions(released):
    course = sorted(p.relative_to(ROOT / "notebooks") for p in (ROOT / "notebooks").rglob("*.ipynb")
                    if ".ipynb_checkpoints" not in str(p))
    assert sorted(p.relative_to(released) for p in released.rglob("*.ipynb")) == course
    for rel in course:
        nb = nbformat.read(released / rel, as_version=4)
        nbformat.validate(nb)
        for cell in nb.cells:
            assert "BEGIN SOLUTION" not in cell.source, rel
            assert cell.get("outputs", []) == [], rel
    demo = nbformat.read(released / "exercises-demo.ipynb", as_version=4)
    solutions = [c for c in demo.cells if c.source.startswith("%%solution ")]
    assert len(solutions) >= 4 and all(STUB in c.source for c in solutions)
    answers = [c for c in demo.cells if c.source.startswith("%%answer ")]
    assert answers and all(c.source.split("\n", 1)[1] == "?" for c in answers)
    checks = [c for c in demo.cells if c.source.startswith("%check ")]
    assert all(c.metadata["nbgrader"]["grade"] and c.metadata["nbgrader"]["locked"] for c in checks)


def test_release_refuses_what_is_not_a_course_notebook():
    r = conclab("release", "README.md")
    assert r.returncode == 2
    assert "Not a course notebook: README.md" in r.stderr


def test_the_nbgrader_stub_is_the_release_stub():
    config = (ROOT / "nbgrader_config.py").read_text()
    namespace = {}

    class Config(dict):
        def __getattr__(self, name):
            return self.setdefault(name, Config())

        def __setattr__(self, name, value):
            self[name] = value

    exec(config, {"get_config": lambda: namespace.setdefault("c", Config())})
    assert namespace["c"].ClearSolutions.code_stub["java"] == STUB


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    """The sample class graded once, on one machine: its folder (which a test may grade again), the run, and a copy of
    what the run wrote (grades.csv and feedback/), for the tests that compare with it."""
    klass = tmp_path_factory.mktemp("graded") / "class"
    shutil.copytree(CLASS, klass)
    r = conclab("grade", str(klass), "--jobs", "2")
    assert r.returncode == 0, r.stdout + r.stderr
    results = tmp_path_factory.mktemp("unsharded")
    shutil.copy(klass / "grades.csv", results)
    shutil.copytree(klass / "feedback", results / "feedback")
    return klass, r, results


def test_the_sample_class_gets_the_expected_grades_and_a_regrade_says_what_graded_before(graded_class):
    """tests/grading/class: one student per way a submission goes wrong (see make_class.py)."""
    klass, r, _ = graded_class
    expected = grades(ROOT / "tests" / "grading" / "expected-grades.csv")
    first = grades(klass)
    # The class handed in only exercises-demo.ipynb: every other course notebook with exercises is a
    # row of zeros, and its feedback page says the notebook is missing.
    assert [row for row in first if row["notebook"] == "exercises-demo.ipynb"] == expected
    others = [row for row in first if row["notebook"] != "exercises-demo.ipynb"]
    assert all(row["points"] == "0" for row in others), others
    for row in others:
        page = klass / "feedback" / row["student"] / (row["notebook"][:-len(".ipynb")] + ".html")
        assert f"There is no {row['notebook']} in the submission." in page.read_text(), page
    feedback = {p.parent.name: p.read_text() for p in (klass / "feedback").glob("*/exercises-demo.html")}
    assert len(feedback) == 11
    reasons = {
        "ben": "Not done yet",
        "cleo": "is not valid JSON",
        "dan": "No cell starts with %%solution account",
        "eve": "Your code does not compile.",
        "finn": "it was at SafeCounter.increment (line 6 of your solution cell)",
        "gus": "your code called System.exit, at Bank.transfer",
        "hana": "threads alive at once",
        "ivo": "started more than 4 processes",
        "jo": "printed more than 1 MB",
        "kim": "an increment was lost",
    }
    for student, reason in reasons.items():
        assert reason in feedback[student].replace("&quot;", '"'), student
    # Every row and page names what graded it; a regrade by other versions keeps the last grades and says so.
    versions = {tuple(row.values()) for row in grades(klass, VERSION_COLUMNS)}
    assert len(versions) == 1, versions
    course, grader = versions.pop()
    assert re.fullmatch(r"[0-9a-f]{12}(\+modified)?|unknown \(no git\)", course), course
    assert re.fullmatch(r"sha256:[0-9a-f]{12}", grader), grader
    assert f"by course {course}, grader {grader}" in r.stdout, r.stdout
    assert f"Graded by course {course}, grader {grader}." in feedback["ada"]

    # The regrade: the class as the last grading left it, cut to one student whose grading is quick (an unreadable
    # notebook) to spare CI a second grading of every student; the shards test below grades five students again.
    again = klass.parent / "again"
    shutil.copytree(CLASS / "cleo", again / "cleo")
    header, *rows = (klass / "grades.csv").read_text().splitlines(keepends=True)
    last = header + "".join(row.replace(grader, "sha256:000000000000") for row in rows if row.startswith("cleo,"))
    (again / "grades.csv").write_text(last)
    r = conclab("grade", str(again), "--jobs", "2")
    assert r.returncode == 0, r.stdout + r.stderr
    assert grades(again) == [row for row in first if row["student"] == "cleo"]
    assert "This class was graded before by course " + course + ", grader sha256:000000000000" in r.stderr, r.stderr
    kept = again / ("grades-" + re.sub(r"[^\w.+-]+", "_", course + "-sha256:000000000000") + ".csv")
    assert kept.read_text() == last, "the last grades are kept whole"


def shard_of(student, n):
    """The documented assignment rule, computed apart from the JVM: SHA-256 of the name's UTF-8, big-endian, mod n."""
    return int.from_bytes(hashlib.sha256(student.encode("utf-8")).digest(), "big") % n


def points_on(page):
    """Every "N of M points" a feedback page states: the notebook's total and each exercise's."""
    return re.findall(r"<b>(\d+ of \d+ points?)</b>", page.read_text())


# Every shard of 3 has a student (shard_of: ada, dan and kim 0, ben 1, cleo 2): ada passes every exercise of
# exercises-demo, kim's counter loses updates (a race, whose grade must come out the same again), and the others are
# quick to grade (no solution cell, not done, not JSON).
SHARDED = ("ada", "ben", "cleo", "dan", "kim")


def test_the_sample_class_in_three_shards_merges_into_the_grades_of_one_machine(tmp_path, graded_class):
    """A class too big for one machine, graded as the 3 pods of a Kubernetes Indexed Job would grade it, then merged.
    The class is five of the sample class's students (SHARDED), to keep CI short. The merged grades.csv must be the
    one-machine run's rows of those students, byte for byte: its fields are grades and versions, no times, and the
    sample class's grades are the same in every run (kim's race included). The feedback pages hold evidence that may
    differ between runs (how many updates were lost, where a thread was), so they are compared by their files and
    the points each states."""
    _, _, unsharded = graded_class
    klass = tmp_path / "class"
    for student in SHARDED:
        shutil.copytree(CLASS / student, klass / student)
    assert sorted({shard_of(s, 3) for s in SHARDED}) == [0, 1, 2], "every shard has a student"
    shards = [klass / "shards" / f"{k}-of-3" for k in range(3)]
    for k, shard in enumerate(shards):
        r = conclab("grade", str(klass), "--shard", f"{k}/3", "--jobs", "2")
        assert r.returncode == 0, r.stdout + r.stderr
        assert f"Graded shard {k} of 3" in r.stdout, r.stdout
        mine = {s for s in SHARDED if shard_of(s, 3) == k}
        assert {row["student"] for row in grades(shard)} == mine, k
        assert f"shard={k}\nshards=3\n" in (shard / "shard.properties").read_text()
    assert not (klass / "grades.csv").exists(), "a shard writes only into its own folder"

    r = conclab("grade", "--merge", str(shards[0]), str(shards[2]))
    assert r.returncode == 2 and "Shard(s) 1 of 3 missing" in r.stderr, r.stderr
    assert not (klass / "grades.csv").exists() and not (klass / "feedback").exists(), "a refused merge writes nothing"

    r = conclab("grade", "--merge", *map(str, shards))
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"Merged 3 shard(s): {len(SHARDED)} student(s)" in r.stdout, r.stdout
    header, *rows = (unsharded / "grades.csv").read_text().splitlines(keepends=True)
    assert (klass / "grades.csv").read_text() == header + "".join(row for row in rows if row.split(",")[0] in SHARDED)
    pages = sorted(p.relative_to(klass) for p in (klass / "feedback").rglob("*.html"))
    expected = sorted(p.relative_to(unsharded) for p in (unsharded / "feedback").rglob("*.html")
                      if p.relative_to(unsharded / "feedback").parts[0] in SHARDED)
    assert pages == expected and len({p.parts[1] for p in pages}) == len(SHARDED), pages
    for page in pages:
        assert points_on(klass / page) == points_on(unsharded / page), page


def test_reference_notebooks_get_full_marks_and_untouched_releases_zero(tmp_path, released):
    klass = tmp_path / "round-trip"
    shutil.copytree(ROOT / "notebooks", klass / "reference", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(released, klass / "untouched")
    # three checks at a time, as the calibration runs the references (CalibrationTest): they hold under that load
    r = conclab("grade", str(klass), "--jobs", "3")
    assert r.returncode == 0, r.stdout + r.stderr
    rows = grades(klass)
    reference = [row for row in rows if row["student"] == "reference"]
    untouched = [row for row in rows if row["student"] == "untouched"]
    assert reference and len(reference) == len(untouched)
    assert all(row["points"] == row["max"] for row in reference), reference
    assert all(row["points"] == "0" for row in untouched), untouched
    for notebook in {row["notebook"] for row in untouched}:
        page = (klass / "feedback" / "untouched" / (notebook[:-len(".ipynb")] + ".html")).read_text()
        assert page.count("Not done yet") == sum(row["notebook"] == notebook for row in untouched), notebook


def test_check_on_the_command_line(tmp_path):
    solution = tmp_path / "counter.java"
    solution.write_text("class SafeCounter {\n    private long count;\n"
                        "    synchronized void increment() { count++; }\n"
                        "    synchronized long get() { return count; }\n}\n")
    r = conclab("check", "safe-counter", str(solution), cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("safe-counter: 5 of 5 points (public tests; 1 more point is graded by hidden tests)")
    r = conclab("check", "no-such-exercise", str(solution), cwd=tmp_path)
    assert r.returncode == 2 and "There is no exercise no-such-exercise" in r.stderr


def test_the_workspace_is_made_once_and_never_overwritten(tmp_path):
    """./conclab lab makes work/ this way: student versions, and a notebook already there is left alone."""
    java = pathlib.Path(conclab("jdk").stdout.strip()) / "bin" / "java"
    dist = ROOT / "grader" / "target" / "dist"
    cmd = [str(java), f"-Dconclab.project={ROOT}", "-cp", f"{dist}/conclab-grader.jar:{dist}/lib/*",
           "conclab.grader.Main", "workspace", str(tmp_path / "work")]
    assert subprocess.run(cmd, capture_output=True, text=True, timeout=120).returncode == 0
    mine = tmp_path / "work" / "exercises-demo.ipynb"
    assert "exercise not done yet" in mine.read_text()
    mine.write_text(mine.read_text().replace("exercise not done yet", "my own work"))
    (tmp_path / "work" / "pictures.ipynb").unlink()
    assert subprocess.run(cmd, capture_output=True, text=True, timeout=120).returncode == 0
    assert "my own work" in mine.read_text()
    assert (tmp_path / "work" / "pictures.ipynb").exists()


def test_the_calibration_status_counts_every_version_once_per_setting():
    """`grader/calibration/tables/status.py` reads every table and counts each version of each exercise once per
    setting: held, missed and none add up to the versions there are (the references and the calibration files)."""
    status = ROOT / "grader" / "calibration" / "tables" / "status.py"
    r = subprocess.run(["python3", str(status)], capture_output=True, text=True, timeout=600)
    if r.returncode != 0 and ("not in this clone's history" in r.stderr or "not a git clone" in r.stderr):
        pytest.skip(r.stderr.strip())
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    versions = len(list((ROOT / "grader" / "calibration").glob("*/*.java")))
    exercises = {p.parent.name for p in (ROOT / "grader" / "calibration").glob("*/*.java")}
    rows = {line.split()[0]: [int(n) for n in re.findall(r"\d+", line)] for line in lines[1:]}
    assert exercises <= set(rows), f"every exercise with calibration versions has a row: {sorted(exercises - set(rows))}"
    total = rows["all"]
    assert len(total) == 9, lines[-1]
    for setting in range(3):
        held, missed, none = total[3 * setting:3 * setting + 3]
        assert held + missed + none == versions + len(rows) - 1, (setting, total, versions)


def test_the_calibration_status_ignores_comments_and_nothing_else():
    """A table stays current across a change to a comment or a javadoc, and only that: code, a string literal's
    content (white space included) and a `//` inside a string are compared as they are."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("status", ROOT / "grader" / "calibration" / "tables" / "status.py")
    status = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(status)
    base = 'class A {\n    /** Waits. */\n    int f() { return g("a  //b", \'"\'); } // why\n}\n'
    same = 'class A {\n    /**\n     * Waits, bounded.\n     */\n    int f() {\n        return g("a  //b", \'"\');\n    }\n}\n'
    assert status.code_of(base) == status.code_of(same)
    for changed in (base.replace("return g", "return h"), base.replace("a  //b", "a //b"),
                    base.replace("// why", "+ 1; // why"), base.replace("\'\"\'", "\'x\'"),
                    'class A {\n    int f() { return g("""\n  a /* b */\n  """); }\n}\n'):
        assert status.code_of(base) != status.code_of(changed), changed
    block = 'String s = """\n  a /* not a comment */ \\""" still in\n  """; int x;'
    props = "title = T\nproperties = a, b\nproperty.a = 1 | public | does this\n# why\nlimit.test = 20\n"
    assert status.settings_of(props) == status.settings_of(props.replace("does this", "does that").replace("# why", ""))
    for changed in (props.replace("1 | public", "2 | public"), props.replace("| public |", "| hidden |"),
                    props.replace("limit.test = 20", "limit.test = 30"), props.replace("a, b", "a")):
        assert status.settings_of(props) != status.settings_of(changed), changed
    assert "not a comment" in status.code_of(block) and "still in" in status.code_of(block)
