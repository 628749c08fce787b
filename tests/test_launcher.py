"""The launcher (`conclab`): shellcheck (Debian's package, which .ci/run installs) finds nothing in it, in CI's script
or in the set-up scripts of Binder and the Docker image; `jshell` and `update` do what they say; and a build never
rewrites the jars under another command that uses them."""
import fcntl
import hashlib
import json
import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRIPTS = [ROOT / "conclab", ROOT / ".ci" / "run", ROOT / "binder" / "postBuild", ROOT / "tools" / "docker" / "copy-course.sh"]


@pytest.mark.skipif(shutil.which("shellcheck") is None,
                    reason="shellcheck is not installed (Debian: apt install shellcheck; CI installs it)")
def test_shellcheck_finds_nothing_in_the_launcher():
    r = subprocess.run(["shellcheck", "--format=gcc", *map(str, SCRIPTS)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and not r.stdout.strip(), "shellcheck found:\n" + r.stdout + r.stderr


def test_jshell_has_the_library_the_imports_and_the_engines_options():
    """`./conclab jshell` is the JDK's jshell set up as a notebook's engine is: java.time is imported (the course's
    imports, not jshell's default ones), the library is on the class path, and a generator runs on a continuation,
    which needs the engine's --add-exports of jdk.internal.vm."""
    script = ('Instant.EPOCH\n'
              'var gen = conclab.coro.Generator.<Integer, Void, String>of(y -> { y.yield(1); y.yield(2); return "done"; });\n'
              'System.out.println("sum " + (gen.next() + gen.next()) + " on " + gen.getClass().getSimpleName())\n'
              '/exit\n')
    r = subprocess.run([str(ROOT / "conclab"), "jshell", "-q"], input=script, capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1970-01-01T00:00:00Z" in r.stdout, r.stdout + r.stderr
    assert "sum 3 on ContinuationGenerator" in r.stdout, r.stdout + r.stderr


def test_update_brings_the_course_into_a_workspace_and_keeps_the_learners_solution(tmp_path):
    """`./conclab update DIR`: a copy made by an older release (here: a prose cell as it was, and a solution cell the
    learner wrote) gets the course's prose back and keeps the solution; a missing workspace gets one clear line."""
    work = tmp_path / "work"
    made = subprocess.run([str(ROOT / "conclab"), "update", str(work)], capture_output=True, text=True, timeout=600)
    assert made.returncode == 2 and "There is no workspace" in made.stderr, made.stdout + made.stderr
    course = subprocess.run([str(ROOT / "conclab"), "update", str(ROOT / "notebooks")], capture_output=True, text=True, timeout=600)
    assert course.returncode == 2 and "Not a workspace" in course.stderr, course.stdout + course.stderr
    work.mkdir()
    first = subprocess.run([str(ROOT / "conclab"), "update", str(work)], capture_output=True, text=True, timeout=600)
    assert first.returncode == 0 and "00-start-here.ipynb: new, copied in" in first.stdout, first.stdout + first.stderr
    copy = work / "11-threads-and-processes" / "11.4-locks.ipynb"
    nb = json.loads(copy.read_text())
    prose = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    course_prose = "".join(prose["source"])
    prose["source"] = ["An older sentence."]
    prose["metadata"]["conclab"]["given"] = digest("An older sentence.")  # as an older release gave it
    solution = next(c for c in nb["cells"] if "".join(c["source"]).startswith("%%solution"))
    solution["source"] = "".join(solution["source"]).replace('throw new UnsupportedOperationException("exercise not done yet");',
                                                             "return false; // mine")
    copy.write_text(json.dumps(nb))
    again = subprocess.run([str(ROOT / "conclab"), "update", str(work)], capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "11-threads-and-processes/11.4-locks.ipynb: 1 cell(s) updated" in again.stdout, again.stdout
    after = json.loads(copy.read_text())
    assert "".join(next(c for c in after["cells"] if c["cell_type"] == "markdown")["source"]) == course_prose
    assert "return false; // mine" in "".join(next(c for c in after["cells"] if "".join(c["source"]).startswith("%%solution"))["source"])
    assert list((work / ".update-backup").glob("*/11-threads-and-processes/11.4-locks.ipynb")), "no backup"


def digest(source):
    """The digest a release records for a cell's source (Update.digest): 16 hex digits of its SHA-256."""
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def _tree_whose_jars_are_stale(tmp_path):
    """A copy of the launcher in a tree whose kernel jar is older than a source, and whose ./mvnw only notes that it
    ran: what the launcher does around a build, without building."""
    tree = tmp_path / "course"
    (tree / "kernel" / "target" / "dist").mkdir(parents=True)
    for folder in ("lib", "c10k", "grader/src"):  # what the launcher looks in for changed sources
        (tree / folder).mkdir(parents=True)
    shutil.copy(ROOT / "grader" / "pom.xml", tree / "grader" / "pom.xml")
    shutil.copy(ROOT / "conclab", tree / "conclab")
    shutil.copy(ROOT / "pom.xml", tree / "pom.xml")
    jar = tree / "kernel" / "target" / "dist" / "conclab-kernel.jar"
    jar.write_text("old")
    (tree / "kernel" / "Changed.java").write_text("class Changed {}")
    old = jar.stat().st_mtime - 60
    os.utime(jar, (old, old))
    mvnw = tree / "mvnw"
    mvnw.write_text('#!/usr/bin/env bash\ntouch "$(dirname "$0")/built"\n')
    mvnw.chmod(0o755)
    return tree


@pytest.mark.skipif(shutil.which("flock") is None, reason="flock(1) is util-linux's; without it the launcher takes no lock")
def test_a_build_refuses_at_once_while_another_command_uses_the_jars(tmp_path):
    """A build rewrites the jars in place, which broke a calibrate running from them in another terminal. While
    another command holds the jars' lock (shared, as a running grade does), a command that would rebuild them refuses
    at once and says what to do, building nothing; once the lock is free, it builds."""
    tree = _tree_whose_jars_are_stale(tmp_path)
    command = [str(tree / "conclab"), "export", "--help"]  # any command that builds first
    with open(tree / ".jars.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)
        r = subprocess.run(command, capture_output=True, text=True, timeout=60)
        fcntl.flock(lock, fcntl.LOCK_UN)
    assert r.returncode != 0, r.stdout + r.stderr
    assert "is using this folder's jars" in r.stderr and "Wait until that command has ended" in r.stderr, r.stderr
    assert not (tree / "built").exists(), "it built while another command used the jars"
    subprocess.run(command, capture_output=True, text=True, timeout=60)  # the fake jar then fails to run: no matter
    assert (tree / "built").exists(), "with the lock free it did not build"


@pytest.mark.skipif(shutil.which("flock") is None, reason="flock(1) is util-linux's; without it the launcher takes no lock")
def test_a_command_waits_while_another_builds_the_jars_and_says_so(tmp_path):
    """Jars up to date, but another command holds the lock exclusively (it is building them): a command that uses the
    jars says it waits, and goes on once the build has ended."""
    tree = _tree_whose_jars_are_stale(tmp_path)
    jar = tree / "kernel" / "target" / "dist" / "conclab-kernel.jar"
    newer = (tree / "kernel" / "Changed.java").stat().st_mtime + 60
    os.utime(jar, (newer, newer))  # up to date: no build of its own
    with open(tree / ".jars.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        p = subprocess.Popen([str(tree / "conclab"), "export", "--help"], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
        try:
            said = ""
            for _ in range(5):  # "jars are up to date", then the wait
                said += p.stdout.readline()
                if "waiting" in said:
                    break
            assert "waiting for another ./conclab command to finish building the jars" in said, said
            assert p.poll() is None, "it went on while the jars were being built"
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
        p.communicate(timeout=60)  # the fake jar then fails to run: no matter, it went on
    assert not (tree / "built").exists(), "it built jars that were up to date"


def test_the_summary_keeps_a_calibration_rows_missed_line(tmp_path):
    """`./conclab test`'s summary names a failed test with its message's first line and, for a calibration row, the
    line "MISSED: ..." that says which property missed and why (a flaky run in CI leaves nothing else to read)."""
    (tmp_path / "a.xml").write_text(
        '<testsuite><testcase classname="C" name="t"><failure message="ex V (passes everything) 0/1 4.3 4.3&#10;'
        '    MISSED: the correct version did not pass no-spin (FAILED: 7 ms)&#10;==&gt; expected: &lt;1&gt;"/>'
        '</testcase><testcase classname="C" name="u"/><testcase classname="C" name="s"><skipped/></testcase>'
        '</testsuite>')
    r = subprocess.run(["python3", str(ROOT / "tests" / "summary.py"), str(tmp_path)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stdout.splitlines() == ["    FAILED C.t: ex V (passes everything) 0/1 4.3 4.3",
                                     "        MISSED: the correct version did not pass no-spin (FAILED: 7 ms)",
                                     "1 passed, 1 failed, 1 skipped"], r.stdout
