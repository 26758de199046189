"""Importer throughput and memory, on the real data and on a generated 1 GB dump.

    .venv/bin/python bench/imports.py [--data DIR] [--size-mb 1024] [--import-limit 20000]

Each measurement runs in its own process with a throwaway SQLite database, so
peak memory (max RSS) belongs to that measurement alone. For the generated
dump it measures (1) streaming the whole Posts.xml through the parser and
(2) importing its first --import-limit records through the actions, and
compares the memory of small and large prefixes to show it stays flat.
Prints a table; the last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate_dump(folder: Path, size_mb: int, seed: int = 3) -> dict[str, int]:
    """A Stack Exchange dump whose Posts.xml is about `size_mb` MB, written streaming."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    users = 2_000  # few enough that a prefix of the dump reaches its posts
    with (folder / "Users.xml").open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<users>\n')
        for i in range(1, users + 1):
            out.write(
                f'  <row Id="{i}" DisplayName="User {i}" '
                'CreationDate="2015-01-01T00:00:00.000" />\n'
            )
        out.write("</users>\n")
    words = [
        "hop",
        "yeast",
        "malt",
        "water",
        "boil",
        "ferment",
        "keg",
        "bottle",
        "lager",
        "ale",
        "stout",
        "mash",
        "sparge",
        "wort",
        "gravity",
    ]
    target = size_mb * 1024 * 1024
    written, post_id, questions, answers = 0, 0, 0, 0
    with (folder / "Posts.xml").open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<posts>\n')
        while written < target:
            post_id += 1
            question = post_id
            body = escape("<p>" + " ".join(rng.choices(words, k=rng.randint(40, 140))) + "</p>")
            title = " ".join(rng.choices(words, k=8))
            row = (
                f'  <row Id="{question}" PostTypeId="1" CreationDate="2016-01-01T00:00:00.000" '
                f'Body="{body}" OwnerUserId="{rng.randint(1, users)}" Title="{title}" '
                f'Tags="&lt;{rng.choice(words)}&gt;" />\n'
            )
            out.write(row)
            written += len(row)
            questions += 1
            for _ in range(rng.randint(0, 4)):
                post_id += 1
                body = escape("<p>" + " ".join(rng.choices(words, k=rng.randint(30, 120))) + "</p>")
                row = (
                    f'  <row Id="{post_id}" PostTypeId="2" ParentId="{question}" '
                    f'CreationDate="2016-01-02T00:00:00.000" Body="{body}" '
                    f'OwnerUserId="{rng.randint(1, users)}" />\n'
                )
                out.write(row)
                written += len(row)
                answers += 1
        out.write("</posts>\n")
    return {"users": users, "questions": questions, "answers": answers, "bytes": written}


# -- stages, each run in a fresh process ------------------------------------------------


def _setup_django(var_dir: str) -> None:
    os.environ["COMMONPLACE_VAR_DIR"] = var_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonplace.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def stage_parse(path: str) -> dict[str, float]:
    from commonplace.imports.stackexchange import StackExchangeDump

    dump = StackExchangeDump(Path(path))
    started, count = time.perf_counter(), 0
    for _ in dump.threads():
        count += 1
    for _ in dump.answers():
        count += 1
    seconds = time.perf_counter() - started
    return {
        "records": count,
        "seconds": seconds,
        "per_second": count / seconds,
        "peak_mb": _peak_mb(),
    }


def stage_import(kind: str, path: str, limit: int, var_dir: str) -> dict[str, float]:
    _setup_django(var_dir)
    import itertools

    from commonplace.accounts.actions import sign_up
    from commonplace.communities.actions import create_community
    from commonplace.imports.load import Importer
    from commonplace.imports.sources import OPENERS

    by = sign_up(username="importer", email="i@example.org", password=os.urandom(16).hex())
    community = create_community(name="Bench", slug="bench", domain_statement="Bench.", by=by)
    source = OPENERS[kind](Path(path), {"site": ""})
    records = source.records()
    if limit:
        records = itertools.islice(records, limit)
    importer = Importer(community=community, source=source.source, by=by, progress=False)
    started = time.perf_counter()
    summary = importer.run(records)
    seconds = time.perf_counter() - started
    count = sum(summary.created.values()) + sum(summary.unchanged.values())
    count += sum(summary.skipped.values()) + len(summary.problems)
    return {
        "records": count,
        "seconds": seconds,
        "per_second": count / seconds,
        "peak_mb": _peak_mb(),
    }


def run_stage(*args: str) -> dict[str, float]:
    output = subprocess.run(
        [PYTHON, __file__, "--stage", *args], check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--import-limit", type=int, default=20_000)
    parser.add_argument("--stage", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.stage:
        name, *rest = options.stage
        result = (
            stage_parse(rest[0])
            if name == "parse"
            else stage_import(rest[0], rest[1], int(rest[2]), rest[3])
        )
        print(json.dumps(result))
        return

    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="commonplace-bench-") as tmp:
        real = [
            ("stackexchange beer", "stackexchange", options.data / "stackexchange" / "beer"),
            ("mbox numpy", "mbox", options.data / "mbox" / "numpy-discussion-2001-11.mbox"),
            ("mbox 3GPP EVS", "mbox", options.data / "mbox" / "3GPP_TSG_SA_WG4_EVS.mbox"),
        ]
        for label, kind, path in real:
            if path.exists():
                figures[label] = run_stage(
                    "import", kind, str(path), "0", f"{tmp}/{kind}-{path.stem}"
                )
            else:
                print(f"{label}: {path} absent, skipped")
        dump = Path(tmp) / "generated"
        started = time.perf_counter()
        sizes = generate_dump(dump, options.size_mb)
        figures["generated dump"] = {**sizes, "generate_seconds": time.perf_counter() - started}
        figures["generated parse (whole Posts.xml)"] = run_stage("parse", str(dump))
        small = max(1000, options.import_limit // 4)
        figures[f"generated import, first {small} records"] = run_stage(
            "import", "stackexchange", str(dump), str(small), f"{tmp}/gen-small"
        )
        figures[f"generated import, first {options.import_limit} records"] = run_stage(
            "import", "stackexchange", str(dump), str(options.import_limit), f"{tmp}/gen-large"
        )

    print(f"{'measurement':<46} {'records':>9} {'items/s':>9} {'peak MB':>8}")
    for label, value in figures.items():
        if isinstance(value, dict) and "per_second" in value:
            records, rate, peak = value["records"], value["per_second"], value["peak_mb"]
            print(f"{label:<46} {records:>9.0f} {rate:>9.0f} {peak:>8.0f}")
    print(
        "generated dump: {bytes} bytes of Posts.xml, {questions} questions, {answers} answers, "
        "{users} users".format(**sizes)
    )
    print(json.dumps(figures, sort_keys=True))


if __name__ == "__main__":
    main()
