"""Cost of glossary linking per post: first render (parse, link, sanitize) and cached.

    .venv/bin/python bench/glossary.py [--terms 300] [--posts 200]

A community glossary of --terms terms (each with two synonyms) and --posts posts of
about 2 KB that use a few of them. Prints one line of figures, as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonplace.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402

from commonplace.core.markdown import render_markdown, sanitize_html  # noqa: E402
from commonplace.repertoire.glossary import (  # noqa: E402
    GlossaryTerm,
    _link,
    compile_glossary_matcher,
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--terms", type=int, default=300)
    parser.add_argument("--posts", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(7)
    terms = {}
    for n in range(args.terms):
        term = GlossaryTerm(entry_id=n + 1, href=f"/c/bench/r/{n + 1}/", definition=f"Term {n}.")
        for name in (f"term{n}", f"synonym{n} one", f"synonym{n} two"):
            terms[name] = term
    started = time.perf_counter()
    matcher = compile_glossary_matcher(terms)
    compile_ms = (time.perf_counter() - started) * 1000
    assert matcher.pattern is not None
    words = ["the", "wort", "was", "warm", "so", "we", "pitched", "more", "yeast", "and"]
    posts = []
    for _ in range(args.posts):
        text = " ".join(rng.choice(words) for _ in range(300))
        used = " ".join(f"term{rng.randrange(args.terms)}" for _ in range(5))
        posts.append(render_markdown(f"{text}\n\n`term1` {used}\n\n- {text[:200]}"))

    started = time.perf_counter()
    linked = [sanitize_html(_link(html, matcher.pattern, matcher.terms, 0)) for html in posts]
    first_us = (time.perf_counter() - started) / len(posts) * 1e6
    for n, html in enumerate(linked):
        cache.set(f"bench:{n}", html)
    started = time.perf_counter()
    for n in range(len(posts)):
        cache.get(f"bench:{n}")
    cached_us = (time.perf_counter() - started) / len(posts) * 1e6
    figures = {
        "terms": args.terms * 3,
        "compile_ms": round(compile_ms, 2),
        "post_bytes": sum(map(len, posts)) // len(posts),
        "first_render_us_per_post": round(first_us, 1),
        "cached_us_per_post": round(cached_us, 1),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
