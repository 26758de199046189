"""Events become searchable: a document per event (a repeating series once per
run of alike occurrences), indexed like an entry but never embedded (events
are not cases). Existing events are indexed here; the full-text triggers take
them from there."""

from typing import Any

from django.db import migrations, models

# Pure functions of the rows they are given, so historical models do.
from commonplace.search.indexing import event_fields, events_standing_alone, series_in_order


def index_events(apps: Any, schema_editor: Any) -> None:
    Event = apps.get_model("events", "Event")
    Document = apps.get_model("search", "Document")
    Document.objects.bulk_create(
        (
            Document(doc_type="event", object_id=event.pk, **event_fields(event))
            for series in series_in_order(Event.objects.all())
            for event in events_standing_alone(series)
        ),
        batch_size=500,
    )


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
