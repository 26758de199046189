"""Whatever is typed into the search box, the answer is a page with a sentence, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from commonplace.search import queries
from tests.factories import make_community, make_reply, make_thread
from tests.search.helpers import browser, module_data, page_text

pytestmark = pytest.mark.django_db

LONG = "hop " * 1250  # 5,000 characters
MANY_WORDS = " ".join(f"w{n}" for n in range(1000))


@pytest.fixture(scope="module", autouse=True)
def _content(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with module_data(django_db_blocker):
        community = make_community(slug="brewers")
        thread = make_thread(
            community, title="Hop creep in a lager", body="Café owners report 🍺 hop creep."
        )
        make_reply(thread, body="Lager yeast keeps going; dry hop sooner.")
        yield


# (id, q, a fragment of an expected note or "" for none, whether anything is found:
# None where the engines legitimately differ)
QUERIES = [
    ("empty", "", "", False),
    ("spaces", "    \t  ", "", False),
    ("punctuation", "*&^%$#", "", False),
    ("unbalanced quote", '"hop creep', "", True),
    ("lonely quote", '"', "", False),
    ("only exclusions", "-lager", "exclusions alone match nothing", False),
    ("many exclusions", '-lager -"hop creep" -yeast', "exclusions alone match nothing", False),
    ("exclusion and filter", "-lager type:thread", "exclusions alone match nothing", False),
    ("unknown flag", "hop is:bogus", "“is:bogus” was ignored", True),
    ("unknown type", "hop type:bogus", "“type:bogus” was ignored", True),
    ("empty filter", "hop topic:", "“topic:” needs a value", True),
    ("bad date", "hop after:2024-13-45", "write dates as YYYY-MM-DD", True),
    ("not a date", "hop before:yesterday", "write dates as YYYY-MM-DD", True),
    ("after later than before", "hop after:2024-05-01 before:2024-01-01", "later than", False),
    ("unknown author", "hop author:nobody", "Nobody is called", False),
    ("unknown community", "hop community:nowhere", "No community you can read", False),
    ("near", "NEAR(hop creep)", "", False),
    # Engines differ: FTS5 wants the words "or" and "and", websearch_to_tsquery reads OR.
    ("boolean words", "hop OR creep AND", "", None),
    ("column filter", "title:hop", "", False),  # a phrase "title hop"
    ("column prefix", "^hop", "", True),
    ("star", "*", "", False),
    ("prefix star", "hop*", "", True),
    ("fts operators", 'hop + creep - "" () {} [] : ^ *', "", True),
    ("sql", "hop'; DROP TABLE search_document; --", "", False),
    ("percent topic", "hop topic:%", "", False),
    ("underscore", "_", "", False),
    ("unicode", "café", "", True),
    ("emoji only", "🍺", "", False),
    ("emoji and word", "🍺 creep", "", True),
    ("right-to-left", "שלום hop", "", False),
    ("control characters", "hop\x01\x02\x03", "", True),
    ("300 words", " ".join(["ab"] * 300), "Only the first 500 characters", False),
    ("40 words", " ".join(["hop"] * 40), "Only the first 32 words", True),
    ("long word", "h" * 400, "", False),
]


def _ids(cases: list[tuple[Any, ...]]) -> list[str]:
    return [c[0] for c in cases]


@pytest.mark.parametrize(("q", "note", "finds"), [c[1:] for c in QUERIES], ids=_ids(QUERIES))
def test_search_function_copes(q: str, note: str, finds: bool | None) -> None:
    page = queries.search(user=AnonymousUser(), text=q)
    if note:
        assert any(note in n for n in page.query.notes), page.query.notes
    else:
        assert page.query.notes == []
    if finds is not None:
        assert bool(page.results) == finds


@pytest.mark.parametrize(("q", "note", "finds"), [c[1:] for c in QUERIES], ids=_ids(QUERIES))
def test_search_page_copes(q: str, note: str, finds: bool | None) -> None:
    response = browser().get(reverse("search:search"), {"q": q})
    assert response.status_code == 200, response.status_code
    text = page_text(response)
    assert note in text
    if finds is not None:
        assert bool(response.context["page"].results) == finds
    assert "How to search" in text


@pytest.mark.parametrize(("q", "note", "finds"), [c[1:] for c in QUERIES], ids=_ids(QUERIES))
def test_search_api_copes(q: str, note: str, finds: bool | None) -> None:
    response = browser().get("/api/v1/search", {"q": q})
    assert response.status_code == 200, response.content[:300]
    data = response.json()
    if note:
        assert any(note in n for n in data["notes"]), data["notes"]
    if finds is not None:
        assert bool(data["items"]) == finds
    assert data["count"] == len(data["items"])


def test_the_query_is_cut_to_32_words() -> None:
    page = queries.search(user=AnonymousUser(), text=MANY_WORDS)
    assert len(page.query.terms) <= 32
    assert "Only the first 32 words were searched." in page.query.notes


def test_a_long_query_is_shortened_with_a_note() -> None:
    page = queries.search(user=AnonymousUser(), text=LONG)
    assert "Only the first 500 characters were searched." in page.query.notes
    assert page.results  # the shortened query still runs
    response = browser().get(reverse("search:search"), {"q": "hop " * 200})  # 800 characters
    assert response.status_code == 200
    assert "Only the first 500 characters were searched." in page_text(response)


@pytest.mark.parametrize("q", [LONG, MANY_WORDS], ids=["5000 characters", "1000 words"])
def test_a_very_long_query_on_the_page_is_shortened_with_a_note(q: str) -> None:
    response = browser().get(reverse("search:search"), {"q": q})
    assert response.status_code == 200
    assert "were searched." in page_text(response)


@pytest.mark.parametrize("q", [LONG, MANY_WORDS], ids=["5000 characters", "1000 words"])
def test_a_very_long_query_on_the_page_is_refused_without_a_500(q: str) -> None:
    # Whatever the page does with it, it is never a 500.
    response = browser().get(reverse("search:search"), {"q": q})
    assert response.status_code in (200, 422)


@pytest.mark.parametrize("q", [LONG, MANY_WORDS], ids=["5000 characters", "1000 words"])
def test_a_query_longer_than_the_api_allows_is_422(q: str) -> None:
    response = browser().get("/api/v1/search", {"q": q})
    assert response.status_code == 422
    assert "q" in str(response.json()["detail"])


@pytest.mark.parametrize("q", ["\x00", "hop\x00creep", "hop creep\x00"])
def test_nul_characters_are_a_clear_400(q: str) -> None:
    response = browser().get(reverse("search:search"), {"q": q})
    assert response.status_code == 400
    assert "null characters" in page_text(response)
    response = browser().get("/api/v1/search", {"q": q})
    assert response.status_code == 400
    assert "null characters" in response.json()["detail"]


@pytest.mark.parametrize("field", ["after", "before"])
@pytest.mark.parametrize("value", ["garbage", "2024-13-45", "2024-02-30", "9" * 40])
def test_a_garbage_date_in_the_form_is_shown_next_to_the_field(field: str, value: str) -> None:
    response = browser().get(reverse("search:search"), {"q": "hop", field: value})
    assert response.status_code == 422
    text = page_text(response)
    assert f'<p class="error" id="id_{field}-error">Enter a valid date.</p>' in text
    assert "Hop creep in a lager" not in text  # nothing is searched with a broken form


@pytest.mark.parametrize(
    ("field", "value"),
    [("type", "bogus"), ("state", "bogus"), ("kind", "bogus"), ("community", "nowhere"),
     ("topic", "not a slug!"), ("author", "a" * 151)],
)  # fmt: skip
def test_other_bad_form_values_are_422_with_the_error(field: str, value: str) -> None:
    response = browser().get(reverse("search:search"), {"q": "hop", field: value})
    assert response.status_code == 422
    assert f'id="id_{field}-error"' in response.content.decode()


@pytest.mark.parametrize("number", ["999999", "51", "50", "99999999999999999999999"])
def test_a_page_beyond_the_end_is_an_empty_page(number: str) -> None:
    response = browser().get(reverse("search:search"), {"q": "hop", "page": number})
    assert response.status_code == 200
    page = response.context["page"]
    assert page.results == [] and not page.has_next
    assert page.total == 2  # the count is still told


@pytest.mark.parametrize("number", ["abc", "", "-3", "0", "1.5", "%00", "１"])
def test_an_unreadable_page_number_means_the_first_page(number: str) -> None:
    response = browser().get(reverse("search:search"), {"q": "hop", "page": number})
    assert response.status_code == 200
    assert response.context["page"].page == 1
    assert len(response.context["page"].results) == 2


@pytest.mark.parametrize(
    ("number", "status"), [("abc", 422), ("0", 422), ("51", 422), ("50", 200), ("2", 200)]
)
def test_api_page_numbers(number: str, status: int) -> None:
    response = browser().get("/api/v1/search", {"q": "hop", "page": number})
    assert response.status_code == status
    if status == 200:
        assert response.json()["items"] == [] and response.json()["count"] == 2
