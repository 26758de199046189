from __future__ import annotations

from django import forms

from commonplace.communities.models import (
    Cadence,
    Community,
    JoinPolicy,
    LeadershipRole,
    Recognition,
    Role,
    Stage,
    Visibility,
)
from commonplace.core.forms import split_list


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(max_length=200, required=False, label="Search communities")
    topic = forms.SlugField(max_length=50, required=False)


class CharterForm(forms.Form):
    name = forms.CharField(max_length=120)
    domain_statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text="What is this community about? The first line is shown in lists.",
    )
    topics = forms.CharField(
        max_length=4000,
        required=False,
        help_text="The regions of your domain, separated by commas (e.g. hops, yeast, water).",
    )
    strategic_context = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
        help_text="Why the community matters to the organization.",
    )
    sponsor = forms.CharField(max_length=120, required=False)
    visibility = forms.ChoiceField(choices=Visibility.choices, widget=forms.RadioSelect)
    join_policy = forms.ChoiceField(choices=JoinPolicy.choices, widget=forms.RadioSelect)
    stage = forms.ChoiceField(choices=Stage.choices)
    recognition = forms.ChoiceField(
        choices=Recognition.choices, label="Recognition by the organization"
    )
    cadence = forms.ChoiceField(choices=Cadence.choices, label="Expected rhythm")
    accent_color = forms.RegexField(
        regex=r"^#[0-9a-fA-F]{6}$",
        max_length=7,
        initial="#2f6f5e",
        widget=forms.TextInput(attrs={"type": "color"}),
        label="Accent colour",
        error_messages={"invalid": "Give the colour as #rrggbb."},
    )
    notify_suggested_answerers = forms.BooleanField(
        required=False,
        label="Notify the people suggested for a question",
        help_text="New questions always show who may know; with this, those people are told too.",
    )
    reroute_after_hours = forms.IntegerField(
        min_value=0,
        max_value=336,
        initial=48,
        required=False,
        label="Ask others after (hours)",
        help_text="When a question is still unanswered this long, suggest other people. 0: never.",
    )

    def clean_topics(self) -> list[str]:
        return split_list(self.cleaned_data["topics"])

    def clean_reroute_after_hours(self) -> int:
        hours = self.cleaned_data["reroute_after_hours"]
        return 48 if hours is None else int(hours)

    @classmethod
    def initial_for(cls, community: Community) -> dict[str, object]:
        initial: dict[str, object] = {
            name: getattr(community, name) for name in cls.base_fields if hasattr(community, name)
        }
        initial["topics"] = ", ".join(t.name for t in community.topics.all())
        return initial


class CreateCommunityForm(CharterForm):
    slug = forms.SlugField(
        max_length=50,
        help_text="The community's address: letters, digits and dashes.",
        label="Address",
    )
    field_order = ["name", "slug"]


class EditCharterForm(CharterForm):
    revision_note = forms.CharField(
        max_length=200,
        required=False,
        help_text="If you change the domain statement, say why (kept with the revision).",
    )


class RequestToJoinForm(forms.Form):
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        required=False,
        help_text="Optional: tell the coordinators why you want to join.",
    )


class InviteForm(forms.Form):
    username = forms.CharField(max_length=150, label="Username to invite")
    message = forms.CharField(max_length=500, required=False)


class MemberRolesForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    leadership_roles = forms.MultipleChoiceField(
        choices=LeadershipRole.choices, widget=forms.CheckboxSelectMultiple, required=False
    )


class SkillEndorsementForm(forms.Form):
    skill = forms.CharField(max_length=60)
    withdraw = forms.BooleanField(required=False)
