"""Files on asset and tool entries: limits, types and who may download them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from commonplace.core.errors import DomainError
from commonplace.repertoire.actions import MAX_FILE_BYTES, attach_file, create_entry
from commonplace.repertoire.models import EntryFile
from tests.factories import add_member, add_pending, make_community, make_user

pytestmark = pytest.mark.django_db


def _tool(community, kind="tool"):
    return create_entry(
        community=community,
        by=community.created_by,
        kind=kind,
        title="Van stock sheet",
        body="Use it.",
    )


def _upload(name="sheet.csv", content=b"part,count\nfuse,3\n"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_attach_file_refuses_wrong_kind_type_size_and_empty_files():
    community = make_community()
    tool = _tool(community)
    by = community.created_by
    with pytest.raises(DomainError, match="not accepted"):
        attach_file(entry=tool, upload=_upload("page.html", b"<script>"), by=by)
    with pytest.raises(DomainError, match="not accepted"):
        attach_file(entry=tool, upload=_upload("logo.svg", b"<svg/>"), by=by)
    with pytest.raises(DomainError) as too_big:
        attach_file(entry=tool, upload=_upload("big.csv", b"x" * (MAX_FILE_BYTES + 1)), by=by)
    assert too_big.value.status_code == 413
    with pytest.raises(DomainError, match="empty"):
        attach_file(entry=tool, upload=_upload("empty.csv", b""), by=by)
    with pytest.raises(DomainError, match="Only assets and tools"):
        attach_file(entry=_tool(community, kind="story"), upload=_upload(), by=by)
    assert not EntryFile.objects.exists()


def test_upload_and_download_through_the_pages():
    community = make_community(slug="field")
    tool = _tool(community)
    member = add_member(community)
    client = _client(member)
    response = client.post(f"/c/field/r/{tool.pk}/files/", {"file": _upload()})
    assert response.status_code == 302
    attachment = EntryFile.objects.get()
    download = Client().get(f"/c/field/r/{tool.pk}/files/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == b"part,count\nfuse,3\n"
    too_big = client.post(
        f"/c/field/r/{tool.pk}/files/", {"file": _upload("big.csv", b"x" * (MAX_FILE_BYTES + 1))}
    )
    assert too_big.status_code == 413
    assert client.post(f"/c/field/r/{tool.pk}/files/", {}).status_code == 422


@pytest.mark.parametrize("viewer", ["anonymous", "outsider", "pending"])
def test_private_files_are_never_served_to_non_members(viewer):
    private = make_community(slug="ward", visibility="private", join_policy="invite")
    public = make_community(slug="open")
    tool = _tool(private)
    attachment = attach_file(entry=tool, upload=_upload(), by=private.created_by)
    user = {"anonymous": None, "outsider": make_user(), "pending": add_pending(private).user}[
        viewer
    ]
    client = _client(user)
    assert client.get(f"/c/ward/r/{tool.pk}/files/{attachment.pk}/").status_code == 404
    # Guessed ids under a community the viewer can read do not reach it either.
    assert client.get(f"/c/open/r/{tool.pk}/files/{attachment.pk}/").status_code == 404
    other = _tool(public)
    assert client.get(f"/c/open/r/{other.pk}/files/{attachment.pk}/").status_code == 404


def test_files_through_the_api_with_a_token():
    from tests.factories import make_token

    community = make_community(slug="field")
    tool = _tool(community)
    member = add_member(community)
    client = Client(headers={"Authorization": f"Bearer {make_token(member)}"})
    created = client.post(f"/api/v1/communities/field/entries/{tool.pk}/files", {"file": _upload()})
    assert created.status_code == 201 and created.json()["name"] == "sheet.csv"
    refused = client.post(
        f"/api/v1/communities/field/entries/{tool.pk}/files", {"file": _upload("x.exe", b"MZ")}
    )
    assert refused.status_code == 422 and "not accepted" in refused.json()["detail"]
    file_id = created.json()["id"]
    download = client.get(f"/api/v1/communities/field/entries/{tool.pk}/files/{file_id}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"part,count\nfuse,3\n"
    detail = client.get(f"/api/v1/communities/field/entries/{tool.pk}").json()
    assert [f["name"] for f in detail["files"]] == ["sheet.csv"]
