from __future__ import annotations

import mailbox
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from commonplace.communities.models import Membership
from commonplace.discussions.models import Post, Thread
from commonplace.imports.load import Importer
from commonplace.imports.mbox import MboxArchive, normalize_address, normalize_subject
from commonplace.imports.models import ExternalRef
from tests.imports.conftest import shared_data

pytestmark = pytest.mark.django_db

SMALL = b"""From alice at example.org  Mon Jan  7 10:00:00 2002
From: alice at example.org (Alice Martin)
Date: Mon, 7 Jan 2002 10:00:00 +0000
Subject: [list] Calibrating the probe
Message-ID: <1@example.org>

How do you calibrate the probe?

From bob at example.org  Mon Jan  7 11:00:00 2002
From: =?utf-8?q?B=C3=B6b?= <BOB@example.org>
Date: Mon, 7 Jan 2002 11:00:00 +0000
Subject: Re: [list] Calibrating the probe
In-Reply-To: <1@example.org>
Message-ID: <2@example.org>
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

> How do you calibrate the probe?
With the reference block, caf=E9 temperature.

From carol at example.org  Mon Jan  7 12:00:00 2002
From: carol@example.org
Date: Mon, 7 Jan 2002 12:00:00 +0000
Subject: Re: Calibrating the probe
Message-ID: <3@example.org>

Subject fallback: my parent is not referenced.

From alice at example.org  Mon Jan  7 13:00:00 2002
From: Alice Martin <alice@example.org>
Date: Mon, 7 Jan 2002 13:00:00 +0000
Subject: Re: Calibrating the probe
References: <1@example.org> <2@example.org>
Message-ID: <4@example.org>

Thanks Bob.
"""


@pytest.fixture
def small_mbox(tmp_path: Path) -> Path:
    path = tmp_path / "list.mbox"
    path.write_bytes(SMALL)
    return path


def _import(community, path: Path):
    archive = MboxArchive(path)
    importer = Importer(
        community=community, source=archive.source, by=community.created_by, progress=False
    )
    return importer.run(archive.records())


def test_normalize_address_undoes_obfuscation_and_case():
    assert normalize_address("Jane.Doe at Example.ORG") == "jane.doe@example.org"
    assert normalize_subject("Re: RE: [Numpy-discussion]  Numeric2") == "numeric2"


def test_mbox_import_threads_by_headers_and_subject(target_community, small_mbox):
    summary = _import(target_community, small_mbox)
    assert summary.created["thread"] == 1 and summary.created["post"] == 3
    thread = Thread.objects.get(community=target_community)
    assert thread.title == "Calibrating the probe"  # list tag and reply prefix dropped
    posts = {p.body.splitlines()[-1]: p for p in Post.objects.filter(thread=thread)}
    bob = posts["With the reference block, café temperature."]
    assert bob.author.display_name == "Böb"
    assert bob.parent.is_opening
    assert "<details>" in bob.body_html  # quoted text folded
    assert posts["Thanks Bob."].parent == bob  # nearest reference wins
    # Senders are deduplicated by normalized address.
    assert Membership.objects.filter(community=target_community).count() == 1 + 3


def test_mbox_import_is_idempotent_and_resumes_after_growth(target_community, small_mbox):
    _import(target_community, small_mbox)
    again = _import(target_community, small_mbox)
    assert sum(again.created.values()) == 0
    small_mbox.write_bytes(
        SMALL
        + b"""
From dave at example.org  Tue Jan  8 09:00:00 2002
From: dave@example.org
Date: Tue, 8 Jan 2002 09:00:00 +0000
Subject: Re: Calibrating the probe
In-Reply-To: <4@example.org>
Message-ID: <5@example.org>

Late reply.
"""
    )
    grown = _import(target_community, small_mbox)
    assert grown.created == {"person": 1, "post": 1}
    assert Post.objects.filter(thread__community=target_community).count() == 5


def test_import_command_reports_a_file_that_is_not_mbox(target_community, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello\n")
    with pytest.raises(CommandError, match="not an mbox"):
        call_command("import", "mbox", str(bad), "--community", "imported", "--no-progress")
    with pytest.raises(CommandError, match="no such file"):
        call_command("import", "mbox", str(tmp_path / "missing.mbox"), "--community", "imported")


@pytest.mark.realdata
def test_numpy_discussion_threading_matches_the_raw_file(target_community):
    path = shared_data("mbox", "numpy-discussion-2001-11.mbox")
    raw = mailbox.mbox(str(path))
    messages = list(raw)
    assert len(messages) == 164
    ids = {m["Message-ID"] for m in messages}
    summary = _import(target_community, path)
    # The archive holds every message twice; each distinct message is imported once.
    assert summary.skipped["message repeated in the archive"] == 164 - len(ids)
    assert summary.created["thread"] + summary.created["post"] == len(ids)
    assert not summary.problems
    posts = {
        ref.external_id: ref.target_id
        for ref in ExternalRef.objects.filter(source="mbox:numpy-discussion-2001-11", kind="post")
    }
    checked = 0
    unique = {m["Message-ID"]: m for m in messages}
    for message_id, message in unique.items():
        reply_to = (message["In-Reply-To"] or "").strip()
        if reply_to in ids and reply_to != message_id:
            # Every In-Reply-To naming a message of the file is linked to it.
            assert Post.objects.get(pk=posts[message_id]).parent_id == posts[reply_to], message_id
            checked += 1
        elif not reply_to:
            referenced = [r for r in (message["References"] or "").split() if r in ids]
            if referenced:
                assert Post.objects.get(pk=posts[message_id]).parent_id == posts[referenced[-1]]
                checked += 1
    assert checked >= 40  # the rest answer messages from before this month
    assert Membership.objects.filter(community=target_community).count() == 1 + 39


@pytest.mark.realdata
@pytest.mark.parametrize("name", ["3GPP_TSG_RAN_WG4_NR-MIMO-OTA", "3GPP_TSG_SA_WG4_EVS"])
def test_listserv_archives_import_without_problems(target_community, name):
    summary = _import(target_community, shared_data("mbox", f"{name}.mbox"))
    assert not summary.problems
    assert summary.created["thread"] >= 20
