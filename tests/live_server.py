"""A real battkg server in a child process, under a memory cap and a CPU-time limit.

For the hostile-input tests (issue 14) and bench/hostile.py: `battkg serve` runs
in a subprocess on a free loopback port with `RLIMIT_AS` and `RLIMIT_CPU` set in
the child (its query workers inherit them), so a regression that makes the
service grow without bound or spin fails the test instead of exhausting the
machine.

    with LiveServer(store, env={"BATTKG_QUERY_WORKERS": "2"}) as server:
        httpx.get(server.url + "/health")
"""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType

import httpx

#: the address-space cap of the server and of each of its query workers
MEMORY_CAP_BYTES = 3 * 1024**3
#: CPU seconds the server process may use in all
CPU_SECONDS = 600
#: /health answers in a row that must say "warmed" before the server counts as started
WARM_ANSWERS = 8


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _limits(memory: int, cpu: int) -> None:  # runs in the child, before exec
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    os.setsid()  # its own process group: stopped with its query workers


class LiveServer:
    """`battkg serve` on 127.0.0.1:<free port>, stopped (with its workers) on exit."""

    def __init__(
        self,
        store: Path,
        env: dict[str, str] | None = None,
        *,
        memory: int = MEMORY_CAP_BYTES,
        cpu_seconds: int = CPU_SECONDS,
        log: Path | None = None,
        workers: int | None = None,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.store = store
        self.env = {
            **os.environ,
            "BATTKG_STORE": str(store),
            "BATTKG_ESCO_DIR": "",
            "BATTKG_QUERY_WORKERS": "2",
            **(env or {}),
        }
        self.memory, self.cpu_seconds = memory, cpu_seconds
        self.log = log
        self.workers = workers  # serving processes; None: the `battkg serve` default
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, wait: float = 60.0) -> LiveServer:
        out = self.log.open("wb") if self.log else subprocess.DEVNULL
        command = [
            sys.executable,
            "-c",
            "import sys; from battkg.cli import main; sys.exit(main())",
        ]
        self.process = subprocess.Popen(
            [
                *command,
                "serve",
                "--port",
                str(self.port),
                "--store",
                str(self.store),
                *(["--workers", str(self.workers)] if self.workers else []),
            ],
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=lambda: _limits(self.memory, self.cpu_seconds),
        )
        deadline = time.monotonic() + wait
        warm = 0  # answers in a row from a process that has warmed the served generation
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}")
            try:
                r = httpx.get(self.url + "/health", timeout=1)
            except httpx.HTTPError:
                r = None
            if r is not None and r.status_code == 200:
                # `battkg serve` warms each generation's caches in the background (web/warmup.py):
                # a test that measures memory or time from here on must not count that work, so
                # the server is ready once several answers in a row (from any of its serving
                # processes) say that the warm-up is done
                warm = warm + 1 if r.json().get("warmed") is not False else 0
                if warm >= WARM_ANSWERS:
                    return self
            time.sleep(0.2 if warm == 0 else 0.02)
        self.stop()
        raise RuntimeError(f"the server did not answer /health warmed within {wait:g} s")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.process = None

    def rss_bytes(self) -> int:
        """Resident memory of the server and every process of its group (its query workers)."""
        if self.process is None:
            return 0
        return sum(_rss(pid) for pid in _group(self.process.pid))

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class HealthWatch:
    """Polls /health every 50 ms in a thread; `gap` is the longest time it went unanswered."""

    def __init__(self, url: str) -> None:
        self.url, self.gap, self.failures = url, 0.0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(timeout=10) as client:
            last = time.monotonic()
            while not self._stop.is_set():
                try:
                    ok = client.get(self.url + "/health").status_code == 200
                except httpx.HTTPError:
                    ok = False
                now = time.monotonic()
                if ok:
                    self.gap, last = max(self.gap, now - last), now
                else:
                    self.failures += 1
                time.sleep(0.05)
            self.gap = max(self.gap, time.monotonic() - last)

    def __enter__(self) -> HealthWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(20)


class MemoryWatch:
    """Samples the server group's resident memory every 20 ms; `peak` is the highest seen."""

    def __init__(self, server: LiveServer) -> None:
        self.server, self.peak = server, server.rss_bytes()
        self.baseline = self.peak
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.server.rss_bytes())
            time.sleep(0.02)

    @property
    def extra(self) -> int:
        return max(0, self.peak - self.baseline)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)


def _group(pgid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid:  # field 5 of stat: the process group
                pids.append(int(entry.name))
    return pids


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0
