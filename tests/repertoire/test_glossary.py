import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commonplace.core.markdown import render_markdown, sanitize_html
from commonplace.repertoire.actions import change_maturity, create_entry, edit_entry
from commonplace.repertoire.glossary import (
    bump_glossary_version,
    get_glossary_version,
    glossary_version_key,
    link_glossary_terms,
    parse_synonyms,
    short_definition,
)
from commonplace.repertoire.models import Entry
from tests.factories import make_community, make_reply, make_thread

pytestmark = pytest.mark.django_db

FLAG_BODY = (
    "## Definition\n\nA switch that turns a feature on or off without a deploy.\n\n"
    "## Synonyms\n\nfeature toggle, feature switch\nkill switch\n\n"
    "## Example\n\nWe hid the new search behind a flag.\n"
)


def _term(community, title="Feature flag", body=FLAG_BODY, kind="glossary"):
    return create_entry(
        community=community, by=community.created_by, kind=kind, title=title, body=body
    )


def _links(html):
    """(href, text) of each glossary link in `html`."""
    return re.findall(r'<a class="glossary-term" href="([^"]+)"[^>]*>([^<]+)</a>', html)


def _link(community, markdown):
    return link_glossary_terms(community.pk, render_markdown(markdown))


def _coordinator_membership(community):
    return community.memberships.get(user=community.created_by)


def test_link_glossary_terms_links_first_use_of_a_term_with_its_definition():
    community = make_community(slug="brewers")
    entry = _term(community)
    html = _link(community, "Put it behind a feature flag. Every feature flag needs an owner.")
    assert _links(html) == [(f"/c/brewers/r/{entry.pk}/", "feature flag")]
    assert 'title="A switch that turns a feature on or off without a deploy."' in html
    assert html.count("feature flag") == 2


def test_link_glossary_terms_links_synonyms_listed_by_comma_or_line():
    community = make_community()
    entry = _term(community)
    href = f"/c/{community.slug}/r/{entry.pk}/"
    assert _links(_link(community, "Add a feature toggle.")) == [(href, "feature toggle")]
    assert _links(_link(community, "Flip the feature switch.")) == [(href, "feature switch")]
    assert _links(_link(community, "Pull the kill switch.")) == [(href, "kill switch")]
    # One term, one link per fragment, whichever of its names comes first.
    assert _links(_link(community, "A kill switch is a feature flag.")) == [(href, "kill switch")]


def test_link_glossary_terms_is_case_insensitive_and_keeps_the_writers_case():
    community = make_community()
    _term(community)
    assert [text for _, text in _links(_link(community, "FEATURE FLAG everywhere"))] == [
        "FEATURE FLAG"
    ]
    # A term broken over two lines of Markdown is still the term.
    assert [text for _, text in _links(_link(community, "a Feature\nFlag"))] == ["Feature\nFlag"]


def test_link_glossary_terms_matches_terms_beyond_ascii():
    community = make_community()
    _term(community, title="Würze", body="## Definition\n\nDie Straße des Biers.\n")
    _term(community, title="Maßkrug", body="## Definition\n\nA litre.\n")
    html = _link(community, "WÜRZE im Maßkrug")
    assert [text for _, text in _links(html)] == ["WÜRZE", "Maßkrug"]


def test_link_glossary_terms_survives_control_characters():
    community = make_community()
    _term(community, title="Wort", body="## Definition\n\nSweet\x01 liquid.\n")
    html = _link(community, "A\x01 wort\x0b here.")
    assert [text for _, text in _links(html)] == ["wort"]
    assert 'title="Sweet liquid."' in html


def test_link_glossary_terms_matches_whole_words_only():
    community = make_community()
    _term(community, title="Wort", body="## Definition\n\nUnfermented beer.\n")
    assert _links(_link(community, "Wortless worts, a sweetwort and Wort's")) == [
        (f"/c/{community.slug}/r/{Entry.objects.get().pk}/", "Wort")
    ]
    assert _links(_link(community, "Wortless worts and sweetwort")) == []


def test_link_glossary_terms_prefers_the_longest_term():
    community = make_community()
    _term(community, title="Feature", body="## Definition\n\nA capability.\n")
    flag = _term(community)
    links = _links(_link(community, "This feature flag guards a feature."))
    assert links[0] == (f"/c/{community.slug}/r/{flag.pk}/", "feature flag")
    assert [text for _, text in links] == ["feature flag", "feature"]


def test_link_glossary_terms_leaves_code_links_and_headings_alone():
    community = make_community()
    _term(community)
    markdown = (
        "# Feature flag\n\n"
        "Use `feature flag` or [the feature flag page](https://example.org) here.\n\n"
        "```\nfeature flag\n```\n\n"
        "And finally a feature flag, in words."
    )
    html = _link(community, markdown)
    assert [text for _, text in _links(html)] == ["feature flag"]
    assert "<h1>Feature flag</h1>" in html
    assert "<code>feature flag</code>" in html
    assert ">the feature flag page</a>" in html
    assert '">feature flag</a>, in words.' in html


def test_link_glossary_terms_skips_retired_and_deleted_terms():
    community = make_community()
    retired = _term(community)
    deleted = _term(community, title="Wort", body="## Definition\n\nUnfermented beer.\n")
    assert len(_links(_link(community, "A feature flag in the wort."))) == 2

    change_maturity(
        entry=retired,
        to="retired",
        by=community.created_by,
        membership=_coordinator_membership(community),
    )
    Entry.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    bump_glossary_version(community.pk)  # what a deletion action must do
    assert _links(_link(community, "A feature flag in the wort.")) == []


def test_link_glossary_terms_ignores_other_kinds_of_entry():
    community = make_community()
    _term(community, kind="practice")
    assert _links(_link(community, "A feature flag.")) == []


def test_link_glossary_terms_never_uses_another_communitys_terms():
    private = make_community(visibility="private")
    _term(private, title="Secret sauce", body="## Definition\n\nThe confidential recipe.\n")
    public = make_community()
    html = _link(public, "What is the secret sauce?")
    assert _links(html) == []
    assert "confidential" not in html
    # Its own terms still work after the other community's matcher was built.
    assert len(_links(_link(private, "The secret sauce."))) == 1
    assert _links(_link(public, "The secret sauce.")) == []


def test_thread_page_links_terms_of_its_own_community_only():
    private = make_community(visibility="private")
    _term(private, title="Secret sauce", body="## Definition\n\nThe confidential recipe.\n")
    community = make_community(slug="brewers")
    entry = _term(community)
    thread = make_thread(community, body="Is the secret sauce a feature flag?")
    response = Client().get(reverse("discussions:thread", args=[community.slug, thread.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert _links(page) == [(f"/c/brewers/r/{entry.pk}/", "feature flag")]
    assert "confidential" not in page


def test_link_glossary_terms_follows_edits_of_the_glossary():
    community = make_community()
    entry = _term(community)
    text = "A feature flag, a release toggle."
    assert [text for _, text in _links(_link(community, text))] == ["feature flag"]
    version = get_glossary_version(community.pk)

    edit_entry(
        entry=entry,
        by=community.created_by,
        base_version=entry.version,
        title="Release toggle",
        body="## Definition\n\nA flag for releases.\n\n## Synonyms\n\nrelease switch\n",
        topics=[],
    )
    assert get_glossary_version(community.pk) != version
    html = _link(community, text)
    assert [text for _, text in _links(html)] == ["release toggle"]
    assert 'title="A flag for releases."' in html
    assert [text for _, text in _links(_link(community, "the release switch"))] == [
        "release switch"
    ]


def test_link_glossary_terms_follows_a_new_term():
    community = make_community()
    text = "Check the wort gravity."
    assert _links(_link(community, text)) == []
    _term(community, title="Wort", body="## Definition\n\nUnfermented beer.\n")
    assert [text for _, text in _links(_link(community, text))] == ["wort"]


def test_edit_of_other_entries_leaves_the_glossary_version_alone():
    community = make_community()
    version = get_glossary_version(community.pk)
    _term(community, kind="practice", title="Calibrating the probe", body="## Steps\n\n1. Warm")
    assert get_glossary_version(community.pk) == version


def test_bump_glossary_version_works_when_the_version_was_evicted():
    community = make_community()
    _term(community, title="Wort", body="## Definition\n\nUnfermented beer.\n")
    assert len(_links(_link(community, "wort"))) == 1
    cache.delete(glossary_version_key(community.pk))
    bump_glossary_version(community.pk)
    Entry.objects.update(deleted_at=timezone.now())
    bump_glossary_version(community.pk)
    assert _links(_link(community, "wort")) == []


def test_link_glossary_terms_escapes_the_definition_and_stays_sanitized():
    community = make_community()
    _term(
        community,
        title="Wort",
        body='## Definition\n\nSweet "liquid" <script>alert(1)</script> & more.\n',
    )
    # Imported HTML that was never sanitized still comes out sanitized.
    html = link_glossary_terms(
        community.pk, "<p>wort <img src=x onerror=alert(1)><script>alert(2)</script></p>"
    )
    assert len(_links(html)) == 1
    assert "<script" not in html and "onerror" not in html
    assert 'title="Sweet &quot;liquid&quot; &lt;script&gt;alert(1)&lt;/script&gt; &amp; more."' in (
        html
    )


def test_link_glossary_terms_does_not_link_an_entry_on_its_own_page():
    community = make_community()
    entry = _term(community)
    assert _links(link_glossary_terms(community.pk, entry.body_html, skip_entry_id=entry.pk)) == []


def test_sanitize_html_keeps_only_the_glossary_class_on_links():
    html = sanitize_html(
        '<a class="glossary-term button" href="/c/x/r/1/">t</a>'
        '<a class="button" href="/x">u</a><p class="glossary-term">v</p>'
    )
    assert '<a class="glossary-term" href="/c/x/r/1/"' in html
    assert "button" not in html
    assert '<p class="glossary-term">' not in html


def test_parse_synonyms_reads_commas_lines_and_lists():
    body = render_markdown(
        "## Definition\n\nThe thing, really.\n\n## Synonyms\n\nalpha, beta\ngamma.\n\n"
        "- delta\n- alpha\n\n## Example\n\nepsilon, zeta\n"
    )
    assert parse_synonyms(body) == ["alpha", "beta", "gamma", "delta"]
    assert short_definition(body) == "The thing, really."
    assert parse_synonyms(render_markdown("## Definition\n\nNo synonyms here.")) == []


def test_short_definition_is_shortened_at_a_word():
    definition = short_definition(render_markdown("## Definition\n\n" + "word " * 100))
    assert len(definition) <= 160 and definition.endswith("word…")


def test_link_glossary_filter_links_with_the_given_community_and_marks_safe():
    community = make_community()
    _term(community)
    template = Template("{% load repertoire %}{{ html|link_glossary:community }}")
    html = render_markdown("A feature flag.")
    rendered = template.render(Context({"html": html, "community": community}))
    assert len(_links(rendered)) == 1
    # Without a community, nothing is linked, and the fragment is still sanitized.
    rendered = template.render(Context({"html": html + "<script>x</script>", "community": None}))
    assert _links(rendered) == [] and "<script" not in rendered


def test_thread_page_with_30_posts_adds_no_query_per_post():
    community = make_community()
    _term(community)
    few = make_thread(community, body="A feature flag question.")
    many = make_thread(community, body="Another feature flag question.")
    for n in range(30):
        make_reply(many, body=f"Reply {n}: use a feature toggle.")
    make_reply(few, body="Reply: use a feature toggle.")
    client = Client()

    def cold_count(thread):
        url = reverse("discussions:thread", args=[community.slug, thread.pk])
        client.get(url)  # compiled templates, content types
        cache.clear()  # the glossary matcher and linked posts are built afresh
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        return len(queries.captured_queries), response.content.decode()

    few_queries, _ = cold_count(few)
    many_queries, page = cold_count(many)
    assert len(_links(page)) == 31
    assert many_queries == few_queries
