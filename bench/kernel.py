"""Kernel speed, measured through the Jupyter protocol as a frontend sees it.

For each of RUNS fresh kernels:
  (a) start: from launching the kernel process until its kernel_info_reply arrives;
  (b) first cell: `1+1` right after, until its execute_reply and idle status;
  (c) steady round trip: the median of STEADY further `1+1` cells.
Prints the median of the runs as a table, with the targets of issue 2 and, for reference, the figures of a
well-known in-process Java kernel measured on a 2-core machine like ours (not measured here: no release of
it can be installed on this machine).

    ./conclab bench            (or: .venv/bin/python bench/kernel.py [--runs 5] [--kernel conclab])
"""
import argparse
import os
import platform
import queue
import statistics
import time

from jupyter_client.manager import KernelManager

TARGETS = {"start+first": 2.2, "steady": 0.06}
REFERENCE = {"start": 2.1, "first": 0.25, "start+first": 2.35, "steady": 0.10}


def wait_reply(kc, msg_id, timeout=120):
    deadline = time.monotonic() + timeout
    while True:
        m = kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic()))
        if m["parent_header"].get("msg_id") == msg_id:
            return m


def run_cell(kc, code, timeout=120):
    """Sends code; returns seconds until both the reply and the idle status have arrived."""
    t0 = time.perf_counter()
    msg_id = kc.execute(code)
    reply = idle = None
    deadline = time.monotonic() + timeout
    while reply is None or idle is None:
        if time.monotonic() > deadline:
            raise TimeoutError(code)
        if reply is None:
            try:
                m = kc.get_shell_msg(timeout=0)
                if m["parent_header"].get("msg_id") == msg_id:
                    reply = m
            except queue.Empty:
                pass
        try:
            m = kc.get_iopub_msg(timeout=0.001)
        except queue.Empty:
            continue
        if (m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status"
                and m["content"]["execution_state"] == "idle"):
            idle = m
    assert reply["content"]["status"] == "ok", reply["content"]
    return time.perf_counter() - t0


def one_kernel(name, steady):
    km = KernelManager(kernel_name=name)
    t0 = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        wait_reply(kc, kc.kernel_info())
        start = time.perf_counter() - t0
        first = run_cell(kc, "1+1")
        rounds = [run_cell(kc, "1+1") for _ in range(steady)]
        return start, first, statistics.median(rounds)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--steady", type=int, default=20)
    p.add_argument("--kernel", default=os.environ.get("CONCLAB_KERNEL", "conclab"))
    a = p.parse_args()
    starts, firsts, steadies = [], [], []
    for i in range(a.runs):
        s, f, st = one_kernel(a.kernel, a.steady)
        starts.append(s), firsts.append(f), steadies.append(st)
        print(f"run {i + 1}: start {s:.3f} s, first 1+1 {f:.3f} s, steady 1+1 {st:.4f} s", flush=True)
    med = {"start": statistics.median(starts), "first": statistics.median(firsts),
           "start+first": statistics.median(s + f for s, f in zip(starts, firsts)),
           "steady": statistics.median(steadies)}
    rows = [("start, until kernel_info answered", "start"), ("first `1+1`", "first"),
            ("start + first cell", "start+first"), ("steady `1+1` round trip", "steady")]
    print()
    print(f"Kernel `{a.kernel}`, median of {a.runs} runs ({a.steady} steady cells each); "
          f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print()
    print("| measure | conclab | target | in-process Java kernel (reference) |")
    print("|---|---|---|---|")
    ok = True
    for label, key in rows:
        target = TARGETS.get(key)
        verdict = ""
        if target is not None:
            good = med[key] <= target
            ok &= good
            verdict = f"<= {target} s {'(met)' if good else '(MISSED)'}"
        print(f"| {label} | {med[key]:.3f} s | {verdict} | {REFERENCE[key]:.2f} s |")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
