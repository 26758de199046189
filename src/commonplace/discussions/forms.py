from __future__ import annotations

from django import forms

from commonplace.communities.models import Community
from commonplace.discussions.actions import MAX_BODY, MAX_TITLE
from commonplace.discussions.models import ThreadKind


class ThreadFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "All kinds"), *ThreadKind.choices], required=False)
    topic = forms.SlugField(max_length=50, required=False)
    author = forms.CharField(max_length=150, required=False)
    state = forms.ChoiceField(
        choices=[
            ("", "Any state"),
            ("unanswered", "Unanswered"),
            ("open", "Open questions"),
            ("resolved", "Resolved"),
        ],
        required=False,
    )


class ThreadForm(forms.Form):
    kind = forms.ChoiceField(choices=ThreadKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(max_length=MAX_TITLE)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=MAX_BODY,
        help_text="Markdown: **bold**, _italic_, `code`, lists, links, tables.",
    )
    topics = forms.MultipleChoiceField(
        choices=[], required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, community: Community, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["topics"].choices = [(t.slug, t.name) for t in community.topics.all()]  # type: ignore[attr-defined]


class EditThreadForm(ThreadForm):
    def __init__(self, *args: object, community: Community, **kwargs: object) -> None:
        super().__init__(*args, community=community, **kwargs)
        # The kind is what the thread was for; changing it would rewrite history.
        del self.fields["kind"]


class PostForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_BODY,
        label="Your reply",
        help_text="Markdown is supported.",
    )


class AcceptForm(forms.Form):
    post = forms.IntegerField(min_value=1)
    undo = forms.BooleanField(required=False)


class VoteForm(forms.Form):
    undo = forms.BooleanField(required=False)
