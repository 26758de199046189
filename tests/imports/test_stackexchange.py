from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from commonplace.core.models import Activity, Verb
from commonplace.discussions.models import Post, Thread, ThreadLink, Vote
from commonplace.imports.load import Importer, ImportSummary
from commonplace.imports.stackexchange import StackExchangeDump
from commonplace.insights.models import Expertise
from tests.factories import make_community, make_user

USERS = """<?xml version="1.0" encoding="utf-8"?>
<users>
  <row Id="1" DisplayName="Ana Brewer" Location="Porto" AboutMe="&lt;p&gt;Hops.&lt;/p&gt;" CreationDate="2015-01-01T10:00:00.000" />
  <row Id="2" DisplayName="Ben" CreationDate="2015-01-02T10:00:00.000" />
</users>
"""
POSTS = """<?xml version="1.0" encoding="utf-8"?>
<posts>
  <row Id="10" PostTypeId="1" AcceptedAnswerId="11" CreationDate="2015-02-01T10:00:00.000" Body="&lt;p&gt;Why &lt;b&gt;citra&lt;/b&gt;?&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;" OwnerUserId="1" Title="What is a citra hop?" Tags="&lt;hops&gt;&lt;ipa&gt;" />
  <row Id="11" PostTypeId="2" ParentId="10" CreationDate="2015-02-01T12:00:00.000" Body="&lt;p&gt;A hop variety.&lt;/p&gt;" OwnerUserId="2" />
  <row Id="12" PostTypeId="1" CreationDate="2015-02-02T10:00:00.000" Body="&lt;p&gt;Same?&lt;/p&gt;" OwnerUserId="2" Title="Citra hop?" Tags="&lt;hops&gt;" />
  <row Id="13" PostTypeId="2" CreationDate="2015-02-02T10:00:00.000" Body="no parent" OwnerUserId="2" />
</posts>
"""
COMMENTS = """<?xml version="1.0" encoding="utf-8"?>
<comments>
  <row Id="11" PostId="11" Text="Thanks!" CreationDate="2015-02-01T13:00:00.000" UserId="1" />
</comments>
"""
VOTES = """<?xml version="1.0" encoding="utf-8"?>
<votes>
  <row Id="1" PostId="11" VoteTypeId="2" CreationDate="2015-02-01T00:00:00.000" />
  <row Id="2" PostId="11" VoteTypeId="2" CreationDate="2015-02-01T00:00:00.000" />
  <row Id="3" PostId="10" VoteTypeId="3" CreationDate="2015-02-01T00:00:00.000" />
  <row Id="4" PostId="999" VoteTypeId="2" CreationDate="2015-02-01T00:00:00.000" />
</votes>
"""
LINKS = """<?xml version="1.0" encoding="utf-8"?>
<postlinks>
  <row Id="1" CreationDate="2015-02-03T00:00:00.000" PostId="12" RelatedPostId="10" LinkTypeId="3" />
</postlinks>
"""


def write_dump(folder: Path, **overrides: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "Users.xml": USERS, "Posts.xml": POSTS, "Comments.xml": COMMENTS,
        "Votes.xml": VOTES, "PostLinks.xml": LINKS, **overrides,
    }  # fmt: skip
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def run_import(community: Any, folder: Path) -> ImportSummary:
    dump = StackExchangeDump(folder, site="beer.stackexchange.com")
    importer = Importer(
        community=community, source=dump.source, by=community.created_by, progress=False
    )
    return importer.run(dump.records())


@pytest.mark.django_db
def test_stackexchange_import_maps_every_part_of_the_dump(tmp_path):
    community = make_community(slug="beer", coordinator=make_user("importer"), topics=())
    summary = run_import(community, write_dump(tmp_path / "dump"))
    assert summary.created == {
        "person": 2, "thread": 2, "post": 2, "accept": 1, "vote": 2, "link": 1,
    }  # fmt: skip
    assert summary.problems == [] or all("Posts.xml" in p.location for p in summary.problems)
    assert [p.location for p in summary.problems] == ["Posts.xml:6"]  # the answer without parent
    question = Thread.objects.get(title="What is a citra hop?")
    assert question.kind == "request_for_information"
    assert sorted(t.slug for t in question.topics.all()) == ["hops", "ipa"]
    assert question.is_resolved and question.accepted_answer.body == "A hop variety."
    opening = question.posts.get(is_opening=True)
    assert "<b>citra</b>" in opening.body_html and "<script" not in opening.body_html
    assert opening.source_url == "https://beer.stackexchange.com/q/10"
    assert opening.created_at.isoformat().startswith("2015-02-01T10:00:00")
    answer = question.accepted_answer
    assert answer.source_url == "https://beer.stackexchange.com/a/11"
    assert answer.helpful_count == 2 and Vote.objects.filter(user__isnull=True).count() == 2
    comment = Post.objects.get(is_comment=True)
    assert comment.parent == answer and comment.body == "Thanks!"
    assert question.reply_count == 1  # comments are not replies
    assert ThreadLink.objects.get().kind == "duplicate"
    ana = opening.author
    assert (ana.display_name, ana.location, ana.bio) == ("Ana Brewer", "Porto", "Hops.")
    assert not ana.has_usable_password()
    started = Activity.objects.get(verb=Verb.THREAD_STARTED, target_id=question.pk)
    assert started.created_at == question.created_at and started.actor == ana
    # The expertise profiles are rebuilt once the import is in: the answerer
    # shows on both of the question's topics, with the accepted answer.
    expert = Expertise.objects.filter(user=answer.author, community=community)
    assert sorted(e.topic.slug if e.topic else "" for e in expert) == ["", "hops", "ipa"]
    assert {(e.answers, e.accepted, e.helpful) for e in expert} == {(1, 1, 2)}


@pytest.mark.django_db
def test_stackexchange_import_is_idempotent_and_adds_only_new_items(tmp_path):
    community = make_community(slug="beer", coordinator=make_user("importer"), topics=())
    folder = write_dump(tmp_path / "dump")
    run_import(community, folder)
    counts = (Thread.objects.count(), Post.objects.count(), Vote.objects.count())
    again = run_import(community, folder)
    assert sum(again.created.values()) == 0 and sum(again.updated.values()) == 0
    assert (Thread.objects.count(), Post.objects.count(), Vote.objects.count()) == counts
    grown = POSTS.replace(
        "</posts>",
        '  <row Id="14" PostTypeId="2" ParentId="12" CreationDate="2015-03-01T10:00:00.000"'
        ' Body="&lt;p&gt;New answer&lt;/p&gt;" OwnerUserId="1" />\n</posts>',
    ).replace("Why &lt;b&gt;citra&lt;/b&gt;?", "Why &lt;b&gt;citra&lt;/b&gt; hops?")
    write_dump(folder, **{"Posts.xml": grown})
    third = run_import(community, folder)
    assert third.created == {"post": 1}
    assert third.updated == {"thread": 1}  # the question was edited at the source
    assert (
        Post.objects.get(is_opening=True, thread__title="What is a citra hop?").revisions.count()
        == 1
    )


@pytest.mark.django_db
def test_stackexchange_import_reports_malformed_xml_with_its_line(tmp_path):
    make_community(slug="beer", coordinator=make_user("importer"), topics=())
    broken = POSTS.replace('<row Id="12"', '<row Id="12" broken="<"')
    folder = write_dump(tmp_path / "dump", **{"Posts.xml": broken})
    with pytest.raises(CommandError, match=r"Posts.xml:5: not well-formed"):
        call_command("import", "stackexchange", str(folder), "--community", "beer", "--no-progress")
    # The batch that met the error was rolled back: nothing half-written.
    assert not Thread.objects.exists()
    (folder / "Posts.xml").unlink()
    with pytest.raises(CommandError, match="missing Posts.xml"):
        call_command("import", "stackexchange", str(folder), "--community", "beer")
    with pytest.raises(CommandError, match="no such folder"):
        call_command("import", "stackexchange", str(tmp_path / "nope"), "--community", "beer")
    with pytest.raises(CommandError, match="No community"):
        call_command("import", "stackexchange", str(folder), "--community", "nope")


@pytest.mark.django_db
def test_interrupted_import_keeps_whole_batches_and_resumes(tmp_path):
    community = make_community(slug="beer", coordinator=make_user("importer"), topics=())
    dump = StackExchangeDump(write_dump(tmp_path / "dump"), site="beer.stackexchange.com")

    def interrupted():
        for number, record in enumerate(dump.records()):
            if number == 5:  # in the middle of the second batch
                raise KeyboardInterrupt
            yield record

    importer = Importer(
        community=community, source=dump.source, by=community.created_by, progress=False,
        batch_size=3,
    )  # fmt: skip
    with pytest.raises(KeyboardInterrupt):
        importer.run(interrupted())
    # Batch one (two people and the first question) is saved; batch two is not.
    assert Thread.objects.filter(community=community).count() == 1
    assert not Post.objects.filter(thread__community=community, is_opening=False).exists()
    resumed = run_import(community, dump.folder)
    assert resumed.unchanged == {"person": 2, "thread": 1}
    assert Thread.objects.filter(community=community).count() == 2
    assert Post.objects.filter(thread__community=community, is_opening=False).count() == 2
