from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from commonplace.communities.models import Community
from commonplace.core.forms import split_list
from commonplace.events.actions import MAX_DESCRIPTION, MAX_OCCURRENCES, MAX_PLACE, MAX_TITLE
from commonplace.events.models import EventKind, Repeat, Response
from commonplace.events.queries import PAST, UPCOMING

WHEN_FORMAT = "%Y-%m-%dT%H:%M"


class WhenInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=WHEN_FORMAT)


class WhenField(forms.DateTimeField):
    """A time typed on the person's clock (the active time zone).

    A time the clock shows twice, as summer time ends, is refused, as Django
    refuses it, unless it is the time the form was opened with: an event in
    that hour must stay editable without anyone saying which of the two it is.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=WhenInput(), input_formats=[WHEN_FORMAT], **kwargs)
        self.unchanged: datetime | None = None

    def to_python(self, value: Any) -> datetime | None:
        try:
            return super().to_python(value)
        except ValidationError as error:
            kept = self.unchanged
            if error.code != "ambiguous_timezone" or kept is None:
                raise
            if str(value).strip() != f"{timezone.localtime(kept):{WHEN_FORMAT}}":
                raise
            return kept


class EventFilterForm(forms.Form):
    period = forms.ChoiceField(choices=[(UPCOMING, "Coming up"), (PAST, "Past")], required=False)
    topic = forms.SlugField(max_length=50, required=False)


class EventForm(forms.Form):
    kind = forms.ChoiceField(choices=EventKind.choices)
    title = forms.CharField(max_length=MAX_TITLE)
    # Read in the active time zone (the planner's, set by TimeZoneMiddleware).
    starts_at = WhenField(label="Starts")
    ends_at = WhenField(label="Ends")
    location = forms.CharField(
        max_length=MAX_PLACE, required=False, label="Place",
        help_text="A room, an address or a site to visit. Leave empty for online only.",
    )  # fmt: skip
    online_url = forms.URLField(
        max_length=500, required=False, label="Online link", assume_scheme="https",
        help_text="Where to join from afar, if anyone can.",
    )  # fmt: skip
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}), max_length=MAX_DESCRIPTION, required=False,
        help_text="Markdown. What it is for, what to prepare, who it suits.",
    )  # fmt: skip
    topics = forms.MultipleChoiceField(
        choices=[], required=False, widget=forms.CheckboxSelectMultiple
    )
    leaders = forms.CharField(
        max_length=500, required=False,
        help_text="Usernames of the members who lead it, separated by commas (default: you).",
    )  # fmt: skip

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = [(t.slug, t.name) for t in community.topics.all()]  # type: ignore[attr-defined]
        for name in ("starts_at", "ends_at"):
            cast(WhenField, self.fields[name]).unchanged = self.initial.get(name)
        self.fields["starts_at"].help_text = (
            f"In your time zone, {timezone.get_current_timezone_name()}: "
            "you can change it on your profile."
        )

    def clean_leaders(self) -> list[str]:
        return split_list(self.cleaned_data.get("leaders") or "")


class NewEventForm(EventForm):
    repeat = forms.ChoiceField(
        choices=[("", "Does not repeat"), *Repeat.choices], required=False, label="Repeats"
    )
    occurrences = forms.IntegerField(
        min_value=2, max_value=MAX_OCCURRENCES, required=False, label="How many times",
        help_text="For a repeating event: each one can be changed or cancelled on its own.",
    )  # fmt: skip

    def clean_occurrences(self) -> int:
        return self.cleaned_data.get("occurrences") or 1


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=500, required=False)


class ResponseForm(forms.Form):
    response = forms.ChoiceField(choices=Response.choices)
