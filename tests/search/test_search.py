"""Full-text search: the query language, filters, ranking, highlighting and the page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.urls import reverse

from commonplace.accounts.models import User
from commonplace.communities.models import Community
from commonplace.discussions.actions import accept_answer, reply_to_thread, start_thread
from commonplace.discussions.models import Post, Thread
from commonplace.repertoire.actions import change_maturity, create_entry
from commonplace.repertoire.models import Entry
from commonplace.search import queries
from tests.factories import add_member, make_community, make_thread, make_user
from tests.search.helpers import browser, found, fresh, membership, module_data, page_text

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


@dataclass
class Library:
    brewers: Community
    vintners: Community
    alice: User
    bob: User
    schedule: Thread  # problem solving, topic hops, resolved by `accepted`
    accepted: Post
    lager: Thread  # seeking experience, topic yeast, unanswered
    chiller: Thread  # request for information, answered, not resolved
    chiller_reply: Post
    practice: Entry  # endorsed practice, topic hops
    wine: Thread  # in vintners


@pytest.fixture(scope="module")
def _library(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with module_data(django_db_blocker):
        yield _build_library()


@pytest.fixture
def library(_library: Library) -> Library:
    return fresh(_library)


def _build_library() -> Library:
    alice, bob = make_user("alice", display_name="Alice Malt"), make_user("bob")
    brewers = make_community(
        slug="brewers", name="Brewers", coordinator=alice, topics=("Hops", "Yeast")
    )
    add_member(brewers, bob)
    vintners = make_community(slug="vintners", name="Vintners", coordinator=bob, topics=())

    def thread(community, author, kind, title, body, when, topics=()):
        return start_thread(
            community=community, author=author, kind=kind, title=title, body=body,
            topics=topics, at=when,
        )  # fmt: skip

    schedule = thread(
        brewers, alice, "problem_solving", "Dry hopping schedule for a hazy IPA",
        "Add the citra hops on day three to avoid hop creep.", at(2023, 3, 1), ("hops",),
    )  # fmt: skip
    accepted = reply_to_thread(
        thread=schedule,
        author=bob,
        body="Hop creep restarts fermentation, so dry hop cold.",
        at=at(2023, 3, 2),
    )
    accept_answer(thread=schedule, answer=accepted, by=alice, membership=membership(brewers, alice))
    lager = thread(
        brewers, bob, "seeking_experience", "Hop creep in a pilsner",
        "The pilsner kept fermenting long after the creep started. Lager yeast.",
        at(2024, 6, 10), ("yeast",),
    )  # fmt: skip
    chiller = thread(
        brewers, alice, "request_for_information", "Kettle chiller advice",
        "Which chiller do you use on the kettle?", at(2024, 9, 20),
    )  # fmt: skip
    chiller_reply = reply_to_thread(
        thread=chiller, author=bob, body="An immersion chiller.", at=at(2024, 9, 21)
    )
    practice = create_entry(
        community=brewers, by=alice, kind="practice", title="Cold dry hopping",
        body="Dry hop at twelve degrees to limit hop creep.", topics=["hops"],
        at=at(2024, 1, 5),
    )  # fmt: skip
    change_maturity(entry=practice, to="endorsed", by=alice, membership=membership(brewers, alice))
    wine = thread(
        vintners, bob, "problem_solving", "Malolactic creep in barrels",
        "The barrels show creep in the spring.", at(2024, 4, 1),
    )  # fmt: skip
    return Library(
        brewers, vintners, alice, bob, schedule, accepted, lager, chiller, chiller_reply,
        practice, wine,
    )  # fmt: skip


def ids(*items: object) -> set[tuple[str, int]]:
    out = set()
    for item in items:
        if isinstance(item, Thread):
            out.add(("thread", item.pk))
        elif isinstance(item, Post):
            out.add(("reply", item.pk))
        elif isinstance(item, Entry):
            out.add(("entry", item.pk))
        elif isinstance(item, User):
            out.add(("member", item.pk))
    return out


# -- the query language ---------------------------------------------------------------


def test_words_are_and_ed(library: Library) -> None:
    lib = library
    assert set(found("creep")) == ids(lib.schedule, lib.accepted, lib.lager, lib.practice, lib.wine)
    assert set(found("creep pilsner")) == ids(lib.lager)
    assert set(found("creep barrels")) == ids(lib.wine)
    assert found("creep zymurgy") == []


def test_stemmed_forms_match(library: Library) -> None:
    # "hopping" and "hops" share a stem with "hop" on both engines.
    assert ids(library.schedule, library.practice) <= set(found("hopping"))
    assert ids(library.lager) <= set(found("fermented"))


def test_quoted_phrase_matches_only_the_exact_sequence(library: Library) -> None:
    lib = library
    # "citra hops" is in the schedule; the chiller thread has both words apart.
    assert set(found("citra hops")) == ids(lib.schedule)
    reply_to_thread(thread=lib.chiller, author=lib.alice, body="Hops first, citra later.")
    assert len(found("citra hops")) == 2
    assert set(found('"citra hops"')) == ids(lib.schedule)
    assert set(found('"creep started"')) == ids(lib.lager)
    assert found('"started creep"') == []


def test_bare_hyphenated_words_are_a_phrase(library: Library) -> None:
    assert set(found("hop-creep")) >= ids(library.schedule, library.accepted)
    assert set(found("creep-hop")) == set()


def test_exclusion(library: Library) -> None:
    lib = library
    assert set(found("creep -pilsner")) == ids(lib.schedule, lib.accepted, lib.practice, lib.wine)
    assert set(found('creep -"dry hop"')) == ids(lib.lager, lib.wine)


ON_POSTGRES = connection.vendor == "postgresql"


def test_stop_words_and_an_exclusion_do_not_match_everything_else(library: Library) -> None:
    # Nobody's profile holds "the"; on PostgreSQL it is a stop word, so either way
    # the query must not turn into "every person without the word creep".
    assert found("the -creep type:member") == []
    assert set(found("the -creep")) <= set(found("the"))


def test_typing_or_never_widens_a_search(library: Library) -> None:
    assert set(found("creep or pilsner")) <= set(found("creep pilsner"))


def test_topic_filter(library: Library) -> None:
    lib = library
    # Replies carry their thread's topics.
    assert set(found("creep topic:hops")) == ids(lib.schedule, lib.accepted, lib.practice)
    assert set(found("creep topic:yeast")) == ids(lib.lager)
    assert found("creep topic:hop") == []  # whole slugs only


def test_topic_filter_is_not_a_pattern(library: Library) -> None:
    assert found("creep topic:h_ps") == []
    assert found("creep topic:%") == []


def test_kind_filter(library: Library) -> None:
    lib = library
    assert set(found("creep kind:problem_solving")) == ids(lib.schedule, lib.accepted, lib.wine)
    assert set(found("creep kind:problem-solving")) == ids(lib.schedule, lib.accepted, lib.wine)
    assert set(found("creep kind:practice")) == ids(lib.practice)


def test_type_filter(library: Library) -> None:
    lib = library
    assert set(found("creep type:thread")) == ids(lib.schedule, lib.lager, lib.wine)
    assert set(found("creep type:replies")) == ids(lib.accepted)
    assert set(found("creep type:entry")) == ids(lib.practice)
    assert set(found("alice type:people")) == ids(lib.alice)


def test_state_filters(library: Library) -> None:
    lib = library
    assert set(found("is:unanswered")) == ids(lib.lager, lib.wine)
    assert set(found("creep is:unanswered")) == ids(lib.lager, lib.wine)
    # Resolved: threads with an accepted answer, the answer, endorsed entries.
    assert set(found("creep is:resolved")) == ids(lib.schedule, lib.accepted, lib.practice)
    assert set(found("is:unresolved")) == ids(lib.lager, lib.chiller, lib.wine)
    assert set(found("is:answered")) == ids(lib.schedule, lib.chiller)


def test_author_filter(library: Library) -> None:
    lib = library
    assert set(found("creep author:bob")) == ids(lib.accepted, lib.lager, lib.wine)
    assert set(found("creep author:@BOB")) == ids(lib.accepted, lib.lager, lib.wine)
    # A person's own profile is not "written by" them.
    assert set(found("author:alice")) == ids(lib.schedule, lib.chiller, lib.practice)
    page = queries.search(user=AnonymousUser(), text="creep author:nobody")
    assert page.results == [] and "Nobody is called “nobody”." in page.query.notes


def test_community_filter(library: Library) -> None:
    lib = library
    assert set(found("creep community:vintners")) == ids(lib.wine)
    assert set(found("creep in:brewers")) == ids(
        lib.schedule, lib.accepted, lib.lager, lib.practice
    )
    # People are found in the communities they belong to.
    assert set(found("bob community:vintners type:member")) == ids(lib.bob)
    assert found("alice community:vintners type:member") == []
    page = queries.search(user=AnonymousUser(), text="creep community:nowhere")
    assert page.results == []
    assert "No community you can read is called “nowhere”." in page.query.notes


def test_date_filters(library: Library) -> None:
    lib = library
    assert set(found("creep after:2024-01-01")) == ids(lib.lager, lib.practice, lib.wine)
    assert set(found("creep before:2023-12-31")) == ids(lib.schedule, lib.accepted)
    assert set(found("creep after:2024-06-10 before:2024-06-10")) == ids(lib.lager)
    assert set(found("creep after:2024-01-05 before:2024-04-01")) == ids(lib.practice, lib.wine)


def test_after_includes_something_written_at_midnight_that_day() -> None:
    community = make_community(slug="midnight")
    author = add_member(community)
    thread = start_thread(
        community=community, author=author, kind="problem_solving", title="Midnight sparge",
        body="Exactly at midnight.", at=datetime(2024, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    assert found("sparge after:2024-01-01") == [("thread", thread.pk)]


def test_filters_alone_list_newest_first(library: Library) -> None:
    lib = library
    assert found("community:brewers type:thread") == [
        ("thread", lib.chiller.pk),
        ("thread", lib.lager.pk),
        ("thread", lib.schedule.pk),
    ]
    response = browser().get(reverse("search:search"), {"q": "topic:hops"})
    assert response.status_code == 200
    assert "newest first" in page_text(response)
    results = [(r.doc_type, r.hit.object_id) for r in response.context["page"].results]
    assert results == [
        ("entry", lib.practice.pk),
        ("reply", lib.accepted.pk),
        ("thread", lib.schedule.pk),
    ]


# -- the form's filters are the same language ------------------------------------------

FORM_EQUIVALENTS = [
    ("creep community:vintners", {"q": "creep", "community": "vintners"}),
    ("creep type:entry", {"q": "creep", "type": "entry"}),
    ("creep kind:problem_solving", {"q": "creep", "kind": "problem_solving"}),
    ("creep topic:hops", {"q": "creep", "topic": "hops"}),
    ("creep is:resolved", {"q": "creep", "state": "resolved"}),
    ("creep is:unresolved", {"q": "creep", "state": "unresolved"}),
    ("is:unanswered", {"state": "unanswered"}),
    ("creep author:bob", {"q": "creep", "author": "bob"}),
    ("creep after:2024-01-01", {"q": "creep", "after": "2024-01-01"}),
    ("creep before:2023-12-31", {"q": "creep", "before": "2023-12-31"}),
    (
        "hop type:thread topic:hops after:2023-01-01 before:2023-12-31",
        {
            "q": "hop",
            "type": "thread",
            "topic": "hops",
            "after": "2023-01-01",
            "before": "2023-12-31",
        },
    ),  # fmt: skip
]


@pytest.mark.parametrize(("syntax", "form"), FORM_EQUIVALENTS, ids=[s for s, _ in FORM_EQUIVALENTS])
def test_form_filters_give_the_same_results_as_the_syntax(
    library: Library, syntax: str, form: dict[str, str]
) -> None:
    client = browser(library.alice)
    by_syntax = client.get(reverse("search:search"), {"q": syntax})
    by_form = client.get(reverse("search:search"), form)
    assert by_syntax.status_code == by_form.status_code == 200

    def results(response):  # type: ignore[no-untyped-def]
        page = response.context["page"]
        return [(r.doc_type, r.hit.object_id) for r in page.results], page.total

    assert results(by_form) == results(by_syntax)
    assert results(by_form)[0]  # the comparison means something


# -- what the viewer may read ------------------------------------------------------------


def test_private_communities_are_searched_only_by_their_members(library: Library) -> None:
    private = make_community(
        slug="cellar", visibility="private", join_policy="invite", coordinator=library.alice
    )
    secret = make_thread(private, library.alice, title="Secret sparge recipe")
    assert found("sparge") == []
    assert found("sparge", user=library.bob) == []
    assert found("sparge", user=library.alice) == [("thread", secret.pk)]
    assert found("sparge community:cellar") == []
    response = browser().get(reverse("search:search"), {"q": "sparge"})
    assert "Secret sparge recipe" not in page_text(response)


# -- highlighting and escaping ---------------------------------------------------------


def test_matched_words_are_highlighted(library: Library) -> None:
    page = queries.search(user=AnonymousUser(), text="citra")
    (result,) = page.results
    assert "<mark>citra</mark>" in result.snippet_html.lower()
    page = queries.search(user=AnonymousUser(), text="chiller type:thread")
    (result,) = page.results
    assert result.title_html == "Kettle <mark>chiller</mark> advice"
    response = browser().get(reverse("search:search"), {"q": "chiller type:thread"})
    assert "Kettle <mark>chiller</mark> advice" in response.content.decode()


def test_html_in_content_is_escaped(library: Library) -> None:
    evil = make_thread(
        library.brewers,
        library.alice,
        title="<script>alert(1)</script> hops",
        body='Zymurgy &lt;script&gt;alert(2)&lt;/script&gt; <img src=x onerror="alert(3)">',
    )
    # (PostgreSQL's parser skips what is inside <script>, so look for other words.)
    page = queries.search(user=AnonymousUser(), text="zymurgy hops")
    (result,) = page.results
    assert result.hit.object_id == evil.pk
    for fragment in (result.title_html, result.snippet_html):
        assert "<script" not in fragment and "<img" not in fragment
    assert "&lt;script&gt;" in result.title_html
    response = browser().get(reverse("search:search"), {"q": "zymurgy hops"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;" in body
    # What was typed is escaped too, in the box and the page title.
    response = browser().get(reverse("search:search"), {"q": "<script>alert(4)</script>"})
    assert response.status_code == 200
    assert "<script>alert(4)" not in response.content.decode()


def test_control_marks_in_content_cannot_forge_highlights(library: Library) -> None:
    thread = make_thread(library.brewers, library.alice, title="Odd \x02title sparge")
    for text in ("sparge", "author:alice type:thread"):  # ranked, and browsing newest first
        results = queries.search(user=AnonymousUser(), text=text).results
        title = next(r.title_html for r in results if r.hit.object_id == thread.pk)
        assert title.count("<mark>") == title.count("</mark>"), (text, title)


# -- ranking -------------------------------------------------------------------------------


def _twins(community: Community, author: User, title: str) -> tuple[Thread, Thread]:
    first = make_thread(community, author, kind="problem_solving", title=title, body=title)
    second = make_thread(community, author, kind="problem_solving", title=title, body=title)
    return first, second


def test_accepted_threads_rank_above_otherwise_equal_matches(library: Library) -> None:
    lib = library
    older, newer = _twins(lib.brewers, lib.alice, "Mash temperature for stout")
    answer = reply_to_thread(thread=older, author=lib.bob, body="Sixty-six degrees.")
    accept_answer(
        thread=older, answer=answer, by=lib.alice, membership=membership(lib.brewers, lib.alice)
    )
    assert found("stout type:thread") == [("thread", older.pk), ("thread", newer.pk)]


def test_helpful_threads_rank_above_otherwise_equal_matches(library: Library) -> None:
    from commonplace.discussions.actions import vote_helpful

    lib = library
    older, newer = _twins(lib.brewers, lib.alice, "Sparging with hot liquor")
    opening = older.posts.get(is_opening=True)
    vote_helpful(post=opening, by=lib.bob, membership=membership(lib.brewers, lib.bob))
    assert found("sparging type:thread") == [("thread", older.pk), ("thread", newer.pk)]


def test_endorsed_entries_rank_above_otherwise_equal_matches(library: Library) -> None:
    lib = library

    def entry(title):  # type: ignore[no-untyped-def]
        return create_entry(
            community=lib.brewers, by=lib.alice, kind="practice", title=title, body=title
        )

    older, newer = entry("Whirlpool hopstand"), entry("Whirlpool hopstand")
    change_maturity(
        entry=older, to="endorsed", by=lib.alice, membership=membership(lib.brewers, lib.alice)
    )
    assert found("whirlpool") == [("entry", older.pk), ("entry", newer.pk)]


# -- pagination and links ------------------------------------------------------------------


def test_pagination() -> None:
    community = make_community(slug="spargers")
    author = add_member(community)
    threads = [make_thread(community, author, title=f"Sparge question {n}") for n in range(23)]
    first = queries.search(user=AnonymousUser(), text="sparge")
    assert (first.total, len(first.results), first.has_next, first.has_previous) == (
        23, 20, True, False,
    )  # fmt: skip
    second = queries.search(user=AnonymousUser(), text="sparge", page=2)
    assert (len(second.results), second.has_next, second.has_previous) == (3, False, True)
    seen = [r.hit.object_id for r in first.results + second.results]
    assert sorted(seen) == sorted(t.pk for t in threads)

    response = browser().get(reverse("search:search"), {"q": "sparge", "page": "2"})
    text = page_text(response)
    assert response.status_code == 200
    assert "23 results" in text and "Page 2" in text
    assert 'rel="prev"' in text and 'rel="next"' not in text
    assert len(response.context["page"].results) == 3


def test_result_links(library: Library) -> None:
    lib = library
    thread_url = reverse("discussions:thread", args=["brewers", lib.schedule.pk])
    (reply,) = queries.search(user=AnonymousUser(), text="restarts").results
    assert reply.url == f"{thread_url}#post-{lib.accepted.pk}"
    assert reply.hit.title == lib.schedule.title  # shown with its thread's title
    (thread,) = queries.search(user=AnonymousUser(), text="citra").results
    assert thread.url == thread_url
    (entry,) = queries.search(user=AnonymousUser(), text="twelve").results
    assert entry.url == reverse("repertoire:entry", args=["brewers", lib.practice.pk])
    (member,) = queries.search(user=AnonymousUser(), text="malt type:member").results
    assert member.url == reverse("profile", args=["alice"])
    response = browser().get(reverse("search:search"), {"q": "restarts"})
    assert f'href="{thread_url}#post-{lib.accepted.pk}"' in response.content.decode()
    assert browser().get(reply.url.split("#")[0]).status_code == 200


# -- the pages -----------------------------------------------------------------------------


def test_header_search_box_is_on_other_pages(library: Library) -> None:
    client = browser(library.alice)
    for url in (
        "/",
        reverse("communities:home", args=["brewers"]),
        reverse("discussions:thread", args=["brewers", library.schedule.pk]),
    ):
        text = client.get(url).content.decode()
        assert 'id="site-search"' in text, url
        assert f'action="{reverse("search:search")}"' in text, url


def test_search_page_without_a_query(library: Library) -> None:
    response = browser().get(reverse("search:search"))
    assert response.status_code == 200
    text = page_text(response)
    assert "How to search" in text
    assert "-lager" in text and "is:unanswered" in text and '"hop creep"' in text
    assert 'id="site-search"' not in text  # the page's own box replaces the header's
    assert 'id="id_q"' in text
    assert response.context["page"] is None


def test_search_page_shows_results_and_counts(library: Library) -> None:
    response = browser().get(reverse("search:search"), {"q": "creep"})
    text = page_text(response)
    assert response.status_code == 200
    assert "5 results, best first" in text
    assert "Dry hopping schedule for a hazy IPA" in text
    assert "✓ Accepted answer" in text and "★ Endorsed" in text and "✓ Resolved" in text
    assert "Malolactic <mark>creep</mark> in barrels" in text


def test_api_search(library: Library) -> None:
    response = browser().get("/api/v1/search", {"q": "creep type:thread"})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3 and not data["has_next"] and data["notes"] == []
    assert {(i["type"], i["id"]) for i in data["items"]} == ids(
        library.schedule, library.lager, library.wine
    )
    first = next(i for i in data["items"] if i["id"] == library.schedule.pk)
    assert first["is_resolved"] and first["community"] == "brewers"
    assert first["url"] == reverse("discussions:thread", args=["brewers", library.schedule.pk])
