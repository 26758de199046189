"""Similar cases: earlier threads and entries like a draft, on compose and thread pages."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from commonplace.accounts.models import User
from commonplace.communities.models import Community
from commonplace.discussions.actions import accept_answer, delete_thread
from commonplace.discussions.models import Thread
from commonplace.repertoire.actions import change_maturity, create_entry
from commonplace.repertoire.models import Entry
from commonplace.search import queries
from commonplace.search.indexing import embed_pending, rebuild
from commonplace.search.models import DocType, Document
from tests.factories import add_member, make_community, make_reply, make_thread, make_user
from tests.search.helpers import browser, fresh, membership, module_data, page_text

pytestmark = pytest.mark.django_db

GRASSY = (
    "Grassy taste after dry hopping my IPA",
    "I dry hopped with 100 g of Citra for five days and now the beer tastes like cut grass.",
)
DRAFT = "My IPA tastes like grass after dry hop"


@dataclass
class Cases:
    community: Community
    asker: User
    helper: User
    grassy: Thread  # resolved
    stuck: Thread
    chiller: Thread
    meetup: Thread
    entry: Entry  # endorsed


def _thread(community, author, title, body):  # type: ignore[no-untyped-def]
    return make_thread(community, author, kind="problem_solving", title=title, body=body)


@pytest.fixture(scope="module")
def _cases(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with module_data(django_db_blocker):
        built = _build_cases()
        embed_pending()  # once for the module; tests then only embed their drafts
        yield built


@pytest.fixture
def cases(_cases: Cases) -> Cases:
    return fresh(_cases)


def _build_cases() -> Cases:
    asker, helper = make_user("asker"), make_user("helper")
    community = make_community(slug="brewers", coordinator=asker)
    add_member(community, helper)
    grassy = _thread(community, asker, *GRASSY)
    answer = make_reply(grassy, helper, body="Shorten the contact time to two days.")
    accept_answer(thread=grassy, answer=answer, by=asker, membership=membership(community, asker))
    stuck = _thread(
        community, helper, "Stuck fermentation at 1.030", "The yeast stopped after three days."
    )
    chiller = _thread(
        community, asker, "Choosing a wort chiller", "Immersion or counterflow for 20 litres?"
    )
    meetup = make_thread(
        community, helper, kind="coordination", title="Summer meetup in the park",
        body="Who can bring a keg and some chairs?",
    )  # fmt: skip
    entry = create_entry(
        community=community, by=asker, kind="practice", title="Restarting a stuck fermentation",
        body="Rouse the yeast and warm the fermenter by two degrees.",
    )  # fmt: skip
    change_maturity(entry=entry, to="endorsed", by=asker, membership=membership(community, asker))
    return Cases(community, asker, helper, grassy, stuck, chiller, meetup, entry)


def _object(case: queries.SimilarCase) -> tuple[str, int]:
    return case.result.doc_type, case.result.hit.object_id


def test_a_paraphrased_earlier_thread_comes_first(cases: Cases) -> None:
    found = queries.similar_cases(community=cases.community, title=DRAFT)
    assert _object(found[0]) == ("thread", cases.grassy.pk)
    assert found[0].result.hit.is_resolved  # it has an accepted answer
    assert found[0].result.url == reverse("discussions:thread", args=["brewers", cases.grassy.pk])
    assert found[0].similarity > found[-1].similarity
    assert found[0].is_close


def test_only_cases_are_returned_and_replies_never(cases: Cases) -> None:
    found = queries.similar_cases(
        community=cases.community,
        title="Contact time",
        body="Shorten the contact time to two days.",
    )
    assert {c.result.doc_type for c in found} <= {"thread", "entry"}


def test_endorsed_entries_are_marked(cases: Cases) -> None:
    found = queries.similar_cases(
        community=cases.community,
        title="Fermentation stopped early",
        body="My yeast stopped working at 1.030, how do I restart it?",
    )
    top_two = {_object(c) for c in found[:2]}
    assert top_two == {("thread", cases.stuck.pk), ("entry", cases.entry.pk)}
    entry = next(c for c in found if c.result.doc_type == "entry")
    assert entry.result.hit.is_resolved
    assert entry.result.url == reverse("repertoire:entry", args=["brewers", cases.entry.pk])
    stuck = next(c for c in found if c.result.hit.object_id == cases.stuck.pk)
    assert not stuck.result.hit.is_resolved


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_at_most_limit_results(cases: Cases, limit: int) -> None:
    found = queries.similar_cases(community=cases.community, title=DRAFT, limit=limit)
    assert len(found) == limit
    assert len(queries.similar_cases(community=cases.community, title=DRAFT)) == 5


def test_a_close_duplicate_is_close_and_an_unrelated_draft_is_not(cases: Cases) -> None:
    (close, *_) = queries.similar_cases(community=cases.community, title=GRASSY[0], body=GRASSY[1])
    assert close.is_close and close.similarity > 0.95
    unrelated = queries.similar_cases(
        community=cases.community,
        title="Which violin strings last longest",
        body="Looking for strings that hold their tuning through a long rehearsal.",
    )
    assert not any(c.is_close for c in unrelated)


@pytest.mark.parametrize(
    ("title", "body"), [("", ""), ("   ", "\n"), ("the and of", ""), ("?!", "..."), ("", "12 34")]
)
def test_a_draft_without_words_gives_nothing(cases: Cases, title: str, body: str) -> None:
    assert queries.similar_cases(community=cases.community, title=title, body=body) == []


def test_a_thread_is_not_related_to_itself(cases: Cases) -> None:
    related = queries.related_threads(thread=cases.grassy)
    assert related
    assert ("thread", cases.grassy.pk) not in {_object(c) for c in related}
    assert len(related) <= 5


def test_a_deleted_thread_disappears(cases: Cases) -> None:
    before = queries.similar_cases(community=cases.community, title=DRAFT)
    assert _object(before[0]) == ("thread", cases.grassy.pk)
    delete_thread(
        thread=cases.grassy, by=cases.asker, membership=membership(cases.community, cases.asker)
    )
    after = queries.similar_cases(community=cases.community, title=DRAFT)
    assert ("thread", cases.grassy.pk) not in {_object(c) for c in after}
    assert len(after) == 4


def test_a_rebuilt_index_still_answers(cases: Cases) -> None:
    queries.similar_cases(community=cases.community, title=DRAFT)  # loads the vector store
    rebuild()  # new document ids
    found = queries.similar_cases(community=cases.community, title=DRAFT)
    assert _object(found[0]) == ("thread", cases.grassy.pk)
    assert all(Document.objects.filter(pk=c.result.hit.id).exists() for c in found)


def test_an_edited_thread_is_found_by_its_new_text(cases: Cases) -> None:
    from commonplace.discussions.actions import edit_thread

    queries.similar_cases(community=cases.community, title=DRAFT)  # loads the vector store
    edit_thread(
        thread=cases.meetup, by=cases.helper, membership=membership(cases.community, cases.helper),
        title="Vegetal flavour from a long dry hop", body="The IPA smells like grass clippings.",
        topics=[],
    )  # fmt: skip
    found = queries.similar_cases(community=cases.community, title=DRAFT)
    assert ("thread", cases.meetup.pk) in {_object(c) for c in found[:2]}


def test_cases_of_other_communities_never_appear(cases: Cases) -> None:
    other = make_community(slug="elsewhere")
    twin = _thread(other, add_member(other), *GRASSY)
    private = make_community(slug="cellar", visibility="private", join_policy="invite")
    hidden = _thread(private, private.created_by, *GRASSY)
    found = queries.similar_cases(community=cases.community, title=DRAFT, limit=10)
    seen = {c.result.hit.object_id for c in found if c.result.doc_type == "thread"}
    assert twin.pk not in seen and hidden.pk not in seen
    assert {c.result.community.pk for c in found} == {cases.community.pk}
    # And the other community sees its own.
    elsewhere = queries.similar_cases(community=other, title=DRAFT)
    assert [_object(c) for c in elsewhere] == [("thread", twin.pk)]


# -- pages and API ---------------------------------------------------------------------------


def test_compose_endpoint_offers_a_close_resolved_case(cases: Cases) -> None:
    url = reverse("discussions:similar", args=["brewers"])
    response = browser(cases.helper).get(url, {"title": DRAFT, "body": ""})
    assert response.status_code == 200
    text = page_text(response)
    assert "Has anyone dealt with this?" in text
    assert "This may already be answered:" in text
    assert GRASSY[0] in text
    grassy_url = reverse("discussions:thread", args=["brewers", cases.grassy.pk])
    assert f'href="{grassy_url}"' in response.content.decode()
    assert "✓ Resolved" in text


def test_compose_endpoint_for_a_close_unresolved_case(cases: Cases) -> None:
    url = reverse("discussions:similar", args=["brewers"])
    response = browser(cases.helper).get(
        url, {"title": "Stuck fermentation at 1.030", "body": "The yeast stopped after three days."}
    )
    text = page_text(response)
    assert "This looks like an earlier discussion:" in text
    assert "This may already be answered" not in text


def test_compose_endpoint_is_quiet_without_a_close_case(cases: Cases) -> None:
    url = reverse("discussions:similar", args=["brewers"])
    response = browser(cases.helper).get(url, {"title": "Violin strings", "body": "Tuning."})
    assert response.status_code == 200
    assert "This may already be answered" not in page_text(response)
    assert "This looks like an earlier discussion" not in page_text(response)
    empty = browser(cases.helper).get(url, {"title": "", "body": ""})
    assert empty.status_code == 200
    assert "Has anyone dealt with this?" not in page_text(empty)


def test_compose_endpoint_escapes_titles(cases: Cases) -> None:
    _thread(cases.community, cases.asker, "<script>alert(1)</script> grassy IPA", GRASSY[1])
    url = reverse("discussions:similar", args=["brewers"])
    response = browser(cases.helper).get(url, {"title": DRAFT})
    body = response.content.decode()
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; grassy IPA" in body


def test_compose_endpoint_keeps_private_communities_private(cases: Cases) -> None:
    private = make_community(slug="cellar", visibility="private", join_policy="invite")
    _thread(private, private.created_by, *GRASSY)
    url = reverse("discussions:similar", args=["cellar"])
    assert browser().get(url, {"title": DRAFT}).status_code == 404
    assert browser(cases.helper).get(url, {"title": DRAFT}).status_code in (403, 404)
    assert browser(private.created_by).get(url, {"title": DRAFT}).status_code == 200


def test_compose_endpoint_survives_odd_drafts(cases: Cases) -> None:
    url = reverse("discussions:similar", args=["brewers"])
    for title in ['"hop', "NEAR(a b) OR", "x" * 10_000, "café 🍺", "'; --", "_ * ^"]:
        assert browser(cases.helper).get(url, {"title": title, "body": title}).status_code == 200
    assert browser(cases.helper).get(url, {"title": "hop\x00"}).status_code == 400


def test_thread_page_shows_related_discussions(cases: Cases) -> None:
    twin = _thread(cases.community, cases.helper, DRAFT, "Smells like cut grass after Citra.")
    response = browser().get(reverse("discussions:thread", args=["brewers", twin.pk]))
    assert response.status_code == 200
    text = page_text(response)
    assert "Related discussions and entries" in text
    assert "Has anyone dealt with this?" not in text
    assert GRASSY[0] in text
    related = response.context["related"]
    assert _object(related[0]) == ("thread", cases.grassy.pk)
    assert ("thread", twin.pk) not in {_object(c) for c in related}


def test_a_deleted_thread_leaves_related_lists_on_thread_pages(cases: Cases) -> None:
    twin = _thread(cases.community, cases.helper, DRAFT, "Smells like cut grass after Citra.")
    url = reverse("discussions:thread", args=["brewers", twin.pk])
    for _ in range(2):  # the first view also embeds the new thread
        assert GRASSY[0] in page_text(browser().get(url))
    delete_thread(
        thread=cases.grassy, by=cases.asker, membership=membership(cases.community, cases.asker)
    )
    assert GRASSY[0] not in page_text(browser().get(url))


def test_api_similar(cases: Cases) -> None:
    response = browser().get("/api/v1/communities/brewers/similar", {"title": DRAFT})
    assert response.status_code == 200
    items = response.json()
    assert len(items) == 5
    first = items[0]
    assert (first["type"], first["id"]) == ("thread", cases.grassy.pk)
    assert first["is_close"] is True and first["is_resolved"] is True
    assert queries.CLOSE_SIMILARITY <= first["similarity"] <= 1.0
    assert all("similarity" in i and "is_close" in i for i in items)


@pytest.mark.parametrize("params", [{}, {"title": ""}, {"title": "", "body": ""}, {"body": "  "}])
def test_api_similar_of_nothing_is_empty(cases: Cases, params: dict[str, str]) -> None:
    response = browser().get("/api/v1/communities/brewers/similar", params)
    assert response.status_code == 200
    assert response.json() == []


def test_api_similar_bad_input(cases: Cases) -> None:
    url = "/api/v1/communities/brewers/similar"
    assert browser().get(url, {"title": "x" * 4001}).status_code == 422
    assert browser().get(url, {"title": "hop\x00"}).status_code == 400
    assert browser().get("/api/v1/communities/nowhere/similar", {"title": DRAFT}).status_code == 404
    private = make_community(slug="cellar", visibility="private", join_policy="invite")
    assert browser().get("/api/v1/communities/cellar/similar", {"title": DRAFT}).status_code == 404
    assert private.pk


def test_document_types_of_cases(cases: Cases) -> None:
    assert set(
        Document.objects.filter(embedding_pending=True).values_list("doc_type", flat=True)
    ) <= {DocType.THREAD, DocType.ENTRY}
