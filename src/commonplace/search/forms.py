from __future__ import annotations

from typing import Any, cast

from django import forms

from commonplace.communities.models import Community
from commonplace.communities.queries import readable_community_ids
from commonplace.discussions.models import ThreadKind
from commonplace.events.models import EventKind
from commonplace.repertoire.models import EntryKind

TYPE_CHOICES = [
    ("", "Everything"),
    ("thread", "Discussions"),
    ("reply", "Replies"),
    ("entry", "Repertoire"),
    ("event", "Events"),
    ("member", "People"),
]
STATE_CHOICES = [
    ("", "Any state"),
    ("resolved", "Resolved or endorsed"),
    ("unresolved", "Not resolved"),
    ("unanswered", "Unanswered"),
]


class SearchForm(forms.Form):
    """The search box and its filters; filters become query syntax, one language for all."""

    # No max_length: parse() shortens a long query and says so, where a form
    # error would refuse it.
    q = forms.CharField(label="Search", required=False)
    community = forms.ChoiceField(label="Community", required=False)
    type = forms.ChoiceField(label="Type", required=False, choices=TYPE_CHOICES)
    kind = forms.ChoiceField(
        label="Kind",
        required=False,
        choices=[
            ("", "Any kind"),
            ("Discussions", list(ThreadKind.choices)),
            ("Repertoire", list(EntryKind.choices)),
            ("Events", list(EventKind.choices)),
        ],
    )
    topic = forms.SlugField(label="Topic", required=False, max_length=60)
    state = forms.ChoiceField(label="State", required=False, choices=STATE_CHOICES)
    author = forms.CharField(label="Author (username)", required=False, max_length=150)
    after = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    before = forms.DateField(
        label="Until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        readable = Community.objects.filter(id__in=readable_community_ids(user)).order_by("name")
        field = cast(forms.ChoiceField, self.fields["community"])
        field.choices = [("", "All communities I can read")]
        field.choices += [(slug, name) for slug, name in readable.values_list("slug", "name")]

    def query_text(self) -> str:
        data = self.cleaned_data
        filters = {
            name: data.get(name) for name in ("community", "type", "kind", "topic", "author")
        }
        filters["is"] = data.get("state")
        filters |= {name: data[name].isoformat() for name in ("after", "before") if data.get(name)}
        parts = [data["q"].strip(), *(f"{k}:{v}" for k, v in filters.items() if v)]
        return " ".join(p for p in parts if p)
