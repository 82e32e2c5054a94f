"""Folio beyond one machine, on this one: two API nodes and two workers on one PostgreSQL,
HAProxy in front of the nodes, Varnish in front of HAProxy (what a CDN would be).

    python -m fleet up     # make fleet: serve it until Ctrl-C, Varnish on 127.0.0.1:8080
    python -m fleet test   # bring it up on free ports, measure, tear it down
    python -m fleet test --runs 10 --busy   # make fleet-test: ten in a row, every core kept busy

The shape is the one docker-compose.yml describes. Everything runs as a child process with its
log in the run's folder; HAProxy and Varnish are Debian's packages (``make fleet`` installs
them).
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from fleet.checks import run_checks
from fleet.nodes import Ports, running


def up(server_url: str) -> None:
    ports = Ports()
    with running(ports, server_url) as fleet:
        print(
            f"Folio fleet: Varnish {fleet.cache} → HAProxy {fleet.balancer} → nodes "
            f"{fleet.node('a')}, {fleet.node('b')} (2 workers each); 2 folio workers; "
            f"PostgreSQL database folio_fleet; logs in {fleet.folder}. Ctrl-C stops it.",
            flush=True,
        )
        try:
            while all(p.poll() is None for p in fleet.processes.values()):
                time.sleep(0.5)
            stopped = [n for n, p in fleet.processes.items() if p.poll() is not None]
            print(f"fleet: {', '.join(stopped)} stopped; see its log", file=sys.stderr)
        except KeyboardInterrupt:
            pass


@contextmanager
def busy(on: bool) -> Iterator[None]:
    """As many processes as the machine has cores, each spinning (at the fleet's own
    priority), while the block runs: the fleet's bounds must hold on a loaded machine."""
    spinners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"])
        for _ in range((os.cpu_count() or 1) if on else 0)
    ]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the fleet the way Ctrl-C does


def main() -> None:
    signal.signal(signal.SIGTERM, _interrupt)
    parser = argparse.ArgumentParser(prog="python -m fleet", description=__doc__)
    parser.add_argument("command", choices=["up", "test"])
    parser.add_argument(
        "--database",
        default=os.environ.get(
            "PG_FLEET_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
        help="A PostgreSQL server the fleet makes its database folio_fleet on.",
    )
    parser.add_argument(
        "--runs", type=int, default=1, help="test: how many fleets, one after the other."
    )
    parser.add_argument("--busy", action="store_true", help="test: keep every core busy meanwhile.")
    args = parser.parse_args()
    if args.command == "up":
        up(args.database)
        return
    with busy(args.busy):
        for run in range(1, args.runs + 1):
            print(f"fleet test: run {run} of {args.runs}{' (cores kept busy)' * args.busy}")
            # The checks load the fleet from one address: no limit for them.
            with running(Ports.free(), args.database, rate_limit="off") as fleet:
                run_checks(fleet)


if __name__ == "__main__":
    main()
