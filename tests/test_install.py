"""Binder and the JupyterHub image set the course up with one command, `./conclab install --prefix PREFIX`:
binder/postBuild runs it, and so does the Dockerfile. There is no Docker here, so these tests run binder/postBuild as
repo2docker would, against a throwaway prefix, start the kernel from what it installed, and check that the
Dockerfile runs the same command instead of steps of its own."""
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

from conftest import Kernel

ROOT = pathlib.Path(__file__).resolve().parent.parent
KERNEL = "conclab"

# What a fresh clone has, less the local state that postBuild would otherwise find (or make) in this checkout.
LOCAL_STATE = shutil.ignore_patterns(".git", ".venv", ".jk", "work", "release", "site", ".reports", "results",
                                     "__pycache__", ".ipynb_checkpoints")

# Prints what JupyterLab's server reads from the config path: its news feed and its update checker.
LAB_SETTINGS = """
from jupyter_server.serverapp import ServerApp
app = ServerApp.instance()
app.initialize(argv=["--no-browser", "--port=0"])
for ext in app.extension_manager.extensions.values():
    for point in ext.extension_points.values():
        if type(point.app).__name__ == "LabApp":
            print(repr(point.app.news_url), point.app.check_for_updates_class.__name__)
"""


def lab_settings(config_dir):
    env = dict(os.environ, JUPYTER_CONFIG_PATH=str(config_dir))
    r = subprocess.run([sys.executable, "-c", LAB_SETTINGS], capture_output=True, text=True, timeout=120, env=env,
                       cwd=config_dir)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout.strip()


@pytest.fixture(scope="module")
def binder(tmp_path_factory):
    """A copy of the repository (the build output included, so nothing is built again), after binder/postBuild ran
    in it with NB_PYTHON_PREFIX, as repo2docker sets it, pointing at an empty prefix."""
    base = tmp_path_factory.mktemp("binder")
    repo, prefix = base / "repo", base / "prefix"
    shutil.copytree(ROOT, repo, ignore=LOCAL_STATE, symlinks=True)
    prefix.mkdir()
    env = dict(os.environ, NB_PYTHON_PREFIX=str(prefix))
    r = subprocess.run([str(repo / "binder" / "postBuild")], capture_output=True, text=True, timeout=900, env=env,
                       cwd=base)
    assert r.returncode == 0, r.stdout + r.stderr
    return repo, prefix


def test_post_build_installs_a_kernel_that_runs_a_cell(binder, monkeypatch):
    repo, prefix = binder
    spec = json.loads((prefix / "share" / "jupyter" / "kernels" / KERNEL / "kernel.json").read_text())
    assert spec["argv"][0].endswith("java"), spec["argv"]
    monkeypatch.setenv("JUPYTER_PATH", str(prefix / "share" / "jupyter"))
    k = Kernel(name=KERNEL)
    try:
        r = k.execute('conclab.io.EventLoop.class.getProtectionDomain().getCodeSource().getLocation().getPath()')
        assert r.value is not None and r.value.strip('"').startswith(str(prefix)), r.value or r.error_text()
    finally:
        k.close()


def test_post_build_makes_the_workspace_and_quiets_jupyterlab(binder):
    repo, prefix = binder
    assert (repo / "work" / "00-start-here.ipynb").is_file()
    assert sorted(p.name for p in (repo / "work").iterdir() if p.is_dir()) == \
        sorted(p.name for p in (ROOT / "notebooks").iterdir() if p.is_dir() and not p.name.startswith("."))
    assert lab_settings(prefix / "etc" / "jupyter") == "None NeverCheckForUpdate"
    overrides = json.loads((prefix / "etc" / "jupyter" / "labconfig" / "default_setting_overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_the_dockerfile_runs_the_same_command_as_post_build():
    """One set-up, not two copies: both files run ./conclab install, and neither builds, installs the kernel or
    writes Jupyter's config by a step of its own."""
    post_build = (ROOT / "binder" / "postBuild").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^exec \./conclab install --prefix ", post_build, re.M), post_build
    runs = [line for line in re.findall(r"^RUN (.*(?:\\\n.*)*)", dockerfile, re.M)]
    assert any(r.startswith("/opt/conclab/conclab install --prefix ") for r in runs), runs
    for text in (post_build, dockerfile):
        for own_step in ("mvnw", "conclab-kernel.jar", "kernelspec install", "labconfig", "jupyter_lab_config"):
            assert own_step not in text, own_step
    # What the Dockerfile copies: the whole repository (less .dockerignore's build output and local state).
    assert re.search(r"^COPY --chown=\S+ \. /opt/conclab$", dockerfile, re.M), dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    for needed in ("conclab", "pom.xml", "notebooks", "pic", "grader", "kernel", "lib", "tools"):
        assert needed not in ignored and (ROOT / needed).exists(), needed


def test_the_lab_config_of_the_course_quiets_jupyterlab():
    """./conclab lab puts tools/jupyter-config on JUPYTER_CONFIG_PATH; its server reads the same settings."""
    assert lab_settings(ROOT / "tools" / "jupyter-config") == "None NeverCheckForUpdate"


def test_install_without_a_prefix_says_what_to_give():
    r = subprocess.run([str(ROOT / "conclab"), "install"], capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert "install needs --prefix" in r.stderr and "sys.prefix" in r.stderr, r.stderr
    r = subprocess.run([str(ROOT / "conclab"), "install", "--prefix"], capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and "--prefix needs a folder" in r.stderr, r.stderr
