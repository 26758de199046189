"""Events become searchable: a document per event, indexed like an entry but never
embedded (events are not cases). Existing events are indexed here, as
indexing._event_fields and event_stands_alone do (a series is found by its
first event); the full-text triggers take them from there."""

from typing import Any

from django.db import migrations, models

from commonplace.search.text import plain_text, printable


def _what(e: Any) -> tuple[object, ...]:
    topics = sorted(t.pk for t in e.topics.all())
    return (e.kind, e.title, e.description, e.location, e.online_url, e.cancelled_at is None, topics)


def index_events(apps: Any, schema_editor: Any) -> None:
    Event = apps.get_model("events", "Event")
    Document = apps.get_model("search", "Document")
    documents = []
    events = Event.objects.select_related("repeats").prefetch_related("topics", "repeats__topics")
    for event in events.iterator(chunk_size=500):
        if event.repeats is not None and _what(event) == _what(event.repeats):
            continue
        slugs = " ".join(sorted(t.slug for t in event.topics.all()))
        body = " ".join(p for p in (event.location, plain_text(event.description_html)) if p)
        documents.append(
            Document(
                doc_type="event", object_id=event.pk, community_id=event.community_id,
                kind=event.kind, title=printable(event.title), body=printable(body),
                topics=f" {slugs} " if slugs else "", author_id=event.created_by_id,
                created_at=event.created_at, boost=0.5 if event.cancelled_at else 1.0,
            )
        )  # fmt: skip
    Document.objects.bulk_create(documents, batch_size=500)


def forget_events(apps: Any, schema_editor: Any) -> None:
    apps.get_model("search", "Document").objects.filter(doc_type="event").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0005_calendarfeed"),
        ("search", "0006_member_communities"),
    ]

    operations = [
        migrations.AlterField(
            model_name="document",
            name="doc_type",
            field=models.CharField(
                choices=[
                    ("thread", "Thread"),
                    ("reply", "Reply"),
                    ("entry", "Repertoire entry"),
                    ("member", "Member"),
                    ("event", "Event"),
                ],
                max_length=8,
            ),
        ),
        migrations.RunPython(index_events, forget_events),
    ]
