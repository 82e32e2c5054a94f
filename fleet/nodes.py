"""The fleet's processes, started and stopped (``python -m fleet`` runs them): two API nodes
and two workers on one PostgreSQL, HAProxy in front of the nodes, Varnish in front of HAProxy,
each a child process with its log in the run's folder."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx
import psycopg
from cryptography.fernet import Fernet
from sqlalchemy.engine import make_url

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
FOLIO = [sys.executable, "-m", "api.cli"]


@dataclass
class Ports:
    cache: int = 8080
    balancer: int = 8081
    node_a: int = 8082
    node_b: int = 8083

    @classmethod
    def free(cls) -> "Ports":
        return cls(*(_free_port() for _ in range(4)))


@dataclass
class Fleet:
    """The running fleet: where each part answers, and how to stop a node."""

    ports: Ports
    folder: Path
    database_url: str
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def cache(self) -> str:
        return f"http://127.0.0.1:{self.ports.cache}"

    @property
    def balancer(self) -> str:
        return f"http://127.0.0.1:{self.ports.balancer}"

    def node(self, name: str) -> str:
        port = self.ports.node_a if name == "a" else self.ports.node_b
        return f"http://127.0.0.1:{port}"

    def start(self, name: str, command: list[str], env: dict[str, str] | None = None) -> None:
        log = (self.folder / f"{name}.log").open("wb")
        self.processes[name] = subprocess.Popen(
            command,
            cwd=REPO,
            env={**os.environ, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self, name: str, timeout: float = 30) -> int:
        return self.stop_all([name], timeout)[name]

    def stop_all(self, names: list[str], timeout: float = 30) -> dict[str, int]:
        """SIGTERM to each at once (nodes drain), then waits; SIGKILL to what outlives it."""
        processes = {name: self.processes.pop(name) for name in names}
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        codes = {}
        for name, process in processes.items():
            try:
                codes[name] = process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                codes[name] = process.wait()
        return codes

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fresh_database(server_url: str, name: str) -> str:
    """A new, empty database ``name`` on the PostgreSQL of ``server_url``."""
    url = make_url(server_url)
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def _render(template: Path, values: dict[str, str], out: Path) -> Path:
    text = template.read_text()
    for key, value in values.items():
        text = text.replace("${" + key + "}", value)
    out.write_text(text)
    out.chmod(0o644)
    return out


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"fleet: {what} within {timeout:g} s")


@contextmanager
def running(
    ports: Ports,
    server_url: str,
    *,
    drain_seconds: float = 2.0,
    rate_limit: str = "1200/minute",
) -> Iterator[Fleet]:
    for tool in ("haproxy", "varnishd"):
        if shutil.which(tool) is None:
            raise SystemExit(f"fleet: {tool} is missing (make fleet installs it)")
    folder = Path(tempfile.mkdtemp(prefix="folio-fleet-"))
    folder.chmod(0o755)  # Varnish's compiler runs as its own user
    fleet = Fleet(ports, folder, _fresh_database(server_url, "folio_fleet"))
    env = {
        "DATABASE_URL": fleet.database_url,
        "FOLIO_SECRET_KEY": os.environ.get("FOLIO_SECRET_KEY") or Fernet.generate_key().decode(),
        "FOLIO_BASE_URL": fleet.cache,  # the public address: links name it
        "FOLIO_DRAIN_SECONDS": str(drain_seconds),
        "FOLIO_PURGE_URLS": f'["{fleet.cache}/"]',
        "FOLIO_WEBHOOK_ALLOW_PRIVATE": "true",  # the fleet test's receiver is on loopback
        "FOLIO_MEDIA_STORAGE": "database",  # nodes share asset bytes through PostgreSQL
        # Rate limits counted in Redis, shared by the nodes; the client's address from
        # X-Forwarded-For, which Varnish and HAProxy add (both on loopback).
        "FOLIO_REDIS_URL": os.environ.get("FLEET_REDIS_URL", "redis://127.0.0.1:6379/1"),
        "FOLIO_TRUSTED_PROXIES": '["127.0.0.1"]',
        "FOLIO_RATE_LIMIT_ANONYMOUS": rate_limit,
    }
    os.environ.update(env)
    failed = True  # until the block has run to its end
    try:
        subprocess.run([*FOLIO, "db", "upgrade"], cwd=REPO, check=True, capture_output=True)
        for name, port in (("a", ports.node_a), ("b", ports.node_b)):
            fleet.start(f"node-{name}", [*FOLIO, "serve", "--port", str(port), "--workers", "2"])
        for name in ("1", "2"):
            fleet.start(f"worker-{name}", [*FOLIO, "worker", "--interval", "0.2"])
        fleet.start(
            "haproxy",
            ["haproxy", "-db", "-f", str(HERE / "haproxy.cfg")],
            {
                "FLEET_BALANCER": f"127.0.0.1:{ports.balancer}",
                "FLEET_NODE_A": f"127.0.0.1:{ports.node_a}",
                "FLEET_NODE_B": f"127.0.0.1:{ports.node_b}",
            },
        )
        backend = {"FLEET_BALANCER_HOST": "127.0.0.1", "FLEET_BALANCER_PORT": str(ports.balancer)}
        vcl = _render(HERE / "folio.vcl", backend, folder / "folio.vcl")
        fleet.start(
            "varnish",
            [
                "varnishd", "-F", "-a", f"127.0.0.1:{ports.cache}", "-f", str(vcl),
                "-n", str(folder / "varnish"), "-s", "malloc,128m",
                "-p", "vcc_allow_inline_c=off",
            ],
        )  # fmt: skip
        with httpx.Client(timeout=2) as http:
            for name in ("a", "b"):
                wait_until(
                    lambda n=name: http.get(f"{fleet.node(n)}/readyz").status_code == 200,  # type: ignore[misc]
                    60,
                    f"node {name} was not ready",
                )
            wait_until(
                lambda: http.get(f"{fleet.cache}/v1/articles/1").status_code == 200,
                30,
                "Varnish and HAProxy did not answer",
            )
        yield fleet
        failed = False
    finally:
        # Whatever stopped us (Ctrl-C, SIGTERM, a failed check), every part stops with it.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        fleet.stop_all(list(fleet.processes), timeout=20)
        if failed:  # its processes' logs tell what happened
            print(f"fleet: the logs are kept in {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)
