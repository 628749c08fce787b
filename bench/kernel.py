"""Kernel speed and memory, measured through the Jupyter protocol as a frontend sees it.

For each of RUNS fresh kernels:
  (a) start: from launching the kernel process until its kernel_info_reply arrives;
  (b) first cell: `1+1`, sent the moment that reply arrives (as nbclient and JupyterLab do, so that no
      warm-up can hide in a pause the benchmark leaves), until its execute_reply and idle status;
  (c) steady round trip: the median of STEADY further `1+1` cells.
In the same run it measures the floor, JShell's own local engine evaluating `1+1` in one JVM
(bench/JShellFloor.java), and prints the steady round trip as a ratio of it. Then, in one more kernel, the
resident memory (RSS) of the kernel and engine JVMs after start and after running every code cell of
notebooks/00-start-here.ipynb.

Prints the medians as a table against the targets of issue 13. Waits block on the sockets (no busy
polling), so the benchmark does not take a core from the JVMs it measures.

    ./conclab bench kernel   (or: .venv/bin/python bench/kernel.py [--runs 7] [--steady 20] [--kernel conclab])
"""
import argparse
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import time

import nbformat
from jupyter_client.manager import KernelManager

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGETS = {"first": 0.15, "start+first": 0.7}  # seconds; the steady target is a ratio, below
STEADY_RATIO = 1.4


def wait_reply(kc, msg_id, timeout=120):
    deadline = time.monotonic() + timeout
    while True:
        m = kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic()))
        if m["parent_header"].get("msg_id") == msg_id:
            return m


def run_cell(kc, code, timeout=120):
    """Sends code; returns (seconds until both the reply and the idle status have arrived, the reply)."""
    t0 = time.perf_counter()
    msg_id = kc.execute(code, allow_stdin=False)  # a cell that reads System.in gets end of input, not a wait
    deadline = time.monotonic() + timeout
    while True:  # idle comes after the reply is sent: wait for idle on iopub, then take the reply
        m = kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
        if (m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status"
                and m["content"]["execution_state"] == "idle"):
            break
    reply = wait_reply(kc, msg_id, timeout)
    return time.perf_counter() - t0, reply


def started(name):
    km = KernelManager(kernel_name=name)
    t0 = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    wait_reply(kc, kc.kernel_info())
    return km, kc, time.perf_counter() - t0


def one_kernel(name, steady):
    km, kc, start = started(name)
    try:
        first, reply = run_cell(kc, "1+1")
        assert reply["content"]["status"] == "ok", reply["content"]
        rounds = [run_cell(kc, "1+1")[0] for _ in range(steady)]
        return start, first, statistics.median(rounds)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def floor(rounds):
    """JShell's local engine, `1+1`: the median in seconds (a JVM of its own, run once)."""
    java = pathlib.Path(os.environ.get("JAVA_HOME", "")) / "bin" / "java"
    out = subprocess.run([str(java) if java.is_file() else "java", str(ROOT / "bench" / "JShellFloor.java"),
                          str(rounds), "20"], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def rss_mib(pid):
    """Resident memory of process pid in MiB, from /proc (Linux); None elsewhere."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def engine_pid(kernel_pid):
    """The engine JVM: the kernel's child java process (Linux /proc); None if not found. /proc lists a child under
    the thread that started it, so every thread of the kernel is looked at."""
    children = []
    for task in pathlib.Path(f"/proc/{kernel_pid}/task").glob("*"):
        try:
            children += (task / "children").read_text().split()
        except OSError:
            continue
    for child in children:
        try:
            cmd = pathlib.Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(b"EngineMain" in part for part in cmd):
            return int(child)
    return None


def memory(name):
    """RSS of the kernel and engine JVMs after start (and 1+1), and after 00-start-here's code cells."""
    nb = nbformat.read(ROOT / "notebooks" / "00-start-here.ipynb", as_version=4)
    km, kc, _ = started(name)
    try:
        run_cell(kc, "1+1")
        kernel = km.provisioner.process.pid
        engine = engine_pid(kernel)
        before = (rss_mib(kernel), rss_mib(engine) if engine else None)
        failed = 0
        for cell in nb.cells:
            if cell.cell_type == "code":
                _, reply = run_cell(kc, cell.source, timeout=300)
                failed += reply["content"]["status"] != "ok"
        engine = engine_pid(kernel) or engine  # a cell may have restarted the engine on purpose
        after = (rss_mib(kernel), rss_mib(engine) if engine else None)
        return before, after, failed
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def mib(v):
    return "n/a" if v is None else f"{v:.0f} MiB"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--steady", type=int, default=20)
    p.add_argument("--kernel", default=os.environ.get("CONCLAB_KERNEL", "conclab"))
    p.add_argument("--no-memory", action="store_true", help="skip the memory run (00-start-here)")
    a = p.parse_args()
    starts, firsts, steadies = [], [], []
    for i in range(a.runs):
        s, f, st = one_kernel(a.kernel, a.steady)
        starts.append(s), firsts.append(f), steadies.append(st)
        print(f"run {i + 1}: start {s:.3f} s, first 1+1 {f:.3f} s, steady 1+1 {st:.4f} s", flush=True)
    base = floor(a.steady)
    print(f"floor: JShell's local engine, 1+1: {base:.4f} s", flush=True)
    med = {"start": statistics.median(starts), "first": statistics.median(firsts),
           "start+first": statistics.median(s + f for s, f in zip(starts, firsts)),
           "steady": statistics.median(steadies)}
    print()
    print(f"Kernel `{a.kernel}`, median of {a.runs} runs ({a.steady} steady cells each); "
          f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print()
    print("| measure | measured | target | met |")
    print("|---|---|---|---|")
    ok = True

    def row(label, value, target, good):
        nonlocal ok
        ok &= good
        print(f"| {label} | {value} | {target} | {'yes' if good else 'NO'} |")

    print(f"| start, until kernel_info answered | {med['start']:.3f} s | | |")
    row("first `1+1`, after kernel_info", f"{med['first']:.3f} s", f"<= {TARGETS['first']} s", med["first"] <= TARGETS["first"])
    row("start + first cell", f"{med['start+first']:.3f} s", f"<= {TARGETS['start+first']} s",
        med["start+first"] <= TARGETS["start+first"])
    ratio = med["steady"] / base
    row("steady `1+1` round trip", f"{med['steady']:.4f} s = {ratio:.2f} x the floor ({base:.4f} s)",
        f"<= {STEADY_RATIO} x the floor", ratio <= STEADY_RATIO)
    if not a.no_memory:
        before, after, failed = memory(a.kernel)
        print(f"| RSS after start: kernel JVM, engine JVM | {mib(before[0])}, {mib(before[1])} | | |")
        print(f"| RSS after 00-start-here ({failed} cells failed): kernel JVM, engine JVM "
              f"| {mib(after[0])}, {mib(after[1])} | | |")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
