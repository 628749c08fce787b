"""The launcher (`conclab`), CI's script and the set-up scripts of Binder and the Docker image are shell:
shellcheck (Debian's package, which .ci/run installs) finds nothing in them."""
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
