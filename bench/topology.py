"""The production topology on loopback, exactly as the Procfile says: gunicorn, Celery worker(s),
one beat, against a PostgreSQL database and the local Redis.

``running(database_url, ...)`` starts every process of the Procfile with the settings given,
waits until ``/healthz`` answers, yields a ``Topology`` (base URL, process ids, logs) and stops
everything on the way out, whatever happens. The benchmarks use it; ``make serve-prod`` runs the
same Procfile through honcho.
"""

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PROCFILE = ROOT / "Procfile"
REDIS = os.environ.get("SEMINAR_REG_BENCH_REDIS", "redis://127.0.0.1:6379/0")


def procfile(path: Path = PROCFILE) -> dict[str, str]:
    """{process name: command} of a Procfile."""
    entries = {}
    for line in path.read_text().splitlines():
        match = re.fullmatch(r"([A-Za-z0-9_]+):\s*(.+)", line.strip())
        if match:
            entries[match.group(1)] = match.group(2)
    return entries


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Topology:
    base_url: str
    processes: dict[str, subprocess.Popen]
    logs: Path
    env: dict[str, str] = field(repr=False)

    def web_worker_pids(self) -> list[int]:
        """gunicorn's worker processes (the children of its master)."""
        master = self.processes["web"].pid
        children = Path(f"/proc/{master}/task/{master}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def settings(database_url: str, **overrides: str) -> dict[str, str]:
    """The environment of every process: what a deployment shares (README, Production)."""
    return {
        "SEMINAR_REG_SECRET_KEY": secrets.token_hex(32),
        "SEMINAR_REG_SQLALCHEMY_DATABASE_URI": database_url,
        "SEMINAR_REG_CELERY_BROKER_URL": REDIS,
        "SEMINAR_REG_OUTBOX_DISPATCH": "celery",
        "SEMINAR_REG_RATELIMIT_STORAGE_URI": REDIS,
        **overrides,
    }


@contextmanager
def running(
    database_url: str,
    *,
    web_workers: int | None = None,
    web_threads: int | None = None,
    celery_concurrency: int = 1,
    processes: tuple[str, ...] = ("web", "worker", "beat"),
    web_command: str | None = None,
    extra_env: dict[str, str] | None = None,
    startup_seconds: float = 60.0,
) -> Iterator[Topology]:
    """Every named process of the Procfile running; ``web_command`` replaces the web process's
    command (the bare endpoint of the benchmark is served the same way)."""
    port = free_port()
    env = {
        **os.environ,
        **settings(database_url, **(extra_env or {})),
        "WEB_BIND": f"127.0.0.1:{port}",
        # gunicorn.conf.py's defaults unless given
        **({"WEB_WORKERS": str(web_workers)} if web_workers else {}),
        **({"WEB_THREADS": str(web_threads)} if web_threads else {}),
        "CELERY_CONCURRENCY": str(celery_concurrency),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    commands = procfile()
    if web_command:
        commands["web"] = web_command
    logs = Path(tempfile.mkdtemp(prefix="seminar_reg-topology-"))
    env["CELERY_BEAT_SCHEDULE"] = str(logs / "beat-schedule")
    started: dict[str, subprocess.Popen] = {}
    try:
        for name in processes:
            log = (logs / f"{name}.log").open("w")
            started[name] = subprocess.Popen(
                ["/bin/sh", "-c", f"exec {commands[name]}"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        base_url = f"http://127.0.0.1:{port}"
        if "web" in started:
            _wait_for_health(base_url, started["web"], logs / "web.log", startup_seconds)
        yield Topology(base_url, started, logs, env)
    except BaseException:
        print(f"The processes' logs are kept in {logs}")
        raise
    else:
        shutil.rmtree(logs, ignore_errors=True)
    finally:
        for process in started.values():
            _stop(process)


def _wait_for_health(base_url: str, web: subprocess.Popen, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if web.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz in {seconds:.0f} s: see {log}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """Each process's CPU time so far (user + system), in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    times = {}
    for pid in pids:
        # The fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        times[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return times


def peak_rss_kib(pid: int) -> int:
    """A process's peak resident memory (VmHWM), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0
