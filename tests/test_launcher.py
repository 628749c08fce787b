"""The launcher (`conclab`) and CI's script are shell: shellcheck (Debian's package, which .ci/run installs) finds
nothing in them."""
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRIPTS = [ROOT / "conclab", ROOT / ".ci" / "run"]


@pytest.mark.skipif(shutil.which("shellcheck") is None,
                    reason="shellcheck is not installed (Debian: apt install shellcheck; CI installs it)")
def test_shellcheck_finds_nothing_in_the_launcher():
    r = subprocess.run(["shellcheck", "--format=gcc", *map(str, SCRIPTS)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and not r.stdout.strip(), "shellcheck found:\n" + r.stdout + r.stderr
