"""Resident memory of a process and every process below it, however they were started.

`/proc/PID/task/PID/children` lists only the children started by the main thread; the query
workers are started from other threads (and, with `battkg serve --workers N`, by the serving
processes below a supervisor), so the whole tree is walked from every process's parent id.
"""

from __future__ import annotations

import os
from pathlib import Path


def _parent(stat: str) -> int:
    # the command name (field 2) is in parentheses and may hold spaces: split after it
    return int(stat.rsplit(")", 1)[1].split()[1])


def descendants(root: int) -> list[int]:
    """`root` and every process below it (children, grandchildren, ...)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = _parent((entry / "stat").read_text())
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _field_mib(path: str, name: str) -> float:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(name):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0  # gone meanwhile, or not readable


def rss_mib(pid: int) -> float:
    """VmRSS of one process in MiB (0 when it is gone)."""
    return _field_mib(f"/proc/{pid}/status", "VmRSS:")


def pss_mib(pid: int) -> float:
    """Proportional set size in MiB: shared pages divided among the processes sharing them."""
    return _field_mib(f"/proc/{pid}/smaps_rollup", "Pss:")


def tree_memory(root: int) -> tuple[float, float, int]:
    """`root`'s whole tree: summed RSS (counts shared pages in each process), summed PSS
    (counts them once), both in MiB, and the number of processes."""
    pids = descendants(root)
    return sum(rss_mib(p) for p in pids), sum(pss_mib(p) for p in pids), len(pids)


def cpu_seconds(pid: int) -> float:
    """CPU time of one process's live threads in seconds, to the nanosecond (the scheduler's
    own account, /proc/PID/task/TID/schedstat; /proc/PID/stat counts in 10 ms ticks, too
    coarse for a request of a millisecond). 0 when it is gone."""
    total = 0
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return 0.0
    for task in tasks:
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, IndexError, ValueError):
            continue  # the thread ended meanwhile
    return total / 1e9


def tree_cpu_seconds(root: int) -> float:
    """CPU time used so far by the live threads of `root` and of every process below it
    (query workers included)."""
    return sum(cpu_seconds(p) for p in descendants(root))


def tree_cpu_total(root: int) -> float:
    """CPU seconds used so far by `root` and every process below it, counting threads that
    have ended and children that were reaped (utime, stime, cutime, cstime of /proc/PID/stat;
    10 ms resolution): what a load of many seconds cost the whole service."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in descendants(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile (its parent's cutime counts it once reaped)
        total += sum(int(x) for x in fields[11:15])
    return total / tick
