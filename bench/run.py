"""Read-path benchmark: Folio against baselines run side by side, reported as ratios.

    make bench                       # SQLite, 2 workers each, wrk -c32 for 10 s per target
    .venv/bin/python -m bench.run --database postgresql+psycopg://postgres@127.0.0.1/test

Targets, all serving GET /v1/articles/1 on loopback:
- folio: ``folio serve`` with its response cache;
- naive: a plain FastAPI + SQLModel app (bench/naive_app.py) on the same database;
- static: nginx serving the same JSON bytes from a file (when nginx is installed).

Absolute numbers depend on the machine and what else it runs; the ratios, measured in one run,
are what to compare between commits. Every load is bounded by wrk's duration.
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PATH = "/v1/articles/1"


@dataclass
class Result:
    name: str
    requests_per_second: float
    latency_p99: str


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def wrk(url: str, *, seconds: int, connections: int, threads: int) -> tuple[float, str]:
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"99%\s+(\S+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if rps is None or errors is not None:
        raise RuntimeError(f"wrk failed against {url}:\n{out}")
    return float(rps.group(1)), p99.group(1) if p99 else "?"


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(args, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", help="DATABASE_URL (default: a new SQLite file)")
    parser.add_argument("--seconds", type=int, default=10, choices=range(1, 121))
    parser.add_argument("--connections", type=int, default=32, choices=range(1, 1025))
    parser.add_argument("--workers", type=int, default=2, choices=range(1, 17))
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk (make bench does it)")

    work = Path(tempfile.mkdtemp(prefix="folio-bench-"))
    work.chmod(0o755)  # nginx workers run as an unprivileged user and must read the file
    url = options.database or f"sqlite:///{work / 'bench.db'}"
    env = {**os.environ, "DATABASE_URL": url}
    python = sys.executable
    subprocess.run([python, "-m", "api.cli", "db", "upgrade"], cwd=REPO, env=env, check=True)

    processes: list[subprocess.Popen[bytes]] = []
    targets: dict[str, str] = {}
    try:
        folio_port, naive_port = free_port(), free_port()
        processes.append(
            start(
                [
                    python,
                    "-m",
                    "api.cli",
                    "serve",
                    "--port",
                    str(folio_port),
                    "--workers",
                    str(options.workers),
                ],
                env,
                work / "folio.log",
            )
        )
        processes.append(
            start(
                [
                    python,
                    "-m",
                    "uvicorn",
                    "bench.naive_app:app",
                    "--port",
                    str(naive_port),
                    "--workers",
                    str(options.workers),
                    "--no-access-log",
                    "--log-level",
                    "warning",
                ],
                env,
                work / "naive.log",
            )
        )
        targets["folio"] = f"http://127.0.0.1:{folio_port}{PATH}"
        targets["naive"] = f"http://127.0.0.1:{naive_port}{PATH}"
        for target in targets.values():
            wait_ready(target)
        if shutil.which("nginx"):
            static_port = free_port()
            root = work / "static"
            (root / "v1" / "articles").mkdir(parents=True)
            with urllib.request.urlopen(targets["folio"]) as response:
                (root / "v1" / "articles" / "1").write_bytes(response.read())
            conf = work / "nginx.conf"
            conf.write_text(
                f"worker_processes {options.workers};\npid {work}/nginx.pid;\n"
                f"error_log {work}/nginx-error.log;\nevents {{ worker_connections 1024; }}\n"
                f"http {{ access_log off; default_type application/json;\n"
                f"  server {{ listen 127.0.0.1:{static_port}; root {root}; }} }}\n"
            )
            processes.append(
                start(["nginx", "-c", str(conf), "-g", "daemon off;"], env, work / "nginx.log")
            )
            targets["static"] = f"http://127.0.0.1:{static_port}{PATH}"
            wait_ready(targets["static"])

        results = []
        for name, target in targets.items():
            wrk(target, seconds=2, connections=options.connections, threads=2)  # warm up
            rps, p99 = wrk(
                target, seconds=options.seconds, connections=options.connections, threads=2
            )
            results.append(Result(name, rps, p99))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)

    by_name = {r.name: r for r in results}
    print(f"\nGET {PATH}, wrk -c{options.connections} for {options.seconds} s, {url.split(':')[0]}")
    for r in results:
        print(f"  {r.name:<7} {r.requests_per_second:>10,.0f} req/s   p99 {r.latency_p99}")
    folio = by_name["folio"].requests_per_second
    print(f"  folio / naive  = {folio / by_name['naive'].requests_per_second:.1f}x  (target >= 5x)")
    if "static" in by_name:
        share = folio / by_name["static"].requests_per_second
        print(f"  folio / static = {share:.1%}  (target >= 10%)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
