"""The benchmark: Folio against baselines run side by side, reported as ratios.

    make bench                                   # SQLite then PostgreSQL, 100,000 articles
    .venv/bin/python -m bench.run --database postgresql+psycopg://postgres@127.0.0.1/bench
    .venv/bin/python -m bench.run --articles 10000 --seconds 5

Targets, each with ``--workers`` worker processes, all on loopback and the same database:
- folio: ``folio serve`` with its response cache;
- folio-cold: the same with the in-memory cache off (``FOLIO_CACHE_MAX_ENTRIES=0``): every
  request is a miss in memory, answered from the stored representation or rendered;
- naive: a plain FastAPI + SQLModel app (bench/naive_app.py);
- static: nginx serving the hot article's JSON from a file (when nginx is installed).

Scenarios: hot (one URL: a long-form article with links, lists, an image and a table,
bench/article.md), cold (the same URL, cache off), long tail by id and by slug (uniformly
random over every article, through a wrk Lua script; cache off), a list of 20 with a filter,
search, a feed, a 304 revalidation, the article page (with its author, tags, roles and
comparisons) by REST ``include=`` against the same as a persisted GraphQL query by GET, hot
and cold, mixed (the hot read while a writer edits other articles
at 1, 5 and 20 writes per second) and mixed long tail (the long tail by id, with the memory
cache on, under the same writers; against the same long tail without them) and writes
(PATCHes of random articles from 8 clients at once, against naive's same update with a
revision row; with their median latency). Then the
cold scenarios over ``--small`` articles (1,000) in a database of their own, to compare the
p99 at full size with. The content is the seed
article and its copies, written in bulk (bench/seed.py), then rendered once each
(``folio warm``), as a bulk import would be, and the database settles (``settle``: a VACUUM
and a checkpoint on PostgreSQL, a WAL checkpoint on SQLite) before anything is measured.
The table is printed and written to bench/RESULTS.md with the machine and the date
(``make bench``: SQLite, then PostgreSQL appended). Absolute numbers depend on the machine;
the ratios, measured in one run, are what to compare between commits. Every load is bounded
by wrk's duration.
"""

import argparse
import contextlib
import hashlib
import json
import os
import platform
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx2 as httpx

REPO = Path(__file__).resolve().parent.parent
# The hot and cold scenarios' article: a long-form guide as an editor writes one (headings,
# links, emphasis, lists, a quote, an image, a table; 17 KB of JSON), imported from Markdown.
ARTICLE = REPO / "bench" / "article.md"
HOT = "/v1/articles/hiring-a-fractional-caio-field-guide"
# The query a frontend sends for an article page (docs/graphql.md), as a persisted query.
ARTICLE_PAGE = (
    "query ArticlePage($slug: String!) { article(slug: $slug) { id slug title kicker summary"
    " published_at locale body body_html seo { meta_title meta_description canonical_url image }"
    " author { name slug } tags { name slug } cover { url alt width height srcset }"
    " roles { slug name definition } comparisons { slug title dimension_label"
    " subjects { slug name } rows { dimension cells { role text note } } }"
    " translations { locale url } } }"
)


@dataclass
class Result:
    scenario: str
    target: str
    requests_per_second: float
    p99_ms: float
    p50_ms: float = 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def _milliseconds(text: str) -> float:
    matched = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if matched is None:
        raise RuntimeError(f"wrk printed a latency of {text!r}")
    number, unit = matched.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1e3, "m": 6e4, "h": 3.6e6}[unit]


def wrk(
    url: str,
    *,
    seconds: int,
    connections: int,
    script: Path | None = None,
    headers: tuple[str, ...] = (),
) -> tuple[float, float, float]:
    """Requests a second, and the 99th and 50th percentiles of latency in ms."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    if script is not None:
        command += ["-s", str(script)]
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"^\s*99%\s+(\S+)", out, re.MULTILINE)
    p50 = re.search(r"^\s*50%\s+(\S+)", out, re.MULTILINE)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if rps is None or p99 is None or p50 is None or errors is not None:
        raise RuntimeError(f"wrk failed against {url}:\n{out}")
    return float(rps.group(1)), _milliseconds(p99.group(1)), _milliseconds(p50.group(1))


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(args, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)


def random_paths(work: Path, name: str, paths: str) -> Path:
    """A wrk script asking for a uniformly random path each time (``paths``: a Lua
    expression of ``i``, an article number)."""
    script = work / f"{name}.lua"
    script.write_text(
        "math.randomseed(os.time())\n"
        "request = function()\n"
        "  local i = math.random(2, COUNT)\n"
        f"  return wrk.format('GET', {paths})\n"
        "end\n"
    )
    return script


def patches(work: Path, token: str, articles: int) -> Path:
    """A wrk script sending a JSON merge patch of a uniformly random article's summary each
    time (another article each time, but by chance), with ``token``."""
    script = work / "patches.lua"
    script.write_text(
        "math.randomseed(os.time())\n"
        "local n = 0\n"
        "local headers = {['Content-Type'] = 'application/merge-patch+json',\n"
        f"  ['Authorization'] = 'Bearer {token}'}}\n"
        "request = function()\n"
        "  n = n + 1\n"
        f"  local i = math.random(2, {articles})\n"
        "  local body = '{\"summary\": \"Edited by the benchmark, edit ' .. n .. '\"}'\n"
        "  return wrk.format('PATCH', '/v1/articles/' .. i, headers, body)\n"
        "end\n"
    )
    return script


class Writer(threading.Thread):
    """Edits random articles other than the hot one, ``rate`` times a second, until stopped."""

    def __init__(self, base: str, token: str, articles: int, rate: int) -> None:
        super().__init__(daemon=True)
        self.base, self.token, self.articles, self.rate = base, token, articles, rate
        self.stopping = threading.Event()
        self.done = 0

    def run(self) -> None:
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": "application/merge-patch+json",
        }
        with httpx.Client(base_url=self.base, timeout=10) as http:
            while not self.stopping.is_set():
                began = time.monotonic()
                target = random.randint(2, self.articles)
                http.patch(
                    f"/v1/articles/{target}", json={"summary": f"Edit {began}"}, headers=headers
                )
                self.done += 1
                self.stopping.wait(max(0.0, 1 / self.rate - (time.monotonic() - began)))


def prepare(url: str, articles: int) -> dict[str, str]:
    """Makes the database at ``url`` hold ``articles`` articles, each rendered once; the
    environment that points Folio at it."""
    if url.startswith("postgresql"):
        create_database(url)
    # One address and one key load it: no rate limit.
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "FOLIO_RATE_LIMIT_ANONYMOUS": "off",
        "FOLIO_RATE_LIMIT_KEY": "off",
    }
    python = sys.executable
    subprocess.run([python, "-m", "api.cli", "db", "upgrade"], cwd=REPO, env=env, check=True)
    subprocess.run(
        [python, "-m", "bench.seed", "--articles", str(articles)], cwd=REPO, env=env, check=True
    )
    subprocess.run(
        [python, "-m", "api.cli", "import", "--merge", str(ARTICLE)], cwd=REPO, env=env, check=True
    )
    began = time.monotonic()
    subprocess.run([python, "-m", "api.cli", "warm"], cwd=REPO, env=env, check=True)
    print(f"warmed in {time.monotonic() - began:.0f} s (folio warm: every article rendered once)")
    settle(url)
    return env


def settle(url: str) -> None:
    """Lets the database finish with the import before anything is measured, as an operator
    would after a bulk load: on PostgreSQL a VACUUM of what was written (or autovacuum does
    it during the first scenarios) and a checkpoint of its WAL; on SQLite a WAL checkpoint."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        import psycopg

        conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE)")
            conn.execute("CHECKPOINT")
    elif parsed.database:
        import sqlite3

        with contextlib.closing(sqlite3.connect(parsed.database)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def small_baseline(options: argparse.Namespace, url: str, work: Path) -> list[Result]:
    """The cold scenarios again over ``options.small`` articles, in a database of their own
    (a file beside the big one; on PostgreSQL, ``{database}_small``): what the p99 at full
    size is compared with."""
    if url.startswith("postgresql"):
        small_url = re.sub(r"/([^/?]+)(\?|$)", r"/\1_small\2", url, count=1)
    else:
        small_url = f"sqlite:///{work / 'small.db'}"
    env = {**prepare(small_url, options.small), "FOLIO_CACHE_MAX_ENTRIES": "0"}
    port = free_port()
    command = [sys.executable, "-m", "api.cli", "serve", "--port", str(port)]
    server = start([*command, "--workers", str(options.workers)], env, work / "small.log")
    base = f"http://127.0.0.1:{port}"
    script = random_paths(work, "small-by-id", "'/v1/articles/' .. i")
    script.write_text(script.read_text().replace("COUNT", str(options.small)))
    results = []
    try:
        wait_ready(base + HOT)
        for scenario, path, lua in (("cold", HOT, None), ("long tail by id", "/", script)):
            wrk(base + path, seconds=2, connections=options.connections, script=lua)
            rps, p99, p50 = wrk(
                base + path, seconds=options.seconds, connections=options.connections, script=lua
            )
            results.append(Result(scenario, f"folio-cold, {options.small:,}", rps, p99, p50))
            print(
                f"  {scenario:<28} {options.small:,} articles {rps:>10,.0f} req/s  p99 {p99:.1f} ms"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", help="DATABASE_URL (default: a new SQLite file)")
    parser.add_argument("--articles", type=int, default=100_000, choices=range(2, 1_000_001))
    parser.add_argument("--seconds", type=int, default=10, choices=range(1, 121))
    parser.add_argument("--connections", type=int, default=32, choices=range(1, 1025))
    parser.add_argument("--workers", type=int, default=2, choices=range(1, 17))
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "RESULTS.md")
    parser.add_argument("--append", action="store_true", help="add to --out, not replace it")
    parser.add_argument(
        "--small",
        type=int,
        default=1_000,
        choices=range(0, 100_001),
        metavar="N",
        help="also measure the cold long tail over N articles, to compare its p99 (0: not)",
    )
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk (make bench does it)")

    work = Path(tempfile.mkdtemp(prefix="folio-bench-"))
    work.chmod(0o755)  # nginx workers run as an unprivileged user and must read the file
    url = options.database or f"sqlite:///{work / 'bench.db'}"
    env = prepare(url, options.articles)
    python = sys.executable
    create_key = ["keys", "create", "--name", f"bench {time.time_ns()}", "--scope", "write"]
    token = subprocess.run(
        [python, "-m", "api.cli", *create_key],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()

    processes: list[subprocess.Popen[bytes]] = []
    bases: dict[str, str] = {}
    results: list[Result] = []
    memory: dict[str, float] = {}
    hot_bytes = 0
    workers = str(options.workers)
    try:
        for name, extra in (("folio", {}), ("folio-cold", {"FOLIO_CACHE_MAX_ENTRIES": "0"})):
            port = free_port()
            serve = [python, "-m", "api.cli", "serve", "--port", str(port), "--workers", workers]
            processes.append(start(serve, {**env, **extra}, work / f"{name}.log"))
            bases[name] = f"http://127.0.0.1:{port}"
        port = free_port()
        naive = [python, "-m", "uvicorn", "bench.naive_app:app", "--port", str(port)]
        naive += ["--workers", workers, "--no-access-log", "--log-level", "warning"]
        processes.append(start(naive, env, work / "naive.log"))
        bases["naive"] = f"http://127.0.0.1:{port}"
        for base in bases.values():
            wait_ready(base + HOT)
        with urllib.request.urlopen(bases["folio"] + HOT) as response:
            hot_body, etag = response.read(), response.headers["ETag"]
        hot_bytes = len(hot_body)
        if shutil.which("nginx"):
            port = free_port()
            root = work / "static"
            (root / HOT.lstrip("/")).parent.mkdir(parents=True)
            (root / HOT.lstrip("/")).write_bytes(hot_body)
            conf = work / "nginx.conf"
            conf.write_text(
                f"worker_processes {workers};\npid {work}/nginx.pid;\n"
                f"error_log {work}/nginx-error.log;\nevents {{ worker_connections 1024; }}\n"
                f"http {{ access_log off; default_type application/json;\n"
                f"  server {{ listen 127.0.0.1:{port}; root {root}; }} }}\n"
            )
            processes.append(
                start(["nginx", "-c", str(conf), "-g", "daemon off;"], env, work / "nginx.log")
            )
            bases["static"] = f"http://127.0.0.1:{port}"
            wait_ready(bases["static"] + HOT)

        with urllib.request.urlopen(bases["folio"] + "/v1/articles/1") as response:
            slug_of_1 = response.read().split(b'"slug":"', 1)[1].split(b'"', 1)[0].decode()
        count = str(options.articles)
        by_id = random_paths(work, "by-id", "'/v1/articles/' .. i")
        by_slug = random_paths(work, "by-slug", f"'/v1/articles/{slug_of_1[:100]}-' .. i")
        for script in (by_id, by_slug):
            script.write_text(script.read_text().replace("COUNT", count))

        def measure(
            scenario: str, target: str, path: str, connections: int = 0, **kwargs: object
        ) -> Result:
            clients = connections or options.connections
            wrk(bases[target] + path, seconds=2, connections=clients, **kwargs)  # type: ignore[arg-type]
            rps, p99, p50 = wrk(
                bases[target] + path,
                seconds=options.seconds,
                connections=clients,
                **kwargs,  # type: ignore[arg-type]
            )
            result = Result(scenario, target, rps, p99, p50)
            results.append(result)
            print(
                f"  {scenario:<28} {target:<11} {rps:>10,.0f} req/s  p99 {p99:>8.1f} ms"
                f"  p50 {p50:>6.1f} ms"
            )
            return result

        print(f"\n{options.articles:,} articles, wrk -c{options.connections}, {url.split(':')[0]}")
        for target in ("folio", "naive", "static"):
            if target in bases:
                measure("hot", target, HOT)
        for target in ("folio-cold", "naive"):
            measure("cold", target, HOT)
            measure("long tail by id", target, "/", script=by_id)
            measure("long tail by slug", target, "/", script=by_slug)
            measure("list of 20, tag filter", target, "/v1/articles?limit=20&tag=strategy")
        for name, process in zip(("folio", "folio-cold", "naive"), processes, strict=False):
            sizes = worker_rss(process.pid)
            memory[name] = max(sizes, default=0.0)
            print(f"  {name}: largest worker {memory[name]:.0f} MB resident after the long tail")
        page_rest, page_graphql = article_page_paths(bases, slug_of_1)
        for target in ("folio", "folio-cold"):
            measure("article page, REST include=", target, page_rest)
            measure("article page, GraphQL persisted", target, page_graphql)
        measure("search", "folio-cold", "/v1/search?q=operating")
        measure("feed (RSS)", "folio-cold", "/v1/feeds/articles.rss")
        measure("304 revalidation", "folio", HOT, headers=(f"If-None-Match: {etag}",))
        measure("long tail by id", "folio", "/", script=by_id)
        for scenario, path, script in (
            ("mixed", HOT, None),
            ("mixed long tail", "/", by_id),
        ):
            for rate in (1, 5, 20):
                writer = Writer(bases["folio"], token, options.articles, rate)
                writer.start()
                try:
                    measure(f"{scenario}, {rate} writes/s", "folio", path, script=script)
                finally:
                    writer.stopping.set()
                    writer.join(timeout=15)
        # PATCHes of random articles from 8 clients at once, as fast as each is answered.
        writes = patches(work, token, options.articles)
        for target in ("folio", "naive"):
            measure(WRITES, target, "/", connections=8, script=writes)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    if options.small:
        results += small_baseline(options, url, work)
    report(results, memory, options, url, hot_bytes)
    shutil.rmtree(work, ignore_errors=True)


WRITES = "writes, 8 clients"


def article_page_paths(bases: dict[str, str], slug: str) -> tuple[str, str]:
    """The article page's paths: by REST with ``include=``, and as a persisted GraphQL query
    (its hash alone, by GET), which each Folio server is sent whole once first."""
    sha256 = hashlib.sha256(ARTICLE_PAGE.encode()).hexdigest()
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": sha256}}
    variables = {"slug": slug}
    for name in ("folio", "folio-cold"):
        kept = httpx.post(
            f"{bases[name]}/graphql",
            json={"query": ARTICLE_PAGE, "variables": variables, "extensions": persisted},
            timeout=30,
        )
        kept.raise_for_status()
        if "errors" in kept.json():
            raise RuntimeError(f"the article page query failed: {kept.text}")
    query = urllib.parse.urlencode(
        {"variables": json.dumps(variables), "extensions": json.dumps(persisted)}
    )
    return f"/v1/articles/{slug}?include=author,tags,roles,comparisons", f"/graphql?{query}"


def worker_rss(parent: int) -> list[float]:
    """Resident size, in MB, of each worker process ``parent`` started (Linux /proc)."""
    sizes = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != parent:
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        rss = re.search(r"VmRSS:\s+(\d+) kB", status)
        if rss:
            sizes.append(int(rss[1]) / 1024)
    return sizes


def create_database(url: str) -> None:
    """Creates the PostgreSQL database ``url`` names, if it is not there yet."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    server = parsed.set(drivername="postgresql", database="postgres")
    with psycopg.connect(server.render_as_string(hide_password=False), autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,))
        if found.fetchone() is None:
            conn.execute(f'CREATE DATABASE "{parsed.database}"')


def report(
    results: list[Result],
    memory: dict[str, float],
    options: argparse.Namespace,
    url: str,
    hot_bytes: int,
) -> None:
    def find(scenario: str, target: str) -> Result | None:
        return next((r for r in results if (r.scenario, r.target) == (scenario, target)), None)

    hot = find("hot", "folio")
    tail = find("long tail by id", "folio")  # with the memory cache: mixed long tail's base
    static = find("hot", "static")
    lines = [
        *([] if options.append else ["# Benchmark results", ""]),
        f"## {url.split(':')[0]}",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {platform.node()} · {platform.machine()}"
        f" · {os.cpu_count()} cores · {_cpu()} · {url.split(':')[0]}"
        f" · {options.articles:,} articles · wrk -t2 -c{options.connections}"
        f" -d{options.seconds}s · {options.workers} workers per server",
        "",
        "| scenario | target | req/s | p99 ms | ratio |",
        "|---|---|---:|---:|---|",
    ]
    for r in results:
        if r.target.startswith("folio-cold, "):
            continue  # the small database's: in the p99 comparison below
        ratio = ""
        naive = find(r.scenario, "naive")
        if r.target.startswith("folio") and naive is not None:
            ratio = f"{r.requests_per_second / naive.requests_per_second:.1f}x naive"
        if r.scenario.startswith("article page, GraphQL"):
            rest = find("article page, REST include=", r.target)
            if rest is not None:
                ratio = f"{r.requests_per_second / rest.requests_per_second:.0%} of REST"
        if r.scenario == "hot" and r.target == "folio" and static is not None:
            ratio += f", {r.requests_per_second / static.requests_per_second:.0%} of nginx"
        if r.scenario == WRITES:
            ratio = f"median {r.p50_ms:.1f} ms"
            if r.target == "folio" and naive is not None:
                share = r.requests_per_second / naive.requests_per_second
                ratio = f"{share:.0%} of naive, " + ratio
        elif r.scenario.startswith("mixed long tail") and tail is not None:
            ratio = f"{r.requests_per_second / tail.requests_per_second:.0%} of read-only"
        elif r.scenario.startswith("mixed") and hot is not None:
            ratio = f"{r.requests_per_second / hot.requests_per_second:.0%} of read-only hot"
        lines.append(
            f"| {r.scenario} | {r.target} | {r.requests_per_second:,.0f} | {r.p99_ms:.1f} |"
            f" {ratio} |"
        )
    small = [r for r in results if r.target.startswith("folio-cold, ")]
    if small:
        lines += [
            "",
            f"p99 at {options.articles:,} articles against {options.small:,} (folio-cold):",
        ]
        for r in small:
            full = find(r.scenario, "folio-cold")
            if full is not None:
                lines.append(
                    f"- {r.scenario}: {full.p99_ms:.1f} ms against {r.p99_ms:.1f} ms"
                    f" ({full.p99_ms / max(r.p99_ms, 0.001):.1f}x)"
                )
    lines += [
        "",
        "Largest worker's resident size after the long tail: "
        + ", ".join(f"{name} {size:.0f} MB" for name, size in memory.items())
        + ".",
        "",
        f"hot, cold, 304 and mixed read {HOT} ({hot_bytes:,} bytes of JSON), which nginx",
        "serves from a file with as many workers as each server has. writes: PATCHes of",
        "random articles from 8 clients at once; naive's make the same change and one",
        "revision row.",
        "",
        "folio-cold is Folio with FOLIO_CACHE_MAX_ENTRIES=0: every request misses the memory",
        "cache and is answered from its stored representation (one query) or rendered and",
        "stored. naive serves the stored body without resolving its references and",
        "without search or feeds, so its documents are somewhat smaller.",
    ]
    text = "\n".join(lines) + "\n"
    print("\n" + text)
    if options.append and options.out.exists():
        text = options.out.read_text() + "\n" + text
    options.out.write_text(text)


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    main()
