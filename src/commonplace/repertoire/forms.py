from __future__ import annotations

from typing import Any

from django import forms

from commonplace.communities.models import Community
from commonplace.repertoire.actions import MAX_BODY, MAX_TITLE
from commonplace.repertoire.models import EntryKind, Maturity


class EntryFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "All kinds"), *EntryKind.choices], required=False)
    topic = forms.SlugField(max_length=50, required=False)
    maturity = forms.ChoiceField(choices=[("", "Any maturity"), *Maturity.choices], required=False)
    review = forms.ChoiceField(
        choices=[("", "Any review date"), ("due", "Needs review")], required=False
    )


class EntryForm(forms.Form):
    kind = forms.ChoiceField(choices=EntryKind.choices)
    title = forms.CharField(max_length=MAX_TITLE)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=MAX_BODY,
        help_text="Markdown. The outline suggests what readers will look for.",
    )
    topics = forms.MultipleChoiceField(
        choices=[], required=False, widget=forms.CheckboxSelectMultiple
    )
    review_due = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label="Review by",
        help_text="When someone should check it is still right (default: in a year).",
    )

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = [(t.slug, t.name) for t in community.topics.all()]  # type: ignore[attr-defined]


class EditEntryForm(EntryForm):
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(max_length=200, required=False, label="What changed")

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, community=community, **kwargs)
        del self.fields["kind"]


class MaturityForm(forms.Form):
    maturity = forms.ChoiceField(choices=Maturity.choices)
    reason = forms.CharField(max_length=500, required=False)


class ReuseForm(forms.Form):
    note = forms.CharField(max_length=500, required=False, label="How you reused it")


class DiffForm(forms.Form):
    a = forms.IntegerField(min_value=1)
    b = forms.IntegerField(min_value=1)


class FileForm(forms.Form):
    file = forms.FileField(
        label="Attach a file",
        help_text="Up to 10 MB: PDF, office documents, images, text, CSV or zip.",
    )
