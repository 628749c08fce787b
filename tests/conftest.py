"""Fixtures for the kernel's protocol tests: a kernel driven through jupyter_client, as JupyterLab and
nbclient drive it, with every message it sends checked against the protocol (messages.py)."""
import os
import queue
import time

import pytest
from jupyter_client.manager import start_new_kernel

from messages import check

KERNEL = os.environ.get("CONCLAB_KERNEL", "conclab")


class Result:
    """What one execute request produced."""

    def __init__(self, msg_id, reply, outputs):
        self.msg_id, self.reply, self.outputs = msg_id, reply, outputs

    @property
    def status(self):
        return self.reply["status"]

    def text(self, name=None):
        return "".join(m["content"]["text"] for m in self.outputs
                       if m["msg_type"] == "stream" and (name is None or m["content"]["name"] == name))

    @property
    def stdout(self):
        return self.text("stdout")

    @property
    def stderr(self):
        return self.text("stderr")

    @property
    def value(self):
        for m in self.outputs:
            if m["msg_type"] == "execute_result":
                return m["content"]["data"].get("text/plain")
        return None

    @property
    def data(self):
        for m in self.outputs:
            if m["msg_type"] == "execute_result":
                return m["content"]["data"]
        return None

    @property
    def displays(self):
        return [m for m in self.outputs if m["msg_type"] in ("display_data", "update_display_data")]

    @property
    def error(self):
        errors = [m["content"] for m in self.outputs if m["msg_type"] == "error"]
        return errors[0] if errors else None

    def error_text(self):
        e = self.error or {}
        return "\n".join([e.get("ename", ""), e.get("evalue", ""), *e.get("traceback", [])])


class Kernel:
    """A running kernel and a client; every message read is checked against the protocol."""

    def __init__(self, env=None, name=KERNEL):
        kwargs = {}
        if env is not None:
            kwargs["env"] = {**os.environ, **env}
        self.km, self.kc = start_new_kernel(kernel_name=name, startup_timeout=60, **kwargs)
        self.pending = []
        self.replies = {}  # shell replies read while waiting for another, by parent msg_id
        self.seen = []  # every iopub message read, in order

    def close(self):
        try:
            self.kc.stop_channels()
        finally:
            self.km.shutdown_kernel(now=True)

    def _iopub(self, timeout):
        if self.pending:
            return self.pending.pop(0)
        m = self.kc.get_iopub_msg(timeout=timeout)
        check(m)
        self.seen.append(m)
        return m

    def _shell(self, msg_id, timeout):
        """The shell reply to msg_id, or None if it has not come within timeout."""
        if msg_id in self.replies:
            return self.replies.pop(msg_id)
        deadline = time.monotonic() + timeout
        while True:
            try:
                m = self.kc.get_shell_msg(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return None
            check(m)
            parent = m["parent_header"].get("msg_id")
            if parent == msg_id:
                return m["content"]
            self.replies[parent] = m["content"]

    def shell_reply(self, msg_id, timeout=30):
        reply = self._shell(msg_id, timeout)
        if reply is None:
            raise TimeoutError(f"no shell reply to {msg_id} within {timeout} s")
        return reply

    def execute(self, code, timeout=60, stdin=None, **kwargs):
        """Runs code; returns a Result once the reply and the idle status have arrived."""
        msg_id = self.kc.execute(code, allow_stdin=stdin is not None, **kwargs)
        return self.collect(msg_id, timeout, stdin)

    def collect(self, msg_id, timeout=60, stdin=None):
        deadline = time.monotonic() + timeout
        outputs, reply, idle, others = [], None, False, []
        answers = list(stdin or [])
        while not (reply is not None and idle):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no reply and idle for {msg_id} within {timeout} s; outputs so far: {outputs}")
            if answers:
                try:
                    req = self.kc.get_stdin_msg(timeout=0)
                    check(req)
                    if req["msg_type"] == "input_request":
                        self.kc.input(answers.pop(0))
                except queue.Empty:
                    pass
            if reply is None:
                reply = self._shell(msg_id, 0)
            try:
                m = self._iopub(timeout=0.02)
            except queue.Empty:
                continue
            if m["parent_header"].get("msg_id") != msg_id:
                others.append(m)
            elif m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                idle = True
            elif m["msg_type"] != "status":
                outputs.append(m)
        self.pending.extend(others)
        return Result(msg_id, reply, outputs)

    def drain(self, seconds):
        """Reads iopub for `seconds`; returns every message (pending ones first)."""
        seen, self.pending = self.pending, []
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                seen.append(self._iopub(timeout=0.05))
            except queue.Empty:
                pass
        return seen

    def wait_for_stream(self, msg_id, text, timeout=30):
        """Reads iopub until a stream of msg_id contains text; keeps everything for later collect()."""
        return self.wait_for(msg_id, lambda m: m["msg_type"] == "stream" and text in m["content"]["text"], timeout)

    def wait_for_display(self, msg_id, text, timeout=30):
        """Reads iopub until a display of msg_id shows text (as text/plain); keeps everything."""
        return self.wait_for(msg_id, lambda m: m["msg_type"] in ("display_data", "update_display_data")
                             and text in m["content"]["data"].get("text/plain", ""), timeout)

    def wait_for(self, msg_id, matches, timeout):
        """Reads iopub until a message of msg_id matches; returns the time, or None at the timeout."""
        deadline = time.monotonic() + timeout
        kept = []
        try:
            while time.monotonic() < deadline:
                try:
                    m = self._iopub(timeout=0.05)
                except queue.Empty:
                    continue
                kept.append(m)
                if m["parent_header"].get("msg_id") == msg_id and matches(m):
                    return time.monotonic()
            return None
        finally:
            self.pending.extend(kept)


@pytest.fixture(scope="module")
def shared():
    """One kernel for a module's tests that do not break it."""
    k = Kernel()
    yield k
    k.close()


@pytest.fixture
def kernel():
    """A fresh kernel for a test that may crash, restart or interrupt it."""
    k = Kernel()
    yield k
    k.close()


# ---------------------------------------------------------------- JupyterLab in Chromium, and the notebooks' runs

@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """JupyterLab serving a copy of notebooks/ beside links to the rest of the project (notebook_runs.lab_root)."""
    import notebook_runs
    server = notebook_runs.Lab(notebook_runs.lab_root(tmp_path_factory.mktemp("lab")))
    yield server
    server.close()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (never a downloaded browser)."""
    import notebook_runs
    if notebook_runs.CHROMIUM is None:
        pytest.skip("no Chromium here (install Debian's chromium, or set CONCLAB_CHROMIUM)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=notebook_runs.CHROMIUM, args=notebook_runs.CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def notebook_run(request):
    """notebook_run(path): the one run this session of the notebook at path (notebook_runs.Runs): Run All in
    JupyterLab, made when a test first asks for it. Without Chromium, nbclient runs it (in CI that is an error)."""
    import notebook_runs
    if notebook_runs.CHROMIUM is None:
        if os.environ.get("CI") == "true":
            raise RuntimeError("Chromium is missing: CI installs Debian's chromium (see .ci/run)")
        return notebook_runs.Runs(None)
    browser, lab = request.getfixturevalue("browser"), request.getfixturevalue("lab")
    return notebook_runs.Runs(lambda: (browser, lab))
