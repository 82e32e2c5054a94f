"""``python -m tests.ahead YEARS COMMAND…``: runs COMMAND, and every process it starts, with the
wall clock YEARS years from now (``make test-ahead``).

It preloads the libfaketime that the ``libfaketime`` package ships, with the monotonic clock left
real. Debian's faketime 0.9.10 cannot be used for Python: with the monotonic clock faked, a timed
wait (``threading.Event.wait``, ``Lock.acquire(timeout=…)``) waits for years, since its deadline
is passed to ``sem_clockwait``, which it does not wrap; left real, ``time.sleep`` fails with
EINVAL. The build in the package wraps both."""

import os
import sys
from pathlib import Path

import libfaketime


def main(argv: list[str]) -> None:
    years, *command = argv
    if not command or not years.isdigit():
        raise SystemExit("usage: python -m tests.ahead YEARS COMMAND...")
    [library] = Path(libfaketime.__file__).parent.glob("vendor/libfaketime/src/libfaketime.so.1")
    os.environ.update(
        {
            "LD_PRELOAD": str(library),
            "FAKETIME": f"+{years}y",
            "DONT_FAKE_MONOTONIC": "1",
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
            "FOLIO_TEST_YEARS_AHEAD": years,  # the suite checks that the clock is that far ahead
        }
    )
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
