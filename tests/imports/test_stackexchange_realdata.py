"""The real beer.stackexchange.com dump, imported once for this module.

Its own module: the import is committed for the module's tests and the
database emptied after them, and tests of other modules must not run in
between (they would find its records). Under xdist the module runs whole on
one worker (KEEP_TOGETHER in tests/conftest.py), so the dump is imported once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from lxml import etree

from commonplace.core.models import Activity
from commonplace.discussions.models import Post, Thread, ThreadLink
from commonplace.imports.load import ImportSummary
from tests.factories import make_community, make_user
from tests.imports.conftest import shared_data
from tests.imports.test_stackexchange import run_import


def _raw_counts(folder: Path) -> dict[str, int]:
    posts = [dict(e.attrib) for e in etree.parse(str(folder / "Posts.xml")).getroot()]
    questions = {p["Id"] for p in posts if p["PostTypeId"] == "1"}
    answers = {p["Id"] for p in posts if p["PostTypeId"] == "2" and p.get("ParentId") in questions}
    links = [dict(e.attrib) for e in etree.parse(str(folder / "PostLinks.xml")).getroot()]
    linked = [
        link for link in links
        if link["PostId"] in questions and link["RelatedPostId"] in questions
    ]  # fmt: skip
    return {
        "questions": len(questions),
        "answers": len(answers),
        "accepted": sum(
            1 for p in posts if p["PostTypeId"] == "1" and p.get("AcceptedAnswerId") in answers
        ),
        "duplicate": sum(1 for link in linked if link["LinkTypeId"] == "3"),
        "related": len(
            {
                (link["PostId"], link["RelatedPostId"])
                for link in linked
                if link["LinkTypeId"] == "1"
            }
        ),
    }


@pytest.fixture(scope="module")
def beer(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[Any, ImportSummary]]:
    """The real beer.stackexchange.com dump, imported once for the module.

    Imported as the command imports it, each batch committed, and removed
    afterwards as pytest-django removes a transactional test's data, by
    emptying the tables. Not inside one transaction rolled back at the end: on
    PostgreSQL the import's twenty thousand records, each in a savepoint,
    would pile up deferred foreign-key checks and multixact row locks in a
    single transaction, and every test's end-of-test constraint check re-ran
    them all (the import took 10 minutes there instead of 2 on SQLite, and
    each of its tests another 2.5 minutes to tear down).
    """
    folder = shared_data("stackexchange", "beer")
    with django_db_blocker.unblock():
        try:
            community = make_community(slug="beer-se", coordinator=make_user("beerimporter"))
            yield community, run_import(community, folder)
        finally:
            call_command("flush", interactive=False, verbosity=0, reset_sequences=False)


@pytest.mark.realdata
@pytest.mark.django_db
def test_beer_dump_counts_match_the_raw_xml(beer):
    community, summary = beer
    raw = _raw_counts(shared_data("stackexchange", "beer"))
    assert raw["questions"] == 591 and raw["answers"] == 1398 and raw["accepted"] == 359
    assert raw["duplicate"] == 17 and raw["related"] == 75
    threads = Thread.objects.filter(community=community)
    replies = Post.objects.filter(thread__community=community, is_opening=False, is_comment=False)
    assert threads.count() == raw["questions"]
    assert replies.count() == raw["answers"]
    assert threads.filter(accepted_answer__isnull=False).count() == raw["accepted"]
    links = ThreadLink.objects.filter(from_thread__community=community)
    assert links.filter(kind="duplicate").count() == raw["duplicate"]
    assert links.filter(kind="related").count() == raw["related"]
    assert not summary.problems


@pytest.mark.realdata
@pytest.mark.django_db
def test_beer_dump_keeps_attribution_and_original_times(beer):
    community, _ = beer
    posts = Post.objects.filter(thread__community=community, is_comment=False)
    assert not posts.filter(source_url="").exists()
    first = Thread.objects.filter(community=community).order_by("created_at").first()
    assert first.created_at.year == 2014
    assert Activity.objects.filter(community=community, created_at__year=2014).exists()
