"""What the scale benchmarks share: timing, percentiles, a throwaway PostgreSQL, workers.

Each benchmark runs one database and one size per worker process (this same
script with `--worker`), so every run starts from a fresh Django and a fresh
database, and prints its figures as the last line of JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(percentile(values, 50), 2),
        "p99_ms": round(percentile(values, 99), 2),
        "mean_ms": round(statistics.fmean(values), 2) if values else float("nan"),
    }


def timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    """`fn`'s result and how long it took, in milliseconds."""
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, (time.perf_counter() - started) * 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Postgres:
    """A throwaway PostgreSQL 15 cluster, as .ci/run makes one."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="commonplace-bench-pg-"))
        self.port = free_port()
        as_root = os.geteuid() == 0
        self.prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
        if as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        self.run(str(PG_BIN / "initdb"), "-D", f"{self.dir}/data", "-U", "postgres",
                 "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=512MB"
        )
        self.run(str(PG_BIN / "pg_ctl"), "-D", f"{self.dir}/data", "-l", f"{self.dir}/log",
                 "-w", "start", "-o", options)  # fmt: skip

    def run(self, *command: str) -> None:
        subprocess.run([*self.prefix, *command], check=True, stdout=subprocess.DEVNULL)

    def new_database(self, name: str) -> str:
        self.run(str(PG_BIN / "psql"), "-q", "-h", "127.0.0.1", "-p", str(self.port),
                 "-U", "postgres", "-c", f"CREATE DATABASE {name}")  # fmt: skip
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        subprocess.run(
            [*self.prefix, str(PG_BIN / "pg_ctl"), "-D", f"{self.dir}/data", "-m", "fast", "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
        )
        shutil.rmtree(self.dir, ignore_errors=True)


def run_worker(script: str, worker_args: list[str], *, label: str, url: str) -> dict[str, Any]:
    """Run `script --worker ...` on a fresh folder and database; its last line, parsed."""
    var = Path(tempfile.mkdtemp(prefix="commonplace-bench-"))
    env = {**os.environ, "COMMONPLACE_VAR_DIR": str(var)}
    env.pop("DATABASE_URL", None)
    if url:
        env["DATABASE_URL"] = url
    print(f"\n== {label}", flush=True)
    try:
        out = subprocess.run(
            [sys.executable, script, "--worker", *worker_args],
            env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
    except subprocess.CalledProcessError as error:
        print(error.stdout, error.stderr, sep="\n")
        raise
    finally:
        shutil.rmtree(var, ignore_errors=True)
    lines = out.stdout.strip().splitlines()
    # The run's own JSON too, so each result survives an interrupted sweep.
    print("\n".join(lines), flush=True)
    return dict(json.loads(lines[-1]))


def sweep(
    script: str, sizes: list[int], databases: list[str], worker_args: Callable[[int], list[str]]
) -> list[dict[str, Any]]:
    """Run `script`'s worker for every size on every database; their figures, in order.

    Smaller sizes first, each on every database: an interrupted sweep still
    has comparable pairs. PostgreSQL runs share one throwaway cluster.
    """
    postgres = Postgres() if "postgresql" in databases else None
    runs: list[dict[str, Any]] = []
    try:
        for posts in sizes:
            for database in databases:
                url = ""
                if postgres and database == "postgresql":
                    url = postgres.new_database(f"bench_{posts}")
                label = f"{database}, {posts:,} posts"
                runs.append(run_worker(script, worker_args(posts), label=label, url=url))
    finally:
        if postgres:
            postgres.stop()
    return runs


def scale_parser(description: str, *, posts: str) -> argparse.ArgumentParser:
    """The options every scale benchmark takes; add its own, then `parse`."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--posts", default=posts, help="Sizes, comma-separated.")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--communities", type=int, default=50)
    parser.add_argument(
        "--database-url",
        default="",
        help="Measure on a database an earlier run built; skips seeding and building.",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--reuse", action="store_true", help=argparse.SUPPRESS)
    return parser


def measure(
    script: str,
    args: argparse.Namespace,
    worker_args: Sequence[str],
    build_args: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """The runs `args` asks for: one on `--database-url`, or a sweep of sizes and databases.

    `worker_args` go to every worker; `build_args` only to those that seed and build.
    """
    if args.database_url:
        return [
            run_worker(
                script,
                ["--posts", "0", "--reuse", *worker_args],
                label=f"on {args.database_url}",
                url=args.database_url,
            )
        ]
    sizes, databases = sizes_and_databases(args)
    return sweep(
        script,
        sizes,
        databases,
        lambda posts: [
            "--posts", str(posts), "--communities", str(args.communities),
            *worker_args, *build_args,
        ],
    )  # fmt: skip


def sizes_and_databases(args: argparse.Namespace) -> tuple[list[int], list[str]]:
    sizes = [int(s) for s in args.posts.split(",")]
    return sizes, [d.strip() for d in args.databases.split(",") if d.strip()]
