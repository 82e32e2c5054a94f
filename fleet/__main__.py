"""Folio beyond one machine, on this one: two API nodes and two workers on one PostgreSQL,
HAProxy in front of the nodes, Varnish in front of HAProxy (what a CDN would be).

    python -m fleet up     # make fleet: serve it until Ctrl-C, Varnish on 127.0.0.1:8080
    python -m fleet test   # make fleet-test: bring it up on free ports, measure, tear it down

The shape is the one docker-compose.yml describes. Everything runs as a child process with its
log in the run's folder; HAProxy and Varnish are Debian's packages (``make fleet`` installs
them).
"""

import argparse
import os
import signal
import sys
import time

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
    args = parser.parse_args()
    if args.command == "up":
        up(args.database)
    else:
        # The checks load the fleet from one address: no limit for them.
        with running(Ports.free(), args.database, rate_limit="off") as fleet:
            run_checks(fleet)


if __name__ == "__main__":
    main()
