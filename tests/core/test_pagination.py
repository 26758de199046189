import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commonplace.communities.queries import list_directory, list_members
from commonplace.core.pagination import paginate, parse_page_number
from commonplace.discussions.queries import list_threads
from tests.factories import add_member, make_community, make_thread

pytestmark = pytest.mark.django_db


def test_parse_page_number_reads_garbage_as_the_first_page():
    assert [parse_page_number(raw) for raw in (None, "", "x", "-3", "0", "2")] == [1] * 5 + [2]


def test_paginate_deep_pages_keep_the_order_of_a_plain_slice():
    community = make_community()
    for _ in range(7):
        make_thread(community)
    expected = [t.pk for t in list_threads(community=community)]

    pages, queries_per_page = [], []
    for n in (1, 2, 3):
        with CaptureQueriesContext(connection) as queries:
            pages.append(paginate(list_threads(community=community), number=n, per_page=3))
        queries_per_page.append(len(queries.captured_queries))

    assert len(set(queries_per_page)) == 1  # a deep page costs no extra query

    assert [t.pk for page in pages for t in page.items] == expected
    assert [len(page.items) for page in pages] == [3, 3, 1]
    # Relations come with the rows, as on the first page.
    with CaptureQueriesContext(connection) as queries:
        assert all(t.author.username for t in pages[2].items)
    assert not queries.captured_queries


def test_paginate_deep_pages_order_by_related_fields():
    community = make_community()
    for _ in range(4):
        add_member(community)
    members = list_members(community=community)

    second = paginate(members, number=2, per_page=2)

    assert [m.pk for m in second.items] == [m.pk for m in members][2:4]


def test_paginate_clamps_past_the_end_and_handles_distinct_querysets():
    for i in range(3):
        make_community(name=f"Brewing {i}", topics=("Hops", "Yeast"))
    directory = list_directory(user=AnonymousUser(), query="brewing")  # distinct

    last = paginate(directory, number=99, per_page=2)

    assert (last.number, last.num_pages, [c.name for c in last.items]) == (2, 2, ["Brewing 2"])
